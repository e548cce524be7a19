//! Backend API (secret key): authentication, GET /v1/users, GET /v1/sessions, revoke, PATCH /v1/instance.

mod common;

use common::*;
use reqwest::Method;
use serde_json::json;

/// A backend endpoint: method, path and form body (if any).
type Endpoint = (Method, String, Option<Vec<(&'static str, &'static str)>>);

#[tokio::test]
async fn backend_requires_the_secret_key() {
    let s = Server::start();
    let e = email("be-auth");
    let c = s.client();
    let (uid, sid) = c.sign_up_ids(&e).await;
    let jwt = c.jwt(&sid).await;
    let client_token = c.token().unwrap();
    let wrong_bearers = [
        None,
        Some("Bearer sk_test_wrong".to_string()),
        Some(format!("Bearer {}x", SECRET)),
        Some(format!("Bearer {}", &SECRET[..SECRET.len() - 1])),
        Some(SECRET.to_string()),
        Some(format!("Basic {SECRET}")),
        Some(format!("bearer{SECRET}")),
        Some("Bearer ".to_string()),
        Some(format!("Bearer {jwt}")),
        Some(format!("Bearer {client_token}")),
        Some(client_token.clone()),
    ];
    let endpoints: Vec<Endpoint> = vec![
        (Method::GET, "/v1/users".into(), None),
        (Method::GET, format!("/v1/sessions?user_id={uid}"), None),
        (Method::POST, format!("/v1/sessions/{sid}/revoke"), None),
        (
            Method::PATCH,
            "/v1/instance".into(),
            Some(vec![("single_session_mode", "true")]),
        ),
    ];
    for auth in &wrong_bearers {
        for (m, path, form) in &endpoints {
            let r = s
                .backend_with_key(m.clone(), path, auth.as_deref(), form.as_deref())
                .await;
            assert_eq!(r.status, 401, "{m} {path} with {auth:?}: {}", r.text);
            r.expect_error(401, "authentication_invalid");
            assert!(!r.text.contains(SECRET), "error echoes the secret key");
        }
    }
    // Nothing happened.
    c.jwt(&sid).await;
    assert_eq!(
        s.environment().await["auth_config"]["single_session_mode"],
        false
    );
    // The right key works.
    s.users().await;
}

#[tokio::test]
async fn list_users_oldest_first() {
    let s = Server::start();
    assert_eq!(
        s.users().await,
        Vec::<serde_json::Value>::new(),
        "a fresh server has no users"
    );
    let emails: Vec<String> = (0..3).map(|i| email(&format!("be-users{i}"))).collect();
    let mut uids = Vec::new();
    for (i, e) in emails.iter().enumerate() {
        let v = s
            .client()
            .sign_up_full(e, PASSWORD, &format!("First{i}"), &format!("Last{i}"))
            .await;
        uids.push(
            v["response"]["created_user_id"]
                .as_str()
                .unwrap()
                .to_string(),
        );
        // Distinct creation timestamps.
        tokio::time::sleep(std::time::Duration::from_millis(3)).await;
    }
    let r = s.backend(Method::GET, "/v1/users", None).await;
    let users = r
        .ok()
        .as_array()
        .unwrap_or_else(|| panic!("not an array: {}", r.text))
        .clone();
    assert_eq!(users.len(), 3);
    for (i, u) in users.iter().enumerate() {
        check_user(u);
        assert_eq!(u["id"], uids[i].as_str(), "oldest first");
        assert_eq!(u["first_name"], format!("First{i}"));
        assert_eq!(u["last_name"], format!("Last{i}"));
        assert_eq!(u["email_addresses"][0]["email_address"], emails[i].as_str());
    }
    // Same shape as in the client.
    let c = s.client();
    let v = c.sign_in_password(&emails[1], PASSWORD).await;
    let sid = v["response"]["created_session_id"].as_str().unwrap();
    let in_client = &find_session(&v["client"], sid).unwrap()["user"];
    let in_backend = &users[1];
    let mut keys_client: Vec<_> = in_client.as_object().unwrap().keys().cloned().collect();
    let mut keys_backend: Vec<_> = in_backend.as_object().unwrap().keys().cloned().collect();
    keys_client.sort();
    keys_backend.sort();
    assert_eq!(
        keys_client, keys_backend,
        "backend user shape differs from the client's"
    );
    assert_eq!(in_client["id"], in_backend["id"]);
    assert_eq!(in_client["email_addresses"], in_backend["email_addresses"]);
}

