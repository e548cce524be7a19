//! The bad-input matrix: every malformed request gets the documented Clerk-shaped JSON error, never a 500.

mod common;

use common::*;
use reqwest::Method;
use serde_json::{json, Value};

const FORM: Option<&str> = Some("application/x-www-form-urlencoded");

#[tokio::test]
async fn missing_params() {
    let s = Server::start();
    let e = email("miss");
    s.client().sign_up(&e, PASSWORD).await;
    let c = s.client();
    c.post("/v1/client/sign_ins", &[]).await.expect_param_error(
        422,
        "form_param_missing",
        "identifier",
    );
    c.post("/v1/client/sign_ins", &[("password", PASSWORD)])
        .await
        .expect_param_error(422, "form_param_missing", "identifier");
    let r = c.post("/v1/client/sign_ins", &[("identifier", "")]).await;
    assert_eq!(r.status, 422, "empty identifier: {}", r.text);
    check_error_shape(&r);
    assert!(
        ["form_param_missing", "form_param_format_invalid"]
            .contains(&r.json["errors"][0]["code"].as_str().unwrap()),
        "empty identifier: {}",
        r.text
    );
    c.post("/v1/client/sign_ups", &[("password", PASSWORD)])
        .await
        .expect_param_error(422, "form_param_missing", "email_address");
    let other = email("miss2");
    c.post("/v1/client/sign_ups", &[("email_address", other.as_str())])
        .await
        .expect_param_error(422, "form_param_missing", "password");

    let si = c
        .post("/v1/client/sign_ins", &[("identifier", e.as_str())])
        .await
        .response()
        .clone();
    let sia = si["id"].as_str().unwrap();
    let attempt = format!("/v1/client/sign_ins/{sia}/attempt_first_factor");
    c.post(&attempt, &[])
        .await
        .expect_param_error(422, "form_param_missing", "strategy");
    c.post(&attempt, &[("strategy", "password")])
        .await
        .expect_param_error(422, "form_param_missing", "password");
    c.post(
        &format!("/v1/client/sign_ins/{sia}/prepare_first_factor"),
        &[],
    )
    .await
    .expect_param_error(422, "form_param_missing", "strategy");
    c.post(
        &format!("/v1/client/sign_ins/{sia}/prepare_first_factor"),
        &[("strategy", "email_code")],
    )
    .await
    .response();
    c.post(&attempt, &[("strategy", "email_code")])
        .await
        .expect_param_error(422, "form_param_missing", "code");

    // Backend: /v1/sessions without user_id; PATCH /v1/instance without any param.
    s.backend(Method::GET, "/v1/sessions", None)
        .await
        .expect_param_error(422, "form_param_missing", "user_id");
    let r = s.patch_instance(&[]).await;
    assert_eq!(
        r.status, 422,
        "PATCH /v1/instance without params: {}",
        r.text
    );
    check_error_shape(&r);

    // The sign-in still completes after all that.
    let r = c
        .post(
            &attempt,
            &[("strategy", "password"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.response()["status"], "complete", "{}", r.text);
}

#[tokio::test]
async fn unknown_params_are_ignored() {
    let s = Server::start();
    let e = email("unk");
    let c = s.client();
    let r = c
        .post(
            "/v1/client/sign_ups",
            &[
                ("email_address", e.as_str()),
                ("password", PASSWORD),
                ("favourite_colour", "green"),
                ("locale", "x"),
            ],
        )
        .await;
    assert_eq!(r.response()["status"], "complete", "{}", r.text);
    let c2 = s.client();
    let r = c2
        .post(
            "/v1/client/sign_ins",
            &[
                ("identifier", e.as_str()),
                ("password", PASSWORD),
                ("unsafe_metadata", "{}"),
            ],
        )
        .await;
    assert_eq!(r.response()["status"], "complete", "{}", r.text);
    let r = c2.get("/v1/environment?foo=bar").await;
    r.ok();
}

#[tokio::test]
async fn malformed_values() {
    let s = Server::start();
    let c = s.client();
    let long = |n: usize| "x".repeat(n);

    // Email shape.
    for bad in ["no-at-sign", "@example.com", "user@", "a@b@example.com"] {
        c.post(
            "/v1/client/sign_ups",
            &[("email_address", bad), ("password", PASSWORD)],
        )
        .await
        .expect_param_error(422, "form_param_format_invalid", "email_address");
    }
    let e255 = format!("{}@example.com", long(255 - "@example.com".len()));
    assert_eq!(e255.len(), 255);
    c.post(
        "/v1/client/sign_ups",
        &[("email_address", e255.as_str()), ("password", PASSWORD)],
    )
    .await
    .expect_param_error(422, "form_param_format_invalid", "email_address");

    // Password length: 7 too short, 257 too long; 8 and 256 are fine.
    let e = email("pw");
    c.post(
        "/v1/client/sign_ups",
        &[("email_address", e.as_str()), ("password", "1234567")],
    )
    .await
    .expect_param_error(422, "form_password_length_too_short", "password");
    let p257 = long(257);
    c.post(
        "/v1/client/sign_ups",
        &[("email_address", e.as_str()), ("password", p257.as_str())],
    )
    .await
    .expect_param_error(422, "form_param_format_invalid", "password");
    s.client().sign_up(&e, "12345678").await;
    let p256 = long(256);
    let e2 = email("pw256");
    s.client().sign_up(&e2, &p256).await;
    s.client().sign_in_password(&e2, &p256).await;

    // Names: ≤ 256 chars.
    let e3 = email("names");
    let n257 = long(257);
    c.post(
        "/v1/client/sign_ups",
        &[
            ("email_address", e3.as_str()),
            ("password", PASSWORD),
            ("first_name", n257.as_str()),
        ],
    )
    .await
    .expect_param_error(422, "form_param_format_invalid", "first_name");
    c.post(
        "/v1/client/sign_ups",
        &[
            ("email_address", e3.as_str()),
            ("password", PASSWORD),
            ("last_name", n257.as_str()),
        ],
    )
    .await
    .expect_param_error(422, "form_param_format_invalid", "last_name");
    let n256 = long(256);
    let v = s.client().sign_up_full(&e3, PASSWORD, &n256, "L").await;
    assert_eq!(
        v["client"]["sessions"][0]["user"]["first_name"],
        n256.as_str()
    );

    // Identifier length: 10,000 chars and 255 chars → format invalid.
    let huge = format!("{}@example.com", long(10_000));
    c.post("/v1/client/sign_ins", &[("identifier", huge.as_str())])
        .await
        .expect_param_error(422, "form_param_format_invalid", "identifier");
    c.post(
        "/v1/client/sign_ins",
        &[("identifier", huge.as_str()), ("password", PASSWORD)],
    )
    .await
    .expect_param_error(422, "form_param_format_invalid", "identifier");
    c.post("/v1/client/sign_ins", &[("identifier", e255.as_str())])
        .await
        .expect_param_error(422, "form_param_format_invalid", "identifier");

    // Wrong "types": non-boolean flags, numeric strategy.
    s.patch_instance(&[("single_session_mode", "maybe")])
        .await
        .expect_param_error(422, "form_param_format_invalid", "single_session_mode");
    s.patch_instance(&[("email_verification_required", "2")])
        .await
        .expect_param_error(
            422,
            "form_param_format_invalid",
            "email_verification_required",
        );
    assert_eq!(
        s.environment().await["auth_config"]["single_session_mode"],
        false,
        "a rejected PATCH changed state"
    );
    c.post(
        "/v1/client/sign_ins",
        &[("identifier", e.as_str()), ("strategy", "1")],
    )
    .await
    .expect_param_error(422, "form_param_format_invalid", "strategy");
}

#[tokio::test]
async fn unknown_strategies() {
    let s = Server::start();
    let e = email("strat");
    s.client().sign_up(&e, PASSWORD).await;
    let c = s.client();
    for strat in ["oauth_google", "phone_code", "PASSWORD", "password "] {
        c.post(
            "/v1/client/sign_ins",
            &[("identifier", e.as_str()), ("strategy", strat)],
        )
        .await
        .expect_param_error(422, "form_param_format_invalid", "strategy");
    }
    let si = c
        .post("/v1/client/sign_ins", &[("identifier", e.as_str())])
        .await
        .response()
        .clone();
    let sia = si["id"].as_str().unwrap();
    c.post(
        &format!("/v1/client/sign_ins/{sia}/attempt_first_factor"),
        &[("strategy", "totp"), ("code", "123456")],
    )
    .await
    .expect_param_error(422, "form_param_format_invalid", "strategy");
    c.post(
        &format!("/v1/client/sign_ins/{sia}/prepare_first_factor"),
        &[("strategy", "phone_code")],
    )
    .await
    .expect_param_error(422, "form_param_format_invalid", "strategy");
}

#[tokio::test]
async fn body_size_limit() {
    let s = Server::start();
    let e = email("big");
    s.client().sign_up(&e, PASSWORD).await;
    let c = s.client();

    // 17 KB → 413 request_body_too_large.
    let pad = "a".repeat(17 * 1024);
    let body = format!("identifier={e}&padding={pad}");
    c.raw(Method::POST, "/v1/client/sign_ins", FORM, body.into_bytes())
        .await
        .expect_error(413, "request_body_too_large");
    let big_name = "b".repeat(17 * 1024);
    c.post(
        "/v1/client/sign_ups",
        &[
            ("email_address", "x@example.com"),
            ("password", PASSWORD),
            ("first_name", &big_name),
        ],
    )
    .await
    .expect_error(413, "request_body_too_large");

    // Exactly 16 KiB is still accepted (unknown params are ignored).
    let head = format!("identifier={e}&password={PASSWORD}&padding=");
    let body = format!("{head}{}", "a".repeat(16 * 1024 - head.len()));
    assert_eq!(body.len(), 16 * 1024);
    let r = c
        .raw(Method::POST, "/v1/client/sign_ins", FORM, body.into_bytes())
        .await;
    assert_eq!(
        r.response()["status"],
        "complete",
        "a 16 KiB body must be accepted: {}",
        r.text
    );
}

#[tokio::test]
async fn undecodable_bodies() {
    let s = Server::start();
    let c = s.client();
    // Raw invalid UTF-8.
    let mut body = b"identifier=".to_vec();
    body.extend_from_slice(&[0xff, 0xfe, 0xfd, 0x80]);
    body.extend_from_slice(b"@example.com");
    c.raw(Method::POST, "/v1/client/sign_ins", FORM, body)
        .await
        .expect_error(422, "form_param_format_invalid");
    // Percent-encoded invalid UTF-8.
    c.raw(
        Method::POST,
        "/v1/client/sign_ins",
        FORM,
        b"identifier=%FF%FE@example.com".to_vec(),
    )
    .await
    .expect_error(422, "form_param_format_invalid");
    c.raw(
        Method::POST,
        "/v1/client/sign_ups",
        FORM,
        b"email_address=a%C3@example.com&password=12345678".to_vec(),
    )
    .await
    .expect_error(422, "form_param_format_invalid");
    // Wrong content types.
    let e = email("ct");
    let json_body = json!({"email_address": e, "password": PASSWORD})
        .to_string()
        .into_bytes();
    c.raw(
        Method::POST,
        "/v1/client/sign_ups",
        Some("application/json"),
        json_body,
    )
    .await
    .expect_error(422, "form_param_format_invalid");
    c.raw(
        Method::POST,
        "/v1/client/sign_ins",
        Some("text/plain"),
        format!("identifier={e}").into_bytes(),
    )
    .await
    .expect_error(422, "form_param_format_invalid");
    c.raw(
        Method::POST,
        "/v1/client/sign_ins",
        Some("multipart/form-data; boundary=x"),
        b"--x--".to_vec(),
    )
    .await
    .expect_error(422, "form_param_format_invalid");
    // The JSON sign-up did not create anybody.
    assert!(
        s.users().await.is_empty(),
        "a rejected request created a user"
    );
    // An empty body without a content type is fine.
    let r = c.raw(Method::POST, "/v1/client", None, Vec::new()).await;
    check_client(r.response());
}

#[tokio::test]
async fn method_override() {
    let s = Server::start();
    let c = s.client();
    c.create_client().await;
    for path in [
        "/v1/client/sign_ins?_method=FOO",
        "/v1/client/sessions?_method=GET",
        "/v1/client?_method=POST",
    ] {
        c.post(path, &[("identifier", "x@example.com")])
            .await
            .expect_param_error(422, "form_param_format_invalid", "_method");
    }
    c.post("/v1/client/sessions", &[("_method", "TRACE")])
        .await
        .expect_param_error(422, "form_param_format_invalid", "_method");
    // Valid overrides in any case.
    let r = c
        .post("/v1/client/sessions", &[("_method", "Delete")])
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = c.post("/v1/client?_method=put", &[]).await;
    check_client(r.response());
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_json() {
    let s = Server::start();
    let c = s.client();
    for (m, path) in [
        (Method::GET, "/v1/nope"),
        (Method::POST, "/v1/client/nope"),
        (Method::POST, "/v1/client/sessions/sess_x/bogus"),
        (Method::GET, "/api/nope"),
        (Method::GET, "/no-such-file.txt"),
        (Method::GET, "/pkg/missing.wasm"),
    ] {
        let r = c.send(m.clone(), path, Body::None, &[]).await;
        r.expect_error(404, "resource_not_found");
    }
    for (m, path) in [
        (Method::GET, "/v1/client/sign_ins"),
        (Method::DELETE, "/v1/environment"),
        (Method::POST, "/v1/environment"),
        (Method::GET, "/v1/client/sessions/sess_x/touch"),
        (Method::DELETE, "/.well-known/jwks.json"),
    ] {
        let r = c.send(m.clone(), path, Body::None, &[]).await;
        r.expect_error(405, "method_not_allowed");
    }
    // Unknown ids of every kind.
    c.create_client().await;
    c.post(
        "/v1/client/sign_ins/sia_nope/attempt_first_factor",
        &[("strategy", "password"), ("password", "x")],
    )
    .await
    .expect_error(404, "resource_not_found");
    c.post(
        "/v1/client/sign_ins/sia_nope/prepare_first_factor",
        &[("strategy", "email_code")],
    )
    .await
    .expect_error(404, "resource_not_found");
    c.post(
        "/v1/client/sign_ups/sua_nope/prepare_verification",
        &[("strategy", "email_code")],
    )
    .await
    .expect_error(404, "resource_not_found");
    c.post(
        "/v1/client/sign_ups/sua_nope/attempt_verification",
        &[("code", "123456")],
    )
    .await
    .expect_error(404, "resource_not_found");
}

#[tokio::test]
async fn sql_metacharacters_are_inert() {
    let s = Server::start();
    let nasty_email = "o'brien\";drop-table--users@example.com";
    let first = "Robert'); DROP TABLE users;--";
    let last = "\" OR 1=1; SELECT * FROM sessions; -- %_\\";
    let c = s.client();
    let r = c
        .post(
            "/v1/client/sign_ups",
            &[
                ("email_address", nasty_email),
                ("password", PASSWORD),
                ("first_name", first),
                ("last_name", last),
            ],
        )
        .await;
    if r.status == 200 {
        // Stored and returned literally.
        let user = &r.json["client"]["sessions"][0]["user"];
        assert_eq!(user["first_name"], first);
        assert_eq!(user["last_name"], last);
        assert_eq!(user["email_addresses"][0]["email_address"], nasty_email);
        let c2 = s.client();
        let v = c2.sign_in_password(nasty_email, PASSWORD).await;
        let sid = v["response"]["created_session_id"].as_str().unwrap();
        assert_eq!(
            find_session(&v["client"], sid).unwrap()["user"]["last_name"],
            last
        );
    } else {
        r.expect_error(422, "form_param_format_invalid");
    }
    // Names alone are certainly valid.
    let e = email("sqlnames");
    let v = s.client().sign_up_full(&e, PASSWORD, first, last).await;
    let user = &v["client"]["sessions"][0]["user"];
    assert_eq!(user["first_name"], first);
    assert_eq!(user["last_name"], last);
    assert_eq!(
        v["client"]["sessions"][0]["public_user_data"]["last_name"],
        last
    );

    // Wildcards and injection in identifiers match nobody.
    for ident in [
        "' OR '1'='1",
        "' OR 1=1 --@example.com",
        "%",
        "%@example.com",
        "_%@%",
        "*",
        "sqlnames%",
    ] {
        let r = s
            .client()
            .post(
                "/v1/client/sign_ins",
                &[("identifier", ident), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(r.status, 422, "identifier {ident:?}: {}", r.text);
        check_error_shape(&r);
        let code = r.json["errors"][0]["code"].as_str().unwrap();
        assert!(
            code == "form_identifier_not_found" || code == "form_param_format_invalid",
            "identifier {ident:?}: unexpected {code}"
        );
    }
    // NUL bytes: stored literally or rejected cleanly.
    let e2 = email("nul");
    let r = s
        .client()
        .post(
            "/v1/client/sign_ups",
            &[
                ("email_address", e2.as_str()),
                ("password", PASSWORD),
                ("first_name", "a\0b"),
            ],
        )
        .await;
    if r.status == 200 {
        assert_eq!(
            r.json["client"]["sessions"][0]["user"]["first_name"],
            "a\0b"
        );
    } else {
        r.expect_error(422, "form_param_format_invalid");
    }
    // Non-ASCII survives.
    let e3 = email("utf8");
    let v = s
        .client()
        .sign_up_full(&e3, PASSWORD, "Zoë 🚀", "Ñandú")
        .await;
    assert_eq!(v["client"]["sessions"][0]["user"]["first_name"], "Zoë 🚀");

    // The database still works, and holds everyone.
    let e4 = email("after");
    s.client().sign_up(&e4, PASSWORD).await;
    s.client().sign_in(&e).await;
    let users = s.users().await;
    let emails: Vec<&Value> = users
        .iter()
        .map(|u| &u["email_addresses"][0]["email_address"])
        .collect();
    for want in [&e, &e3, &e4] {
        assert!(
            emails.iter().any(|x| *x == want.as_str()),
            "{want} missing from {emails:?}"
        );
    }
}

#[tokio::test]
async fn garbage_client_tokens_act_as_new_clients() {
    let s = Server::start();
    let e = email("garb");
    s.client().sign_up(&e, PASSWORD).await;
    let long = "z".repeat(4000);
    for tok in [
        ".",
        "client_.",
        "client_x.",
        "..",
        "client_abc.def.ghi",
        "Bearer abc",
        long.as_str(),
        "client_'; DROP TABLE clients;--.x",
    ] {
        let c = s.client();
        c.set_token(Some(tok.to_string()));
        let r = c.get("/v1/client").await;
        assert!(r.ok()["response"].is_null(), "token {tok:?}: {}", r.text);
        c.set_token(Some(tok.to_string()));
        let r = c
            .post(
                "/v1/client/sign_ins",
                &[("identifier", e.as_str()), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(
            r.response()["status"],
            "complete",
            "token {tok:?}: {}",
            r.text
        );
        let new_token = c.token().unwrap();
        assert_ne!(new_token, tok, "a fresh client must get a fresh token");
        assert_eq!(c.client().await["sessions"].as_array().unwrap().len(), 1);
    }
}

#[tokio::test]
async fn form_edge_cases() {
    let s = Server::start();
    let e = email("edge");
    s.client().sign_up(&e, PASSWORD).await;
    let c = s.client();

    // A charset parameter on the form content type is fine (browsers send it).
    let body =
        serde_urlencoded::to_string([("identifier", e.as_str()), ("password", PASSWORD)]).unwrap();
    let r = c
        .raw(
            Method::POST,
            "/v1/client/sign_ins",
            Some("application/x-www-form-urlencoded; charset=UTF-8"),
            body.into_bytes(),
        )
        .await;
    assert_eq!(r.response()["status"], "complete", "{}", r.text);

    // Duplicate params: answered cleanly either way.
    let r = s
        .client()
        .raw(
            Method::POST,
            "/v1/client/sign_ins",
            FORM,
            format!("identifier={e}&identifier=other@example.com").into_bytes(),
        )
        .await;
    if r.status != 200 {
        assert_eq!(r.status, 422, "{}", r.text);
        check_error_shape(&r);
    }

    // Lengths are in characters: 7 two-byte characters are too short, 256 of them are fine.
    let e2 = email("chars");
    s.client()
        .post(
            "/v1/client/sign_ups",
            &[("email_address", e2.as_str()), ("password", "ééééééé")],
        )
        .await
        .expect_param_error(422, "form_password_length_too_short", "password");
    let p256 = "é".repeat(256);
    let n256 = "ß".repeat(256);
    let v = s.client().sign_up_full(&e2, &p256, &n256, "x").await;
    assert_eq!(
        v["client"]["sessions"][0]["user"]["first_name"],
        n256.as_str()
    );
    s.client().sign_in_password(&e2, &p256).await;

    // An identifier of exactly 254 characters is well-formed (merely unknown).
    let id254 = format!("{}@example.com", "y".repeat(254 - "@example.com".len()));
    assert_eq!(id254.len(), 254);
    s.client()
        .post("/v1/client/sign_ins", &[("identifier", id254.as_str())])
        .await
        .expect_param_error(422, "form_identifier_not_found", "identifier");

    // Bodiless POSTs need no content type.
    let sid = c.client().await["last_active_session_id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = c
        .raw(
            Method::POST,
            &format!("/v1/client/sessions/{sid}/tokens"),
            None,
            Vec::new(),
        )
        .await;
    assert_eq!(r.ok()["object"], "token", "{}", r.text);
    let r = c
        .raw(
            Method::POST,
            &format!("/v1/client/sessions/{sid}/touch"),
            None,
            Vec::new(),
        )
        .await;
    assert_eq!(r.response()["id"], sid.as_str(), "{}", r.text);

    // Odd ids in paths.
    for id in ["%27%20OR%201=1", "sess_%00", "..", "%2e%2e", "sess_x%2Fy"] {
        let r = c
            .post(&format!("/v1/client/sessions/{id}/touch"), &[])
            .await;
        assert!(
            r.status == 404 || r.status == 400,
            "session id {id:?}: {} {}",
            r.status,
            r.text
        );
        check_error_shape(&r);
    }
}

#[tokio::test]
async fn raw_protocol_oddities() {
    let s = Server::start();
    let host = s.host_port().to_string();
    // Non-UTF-8 bytes in the Authorization header: a new, empty client, not a crash.
    let mut req = format!("GET /v1/client?_is_native=1 HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nAuthorization: client_x.").into_bytes();
    req.extend_from_slice(&[0xff, 0xfe, 0x80]);
    req.extend_from_slice(b"\r\n\r\n");
    let (status, body) = s.raw_tcp(&req).await;
    assert!(
        status == 200 || status == 400,
        "non-UTF-8 Authorization: status {status}: {}",
        String::from_utf8_lossy(&body)
    );
    // Malformed percent-encoding in the query string.
    let (status, body) = s.raw_get_path("/v1/environment?_is_native=1&x=%ZZ%").await;
    assert!(
        status == 200 || status == 400 || status == 422,
        "bad query: {status}: {}",
        String::from_utf8_lossy(&body)
    );
    // The server is still fine.
    s.environment().await;
}

/// Status and parsed JSON body of a raw HTTP/1.1 response.
fn parse_raw(raw: &[u8]) -> (u16, Value) {
    let text = String::from_utf8_lossy(raw);
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

#[tokio::test]
async fn declared_oversize_body_is_refused_up_front() {
    // Content-Length announces 100,000 bytes (over 16 KiB) but only a few arrive: the size is known from the header,
    // so the answer is 413 right away, not a wait for the body (which ends in the request timeout).
    let s = Server::start_args(&["--request-timeout-secs", "2"]);
    let host = s.host_port().to_string();
    let req = format!("POST /v1/client/sign_ins?_is_native=1 HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\nConnection: close\r\n\r\nidentifier=a");
    let (_, raw) = s.raw_tcp(req.as_bytes()).await;
    let (status, body) = parse_raw(&raw);
    assert_eq!(
        status,
        413,
        "an announced body over 16 KiB must get 413: {}",
        String::from_utf8_lossy(&raw)
    );
    assert_eq!(body["errors"][0]["code"], "request_body_too_large");
}

#[tokio::test]
async fn stalled_request_times_out_with_503() {
    let s = Server::start_args(&["--request-timeout-secs", "1"]);
    let host = s.host_port().to_string();
    let req = format!("POST /v1/client/sign_ins?_is_native=1 HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 50\r\nConnection: close\r\n\r\nidentifier=a");
    let t = std::time::Instant::now();
    let (_, raw) = s.raw_tcp(req.as_bytes()).await;
    let took = t.elapsed();
    let (status, body) = parse_raw(&raw);
    assert_eq!(status, 503, "{}", String::from_utf8_lossy(&raw));
    assert_eq!(body["errors"][0]["code"], "request_timeout", "{body}");
    assert!(body.get("clerk_trace_id").is_some());
    let text = String::from_utf8_lossy(&raw).to_lowercase();
    assert!(text.contains("content-type: application/json"), "{text}");
    assert!(
        took >= std::time::Duration::from_millis(900) && took < std::time::Duration::from_secs(10),
        "timed out after {took:?}"
    );
    s.environment().await;
}
