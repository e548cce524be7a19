//! The Frontend API's JSON shapes that the SDK reads and the reference server writes, declared once.
//!
//! Only the shapes that are the same on both sides live here: the error body, the status enums, verifications,
//! email addresses, a session's public user data, a sign-up's verifications, the token and the `{response, client}`
//! envelope. Resources whose two sides differ stay apart: the server writes fields the SDK does not read (a
//! sign-in's `supported_identifiers`, a session's `latest_activity`), and the SDK reads leniently what the server
//! writes strictly (`object` may be absent, `null` stands for a default). The contract itself is
//! `frontend-api.md`; a change to a type here is a change on both sides, checked by the compiler.
//!
//! Reading is lenient, as Clerk's clients are: unknown fields are ignored, optional fields default and `null` reads
//! as absent. Each side uses one half of the derives; the other half generates no code in its build.

use serde::{Deserialize, Serialize};

pub mod de;

/// Status of a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionStatus {
    /// Signed in.
    Active,
    /// Ended by the user (`end`, or sign-out of all).
    Ended,
    /// Past `expire_at`.
    Expired,
    /// Signed out of this one session (`remove`).
    Removed,
    /// Past `abandon_at` (inactive too long).
    Abandoned,
    /// Revoked from the backend.
    Revoked,
    /// A status a reader does not know; treated as signed out. The server never writes it.
    #[default]
    #[serde(other)]
    Unknown,
}

/// Status of a sign-in attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignInStatus {
    /// The identifier is still missing.
    NeedsIdentifier,
    /// A password, an email code or the provider's answer is needed.
    NeedsFirstFactor,
    /// A second factor is needed.
    NeedsSecondFactor,
    /// Done: `created_session_id` is set.
    Complete,
    /// A status a reader does not know. The server never writes it.
    #[default]
    #[serde(other)]
    Unknown,
}

/// Status of a sign-up attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignUpStatus {
    /// Some field (e.g. a verified email) is still missing.
    MissingRequirements,
    /// Done: `created_session_id` and `created_user_id` are set.
    Complete,
    /// A status a reader does not know. The server never writes it.
    #[default]
    #[serde(other)]
    Unknown,
}

impl SessionStatus {
    /// The wire name (`"unknown"` for a status the reader did not know).
    pub fn as_str(self) -> &'static str {
        match self {
            SessionStatus::Active => "active",
            SessionStatus::Ended => "ended",
            SessionStatus::Expired => "expired",
            SessionStatus::Removed => "removed",
            SessionStatus::Abandoned => "abandoned",
            SessionStatus::Revoked => "revoked",
            SessionStatus::Unknown => "unknown",
        }
    }
}

impl SignInStatus {
    /// The wire name (`"unknown"` for a status the reader did not know).
    pub fn as_str(self) -> &'static str {
        match self {
            SignInStatus::NeedsIdentifier => "needs_identifier",
            SignInStatus::NeedsFirstFactor => "needs_first_factor",
            SignInStatus::NeedsSecondFactor => "needs_second_factor",
            SignInStatus::Complete => "complete",
            SignInStatus::Unknown => "unknown",
        }
    }
}

impl SignUpStatus {
    /// The wire name (`"unknown"` for a status the reader did not know).
    pub fn as_str(self) -> &'static str {
        match self {
            SignUpStatus::MissingRequirements => "missing_requirements",
            SignUpStatus::Complete => "complete",
            SignUpStatus::Unknown => "unknown",
        }
    }
}

/// A verification (`{status, strategy, attempts, expire_at}`) of an email address, a sign-in factor or a sign-up
/// field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verification {
    /// `unverified`, `verified`, `failed`, `expired`, ...
    pub status: Option<String>,
    /// `email_code`, `password`, ...
    pub strategy: Option<String>,
    /// Attempts made on the current code.
    pub attempts: Option<u32>,
    /// When the current code expires (Unix ms); `null` when none is pending.
    pub expire_at: Option<u64>,
}

/// An email address of a user.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailAddress {
    /// Always `"email_address"` (a reader accepts it absent).
    pub object: Option<String>,
    /// `idn_…`.
    pub id: String,
    /// The address itself.
    pub email_address: String,
    /// Its verification state.
    pub verification: Option<Verification>,
}

/// The public part of a session's user, safe to show in account lists.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicUserData {
    /// Given name.
    pub first_name: Option<String>,
    /// Family name.
    pub last_name: Option<String>,
    /// Avatar URL.
    pub image_url: Option<String>,
    /// Whether `image_url` is an uploaded image.
    #[serde(default, deserialize_with = "de::null_as_default")]
    pub has_image: bool,
    /// The identifier (email address) the user signed in with.
    pub identifier: Option<String>,
    /// `user_…`.
    pub user_id: Option<String>,
}

