//! The SDK's one error type: Frontend API errors, transport failures and SDK rule errors alike.
//!
//! Adapters convert it to a JS `Error` (with `errors`, `status`) in exactly one place; callers use the predicates
//! (`is_code`, `is_timeout`, ...) instead of matching on strings.

use std::fmt;

/// The `status` of an error that did not come from an HTTP response (transport failure or SDK rule).
pub const NO_HTTP_STATUS: u16 = 0;

/// Error codes produced by the SDK itself (the server's codes are listed in the wire contract).
pub mod codes {
    /// The request never got an answer (offline, DNS, CORS, connection reset).
    pub const NETWORK_ERROR: &str = "network_error";
    /// The request got no answer before its timeout and was aborted.
    pub const TIMEOUT: &str = "timeout";
    /// The server answered with a body that is not the JSON shape the contract promises.
    pub const INVALID_RESPONSE: &str = "invalid_response";
    /// A session id given to the SDK is not a signed-in session of this client.
    pub const SESSION_NOT_FOUND: &str = "session_not_found";
    /// A session JWT's `sid` is not the session it was requested for.
    pub const TOKEN_SESSION_MISMATCH: &str = "token_session_mismatch";
    /// A session JWT could not be decoded (not three base64url parts, no `sid`/`exp`).
    pub const INVALID_TOKEN: &str = "invalid_token";
    /// The publishable key passed to `new Clerk(...)` is not `pk_test_…`/`pk_live_…` over a valid host.
    pub const INVALID_PUBLISHABLE_KEY: &str = "invalid_publishable_key";
    /// The frontend API passed to `new Clerk(...)` is neither a publishable key nor an origin/host.
    pub const INVALID_FRONTEND_API: &str = "invalid_frontend_api";
    /// `prepare…`/`attempt…` was called on a sign-in or sign-up that was never created.
    pub const ATTEMPT_NOT_STARTED: &str = "attempt_not_started";
    /// Server code: the identifier already has a signed-in session on this client (`meta.session_id` names it).
    pub const IDENTIFIER_ALREADY_SIGNED_IN: &str = "identifier_already_signed_in";
    /// Server code: single-session mode refuses a second sign-in or sign-up.
    pub const SESSION_EXISTS: &str = "session_exists";
    /// Server code: the resource does not exist or is not the calling client's.
    pub const RESOURCE_NOT_FOUND: &str = "resource_not_found";
}

pub use clerk_wasm_wire::{ApiErrorItem, ErrorMeta};

/// The SDK's error: an HTTP status (0 when there was no HTTP answer) and at least one coded item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClerkError {
    /// HTTP status of the failed response, or [`NO_HTTP_STATUS`] for transport and SDK errors.
    pub status: u16,
    /// The error items; the constructors guarantee at least one.
    pub errors: Vec<ApiErrorItem>,
    /// The server's trace id for this failure, when it sent one.
    pub clerk_trace_id: Option<String>,
}

impl ClerkError {
    /// An error with a status and items; an empty list gets an `invalid_response` item so `code()` always exists.
    pub fn from_items(
        status: u16,
        mut errors: Vec<ApiErrorItem>,
        clerk_trace_id: Option<String>,
    ) -> Self {
        if errors.is_empty() {
            errors.push(ApiErrorItem::new(
                codes::INVALID_RESPONSE,
                format!("HTTP {status} with an empty error list"),
            ));
        }
        ClerkError {
            status,
            errors,
            clerk_trace_id,
        }
    }

    /// An error with a single item.
    pub fn single(status: u16, code: &str, message: impl Into<String>) -> Self {
        ClerkError {
            status,
            errors: vec![ApiErrorItem::new(code, message)],
            clerk_trace_id: None,
        }
    }

    /// A transport failure: the request got no answer (`network_error`).
    pub fn network(detail: impl Into<String>) -> Self {
        Self::single(
            NO_HTTP_STATUS,
            codes::NETWORK_ERROR,
            format!("Network error: {}", detail.into()),
        )
    }

    /// A transport failure: no answer within `after_ms` milliseconds (`timeout`).
    pub fn timeout(after_ms: u64) -> Self {
        Self::single(
            NO_HTTP_STATUS,
            codes::TIMEOUT,
            format!("The request timed out after {after_ms} ms"),
        )
    }

    /// The server's body is not the promised shape (`invalid_response`), keeping the HTTP status.
    pub fn invalid_response(status: u16, detail: impl Into<String>) -> Self {
        Self::single(
            status,
            codes::INVALID_RESPONSE,
            format!("Unexpected response from the server: {}", detail.into()),
        )
    }

    /// An SDK rule error: the session id is not a signed-in session of this client (`session_not_found`).
    pub fn session_not_found(session_id: &str) -> Self {
        let mut e = Self::single(
            NO_HTTP_STATUS,
            codes::SESSION_NOT_FOUND,
            format!("Session {session_id} is not a signed-in session of this client"),
        );
        if let Some(item) = e.errors.first_mut() {
            item.meta.session_id = Some(session_id.to_string());
        }
        e
    }

