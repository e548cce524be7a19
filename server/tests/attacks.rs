//! The server under attack, over real HTTP (issue 11): parallel password guessing, memory under parallel sign-ins,
//! connections that never finish their headers, lockout by strangers, unlimited client creation. Sizes are reduced
//! to keep each test short; `/dev/stats` tells how many attempts the server actually evaluated.

mod common;

use std::time::{Duration, Instant};

use common::*;
use futures::future::join_all;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The per-identifier-and-source failure limit documented in `docs/server.md`.
const LIMIT: u64 = 5;

async fn stats(s: &Server) -> Value {
    let r = s.get("/dev/stats").await;
    r.ok().clone()
}

fn stat(v: &Value, name: &str) -> u64 {
    v[name]
        .as_u64()
        .unwrap_or_else(|| panic!("/dev/stats has no {name}: {v}"))
}

/// Resident memory of the server process, in KiB (Linux `/proc`).
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .expect("VmRSS")
}

#[tokio::test]
async fn parallel_wrong_passwords_are_refused_before_hashing() {
    let s = Server::start();
    let e = email("parallel");
    s.client().sign_up(&e, PASSWORD).await;

    // Identifier-first sign-ins opened before the attack, to attack `attempt_first_factor` as well.
    let mut attempts = Vec::new();
    for _ in 0..20 {
        let c = s.client();
        let si = c
            .post("/v1/client/sign_ins", &[("identifier", e.as_str())])
            .await
            .response()
            .clone();
        let path = format!(
            "/v1/client/sign_ins/{}/attempt_first_factor",
            si["id"].as_str().unwrap()
        );
        attempts.push((c, path));
    }

    let before = stats(&s).await;
    let creates = (0..80).map(|i| {
        let s = &s;
        let e = e.clone();
        async move {
            s.client()
                .post(
                    "/v1/client/sign_ins",
                    &[
                        ("identifier", e.as_str()),
                        ("password", &format!("wrong-{i}")),
                    ],
                )
                .await
                .status
        }
    });
    let factors = attempts
        .iter()
        .enumerate()
        .map(|(i, (c, path))| async move {
            c.post(
                path,
                &[("strategy", "password"), ("password", &format!("bad-{i}"))],
            )
            .await
            .status
        });
    let (a, b) = futures::join!(join_all(creates), join_all(factors));
    let statuses: Vec<u16> = a.into_iter().chain(b).collect();
    let wrong = statuses.iter().filter(|&&st| st == 422).count() as u64;
    let refused = statuses.iter().filter(|&&st| st == 429).count() as u64;
    eprintln!("figure: 100 parallel wrong passwords: {wrong} answered 422 (evaluated), {refused} answered 429");
    let after = stats(&s).await;
    let evaluated = stat(&after, "password_checks") - stat(&before, "password_checks");
    assert!(
        evaluated <= LIMIT,
        "{evaluated} of 100 parallel wrong passwords were evaluated (limit {LIMIT}); statuses {statuses:?}"
    );
    assert_eq!(wrong, evaluated, "every evaluated attempt answers 422");
    assert_eq!(wrong + refused, 100, "statuses {statuses:?}");

    // The correct password is refused while locked, on both paths, and without being evaluated.
    s.client()
        .post(
            "/v1/client/sign_ins",
            &[("identifier", e.as_str()), ("password", PASSWORD)],
        )
        .await
        .expect_error(429, "too_many_requests");
    let (c, path) = &attempts[0];
    let r = c
        .post(path, &[("strategy", "password"), ("password", PASSWORD)])
        .await;
    r.expect_error(429, "too_many_requests");
    assert!(r.header("retry-after").is_some());
    let last = stats(&s).await;
    assert_eq!(
        stat(&last, "password_checks"),
        stat(&after, "password_checks")
    );
}

