//! Concurrency: many parallel sign-ups / sign-ins, and many parallel touches on one client.

mod common;

use common::*;
use futures::future::join_all;
use std::collections::HashSet;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_parallel_sign_ups_and_sign_ins() {
    let s = Server::start_args(&["--rate-limit-ip", "1000"]);
    let jwks = s.jwks().await;
    let tasks = (0..50).map(|i| {
        let s = &s;
        let jwks = &jwks;
        async move {
            let e = email(&format!("par{i}"));
            let a = s.client();
            let v = a.sign_up(&e, PASSWORD).await;
            let uid = v["response"]["created_user_id"]
                .as_str()
                .unwrap()
                .to_string();
            let b = s.client();
            let sid = b.sign_in(&e).await;
            let client = b.client().await;
            check_client(&client);
            assert_eq!(
                find_session(&client, &sid).unwrap()["user"]["id"],
                uid.as_str()
            );
            let jwt = b.jwt(&sid).await;
            let claims = verify_with_jwks(&jwt, jwks, &s.base).unwrap();
            assert_eq!(claims["sub"], uid.as_str());
            (
                e,
                uid,
                a.client().await["id"].as_str().unwrap().to_string(),
                client["id"].as_str().unwrap().to_string(),
            )
        }
    });
    let results = join_all(tasks).await;
    assert_eq!(results.len(), 50);
    let uids: HashSet<_> = results.iter().map(|r| r.1.clone()).collect();
    assert_eq!(uids.len(), 50, "user ids must be distinct");
    let cids: HashSet<_> = results
        .iter()
        .flat_map(|r| [r.2.clone(), r.3.clone()])
        .collect();
    assert_eq!(cids.len(), 100, "client ids must be distinct");
    let users = s.users().await;
    assert_eq!(users.len(), 50, "GET /v1/users must list all 50 users");
    for (e, uid, _, _) in &results {
        let u = users
            .iter()
            .find(|u| u["id"] == uid.as_str())
            .unwrap_or_else(|| panic!("{uid} missing"));
        assert_eq!(u["email_addresses"][0]["email_address"], e.as_str());
        let sessions = s.user_sessions(uid).await;
        assert_eq!(
            sessions.len(),
            2,
            "each user has its sign-up and its sign-in session: {sessions:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_parallel_touches_on_one_client() {
    let s = Server::start();
    let c = s.client();
    let mut sids = Vec::new();
    for i in 0..3 {
        let e = email(&format!("touch{i}"));
        s.client().sign_up(&e, PASSWORD).await;
        sids.push(c.sign_in(&e).await);
    }
    let rs = join_all((0..50).map(|i| {
        let c = &c;
        let sid = sids[i % 3].clone();
        async move { c.touch(&sid).await }
    }))
    .await;
    for r in &rs {
        let v = r.response();
        assert_eq!(v["status"], "active", "{}", r.text);
        check_client(&r.json["client"]);
    }
    let client = c.client().await;
    check_client(&client);
    let sessions = client["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 3, "{client}");
    let ids: HashSet<&str> = sessions.iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(ids, sids.iter().map(|s| s.as_str()).collect::<HashSet<_>>());
    // Consistent: the last active session is one with the latest last_active_at.
    let max = sessions
        .iter()
        .map(|s| s["last_active_at"].as_i64().unwrap())
        .max()
        .unwrap();
    let last = client["last_active_session_id"].as_str().unwrap();
    let last_at = sessions.iter().find(|s| s["id"] == last).unwrap()["last_active_at"]
        .as_i64()
        .unwrap();
    assert_eq!(
        last_at, max,
        "last_active_session_id {last} is not the most recently touched session: {client}"
    );
    // And the client still works normally afterwards.
    c.touch(&sids[0]).await.response();
    assert_eq!(c.client().await["last_active_session_id"], sids[0].as_str());
    for sid in &sids {
        c.jwt(sid).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_sign_ups_of_one_email_create_one_user() {
    let s = Server::start();
    let e = email("race-signup");
    let rs = join_all((0..10).map(|_| {
        let s = &s;
        let e = e.clone();
        async move {
            s.client()
                .post(
                    "/v1/client/sign_ups",
                    &[("email_address", e.as_str()), ("password", PASSWORD)],
                )
                .await
        }
    }))
    .await;
    let ok = rs.iter().filter(|r| r.status == 200).count();
    assert_eq!(
        ok,
        1,
        "exactly one sign-up may win: {:?}",
        rs.iter().map(|r| (r.status, &r.text)).collect::<Vec<_>>()
    );
    for r in rs.iter().filter(|r| r.status != 200) {
        r.expect_param_error(422, "form_identifier_exists", "email_address");
    }
    assert_eq!(s.users().await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_sign_ins_of_one_identifier_on_one_client() {
    let s = Server::start();
    let e = email("race-signin");
    s.client().sign_up(&e, PASSWORD).await;
    let c = s.client();
    c.create_client().await;
    let rs = join_all((0..8).map(|_| {
        let c = &c;
        let e = e.clone();
        async move {
            c.post(
                "/v1/client/sign_ins",
                &[("identifier", e.as_str()), ("password", PASSWORD)],
            )
            .await
        }
    }))
    .await;
    let winners: Vec<&Resp> = rs.iter().filter(|r| r.status == 200).collect();
    assert_eq!(
        winners.len(),
        1,
        "exactly one sign-in may win: {:?}",
        rs.iter().map(|r| (r.status, &r.text)).collect::<Vec<_>>()
    );
    let sid = winners[0].json["response"]["created_session_id"]
        .as_str()
        .unwrap();
    for r in rs.iter().filter(|r| r.status != 200) {
        assert_eq!(
            r.expect_error(422, "identifier_already_signed_in")["meta"]["session_id"],
            sid
        );
    }
    let (ids, last) = c.session_ids().await;
    assert_eq!(ids, vec![sid.to_string()]);
    assert_eq!(last.as_deref(), Some(sid));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_sign_ins_in_single_session_mode() {
    let s = Server::start_args(&["--session-mode", "single"]);
    let emails: Vec<String> = (0..6).map(|i| email(&format!("race-single{i}"))).collect();
    for e in &emails {
        s.client().sign_up(e, PASSWORD).await;
    }
    let c = s.client();
    c.create_client().await;
    let rs = join_all(emails.iter().map(|e| {
        let c = &c;
        async move {
            c.post(
                "/v1/client/sign_ins",
                &[("identifier", e.as_str()), ("password", PASSWORD)],
            )
            .await
        }
    }))
    .await;
    let winners = rs.iter().filter(|r| r.status == 200).count();
    assert_eq!(
        winners,
        1,
        "single-session mode allows one session: {:?}",
        rs.iter().map(|r| (r.status, &r.text)).collect::<Vec<_>>()
    );
    for r in rs.iter().filter(|r| r.status != 200) {
        r.expect_error(422, "session_exists");
    }
    assert_eq!(c.session_ids().await.0.len(), 1);
}
