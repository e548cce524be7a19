//! Rate limits (failed attempts per identifier, creations per client / per IP) and email-code expiry / attempt limits.

mod common;

use common::*;
use serde_json::json;

#[track_caller]
fn retry_after(r: &Resp) -> u64 {
    let h = r
        .header("retry-after")
        .unwrap_or_else(|| panic!("{}: 429 without Retry-After", r.desc));
    let secs: u64 = h
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("{}: Retry-After is not seconds: {h:?}", r.desc));
    assert!(
        (1..=600).contains(&secs),
        "{}: Retry-After {secs} outside the 10-minute window",
        r.desc
    );
    secs
}

#[tokio::test]
async fn failed_password_attempts_lock_the_identifier() {
    let s = Server::start();
    let e = email("rl");
    let other = email("rl-other");
    s.client().sign_up(&e, PASSWORD).await;
    s.client().sign_up(&other, PASSWORD).await;

    // An identifier-first sign-in, opened before the failures.
    let c = s.client();
    let si = c
        .post("/v1/client/sign_ins", &[("identifier", e.as_str())])
        .await
        .response()
        .clone();
    let attempt = format!(
        "/v1/client/sign_ins/{}/attempt_first_factor",
        si["id"].as_str().unwrap()
    );

    // Five failures, from different clients and both endpoints: each a plain 422.
    for i in 0..3 {
        s.client()
            .post(
                "/v1/client/sign_ins",
                &[
                    ("identifier", e.as_str()),
                    ("password", &format!("wrong-password-{i}")),
                ],
            )
            .await
            .expect_param_error(422, "form_password_incorrect", "password");
    }
    for i in 3..5 {
        c.post(
            &attempt,
            &[
                ("strategy", "password"),
                ("password", &format!("wrong-password-{i}")),
            ],
        )
        .await
        .expect_param_error(422, "form_password_incorrect", "password");
    }

    // Now even the correct password is refused, with Retry-After, on every path.
    let r = c
        .post(
            &attempt,
            &[("strategy", "password"), ("password", PASSWORD)],
        )
        .await;
    r.expect_error(429, "too_many_requests");
    retry_after(&r);
    let fresh = s.client();
    let r = fresh
        .post(
            "/v1/client/sign_ins",
            &[("identifier", e.as_str()), ("password", PASSWORD)],
        )
        .await;
    r.expect_error(429, "too_many_requests");
    retry_after(&r);
    let r = fresh
        .post(
            "/v1/client/sign_ins",
            &[
                ("identifier", e.to_uppercase().as_str()),
                ("password", PASSWORD),
            ],
        )
        .await;
    r.expect_error(429, "too_many_requests");
    let r = c
        .post(
            &attempt,
            &[("strategy", "password"), ("password", "wrong-again")],
        )
        .await;
    r.expect_error(429, "too_many_requests");
    assert!(
        c.client().await["sessions"]
            .as_array()
            .is_none_or(|a| a.is_empty()),
        "a locked identifier got a session"
    );

    // Another identifier is unaffected.
    s.client().sign_in(&other).await;
}

#[tokio::test]
async fn email_code_attempt_limit() {
    let s = Server::start();
    let e = email("codelimit");
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
    let attempt = format!(
        "/v1/client/sign_ins/{}/attempt_first_factor",
        si["id"].as_str().unwrap()
    );
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..3 {
        c.post(&attempt, &[("strategy", "email_code"), ("code", wrong)])
            .await
            .expect_param_error(422, "form_code_incorrect", "code");
    }
    let ffv = c.client().await["sign_in"]["first_factor_verification"].clone();
    assert_eq!(ffv["attempts"], 3, "three attempts made: {ffv}");
    // The 4th attempt fails even with the right code.
    c.post(
        &attempt,
        &[("strategy", "email_code"), ("code", code.as_str())],
    )
    .await
    .expect_error(422, "verification_failed");
    let ffv = c.client().await["sign_in"]["first_factor_verification"].clone();
    assert_eq!(
        ffv["status"], "failed",
        "the burnt code's verification: {ffv}"
    );
    let client = c.client().await;
    assert_eq!(
        client["sessions"],
        json!([]),
        "the burnt code signed the user in: {client}"
    );

    // A freshly prepared code gets fresh attempts.
    c.post(
        &format!(
            "/v1/client/sign_ins/{}/prepare_first_factor",
            si["id"].as_str().unwrap()
        ),
        &[("strategy", "email_code")],
    )
    .await
    .response();
    let code2 = s.outbox_code(&e).await;
    let r = c
        .post(
            &attempt,
            &[("strategy", "email_code"), ("code", code2.as_str())],
        )
        .await;
    assert_eq!(r.response()["status"], "complete", "{}", r.text);
}