#[tokio::test]
async fn strangers_cannot_lock_the_owner_out() {
    let s = Server::start();
    let e = email("owner");
    s.client().sign_up(&e, PASSWORD).await;

    // Five failures from a stranger's address lock that address only.
    let stranger = Client::from_source(&s, "127.0.0.2");
    for i in 0..LIMIT {
        stranger
            .post(
                "/v1/client/sign_ins",
                &[("identifier", e.as_str()), ("password", &format!("x-{i}"))],
            )
            .await
            .expect_error(422, "form_password_incorrect");
    }
    stranger
        .post(
            "/v1/client/sign_ins",
            &[("identifier", e.as_str()), ("password", PASSWORD)],
        )
        .await
        .expect_error(429, "too_many_requests");
    // The owner, from their own address: password and email code both work.
    s.client().sign_in(&e).await;
    let owner = s.client();
    let si = owner
        .post(
            "/v1/client/sign_ins",
            &[("identifier", e.as_str()), ("strategy", "email_code")],
        )
        .await
        .response()
        .clone();
    let code = s.outbox_code(&e).await;
    let r = owner
        .post(
            &format!(
                "/v1/client/sign_ins/{}/attempt_first_factor",
                si["id"].as_str().unwrap()
            ),
            &[("strategy", "email_code"), ("code", &code)],
        )
        .await;
    assert_eq!(r.response()["status"], "complete", "{}", r.text);
}

#[tokio::test]
async fn distributed_guessing_hits_the_identifier_ceiling_but_not_codes() {
    let s = Server::start();
    let e = email("ceiling");
    s.client().sign_up(&e, PASSWORD).await;
    // 20 addresses × 5 failures = the 100-per-hour ceiling of one identifier.
    for n in 0..20 {
        let c = Client::from_source(&s, &format!("127.0.1.{}", n + 1));
        let rs = join_all((0..LIMIT).map(|i| {
            let (c, e) = (&c, &e);
            async move {
                c.post(
                    "/v1/client/sign_ins",
                    &[("identifier", e.as_str()), ("password", &format!("g-{i}"))],
                )
                .await
                .status
            }
        }))
        .await;
        assert!(rs.iter().all(|&st| st == 422), "address {n}: {rs:?}");
    }
    // Now a password from a fresh address is refused, even the right one...
    let fresh = Client::from_source(&s, "127.0.2.1");
    fresh
        .post(
            "/v1/client/sign_ins",
            &[("identifier", e.as_str()), ("password", PASSWORD)],
        )
        .await
        .expect_error(429, "too_many_requests");
    // ...but the owner's email code still signs in.
    let si = fresh
        .post(
            "/v1/client/sign_ins",
            &[("identifier", e.as_str()), ("strategy", "email_code")],
        )
        .await
        .response()
        .clone();
    let code = s.outbox_code(&e).await;
    let r = fresh
        .post(
            &format!(
                "/v1/client/sign_ins/{}/attempt_first_factor",
                si["id"].as_str().unwrap()
            ),
            &[("strategy", "email_code"), ("code", &code)],
        )
        .await;
    assert_eq!(r.response()["status"], "complete", "{}", r.text);
}

#[tokio::test]
async fn memory_stays_bounded_under_parallel_sign_ins() {
    // 64 users, so that no attempt limit is involved: each burst signs each of them in once, in parallel.
    let s = Server::start_args(&["--rate-limit-ip", "100000"]);
    let users: Vec<String> = (0..64).map(|_| email("burst")).collect();
    join_all(users.iter().map(|e| {
        let s = &s;
        async move { s.client().sign_up(e, PASSWORD).await }
    }))
    .await;
    let mut after_first = 0;
    let mut statuses = Vec::new();
    for burst in 0..8 {
        let rs = join_all(users.iter().map(|e| {
            let s = &s;
            async move {
                s.client()
                    .post(
                        "/v1/client/sign_ins",
                        &[("identifier", e.as_str()), ("password", PASSWORD)],
                    )
                    .await
                    .status
            }
        }))
        .await;
        statuses.extend(rs);
        if burst == 0 {
            after_first = rss_kib(s.pid());
        }
    }
    let after_last = rss_kib(s.pid());
    eprintln!(
        "figure: RSS after burst 1 of 64 parallel sign-ins: {after_first} KiB, after burst 8: {after_last} KiB"
    );
    // 64 parallel hashes fit the queue (64 waiting + one per core): every sign-in passes.
    assert!(statuses.iter().all(|&st| st == 200), "{statuses:?}");
    assert!(
        after_last <= 2 * after_first,
        "resident memory grew from {after_first} KiB after the first burst to {after_last} KiB after the last"
    );
}

