//! The process: command line, startup output, generated keys, persistence across restarts, demo users.

mod common;

use common::*;
use reqwest::Method;
use rsa::traits::PublicKeyParts;

#[tokio::test]
async fn startup_lines() {
    let s = Server::start();
    let lines = s.stdout_lines();
    let first = &lines[0];
    let url = first
        .strip_prefix("clerk-wasm-server listening on http://")
        .unwrap_or_else(|| panic!("first line: {first:?}"));
    let (ip, port) = url
        .rsplit_once(':')
        .unwrap_or_else(|| panic!("no port in {first:?}"));
    assert_eq!(ip, "127.0.0.1");
    let port: u16 = port.parse().unwrap_or_else(|_| panic!("port in {first:?}"));
    assert_ne!(
        port, 0,
        "the real port must be printed when --addr uses port 0"
    );
    let secret_line = s
        .wait_stdout_line("secret key: ", std::time::Duration::from_secs(5))
        .expect("secret key line with --dev");
    assert_eq!(secret_line, format!("secret key: {SECRET}"));
    let lines = s.stdout_lines();
    assert_eq!(
        lines[1], secret_line,
        "the secret key line comes right after the listening line: {lines:?}"
    );
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.starts_with("clerk-wasm-server listening on "))
            .count(),
        1
    );
    // Logs go to stderr, not stdout: nothing else on stdout after some traffic.
    s.client().sign_up(&email("startup"), PASSWORD).await;
    s.client().get("/v1/nope").await;
    let lines = s.stdout_lines();
    assert_eq!(
        lines.len(),
        2,
        "stdout must only carry the documented lines: {lines:?}"
    );
}

#[tokio::test]
async fn generated_secret_and_signing_key() {
    let s = Server::start_with(Opts::new().no_secret());
    // SQLite: files in the data folder; PostgreSQL: rows of instance_secrets, shared by every instance.
    let stored = s.stored_secret_key().expect("stored secret key");
    assert!(
        stored.starts_with("sk_test_") || stored.starts_with("sk_live_"),
        "secret key {stored:?}"
    );
    assert!(
        stored.len() >= "sk_test_".len() + 20,
        "secret key too short: {stored:?}"
    );
    let printed = s
        .wait_stdout_line("secret key: ", std::time::Duration::from_secs(5))
        .expect("printed secret key");
    assert_eq!(printed, format!("secret key: {stored}"));
    assert_eq!(s.secret, stored);
    s.users().await; // works with the generated key
    s.backend_with_key(
        Method::GET,
        "/v1/users",
        Some(&format!("Bearer {SECRET}")),
        None,
    )
    .await
    .expect_error(401, "authentication_invalid");

    let pem_path = s.data_dir().join("jwt_rsa.pem");
    let pem = s.stored_signing_key_pem().expect("stored signing key");
    assert!(
        pem.starts_with("-----BEGIN PRIVATE KEY-----"),
        "not a PKCS#8 PEM: {}",
        &pem[..40.min(pem.len())]
    );
    if s.on_postgres() {
        assert!(
            !pem_path.exists() && !s.data_dir().join("secret_key").exists(),
            "with PostgreSQL the secrets live in the database only"
        );
    } else {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&pem_path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "jwt_rsa.pem mode {mode:o}");
        }
    }
    let key = private_key_from_pem(&pem);
    assert_eq!(key.n().bits(), 2048, "RSA 2048 expected");
    let jwks = s.jwks().await;
    let jwk = &jwks["keys"][0];
    let n = key.n().to_bytes_be();
    assert_eq!(
        b64url_decode(jwk["n"].as_str().unwrap()),
        n,
        "JWKS modulus is not the key in jwt_rsa.pem"
    );
    assert_eq!(jwk["kid"], kid_of_modulus(&n));
}

