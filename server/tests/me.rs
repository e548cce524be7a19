//! `/v1/me…`: the account of the session named by `_clerk_session_id`, which must be an active session of the
//! calling client.

mod common;

use common::*;
use reqwest::Method;
use serde_json::Value;

fn me(path: &str, sid: &str) -> String {
    format!("/v1/me{path}?_clerk_session_id={sid}")
}

async fn patch(c: &Client, path: &str, form: &[(&str, &str)]) -> Resp {
    c.send(Method::PATCH, path, Body::Form(form), &[]).await
}

#[tokio::test]
async fn get_me_answers_the_user_of_the_named_session_only_for_its_client() {
    let s = Server::start();
    let (ea, eb) = (email("me-get-a"), email("me-get-b"));
    s.client().sign_up(&ea, PASSWORD).await;
    s.client().sign_up(&eb, PASSWORD).await;
    let c = s.client();
    let a = c.sign_in(&ea).await;
    let b = c.sign_in(&eb).await;
    // B is active; asking for A answers A.
    let r = c.get(&me("", &a)).await;
    assert_eq!(
        r.response()["email_addresses"][0]["email_address"],
        ea.as_str()
    );
    check_client(&r.json["client"]);
    assert_eq!(
        c.get(&me("", &b)).await.response()["email_addresses"][0]["email_address"],
        eb.as_str()
    );

    // Missing parameter → 422; unknown id → 404; another client's session → 404; no client → 404.
    c.get("/v1/me")
        .await
        .expect_error(422, "form_param_missing");
    c.get(&me("", "sess_unknown"))
        .await
        .expect_error(404, "resource_not_found");
    let other = s.client();
    other.create_client().await;
    other
        .get(&me("", &a))
        .await
        .expect_error(404, "resource_not_found");
    s.client()
        .get(&me("", &a))
        .await
        .expect_error(404, "resource_not_found");
    // A signed-out session → 404.
    c.remove(&a).await.response();
    c.get(&me("", &a))
        .await
        .expect_error(404, "resource_not_found");
}

#[tokio::test]
async fn patch_me_updates_names_seen_by_every_client() {
    let s = Server::start();
    let ea = email("me-patch");
    s.client().sign_up(&ea, PASSWORD).await;
    let (c1, c2) = (s.client(), s.client());
    let s1 = c1.sign_in(&ea).await;
    let s2 = c2.sign_in(&ea).await;
    let r = patch(
        &c1,
        &me("", &s1),
        &[("first_name", "Ada"), ("last_name", "Lovelace")],
    )
    .await;
    let user = r.response();
    assert_eq!(
        (user["first_name"].as_str(), user["last_name"].as_str()),
        (Some("Ada"), Some("Lovelace"))
    );
    assert_eq!(
        find_session(&r.json["client"], &s1).unwrap()["user"]["first_name"],
        "Ada"
    );
    // The other client's next /v1/client shows the change.
    let other = c2.client().await;
    assert_eq!(
        find_session(&other, &s2).unwrap()["user"]["first_name"],
        "Ada"
    );
    assert_eq!(
        find_session(&other, &s2).unwrap()["public_user_data"]["last_name"],
        "Lovelace"
    );
    // Absent fields stay; an empty one clears.
    let r = patch(&c1, &me("", &s1), &[("last_name", "")]).await;
    assert_eq!(r.response()["first_name"], "Ada");
    assert_eq!(r.response()["last_name"], Value::Null);
    // The primary address must be a verified address of this user: this one is unverified (no verification at sign-up).
    let primary = r.response()["primary_email_address_id"]
        .as_str()
        .unwrap()
        .to_string();
    patch(&c1, &me("", &s1), &[("primary_email_address_id", &primary)])
        .await
        .expect_param_error(422, "form_param_format_invalid", "primary_email_address_id");
    patch(
        &c1,
        &me("", &s1),
        &[("primary_email_address_id", "idn_other")],
    )
    .await
    .expect_param_error(422, "form_param_format_invalid", "primary_email_address_id");
    // A user verified at sign-up may name its address.
    s.patch_instance(&[("email_verification_required", "true")])
        .await
        .ok();
    let ev = email("me-patch-verified");
    let cv = s.client();
    let up = cv.sign_up_full(&ev, PASSWORD, "Eve", "V").await;
    let up_id = up["response"]["id"].as_str().unwrap().to_string();
    cv.post(
        &format!("/v1/client/sign_ups/{up_id}/prepare_verification"),
        &[("strategy", "email_code")],
    )
    .await
    .response();
    let code = s.outbox_code(&ev).await;
    let done = cv
        .post(
            &format!("/v1/client/sign_ups/{up_id}/attempt_verification"),
            &[("code", &code)],
        )
        .await;
    let sv = done.response()["created_session_id"]
        .as_str()
        .unwrap()
        .to_string();
    let verified = cv.get(&me("", &sv)).await.response()["primary_email_address_id"]
        .as_str()
        .unwrap()
        .to_string();
    patch(
        &cv,
        &me("", &sv),
        &[("primary_email_address_id", &verified)],
    )
    .await
    .response();
    // Another user's verified address is not this user's.
    patch(
        &c1,
        &me("", &s1),
        &[("primary_email_address_id", &verified)],
    )
    .await
    .expect_param_error(422, "form_param_format_invalid", "primary_email_address_id");
    let long = "x".repeat(257);
    patch(&c1, &me("", &s1), &[("first_name", &long)])
        .await
        .expect_param_error(422, "form_param_format_invalid", "first_name");
    patch(&c1, "/v1/me", &[("first_name", "X")])
        .await
        .expect_error(422, "form_param_missing");
    assert_eq!(c1.get(&me("", &s1)).await.response()["first_name"], "Ada");
}