#[tokio::test]
async fn connections_that_never_finish_their_headers_are_closed() {
    let s = Server::start_args(&["--header-read-timeout-secs", "2"]);
    let opened = Instant::now();
    let mut slow = Vec::new();
    for _ in 0..300 {
        let mut conn = tokio::net::TcpStream::connect(s.host_port())
            .await
            .expect("connect");
        conn.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            .await
            .expect("write");
        slow.push(conn);
    }
    // Meanwhile a normal request is answered.
    let r = s.get("/v1/environment").await;
    assert_eq!(r.status, 200, "{}", r.text);
    // Every slow connection is closed by the server within the timeout (plus a margin for a loaded machine).
    let closed = join_all(slow.into_iter().map(|mut conn| async move {
        let mut buf = Vec::new();
        tokio::time::timeout(Duration::from_secs(10), conn.read_to_end(&mut buf))
            .await
            .is_ok()
    }))
    .await;
    let open = closed.iter().filter(|c| !**c).count();
    eprintln!("figure: slow-header connections still open 10 s after the timeout: {open} of 300");
    assert_eq!(open, 0, "{open} of 300 slow connections still open");
    assert!(opened.elapsed() < Duration::from_secs(15));
}

#[tokio::test]
async fn client_creation_is_limited_per_address() {
    let s = Server::start_args(&["--rate-limit-clients-ip", "20"]);
    for _ in 0..20 {
        let r = s.client().post("/v1/client", &[]).await;
        assert_eq!(r.status, 200, "{}", r.text);
    }
    let r = s.client().post("/v1/client", &[]).await;
    r.expect_error(429, "too_many_requests");
    assert!(r.header("retry-after").is_some());
    let other = Client::from_source(&s, "127.0.0.3");
    let r = other.post("/v1/client", &[]).await;
    assert_eq!(r.status, 200, "another address is not limited: {}", r.text);
}

