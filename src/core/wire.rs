//! Types for the Frontend API's JSON (serde derives, the wire's snake_case names) and the parse entry points.
//!
//! Lenient where Clerk is: unknown fields are ignored, optional fields default, and `null` reads as absent.
//! Wrongly-shaped data (a missing id, a string where a list belongs, another resource's `object`) is an `Err`, never
//! a panic. The core never sees JSON text: the parse functions take any serde [`Deserializer`] over a value the
//! platform already parsed (the browser's `Response.json()` through serde-wasm-bindgen in the wasm build,
//! `serde_json` in the native tests).
//!
//! The shapes the server writes exactly as the SDK reads them (statuses, verifications, email addresses, public user
//! data, the token, the envelope, the error body) come from the shared `clerk-wasm-wire` crate, which the reference
//! server writes them with; the types declared here are the SDK's lenient reading of resources the server writes
//! with more fields.

use super::error::{codes, ClerkError, NO_HTTP_STATUS};
pub use clerk_wasm_wire::{
    EmailAddress, ErrorBody, PublicUserData, SessionStatus, SignInStatus, SignUpStatus,
    SignUpVerifications, Token, Verification,
};
use serde::{Deserialize, Deserializer};
// The SDK stores the JSON values the server sent (see `storage`); only the native tests encode wire types.
#[cfg(test)]
use serde::Serialize;
use std::rc::Rc;

/// A resource with an `object` discriminator, checked after parsing so one resource is never taken for another.
pub trait WireObject {
    /// The expected value of `object` (`"client"`, `"session"`, ...).
    const OBJECT: &'static str;
    /// Checks `object` (when present) on this value and on the resources nested in it.
    fn check(&self) -> Result<(), String>;
}

/// `Err` when `object` is present and names another resource.
fn check_object(found: Option<&str>, expected: &str) -> Result<(), String> {
    match found {
        Some(o) if o != expected => Err(format!("expected object \"{expected}\", found \"{o}\"")),
        _ => Ok(()),
    }
}

/// A user (full object, as carried inside a session).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(Serialize))]
pub struct User {
    /// Always `"user"`.
    pub object: Option<String>,
    /// `user_…`.
    pub id: String,
    /// Given name.
    pub first_name: Option<String>,
    /// Family name.
    pub last_name: Option<String>,
    /// Username, when the instance uses them.
    pub username: Option<String>,
    /// Avatar URL.
    pub image_url: Option<String>,
    /// Whether `image_url` is an uploaded image (not a generated default).
    #[serde(default, deserialize_with = "clerk_wasm_wire::de::null_as_default")]
    pub has_image: bool,
    /// Id of the primary email address.
    pub primary_email_address_id: Option<String>,
    /// All email addresses.
    #[serde(default, deserialize_with = "clerk_wasm_wire::de::null_as_default")]
    pub email_addresses: Vec<EmailAddress>,
    /// Whether the user has a password.
    #[serde(default, deserialize_with = "clerk_wasm_wire::de::null_as_default")]
    pub password_enabled: bool,
    /// Creation time (Unix ms).
    #[serde(default, deserialize_with = "clerk_wasm_wire::de::null_as_default")]
    pub created_at: u64,
    /// Last update (Unix ms).
    #[serde(default, deserialize_with = "clerk_wasm_wire::de::null_as_default")]
    pub updated_at: u64,
}

impl User {
    /// `"First Last"`, either alone, or `None` when both are empty.
    pub fn full_name(&self) -> Option<String> {
        let parts: Vec<&str> = [self.first_name.as_deref(), self.last_name.as_deref()]
            .into_iter()
            .flatten()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        if parts.is_empty() {
            None
        } else {
            Some(parts.join(" "))
        }
    }

    /// The email address whose id is `primary_email_address_id`.
    pub fn primary_email_address(&self) -> Option<&EmailAddress> {
        let id = self.primary_email_address_id.as_deref()?;
        self.email_addresses.iter().find(|e| e.id == id)
    }
}