#[tokio::test]
async fn list_sessions_newest_first_with_all_statuses() {
    let s = Server::start();
    let (ea, eb) = (email("be-sess-a"), email("be-sess-b"));
    let (ua, s1) = s.client().sign_up_ids(&ea).await;
    let (ub, sb) = s.client().sign_up_ids(&eb).await;
    let mut sids = vec![s1];
    let clients: Vec<Client> = (0..3).map(|_| s.client()).collect();
    for c in &clients {
        tokio::time::sleep(std::time::Duration::from_millis(3)).await;
        sids.push(c.sign_in(&ea).await);
    }
    clients[0].remove(&sids[1]).await.response();
    clients[1].end(&sids[2]).await.response();
    s.revoke(&sids[3]).await.ok();

    let r = s
        .backend(Method::GET, &format!("/v1/sessions?user_id={ua}"), None)
        .await;
    let list = r
        .ok()
        .as_array()
        .unwrap_or_else(|| panic!("not an array: {}", r.text))
        .clone();
    assert_eq!(list.len(), 4, "{}", r.text);
    let got: Vec<&str> = list.iter().map(|x| x["id"].as_str().unwrap()).collect();
    let want: Vec<&str> = sids.iter().rev().map(|x| x.as_str()).collect();
    assert_eq!(got, want, "newest first");
    let statuses: Vec<&str> = list.iter().map(|x| x["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, vec!["revoked", "ended", "removed", "active"]);
    for x in &list {
        assert_eq!(x["object"], "session", "{x}");
        assert_eq!(x["user_id"], ua.as_str(), "user_id must be present: {x}");
        for k in [
            "last_active_at",
            "expire_at",
            "abandon_at",
            "created_at",
            "updated_at",
        ] {
            check_ms(&x[k], k);
        }
        assert!(
            !x.to_string().contains(&sb),
            "another user's session leaked in"
        );
    }
    // The other user sees only theirs.
    let other = s.user_sessions(&ub).await;
    assert_eq!(other.len(), 1);
    assert_eq!(other[0]["id"], sb.as_str());
    // Missing user_id.
    s.backend(Method::GET, "/v1/sessions", None)
        .await
        .expect_param_error(422, "form_param_missing", "user_id");
    // An unknown user has no sessions (or is unknown), but nothing breaks.
    let r = s
        .backend(Method::GET, "/v1/sessions?user_id=user_nobody", None)
        .await;
    if r.status == 200 {
        assert_eq!(r.json, json!([]));
    } else {
        r.expect_error(404, "resource_not_found");
    }
}

#[tokio::test]
async fn revoke_answers_the_session() {
    let s = Server::start();
    let e = email("be-rev");
    let c = s.client();
    let (uid, sid) = c.sign_up_ids(&e).await;
    let r = s.revoke(&sid).await;
    let v = r.ok();
    assert_eq!(v["object"], "session", "{v}");
    assert_eq!(v["id"], sid.as_str());
    assert_eq!(v["status"], "revoked");
    assert_eq!(s.backend_session(&uid, &sid).await["status"], "revoked");
    assert_eq!(c.client().await["sessions"], json!([]));
    s.revoke("sess_nope")
        .await
        .expect_error(404, "resource_not_found");
    s.backend(Method::GET, "/v1/sessions/sess_nope/revoke", None)
        .await
        .expect_error(405, "method_not_allowed");
}

#[tokio::test]
async fn patch_instance() {
    let s = Server::start();
    let r = s
        .patch_instance(&[
            ("single_session_mode", "true"),
            ("email_verification_required", "true"),
        ])
        .await;
    assert_eq!(
        r.ok(),
        &json!({"single_session_mode": true, "email_verification_required": true, "delete_self_enabled": true}),
        "{}",
        r.text
    );
    let env = s.environment().await;
    assert_eq!(env["auth_config"]["single_session_mode"], true);
    assert_eq!(
        env["user_settings"]["sign_up"]["email_verification_required"],
        true
    );
    // One at a time leaves the other as it is.
    let r = s.patch_instance(&[("single_session_mode", "false")]).await;
    assert_eq!(
        r.ok(),
        &json!({"single_session_mode": false, "email_verification_required": true, "delete_self_enabled": true}),
        "{}",
        r.text
    );
    let r = s
        .patch_instance(&[("email_verification_required", "false")])
        .await;
    assert_eq!(
        r.ok(),
        &json!({"single_session_mode": false, "email_verification_required": false, "delete_self_enabled": true}),
        "{}",
        r.text
    );
    let env = s.environment().await;
    assert_eq!(env["auth_config"]["single_session_mode"], false);
    assert_eq!(
        env["user_settings"]["sign_up"]["email_verification_required"],
        false
    );
    // The `_method` override works here too.
    let r = s
        .backend(
            Method::POST,
            "/v1/instance?_method=PATCH",
            Some(&[("single_session_mode", "true")]),
        )
        .await;
    assert_eq!(r.ok()["single_session_mode"], true, "{}", r.text);
    assert_eq!(
        s.environment().await["auth_config"]["single_session_mode"],
        true
    );
}