#[tokio::test]
async fn empty_clients_are_purged() {
    let s = Server::start_args(&["--empty-client-ttl-secs", "1"]);
    let empty = s.client();
    empty.create_client().await;
    let signed_in = s.client();
    let e = email("kept");
    signed_in.sign_up(&e, PASSWORD).await;
    tokio::time::sleep(Duration::from_secs(4)).await;
    let r = empty.get("/v1/client").await;
    assert!(
        r.json["response"].is_null(),
        "empty client still there: {}",
        r.text
    );
    let kept = signed_in.client().await;
    assert_eq!(kept["sessions"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn a_flood_of_client_creations_is_capped() {
    // Default limit: 300 clients per address per 10 minutes, whatever the rate of requests.
    let s = Server::start();
    let deadline = Instant::now() + Duration::from_secs(5);
    let created = join_all((0..16).map(|_| {
        let s = &s;
        async move {
            let mut n = 0u32;
            while Instant::now() < deadline {
                if s.client().post("/v1/client", &[]).await.status == 200 {
                    n += 1;
                }
            }
            n
        }
    }))
    .await
    .into_iter()
    .sum::<u32>();
    eprintln!("figure: POST /v1/client answered 200 in 5 s by 16 parallel callers: {created}");
    assert!(created <= 300, "{created} clients created");
}

#[tokio::test]
async fn security_headers_and_hidden_dotfiles() {
    let s = Server::start();
    std::fs::write(s.root().join("www").join(".env"), "SECRET=1").unwrap();
    std::fs::create_dir_all(s.root().join("www").join(".git")).unwrap();
    std::fs::write(s.root().join("www").join(".git").join("HEAD"), "ref").unwrap();

    let api = s.get("/v1/environment").await;
    assert_eq!(api.header("cache-control").as_deref(), Some("no-store"));
    assert_eq!(
        api.header("referrer-policy").as_deref(),
        Some("no-referrer")
    );
    let err = s.get("/v1/nope").await;
    assert_eq!(err.header("cache-control").as_deref(), Some("no-store"));
    let page = s.get("/").await;
    assert_eq!(page.status, 200);
    assert_eq!(page.header("content-security-policy").as_deref(), Some(CSP));
    assert!(CSP.contains("base-uri 'none'") && CSP.contains("form-action 'self'"));
    assert_eq!(
        page.header("referrer-policy").as_deref(),
        Some("no-referrer")
    );
    for path in ["/.env", "/.git/HEAD", "/%2eenv", "/%2Egit/HEAD"] {
        let (status, body) = s.raw_get_path(path).await;
        assert_eq!(status, 404, "{path}");
        assert!(!String::from_utf8_lossy(&body).contains("SECRET"), "{path}");
    }
}

#[tokio::test]
async fn over_long_passwords_are_refused_before_any_lookup_or_hash() {
    let s = Server::start();
    let known = email("long-known");
    s.client().sign_up(&known, PASSWORD).await;
    let before = stat(&stats(&s).await, "password_checks");
    let long = "p".repeat(1025);
    for who in [known.clone(), email("long-unknown")] {
        s.client()
            .post(
                "/v1/client/sign_ins",
                &[("identifier", who.as_str()), ("password", long.as_str())],
            )
            .await
            .expect_error(422, "form_password_incorrect");
    }
    assert_eq!(stat(&stats(&s).await, "password_checks"), before);
}

#[tokio::test]
async fn look_alike_email_addresses_are_one_account_or_refused() {
    let s = Server::start();
    let tag = email("jose");
    let composed = format!("jos\u{00E9}-{tag}");
    let decomposed = format!("jose\u{0301}-{tag}");
    s.client().sign_up(&composed, PASSWORD).await;
    // The decomposed spelling is the same address: taken at sign-up, and it signs in.
    s.client()
        .post(
            "/v1/client/sign_ups",
            &[
                ("email_address", decomposed.as_str()),
                ("password", PASSWORD),
            ],
        )
        .await
        .expect_error(422, "form_identifier_exists");
    s.client().sign_in(&decomposed).await;
    for bad in [
        format!("a\u{200B}{tag}"),
        format!("{tag}\u{202E}"),
        format!("a\u{0007}{tag}"),
    ] {
        s.client()
            .post(
                "/v1/client/sign_ups",
                &[("email_address", bad.as_str()), ("password", PASSWORD)],
            )
            .await
            .expect_param_error(422, "form_param_format_invalid", "email_address");
        s.client()
            .post(
                "/v1/client/sign_ins",
                &[("identifier", bad.as_str()), ("password", PASSWORD)],
            )
            .await
            .expect_param_error(422, "form_param_format_invalid", "identifier");
    }
}

#[cfg(unix)]
#[tokio::test]
async fn database_and_key_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    // The files of the SQLite store and the data folder (with PostgreSQL there are none: server_cli checks that the
    // keys then live in the database only), so this runs on SQLite in both runs of the suite.
    let s = Server::start_with(Opts::new().database_url("sqlite://{root}/test.db"));
    s.client().sign_up(&email("private"), PASSWORD).await;
    let mut checked = 0;
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(s.data_dir())
        .unwrap()
        .chain(std::fs::read_dir(s.root()).unwrap())
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    files.sort();
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.starts_with("test.db") || name == "jwt_rsa.pem" || name == "secret_key" {
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{} has mode {mode:o}", path.display());
            checked += 1;
        }
    }
    assert!(
        checked >= 3,
        "database, WAL and key files expected; checked {checked}"
    );
}

#[tokio::test]
async fn whoami_checks_kid_crit_and_azp_and_takes_bearer_in_any_case() {
    use reqwest::Method;
    let s = Server::start();
    let c = s.client();
    let (uid, sid) = c.sign_up_ids(&email("who2")).await;
    let jwt = c.jwt(&sid).await;
    let kid = jwt_parts(&jwt).0["kid"].as_str().unwrap().to_string();
    let key = server_private_key(&s);
    let now = now_secs();
    let claims = |azp: Option<&str>| {
        let mut v = serde_json::json!({"iss": s.base, "sub": uid, "sid": sid, "iat": now, "nbf": now - 5, "exp": now + 60});
        if let Some(azp) = azp {
            v["azp"] = azp.into();
        }
        v
    };
    let call = |auth: String| {
        let s = &s;
        async move {
            s.raw(
                Method::GET,
                "/api/whoami",
                &[("authorization", auth.as_str())],
                None,
            )
            .await
        }
    };
    for scheme in ["Bearer", "bearer", "BEARER"] {
        let r = call(format!("{scheme} {jwt}")).await;
        assert_eq!(r.status, 200, "{scheme}: {}", r.text);
    }
    // Allowed origin as azp (dev mode allows local origins): accepted.
    let ok = sign_rs256(&key, Some(&kid), &claims(Some(ALLOWED_DEV_ORIGIN)));
    assert_eq!(call(format!("Bearer {ok}")).await.status, 200);
    // A foreign azp, an unknown or missing kid, a crit extension: refused, though signed with the server's key.
    let evil = sign_rs256(&key, Some(&kid), &claims(Some(EVIL_ORIGIN)));
    let other_kid = sign_rs256(&key, Some("0000000000000000"), &claims(None));
    let no_kid = sign_rs256(&key, None, &claims(None));
    let crit = {
        use rsa::pkcs1::EncodeRsaPrivateKey;
        let header = base64_url(
            &serde_json::to_vec(
                &serde_json::json!({"alg": "RS256", "typ": "JWT", "kid": kid, "crit": ["exp"]}),
            )
            .unwrap(),
        );
        let payload = base64_url(&serde_json::to_vec(&claims(None)).unwrap());
        let input = format!("{header}.{payload}");
        let der = key.to_pkcs1_der().unwrap();
        let ek = jsonwebtoken::EncodingKey::from_rsa_der(der.as_bytes());
        let sig = jsonwebtoken::crypto::sign(input.as_bytes(), &ek, jsonwebtoken::Algorithm::RS256)
            .unwrap();
        format!("{input}.{sig}")
    };
    for (what, token) in [
        ("foreign azp", evil),
        ("unknown kid", other_kid),
        ("no kid", no_kid),
        ("crit", crit),
    ] {
        let r = call(format!("Bearer {token}")).await;
        assert_eq!(r.status, 401, "{what}: {}", r.text);
    }
}

fn base64_url(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[tokio::test]
async fn one_time_codes_are_not_stored_as_plain_hashes() {
    use sha2::{Digest, Sha256};
    let mut s = Server::start();
    let e = email("code-at-rest");
    s.client().sign_up(&e, PASSWORD).await;
    let c = s.client();
    let si = c
        .post(
            "/v1/client/sign_ins",
            &[("identifier", e.as_str()), ("strategy", "email_code")],
        )
        .await
        .response()
        .clone();
    let code = s.outbox_code(&e).await;
    let plain: String = Sha256::digest(code.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let stored = s.db_bytes(); // the SQLite files, or every PostgreSQL row as text
    assert!(!stored.is_empty());
    assert!(
        !String::from_utf8_lossy(&stored).contains(&plain),
        "the code's plain SHA-256 is in the database"
    );
    // The keyed hash survives a restart (the key is derived from the secret key, not generated per process).
    s.restart(None);
    let c2 = s.client();
    c2.set_token(c.token());
    let r = c2
        .post(
            &format!(
                "/v1/client/sign_ins/{}/attempt_first_factor",
                si["id"].as_str().unwrap()
            ),
            &[("strategy", "email_code"), ("code", &code)],
        )
        .await;
    assert_eq!(r.response()["status"], "complete", "{}", r.text);
}

#[tokio::test]
async fn running_out_of_descriptors_backs_off_and_recovers() {
    // 64 descriptors: the database, its WAL, the listener and a few more leave room for about 50 connections.
    let s = Server::start_with(
        Opts::new()
            .fd_limit(64)
            .args(&["--header-read-timeout-secs", "2"]),
    );
    let mut slow = Vec::new();
    for _ in 0..100 {
        if let Ok(mut conn) = tokio::net::TcpStream::connect(s.host_port()).await {
            let _ = conn.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").await;
            slow.push(conn);
        }
    }
    // The server ran out of descriptors; once the slow connections time out it answers again.
    let r = s.get("/v1/environment").await;
    assert_eq!(r.status, 200, "{}", r.text);
    drop(slow);
    let logged = s.stderr().matches("Too many open files").count();
    assert!(
        (1..=5).contains(&logged),
        "descriptor exhaustion logged {logged} times (expected once per episode, not once per retry)"
    );
}

#[tokio::test]
async fn connections_beyond_the_cap_wait_for_a_slot() {
    let s = Server::start_args(&["--max-connections", "5", "--header-read-timeout-secs", "2"]);
    let mut idle = Vec::new();
    for _ in 0..5 {
        idle.push(
            tokio::net::TcpStream::connect(s.host_port())
                .await
                .expect("connect"),
        );
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    // All five slots are held by silent connections: the request waits until the timeout frees one.
    let started = Instant::now();
    let r = s.get("/v1/environment").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(
        started.elapsed() >= Duration::from_millis(1500),
        "answered after {:?} although every connection slot was held",
        started.elapsed()
    );
}