/// A session: one signed-in (or formerly signed-in) account on this client.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(Serialize))]
pub struct Session {
    /// Always `"session"`.
    pub object: Option<String>,
    /// `sess_…`.
    pub id: String,
    /// Signed in (`active`) or one of the signed-out states.
    pub status: SessionStatus,
    /// Last activity (Unix ms); orders the account list.
    #[serde(default, deserialize_with = "clerk_wasm_wire::de::null_as_default")]
    pub last_active_at: u64,
    /// Hard expiry (Unix ms).
    #[serde(default, deserialize_with = "clerk_wasm_wire::de::null_as_default")]
    pub expire_at: u64,
    /// Expiry through inactivity (Unix ms).
    #[serde(default, deserialize_with = "clerk_wasm_wire::de::null_as_default")]
    pub abandon_at: u64,
    /// The full user (shared: every copy of a client handed to JS points at the same user).
    pub user: Option<Rc<User>>,
    /// The public part of the user.
    pub public_user_data: Option<PublicUserData>,
    /// Creation time (Unix ms).
    #[serde(default, deserialize_with = "clerk_wasm_wire::de::null_as_default")]
    pub created_at: u64,
    /// Last update (Unix ms).
    #[serde(default, deserialize_with = "clerk_wasm_wire::de::null_as_default")]
    pub updated_at: u64,
}

impl Session {
    /// Whether the session is signed in (`status == active`).
    pub fn is_signed_in(&self) -> bool {
        self.status == SessionStatus::Active
    }
}

impl WireObject for Session {
    const OBJECT: &'static str = "session";
    fn check(&self) -> Result<(), String> {
        check_object(self.object.as_deref(), Self::OBJECT)?;
        match &self.user {
            Some(u) => check_object(u.object.as_deref(), "user"),
            None => Ok(()),
        }
    }
}

/// A first factor a sign-in may use.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(Serialize))]
pub struct Factor {
    /// `password` or `email_code`.
    pub strategy: String,
    /// The masked identifier the code is sent to.
    pub safe_identifier: Option<String>,
    /// The email address the code is sent to.
    pub email_address_id: Option<String>,
}

/// A sign-in attempt (`object: "sign_in_attempt"`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(Serialize))]
pub struct SignIn {
    /// Always `"sign_in_attempt"`.
    pub object: Option<String>,
    /// `sia_…`.
    pub id: String,
    /// Where the attempt stands.
    pub status: SignInStatus,
    /// The identifier being signed in.
    pub identifier: Option<String>,
    /// The factors this identifier may use.
    #[serde(default, deserialize_with = "clerk_wasm_wire::de::null_as_default")]
    pub supported_first_factors: Vec<Factor>,
    /// State of the first-factor verification.
    pub first_factor_verification: Option<Verification>,
    /// The new session, once complete.
    pub created_session_id: Option<String>,
}

impl WireObject for SignIn {
    const OBJECT: &'static str = "sign_in_attempt";
    fn check(&self) -> Result<(), String> {
        check_object(self.object.as_deref(), Self::OBJECT)
    }
}

/// A sign-up attempt (`object: "sign_up_attempt"`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(Serialize))]
pub struct SignUp {
    /// Always `"sign_up_attempt"`.
    pub object: Option<String>,
    /// `sua_…`.
    pub id: String,
    /// Where the attempt stands.
    pub status: SignUpStatus,
    /// The email address signing up.
    pub email_address: Option<String>,
    /// Fields still to verify.
    #[serde(default, deserialize_with = "clerk_wasm_wire::de::null_as_default")]
    pub unverified_fields: Vec<String>,
    /// Verification state by field.
    #[serde(default, deserialize_with = "clerk_wasm_wire::de::null_as_default")]
    pub verifications: SignUpVerifications,
    /// The new session, once complete.
    pub created_session_id: Option<String>,
    /// The new user, once complete.
    pub created_user_id: Option<String>,
}

impl WireObject for SignUp {
    const OBJECT: &'static str = "sign_up_attempt";
    fn check(&self) -> Result<(), String> {
        check_object(self.object.as_deref(), Self::OBJECT)
    }
}

/// The client: this browser's set of sessions and in-progress sign-in/sign-up.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(Serialize))]
pub struct Client {
    /// Always `"client"`.
    pub object: Option<String>,
    /// `client_…`.
    pub id: String,
    /// Sessions (the server lists only active ones; the SDK filters again). Shared, so copying a client for JS
    /// (every emit does) copies pointers, not sessions.
    #[serde(default, deserialize_with = "clerk_wasm_wire::de::null_as_default")]
    pub sessions: Vec<Rc<Session>>,
    /// The current sign-in attempt.
    pub sign_in: Option<SignIn>,
    /// The current sign-up attempt.
    pub sign_up: Option<SignUp>,
    /// The session most recently made active on this client (by any tab).
    pub last_active_session_id: Option<String>,
    /// Creation time (Unix ms).
    #[serde(default, deserialize_with = "clerk_wasm_wire::de::null_as_default")]
    pub created_at: u64,
    /// Last update (Unix ms).
    #[serde(default, deserialize_with = "clerk_wasm_wire::de::null_as_default")]
    pub updated_at: u64,
}

