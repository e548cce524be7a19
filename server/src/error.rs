//! The one error type of the API, rendered in exactly one place as Clerk's error JSON:
//! `{"errors": [{"code", "message", "long_message", "meta"}], "clerk_trace_id"}`.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use clerk_wasm_wire::{ApiErrorItem, ErrorBody, ErrorMeta};

use crate::ids;
use crate::store::StoreError;

/// Every way a request can fail, with the Clerk error code it maps to.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A required form parameter is absent or empty (`form_param_missing`).
    #[error("{0} is missing")]
    ParamMissing(&'static str),
    /// A form parameter (or the body as a whole, `param == None`) is malformed (`form_param_format_invalid`).
    #[error("{param:?} is invalid: {reason}")]
    ParamInvalid {
        /// The offending parameter, when there is one.
        param: Option<&'static str>,
        /// Human-readable explanation.
        reason: String,
    },
    /// Wrong password (`form_password_incorrect`).
    #[error("password incorrect")]
    PasswordIncorrect,
    /// Wrong `current_password` when changing the password or deleting the account (`form_password_incorrect`,
    /// naming that parameter).
    #[error("current password incorrect")]
    CurrentPasswordIncorrect,
    /// No user has this identifier (`form_identifier_not_found`).
    #[error("identifier not found")]
    IdentifierNotFound,
    /// A user with this email address already exists (`form_identifier_exists`).
    #[error("identifier exists")]
    IdentifierExists,
    /// Password shorter than the minimum (`form_password_length_too_short`).
    #[error("password too short")]
    PasswordTooShort,
    /// Wrong one-time code (`form_code_incorrect`).
    #[error("code incorrect")]
    CodeIncorrect,
    /// The one-time code has expired (`verification_expired`).
    #[error("verification expired")]
    VerificationExpired,
    /// The verification cannot succeed any more (`verification_failed`).
    #[error("verification failed: {0}")]
    VerificationFailed(String),
    /// Rate limited (`too_many_requests`, 429 with `Retry-After`).
    #[error("too many requests, retry after {retry_after_secs} s")]
    TooManyRequests {
        /// Seconds until the caller may try again.
        retry_after_secs: u64,
    },
    /// Single-session mode and the client already has an active session (`session_exists`).
    #[error("session exists")]
    SessionExists,
    /// This identifier already has an active session on this client (`identifier_already_signed_in`).
    #[error("identifier already signed in")]
    IdentifierAlreadySignedIn {
        /// The session the caller should switch to.
        session_id: String,
    },
    /// The instance does not let users delete their own account (`delete_self_disabled`, 403).
    #[error("delete self disabled")]
    DeleteSelfDisabled,
    /// Unknown, foreign or inactive resource (`resource_not_found`, 404).
    #[error("resource not found")]
    NotFound,
    /// Missing or invalid secret key or session JWT (`authentication_invalid`, 401).
    #[error("authentication invalid")]
    AuthenticationInvalid,
    /// Body over the size limit (`request_body_too_large`, 413).
    #[error("request body too large")]
    BodyTooLarge,
    /// Known path, wrong method (`method_not_allowed`, 405).
    #[error("method not allowed")]
    MethodNotAllowed,
    /// The request took longer than the per-request timeout (`request_timeout`, 503).
    #[error("request timeout")]
    RequestTimeout,
    /// The OpenID Connect provider asked for is configured but could not be reached yet
    /// (`oauth_provider_unavailable`, 503).
    #[error("oauth provider unavailable")]
    ProviderUnavailable,
    /// Anything else: a bug or a database fault (`internal_clerk_error`, 500). The detail only goes to the log.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    /// A `form_param_format_invalid` error for `param`.
    pub fn invalid(param: &'static str, reason: impl Into<String>) -> Self {
        Self::ParamInvalid {
            param: Some(param),
            reason: reason.into(),
        }
    }

    /// The error an otherwise bodiless response with this status stands for.
    pub fn from_status(status: StatusCode) -> Self {
        match status {
            StatusCode::NOT_FOUND => Self::NotFound,
            StatusCode::METHOD_NOT_ALLOWED => Self::MethodNotAllowed,
            StatusCode::PAYLOAD_TOO_LARGE => Self::BodyTooLarge,
            StatusCode::REQUEST_TIMEOUT | StatusCode::GATEWAY_TIMEOUT => Self::RequestTimeout,
            StatusCode::UNAUTHORIZED => Self::AuthenticationInvalid,
            StatusCode::TOO_MANY_REQUESTS => Self::TooManyRequests {
                retry_after_secs: 1,
            },
            s if s.is_client_error() => Self::ParamInvalid {
                param: None,
                reason: "The request is invalid.".into(),
            },
            s => Self::Internal(format!("upstream status {s}")),
        }
    }

    /// HTTP status of this error.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::DeleteSelfDisabled => StatusCode::FORBIDDEN,
            Self::AuthenticationInvalid => StatusCode::UNAUTHORIZED,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::BodyTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::RequestTimeout | Self::ProviderUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }

    /// Clerk error code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::ParamMissing(_) => "form_param_missing",
            Self::ParamInvalid { .. } => "form_param_format_invalid",
            Self::PasswordIncorrect | Self::CurrentPasswordIncorrect => "form_password_incorrect",
            Self::IdentifierNotFound => "form_identifier_not_found",
            Self::IdentifierExists => "form_identifier_exists",
            Self::PasswordTooShort => "form_password_length_too_short",
            Self::CodeIncorrect => "form_code_incorrect",
            Self::VerificationExpired => "verification_expired",
            Self::VerificationFailed(_) => "verification_failed",
            Self::TooManyRequests { .. } => "too_many_requests",
            Self::SessionExists => "session_exists",
            Self::IdentifierAlreadySignedIn { .. } => "identifier_already_signed_in",
            Self::DeleteSelfDisabled => "delete_self_disabled",
            Self::NotFound => "resource_not_found",
            Self::AuthenticationInvalid => "authentication_invalid",
            Self::BodyTooLarge => "request_body_too_large",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::RequestTimeout => "request_timeout",
            Self::ProviderUnavailable => "oauth_provider_unavailable",
            Self::Internal(_) => "internal_clerk_error",
        }
    }

    /// Short and long human-readable messages (never containing secrets or internal detail).
    fn messages(&self) -> (String, String) {
        let (short, long): (&str, String) = match self {
            Self::ParamMissing(p) => ("is missing", format!("{p} must be included.")),
            Self::ParamInvalid { reason, .. } => ("is invalid", reason.clone()),
            Self::PasswordIncorrect | Self::CurrentPasswordIncorrect => (
                "Password is incorrect",
                "Password is incorrect. Try again, or use another method.".into(),
            ),
            Self::IdentifierNotFound => (
                "Couldn't find your account.",
                "Couldn't find your account.".into(),
            ),
            Self::IdentifierExists => (
                "That email address is taken.",
                "That email address is taken. Please try another.".into(),
            ),
            Self::PasswordTooShort => (
                "Passwords must be 8 characters or more.",
                "Passwords must be 8 characters or more.".into(),
            ),
            Self::CodeIncorrect => ("Incorrect code", "Incorrect code".into()),
            Self::VerificationExpired => (
                "Verification expired",
                "This verification has expired. Request a new code.".into(),
            ),
            Self::VerificationFailed(reason) => ("Verification failed", reason.clone()),
            Self::TooManyRequests { retry_after_secs } => (
                "Too many requests",
                format!("Too many requests. Try again in {retry_after_secs} seconds."),
            ),
            Self::SessionExists => ("Session already exists", "You're already signed in.".into()),
            Self::IdentifierAlreadySignedIn { .. } => (
                "Identifier already signed in",
                "This account is already signed in on this client.".into(),
            ),
            Self::DeleteSelfDisabled => (
                "Account deletion is disabled",
                "This instance does not allow users to delete their own account.".into(),
            ),
            Self::NotFound => ("not found", "The requested resource was not found.".into()),
            Self::AuthenticationInvalid => (
                "Invalid authentication",
                "The request could not be authenticated.".into(),
            ),
            Self::BodyTooLarge => (
                "Request body too large",
                "The request body exceeds 16 KiB.".into(),
            ),
            Self::MethodNotAllowed => (
                "Method not allowed",
                "This method is not allowed on this path.".into(),
            ),
            Self::RequestTimeout => (
                "Request timeout",
                "The request took too long to process.".into(),
            ),
            Self::ProviderUnavailable => (
                "Provider unavailable",
                "The identity provider cannot be reached right now. Try again later.".into(),
            ),
            Self::Internal(_) => (
                "Oops, an unexpected error occurred",
                "There was an internal error on our servers.".into(),
            ),
        };
        (short.to_string(), long)
    }

    /// The `meta` object (`param_name`, `session_id`).
    fn meta(&self) -> ErrorMeta {
        match self {
            Self::ParamMissing(p) => param_meta(p),
            Self::ParamInvalid { param, .. } => ErrorMeta {
                param_name: param.map(str::to_string),
                session_id: None,
            },
            Self::PasswordIncorrect => param_meta("password"),
            Self::CurrentPasswordIncorrect => param_meta("current_password"),
            Self::IdentifierNotFound => param_meta("identifier"),
            Self::IdentifierExists => param_meta("email_address"),
            Self::PasswordTooShort => param_meta("password"),
            Self::CodeIncorrect | Self::VerificationExpired | Self::VerificationFailed(_) => {
                param_meta("code")
            }
            Self::IdentifierAlreadySignedIn { session_id } => ErrorMeta {
                param_name: None,
                session_id: Some(session_id.clone()),
            },
            _ => ErrorMeta::default(),
        }
    }
}

