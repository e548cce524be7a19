//! Multi-session and single-session rules, and isolation between clients.

mod common;

use std::time::Duration;

use common::*;
use serde_json::{json, Value};

async fn tick() {
    // Make consecutive activity timestamps (Unix ms) strictly ordered.
    tokio::time::sleep(Duration::from_millis(3)).await;
}

fn session_of<'a>(client: &'a Value, sid: &str) -> &'a Value {
    find_session(client, sid)
        .unwrap_or_else(|| panic!("session {sid} not active on client: {client}"))
}

#[tokio::test]
async fn three_sessions_touch_remove_and_fallback() {
    let s = Server::start();
    let (ea, eb, ec) = (email("ms-a"), email("ms-b"), email("ms-c"));
    for e in [&ea, &eb, &ec] {
        s.client().sign_up(e, PASSWORD).await;
    }
    let c = s.client();
    let a = c.sign_in(&ea).await;
    tick().await;
    let b = c.sign_in(&eb).await;
    tick().await;
    let cc = c.sign_in(&ec).await;
    let client = c.client().await;
    check_client(&client);
    let (ids, last) = c.session_ids().await;
    assert_eq!(ids.len(), 3, "{client}");
    for sid in [&a, &b, &cc] {
        assert!(ids.contains(sid), "{sid} missing from {ids:?}");
        assert_eq!(session_of(&client, sid)["status"], "active");
    }
    assert_eq!(
        last.as_deref(),
        Some(cc.as_str()),
        "last_active_session_id after signing in C"
    );
    let client_id = client["id"].clone();

    // touch A → A is the last active session, with a fresh last_active_at.
    tick().await;
    let a_before = session_of(&client, &a)["last_active_at"].as_i64().unwrap();
    let r = c.touch(&a).await;
    let touched = r.response().clone();
    check_session(&touched);
    assert_eq!(touched["id"], a.as_str());
    assert_eq!(touched["status"], "active");
    assert!(
        touched["last_active_at"].as_i64().unwrap() > a_before,
        "touch must move last_active_at forward"
    );
    check_client(&r.json["client"]);
    assert_eq!(r.json["client"]["last_active_session_id"], a.as_str());
    assert_eq!(
        session_of(&r.json["client"], &a)["last_active_at"],
        touched["last_active_at"],
        "the client in the touch answer shows the touch"
    );
    assert_eq!(
        r.json["client"],
        c.client().await,
        "the touch answer's client is what the server stored"
    );
    assert_eq!(c.session_ids().await.1.as_deref(), Some(a.as_str()));

    // B then A again: activity order is now A > B > C (C was created after B, so "last created" would be wrong).
    tick().await;
    c.touch(&b).await.response();
    assert_eq!(c.session_ids().await.1.as_deref(), Some(b.as_str()));
    tick().await;
    c.touch(&a).await.response();

    // remove A → falls back to B, the most recently active remaining session.
    let r = c.remove(&a).await;
    let removed = r.response().clone();
    assert_eq!(removed["id"], a.as_str());
    assert_eq!(removed["status"], "removed", "{removed}");
    let client = r.json["client"].clone();
    check_client(&client);
    assert!(
        find_session(&client, &a).is_none(),
        "removed session still listed: {client}"
    );
    assert_eq!(client["sessions"].as_array().unwrap().len(), 2);
    assert_eq!(
        client["last_active_session_id"],
        b.as_str(),
        "fallback must be the most recently active: {client}"
    );

    // remove B (last active) → C.
    let r = c.remove(&b).await;
    assert_eq!(r.response()["status"], "removed");
    assert_eq!(r.json["client"]["last_active_session_id"], cc.as_str());
    // end C → nothing left.
    let r = c.end(&cc).await;
    assert_eq!(r.response()["status"], "ended");
    check_client(&r.json["client"]);
    assert_eq!(r.json["client"]["sessions"], json!([]));
    assert!(r.json["client"]["last_active_session_id"].is_null());
    assert_eq!(r.json["client"]["id"], client_id, "the client is kept");
}

