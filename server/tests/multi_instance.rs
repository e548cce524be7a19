//! Several server instances on one PostgreSQL database behave as one server: a client's requests spread over them
//! round-robin stay consistent, limits hold across all of them together, a revocation or settings change on one is
//! seen by the next request to any other, every instance signs with a key every JWKS publishes, and killing one
//! loses nothing the others acknowledged.
//!
//! Built only with the `postgres-tests` feature and run by scripts/test.sh inside scripts/with-postgres.sh (it needs
//! `CLERK_TEST_POSTGRES_URL`); the SQLite run neither builds nor lists these tests.

mod common;

use common::*;
use serde_json::Value;

/// The origin every instance is configured with (`--public-url`), as a load balancer in front of them would be.
const PUBLIC_URL: &str = "http://auth.clerk.test";

/// `n` instances on one fresh database (the first creates the schema and the secrets).
fn instances(n: usize, opts: Opts) -> Vec<Server> {
    let admin = postgres_admin_url()
        .expect("the multi-instance tests need CLERK_TEST_POSTGRES_URL (scripts/with-postgres.sh)");
    let url = fresh_postgres_database(&admin);
    (0..n)
        .map(|_| {
            Server::start_with(
                opts.clone()
                    .database_url(&url)
                    .args(&["--public-url", PUBLIC_URL]),
            )
        })
        .collect()
}

/// A browser client of `server` holding the token `token` (the same client seen through another instance).
fn on(server: &Server, token: Option<String>) -> Client {
    let c = server.client();
    c.set_token(token);
    c
}

/// The client token of `c` (asserts it has one).
fn token(c: &Client) -> Option<String> {
    Some(c.token().expect("a client token"))
}

#[tokio::test]
async fn one_client_round_robin_over_three_instances() {
    let s = instances(3, Opts::new());
    let e = email("rr");
    on(&s[0], None).sign_up(&e, PASSWORD).await;

    // Sign in on instance 1, get a token on 2, verify it on 3, sign out on 3.
    let c1 = on(&s[0], None);
    let sid = c1.sign_in(&e).await;
    let c2 = on(&s[1], token(&c1));
    let jwt = c2.jwt(&sid).await;
    let who = s[2]
        .raw(
            reqwest::Method::GET,
            "/api/whoami",
            &[("authorization", &format!("Bearer {jwt}"))],
            None,
        )
        .await;
    assert_eq!(who.ok()["session_id"], sid.as_str(), "{}", who.text);
    for (i, server) in s.iter().enumerate() {
        let (ids, last) = on(server, token(&c1)).session_ids().await;
        assert_eq!(ids, std::slice::from_ref(&sid), "instance {}", i + 1);
        assert_eq!(last.as_deref(), Some(sid.as_str()), "instance {}", i + 1);
    }
    let c3 = on(&s[2], token(&c1));
    c3.end(&sid).await.ok();

    // Every instance now sees the client without sessions, and refuses the ended session's token.
    for (i, server) in s.iter().enumerate() {
        let c = on(server, token(&c1));
        let (ids, last) = c.session_ids().await;
        assert!(
            ids.is_empty() && last.is_none(),
            "instance {}: {ids:?} {last:?}",
            i + 1
        );
        let r = c.tokens(&sid).await;
        assert_eq!(
            r.status,
            404,
            "instance {}: tokens after sign-out: {}",
            i + 1,
            r.text
        );
    }
}