#[tokio::test]
async fn change_password_checks_the_current_one_and_can_sign_out_other_sessions() {
    let s = Server::start();
    let ea = email("me-pw");
    s.client().sign_up(&ea, PASSWORD).await;
    let (c1, c2, c3) = (s.client(), s.client(), s.client());
    let s1 = c1.sign_in(&ea).await;
    let s2 = c2.sign_in(&ea).await;
    let s3 = c3.sign_in(&ea).await;
    let path = me("/change_password", &s1);
    c1.post(
        &path,
        &[
            ("current_password", "wrong-password-1"),
            ("new_password", "Another-Secret-42"),
        ],
    )
    .await
    .expect_param_error(422, "form_password_incorrect", "current_password");
    c1.post(
        &path,
        &[("current_password", PASSWORD), ("new_password", "short")],
    )
    .await
    .expect_error(422, "form_password_length_too_short");
    c1.post(&path, &[("current_password", PASSWORD)])
        .await
        .expect_error(422, "form_param_missing");
    c1.post(&path, &[("new_password", "Another-Secret-42")])
        .await
        .expect_error(422, "form_param_missing");
    // Changed without signing out: the other sessions stay.
    let r = c1
        .post(
            &path,
            &[
                ("current_password", PASSWORD),
                ("new_password", "Another-Secret-42"),
            ],
        )
        .await;
    r.response();
    check_client(&r.json["client"]);
    assert!(find_session(&c2.client().await, &s2).is_some());
    // The old password no longer signs in; the new one does.
    let c4 = s.client();
    c4.post(
        "/v1/client/sign_ins",
        &[("identifier", &ea), ("password", PASSWORD)],
    )
    .await
    .expect_error(422, "form_password_incorrect");
    c4.sign_in_password(&ea, "Another-Secret-42").await;
    // With sign_out_of_other_sessions every other session of the user on every client goes, the caller's stays.
    c1.post(
        &path,
        &[
            ("current_password", "Another-Secret-42"),
            ("new_password", "Third-Secret-777"),
            ("sign_out_of_other_sessions", "true"),
        ],
    )
    .await
    .response();
    assert!(find_session(&c1.client().await, &s1).is_some());
    assert!(find_session(&c2.client().await, &s2).is_none());
    assert!(find_session(&c3.client().await, &s3).is_none());
    c2.tokens(&s2).await.expect_error(404, "resource_not_found");
    assert_eq!(c1.tokens(&s1).await.status, 200);
    for session in s.user_sessions(&find_user_id(&s, &ea).await).await {
        if session["id"] == s2.as_str() || session["id"] == s3.as_str() {
            assert_eq!(session["status"], "revoked");
        }
    }
}

#[tokio::test]
async fn wrong_current_passwords_are_rate_limited_like_sign_in() {
    let s = Server::start();
    let ea = email("me-pw-limit");
    s.client().sign_up(&ea, PASSWORD).await;
    let c = s.client();
    let sid = c.sign_in(&ea).await;
    let path = me("/change_password", &sid);
    let mut limited = false;
    for _ in 0..30 {
        let r = c
            .post(
                &path,
                &[
                    ("current_password", "wrong-password-1"),
                    ("new_password", "Another-Secret-42"),
                ],
            )
            .await;
        if r.status == 429 {
            limited = true;
            break;
        }
        r.expect_error(422, "form_password_incorrect");
    }
    assert!(
        limited,
        "wrong current passwords must hit the sign-in attempt limit"
    );
}

async fn find_user_id(s: &Server, email: &str) -> String {
    s.users()
        .await
        .iter()
        .find(|u| u["email_addresses"][0]["email_address"] == email)
        .and_then(|u| u["id"].as_str())
        .expect("user")
        .to_string()
}

