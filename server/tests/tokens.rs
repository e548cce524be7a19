//! Session JWTs: JWKS, claims, verification, which sessions get tokens, revocation, expiry, and /api/whoami.

mod common;

use common::*;
use reqwest::Method;
use serde_json::{json, Value};

fn jwks_key(jwks: &Value) -> Value {
    let keys = jwks["keys"]
        .as_array()
        .unwrap_or_else(|| panic!("jwks.keys: {jwks}"));
    assert!(!keys.is_empty(), "empty JWKS");
    keys[0].clone()
}

#[tokio::test]
async fn jwks_and_token_verify_with_documented_claims() {
    let s = Server::start();
    let jwks = s.jwks().await;
    let key = jwks_key(&jwks);
    assert_eq!(key["kty"], "RSA", "{key}");
    let kid = key["kid"]
        .as_str()
        .unwrap_or_else(|| panic!("kid: {key}"))
        .to_string();
    let n = b64url_decode(key["n"].as_str().unwrap_or_else(|| panic!("n: {key}")));
    assert!(
        n.len() >= 256,
        "RSA 2048 modulus expected, got {} bytes",
        n.len()
    );
    assert_eq!(
        b64url_decode(key["e"].as_str().unwrap()),
        vec![1, 0, 1],
        "e should be 65537"
    );
    if let Some(alg) = key.get("alg") {
        assert_eq!(alg, "RS256");
    }
    if let Some(u) = key.get("use") {
        assert_eq!(u, "sig");
    }
    assert!(
        key.get("d").is_none() && key.get("p").is_none(),
        "private key material in JWKS: {key}"
    );
    assert_eq!(
        kid,
        kid_of_modulus(&n),
        "kid must be the first 16 hex chars of SHA-256 of the modulus"
    );

    let e1 = email("tok-a");
    let e2 = email("tok-b");
    s.client().sign_up(&e1, PASSWORD).await;
    s.client().sign_up(&e2, PASSWORD).await;
    let c = s.client();
    let v1 = c.sign_in_password(&e1, PASSWORD).await;
    let sid1 = v1["response"]["created_session_id"]
        .as_str()
        .unwrap()
        .to_string();
    let uid1 = find_session(&v1["client"], &sid1).unwrap()["user"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let v2 = c.sign_in_password(&e2, PASSWORD).await;
    let sid2 = v2["response"]["created_session_id"]
        .as_str()
        .unwrap()
        .to_string();
    let uid2 = find_session(&v2["client"], &sid2).unwrap()["user"]["id"]
        .as_str()
        .unwrap()
        .to_string();

    // The tokens answer is bare: {"object": "token", "jwt": "…"}.
    let r = c.tokens(&sid1).await;
    let body = r.ok();
    assert_eq!(body["object"], "token", "{}", r.text);
    assert!(
        body.get("response").is_none() && body.get("client").is_none(),
        "tokens must not be enveloped: {}",
        r.text
    );
    let jwt = body["jwt"].as_str().unwrap().to_string();

    let (header, _) = jwt_parts(&jwt);
    assert_eq!(header["alg"], "RS256", "{header}");
    assert_eq!(header["kid"], kid.as_str(), "{header}");
    let before = now_secs();
    let claims = verify_with_jwks(&jwt, &jwks, &s.base)
        .unwrap_or_else(|e| panic!("JWT does not verify: {e}"));
    assert_eq!(claims["sub"], uid1.as_str(), "{claims}");
    assert_eq!(claims["sid"], sid1.as_str(), "{claims}");
    assert_eq!(claims["iss"], s.base.as_str(), "{claims}");
    let iat = claims["iat"].as_i64().unwrap();
    let exp = claims["exp"].as_i64().unwrap();
    let nbf = claims["nbf"].as_i64().unwrap();
    assert_eq!(exp - iat, 60, "{claims}");
    assert!((iat - before).abs() <= 5, "iat {iat} is not now ({before})");
    assert!(nbf <= iat, "nbf after iat: {claims}");
    assert!(
        claims.get("azp").is_none() || claims["azp"].is_null(),
        "azp without an Origin: {claims}"
    );

    // The second session's token names the second user.
    let jwt2 = c.jwt(&sid2).await;
    let claims2 = verify_with_jwks(&jwt2, &jwks, &s.base).unwrap();
    assert_eq!(claims2["sub"], uid2.as_str());
    assert_eq!(claims2["sid"], sid2.as_str());

    // azp: the request Origin when allowed (any http://127.0.0.1:* with --dev), never a foreign one.
    c.set_origin(Some(ALLOWED_DEV_ORIGIN));
    let jwt3 = c.jwt(&sid1).await;
    assert_eq!(
        verify_with_jwks(&jwt3, &jwks, &s.base).unwrap()["azp"],
        ALLOWED_DEV_ORIGIN
    );
    c.set_origin(Some(EVIL_ORIGIN));
    let r = c.tokens(&sid1).await;
    if r.status == 200 {
        let claims = verify_with_jwks(r.json["jwt"].as_str().unwrap(), &jwks, &s.base).unwrap();
        assert_ne!(
            claims["azp"], EVIL_ORIGIN,
            "a foreign origin must not become azp"
        );
    } else {
        check_error_shape(&r);
    }

    // whoami accepts the fresh token.
    let r = s
        .raw(
            Method::GET,
            "/api/whoami",
            &[("authorization", &format!("Bearer {jwt}"))],
            None,
        )
        .await;
    assert_eq!(r.ok()["user_id"], uid1.as_str(), "{}", r.text);
    assert_eq!(r.json["session_id"], sid1.as_str(), "{}", r.text);
}

#[tokio::test]
async fn no_tokens_for_inactive_sessions() {
    let s = Server::start();
    let es: Vec<String> = (0..4).map(|i| email(&format!("inact{i}"))).collect();
    for e in &es {
        s.client().sign_up(e, PASSWORD).await;
    }
    let c = s.client();
    let mut sids = Vec::new();
    for e in &es {
        sids.push(c.sign_in(e).await);
    }
    for sid in &sids {
        c.jwt(sid).await;
    }
    c.remove(&sids[0]).await.response();
    c.end(&sids[1]).await.response();
    s.revoke(&sids[2]).await.ok();
    c.tokens(&sids[0])
        .await
        .expect_error(404, "resource_not_found");
    c.tokens(&sids[1])
        .await
        .expect_error(404, "resource_not_found");
    c.tokens(&sids[2])
        .await
        .expect_error(404, "resource_not_found");
    // The last one still works, then not after signing out everything.
    c.jwt(&sids[3]).await;
    c.delete("/v1/client/sessions").await;
    c.tokens(&sids[3])
        .await
        .expect_error(404, "resource_not_found");
}

#[tokio::test]
async fn revocation_takes_effect_on_the_next_request() {
    let s = Server::start();
    let (ea, eb) = (email("rev-a"), email("rev-b"));
    s.client().sign_up(&ea, PASSWORD).await;
    s.client().sign_up(&eb, PASSWORD).await;
    let c = s.client();
    let a = c.sign_in(&ea).await;
    let b = c.sign_in(&eb).await;
    c.jwt(&b).await;

    // Without the secret key nothing happens.
    s.backend_with_key(
        Method::POST,
        &format!("/v1/sessions/{b}/revoke"),
        None,
        None,
    )
    .await
    .expect_error(401, "authentication_invalid");
    c.jwt(&b).await;

    let r = s.revoke(&b).await;
    let v = r.ok();
    assert_eq!(v["id"], b.as_str(), "{}", r.text);
    assert_eq!(v["status"], "revoked", "{}", r.text);
    assert_eq!(v["object"], "session", "{}", r.text);

    c.tokens(&b).await.expect_error(404, "resource_not_found");
    c.touch(&b).await.expect_error(404, "resource_not_found");
    let client = c.client().await;
    check_client(&client);
    assert!(
        find_session(&client, &b).is_none(),
        "revoked session still listed: {client}"
    );
    assert_eq!(
        client["last_active_session_id"],
        a.as_str(),
        "last active must fall back to A: {client}"
    );
    c.jwt(&a).await;

    // Ending a revoked own session returns it unchanged.
    let r = c.end(&b).await;
    assert_eq!(r.response()["status"], "revoked", "{}", r.text);
    // Revoking again keeps it revoked; an unknown id is 404.
    let r = s.revoke(&b).await;
    assert_eq!(r.ok()["status"], "revoked", "{}", r.text);
    s.revoke("sess_doesnotexist")
        .await
        .expect_error(404, "resource_not_found");
}

#[tokio::test]
async fn expired_session_gets_no_token() {
    let s = Server::start_args(&["--session-lifetime-secs", "2"]);
    let e = email("exp");
    let (uid, _) = s.client().sign_up_ids(&e).await;
    let c = s.client();
    let v = c.sign_in_password(&e, PASSWORD).await;
    let sid = v["response"]["created_session_id"]
        .as_str()
        .unwrap()
        .to_string();
    let sess = find_session(&v["client"], &sid).unwrap().clone();
    let created = sess["created_at"].as_i64().unwrap();
    let expire = sess["expire_at"].as_i64().unwrap();
    assert!(
        (expire - created - 2000).abs() < 1000,
        "expire_at should be created_at + 2 s: {sess}"
    );
    c.jwt(&sid).await;

    sleep_until_ms(expire, 250).await;
    c.tokens(&sid).await.expect_error(404, "resource_not_found");
    c.touch(&sid).await.expect_error(404, "resource_not_found");
    let client = c.client().await;
    check_client(&client);
    assert_eq!(
        client["sessions"],
        json!([]),
        "expired session still listed as active"
    );
    assert_eq!(s.backend_session(&uid, &sid).await["status"], "expired");
    // Removing an already inactive own session returns it unchanged.
    let r = c.remove(&sid).await;
    assert_eq!(
        r.response()["status"],
        "expired",
        "remove must not turn an expired session into removed: {}",
        r.text
    );
    assert_eq!(s.backend_session(&uid, &sid).await["status"], "expired");
}

#[tokio::test]
async fn abandoned_session_gets_no_token() {
    let s = Server::start_args(&["--session-inactivity-secs", "2"]);
    let e = email("aband");
    let (uid, _) = s.client().sign_up_ids(&e).await;
    let c = s.client();
    let sid = c.sign_in(&e).await;
    let first = find_session(&c.client().await, &sid).unwrap().clone();
    let abandon1 = first["abandon_at"].as_i64().unwrap();
    assert!(
        (abandon1 - first["last_active_at"].as_i64().unwrap() - 2000).abs() < 1000,
        "{first}"
    );

    // Activity pushes abandon_at forward.
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let touched = c.touch(&sid).await.response().clone();
    let abandon2 = touched["abandon_at"].as_i64().unwrap();
    assert!(
        abandon2 > abandon1,
        "touch must push abandon_at forward: {abandon1} → {abandon2}"
    );

    sleep_until_ms(abandon2, 250).await;
    c.tokens(&sid).await.expect_error(404, "resource_not_found");
    assert_eq!(c.client().await["sessions"], json!([]));
    assert_eq!(s.backend_session(&uid, &sid).await["status"], "abandoned");
}

async fn whoami(s: &Server, auth: Option<&str>) -> Resp {
    let h;
    let headers: Vec<(&str, &str)> = match auth {
        Some(a) => {
            h = a.to_string();
            vec![("authorization", h.as_str())]
        }
        None => vec![],
    };
    s.raw(Method::GET, "/api/whoami", &headers, None).await
}

#[tokio::test]
async fn whoami_rejects_bad_tokens() {
    let s = Server::start();
    let e = email("who");
    let c = s.client();
    let (uid, sid) = c.sign_up_ids(&e).await;
    let jwt = c.jwt(&sid).await;
    let kid = jwks_key(&s.jwks().await)["kid"]
        .as_str()
        .unwrap()
        .to_string();

    // Control: a fresh token is accepted …
    let r = whoami(&s, Some(&format!("Bearer {jwt}"))).await;
    assert_eq!(
        r.ok(),
        &json!({"user_id": uid, "session_id": sid}),
        "{}",
        r.text
    );

    // … and so is a token we sign ourselves with the server's key and sane claims (proves the forgery below is
    // otherwise well-formed, so each rejection is down to the one thing that is wrong).
    let key = server_private_key(&s);
    let now = now_secs();
    let good =
        json!({"iss": s.base, "sub": uid, "sid": sid, "iat": now, "nbf": now - 5, "exp": now + 60});
    let self_signed = sign_rs256(&key, Some(&kid), &good);
    let r = whoami(&s, Some(&format!("Bearer {self_signed}"))).await;
    assert_eq!(
        r.ok()["session_id"],
        sid.as_str(),
        "self-signed control token was rejected: {}",
        r.text
    );

    let mut cases: Vec<(&str, Option<String>)> = vec![
        ("no Authorization header", None),
        ("not a JWT", Some("Bearer not-a-jwt".into())),
        ("no Bearer scheme", Some(jwt.clone())),
        ("empty bearer", Some("Bearer ".into())),
    ];

    // Expired (well past any leeway).
    let mut expired = good.clone();
    expired["iat"] = json!(now - 7200);
    expired["nbf"] = json!(now - 7200);
    expired["exp"] = json!(now - 3600);
    cases.push((
        "expired",
        Some(format!("Bearer {}", sign_rs256(&key, Some(&kid), &expired))),
    ));

    // Not yet valid.
    let mut future = good.clone();
    future["nbf"] = json!(now + 3600);
    future["iat"] = json!(now + 3600);
    future["exp"] = json!(now + 3660);
    cases.push((
        "nbf in the future",
        Some(format!("Bearer {}", sign_rs256(&key, Some(&kid), &future))),
    ));

    // Wrong issuer.
    let mut wrong_iss = good.clone();
    wrong_iss["iss"] = json!("https://evil.example");
    cases.push((
        "wrong iss",
        Some(format!(
            "Bearer {}",
            sign_rs256(&key, Some(&kid), &wrong_iss)
        )),
    ));

    // Tampered: one payload character flipped (signature no longer matches).
    let parts: Vec<&str> = jwt.split('.').collect();
    let mut payload: Vec<char> = parts[1].chars().collect();
    let i = payload.len() / 2;
    payload[i] = if payload[i] == 'A' { 'B' } else { 'A' };
    let tampered = format!(
        "{}.{}.{}",
        parts[0],
        payload.into_iter().collect::<String>(),
        parts[2]
    );
    cases.push(("tampered payload", Some(format!("Bearer {tampered}"))));

    // Tampered in a way that still decodes: a different sub with the original signature.
    let mut claims: Value = serde_json::from_slice(&b64url_decode(parts[1])).unwrap();
    claims["sub"] = json!("user_someoneelse");
    let swapped = format!(
        "{}.{}.{}",
        parts[0],
        b64url_encode(claims.to_string().as_bytes()),
        parts[2]
    );
    cases.push((
        "re-encoded payload, old signature",
        Some(format!("Bearer {swapped}")),
    ));

    // Signed with a different RSA key (same kid).
    let other = rsa::RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap();
    cases.push((
        "wrong key",
        Some(format!("Bearer {}", sign_rs256(&other, Some(&kid), &good))),
    ));

    // alg: none (no signature, and with the old signature kept).
    let none_header = b64url_encode(
        json!({"alg": "none", "typ": "JWT", "kid": kid})
            .to_string()
            .as_bytes(),
    );
    let none_payload = b64url_encode(good.to_string().as_bytes());
    cases.push((
        "alg none",
        Some(format!("Bearer {none_header}.{none_payload}.")),
    ));
    cases.push((
        "alg none with signature",
        Some(format!("Bearer {none_header}.{none_payload}.{}", parts[2])),
    ));

    // HS256 "signed" with the public modulus as the HMAC secret (algorithm confusion).
    let hs = {
        let mut h = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
        h.kid = Some(kid.clone());
        let n = jwks_key(&s.jwks().await)["n"].as_str().unwrap().to_string();
        jsonwebtoken::encode(
            &h,
            &good,
            &jsonwebtoken::EncodingKey::from_secret(n.as_bytes()),
        )
        .unwrap()
    };
    cases.push(("HS256", Some(format!("Bearer {hs}"))));

    for (what, auth) in cases {
        let r = whoami(&s, auth.as_deref()).await;
        assert_eq!(
            r.status, 401,
            "whoami with {what}: expected 401, got {}: {}",
            r.status, r.text
        );
        r.expect_error(401, "authentication_invalid");
    }
}

#[tokio::test]
async fn public_url_is_the_issuer_of_session_tokens() {
    // Instances behind one load balancer share it (docs/server.md, "Running several instances").
    let s = Server::start_args(&["--public-url", "http://auth.clerk.test/"]);
    let c = s.client();
    let (uid, sid) = c.sign_up_ids(&email("public-url")).await;
    let jwt = c.jwt(&sid).await;
    let claims = verify_with_jwks(&jwt, &s.jwks().await, "http://auth.clerk.test")
        .expect("iss is the public URL");
    assert_eq!(claims["sub"], uid.as_str());
    assert!(
        verify_with_jwks(&jwt, &s.jwks().await, &s.base).is_err(),
        "not the listen address"
    );
    let r = s
        .raw(
            reqwest::Method::GET,
            "/api/whoami",
            &[("authorization", &format!("Bearer {jwt}"))],
            None,
        )
        .await;
    assert_eq!(r.ok()["session_id"], sid.as_str(), "{}", r.text);
}