#[tokio::test]
async fn code_failures_count_toward_the_identifier_limit() {
    let s = Server::start();
    let e = email("mixed-limit");
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
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let attempt = format!(
        "/v1/client/sign_ins/{}/attempt_first_factor",
        si["id"].as_str().unwrap()
    );
    for _ in 0..3 {
        c.post(&attempt, &[("strategy", "email_code"), ("code", wrong)])
            .await
            .expect_error(422, "form_code_incorrect");
    }
    for i in 0..2 {
        s.client()
            .post(
                "/v1/client/sign_ins",
                &[
                    ("identifier", e.as_str()),
                    ("password", &format!("nope-nope-{i}")),
                ],
            )
            .await
            .expect_error(422, "form_password_incorrect");
    }
    let r = s
        .client()
        .post(
            "/v1/client/sign_ins",
            &[("identifier", e.as_str()), ("password", PASSWORD)],
        )
        .await;
    r.expect_error(429, "too_many_requests");
    retry_after(&r);
}

#[tokio::test]
async fn unknown_identifier_with_password_still_costs_a_hash() {
    // Documented: with a password given, an unknown identifier still runs one argon2 verification (no user
    // enumeration by timing). Compare medians of interleaved samples; a missing dummy verification is ~20x faster.
    let s = Server::start();
    let users = [email("timing-a"), email("timing-b")];
    for u in &users {
        s.client().sign_up(u, PASSWORD).await;
    }
    let mut known = Vec::new();
    let mut unknown = Vec::new();
    for i in 0..8 {
        let who = &users[i % 2];
        let t = std::time::Instant::now();
        s.client()
            .post(
                "/v1/client/sign_ins",
                &[
                    ("identifier", who.as_str()),
                    ("password", "wrong-password-x"),
                ],
            )
            .await
            .expect_error(422, "form_password_incorrect");
        known.push(t.elapsed());
        let nobody = email("timing-nobody");
        let t = std::time::Instant::now();
        s.client()
            .post(
                "/v1/client/sign_ins",
                &[
                    ("identifier", nobody.as_str()),
                    ("password", "wrong-password-x"),
                ],
            )
            .await
            .expect_error(422, "form_identifier_not_found");
        unknown.push(t.elapsed());
    }
    known.sort();
    unknown.sort();
    let (k, u) = (known[4], unknown[4]);
    assert!(
        u.as_secs_f64() >= 0.4 * k.as_secs_f64(),
        "unknown identifier answered in {u:?} vs {k:?} for a wrong password: no dummy argon2 verification?"
    );
}

