//! Static files (CSP, content types), security headers, CORS.

mod common;

use common::*;
use reqwest::Method;

#[tokio::test]
async fn static_index_with_strict_csp() {
    let s = Server::start();
    for path in ["/", "/index.html"] {
        let r = s.get(path).await;
        assert_eq!(r.status, 200, "GET {path}: {}", r.text);
        assert_eq!(r.text, INDEX_HTML, "GET {path} must serve www/index.html");
        assert!(
            r.content_type().starts_with("text/html"),
            "GET {path}: content-type {:?}",
            r.content_type()
        );
        assert_eq!(
            r.header("content-security-policy").as_deref(),
            Some(CSP),
            "GET {path}: CSP"
        );
        assert_eq!(
            r.header("x-content-type-options").as_deref(),
            Some("nosniff"),
            "GET {path}"
        );
    }
    std::fs::write(s.root().join("www/other.html"), "<p>other</p>").unwrap();
    let r = s.get("/other.html").await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("content-security-policy").as_deref(),
        Some(CSP),
        "every HTML answer carries the CSP"
    );
    let r = s.get("/app.js").await;
    assert_eq!(r.status, 200);
    assert!(r.text.contains("integration-js-marker"));
    assert!(
        r.content_type().contains("javascript"),
        "app.js content-type {:?}",
        r.content_type()
    );
    assert_eq!(
        r.header("x-content-type-options").as_deref(),
        Some("nosniff")
    );
}

#[tokio::test]
async fn pkg_wasm_is_application_wasm() {
    let s = Server::start();
    let r = s.get("/pkg/x.wasm").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body, WASM_BYTES);
    assert_eq!(r.content_type(), "application/wasm");
    assert_eq!(
        r.header("x-content-type-options").as_deref(),
        Some("nosniff")
    );
    // Path traversal out of the pkg / static dirs is not served (sent verbatim, without client-side normalisation).
    for path in [
        "/pkg/../test.db",
        "/pkg/%2e%2e/test.db",
        "/../test.db",
        "/pkg/..%2ftest.db",
        "/%2e%2e/data/jwt_rsa.pem",
    ] {
        let (status, body) = s.raw_get_path(path).await;
        assert_ne!(status, 200, "{path} was served");
        assert!(status != 0 && status != 500, "{path}: status {status}");
        let text = String::from_utf8_lossy(&body);
        assert!(
            !text.contains("SQLite format") && !text.contains("PRIVATE KEY"),
            "{path} leaked a file"
        );
    }
}

#[tokio::test]
async fn every_answer_has_nosniff_and_errors_are_json() {
    let s = Server::start();
    let c = s.client();
    let ok = c.get("/v1/environment").await;
    let err = c.get("/v1/nope").await;
    let backend = s
        .backend_with_key(Method::GET, "/v1/users", None, None)
        .await;
    let jwks = s.get("/.well-known/jwks.json").await;
    let too_large = c
        .raw(
            Method::POST,
            "/v1/client/sign_ins",
            Some("application/x-www-form-urlencoded"),
            vec![b'a'; 20_000],
        )
        .await;
    let not_allowed = c
        .send(Method::DELETE, "/v1/environment", Body::None, &[])
        .await;
    let static_404 = s.get("/missing.html").await;
    for r in [
        &ok,
        &err,
        &backend,
        &jwks,
        &too_large,
        &not_allowed,
        &static_404,
    ] {
        assert_eq!(
            r.header("x-content-type-options").as_deref(),
            Some("nosniff"),
            "{}",
            r.desc
        );
    }
    assert!(ok.content_type().starts_with("application/json"));
    assert!(
        jwks.content_type().starts_with("application/json")
            || jwks.content_type().starts_with("application/jwk-set+json")
    );
    err.expect_error(404, "resource_not_found");
    backend.expect_error(401, "authentication_invalid");
    too_large.expect_error(413, "request_body_too_large");
    not_allowed.expect_error(405, "method_not_allowed");
    static_404.expect_error(404, "resource_not_found");
}

async fn preflight(s: &Server, origin: &str) -> Resp {
    s.raw(
        Method::OPTIONS,
        "/v1/client/sign_ins?_is_native=1",
        &[
            ("origin", origin),
            ("access-control-request-method", "POST"),
            (
                "access-control-request-headers",
                "authorization,content-type",
            ),
        ],
        None,
    )
    .await
}

fn header_list_contains(r: &Resp, header: &str, item: &str) -> bool {
    r.header(header)
        .map(|v| {
            v.split(',')
                .any(|x| x.trim().eq_ignore_ascii_case(item) || x.trim() == "*")
        })
        .unwrap_or(false)
}