#[tokio::test]
async fn active_sessions_lists_every_client_and_revoke_ends_another_clients_session() {
    let s = Server::start();
    let (ea, eb) = (email("me-sess-a"), email("me-sess-b"));
    s.client().sign_up(&ea, PASSWORD).await;
    s.client().sign_up(&eb, PASSWORD).await;
    let (c1, c2) = (s.client(), s.client());
    let a1 = c1.sign_in(&ea).await;
    let b1 = c1.sign_in(&eb).await;
    let a2 = c2.sign_in(&ea).await;
    let r = c1.get(&me("/sessions/active", &a1)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    check_client(&r.json["client"]);
    let ids: Vec<&str> = r
        .response()
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    // A's sessions: c1's, c2's and the one its sign-up created on a third client; not B's.
    assert_eq!(ids.len(), 3, "{ids:?}");
    assert!(
        ids.contains(&a1.as_str()) && ids.contains(&a2.as_str()) && !ids.contains(&b1.as_str())
    );
    // The calling session cannot be revoked here; another user's session and unknown ids are 404.
    c1.post(&me(&format!("/sessions/{a1}/revoke"), &a1), &[])
        .await
        .expect_error(422, "form_param_format_invalid");
    c1.post(&me(&format!("/sessions/{b1}/revoke"), &a1), &[])
        .await
        .expect_error(404, "resource_not_found");
    c1.post(&me("/sessions/sess_nope/revoke", &a1), &[])
        .await
        .expect_error(404, "resource_not_found");
    // Revoke A's session on the other client: gone from its /v1/client, its tokens fail at once.
    let r = c1
        .post(&me(&format!("/sessions/{a2}/revoke"), &a1), &[])
        .await;
    assert_eq!(r.response()["status"], "revoked");
    check_client(&r.json["client"]);
    assert!(find_session(&c2.client().await, &a2).is_none());
    c2.tokens(&a2).await.expect_error(404, "resource_not_found");
    assert_eq!(
        c1.get(&me("/sessions/active", &a1))
            .await
            .response()
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // B, on the same client as A, is untouched.
    assert!(find_session(&c1.client().await, &b1).is_some());
}

const ANDROID_CHROME: &str = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36";
const LINUX_FIREFOX: &str =
    "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";

fn activity_of<'a>(list: &'a Value, sid: &str) -> &'a Value {
    &list
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == sid)
        .unwrap_or_else(|| panic!("{sid} not listed: {list}"))["latest_activity"]
}

#[tokio::test]
async fn active_sessions_show_the_device_of_the_latest_request() {
    let s = Server::start();
    let ea = email("me-activity");
    s.client().sign_up(&ea, PASSWORD).await;
    let (c1, c2) = (s.client(), Client::from_source(&s, "127.0.0.2"));
    let s1 = c1.sign_in(&ea).await;
    // Signed in from a phone: the creating request is the latest activity.
    let r = c2
        .send(
            Method::POST,
            "/v1/client/sign_ins",
            Body::Form(&[("identifier", &ea), ("password", PASSWORD)]),
            &[("user-agent", ANDROID_CHROME)],
        )
        .await;
    let s2 = r.response()["created_session_id"]
        .as_str()
        .unwrap()
        .to_string();
    let list = c1
        .get(&me("/sessions/active", &s1))
        .await
        .response()
        .clone();
    let phone = activity_of(&list, &s2);
    assert_eq!(phone["object"], "session_activity");
    assert_eq!(phone["browser_name"], "Chrome");
    assert_eq!(phone["browser_version"], "131.0.0.0");
    assert_eq!(phone["device_type"], "mobile");
    assert_eq!(phone["is_mobile"], true);
    assert_eq!(phone["ip_address"], "127.0.0.2");
    // No User-Agent: unknown browser, the address still recorded.
    let plain = activity_of(&list, &s1);
    assert_eq!(
        (plain["browser_name"].as_str(), plain["is_mobile"].as_bool()),
        (Some(""), Some(false))
    );
    assert_eq!(plain["ip_address"], "127.0.0.1");
    // A touch from another browser replaces it.
    c2.send(
        Method::POST,
        &format!("/v1/client/sessions/{s2}/touch"),
        Body::Form(&[]),
        &[("user-agent", LINUX_FIREFOX)],
    )
    .await
    .response();
    let list = c2
        .get(&me("/sessions/active", &s2))
        .await
        .response()
        .clone();
    let desktop = activity_of(&list, &s2);
    assert_eq!(
        (
            desktop["browser_name"].as_str(),
            desktop["browser_version"].as_str(),
            desktop["device_type"].as_str(),
            desktop["is_mobile"].as_bool()
        ),
        (Some("Firefox"), Some("128.0"), Some("desktop"), Some(false))
    );
    // Client listings do not carry it.
    assert!(find_session(&c2.client().await, &s2)
        .unwrap()
        .get("latest_activity")
        .is_none());
}