#[tokio::test]
async fn state_survives_a_restart() {
    let mut s = Server::start_with(Opts::new().no_secret());
    let secret1 = s.secret.clone();
    let e = email("restart");
    let c = s.client();
    let (uid, sid) = c.sign_up_ids(&e).await;
    let token = c.token().unwrap();
    let client_id = c.client().await["id"].clone();
    let jwt = c.jwt(&sid).await;
    let iss1 = s.base.clone();
    let kid1 = s.jwks().await["keys"][0]["kid"].clone();
    s.patch_instance(&[("single_session_mode", "true")])
        .await
        .ok();

    s.restart(None);
    assert_eq!(s.secret, secret1, "the stored secret key must be reused");
    let jwks = s.jwks().await;
    assert_eq!(
        jwks["keys"][0]["kid"], kid1,
        "the stored signing key must be reused"
    );
    verify_with_jwks(&jwt, &jwks, &iss1).expect("an old token verifies with the reloaded key");
    assert_eq!(
        s.environment().await["auth_config"]["single_session_mode"],
        true,
        "session mode must be persisted"
    );
    let c2 = s.client();
    c2.set_token(Some(token));
    let got = c2.client().await;
    assert_eq!(got["id"], client_id, "the client survives a restart");
    assert_eq!(got["last_active_session_id"], sid.as_str());
    let jwt2 = c2.jwt(&sid).await;
    let claims = verify_with_jwks(&jwt2, &jwks, &s.base).expect("token after restart");
    assert_eq!(claims["sub"], uid.as_str());
    assert_eq!(s.users().await.len(), 1);

    // An explicit flag wins over the stored mode.
    let opts = s.opts.clone().args(&["--session-mode", "multi"]);
    s.restart(Some(opts));
    assert_eq!(
        s.environment().await["auth_config"]["single_session_mode"],
        false
    );
}

#[tokio::test]
async fn seed_demo_users() {
    let mut s = Server::start_args(&["--seed-demo"]);
    let want = [
        "demo user: ada@example.com / demo-password-1",
        "demo user: grace@example.com / demo-password-1",
        "demo user: alan@example.com / demo-password-1",
    ];
    for w in want {
        assert!(
            s.wait_stdout_line(w, std::time::Duration::from_secs(30))
                .is_some(),
            "missing {w:?}: {:?}",
            s.stdout_lines()
        );
    }
    assert_eq!(s.users().await.len(), 3);
    for e in ["ada@example.com", "grace@example.com", "alan@example.com"] {
        s.client().sign_in_password(e, "demo-password-1").await;
    }
    s.restart(None);
    assert_eq!(s.users().await.len(), 3, "seeding must be idempotent");
    s.client()
        .sign_in_password("ada@example.com", "demo-password-1")
        .await;
}

#[test]
fn invalid_secret_key_is_refused() {
    // The last one: 42 characters after the prefix, one short of 32 random bytes in base64url.
    for bad in [
        "not-a-key",
        "pk_test_abc",
        "sk_prod_abc",
        "sk_test_0123456789abcdef0123456789abcdef0123456789",
    ] {
        let (status, out, err) =
            Server::start_expect_failure(Opts::new().arg("--secret-key").arg(bad).no_secret());
        assert!(!status.success(), "server accepted secret key {bad:?}");
        assert!(
            !out.contains("listening on"),
            "server with secret key {bad:?} announced itself: {out}"
        );
        assert!(
            !err.is_empty() || !out.is_empty(),
            "no diagnostic for secret key {bad:?}"
        );
    }
}

#[tokio::test]
async fn environment_variables_configure_the_server() {
    let s = Server::start_with(
        Opts::new()
            .env("CLERK_SESSION_MODE", "single")
            .env("CLERK_EMAIL_VERIFICATION", "required")
            .env("CLERK_CODE_TTL_SECS", "42"),
    );
    let env = s.environment().await;
    assert_eq!(env["auth_config"]["single_session_mode"], true);
    assert_eq!(
        env["user_settings"]["sign_up"]["email_verification_required"],
        true
    );
    let e = email("envvar");
    let c = s.client();
    let su = c
        .post(
            "/v1/client/sign_ups",
            &[("email_address", e.as_str()), ("password", PASSWORD)],
        )
        .await
        .response()
        .clone();
    let before = now_ms();
    c.post(
        &format!(
            "/v1/client/sign_ups/{}/prepare_verification",
            su["id"].as_str().unwrap()
        ),
        &[("strategy", "email_code")],
    )
    .await
    .response();
    // With verification completed, a sign-in by email code shows the configured TTL.
    let code = s.outbox_code(&e).await;
    c.post(
        &format!(
            "/v1/client/sign_ups/{}/attempt_verification",
            su["id"].as_str().unwrap()
        ),
        &[("strategy", "email_code"), ("code", code.as_str())],
    )
    .await
    .response();
    let si = s
        .client()
        .post(
            "/v1/client/sign_ins",
            &[("identifier", e.as_str()), ("strategy", "email_code")],
        )
        .await
        .response()
        .clone();
    let exp = si["first_factor_verification"]["expire_at"]
        .as_i64()
        .unwrap();
    assert!(
        (exp - before - 42_000).abs() < 5000,
        "CLERK_CODE_TTL_SECS=42 not applied: {}",
        exp - before
    );
}