#[tokio::test]
async fn concurrent_touches_and_sign_ins_of_one_client_spread_over_instances() {
    let s = instances(
        3,
        Opts::new().args(&["--rate-limit-client", "1000", "--rate-limit-ip", "1000"]),
    );
    // Ten accounts, each signed up on a client of its own.
    let mut emails = Vec::new();
    for i in 0..10 {
        let e = email("conc");
        on(&s[i % 3], None).sign_up(&e, PASSWORD).await;
        emails.push(e);
    }
    let first = on(&s[0], None);
    let first_sid = first.sign_in(&emails[0]).await;
    let tok = token(&first);

    // 50 requests of that client at once, round-robin over the instances: 41 touches of the first session and
    // sign-ins of the nine other accounts.
    let mut tasks = Vec::new();
    for i in 0..50 {
        let c = on(&s[i % 3], tok.clone());
        let sid = first_sid.clone();
        let sign_in_email = (i % 5 == 4 && i < 45).then(|| emails[1 + i / 5].clone());
        tasks.push(tokio::spawn(async move {
            match sign_in_email {
                Some(e) => {
                    let r = c
                        .post(
                            "/v1/client/sign_ins",
                            &[("identifier", e.as_str()), ("password", PASSWORD)],
                        )
                        .await;
                    (true, r)
                }
                None => (false, c.touch(&sid).await),
            }
        }));
    }
    let mut signed_in = Vec::new();
    for task in tasks {
        let (is_sign_in, r) = task.await.expect("task");
        assert!(r.status < 500, "{}: {} {}", r.desc, r.status, r.text);
        assert_eq!(r.status, 200, "{}: {}", r.desc, r.text);
        if is_sign_in {
            signed_in.push(
                r.json["response"]["created_session_id"]
                    .as_str()
                    .expect("session")
                    .to_string(),
            );
        }
    }
    assert_eq!(signed_in.len(), 9);

    // No lost update: all ten sessions are on the client, on every instance, with the same last-active session.
    let mut answers = Vec::new();
    for server in &s {
        let (mut ids, last) = on(server, tok.clone()).session_ids().await;
        ids.sort();
        answers.push((ids, last));
    }
    let (ids, last) = answers[0].clone();
    assert_eq!(ids.len(), 10, "sessions: {ids:?}");
    for sid in signed_in.iter().chain([&first_sid]) {
        assert!(ids.contains(sid), "{sid} lost: {ids:?}");
    }
    let last = last.expect("a last-active session");
    assert!(ids.contains(&last));
    assert!(
        answers.iter().all(|a| a == &answers[0]),
        "instances disagree: {answers:?}"
    );
}

#[tokio::test]
async fn wrong_passwords_spread_over_instances_share_one_limit() {
    let s = instances(3, Opts::new());
    let e = email("limit");
    on(&s[0], None).sign_up(&e, PASSWORD).await;
    for i in 0..5 {
        let r = on(&s[i % 3], None)
            .post(
                "/v1/client/sign_ins",
                &[("identifier", e.as_str()), ("password", "wrong-password-1")],
            )
            .await;
        r.expect_error(422, "form_password_incorrect");
    }
    let r = on(&s[5 % 3], None)
        .post(
            "/v1/client/sign_ins",
            &[("identifier", e.as_str()), ("password", "wrong-password-1")],
        )
        .await;
    r.expect_error(429, "too_many_requests");
    let retry: u64 = r
        .header("retry-after")
        .expect("Retry-After")
        .parse()
        .expect("seconds");
    assert!((1..=600).contains(&retry), "Retry-After {retry}");
    // The limit holds on every instance, also for the right password.
    for server in &s {
        let r = on(server, None)
            .post(
                "/v1/client/sign_ins",
                &[("identifier", e.as_str()), ("password", PASSWORD)],
            )
            .await;
        r.expect_error(429, "too_many_requests");
    }
}

#[tokio::test]
async fn revocation_on_one_instance_is_seen_by_the_next_request_to_another() {
    let s = instances(3, Opts::new());
    let c = on(&s[0], None);
    let (uid, sid) = c.sign_up_ids(&email("revoke")).await;
    on(&s[0], token(&c)).jwt(&sid).await;
    s[2].revoke(&sid).await.ok();
    let r = on(&s[0], token(&c)).tokens(&sid).await;
    assert_eq!(r.status, 404, "token after revocation: {}", r.text);
    let sessions = s[1].user_sessions(&uid).await;
    assert_eq!(sessions[0]["status"], "revoked");
    let (ids, _) = on(&s[1], token(&c)).session_ids().await;
    assert!(ids.is_empty(), "{ids:?}");
}

#[tokio::test]
async fn settings_changed_on_one_instance_apply_on_all() {
    let s = instances(2, Opts::new());
    assert_eq!(
        s[1].environment().await["auth_config"]["single_session_mode"],
        false
    );
    s[0].patch_instance(&[("single_session_mode", "true")])
        .await
        .ok();
    assert_eq!(
        s[1].environment().await["auth_config"]["single_session_mode"],
        true
    );
    let c = on(&s[1], None);
    c.sign_up(&email("single"), PASSWORD).await;
    let r = on(&s[1], token(&c))
        .post(
            "/v1/client/sign_ups",
            &[
                ("email_address", email("second").as_str()),
                ("password", PASSWORD),
            ],
        )
        .await;
    r.expect_error(422, "session_exists");
}

