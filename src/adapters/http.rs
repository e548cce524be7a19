//! fetch: one Frontend API request in native (header) mode — `_is_native=1`, no cookies, the client token in the
//! `Authorization` header both ways, form-encoded bodies with ClerkJS's `_method` override — under a timeout that
//! aborts it. Every failure becomes a `ClerkError`; parsing the body is the caller's (with `core::wire`).

use super::reflect;
use super::timer::Timer;
use crate::core::backoff::parse_retry_after;
use crate::core::ClerkError;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Every request is aborted after this long. ClerkJS gives a request no deadline; we pick 10 s: well above the
/// reference server's slowest answer (an argon2 password check, ~100 ms) on a poor mobile link, and short enough
/// that a hung connection turns into a visible `timeout` error (or `"degraded"`) instead of an endless spinner.
pub const DEFAULT_TIMEOUT_MS: u64 = 10_000;

/// HTTP method as the server sees it (DELETE travels as a POST with `_method=DELETE`, like ClerkJS sends it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET, no body.
    Get,
    /// POST with a form body.
    Post,
    /// DELETE, sent as POST with the `_method` override.
    Delete,
}

/// A request to the Frontend API: method, path under `/v1` and form fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The method.
    method: Method,
    /// Path below the API base, e.g. `/client/sign_ins`.
    path: String,
    /// Form fields (snake_case keys), in order.
    form: Vec<(&'static str, String)>,
}

impl Request {
    /// A GET of `path`.
    pub fn get(path: impl Into<String>) -> Self {
        Self::new(Method::Get, path)
    }

    /// A POST to `path`.
    pub fn post(path: impl Into<String>) -> Self {
        Self::new(Method::Post, path)
    }

    /// A DELETE of `path`.
    pub fn delete(path: impl Into<String>) -> Self {
        Self::new(Method::Delete, path)
    }

    /// A request without form fields.
    fn new(method: Method, path: impl Into<String>) -> Self {
        Request {
            method,
            path: path.into(),
            form: Vec::new(),
        }
    }

    /// Adds a form field.
    pub fn field(mut self, key: &'static str, value: impl Into<String>) -> Self {
        self.form.push((key, value.into()));
        self
    }

    /// Adds a form field when there is a value.
    pub fn optional_field(self, key: &'static str, value: Option<String>) -> Self {
        match value {
            Some(v) => self.field(key, v),
            None => self,
        }
    }

    /// The full URL: base, path, `_is_native=1` and the method override.
    fn url(&self, base_url: &str) -> String {
        let method = match self.method {
            Method::Delete => "&_method=DELETE",
            Method::Get | Method::Post => "",
        };
        [base_url, &self.path, "?_is_native=1", method].concat()
    }
}

/// Percent-encodes one path segment (an id from the server or the page), so it cannot change the path.
pub fn encode_segment(segment: &str) -> String {
    js_sys::encode_uri_component(segment).into()
}

/// A received answer, body read, not yet interpreted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// HTTP status.
    pub status: u16,
    /// The body as text.
    pub body: String,
    /// A new client token from the `Authorization` header, when the server created or rotated the client.
    pub client_token: Option<String>,
    /// `Retry-After` in milliseconds, when the header is present and readable.
    pub retry_after_ms: Option<u64>,
}

/// Aborts the fetch and clears its timer when the request finishes or is dropped (reqwest's abort guard).
struct AbortGuard {
    /// The fetch's controller.
    controller: web_sys::AbortController,
    /// The timeout timer (cleared on drop).
    _timer: Timer,
}

impl Drop for AbortGuard {
    fn drop(&mut self) {
        // A no-op once the body is read; cancels the request when the caller dropped it mid-flight.
        self.controller.abort();
    }
}

/// The message of a JS exception or rejection.
fn describe(error: &JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "fetch failed".to_string())
}

/// `target[key] = value` on an object we just created (which cannot throw).
fn set(target: &js_sys::Object, key: &str, value: &JsValue) {
    let _ = js_sys::Reflect::set(target, &JsValue::from_str(key), value);
}