#[tokio::test]
async fn sign_out_of_all_sessions_keeps_the_client() {
    let s = Server::start();
    let (ea, eb) = (email("all-a"), email("all-b"));
    let (ua, _) = s.client().sign_up_ids(&ea).await;
    s.client().sign_up(&eb, PASSWORD).await;
    let c = s.client();
    let a = c.sign_in(&ea).await;
    let b = c.sign_in(&eb).await;
    let id_before = c.client().await["id"].clone();
    let token_before = c.token().unwrap();

    let r = c.delete("/v1/client/sessions").await;
    assert_eq!(r.status, 200, "{}", r.text);
    let client = if r.json["client"].is_object() {
        r.json["client"].clone()
    } else {
        r.json["response"].clone()
    };
    check_client(&client);
    assert_eq!(
        client["id"], id_before,
        "DELETE /v1/client/sessions must keep the client: {}",
        r.text
    );
    assert_eq!(client["sessions"], json!([]));
    assert!(client["last_active_session_id"].is_null());

    // Same client, same token, still works.
    let got = c.client().await;
    assert_eq!(got["id"], id_before);
    assert_eq!(got["sessions"], json!([]));
    assert_eq!(
        c.token().unwrap().split('.').next(),
        token_before.split('.').next(),
        "client id in the token changed"
    );
    for sid in [&a, &b] {
        c.tokens(sid).await.expect_error(404, "resource_not_found");
    }
    // The sessions are ended (backend view).
    assert_eq!(s.backend_session(&ua, &a).await["status"], "ended");

    // Signing in again lands on the same client.
    let a2 = c.sign_in(&ea).await;
    assert_ne!(a2, a);
    let got = c.client().await;
    assert_eq!(got["id"], id_before);
    assert_eq!(got["last_active_session_id"], a2.as_str());

    // The ClerkJS form: POST with _method=DELETE.
    let r = c.post("/v1/client/sessions?_method=DELETE", &[]).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(c.client().await["sessions"], json!([]));
    // And _method in the body (lower case accepted too).
    let a3 = c.sign_in(&ea).await;
    let r = c
        .post("/v1/client/sessions", &[("_method", "delete")])
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(c.client().await["sessions"], json!([]));
    c.tokens(&a3).await.expect_error(404, "resource_not_found");
}