    /// An SDK rule error: `prepare…`/`attempt…` on a sign-in or sign-up (`kind`) that has no id yet.
    pub fn attempt_not_started(kind: &str) -> Self {
        Self::single(
            NO_HTTP_STATUS,
            codes::ATTEMPT_NOT_STARTED,
            format!("This {kind} has not been created yet: call {kind}.create(...) first"),
        )
    }

    /// The first item's code (always present for errors built by this module).
    pub fn code(&self) -> &str {
        self.errors
            .first()
            .map(|e| e.code.as_str())
            .unwrap_or(codes::INVALID_RESPONSE)
    }

    /// The first item's message.
    pub fn message(&self) -> &str {
        self.errors
            .first()
            .map(|e| e.message.as_str())
            .unwrap_or("")
    }

    /// Whether any item carries `code`.
    pub fn is_code(&self, code: &str) -> bool {
        self.errors.iter().any(|e| e.code == code)
    }

    /// The first `meta.session_id` among the items (set by `identifier_already_signed_in`).
    pub fn session_id_meta(&self) -> Option<&str> {
        self.errors
            .iter()
            .find_map(|e| e.meta.session_id.as_deref())
    }

    /// The first `meta.param_name` among the items (which form field to highlight).
    pub fn param_name_meta(&self) -> Option<&str> {
        self.errors
            .iter()
            .find_map(|e| e.meta.param_name.as_deref())
    }

    /// Whether this is a `timeout` transport failure.
    pub fn is_timeout(&self) -> bool {
        self.is_code(codes::TIMEOUT)
    }

    /// Whether this is a `network_error` transport failure.
    pub fn is_network(&self) -> bool {
        self.is_code(codes::NETWORK_ERROR)
    }

    /// Whether retrying may succeed: transport failures, 429 and 5xx (see [`super::backoff::is_transient`]).
    pub fn is_transient(&self) -> bool {
        self.is_network() || self.is_timeout() || super::backoff::is_transient(self.status)
    }

    /// Whether the server says the resource (e.g. a session) is gone for this client: 401 or 404.
    pub fn is_gone(&self) -> bool {
        self.status == 401 || self.status == 404
    }
}

impl fmt::Display for ClerkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code(), self.message())?;
        if self.status != NO_HTTP_STATUS {
            write!(f, " (HTTP {})", self.status)?;
        }
        Ok(())
    }
}

impl std::error::Error for ClerkError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transport_constructors_have_no_status_and_their_codes() {
        let n = ClerkError::network("offline");
        assert_eq!((n.status, n.code()), (0, "network_error"));
        assert!(n.is_network() && !n.is_timeout() && n.is_transient());
        let t = ClerkError::timeout(10_000);
        assert_eq!((t.status, t.code()), (0, "timeout"));
        assert!(t.is_timeout() && t.is_transient());
        assert_eq!(t.message(), "The request timed out after 10000 ms");
        assert_eq!(
            t.to_string(),
            "timeout: The request timed out after 10000 ms"
        );
    }

    #[test]
    fn session_not_found_is_a_rule_error_with_meta() {
        let e = ClerkError::session_not_found("sess_x");
        assert_eq!(e.code(), "session_not_found");
        assert_eq!(e.session_id_meta(), Some("sess_x"));
        assert!(!e.is_transient());
        assert_eq!(
            e.to_string(),
            "session_not_found: Session sess_x is not a signed-in session of this client"
        );
    }

    #[test]
    fn attempt_not_started_names_the_missing_call() {
        let e = ClerkError::attempt_not_started("signIn");
        assert_eq!((e.status, e.code()), (0, "attempt_not_started"));
        assert!(e.message().contains("signIn.create(...)"));
        assert!(!e.is_transient() && !e.is_gone());
    }

    #[test]
    fn empty_item_list_still_has_a_code() {
        let e = ClerkError::from_items(500, vec![], None);
        assert_eq!(e.code(), "invalid_response");
        assert!(e.is_transient());
        assert_eq!(e.message(), "HTTP 500 with an empty error list");
        assert_eq!(
            e.to_string(),
            "invalid_response: HTTP 500 with an empty error list (HTTP 500)"
        );
    }

    #[test]
    fn predicates_look_at_every_item() {
        let mut second = ApiErrorItem::new("identifier_already_signed_in", "already");
        second.meta.session_id = Some("sess_2".into());
        second.meta.param_name = Some("identifier".into());
        let e = ClerkError::from_items(
            422,
            vec![ApiErrorItem::new("form_param_missing", "x"), second],
            None,
        );
        assert!(e.is_code("identifier_already_signed_in"));
        assert!(!e.is_code("session_exists"));
        assert_eq!(e.code(), "form_param_missing");
        assert_eq!(e.session_id_meta(), Some("sess_2"));
        assert_eq!(e.param_name_meta(), Some("identifier"));
        assert!(!e.is_transient() && !e.is_gone());
        assert!(ClerkError::single(404, "resource_not_found", "").is_gone());
        assert!(ClerkError::single(401, "authentication_invalid", "").is_gone());
    }
}