#[tokio::test]
async fn cors_for_allowed_origins() {
    let s = Server::start();
    for origin in [
        ALLOWED_DEV_ORIGIN,
        "http://localhost:3000",
        "http://127.0.0.1:8080",
    ] {
        let r = preflight(&s, origin).await;
        assert!(
            r.status == 200 || r.status == 204,
            "preflight from {origin}: {} {}",
            r.status,
            r.text
        );
        assert_eq!(
            r.header("access-control-allow-origin").as_deref(),
            Some(origin),
            "preflight from {origin}"
        );
        assert!(
            header_list_contains(&r, "access-control-allow-methods", "POST"),
            "allow-methods: {:?}",
            r.headers
        );
        assert!(
            header_list_contains(&r, "access-control-allow-headers", "authorization"),
            "allow-headers: {:?}",
            r.headers
        );
        assert!(
            header_list_contains(&r, "access-control-allow-headers", "content-type"),
            "allow-headers: {:?}",
            r.headers
        );
    }

    // The actual response exposes Authorization so the SDK can read the client token.
    let c = s.client();
    c.set_origin(Some(ALLOWED_DEV_ORIGIN));
    let r = c.post("/v1/client", &[]).await;
    r.response();
    assert_eq!(
        r.header("access-control-allow-origin").as_deref(),
        Some(ALLOWED_DEV_ORIGIN)
    );
    let expose = r
        .header("access-control-expose-headers")
        .unwrap_or_default();
    assert!(
        expose
            .split(',')
            .any(|h| h.trim().eq_ignore_ascii_case("authorization")),
        "Access-Control-Expose-Headers must include authorization: {expose:?}"
    );
    assert!(r.header("authorization").is_some());
    // Errors carry CORS headers as well, so the SDK can read them.
    let r = c.post("/v1/client/sign_ins", &[]).await;
    r.expect_error(422, "form_param_missing");
    assert_eq!(
        r.header("access-control-allow-origin").as_deref(),
        Some(ALLOWED_DEV_ORIGIN),
        "CORS on an error answer"
    );
}

#[tokio::test]
async fn cors_refuses_foreign_origins() {
    let s = Server::start();
    for origin in [
        EVIL_ORIGIN,
        "http://127.0.0.1.evil.example:5555",
        "https://127.0.0.1:5555",
        "null",
    ] {
        let r = preflight(&s, origin).await;
        assert_ne!(r.status, 500);
        let acao = r.header("access-control-allow-origin");
        assert!(
            acao.is_none(),
            "preflight from {origin} got Access-Control-Allow-Origin {acao:?}"
        );
        let c = s.client();
        c.set_origin(Some(origin));
        let r = c.get("/v1/environment").await;
        let acao = r.header("access-control-allow-origin");
        assert!(
            acao.is_none(),
            "GET from {origin} got Access-Control-Allow-Origin {acao:?}"
        );
    }
}

#[tokio::test]
async fn cors_without_dev_uses_only_configured_origins() {
    let s = Server::start_with(Opts::new().no_dev().args(&[
        "--allowed-origin",
        "https://app.example.com",
        "--allowed-origin",
        "https://admin.example.com",
    ]));
    for origin in ["https://app.example.com", "https://admin.example.com"] {
        let r = preflight(&s, origin).await;
        assert_eq!(
            r.header("access-control-allow-origin").as_deref(),
            Some(origin),
            "--allowed-origin is repeatable"
        );
    }
    let r = preflight(&s, ALLOWED_DEV_ORIGIN).await;
    assert!(
        r.header("access-control-allow-origin").is_none(),
        "dev origins must not be allowed without --dev"
    );
    // Without --dev there is no outbox, and the secret key is not printed.
    let r = s.get("/dev/outbox?email=a@example.com").await;
    assert_eq!(r.status, 404, "outbox without --dev: {}", r.text);
    check_error_shape(&r);
    s.environment().await;
    let lines = s.stdout_lines();
    assert_eq!(
        lines.len(),
        1,
        "without --dev only the listening line is printed: {lines:?}"
    );
    assert!(!lines[0].contains(SECRET));
}

