//! fetch through gloo-net: one Frontend API request in native (header) mode — `_is_native=1`, no cookies, the client
//! token in the `Authorization` header both ways, form-encoded bodies with ClerkJS's `_method` override — under a
//! timeout that aborts it. The body is parsed by the browser (`Response.json()`); reading it into the core's types
//! is the caller's (`core::wire` through serde-wasm-bindgen). Every failure becomes a `ClerkError`.

use super::timer::Timer;
use crate::core::backoff::parse_retry_after;
use crate::core::ClerkError;
use gloo_net::http::{Request as GlooRequest, RequestBuilder};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{RequestCredentials, RequestMode};

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

/// A received answer, body parsed by the browser, not yet interpreted.
#[derive(Debug, Clone)]
pub struct Response {
    /// HTTP status.
    pub status: u16,
    /// The body as the browser parsed it (`Response.json()`); `None` when it is not JSON.
    pub body: Option<JsValue>,
    /// A new client token from the `Authorization` header, when the server created or rotated the client.
    pub client_token: Option<String>,
    /// `Retry-After` in milliseconds, when the header is present and readable.
    pub retry_after_ms: Option<u64>,
}

impl Response {
    /// The body as a serde deserializer for `core::wire`'s parse functions.
    pub fn body(&self) -> Option<serde_wasm_bindgen::Deserializer> {
        self.body
            .clone()
            .map(serde_wasm_bindgen::Deserializer::from)
    }

    /// The member `name` of the body (an envelope's `response` or `client`), when it is an object.
    pub fn member(&self, name: &str) -> Option<JsValue> {
        super::reflect::get(self.body.as_ref()?, name).filter(JsValue::is_object)
    }
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

/// Whether a rejection of `Response.json()` says the body is not JSON (rather than that reading it failed).
fn is_syntax_error(error: &JsValue) -> bool {
    error
        .dyn_ref::<js_sys::Error>()
        .is_some_and(|e| e.name() == "SyntaxError")
}

/// The gloo-net request for `request`: method, URL, headers, the form body, and the abort signal.
fn build(
    base_url: &str,
    request: &Request,
    client_token: Option<&str>,
    signal: &web_sys::AbortSignal,
) -> Result<web_sys::Request, ClerkError> {
    let url = request.url(base_url);
    let builder: RequestBuilder = match request.method {
        Method::Get => GlooRequest::get(&url),
        Method::Post | Method::Delete => GlooRequest::post(&url),
    };
    let mut builder = builder
        .mode(RequestMode::Cors)
        .credentials(RequestCredentials::Omit)
        .abort_signal(Some(signal));
    if let Some(token) = client_token {
        // A stored token is checked to be visible ASCII (`core::storage::decode_client_token`), a valid header value.
        builder = builder.header("Authorization", token);
    }
    let built = if request.method == Method::Get {
        builder.build()
    } else {
        let form =
            web_sys::UrlSearchParams::new().map_err(|e| ClerkError::network(describe(&e)))?;
        for (key, value) in &request.form {
            form.append(key, value);
        }
        builder
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(form.to_string())
    };
    built
        .map(Into::into)
        .map_err(|e| ClerkError::network(e.to_string()))
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
    // gloo-net has no timeout: an AbortController's signal goes into the request, and a timer aborts it.
    let controller = web_sys::AbortController::new().map_err(fail)?;
    let fetch_request = build(base_url, request, client_token, &controller.signal())?;
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

    // Sent with `window.fetch` rather than gloo-net's `Request::send`: that one panics when fetch rejects with
    // something that is not an `Error` (a page may wrap `fetch`), and a panic would end the SDK for the page.
    let answer = JsFuture::from(window.fetch_with_request(&fetch_request))
        .await
        .map_err(failed)?;
    let response: web_sys::Response = answer
        .dyn_into()
        .map_err(|_| ClerkError::network("fetch did not return a Response"))?;
    let body = match JsFuture::from(response.json().map_err(failed)?).await {
        Ok(value) => Some(value),
        Err(e) if is_syntax_error(&e) && !timed_out.get() => None,
        Err(e) => return Err(failed(e)),
    };
    let response = gloo_net::http::Response::from(response);
    let headers = response.headers();
    Ok(Response {
        status: response.status(),
        body,
        client_token: headers.get("Authorization").filter(|t| !t.is_empty()),
        retry_after_ms: headers
            .get("Retry-After")
            .and_then(|h| parse_retry_after(&h)),
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