#[tokio::test]
async fn signing_in_the_same_identifier_twice() {
    let s = Server::start();
    let ea = email("twice");
    s.client().sign_up(&ea, PASSWORD).await;
    let c = s.client();
    let a = c.sign_in(&ea).await;

    let r = c
        .post(
            "/v1/client/sign_ins",
            &[("identifier", ea.as_str()), ("password", PASSWORD)],
        )
        .await;
    let e = r.expect_error(422, "identifier_already_signed_in");
    assert_eq!(e["meta"]["session_id"], a.as_str(), "{}", r.text);
    // Case-insensitively the same identifier.
    let r = c
        .post(
            "/v1/client/sign_ins",
            &[
                ("identifier", ea.to_uppercase().as_str()),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(
        r.expect_error(422, "identifier_already_signed_in")["meta"]["session_id"],
        a.as_str()
    );

    // The identifier-first flow is refused as well (at creation or at the attempt).
    let r = c
        .post("/v1/client/sign_ins", &[("identifier", ea.as_str())])
        .await;
    if r.status == 200 {
        let sia = r.json["response"]["id"].as_str().unwrap().to_string();
        let r = c
            .post(
                &format!("/v1/client/sign_ins/{sia}/attempt_first_factor"),
                &[("strategy", "password"), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(
            r.expect_error(422, "identifier_already_signed_in")["meta"]["session_id"],
            a.as_str()
        );
    } else {
        assert_eq!(
            r.expect_error(422, "identifier_already_signed_in")["meta"]["session_id"],
            a.as_str()
        );
    }

    // Still exactly one session for that user on this client.
    let (ids, last) = c.session_ids().await;
    assert_eq!(ids, vec![a.clone()]);
    assert_eq!(last.as_deref(), Some(a.as_str()));

    // Another client (another browser) may sign in the same user.
    s.client().sign_in(&ea).await;

    // Once the session is removed, the identifier can sign in again on this client.
    c.remove(&a).await.response();
    let a2 = c.sign_in(&ea).await;
    assert_ne!(a2, a);
}

#[tokio::test]
async fn remove_and_end_inactive_own_sessions() {
    let s = Server::start();
    let (ea, eb) = (email("re-a"), email("re-b"));
    let (ua, _) = s.client().sign_up_ids(&ea).await;
    let (ub, _) = s.client().sign_up_ids(&eb).await;
    let c = s.client();
    let a = c.sign_in(&ea).await;
    let b = c.sign_in(&eb).await;

    assert_eq!(c.remove(&a).await.response()["status"], "removed");
    assert_eq!(c.end(&b).await.response()["status"], "ended");
    // Removing / ending an already inactive own session returns it unchanged.
    let r = c.remove(&a).await;
    assert_eq!(r.response()["status"], "removed", "{}", r.text);
    let r = c.end(&a).await;
    assert_eq!(
        r.response()["status"],
        "removed",
        "end of a removed session must leave it removed: {}",
        r.text
    );
    let r = c.remove(&b).await;
    assert_eq!(
        r.response()["status"],
        "ended",
        "remove of an ended session must leave it ended: {}",
        r.text
    );
    // touch and tokens on an inactive own session: 404.
    for sid in [&a, &b] {
        c.touch(sid).await.expect_error(404, "resource_not_found");
        c.tokens(sid).await.expect_error(404, "resource_not_found");
    }
    assert_eq!(s.backend_session(&ua, &a).await["status"], "removed");
    assert_eq!(s.backend_session(&ub, &b).await["status"], "ended");
    let client = c.client().await;
    check_client(&client);
    assert_eq!(client["sessions"], json!([]));
}

#[tokio::test]
async fn sign_up_while_signed_in_adds_a_session() {
    let s = Server::start();
    let (ea, eb) = (email("su-a"), email("su-b"));
    let c = s.client();
    let (_, a) = c.sign_up_ids(&ea).await;
    let (_, b) = c.sign_up_ids(&eb).await;
    let (ids, last) = c.session_ids().await;
    assert_eq!(ids.len(), 2, "{ids:?}");
    assert!(ids.contains(&a) && ids.contains(&b));
    assert_eq!(last.as_deref(), Some(b.as_str()));
}

#[tokio::test]
async fn single_session_mode_switched_at_runtime() {
    let s = Server::start();
    let (ea, eb, ec) = (email("ss-a"), email("ss-b"), email("ss-c"));
    s.client().sign_up(&ea, PASSWORD).await;
    s.client().sign_up(&eb, PASSWORD).await;
    let c = s.client();
    let a = c.sign_in(&ea).await;

    // Switching needs the secret key.
    s.backend_with_key(
        reqwest::Method::PATCH,
        "/v1/instance",
        None,
        Some(&[("single_session_mode", "true")]),
    )
    .await
    .expect_error(401, "authentication_invalid");
    assert_eq!(
        s.environment().await["auth_config"]["single_session_mode"],
        false
    );

    let r = s.patch_instance(&[("single_session_mode", "true")]).await;
    assert_eq!(r.ok()["single_session_mode"], true, "{}", r.text);
    assert_eq!(r.ok()["email_verification_required"], false, "{}", r.text);
    assert_eq!(
        s.environment().await["auth_config"]["single_session_mode"],
        true
    );

    // Second sign-in (password and identifier-only) and sign-up are refused while a session is active.
    c.post(
        "/v1/client/sign_ins",
        &[("identifier", eb.as_str()), ("password", PASSWORD)],
    )
    .await
    .expect_error(422, "session_exists");
    c.post("/v1/client/sign_ins", &[("identifier", eb.as_str())])
        .await
        .expect_error(422, "session_exists");
    c.post(
        "/v1/client/sign_ups",
        &[("email_address", ec.as_str()), ("password", PASSWORD)],
    )
    .await
    .expect_error(422, "session_exists");
    let (ids, last) = c.session_ids().await;
    assert_eq!(
        ids,
        vec![a.clone()],
        "the existing session must be untouched"
    );
    assert_eq!(last.as_deref(), Some(a.as_str()));
    // The refused sign-up did not create the user.
    assert!(s
        .users()
        .await
        .iter()
        .all(|u| u["email_addresses"][0]["email_address"] != ec.as_str()));

    // A client without a session may sign in; after signing out, so may this one.
    s.client().sign_in(&eb).await;
    c.delete("/v1/client/sessions").await;
    let b = c.sign_in(&eb).await;
    assert_eq!(c.session_ids().await.0, vec![b]);

    // Back to multi-session: a second session is allowed again on the very next request.
    let r = s.patch_instance(&[("single_session_mode", "false")]).await;
    assert_eq!(r.ok()["single_session_mode"], false);
    c.sign_in(&ea).await;
    assert_eq!(c.session_ids().await.0.len(), 2);
}

#[tokio::test]
async fn single_session_mode_from_flag() {
    let s = Server::start_args(&["--session-mode", "single"]);
    assert_eq!(
        s.environment().await["auth_config"]["single_session_mode"],
        true
    );
    let (ea, eb) = (email("ssf-a"), email("ssf-b"));
    let c = s.client();
    c.sign_up(&ea, PASSWORD).await;
    c.post(
        "/v1/client/sign_ups",
        &[("email_address", eb.as_str()), ("password", PASSWORD)],
    )
    .await
    .expect_error(422, "session_exists");
    c.post(
        "/v1/client/sign_ins",
        &[("identifier", ea.as_str()), ("password", PASSWORD)],
    )
    .await
    .expect_error(422, "session_exists");
}

#[tokio::test]
async fn clients_are_isolated() {
    let s = Server::start();
    let (ex, ey) = (email("iso-x"), email("iso-y"));
    let x = s.client();
    let y = s.client();
    let (_, sx) = x.sign_up_ids(&ex).await;
    let (uy, sy) = y.sign_up_ids(&ey).await;
    let y_before = y.client().await;
    let y_sess_before = session_of(&y_before, &sy).clone();
    tick().await;

    // X cannot touch, remove, end or get tokens for Y's session: 404 like an unknown id.
    x.touch(&sy).await.expect_error(404, "resource_not_found");
    x.remove(&sy).await.expect_error(404, "resource_not_found");
    x.end(&sy).await.expect_error(404, "resource_not_found");
    x.tokens(&sy).await.expect_error(404, "resource_not_found");
    for path in ["touch", "remove", "end", "tokens"] {
        x.post(
            &format!("/v1/client/sessions/sess_doesnotexist/{path}"),
            &[],
        )
        .await
        .expect_error(404, "resource_not_found");
    }
    // A client without any token, too.
    let anon = s.client();
    anon.tokens(&sy)
        .await
        .expect_error(404, "resource_not_found");
    anon.end(&sy).await.expect_error(404, "resource_not_found");
    // Y's client id with a forged secret does not reach Y's sessions.
    let forged = s.client();
    let y_id = y_before["id"].as_str().unwrap();
    forged.set_token(Some(format!(
        "{y_id}.bm90LXRoZS1yZWFsLXNlY3JldC1ub3QtdGhlLXJlYWwtc2VjcmV0"
    )));
    forged
        .tokens(&sy)
        .await
        .expect_error(404, "resource_not_found");
    forged.set_token(Some(format!(
        "{y_id}.bm90LXRoZS1yZWFsLXNlY3JldC1ub3QtdGhlLXJlYWwtc2VjcmV0"
    )));
    forged
        .remove(&sy)
        .await
        .expect_error(404, "resource_not_found");

    // Y's session is unchanged.
    let y_after = y.client().await;
    let y_sess_after = session_of(&y_after, &sy);
    assert_eq!(y_sess_after["status"], "active");
    assert_eq!(
        y_sess_after["last_active_at"], y_sess_before["last_active_at"],
        "X's touch moved Y's session"
    );
    assert_eq!(y_after["last_active_session_id"], sy.as_str());
    assert_eq!(s.backend_session(&uy, &sy).await["status"], "active");
    y.jwt(&sy).await;
    // X's own session is unaffected too, and X's client never gained Y's session.
    let (xids, _) = x.session_ids().await;
    assert_eq!(xids, vec![sx]);

    // Sign-in and sign-up attempts of Y are not X's either.
    let si = y
        .post("/v1/client/sign_ins", &[("identifier", ex.as_str())])
        .await
        .response()
        .clone();
    let sia = si["id"].as_str().unwrap();
    x.post(
        &format!("/v1/client/sign_ins/{sia}/attempt_first_factor"),
        &[("strategy", "password"), ("password", PASSWORD)],
    )
    .await
    .expect_error(404, "resource_not_found");
    x.post(
        &format!("/v1/client/sign_ins/{sia}/prepare_first_factor"),
        &[("strategy", "email_code")],
    )
    .await
    .expect_error(404, "resource_not_found");
    // Y can still finish its own sign-in.
    let r = y
        .post(
            &format!("/v1/client/sign_ins/{sia}/attempt_first_factor"),
            &[("strategy", "password"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.response()["status"], "complete", "{}", r.text);
}

#[tokio::test]
async fn sign_up_attempts_are_isolated() {
    let s = Server::start_args(&["--email-verification", "required"]);
    let x = s.client();
    let y = s.client();
    let ey = email("iso-su");
    let su = y
        .post(
            "/v1/client/sign_ups",
            &[("email_address", ey.as_str()), ("password", PASSWORD)],
        )
        .await
        .response()
        .clone();
    let sua = su["id"].as_str().unwrap();
    y.post(
        &format!("/v1/client/sign_ups/{sua}/prepare_verification"),
        &[("strategy", "email_code")],
    )
    .await
    .response();
    let code = s.outbox_code(&ey).await;
    x.create_client().await;
    x.post(
        &format!("/v1/client/sign_ups/{sua}/prepare_verification"),
        &[("strategy", "email_code")],
    )
    .await
    .expect_error(404, "resource_not_found");
    x.post(
        &format!("/v1/client/sign_ups/{sua}/attempt_verification"),
        &[("strategy", "email_code"), ("code", code.as_str())],
    )
    .await
    .expect_error(404, "resource_not_found");
    assert_eq!(x.client().await["sessions"], json!([]));
    let r = y
        .post(
            &format!("/v1/client/sign_ups/{sua}/attempt_verification"),
            &[("strategy", "email_code"), ("code", code.as_str())],
        )
        .await;
    assert_eq!(r.response()["status"], "complete", "{}", r.text);
}

#[tokio::test]
async fn expired_sessions_leave_the_client_consistent() {
    // Status is computed on read: an expired session drops out of client.sessions, last_active_session_id moves off
    // it, and it no longer blocks signing the same identifier in again.
    let s = Server::start_args(&["--session-lifetime-secs", "2"]);
    let (ea, eb) = (email("exp-a"), email("exp-b"));
    s.client().sign_up(&ea, PASSWORD).await;
    s.client().sign_up(&eb, PASSWORD).await;
    let c = s.client();
    let v = c.sign_in_password(&ea, PASSWORD).await;
    let a = v["response"]["created_session_id"]
        .as_str()
        .unwrap()
        .to_string();
    let a_expire = find_session(&v["client"], &a).unwrap()["expire_at"]
        .as_i64()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(700)).await;
    let b = c.sign_in(&eb).await;
    tick().await;
    c.touch(&a).await.response();
    assert_eq!(c.session_ids().await.1.as_deref(), Some(a.as_str()));

    sleep_until_ms(a_expire, 150).await;
    let client = c.client().await;
    check_client(&client);
    let (ids, last) = c.session_ids().await;
    assert_eq!(ids, vec![b.clone()], "only B is still active: {client}");
    assert_eq!(
        last.as_deref(),
        Some(b.as_str()),
        "last_active_session_id must not point at the expired session"
    );
    let a2 = c.sign_in(&ea).await;
    assert_ne!(a2, a);
    assert_eq!(c.session_ids().await.1.as_deref(), Some(a2.as_str()));
}

#[tokio::test]
async fn an_expired_session_does_not_block_single_session_mode() {
    let s = Server::start_args(&["--session-lifetime-secs", "2", "--session-mode", "single"]);
    let (ea, eb, ec) = (email("sexp-a"), email("sexp-b"), email("sexp-c"));
    s.client().sign_up(&eb, PASSWORD).await;
    let c = s.client();
    let v = c.sign_up(&ea, PASSWORD).await;
    let a = v["response"]["created_session_id"]
        .as_str()
        .unwrap()
        .to_string();
    let expire = find_session(&v["client"], &a).unwrap()["expire_at"]
        .as_i64()
        .unwrap();
    c.post(
        "/v1/client/sign_ins",
        &[("identifier", eb.as_str()), ("password", PASSWORD)],
    )
    .await
    .expect_error(422, "session_exists");
    sleep_until_ms(expire, 150).await;
    let b = c.sign_in(&eb).await;
    assert_eq!(c.session_ids().await.0, vec![b]);
    // And a sign-up is refused again now that B is active.
    c.post(
        "/v1/client/sign_ups",
        &[("email_address", ec.as_str()), ("password", PASSWORD)],
    )
    .await
    .expect_error(422, "session_exists");
}