#[tokio::test]
async fn allowed_origins_from_the_environment() {
    let s = Server::start_with(Opts::new().no_dev().env(
        "CLERK_ALLOWED_ORIGINS",
        "https://one.example.com,https://two.example.com",
    ));
    for origin in ["https://one.example.com", "https://two.example.com"] {
        let r = preflight(&s, origin).await;
        assert_eq!(
            r.header("access-control-allow-origin").as_deref(),
            Some(origin),
            "CLERK_ALLOWED_ORIGINS"
        );
    }
    let r = preflight(&s, EVIL_ORIGIN).await;
    assert!(r.header("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn preflight_answers_carry_nosniff_too() {
    // docs/server.md: "every answer `X-Content-Type-Options: nosniff`" — CORS preflights included.
    let s = Server::start();
    let r = preflight(&s, ALLOWED_DEV_ORIGIN).await;
    assert!(r.status == 200 || r.status == 204, "{}", r.status);
    assert_eq!(
        r.header("x-content-type-options").as_deref(),
        Some("nosniff"),
        "preflight answer lacks nosniff"
    );
}

/// The `app` duration of a `Server-Timing` header, in milliseconds.
fn server_timing_ms(r: &Resp) -> f64 {
    let header = r
        .header("server-timing")
        .unwrap_or_else(|| panic!("{}: no Server-Timing header", r.desc));
    let dur = header
        .strip_prefix("app;dur=")
        .unwrap_or_else(|| panic!("{}: Server-Timing {header:?} is not app;dur=…", r.desc));
    let ms: f64 = dur
        .parse()
        .unwrap_or_else(|_| panic!("{}: Server-Timing duration {dur:?}", r.desc));
    assert!(ms.is_finite() && ms >= 0.0, "{}: {ms}", r.desc);
    ms
}

#[tokio::test]
async fn every_answer_reports_the_server_time() {
    let s = Server::start();
    server_timing_ms(&s.get("/v1/environment?_is_native=1").await);
    server_timing_ms(&s.get("/v1/nope").await);
    server_timing_ms(&s.get("/").await);
    let address = email("timing");
    s.client().sign_up(&address, PASSWORD).await;
    // A password check (argon2id with 19 MiB) cannot take under a millisecond: the header times the handler's work.
    let fresh = s.client();
    let r = fresh
        .post(
            "/v1/client/sign_ins",
            &[("identifier", &address), ("password", PASSWORD)],
        )
        .await;
    r.response();
    assert!(
        server_timing_ms(&r) >= 1.0,
        "{:?}",
        r.header("server-timing")
    );
}

#[tokio::test]
async fn static_files_are_compressed_when_the_browser_accepts_it() {
    let s = Server::start();
    let script = "console.log('compress me');\n".repeat(200);
    std::fs::write(s.root().join("www/big.js"), &script).unwrap();
    std::fs::write(s.root().join("pkg/big.js"), &script).unwrap();
    for path in ["/big.js", "/pkg/big.js"] {
        for (accept, encoding) in [
            ("br", Some("br")),
            ("gzip", Some("gzip")),
            ("identity", None),
        ] {
            let r = s
                .raw(Method::GET, path, &[("accept-encoding", accept)], None)
                .await;
            assert_eq!(r.status, 200, "GET {path} ({accept})");
            assert_eq!(
                r.header("content-encoding").as_deref(),
                encoding,
                "GET {path} with accept-encoding {accept}"
            );
            match encoding {
                Some(_) => assert!(
                    r.body.len() < script.len() / 4,
                    "GET {path} ({accept}): {} compressed bytes for {}",
                    r.body.len(),
                    script.len()
                ),
                None => assert_eq!(r.body, script.as_bytes(), "GET {path} ({accept})"),
            }
            assert!(
                r.content_type().contains("javascript"),
                "GET {path} ({accept}): {:?}",
                r.content_type()
            );
        }
    }
    // A precompressed copy next to the file is sent as it is (the build writes them for the SDK's files).
    std::fs::write(s.root().join("pkg/big.js.br"), b"precompressed-br-marker").unwrap();
    let r = s
        .raw(
            Method::GET,
            "/pkg/big.js",
            &[("accept-encoding", "br")],
            None,
        )
        .await;
    assert_eq!(r.header("content-encoding").as_deref(), Some("br"));
    assert_eq!(r.body, b"precompressed-br-marker");
    assert!(
        r.content_type().contains("javascript"),
        "{:?}",
        r.content_type()
    );
    // API answers are left alone (small, and often carrying secrets next to attacker-chosen text).
    let r = s
        .raw(
            Method::GET,
            "/v1/environment",
            &[("accept-encoding", "br")],
            None,
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-encoding"), None);
}

#[tokio::test]
async fn health_check_answers_when_the_database_does() {
    let s = Server::start();
    let r = s.get("/healthz").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json, serde_json::json!({ "status": "ok" }));
    assert!(
        r.content_type().starts_with("application/json"),
        "{}",
        r.content_type()
    );
}