#[tokio::test]
async fn email_codes_expire() {
    let s = Server::start_args(&["--code-ttl-secs", "1"]);
    let e = email("codeexp");
    s.client().sign_up(&e, PASSWORD).await;

    // Sign-in code.
    let c = s.client();
    let before = now_ms();
    let si = c
        .post(
            "/v1/client/sign_ins",
            &[("identifier", e.as_str()), ("strategy", "email_code")],
        )
        .await
        .response()
        .clone();
    let expire = si["first_factor_verification"]["expire_at"]
        .as_i64()
        .unwrap_or_else(|| panic!("expire_at: {si}"));
    assert!(
        (expire - before - 1000).abs() < 1500,
        "expire_at should be ~1 s out: {}",
        expire - before
    );
    let code = s.outbox_code(&e).await;
    let sia = si["id"].as_str().unwrap().to_string();
    sleep_until_ms(expire, 250).await;
    c.post(
        &format!("/v1/client/sign_ins/{sia}/attempt_first_factor"),
        &[("strategy", "email_code"), ("code", code.as_str())],
    )
    .await
    .expect_error(422, "verification_expired");
    let client = c.client().await;
    assert!(client["sessions"].as_array().unwrap().is_empty());
    assert_eq!(
        client["sign_in"]["first_factor_verification"]["status"], "expired",
        "{client}"
    );

    // A fresh code (prepared again) works.
    c.post(
        &format!("/v1/client/sign_ins/{sia}/prepare_first_factor"),
        &[("strategy", "email_code")],
    )
    .await
    .response();
    let code2 = s.outbox_code(&e).await;
    let r = c
        .post(
            &format!("/v1/client/sign_ins/{sia}/attempt_first_factor"),
            &[("strategy", "email_code"), ("code", code2.as_str())],
        )
        .await;
    assert_eq!(r.response()["status"], "complete", "{}", r.text);

    // Sign-up verification code.
    s.patch_instance(&[("email_verification_required", "true")])
        .await
        .ok();
    let e2 = email("codeexp-su");
    let u = s.client();
    let su = u
        .post(
            "/v1/client/sign_ups",
            &[("email_address", e2.as_str()), ("password", PASSWORD)],
        )
        .await
        .response()
        .clone();
    assert_eq!(su["status"], "missing_requirements");
    let sua = su["id"].as_str().unwrap();
    u.post(
        &format!("/v1/client/sign_ups/{sua}/prepare_verification"),
        &[("strategy", "email_code")],
    )
    .await
    .response();
    let msg = s.outbox(&e2).await.pop().unwrap();
    let sent = msg["sent_at"].as_i64().unwrap();
    sleep_until_ms(sent + 1000, 300).await;
    u.post(
        &format!("/v1/client/sign_ups/{sua}/attempt_verification"),
        &[
            ("strategy", "email_code"),
            ("code", msg["code"].as_str().unwrap()),
        ],
    )
    .await
    .expect_error(422, "verification_expired");
    assert!(u.client().await["sessions"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn creations_per_client_are_capped() {
    let s = Server::start_args(&["--rate-limit-client", "3"]);
    let e = email("cap-client");
    s.client().sign_up(&e, PASSWORD).await;
    let c = s.client();
    for _ in 0..3 {
        let r = c
            .post("/v1/client/sign_ins", &[("identifier", e.as_str())])
            .await;
        assert_eq!(r.response()["status"], "needs_first_factor", "{}", r.text);
    }
    let r = c
        .post("/v1/client/sign_ins", &[("identifier", e.as_str())])
        .await;
    r.expect_error(429, "too_many_requests");
    retry_after(&r);
    let e2 = email("cap-client-2");
    let r = c
        .post(
            "/v1/client/sign_ups",
            &[("email_address", e2.as_str()), ("password", PASSWORD)],
        )
        .await;
    r.expect_error(429, "too_many_requests");
    retry_after(&r);
    // Another client is not affected.
    s.client().sign_in(&e).await;
}

#[tokio::test]
async fn creations_per_ip_are_capped() {
    let s = Server::start_args(&["--rate-limit-ip", "4", "--rate-limit-client", "100"]);
    let e = email("cap-ip");
    let u = s.client();
    let (_, sid) = u.sign_up_ids(&e).await; // 1
    for _ in 0..3 {
        let r = s
            .client()
            .post("/v1/client/sign_ins", &[("identifier", e.as_str())])
            .await; // 2, 3, 4
        assert_eq!(r.response()["status"], "needs_first_factor", "{}", r.text);
    }
    let r = s
        .client()
        .post(
            "/v1/client/sign_ins",
            &[("identifier", e.as_str()), ("password", PASSWORD)],
        )
        .await;
    r.expect_error(429, "too_many_requests");
    retry_after(&r);
    let e2 = email("cap-ip-2");
    let r = s
        .client()
        .post(
            "/v1/client/sign_ups",
            &[("email_address", e2.as_str()), ("password", PASSWORD)],
        )
        .await;
    r.expect_error(429, "too_many_requests");
    retry_after(&r);
    // Client-supplied forwarding headers do not open a new per-IP budget.
    let e3 = email("cap-ip-3");
    for (h, v) in [
        ("x-forwarded-for", "10.9.8.7"),
        ("x-real-ip", "10.9.8.6"),
        ("forwarded", "for=10.9.8.5"),
    ] {
        let r = s
            .client()
            .send(
                reqwest::Method::POST,
                "/v1/client/sign_ups",
                Body::Form(&[("email_address", e3.as_str()), ("password", PASSWORD)]),
                &[(h, v)],
            )
            .await;
        r.expect_error(429, "too_many_requests");
    }
    // Everything that is not a creation still works.
    s.environment().await;
    u.jwt(&sid).await;
    u.touch(&sid).await.response();
}

#[tokio::test]
async fn code_emails_to_one_address_are_capped() {
    let s = Server::start();
    let e = email("flood");
    s.client().sign_up(&e, PASSWORD).await;
    let c = s.client();
    let si = c
        .post("/v1/client/sign_ins", &[("identifier", e.as_str())])
        .await
        .response()
        .clone();
    let prepare = format!(
        "/v1/client/sign_ins/{}/prepare_first_factor",
        si["id"].as_str().unwrap()
    );
    for _ in 0..10 {
        c.post(&prepare, &[("strategy", "email_code")])
            .await
            .response();
    }
    assert_eq!(s.outbox(&e).await.len(), 10, "ten codes were sent");
    let refused = c.post(&prepare, &[("strategy", "email_code")]).await;
    refused.expect_error(429, "too_many_requests");
    retry_after(&refused);
    assert_eq!(
        s.outbox(&e).await.len(),
        10,
        "the eleventh code was not sent"
    );
}