/// `meta` naming the form parameter an error is about.
fn param_meta(name: &str) -> ErrorMeta {
    ErrorMeta {
        param_name: Some(name.to_string()),
        session_id: None,
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let trace_id = ids::trace_id();
        if let Self::Internal(detail) = &self {
            tracing::error!(trace_id = %trace_id, "internal error: {detail}");
        }
        let (message, long_message) = self.messages();
        let body = ErrorBody {
            errors: vec![ApiErrorItem {
                code: self.code().to_owned(),
                message,
                long_message: Some(long_message),
                meta: self.meta(),
            }],
            clerk_trace_id: Some(trace_id),
        };
        let mut response = (self.status(), axum::Json(body)).into_response();
        if let Self::TooManyRequests { retry_after_secs } = self {
            response.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from(retry_after_secs.max(1)),
            );
        }
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            // What the request acted on was deleted meanwhile.
            StoreError::Gone => Self::NotFound,
            err => Self::Internal(err.to_string()),
        }
    }
}

/// Result alias for handlers.
pub type ApiResult<T> = Result<T, ApiError>;

impl From<crate::domain::flows::NotOpen> for ApiError {
    fn from(not_open: crate::domain::flows::NotOpen) -> Self {
        match not_open {
            crate::domain::flows::NotOpen::NotFound => Self::NotFound,
            crate::domain::flows::NotOpen::Complete(name) => {
                Self::VerificationFailed(format!("This {name} is already complete."))
            }
        }
    }
}

