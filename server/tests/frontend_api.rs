//! Happy paths of the Frontend API endpoints, with every resource shape checked field by field against
//! `shared/frontend-api.md`, plus the documented form errors of sign-in / sign-up and the password/token secrecy rules.

mod common;

use common::*;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn environment_shape() {
    let s = Server::start();
    let env = s.environment().await;
    assert!(
        env.get("response").is_none(),
        "environment must not be wrapped in an envelope: {env}"
    );
    let ac = &env["auth_config"];
    assert_eq!(ac["single_session_mode"], false, "{env}");
    let ids = ac["identification_strategies"]
        .as_array()
        .unwrap_or_else(|| panic!("identification_strategies: {env}"));
    assert!(
        !ids.is_empty() && ids.iter().all(|v| v.is_string()),
        "identification_strategies: {env}"
    );
    assert_eq!(
        ac["first_factors"],
        json!(["password", "email_code"]),
        "{env}"
    );
    let app = env["display_config"]["application_name"]
        .as_str()
        .unwrap_or_else(|| panic!("application_name: {env}"));
    assert!(!app.is_empty());
    assert_eq!(env["user_settings"]["password"]["min_length"], 8, "{env}");
    assert_eq!(
        env["user_settings"]["sign_up"]["email_verification_required"], false,
        "{env}"
    );
}

#[tokio::test]
async fn environment_reflects_flags() {
    let s = Server::start_args(&[
        "--session-mode",
        "single",
        "--email-verification",
        "required",
    ]);
    let env = s.environment().await;
    assert_eq!(env["auth_config"]["single_session_mode"], true, "{env}");
    assert_eq!(
        env["user_settings"]["sign_up"]["email_verification_required"], true,
        "{env}"
    );
}