impl Client {
    /// The session with this id, whatever its status.
    pub fn session(&self, id: &str) -> Option<&Rc<Session>> {
        self.sessions.iter().find(|s| s.id == id)
    }
}

impl WireObject for Client {
    const OBJECT: &'static str = "client";
    fn check(&self) -> Result<(), String> {
        check_object(self.object.as_deref(), Self::OBJECT)?;
        self.sessions.iter().try_for_each(|s| s.check())?;
        if let Some(s) = &self.sign_in {
            s.check()?;
        }
        if let Some(s) = &self.sign_up {
            s.check()?;
        }
        Ok(())
    }
}

/// `auth_config` of the environment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(Serialize))]
pub struct AuthConfig {
    /// `true`: one account per client; `false`: multi-session.
    #[serde(default, deserialize_with = "clerk_wasm_wire::de::null_as_default")]
    pub single_session_mode: bool,
    /// Identifiers users sign in with (`email_address`).
    #[serde(default, deserialize_with = "clerk_wasm_wire::de::null_as_default")]
    pub identification_strategies: Vec<String>,
    /// First factors offered (`password`, `email_code`).
    #[serde(default, deserialize_with = "clerk_wasm_wire::de::null_as_default")]
    pub first_factors: Vec<String>,
}

/// `display_config` of the environment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(Serialize))]
pub struct DisplayConfig {
    /// The application's name, for headings.
    pub application_name: Option<String>,
}

/// `user_settings.password`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(Serialize))]
pub struct PasswordSettings {
    /// Minimum password length.
    pub min_length: Option<u32>,
}

/// `user_settings.sign_up`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(Serialize))]
pub struct SignUpSettings {
    /// Whether a sign-up must verify its email with a code.
    #[serde(default, deserialize_with = "clerk_wasm_wire::de::null_as_default")]
    pub email_verification_required: bool,
}

/// `user_settings` of the environment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(Serialize))]
pub struct UserSettings {
    /// Password rules.
    #[serde(default, deserialize_with = "clerk_wasm_wire::de::null_as_default")]
    pub password: PasswordSettings,
    /// Sign-up rules.
    #[serde(default, deserialize_with = "clerk_wasm_wire::de::null_as_default")]
    pub sign_up: SignUpSettings,
}

/// The instance settings from `GET /v1/environment` (not wrapped in an envelope).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(Serialize))]
pub struct Environment {
    /// Authentication settings, including the session mode (required: it tells an environment from other JSON).
    pub auth_config: AuthConfig,
    /// Display settings.
    #[serde(default, deserialize_with = "clerk_wasm_wire::de::null_as_default")]
    pub display_config: DisplayConfig,
    /// User settings.
    #[serde(default, deserialize_with = "clerk_wasm_wire::de::null_as_default")]
    pub user_settings: UserSettings,
}

impl WireObject for Token {
    const OBJECT: &'static str = "token";
    fn check(&self) -> Result<(), String> {
        check_object(self.object.as_deref(), Self::OBJECT)
    }
}

/// A mutation's answer: the resource (`None` e.g. for `GET /v1/client` with an unknown token) and the client after
/// the mutation, which replaces the SDK's client when present.
pub type Envelope<T> = clerk_wasm_wire::Envelope<Option<T>, Client>;

/// The claims of a session JWT the SDK reads (no signature check: the server verifies tokens, not the SDK).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct JwtClaims {
    /// The session id the token is for.
    pub sid: String,
    /// Expiry, Unix seconds.
    pub exp: u64,
    /// Issue time, Unix seconds.
    pub iat: Option<u64>,
    /// The user id.
    pub sub: Option<String>,
}

/// The message of an answer that does not have the contract's shape. The deserializer's own error is not
/// formatted: the contract names the shape, and the SDK's error code says what went wrong.
const NOT_THE_SHAPE: &str = "the answer does not have the shape the Frontend API contract gives it";

/// Whether `status` is a success (2xx).
fn is_success(status: u16) -> bool {
    (200..300).contains(&status)
}

/// The checks a parsed answer gets before it is used: the `object` discriminators (see [`WireObject`]).
pub trait WireCheck {
    /// `Err` when a resource in the value is another resource than expected.
    fn wire_check(&self) -> Result<(), String>;
}