#[tokio::test]
async fn a_token_from_one_instance_verifies_with_another_instances_jwks() {
    let s = instances(3, Opts::new());
    let c = on(&s[1], None);
    let (uid, sid) = c.sign_up_ids(&email("jwks")).await;
    let jwt = c.jwt(&sid).await;
    let jwks = s[0].jwks().await;
    let claims =
        verify_with_jwks(&jwt, &jwks, PUBLIC_URL).expect("verifies with instance 1's JWKS");
    assert_eq!(
        (claims["sub"].as_str(), claims["sid"].as_str()),
        (Some(uid.as_str()), Some(sid.as_str()))
    );
    let kids: Vec<Value> = futures::future::join_all(s.iter().map(|x| x.jwks()))
        .await
        .into_iter()
        .map(|j| j["keys"][0]["kid"].clone())
        .collect();
    assert!(kids.iter().all(|k| *k == kids[0]), "{kids:?}");
}

/// The `kid`s a JWKS publishes, in its order.
fn jwks_kids(jwks: &Value) -> Vec<String> {
    jwks["keys"]
        .as_array()
        .unwrap_or_else(|| panic!("jwks.keys: {jwks}"))
        .iter()
        .map(|k| k["kid"].as_str().expect("kid").to_string())
        .collect()
}

#[tokio::test]
async fn a_key_rotated_on_one_instance_reaches_the_others() {
    // The default reload interval (5 s): the other instance has to pick the rotation up on its own.
    let s = instances(2, Opts::new());
    let c = on(&s[0], None);
    let (uid, sid) = c.sign_up_ids(&email("rotate-multi")).await;
    let old_jwt = on(&s[1], token(&c)).jwt(&sid).await;
    let old_kid = jwt_parts(&old_jwt).0["kid"]
        .as_str()
        .expect("kid")
        .to_string();

    let r = s[0]
        .backend(reqwest::Method::POST, "/v1/instance/signing_keys", None)
        .await;
    let new_kid = r.ok()["kid"].as_str().expect("kid").to_string();
    assert_ne!(new_kid, old_kid);

    // A token of the new key verifies on instance 2 at once (an unknown kid makes it reload the keys).
    let new_jwt = c.jwt(&sid).await;
    assert_eq!(jwt_parts(&new_jwt).0["kid"], new_kid.as_str());
    let auth = format!("Bearer {new_jwt}");
    let who = s[1]
        .raw(
            reqwest::Method::GET,
            "/api/whoami",
            &[("authorization", &auth)],
            None,
        )
        .await;
    assert_eq!(who.ok()["user_id"], uid.as_str());

    // Instance 2 signs with the new key soon after (within its reload interval).
    let c2 = on(&s[1], token(&c));
    let deadline = now_ms() + 15_000;
    loop {
        let jwt = c2.jwt(&sid).await;
        if jwt_parts(&jwt).0["kid"] == new_kid.as_str() {
            break;
        }
        assert!(now_ms() < deadline, "instance 2 still signs with {old_kid}");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }

    // Both JWKS publish both keys, the new one first; the token signed before the rotation verifies with either.
    for server in &s {
        let jwks = server.jwks().await;
        assert_eq!(jwks_kids(&jwks), vec![new_kid.clone(), old_kid.clone()]);
        verify_with_jwks(&old_jwt, &jwks, PUBLIC_URL).expect("the old token verifies");
        verify_with_jwks(&new_jwt, &jwks, PUBLIC_URL).expect("the new token verifies");
    }
}

#[tokio::test]
async fn instances_started_together_on_an_empty_database_agree_on_their_secrets() {
    let admin = postgres_admin_url().expect("CLERK_TEST_POSTGRES_URL");
    let url = fresh_postgres_database(&admin);
    let servers: Vec<Server> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..3)
            .map(|_| {
                let url = url.clone();
                scope.spawn(move || Server::start_with(Opts::new().no_secret().database_url(&url)))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("start"))
            .collect()
    });
    let secrets: Vec<&str> = servers.iter().map(|s| s.secret.as_str()).collect();
    assert!(secrets[0].starts_with("sk_test_"), "{secrets:?}");
    assert!(secrets.iter().all(|k| *k == secrets[0]), "{secrets:?}");
    let mut kids = Vec::new();
    for s in &servers {
        kids.push(s.jwks().await["keys"][0]["kid"].clone());
        s.users().await; // each accepts the shared key
    }
    assert!(kids.iter().all(|k| *k == kids[0]), "{kids:?}");
}