#[tokio::test]
async fn client_create_get_and_unknown_tokens() {
    let s = Server::start();
    let c = s.client();

    // No token: GET answers an empty client (response null).
    let r = c.get("/v1/client").await;
    assert!(
        r.ok()["response"].is_null(),
        "GET /v1/client without token: {}",
        r.text
    );
    assert!(
        r.json.get("client").is_some() && r.json["client"].is_null(),
        "{}",
        r.text
    );

    // POST creates a client and hands out a token in Authorization.
    let r = c.post("/v1/client", &[]).await;
    let client = r.response().clone();
    check_client(&client);
    assert_eq!(client["sessions"], json!([]));
    assert!(
        client["sign_in"].is_null() && client["sign_up"].is_null(),
        "{client}"
    );
    assert!(client["last_active_session_id"].is_null());
    let token = r
        .header("authorization")
        .expect("token in Authorization header");
    let id = client["id"].as_str().unwrap();
    let (tid, secret) = token
        .split_once('.')
        .unwrap_or_else(|| panic!("token {token:?} is not <client_id>.<secret>"));
    assert_eq!(tid, id, "token must start with the client id");
    assert!(
        b64url_decode(secret).len() >= 32,
        "token secret must carry 256 bits: {token}"
    );
    assert!(
        !r.text.contains(secret),
        "token secret in the response body"
    );

    // GET with the token: the same client, "client": null.
    let r = c.get("/v1/client").await;
    assert_eq!(r.ok()["response"]["id"], id, "{}", r.text);
    check_client(&r.json["response"]);
    assert!(
        r.json["client"].is_null(),
        "GET /v1/client must answer client: null: {}",
        r.text
    );

    // PUT also creates a client, and so does POST with _method=PUT.
    let c2 = s.client();
    let r = c2.put("/v1/client", &[]).await;
    check_client(r.response());
    assert!(
        r.header("authorization").is_some(),
        "PUT /v1/client gave no token"
    );
    let c3 = s.client();
    let r = c3.post("/v1/client?_method=PUT", &[]).await;
    check_client(r.response());
    assert!(
        r.header("authorization").is_some(),
        "POST _method=PUT /v1/client gave no token"
    );
    let ids = [
        id.to_string(),
        c2.client().await["id"].as_str().unwrap().into(),
        c3.client().await["id"].as_str().unwrap().into(),
    ];
    assert!(
        ids[0] != ids[1] && ids[1] != ids[2] && ids[0] != ids[2],
        "clients must be distinct: {ids:?}"
    );

    // Unknown token / right client id with a wrong secret: an empty client.
    let forged = s.client();
    forged.set_token(Some(format!(
        "{id}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    )));
    assert!(
        forged.client().await.is_null(),
        "a wrong secret must not open the client"
    );
    let unknown = s.client();
    unknown.set_token(Some("client_doesnotexist.c2VjcmV0".into()));
    assert!(unknown.client().await.is_null());
    let garbage = s.client();
    garbage.set_token(Some("complete garbage with spaces".into()));
    assert!(garbage.client().await.is_null());
}

#[tokio::test]
async fn sign_up_happy_path() {
    let s = Server::start();
    let c = s.client();
    let email = email("signup");
    let before = now_ms();
    let r = c
        .post(
            "/v1/client/sign_ups",
            &[
                ("email_address", email.as_str()),
                ("password", PASSWORD),
                ("first_name", "Ada"),
                ("last_name", "Lovelace"),
            ],
        )
        .await;
    let su = r.response().clone();
    assert!(
        c.token().is_some(),
        "sign-up without a token must create a client and return its token"
    );
    check_sign_up(&su);
    assert_eq!(su["status"], "complete");
    assert_eq!(su["email_address"], email.as_str());
    assert_eq!(su["unverified_fields"], json!([]));
    let sid = su["created_session_id"].as_str().unwrap();
    let uid = su["created_user_id"].as_str().unwrap();

    let client = &r.json["client"];
    check_client(client);
    assert_eq!(client["last_active_session_id"], sid);
    let sessions = client["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 1, "{client}");
    let sess = &sessions[0];
    assert_eq!(sess["id"], sid);
    assert_eq!(sess["status"], "active");
    let user = &sess["user"];
    assert_eq!(user["id"], uid);
    assert_eq!(user["first_name"], "Ada");
    assert_eq!(user["last_name"], "Lovelace");
    assert_eq!(user["password_enabled"], true);
    let emails = user["email_addresses"].as_array().unwrap();
    assert_eq!(emails.len(), 1);
    assert_eq!(emails[0]["email_address"], email.as_str());
    assert_eq!(user["primary_email_address_id"], emails[0]["id"]);
    let pud = &sess["public_user_data"];
    assert_eq!(pud["identifier"], email.as_str());
    assert_eq!(pud["user_id"], uid);
    assert_eq!(pud["first_name"], "Ada");
    assert_eq!(pud["last_name"], "Lovelace");

    // Timestamps: created now, expires after the default 7 days, abandoned after 30 days of inactivity.
    let created = sess["created_at"].as_i64().unwrap();
    assert!(
        created >= before - 2000 && created <= now_ms() + 2000,
        "session.created_at {created} not now"
    );
    let expire = sess["expire_at"].as_i64().unwrap();
    assert!(
        (expire - created - 604_800_000).abs() < 5000,
        "expire_at - created_at = {}",
        expire - created
    );
    let abandon = sess["abandon_at"].as_i64().unwrap();
    let last = sess["last_active_at"].as_i64().unwrap();
    assert!(
        (abandon - last - 2_592_000_000).abs() < 5000,
        "abandon_at - last_active_at = {}",
        abandon - last
    );

    // The same state through GET /v1/client.
    let got = c.client().await;
    check_client(&got);
    assert_eq!(got["id"], client["id"]);
    assert_eq!(got["last_active_session_id"], sid);
    assert_eq!(got["sessions"][0]["user"]["id"], uid);
}

#[tokio::test]
async fn sign_in_with_password_in_one_request() {
    let s = Server::start();
    let email = email("signin1");
    let (uid, _) = s.client().sign_up_ids(&email).await;

    let c = s.client();
    let r = c
        .post(
            "/v1/client/sign_ins",
            &[("identifier", email.as_str()), ("password", PASSWORD)],
        )
        .await;
    let si = r.response().clone();
    check_sign_in(&si);
    assert_eq!(si["status"], "complete", "{si}");
    assert_eq!(si["identifier"], email.as_str());
    let sid = si["created_session_id"].as_str().unwrap();
    let client = &r.json["client"];
    check_client(client);
    assert_eq!(client["last_active_session_id"], sid);
    let sess = find_session(client, sid)
        .unwrap_or_else(|| panic!("new session not on the client: {client}"));
    assert_eq!(sess["user"]["id"], uid.as_str());
    assert_eq!(sess["public_user_data"]["identifier"], email.as_str());

    // Identifiers are case-insensitive.
    let c2 = s.client();
    let v = c2.sign_in_password(&email.to_uppercase(), PASSWORD).await;
    let sid2 = v["response"]["created_session_id"].as_str().unwrap();
    assert_eq!(
        find_session(&v["client"], sid2).unwrap()["user"]["id"],
        uid.as_str()
    );
}

#[tokio::test]
async fn sign_in_in_two_steps_with_password() {
    let s = Server::start();
    let email = email("signin2");
    let v = s.client().sign_up(&email, PASSWORD).await;
    let user = &v["client"]["sessions"][0]["user"];
    let email_id = user["primary_email_address_id"]
        .as_str()
        .unwrap()
        .to_string();

    let c = s.client();
    let r = c
        .post("/v1/client/sign_ins", &[("identifier", email.as_str())])
        .await;
    let si = r.response().clone();
    check_sign_in(&si);
    assert_eq!(si["status"], "needs_first_factor");
    assert_eq!(si["identifier"], email.as_str());
    assert!(si["first_factor_verification"].is_null(), "{si}");
    assert!(si["created_session_id"].is_null());
    let factors = si["supported_first_factors"].as_array().unwrap();
    assert_eq!(factors.len(), 2, "{si}");
    assert_eq!(factors[0]["strategy"], "password", "{si}");
    assert_eq!(factors[1]["strategy"], "email_code", "{si}");
    assert!(
        factors[1]["safe_identifier"].is_string(),
        "email_code factor needs safe_identifier: {si}"
    );
    assert_eq!(factors[1]["email_address_id"], email_id.as_str(), "{si}");
    check_client(&r.json["client"]);
    assert_eq!(
        r.json["client"]["sign_in"]["id"], si["id"],
        "client.sign_in must be the sign-in in progress"
    );
    assert_eq!(r.json["client"]["sessions"], json!([]));
    assert_eq!(
        c.client().await,
        r.json["client"],
        "GET /v1/client shows the sign-in in progress"
    );

    let sia = si["id"].as_str().unwrap();
    let path = format!("/v1/client/sign_ins/{sia}/attempt_first_factor");
    c.post(
        &path,
        &[("strategy", "password"), ("password", "not-the-password")],
    )
    .await
    .expect_param_error(422, "form_password_incorrect", "password");

    let r = c
        .post(&path, &[("strategy", "password"), ("password", PASSWORD)])
        .await;
    let si = r.response().clone();
    check_sign_in(&si);
    assert_eq!(si["status"], "complete");
    assert_eq!(
        si["first_factor_verification"]["status"], "verified",
        "{si}"
    );
    assert_eq!(
        si["first_factor_verification"]["strategy"], "password",
        "{si}"
    );
    let sid = si["created_session_id"].as_str().unwrap();
    check_client(&r.json["client"]);
    assert_eq!(r.json["client"]["last_active_session_id"], sid);
    assert!(find_session(&r.json["client"], sid).is_some());
}

#[tokio::test]
async fn sign_in_errors() {
    let s = Server::start();
    let email = email("signinerr");
    s.client().sign_up(&email, PASSWORD).await;
    let c = s.client();
    let nobody = common::email("nobody");
    c.post("/v1/client/sign_ins", &[("identifier", nobody.as_str())])
        .await
        .expect_param_error(422, "form_identifier_not_found", "identifier");
    c.post(
        "/v1/client/sign_ins",
        &[("identifier", nobody.as_str()), ("password", PASSWORD)],
    )
    .await
    .expect_param_error(422, "form_identifier_not_found", "identifier");
    c.post(
        "/v1/client/sign_ins",
        &[
            ("identifier", email.as_str()),
            ("password", "wrong-password-1"),
        ],
    )
    .await
    .expect_param_error(422, "form_password_incorrect", "password");
    c.post(
        "/v1/client/sign_ins",
        &[
            ("identifier", email.as_str()),
            ("password", "wrong"),
            ("strategy", "password"),
        ],
    )
    .await
    .expect_param_error(422, "form_password_incorrect", "password");
    // Nothing was signed in by the failures.
    let client = c.client().await;
    if !client.is_null() {
        assert_eq!(client["sessions"], json!([]), "{client}");
    }
}

#[tokio::test]
async fn email_code_sign_in_via_outbox() {
    let s = Server::start();
    let email = email("code");
    let (uid, _) = s.client().sign_up_ids(&email).await;
    let already = s.outbox(&email).await.len();

    let c = s.client();
    let before = now_ms();
    let r = c
        .post(
            "/v1/client/sign_ins",
            &[("identifier", email.as_str()), ("strategy", "email_code")],
        )
        .await;
    let si = r.response().clone();
    check_sign_in(&si);
    assert_eq!(si["status"], "needs_first_factor", "{si}");
    let ffv = &si["first_factor_verification"];
    assert_eq!(ffv["status"], "unverified", "{si}");
    assert_eq!(ffv["strategy"], "email_code", "{si}");
    assert!(
        ffv["attempts"].is_number() || ffv["attempts"].is_null(),
        "{si}"
    );
    let expire = ffv["expire_at"]
        .as_i64()
        .unwrap_or_else(|| panic!("expire_at: {si}"));
    assert!(
        (expire - before - 600_000).abs() < 5000,
        "code expire_at should be ~10 minutes out: {}",
        expire - before
    );

    let msgs = s.outbox(&email).await;
    assert_eq!(msgs.len(), already + 1, "exactly one new message: {msgs:?}");
    let m = msgs.last().unwrap();
    assert_eq!(m["to"], email.as_str());
    assert!(m["purpose"].is_string(), "{m}");
    check_ms(&m["sent_at"], "outbox sent_at");
    let code = m["code"].as_str().unwrap().to_string();
    assert!(!code.is_empty());
    // The code never rides along in an API answer.
    assert!(
        !r.text.contains(&code),
        "code leaked in the sign-in response"
    );

    let sia = si["id"].as_str().unwrap();
    let attempt = format!("/v1/client/sign_ins/{sia}/attempt_first_factor");
    let wrong = if code == "000000" { "111111" } else { "000000" };
    c.post(&attempt, &[("strategy", "email_code"), ("code", wrong)])
        .await
        .expect_param_error(422, "form_code_incorrect", "code");
    let r = c
        .post(
            &attempt,
            &[("strategy", "email_code"), ("code", code.as_str())],
        )
        .await;
    let done = r.response().clone();
    check_sign_in(&done);
    assert_eq!(done["status"], "complete", "{done}");
    assert_eq!(
        done["first_factor_verification"]["status"], "verified",
        "{done}"
    );
    let sid = done["created_session_id"].as_str().unwrap();
    check_client(&r.json["client"]);
    assert_eq!(
        find_session(&r.json["client"], sid).unwrap()["user"]["id"],
        uid.as_str()
    );

    // Preparing or attempting on a completed sign-in.
    c.post(
        &format!("/v1/client/sign_ins/{sia}/prepare_first_factor"),
        &[("strategy", "email_code")],
    )
    .await
    .expect_error(422, "verification_failed");
    c.post(
        &attempt,
        &[("strategy", "email_code"), ("code", code.as_str())],
    )
    .await
    .expect_error(422, "verification_failed");
    c.post(
        &attempt,
        &[("strategy", "password"), ("password", PASSWORD)],
    )
    .await
    .expect_error(422, "verification_failed");
}

#[tokio::test]
async fn email_code_via_prepare_first_factor() {
    let s = Server::start();
    let email = email("prep");
    s.client().sign_up(&email, PASSWORD).await;
    let c = s.client();
    let si = c
        .post("/v1/client/sign_ins", &[("identifier", email.as_str())])
        .await
        .response()
        .clone();
    assert_eq!(si["status"], "needs_first_factor");
    let email_id = si["supported_first_factors"][1]["email_address_id"]
        .as_str()
        .unwrap_or("")
        .to_string();
    let sia = si["id"].as_str().unwrap();
    let n0 = s.outbox(&email).await.len();
    let r = c
        .post(
            &format!("/v1/client/sign_ins/{sia}/prepare_first_factor"),
            &[
                ("strategy", "email_code"),
                ("email_address_id", email_id.as_str()),
            ],
        )
        .await;
    let si = r.response().clone();
    check_sign_in(&si);
    assert_eq!(si["status"], "needs_first_factor");
    assert_eq!(
        si["first_factor_verification"]["status"], "unverified",
        "{si}"
    );
    assert_eq!(
        si["first_factor_verification"]["strategy"], "email_code",
        "{si}"
    );
    assert_eq!(
        s.outbox(&email).await.len(),
        n0 + 1,
        "prepare_first_factor must send one message"
    );
    let code = s.outbox_code(&email).await;
    let r = c
        .post(
            &format!("/v1/client/sign_ins/{sia}/attempt_first_factor"),
            &[("strategy", "email_code"), ("code", code.as_str())],
        )
        .await;
    assert_eq!(r.response()["status"], "complete", "{}", r.text);
}

#[tokio::test]
async fn sign_up_with_email_verification_required() {
    let s = Server::start_args(&["--email-verification", "required"]);
    let c = s.client();
    let email = email("verify");
    let r = c
        .post(
            "/v1/client/sign_ups",
            &[
                ("email_address", email.as_str()),
                ("password", PASSWORD),
                ("first_name", "Grace"),
            ],
        )
        .await;
    let su = r.response().clone();
    check_sign_up(&su);
    assert_eq!(su["status"], "missing_requirements", "{su}");
    assert_eq!(su["unverified_fields"], json!(["email_address"]), "{su}");
    assert_eq!(
        su["verifications"]["email_address"]["status"], "unverified",
        "{su}"
    );
    assert_eq!(
        su["verifications"]["email_address"]["strategy"], "email_code",
        "{su}"
    );
    assert!(su["created_session_id"].is_null());
    check_client(&r.json["client"]);
    assert_eq!(r.json["client"]["sessions"], json!([]));
    assert_eq!(
        r.json["client"]["sign_up"]["id"], su["id"],
        "client.sign_up must be the sign-up in progress"
    );
    assert_eq!(
        c.client().await,
        r.json["client"],
        "GET /v1/client shows the sign-up in progress"
    );

    let sua = su["id"].as_str().unwrap();
    let n0 = s.outbox(&email).await.len();
    let r = c
        .post(
            &format!("/v1/client/sign_ups/{sua}/prepare_verification"),
            &[("strategy", "email_code")],
        )
        .await;
    check_sign_up(r.response());
    assert_eq!(
        s.outbox(&email).await.len(),
        n0 + 1,
        "prepare_verification must send one message"
    );
    let code = s.outbox_code(&email).await;
    let attempt = format!("/v1/client/sign_ups/{sua}/attempt_verification");
    let wrong = if code == "000000" { "111111" } else { "000000" };
    c.post(&attempt, &[("strategy", "email_code"), ("code", wrong)])
        .await
        .expect_param_error(422, "form_code_incorrect", "code");
    let r = c
        .post(
            &attempt,
            &[("strategy", "email_code"), ("code", code.as_str())],
        )
        .await;
    let su = r.response().clone();
    check_sign_up(&su);
    assert_eq!(su["status"], "complete", "{su}");
    assert_eq!(su["unverified_fields"], json!([]), "{su}");
    assert_eq!(
        su["verifications"]["email_address"]["status"], "verified",
        "{su}"
    );
    let sid = su["created_session_id"].as_str().unwrap();
    let client = &r.json["client"];
    check_client(client);
    assert_eq!(client["last_active_session_id"], sid);
    let user = &find_session(client, sid).unwrap()["user"];
    assert_eq!(user["id"], su["created_user_id"]);
    assert_eq!(user["first_name"], "Grace");
    assert_eq!(
        user["email_addresses"][0]["verification"]["status"], "verified",
        "{user}"
    );

    // The verified user can sign in with the password from another client.
    s.client().sign_in(&email).await;
}

#[tokio::test]
async fn email_verification_switched_at_runtime() {
    let s = Server::start();
    let r = s
        .patch_instance(&[("email_verification_required", "true")])
        .await;
    let v = r.ok();
    assert_eq!(v["email_verification_required"], true, "{v}");
    assert_eq!(v["single_session_mode"], false, "{v}");
    assert_eq!(
        s.environment().await["user_settings"]["sign_up"]["email_verification_required"],
        true
    );
    let e1 = email("rt1");
    let su = s
        .client()
        .post(
            "/v1/client/sign_ups",
            &[("email_address", e1.as_str()), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(
        su.response()["status"],
        "missing_requirements",
        "{}",
        su.text
    );

    let r = s
        .patch_instance(&[("email_verification_required", "false")])
        .await;
    assert_eq!(r.ok()["email_verification_required"], false);
    let e2 = email("rt2");
    s.client().sign_up(&e2, PASSWORD).await;
}

#[tokio::test]
async fn passwords_and_client_tokens_never_leak() {
    let s = Server::start_args(&["--email-verification", "required"]);
    let a = s.client();
    let b = s.client();
    let ea = email("leak-a");
    let pw_a = "Very-Secret-Pa55word-A";
    let pw_b = "Very-Secret-Pa55word-B";
    // Sign-up with verification, failed and successful password sign-ins, tokens, sign-out …
    let su = a
        .post(
            "/v1/client/sign_ups",
            &[("email_address", ea.as_str()), ("password", pw_a)],
        )
        .await
        .response()
        .clone();
    let sua = su["id"].as_str().unwrap();
    a.post(
        &format!("/v1/client/sign_ups/{sua}/prepare_verification"),
        &[("strategy", "email_code")],
    )
    .await
    .response();
    let code = s.outbox_code(&ea).await;
    let done = a
        .post(
            &format!("/v1/client/sign_ups/{sua}/attempt_verification"),
            &[("strategy", "email_code"), ("code", code.as_str())],
        )
        .await;
    let sid_a = done.response()["created_session_id"]
        .as_str()
        .unwrap()
        .to_string();
    b.post(
        "/v1/client/sign_ins",
        &[("identifier", ea.as_str()), ("password", pw_b)],
    )
    .await;
    let si = b
        .post("/v1/client/sign_ins", &[("identifier", ea.as_str())])
        .await
        .response()
        .clone();
    let sia = si["id"].as_str().unwrap();
    b.post(
        &format!("/v1/client/sign_ins/{sia}/attempt_first_factor"),
        &[("strategy", "password"), ("password", pw_b)],
    )
    .await;
    b.post(
        &format!("/v1/client/sign_ins/{sia}/attempt_first_factor"),
        &[("strategy", "password"), ("password", pw_a)],
    )
    .await
    .response();
    // A sign-up with a too-short password echoes nothing of it either.
    b.post(
        "/v1/client/sign_ups",
        &[
            ("email_address", "short@example.com"),
            ("password", "Sh0rt!"),
        ],
    )
    .await;
    a.jwt(&sid_a).await;
    a.get("/v1/client").await;
    a.get("/v1/environment").await;
    b.delete("/v1/client/sessions").await;

    let backend_users = s.backend(Method::GET, "/v1/users", None).await;
    let uid = backend_users.ok()[0]["id"].as_str().unwrap().to_string();
    let backend_sessions = s
        .backend(Method::GET, &format!("/v1/sessions?user_id={uid}"), None)
        .await;
    backend_sessions.ok();

    let mut logs = a.logged();
    logs.extend(b.logged());
    for r in [&backend_users, &backend_sessions] {
        logs.push(Logged {
            desc: r.desc.clone(),
            status: r.status,
            headers: r
                .headers
                .iter()
                .map(|(k, v)| (k.to_string(), String::from_utf8_lossy(v.as_bytes()).into()))
                .collect(),
            body: r.text.clone(),
        });
    }
    for pw in [pw_a, pw_b, "Sh0rt!"] {
        assert_not_leaked(&logs, pw, false);
    }
    assert_not_leaked(&logs, "$argon2", false);
    // Client tokens appear only in the Authorization response header.
    for t in [a.token().unwrap(), b.token().unwrap()] {
        let secret = t
            .split_once('.')
            .map(|(_, s)| s.to_string())
            .unwrap_or(t.clone());
        assert_not_leaked(&logs, &t, true);
        assert_not_leaked(&logs, &secret, true);
    }
    // And the Authorization header was only ever a client token (never something else).
    for l in &logs {
        for (k, v) in &l.headers {
            if k.eq_ignore_ascii_case("authorization") {
                assert!(
                    v.starts_with("client_"),
                    "{}: Authorization header is not a client token: {v}",
                    l.desc
                );
            }
        }
    }
}

#[tokio::test]
async fn sign_up_rejects_an_existing_email_in_any_case() {
    let s = Server::start();
    let e = email("dup");
    s.client().sign_up(&e, PASSWORD).await;
    s.client()
        .post(
            "/v1/client/sign_ups",
            &[("email_address", e.as_str()), ("password", PASSWORD)],
        )
        .await
        .expect_param_error(422, "form_identifier_exists", "email_address");
    s.client()
        .post(
            "/v1/client/sign_ups",
            &[
                ("email_address", e.to_uppercase().as_str()),
                ("password", PASSWORD),
            ],
        )
        .await
        .expect_param_error(422, "form_identifier_exists", "email_address");
    assert_eq!(s.users().await.len(), 1);
    // A mixed-case sign-up can sign in with any case.
    let mixed = format!("Mixed.{}", email("case"));
    s.client().sign_up(&mixed, PASSWORD).await;
    s.client().sign_in(&mixed.to_lowercase()).await;
    s.client().sign_in(&mixed.to_uppercase()).await;
}