impl From<crate::domain::flows::SessionRefused> for ApiError {
    fn from(refused: crate::domain::flows::SessionRefused) -> Self {
        match refused {
            crate::domain::flows::SessionRefused::SessionExists => Self::SessionExists,
            crate::domain::flows::SessionRefused::AlreadySignedIn { session_id } => {
                Self::IdentifierAlreadySignedIn { session_id }
            }
        }
    }
}

impl From<crate::domain::identifiers::Invalid> for ApiError {
    fn from(invalid: crate::domain::identifiers::Invalid) -> Self {
        use crate::domain::identifiers::{Reason, MAX_IDENTIFIER_LEN};
        let param = invalid.param;
        let message = match invalid.reason {
            Reason::TooLong => format!("{param} must be at most {MAX_IDENTIFIER_LEN} characters."),
            Reason::Invisible => {
                format!("{param} must not contain control or invisible characters.")
            }
            Reason::NotAnEmail => format!("{param} must be a valid email address."),
        };
        Self::invalid(param, message)
    }
}

impl From<crate::rate_limit::Refused> for ApiError {
    fn from(refused: crate::rate_limit::Refused) -> Self {
        match refused {
            crate::rate_limit::Refused::Limited(retry_after_secs) => {
                Self::TooManyRequests { retry_after_secs }
            }
            crate::rate_limit::Refused::Backend(e) => Self::Internal(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_and_codes() {
        assert_eq!(ApiError::NotFound.status(), StatusCode::NOT_FOUND);
        assert_eq!(ApiError::ParamMissing("x").code(), "form_param_missing");
        assert_eq!(
            ApiError::from_status(StatusCode::METHOD_NOT_ALLOWED).code(),
            "method_not_allowed"
        );
        assert_eq!(
            ApiError::RequestTimeout.status(),
            StatusCode::SERVICE_UNAVAILABLE
        );
    }

    #[test]
    fn too_many_requests_sets_retry_after() {
        let response = ApiError::TooManyRequests {
            retry_after_secs: 42,
        }
        .into_response();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(
            response
                .headers()
                .get(header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok()),
            Some("42")
        );
    }
}