fn addresses(user: &Value) -> Vec<(String, String)> {
    user["email_addresses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["email_address"].as_str().unwrap().to_string(),
                e["verification"]["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn user_of<'a>(client: &'a Value, sid: &str) -> &'a Value {
    &find_session(client, sid).unwrap_or_else(|| panic!("{sid} not in {client}"))["user"]
}

/// Add `address` for `sid` and verify it with the code from the outbox; returns its id.
async fn add_verified(s: &Server, c: &Client, sid: &str, address: &str) -> String {
    let r = c
        .post(&me("/email_addresses", sid), &[("email_address", address)])
        .await;
    let id = r.response()["id"].as_str().unwrap().to_string();
    c.post(
        &me(&format!("/email_addresses/{id}/prepare_verification"), sid),
        &[("strategy", "email_code")],
    )
    .await
    .response();
    let code = s.outbox_code(address).await;
    c.post(
        &me(&format!("/email_addresses/{id}/attempt_verification"), sid),
        &[("code", &code)],
    )
    .await
    .response();
    id
}

#[tokio::test]
async fn an_added_address_is_verified_made_primary_and_signs_in_while_the_old_one_goes() {
    let s = Server::start();
    let old = email("me-addr-old");
    let new = email("me-addr-new");
    s.client().sign_up(&old, PASSWORD).await;
    let (c1, c2) = (s.client(), s.client());
    let s1 = c1.sign_in(&old).await;
    let s2 = c2.sign_in(&old).await;
    let old_id = c1.get(&me("", &s1)).await.response()["primary_email_address_id"]
        .as_str()
        .unwrap()
        .to_string();

    // Added unverified, normalised like a sign-up; the envelope's client and the other client show it.
    let r = c1
        .post(
            &me("/email_addresses", &s1),
            &[("email_address", &format!("  {}  ", new.to_uppercase()))],
        )
        .await;
    let added = r.response().clone();
    check_email_address(&added);
    assert_eq!(added["email_address"], new.as_str());
    assert_eq!(added["verification"]["status"], "unverified");
    let id = added["id"].as_str().unwrap().to_string();
    check_user(user_of(&r.json["client"], &s1));
    assert_eq!(
        addresses(user_of(&c2.client().await, &s2)),
        [
            (old.clone(), "unverified".to_string()),
            (new.clone(), "unverified".to_string())
        ]
    );
    // Unverified: it neither signs in nor becomes primary.
    s.client()
        .post(
            "/v1/client/sign_ins",
            &[("identifier", &new), ("password", PASSWORD)],
        )
        .await
        .expect_error(422, "form_identifier_not_found");
    patch(&c1, &me("", &s1), &[("primary_email_address_id", &id)])
        .await
        .expect_param_error(422, "form_param_format_invalid", "primary_email_address_id");
    let attempt = me(&format!("/email_addresses/{id}/attempt_verification"), &s1);
    c1.post(&attempt, &[("code", "123456")])
        .await
        .expect_error(422, "verification_failed");

    // The code goes to the new address through the dev outbox; a wrong one is refused, the right one verifies once.
    let prepare = me(&format!("/email_addresses/{id}/prepare_verification"), &s1);
    c1.post(&prepare, &[("strategy", "password")])
        .await
        .expect_param_error(422, "form_param_format_invalid", "strategy");
    let r = c1.post(&prepare, &[("strategy", "email_code")]).await;
    assert_eq!(r.response()["verification"]["status"], "unverified");
    let sent = s.outbox(&new).await;
    assert_eq!(sent.last().unwrap()["purpose"], "email_address");
    let code = s.outbox_code(&new).await;
    assert_eq!(code.len(), 6);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    c1.post(&attempt, &[("code", wrong)])
        .await
        .expect_error(422, "form_code_incorrect");
    let r = c1.post(&attempt, &[("code", &code)]).await;
    assert_eq!(r.response()["verification"]["status"], "verified");
    c1.post(&attempt, &[("code", &code)])
        .await
        .expect_error(422, "verification_failed");
    c1.post(&prepare, &[])
        .await
        .expect_error(422, "verification_failed");

    // Verified: it signs in (password and email code), and becomes primary.
    let c3 = s.client();
    let s3 = c3.sign_in_password(&new, PASSWORD).await["response"]["created_session_id"]
        .as_str()
        .unwrap()
        .to_string();
    let c4 = s.client();
    let si = c4
        .post(
            "/v1/client/sign_ins",
            &[("identifier", &new), ("strategy", "email_code")],
        )
        .await;
    let factor = si.response()["supported_first_factors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["strategy"] == "email_code")
        .unwrap()
        .clone();
    assert_eq!(
        (
            factor["safe_identifier"].as_str(),
            factor["email_address_id"].as_str()
        ),
        (Some(new.as_str()), Some(id.as_str()))
    );
    assert_eq!(s.outbox(&new).await.last().unwrap()["purpose"], "sign_in");
    let r = patch(&c1, &me("", &s1), &[("primary_email_address_id", &id)]).await;
    let user = r.response();
    check_user(user);
    assert_eq!(user["primary_email_address_id"], id.as_str());
    assert_eq!(
        addresses(user),
        [
            (new.clone(), "verified".to_string()),
            (old.clone(), "unverified".to_string())
        ]
    );
    let other = c2.client().await;
    assert_eq!(
        user_of(&other, &s2)["primary_email_address_id"],
        id.as_str()
    );
    assert_eq!(
        find_session(&other, &s2).unwrap()["public_user_data"]["identifier"],
        new.as_str()
    );

    // The primary cannot be removed; the old address can, and no longer signs in.
    let r = c1.delete(&me(&format!("/email_addresses/{id}"), &s1)).await;
    let e = r.expect_error(422, "form_param_format_invalid");
    assert!(
        e["long_message"].as_str().unwrap().contains("primary"),
        "{e}"
    );
    let r = c1
        .delete(&me(&format!("/email_addresses/{old_id}"), &s1))
        .await;
    assert_eq!(
        r.response().clone(),
        serde_json::json!({"object": "email_address", "id": old_id, "deleted": true})
    );
    c1.delete(&me(&format!("/email_addresses/{old_id}"), &s1))
        .await
        .expect_error(404, "resource_not_found");
    assert_eq!(
        addresses(user_of(&c3.client().await, &s3)),
        [(new.clone(), "verified".to_string())]
    );
    s.client()
        .post(
            "/v1/client/sign_ins",
            &[("identifier", &old), ("password", PASSWORD)],
        )
        .await
        .expect_error(422, "form_identifier_not_found");
    // The old address is free for a new account; the new one is taken.
    s.client().sign_up(&old, PASSWORD).await;
    s.client()
        .post(
            "/v1/client/sign_ups",
            &[("email_address", &new), ("password", PASSWORD)],
        )
        .await
        .expect_error(422, "form_identifier_exists");
}

#[tokio::test]
async fn addresses_of_other_users_and_bad_inputs_are_refused() {
    let s = Server::start();
    let (ea, eb) = (email("me-addr-a"), email("me-addr-b"));
    s.client().sign_up(&ea, PASSWORD).await;
    s.client().sign_up(&eb, PASSWORD).await;
    let (ca, cb) = (s.client(), s.client());
    let sa = ca.sign_in(&ea).await;
    let sb = cb.sign_in(&eb).await;

    // Bad inputs.
    let path = me("/email_addresses", &sa);
    ca.post(&path, &[])
        .await
        .expect_error(422, "form_param_missing");
    ca.post(&path, &[("email_address", "not-an-email")])
        .await
        .expect_param_error(422, "form_param_format_invalid", "email_address");
    ca.post(&path, &[("email_address", "ad\u{200B}a@example.com")])
        .await
        .expect_param_error(422, "form_param_format_invalid", "email_address");
    ca.post(
        "/v1/me/email_addresses",
        &[("email_address", "x@example.com")],
    )
    .await
    .expect_error(422, "form_param_missing");
    cb.post(
        &me("/email_addresses", &sa),
        &[("email_address", "x@example.com")],
    )
    .await
    .expect_error(404, "resource_not_found");
    // Its own address, in any spelling, is taken.
    ca.post(&path, &[("email_address", &ea.to_uppercase())])
        .await
        .expect_error(422, "form_identifier_exists");

    // Both may add the same unverified address; once B verified it, A can neither prepare nor verify it, and nobody
    // else can add it.
    let shared = email("me-addr-shared");
    let a_shared = ca
        .post(&path, &[("email_address", &shared)])
        .await
        .response()["id"]
        .as_str()
        .unwrap()
        .to_string();
    ca.post(
        &me(
            &format!("/email_addresses/{a_shared}/prepare_verification"),
            &sa,
        ),
        &[],
    )
    .await
    .response();
    let a_code = s.outbox_code(&shared).await;
    let b_shared = add_verified(&s, &cb, &sb, &shared).await;
    ca.post(
        &me(
            &format!("/email_addresses/{a_shared}/attempt_verification"),
            &sa,
        ),
        &[("code", &a_code)],
    )
    .await
    .expect_error(422, "form_identifier_exists");
    ca.post(
        &me(
            &format!("/email_addresses/{a_shared}/prepare_verification"),
            &sa,
        ),
        &[],
    )
    .await
    .expect_error(422, "form_identifier_exists");
    let ec = email("me-addr-c");
    s.client().sign_up(&ec, PASSWORD).await;
    let cc = s.client();
    let sc = cc.sign_in(&ec).await;
    cc.post(
        &me("/email_addresses", &sc),
        &[("email_address", &shared.to_uppercase())],
    )
    .await
    .expect_error(422, "form_identifier_exists");
    // A sign-up with B's other verified address is refused too.
    s.client()
        .post(
            "/v1/client/sign_ups",
            &[("email_address", &shared), ("password", PASSWORD)],
        )
        .await
        .expect_error(422, "form_identifier_exists");

    // Another user's address id, or an unknown one, is 404 (422 as a primary: not a verified address of this user).
    for id in [b_shared.as_str(), "idn_unknown"] {
        ca.post(
            &me(&format!("/email_addresses/{id}/prepare_verification"), &sa),
            &[],
        )
        .await
        .expect_error(404, "resource_not_found");
        ca.post(
            &me(&format!("/email_addresses/{id}/attempt_verification"), &sa),
            &[("code", "123456")],
        )
        .await
        .expect_error(404, "resource_not_found");
        ca.delete(&me(&format!("/email_addresses/{id}"), &sa))
            .await
            .expect_error(404, "resource_not_found");
        patch(&ca, &me("", &sa), &[("primary_email_address_id", id)])
            .await
            .expect_param_error(422, "form_param_format_invalid", "primary_email_address_id");
    }
    // B's address is intact.
    assert!(addresses(user_of(&cb.client().await, &sb))
        .contains(&(shared.clone(), "verified".to_string())));
}

#[tokio::test]
async fn wrong_codes_are_counted_before_they_are_compared() {
    let s = Server::start();
    let ea = email("me-addr-codes");
    s.client().sign_up(&ea, PASSWORD).await;
    let c = s.client();
    let sid = c.sign_in(&ea).await;
    let extra = email("me-addr-codes-extra");
    let id = c
        .post(&me("/email_addresses", &sid), &[("email_address", &extra)])
        .await
        .response()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let prepare = me(&format!("/email_addresses/{id}/prepare_verification"), &sid);
    let attempt = me(&format!("/email_addresses/{id}/attempt_verification"), &sid);
    c.post(&prepare, &[]).await.response();
    let code = s.outbox_code(&extra).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    // Three wrong guesses per code; the fourth attempt fails the code even when right.
    for _ in 0..3 {
        c.post(&attempt, &[("code", wrong)])
            .await
            .expect_error(422, "form_code_incorrect");
    }
    c.post(&attempt, &[("code", &code)])
        .await
        .expect_error(422, "verification_failed");
    // A new code: two more failures reach the per-source limit of five, after which even the right code is refused.
    c.post(&prepare, &[]).await.response();
    let code = s.outbox_code(&extra).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..2 {
        c.post(&attempt, &[("code", wrong)])
            .await
            .expect_error(422, "form_code_incorrect");
    }
    c.post(&attempt, &[("code", &code)])
        .await
        .expect_error(429, "too_many_requests");
    // Concurrent guesses never exceed the limit together: all refused now.
    let form = [("code", wrong)];
    let guesses = futures::future::join_all((0..4).map(|_| c.post(&attempt, &form))).await;
    assert!(guesses.iter().all(|r| r.status == 429));
}

#[tokio::test]
async fn delete_me_removes_the_account_from_every_client() {
    let s = Server::start();
    let (ea, eb) = (email("me-del-a"), email("me-del-b"));
    s.client().sign_up(&ea, PASSWORD).await;
    s.client().sign_up(&eb, PASSWORD).await;
    let (c1, c2) = (s.client(), s.client());
    let a1 = c1.sign_in(&ea).await;
    let b1 = c1.sign_in(&eb).await;
    let a2 = c2.sign_in(&ea).await;
    let extra = email("me-del-extra");
    add_verified(&s, &c1, &a1, &extra).await;
    let user_id = find_user_id(&s, &ea).await;

    // Bad inputs: nothing is deleted.
    let path = me("", &a1);
    c1.delete("/v1/me")
        .await
        .expect_error(422, "form_param_missing");
    c1.send(Method::DELETE, &path, Body::Form(&[]), &[])
        .await
        .expect_error(422, "form_param_missing");
    c1.send(
        Method::DELETE,
        &path,
        Body::Form(&[("current_password", "wrong-password-1")]),
        &[],
    )
    .await
    .expect_param_error(422, "form_password_incorrect", "current_password");
    c2.send(
        Method::DELETE,
        &path,
        Body::Form(&[("current_password", PASSWORD)]),
        &[],
    )
    .await
    .expect_error(404, "resource_not_found");

    // A is deleted from c1 while B is c1's active account: B stays active there.
    let r = c1
        .send(
            Method::DELETE,
            &path,
            Body::Form(&[("current_password", PASSWORD)]),
            &[],
        )
        .await;
    assert_eq!(
        r.response().clone(),
        serde_json::json!({"object": "user", "id": user_id, "deleted": true})
    );
    check_client(&r.json["client"]);
    assert!(find_session(&r.json["client"], &a1).is_none());
    assert_eq!(r.json["client"]["last_active_session_id"], b1.as_str());
    // Gone from the other client at once, and its tokens fail.
    assert!(find_session(&c2.client().await, &a2).is_none());
    c2.tokens(&a2).await.expect_error(404, "resource_not_found");
    c1.tokens(&a1).await.expect_error(404, "resource_not_found");
    assert_eq!(c1.tokens(&b1).await.status, 200);
    c2.get(&me("", &a2))
        .await
        .expect_error(404, "resource_not_found");
    // The user, its addresses and its sessions are gone: nobody signs in with them, the addresses are free again.
    assert!(s.users().await.iter().all(|u| u["id"] != user_id.as_str()));
    assert!(s.user_sessions(&user_id).await.is_empty());
    for address in [&ea, &extra] {
        s.client()
            .post(
                "/v1/client/sign_ins",
                &[("identifier", address), ("password", PASSWORD)],
            )
            .await
            .expect_error(422, "form_identifier_not_found");
    }
    s.client().sign_up(&extra, PASSWORD).await;

    // Deleting the active account hands over to the most recently active remaining one, as a sign-out does.
    let (ed, ee) = (email("me-del-d"), email("me-del-e"));
    s.client().sign_up(&ed, PASSWORD).await;
    s.client().sign_up(&ee, PASSWORD).await;
    let c3 = s.client();
    let d3 = c3.sign_in(&ed).await;
    let e3 = c3.sign_in(&ee).await;
    let r = c3
        .send(
            Method::DELETE,
            &me("", &e3),
            Body::Form(&[("current_password", PASSWORD)]),
            &[],
        )
        .await;
    assert_eq!(r.json["client"]["last_active_session_id"], d3.as_str());
    assert_eq!(c3.session_ids().await, (vec![d3.clone()], Some(d3)));
}

#[tokio::test]
async fn delete_me_follows_the_instance_setting_and_counts_wrong_passwords() {
    let s = Server::start();
    let ea = email("me-del-off");
    s.client().sign_up(&ea, PASSWORD).await;
    let c = s.client();
    let sid = c.sign_in(&ea).await;
    let env = s.environment().await;
    assert_eq!(env["user_settings"]["delete_self_enabled"], true);
    assert_eq!(env["user_settings"]["actions"]["delete_self"], true);
    let r = s.patch_instance(&[("delete_self_enabled", "false")]).await;
    assert_eq!(r.ok()["delete_self_enabled"], false);
    let env = s.environment().await;
    assert_eq!(env["user_settings"]["delete_self_enabled"], false);
    assert_eq!(env["user_settings"]["actions"]["delete_self"], false);
    let form = [("current_password", PASSWORD)];
    c.send(Method::DELETE, &me("", &sid), Body::Form(&form), &[])
        .await
        .expect_error(403, "delete_self_disabled");
    assert!(find_session(&c.client().await, &sid).is_some());
    s.patch_instance(&[("delete_self_enabled", "maybe")])
        .await
        .expect_param_error(422, "form_param_format_invalid", "delete_self_enabled");
    s.patch_instance(&[("delete_self_enabled", "true")])
        .await
        .ok();

    // Wrong current passwords draw on the sign-in attempt limit.
    let wrong = [("current_password", "wrong-password-1")];
    let mut limited = false;
    for _ in 0..30 {
        let r = c
            .send(Method::DELETE, &me("", &sid), Body::Form(&wrong), &[])
            .await;
        if r.status == 429 {
            limited = true;
            break;
        }
        r.expect_error(422, "form_password_incorrect");
    }
    assert!(
        limited,
        "wrong current passwords must hit the attempt limit"
    );
    // From another address the owner still can (the limit is per identifier and source).
    let other = Client::from_source(&s, "127.0.0.3");
    let sid = other.sign_in(&ea).await;
    other
        .send(Method::DELETE, &me("", &sid), Body::Form(&form), &[])
        .await
        .response();
    assert!(find_user_gone(&s, &ea).await);
}

async fn find_user_gone(s: &Server, email: &str) -> bool {
    s.users()
        .await
        .iter()
        .all(|u| u["email_addresses"][0]["email_address"] != email)
}

#[tokio::test]
async fn account_b_is_managed_while_a_is_active_on_the_same_client() {
    let s = Server::start();
    let (ea, eb) = (email("me-ab-a"), email("me-ab-b"));
    s.client().sign_up(&ea, PASSWORD).await;
    s.client().sign_up(&eb, PASSWORD).await;
    let c = s.client();
    let b = c.sign_in(&eb).await;
    let a = c.sign_in(&ea).await;
    assert_eq!(c.session_ids().await.1.as_deref(), Some(a.as_str()));
    let extra = email("me-ab-extra");
    add_verified(&s, &c, &b, &extra).await;
    let r = patch(&c, &me("", &b), &[("first_name", "Bea")]).await;
    assert_eq!(r.response()["first_name"], "Bea");
    let client = &r.json["client"];
    // B changed, A untouched, and A is still the active account.
    assert_eq!(client["last_active_session_id"], a.as_str());
    assert_eq!(user_of(client, &b)["first_name"], "Bea");
    assert_eq!(addresses(user_of(client, &b)).len(), 2);
    assert_eq!(user_of(client, &a)["first_name"], "Test");
    assert_eq!(addresses(user_of(client, &a)).len(), 1);
    assert_eq!(
        c.session_ids().await,
        (vec![b.clone(), a.clone()], Some(a.clone()))
    );
}

#[tokio::test]
async fn an_unverified_primary_address_is_verified_with_a_code() {
    // The default instance does not verify addresses at sign-up: the primary starts unverified.
    let s = Server::start();
    let (ea, eb) = (email("me-primary-a"), email("me-primary-b"));
    s.client().sign_up(&ea, PASSWORD).await;
    s.client().sign_up(&eb, PASSWORD).await;
    let (c1, c2) = (s.client(), s.client());
    let s1 = c1.sign_in(&ea).await;
    let s2 = c2.sign_in(&ea).await;
    let user = c1.get(&me("", &s1)).await.response().clone();
    assert_eq!(addresses(&user), [(ea.clone(), "unverified".to_string())]);
    let id = user["primary_email_address_id"]
        .as_str()
        .unwrap()
        .to_string();
    let prepare = me(&format!("/email_addresses/{id}/prepare_verification"), &s1);
    let attempt = me(&format!("/email_addresses/{id}/attempt_verification"), &s1);

    // No code sent yet → refused; another user's session cannot prepare a code for this primary.
    c1.post(&attempt, &[("code", "123456")])
        .await
        .expect_error(422, "verification_failed");
    let cb = s.client();
    let sb = cb.sign_in(&eb).await;
    cb.post(
        &me(&format!("/email_addresses/{id}/prepare_verification"), &sb),
        &[("strategy", "email_code")],
    )
    .await
    .expect_error(404, "resource_not_found");

    // The code goes to the primary; a wrong one is counted and refused, the right one verifies it once.
    let r = c1.post(&prepare, &[("strategy", "email_code")]).await;
    assert_eq!(r.response()["id"], id.as_str());
    assert_eq!(r.response()["verification"]["status"], "unverified");
    let code = s.outbox_code(&ea).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    c1.post(&attempt, &[("code", wrong)])
        .await
        .expect_error(422, "form_code_incorrect");
    let r = c1.post(&attempt, &[("code", &code)]).await;
    assert_eq!(r.response()["verification"]["status"], "verified");
    assert_eq!(
        addresses(user_of(&r.json["client"], &s1)),
        [(ea.clone(), "verified".to_string())]
    );
    c1.post(&attempt, &[("code", &code)])
        .await
        .expect_error(422, "verification_failed");
    c1.post(&prepare, &[])
        .await
        .expect_error(422, "verification_failed");
    // Every client holding the user sees it verified; the other user's primary is untouched.
    assert_eq!(
        addresses(user_of(&c2.client().await, &s2)),
        [(ea.clone(), "verified".to_string())]
    );
    assert_eq!(
        addresses(cb.get(&me("", &sb)).await.response()),
        [(eb.clone(), "unverified".to_string())]
    );

    // A pending code on the primary does not stop the account from being deleted.
    cb.post(
        &me(
            &format!(
                "/email_addresses/{}/prepare_verification",
                addresses_id(&cb, &sb).await
            ),
            &sb,
        ),
        &[("strategy", "email_code")],
    )
    .await
    .response();
    cb.send(
        Method::DELETE,
        &me("", &sb),
        Body::Form(&[("current_password", PASSWORD)]),
        &[],
    )
    .await
    .response();
    assert!(find_user_gone(&s, &eb).await);
}

/// The primary address id of the user of `sid`.
async fn addresses_id(c: &Client, sid: &str) -> String {
    c.get(&me("", sid)).await.response()["primary_email_address_id"]
        .as_str()
        .unwrap()
        .to_string()
}
