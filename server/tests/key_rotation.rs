//! Rotating the JWT signing key (`POST /v1/instance/signing_keys`): new tokens carry the new key, tokens signed
//! before stay verifiable with the JWKS until the replaced key's retention has passed, and the rotation outlives a
//! restart. Runs on SQLite and (inside scripts/with-postgres.sh) on PostgreSQL; several instances are in
//! multi_instance.rs.

mod common;

use common::*;
use reqwest::Method;
use serde_json::Value;

/// The `kid`s a JWKS publishes, in its order.
fn kids(jwks: &Value) -> Vec<String> {
    jwks["keys"]
        .as_array()
        .unwrap_or_else(|| panic!("jwks.keys: {jwks}"))
        .iter()
        .map(|k| k["kid"].as_str().expect("kid").to_string())
        .collect()
}

/// The `kid` in a JWT's header.
fn kid_of(jwt: &str) -> String {
    jwt_parts(jwt).0["kid"].as_str().expect("kid").to_string()
}

async fn whoami(s: &Server, jwt: &str) -> Resp {
    let auth = format!("Bearer {jwt}");
    s.raw(
        Method::GET,
        "/api/whoami",
        &[("authorization", &auth)],
        None,
    )
    .await
}

#[tokio::test]
async fn rotation_keeps_the_previous_key_published_until_its_tokens_expire() {
    // A short retention stands for "the tokens of the replaced key have expired" (60 s by default, plus margin).
    let retention_ms = 4_000;
    let mut s = Server::start_args(&["--signing-key-retention-ms", &retention_ms.to_string()]);
    let c = s.client();
    let (_, sid) = c.sign_up_ids(&email("rotate")).await;
    let before = s.jwks().await;
    assert_eq!(kids(&before).len(), 1, "{before}");
    let old_kid = kids(&before)[0].clone();
    let old_jwt = c.jwt(&sid).await;
    assert_eq!(kid_of(&old_jwt), old_kid);

    // Only the backend API may rotate.
    s.backend_with_key(Method::POST, "/v1/instance/signing_keys", None, None)
        .await
        .expect_error(401, "authentication_invalid");
    assert_eq!(kids(&s.jwks().await), vec![old_kid.clone()]);

    let r = s
        .backend(Method::POST, "/v1/instance/signing_keys", None)
        .await;
    let body = r.ok();
    assert_eq!(body["object"], "signing_key", "{}", r.text);
    let new_kid = body["kid"].as_str().expect("kid").to_string();
    assert_ne!(new_kid, old_kid);
    let rotated_at = now_ms();

    // Both keys published, the new one first; the old token still verifies, with the JWKS and with whoami.
    let during = s.jwks().await;
    assert_eq!(kids(&during), vec![new_kid.clone(), old_kid.clone()]);
    verify_with_jwks(&old_jwt, &during, &s.base).expect("the old token verifies after rotation");
    whoami(&s, &old_jwt).await.ok();

    // New tokens carry the new key.
    let new_jwt = c.jwt(&sid).await;
    assert_eq!(kid_of(&new_jwt), new_kid);
    verify_with_jwks(&new_jwt, &during, &s.base).expect("the new token verifies");
    whoami(&s, &new_jwt).await.ok();

    // After the retention the old key is gone: from the JWKS and for whoami.
    sleep_until_ms(rotated_at + retention_ms, 500).await;
    let after = s.jwks().await;
    assert_eq!(kids(&after), vec![new_kid.clone()]);
    assert!(verify_with_jwks(&old_jwt, &after, &s.base).is_err());
    whoami(&s, &old_jwt)
        .await
        .expect_error(401, "authentication_invalid");
    whoami(&s, &new_jwt).await.ok();

    // The rotation is stored: after a restart the new key still signs and the old one stays gone.
    s.restart(None);
    assert_eq!(kids(&s.jwks().await), vec![new_kid.clone()]);
    let c = s.client();
    let (_, sid) = c.sign_up_ids(&email("rotate-after")).await;
    assert_eq!(kid_of(&c.jwt(&sid).await), new_kid);
}

#[tokio::test]
async fn rotating_twice_publishes_the_last_two_keys_while_retained() {
    let s = Server::start();
    let first = kids(&s.jwks().await);
    let mut rotated = Vec::new();
    for _ in 0..2 {
        let r = s
            .backend(Method::POST, "/v1/instance/signing_keys", None)
            .await;
        rotated.push(r.ok()["kid"].as_str().expect("kid").to_string());
    }
    // With the default retention (longer than a token's life) every replaced key is still published; the newest
    // signs.
    assert_eq!(
        kids(&s.jwks().await),
        vec![rotated[1].clone(), rotated[0].clone(), first[0].clone()]
    );
    let c = s.client();
    let (_, sid) = c.sign_up_ids(&email("rotate-twice")).await;
    assert_eq!(kid_of(&c.jwt(&sid).await), rotated[1]);
}