impl<T: WireObject> WireCheck for Envelope<T> {
    fn wire_check(&self) -> Result<(), String> {
        if let Some(r) = &self.response {
            r.check()?;
        }
        match &self.client {
            Some(c) => c.check(),
            None => Ok(()),
        }
    }
}

impl WireCheck for Token {
    fn wire_check(&self) -> Result<(), String> {
        self.check()
    }
}

impl WireCheck for Environment {
    fn wire_check(&self) -> Result<(), String> {
        Ok(())
    }
}

/// Parses a success body as `T`, or turns an error status into the error it carries. `body` is the answer as the
/// platform parsed it, `None` when it was not JSON.
pub fn parse_ok<'de, T, D>(status: u16, body: Option<D>) -> Result<T, ClerkError>
where
    T: Deserialize<'de> + WireCheck,
    D: Deserializer<'de>,
{
    let body = success_body(status, body)?;
    let value = T::deserialize(body).map_err(|_| not_the_shape(status))?;
    value
        .wire_check()
        .map_err(|e| ClerkError::invalid_response(status, e))?;
    Ok(value)
}

/// The body of a success answer, or the error a failed or non-JSON answer stands for: the part of [`parse_ok`] that
/// does not depend on the type read.
fn success_body<'de, D: Deserializer<'de>>(status: u16, body: Option<D>) -> Result<D, ClerkError> {
    if !is_success(status) {
        return Err(parse_error(status, body));
    }
    body.ok_or_else(|| ClerkError::invalid_response(status, "the answer is not JSON"))
}

/// The error for a success answer that does not have the contract's shape.
fn not_the_shape(status: u16) -> ClerkError {
    ClerkError::invalid_response(status, NOT_THE_SHAPE)
}

/// Parses any response whose body is an [`Envelope`] of `T` (sign-ins, sign-ups, sessions, the client).
pub fn parse_envelope<'de, T, D>(status: u16, body: Option<D>) -> Result<Envelope<T>, ClerkError>
where
    T: Deserialize<'de> + WireObject,
    D: Deserializer<'de>,
{
    parse_ok(status, body)
}

/// Parses the answer to `GET /v1/client`: the client, or `None` when the server does not know the token.
pub fn parse_client<'de, D: Deserializer<'de>>(
    status: u16,
    body: Option<D>,
) -> Result<Option<Client>, ClerkError> {
    parse_envelope::<Client, D>(status, body).map(|env| env.response)
}

/// Parses the answer to `GET /v1/environment`.
pub fn parse_environment<'de, D: Deserializer<'de>>(
    status: u16,
    body: Option<D>,
) -> Result<Environment, ClerkError> {
    parse_ok(status, body)
}

/// Parses the answer to `POST /v1/client/sessions/{id}/tokens` (a bare token, no envelope).
pub fn parse_token<'de, D: Deserializer<'de>>(
    status: u16,
    body: Option<D>,
) -> Result<Token, ClerkError> {
    parse_ok(status, body)
}

/// Turns a failed answer into a [`ClerkError`]; a body that is not the Clerk error shape becomes `invalid_response`.
pub fn parse_error<'de, D: Deserializer<'de>>(status: u16, body: Option<D>) -> ClerkError {
    match body.map(ErrorBody::deserialize) {
        Some(Ok(b)) => ClerkError::from_items(status, b.errors, b.clerk_trace_id),
        _ => ClerkError::invalid_response(
            status,
            format!("HTTP {status} without a Clerk error body"),
        ),
    }
}

/// The `invalid_token` error for a session JWT whose payload could not be read.
pub fn invalid_token(why: &str) -> ClerkError {
    ClerkError::single(
        NO_HTTP_STATUS,
        codes::INVALID_TOKEN,
        format!("Invalid session token: {why}"),
    )
}

/// The `invalid_token` error for a JWT payload that is not JSON or lacks the claims the SDK reads.
pub fn invalid_payload(why: &str) -> ClerkError {
    ClerkError::single(
        NO_HTTP_STATUS,
        codes::INVALID_TOKEN,
        format!("Session token payload is invalid: {why}"),
    )
}

/// Reads the claims of a JWT payload the platform decoded (base64url, then JSON) into `D`'s value.
pub fn parse_jwt_claims<'de, D: Deserializer<'de>>(payload: D) -> Result<JwtClaims, ClerkError> {
    JwtClaims::deserialize(payload).map_err(|_| invalid_payload("it lacks `sid` or `exp`"))
}

#[cfg(test)]
#[path = "wire_tests.rs"]
mod tests;