/// Sends `request` to `base_url` with the client token (if any); fails with `timeout` after `timeout_ms`.
pub async fn send(
    base_url: &str,
    request: &Request,
    client_token: Option<&str>,
    timeout_ms: u64,
) -> Result<Response, ClerkError> {
    let window = web_sys::window().ok_or_else(|| ClerkError::network("no window"))?;
    let fail = |e: JsValue| ClerkError::network(describe(&e));
    // The `RequestInit` dictionary and its headers as plain objects: web-sys's typed setters would each be one
    // more import and JS shim in the build, and `fetch` reads plain objects the same way.
    let init = js_sys::Object::new();
    let headers = js_sys::Object::new();
    set(&init, "mode", &"cors".into());
    set(&init, "credentials", &"omit".into());
    if let Some(token) = client_token {
        set(&headers, "Authorization", &token.into());
    }
    if request.method == Method::Get {
        set(&init, "method", &"GET".into());
    } else {
        set(&init, "method", &"POST".into());
        let form = web_sys::UrlSearchParams::new().map_err(fail)?;
        for (key, value) in &request.form {
            form.append(key, value);
        }
        set(
            &headers,
            "Content-Type",
            &"application/x-www-form-urlencoded".into(),
        );
        set(&init, "body", &JsValue::from(form.to_string()));
    }
    set(&init, "headers", &headers);

    let controller = web_sys::AbortController::new().map_err(fail)?;
    let signal = reflect::get(&controller, "signal").unwrap_or_default();
    set(&init, "signal", &signal);
    let timed_out = Rc::new(Cell::new(false));
    let timer = {
        let (timed_out, controller) = (timed_out.clone(), controller.clone());
        Timer::once(timeout_ms, move || {
            timed_out.set(true);
            controller.abort();
        })
    };
    let _guard = AbortGuard {
        controller,
        _timer: timer,
    };
    let failed = |e: JsValue| {
        if timed_out.get() {
            ClerkError::timeout(timeout_ms)
        } else {
            fail(e)
        }
    };

    let init: &web_sys::RequestInit = init.unchecked_ref();
    let answer = JsFuture::from(window.fetch_with_str_and_init(&request.url(base_url), init))
        .await
        .map_err(failed)?;
    let response: web_sys::Response = answer
        .dyn_into()
        .map_err(|_| ClerkError::network("fetch did not return a Response"))?;
    let body = JsFuture::from(response.text().map_err(failed)?)
        .await
        .map_err(failed)?
        .as_string()
        .unwrap_or_default();
    // `status` and `headers` through `Reflect` (one import fewer each); a Response always has both.
    let headers: Option<web_sys::Headers> = reflect::object(&response, "headers");
    let header = |name: &str| headers.as_ref()?.get(name).ok().flatten();
    Ok(Response {
        // HTTP statuses are 0..=999: the saturating cast keeps them exactly.
        status: reflect::number(&response, "status").unwrap_or(0.0) as u16,
        body,
        client_token: header("Authorization").filter(|t| !t.is_empty()),
        retry_after_ms: header("Retry-After").and_then(|h| parse_retry_after(&h)),
    })
}

#[cfg(test)]
mod tests {
    use super::Request;

    #[test]
    fn urls_carry_is_native_and_the_method_override() {
        let base = "http://127.0.0.1:8787/v1";
        assert_eq!(
            Request::get("/client").url(base),
            "http://127.0.0.1:8787/v1/client?_is_native=1"
        );
        assert_eq!(
            Request::post("/client/sign_ins").url(base),
            "http://127.0.0.1:8787/v1/client/sign_ins?_is_native=1"
        );
        assert_eq!(
            Request::delete("/client/sessions").url(base),
            "http://127.0.0.1:8787/v1/client/sessions?_is_native=1&_method=DELETE"
        );
    }

    #[test]
    fn optional_fields_are_left_out_when_absent() {
        let r = Request::post("/x")
            .field("identifier", "a@b.c")
            .optional_field("password", None)
            .optional_field("strategy", Some("password".into()));
        assert_eq!(
            r.form,
            vec![
                ("identifier", "a@b.c".to_string()),
                ("strategy", "password".to_string())
            ]
        );
    }
}