#[test]
fn help_lists_every_flag_and_env_var() {
    let out = std::process::Command::new(BIN)
        .arg("--help")
        .output()
        .expect("run --help");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for (flag, env) in [
        ("--addr", "CLERK_ADDR"),
        ("--database-url", "CLERK_DATABASE_URL"),
        ("--data-dir", "CLERK_DATA_DIR"),
        ("--allowed-origin", "CLERK_ALLOWED_ORIGINS"),
        ("--static-dir", "CLERK_STATIC_DIR"),
        ("--pkg-dir", "CLERK_PKG_DIR"),
        ("--session-mode", "CLERK_SESSION_MODE"),
        ("--email-verification", "CLERK_EMAIL_VERIFICATION"),
        ("--dev", "CLERK_DEV"),
        ("--seed-demo", "CLERK_SEED_DEMO"),
        ("--secret-key", "CLERK_SECRET_KEY"),
        ("--session-lifetime-secs", "CLERK_SESSION_LIFETIME_SECS"),
        ("--session-inactivity-secs", "CLERK_SESSION_INACTIVITY_SECS"),
        ("--code-ttl-secs", "CLERK_CODE_TTL_SECS"),
        ("--rate-limit-client", "CLERK_RATE_LIMIT_CLIENT"),
        ("--rate-limit-ip", "CLERK_RATE_LIMIT_IP"),
        ("--request-timeout-secs", "CLERK_REQUEST_TIMEOUT_SECS"),
        ("--public-url", "CLERK_PUBLIC_URL"),
    ] {
        assert!(text.contains(flag), "--help lacks {flag}");
        assert!(text.contains(env), "--help lacks {env}");
    }
}

#[tokio::test]
async fn database_file_and_folder_are_created() {
    let s = Server::start_with(Opts::new().database_url("sqlite://{root}/nested/deeper/app.db"));
    s.client().sign_up(&email("dbdir"), PASSWORD).await;
    assert!(
        s.root().join("nested/deeper/app.db").exists(),
        "database file not created"
    );
    assert!(!s.root().join("test.db").exists());
}

fn db_bytes(s: &Server) -> Vec<u8> {
    let all = s.db_bytes();
    assert!(!all.is_empty(), "nothing read from {}", s.database_url());
    all
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test]
async fn secrets_at_rest() {
    // docs/server.md: argon2id m = 19 MiB, t = 2, p = 1; only SHA-256 of the client token secret is stored.
    let s = Server::start();
    let pw = "At-Rest-Password-4242";
    let c = s.client();
    let e = email("atrest");
    c.sign_up(&e, pw).await;
    let token = c.token().unwrap();
    let (_, secret) = token.split_once('.').unwrap();
    let db = db_bytes(&s);
    assert!(
        contains(&db, b"$argon2id$v=19$m=19456,t=2,p=1$"),
        "no argon2id (m=19456,t=2,p=1) hash in the database"
    );
    assert!(
        !contains(&db, pw.as_bytes()),
        "plaintext password stored in the database"
    );
    assert!(
        !contains(&db, secret.as_bytes()),
        "plaintext client token secret stored in the database"
    );
    assert!(
        contains(&db, e.as_bytes()),
        "sanity: the email should be in the database files we read"
    );
}