#[tokio::test]
async fn killing_one_instance_mid_load_loses_nothing_acknowledged() {
    let mut s = instances(3, Opts::new().args(&["--rate-limit-ip", "100000"]));
    // Sign-ups spread round-robin; instance 3 is killed after a third of them were sent.
    let mut tasks = Vec::new();
    for i in 0..30 {
        let c = on(&s[i % 3], None);
        let e = email("kill");
        tasks.push(tokio::spawn(async move {
            let r = c
                .send(
                    reqwest::Method::POST,
                    "/v1/client/sign_ups",
                    Body::Form(&[("email_address", e.as_str()), ("password", PASSWORD)]),
                    &[],
                )
                .await;
            (e, r)
        }));
        if i == 10 {
            s[2].kill();
        }
    }
    let mut acknowledged = Vec::new();
    for task in tasks {
        // A request to the killed instance fails at the transport (the task panics inside `send`): not acknowledged.
        if let Ok((e, r)) = task.await {
            assert!(r.status < 500, "{}: {} {}", r.desc, r.status, r.text);
            if r.status == 200 {
                acknowledged.push(e);
            }
        }
    }
    assert!(
        acknowledged.len() >= 18,
        "the two live instances kept answering: {acknowledged:?}"
    );
    let users: Vec<String> = s[0]
        .users()
        .await
        .iter()
        .map(|u| {
            u["email_addresses"][0]["email_address"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    for e in &acknowledged {
        assert!(users.contains(e), "{e} was acknowledged but is not stored");
    }
    // The survivors keep serving; a restarted instance serves the same data.
    let c = on(&s[1], None);
    c.sign_up(&email("after"), PASSWORD).await;
    s[2].restart(None);
    let (ids, _) = on(&s[2], token(&c)).session_ids().await;
    assert_eq!(ids.len(), 1);
}

/// One request of the rolling-restart client, sent to the instances in `bases` round-robin from `turn`, retried after
/// 250, 500 and 1000 ms when it gets no answer. A refused connection reached no server. A connection the kernel had
/// accepted for an instance that then stopped is reset without an answer, and the request's fate is unknown to the
/// client; both requests of this test are safe to send again (a read, and a touch that sets the same state again), so
/// every transport failure is retried and counted. An answer, whatever its status, is returned as is.
async fn send_retrying_unanswered(
    http: &reqwest::Client,
    bases: &std::sync::RwLock<Vec<String>>,
    turn: &mut usize,
    unanswered: &std::sync::atomic::AtomicUsize,
    method: reqwest::Method,
    path: &str,
    token: &str,
) -> Result<(u16, Value), String> {
    let mut delays = [250u64, 500, 1000].into_iter();
    loop {
        let base = {
            let bases = bases.read().unwrap();
            *turn += 1;
            bases[*turn % bases.len()].clone()
        };
        let sent = http
            .request(method.clone(), format!("{base}{path}"))
            .header("authorization", token)
            .send()
            .await;
        match sent {
            Ok(r) => {
                let status = r.status().as_u16();
                let body = r
                    .json::<Value>()
                    .await
                    .map_err(|e| format!("{path}: body: {e}"))?;
                return Ok((status, body));
            }
            Err(e) if e.is_timeout() => return Err(format!("{method} {path} on {base}: {e}")),
            Err(e) => match delays.next() {
                Some(ms) => {
                    unanswered.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    tokio::time::sleep(std::time::Duration::from_millis(ms)).await
                }
                None => return Err(format!("{method} {path}: no answer four times: {e}")),
            },
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rolling_restart_fails_no_request_and_loses_no_write() {
    let mut s = instances(3, Opts::new().args(&["--rate-limit-ip", "100000"]));
    // One client with two sessions; the load alternates reads of the client with touches of either session.
    let c = on(&s[0], None);
    let (_, first) = c.sign_up_ids(&email("roll-a")).await;
    let (_, second) = c.sign_up_ids(&email("roll-b")).await;
    let token = c.token().expect("client token");
    let bases = std::sync::Arc::new(std::sync::RwLock::new(
        s.iter().map(|x| x.base.clone()).collect::<Vec<_>>(),
    ));
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    // A new connection per request, as through a load balancer that stops routing to a stopped instance: a request
    // meets a listening instance, or is refused, or is reset unread in a stopping instance's accept queue.
    let http = reqwest::Client::builder()
        .no_proxy()
        .pool_max_idle_per_host(0)
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .expect("http client");
    let unanswered = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let load = {
        let (bases, stop, token, unanswered) = (
            bases.clone(),
            stop.clone(),
            token.clone(),
            unanswered.clone(),
        );
        let sessions = [first.clone(), second.clone()];
        tokio::spawn(async move {
            let mut turn = 0usize;
            let (mut reads, mut touches) = (0usize, 0usize);
            // The session of the last acknowledged touch: every later read must show it as the last active one.
            let mut acknowledged: Option<String> = None;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let sid = &sessions[touches % 2];
                let path = format!("/v1/client/sessions/{sid}/touch");
                let (status, body) = send_retrying_unanswered(
                    &http,
                    &bases,
                    &mut turn,
                    &unanswered,
                    reqwest::Method::POST,
                    &path,
                    &token,
                )
                .await?;
                if status != 200 {
                    return Err(format!("touch {sid}: {status} {body}"));
                }
                touches += 1;
                acknowledged = Some(sid.clone());
                let (status, body) = send_retrying_unanswered(
                    &http,
                    &bases,
                    &mut turn,
                    &unanswered,
                    reqwest::Method::GET,
                    "/v1/client",
                    &token,
                )
                .await?;
                if status != 200 {
                    return Err(format!("GET /v1/client: {status} {body}"));
                }
                reads += 1;
                let last = body["response"]["last_active_session_id"].as_str();
                if last != acknowledged.as_deref() {
                    return Err(format!(
                        "read after the touch of {acknowledged:?} shows {last:?}: {body}"
                    ));
                }
                let live = body["response"]["sessions"].as_array().map_or(0, Vec::len);
                if live != 2 {
                    return Err(format!("the client lost a session: {body}"));
                }
            }
            Ok::<_, String>((reads, touches, acknowledged))
        })
    };

    // Restart each instance in turn: SIGTERM, wait for it to exit, start it again (on a new port, which the client's
    // list picks up as a load balancer's health check would).
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    for (i, server) in s.iter_mut().enumerate() {
        tokio::task::block_in_place(|| {
            assert!(
                server.terminate(),
                "instance {} did not shut down on SIGTERM",
                i + 1
            );
            std::thread::sleep(std::time::Duration::from_millis(300));
            server.restart(None);
        });
        bases.write().unwrap()[i] = server.base.clone();
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let (reads, touches, acknowledged) = load.await.expect("load task").expect("no failed request");
    assert!(
        reads >= 10 && touches >= 10,
        "too little load: {reads} reads, {touches} touches"
    );
    // The client did meet stopped instances (and rode over them by retrying).
    assert!(
        unanswered.load(std::sync::atomic::Ordering::Relaxed) > 0,
        "no request met a stopped instance"
    );

    // Nothing acknowledged is lost: every restarted instance shows the last acknowledged touch.
    for server in &s {
        let (ids, last) = on(server, Some(token.clone())).session_ids().await;
        assert_eq!(ids.len(), 2);
        assert_eq!(last, acknowledged);
    }
}

#[tokio::test]
async fn health_check_answers_503_when_the_database_is_gone() {
    let admin = postgres_admin_url().expect("CLERK_TEST_POSTGRES_URL");
    let url = fresh_postgres_database(&admin);
    let s = Server::start_with(Opts::new().database_url(&url));
    let r = s.get("/healthz").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["status"], "ok");
    let name = url.rsplit('/').next().expect("database name").to_string();
    pg_execute(&admin, &format!("DROP DATABASE {name} WITH (FORCE)"));
    let r = s.get("/healthz").await;
    assert_eq!(r.status, 503, "{}", r.text);
    assert_eq!(r.json["status"], "unavailable");
}
