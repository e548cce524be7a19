//! Tower middleware around the router: request log, JSON errors and security headers, timeout, panic catching,
//! and the `_method` override (which must run before routing, so it wraps the router as a service).

use std::any::Any;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::{ApiError, ApiResult};
use crate::form;

/// Content-Security-Policy of every HTML answer.
pub const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
/// Path prefixes of the API (answers carry `Cache-Control: no-store`: they hold tokens and account data).
const API_PREFIXES: [&str; 4] = ["/v1/", "/api/", "/dev/", "/.well-known/"];
/// The `Server-Timing` response header (not among the `http` crate's constants).
const SERVER_TIMING: header::HeaderName = header::HeaderName::from_static("server-timing");
/// Name of the method-override parameter.
const METHOD_PARAM: &str = "_method";

/// Log one line per request: method, path (never the query string), status, latency. No bodies, no headers.
/// The answer carries the same latency as `Server-Timing: app;dur=<ms>` (time until the response head was ready),
/// so a client can tell the server's own time from the network's (the benchmark reports it for sign-ins).
pub async fn log_requests(req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let mut response = next.run(req).await;
    let elapsed = start.elapsed();
    if let Ok(value) = HeaderValue::from_str(&server_timing(elapsed)) {
        response.headers_mut().insert(SERVER_TIMING, value);
    }
    tracing::info!(
        method = %method,
        path = %path,
        status = response.status().as_u16(),
        latency_ms = u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX),
        "request"
    );
    response
}

/// `app;dur=<milliseconds, 3 decimals>`.
fn server_timing(elapsed: Duration) -> String {
    format!("app;dur={:.3}", elapsed.as_secs_f64() * 1000.0)
}

/// Turn every non-JSON error answer (404/405 from routing, static files, …) into Clerk error JSON, keeping its
/// status and other headers; add `X-Content-Type-Options: nosniff` and `Referrer-Policy: no-referrer` everywhere,
/// `Cache-Control: no-store` on API and JSON answers, and the CSP on HTML.
pub async fn finish_response(req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let is_api = path == "/v1" || API_PREFIXES.iter().any(|p| path.starts_with(p));
    let response = next.run(req).await;
    let status = response.status();
    let mut response = if status.is_client_error() || status.is_server_error() {
        let is_json = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("application/json"));
        if is_json {
            response
        } else {
            let (parts, _) = response.into_parts();
            let mut json = ApiError::from_status(status).into_response();
            *json.status_mut() = status;
            for (name, value) in &parts.headers {
                if name != header::CONTENT_TYPE
                    && name != header::CONTENT_LENGTH
                    && !json.headers().contains_key(name)
                {
                    json.headers_mut().append(name.clone(), value.clone());
                }
            }
            json
        }
    } else {
        response
    };
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/json"));
    if is_api || is_json {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    let is_html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("text/html"));
    if is_html {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        );
    }
    response
}

/// Answer 413 at once when the declared `Content-Length` is over the body limit, instead of reading (or waiting
/// for) a body that will be refused anyway. Undeclared (chunked) bodies are capped while reading them.
pub async fn reject_declared_oversize(req: Request, next: Next) -> Response {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    match declared {
        Some(len) if len > crate::form::BODY_LIMIT as u64 => ApiError::BodyTooLarge.into_response(),
        _ => next.run(req).await,
    }
}

/// Answer 503 `request_timeout` when the inner service takes longer than the configured duration.
pub async fn timeout(State(limit): State<Duration>, req: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(response) => response,
        Err(_) => ApiError::RequestTimeout.into_response(),
    }
}

/// The 500 answer for a panic inside a handler (used with tower-http's `CatchPanicLayer`).
pub fn panic_response(payload: Box<dyn Any + Send + 'static>) -> Response {
    let detail = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("unknown panic");
    ApiError::Internal(format!("handler panicked: {detail}")).into_response()
}

/// Parse an override value: `PATCH`, `PUT` or `DELETE` in any case.
pub fn parse_override(value: &str) -> ApiResult<Method> {
    match value.to_ascii_uppercase().as_str() {
        "PATCH" => Ok(Method::PATCH),
        "PUT" => Ok(Method::PUT),
        "DELETE" => Ok(Method::DELETE),
        _ => Err(ApiError::invalid(
            METHOD_PARAM,
            "_method must be PATCH, PUT or DELETE.",
        )),
    }
}

/// The `_method` value of a query string, if any.
fn override_in_query(query: Option<&str>) -> Option<String> {
    let pairs = form::decode_pairs(query?.as_bytes())?;
    pairs
        .into_iter()
        .find(|(k, _)| k == METHOD_PARAM)
        .map(|(_, v)| v)
}

/// On a POST, take `_method` from the query string or the form body and rewrite the request method.
/// The form body is buffered (up to the body limit: larger → 413) and put back for the handler.
pub async fn method_override(req: Request, next: Next) -> Response {
    if req.method() != Method::POST {
        return next.run(req).await;
    }
    match apply_override(req).await {
        Ok(req) => next.run(req).await,
        Err(err) => err.into_response(),
    }
}

/// The fallible part of [`method_override`].
async fn apply_override(req: Request) -> ApiResult<Request> {
    let mut found = override_in_query(req.uri().query());
    let req = if found.is_none() && form::is_form_content_type(req.headers()) {
        let (parts, body) = req.into_parts();
        let bytes = form::read_limited(body).await?;
        found = form::decode_pairs(&bytes).and_then(|pairs| {
            pairs
                .into_iter()
                .find(|(k, _)| k == METHOD_PARAM)
                .map(|(_, v)| v)
        });
        Request::from_parts(parts, Body::from(bytes))
    } else {
        req
    };
    let mut req = req;
    if let Some(value) = found {
        *req.method_mut() = parse_override(&value)?;
    }
    Ok(req)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn override_values() {
        assert_eq!(parse_override("patch").ok(), Some(Method::PATCH));
        assert_eq!(parse_override("PUT").ok(), Some(Method::PUT));
        assert_eq!(parse_override("Delete").ok(), Some(Method::DELETE));
        for bad in ["GET", "POST", "", "TRACE"] {
            assert_eq!(
                parse_override(bad).map_err(|e| e.code()),
                Err("form_param_format_invalid")
            );
        }
    }

    #[test]
    fn override_from_query() {
        assert_eq!(
            override_in_query(Some("_is_native=1&_method=DELETE")).as_deref(),
            Some("DELETE")
        );
        assert_eq!(override_in_query(Some("_is_native=1")), None);
        assert_eq!(override_in_query(None), None);
    }

    #[test]
    fn server_timing_in_milliseconds() {
        assert_eq!(
            server_timing(Duration::from_micros(1_234_567)),
            "app;dur=1234.567"
        );
        assert_eq!(server_timing(Duration::ZERO), "app;dur=0.000");
    }

    #[test]
    fn panic_payloads_become_500() {
        let response = panic_response(Box::new("boom"));
        assert_eq!(
            response.status(),
            axum::http::StatusCode::INTERNAL_SERVER_ERROR
        );
    }
}
