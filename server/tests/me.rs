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
    .expect_error(422, "form_password_incorrect");
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