/// Verifications of a sign-up, by field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignUpVerifications {
    /// The email address verification; `null` when none is required.
    pub email_address: Option<Verification>,
}

/// A session JWT, the answer to `POST /v1/client/sessions/{id}/tokens` (no envelope).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Token {
    /// Always `"token"` (a reader accepts it absent).
    pub object: Option<String>,
    /// The JWT.
    pub jwt: String,
}

/// A mutation's answer: the resource `R` and the whole client `C` riding along.
///
/// `response` must be present (its presence tells an envelope from other JSON) but may be `null` when `R` is an
/// `Option` (`GET /v1/client` with an unknown token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(bound(deserialize = "R: Deserialize<'de>, C: Deserialize<'de>"))]
pub struct Envelope<R, C> {
    /// The resource.
    #[serde(deserialize_with = "de::present")]
    pub response: R,
    /// The client after the mutation (`null` where the server sends none).
    #[serde(default)]
    pub client: Option<C>,
}

impl<R: Default, C> Default for Envelope<R, C> {
    fn default() -> Self {
        Envelope {
            response: R::default(),
            client: None,
        }
    }
}

/// `meta` of one error item: which form field or session the error is about.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorMeta {
    /// The form parameter the error is about (`identifier`, `password`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub param_name: Option<String>,
    /// The session the error is about (`identifier_already_signed_in`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
}

/// One item of an error answer's `errors` array.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiErrorItem {
    /// Machine-readable code, e.g. `form_password_incorrect`.
    pub code: String,
    /// Short human-readable message.
    #[serde(default, deserialize_with = "de::null_as_default")]
    pub message: String,
    /// Longer human-readable message.
    pub long_message: Option<String>,
    /// What the error is about.
    #[serde(default, deserialize_with = "de::null_as_default")]
    pub meta: ErrorMeta,
}

impl ApiErrorItem {
    /// An item with a code and a message (also the long message) and no meta.
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        ApiErrorItem {
            code: code.to_string(),
            long_message: Some(message.clone()),
            message,
            meta: ErrorMeta::default(),
        }
    }
}

/// The body of a 4xx/5xx answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// The error items (the server sends exactly one).
    pub errors: Vec<ApiErrorItem>,
    /// Trace id for support.
    pub clerk_trace_id: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_written_envelope_reads_back_the_same() {
        let env: Envelope<Option<Token>, ()> = Envelope {
            response: Some(Token {
                object: Some("token".into()),
                jwt: "a.b.c".into(),
            }),
            client: None,
        };
        let text = serde_json::to_string(&env).unwrap();
        assert_eq!(
            text,
            r#"{"response":{"object":"token","jwt":"a.b.c"},"client":null}"#
        );
        let back: Envelope<Option<Token>, ()> = serde_json::from_str(&text).unwrap();
        assert_eq!(back, env);
    }

    #[test]
    fn an_envelope_needs_its_response_member_but_takes_null() {
        let null: Envelope<Option<Token>, ()> =
            serde_json::from_str(r#"{"response":null}"#).unwrap();
        assert_eq!(null.response, None);
        assert!(serde_json::from_str::<Envelope<Option<Token>, ()>>(r#"{"client":null}"#).is_err());
    }

    #[test]
    fn unknown_statuses_read_as_unknown_and_known_ones_round_trip() {
        let s: SessionStatus = serde_json::from_str(r#""paused""#).unwrap();
        assert_eq!(s, SessionStatus::Unknown);
        for s in [
            SessionStatus::Active,
            SessionStatus::Revoked,
            SessionStatus::Abandoned,
        ] {
            assert_eq!(
                serde_json::to_string(&s).unwrap(),
                format!("\"{}\"", s.as_str())
            );
        }
        for s in [SignInStatus::NeedsFirstFactor, SignInStatus::Complete] {
            assert_eq!(
                serde_json::to_string(&s).unwrap(),
                format!("\"{}\"", s.as_str())
            );
        }
        for s in [SignUpStatus::MissingRequirements, SignUpStatus::Complete] {
            assert_eq!(
                serde_json::to_string(&s).unwrap(),
                format!("\"{}\"", s.as_str())
            );
        }
    }

    #[test]
    fn error_items_read_null_members_as_defaults_and_write_no_empty_meta() {
        let item: ApiErrorItem =
            serde_json::from_str(r#"{"code":"x","message":null,"meta":null,"extra":1}"#).unwrap();
        assert_eq!(item.message, "");
        assert_eq!(item.meta, ErrorMeta::default());
        let written = serde_json::to_string(&ApiErrorItem::new("form_param_missing", "m")).unwrap();
        assert_eq!(
            written,
            r#"{"code":"form_param_missing","message":"m","long_message":"m","meta":{}}"#
        );
    }
}
