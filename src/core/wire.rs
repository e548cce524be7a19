//! Types for the Frontend API's JSON, their JSON mappings, and the parse entry points.
//!
//! Lenient where Clerk is: unknown fields are ignored and optional fields default. Wrongly-shaped data (a missing
//! id, a string where a list belongs, another resource's `object`) is an `Err`, never a panic. The mappings are
//! declared once per type with `json_struct!` (field name, and whether it is required, optional or defaulted);
//! the parser and writer live in [`super::json`].

use super::error::{codes, ApiErrorItem, ClerkError, NO_HTTP_STATUS};
use super::json::{self, json_enum, json_struct, Field, Fields, FromJson};
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

/// Status of a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    /// A status this SDK does not know; treated as signed out.
    Unknown,
}

/// Status of a sign-in attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInStatus {
    /// The identifier is still missing.
    NeedsIdentifier,
    /// A password or email code is needed.
    NeedsFirstFactor,
    /// A second factor is needed.
    NeedsSecondFactor,
    /// Done: `created_session_id` is set.
    Complete,
    /// A status this SDK does not know.
    Unknown,
}

/// Status of a sign-up attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignUpStatus {
    /// Some field (e.g. a verified email) is still missing.
    MissingRequirements,
    /// Done: `created_session_id` and `created_user_id` are set.
    Complete,
    /// A status this SDK does not know.
    Unknown,
}

/// A verification (`{status, strategy, attempts?, expire_at?}`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verification {
    /// `unverified`, `verified`, `failed`, `expired`, ...
    pub status: Option<String>,
    /// `email_code`, `password`, ...
    pub strategy: Option<String>,
    /// Attempts made on the current code.
    pub attempts: Option<u32>,
    /// When the current code expires (Unix ms).
    pub expire_at: Option<u64>,
}

/// An email address of a user.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EmailAddress {
    /// Always `"email_address"`.
    pub object: Option<String>,
    /// `idn_…`.
    pub id: String,
    /// The address itself.
    pub email_address: String,
    /// Its verification state.
    pub verification: Option<Verification>,
}

/// A user (full object, as carried inside a session).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
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
    pub has_image: bool,
    /// Id of the primary email address.
    pub primary_email_address_id: Option<String>,
    /// All email addresses.
    pub email_addresses: Vec<EmailAddress>,
    /// Whether the user has a password.
    pub password_enabled: bool,
    /// Creation time (Unix ms).
    pub created_at: u64,
    /// Last update (Unix ms).
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

/// The public part of a session's user, safe to show in account lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PublicUserData {
    /// Given name.
    pub first_name: Option<String>,
    /// Family name.
    pub last_name: Option<String>,
    /// Avatar URL.
    pub image_url: Option<String>,
    /// Whether `image_url` is an uploaded image.
    pub has_image: bool,
    /// The identifier (email address) the user signed in with.
    pub identifier: Option<String>,
    /// `user_…`.
    pub user_id: Option<String>,
}

/// A session: one signed-in (or formerly signed-in) account on this client.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Session {
    /// Always `"session"`.
    pub object: Option<String>,
    /// `sess_…`.
    pub id: String,
    /// Signed in (`active`) or one of the signed-out states.
    pub status: SessionStatus,
    /// Last activity (Unix ms); orders the account list.
    pub last_active_at: u64,
    /// Hard expiry (Unix ms).
    pub expire_at: u64,
    /// Expiry through inactivity (Unix ms).
    pub abandon_at: u64,
    /// The full user (shared: every copy of a client handed to JS points at the same user).
    pub user: Option<Rc<User>>,
    /// The public part of the user.
    pub public_user_data: Option<PublicUserData>,
    /// Creation time (Unix ms).
    pub created_at: u64,
    /// Last update (Unix ms).
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
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Factor {
    /// `password` or `email_code`.
    pub strategy: String,
    /// The masked identifier the code is sent to.
    pub safe_identifier: Option<String>,
    /// The email address the code is sent to.
    pub email_address_id: Option<String>,
}

/// A sign-in attempt (`object: "sign_in_attempt"`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
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

/// Verifications of a sign-up, by field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SignUpVerifications {
    /// The email address verification.
    pub email_address: Option<Verification>,
}

/// A sign-up attempt (`object: "sign_up_attempt"`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
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
    pub unverified_fields: Vec<String>,
    /// Verification state by field.
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
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Client {
    /// Always `"client"`.
    pub object: Option<String>,
    /// `client_…`.
    pub id: String,
    /// Sessions (the server lists only active ones; the SDK filters again). Shared, so copying a client for JS
    /// (every emit does) copies pointers, not sessions.
    pub sessions: Vec<Rc<Session>>,
    /// The current sign-in attempt.
    pub sign_in: Option<SignIn>,
    /// The current sign-up attempt.
    pub sign_up: Option<SignUp>,
    /// The session most recently made active on this client (by any tab).
    pub last_active_session_id: Option<String>,
    /// Creation time (Unix ms).
    pub created_at: u64,
    /// Last update (Unix ms).
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
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuthConfig {
    /// `true`: one account per client; `false`: multi-session.
    pub single_session_mode: bool,
    /// Identifiers users sign in with (`email_address`).
    pub identification_strategies: Vec<String>,
    /// First factors offered (`password`, `email_code`).
    pub first_factors: Vec<String>,
}

/// `display_config` of the environment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DisplayConfig {
    /// The application's name, for headings.
    pub application_name: Option<String>,
}

/// `user_settings.password`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PasswordSettings {
    /// Minimum password length.
    pub min_length: Option<u32>,
}

/// `user_settings.sign_up`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SignUpSettings {
    /// Whether a sign-up must verify its email with a code.
    pub email_verification_required: bool,
}

/// `user_settings` of the environment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserSettings {
    /// Password rules.
    pub password: PasswordSettings,
    /// Sign-up rules.
    pub sign_up: SignUpSettings,
}

/// The instance settings from `GET /v1/environment` (not wrapped in an envelope).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Environment {
    /// Authentication settings, including the session mode (required: it tells an environment from other JSON).
    pub auth_config: AuthConfig,
    /// Display settings.
    pub display_config: DisplayConfig,
    /// User settings.
    pub user_settings: UserSettings,
}

/// A session JWT from `POST /v1/client/sessions/{id}/tokens`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Token {
    /// Always `"token"`.
    pub object: Option<String>,
    /// The JWT.
    pub jwt: String,
}

impl WireObject for Token {
    const OBJECT: &'static str = "token";
    fn check(&self) -> Result<(), String> {
        check_object(self.object.as_deref(), Self::OBJECT)
    }
}

/// A mutation's answer: the resource and the whole client riding along.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope<T> {
    /// The resource (`null` e.g. for `GET /v1/client` with an unknown token).
    pub response: Option<T>,
    /// The client after the mutation; the SDK replaces its client with it when present.
    pub client: Option<Client>,
}

/// The body of a 4xx/5xx answer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErrorBody {
    /// The error items.
    pub errors: Vec<ApiErrorItem>,
    /// Trace id for support.
    pub clerk_trace_id: Option<String>,
}

/// The claims of a session JWT the SDK reads (no signature check: the server verifies tokens, not the SDK).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
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

json_enum!(SessionStatus {
    Active = "active", Ended = "ended", Expired = "expired", Removed = "removed", Abandoned = "abandoned",
    Revoked = "revoked",
});
json_enum!(SignInStatus {
    NeedsIdentifier = "needs_identifier", NeedsFirstFactor = "needs_first_factor",
    NeedsSecondFactor = "needs_second_factor", Complete = "complete",
});
json_enum!(SignUpStatus { MissingRequirements = "missing_requirements", Complete = "complete" });

json_struct!(Verification {
    status: opt,
    strategy: opt,
    attempts: opt,
    expire_at: opt
});
json_struct!(EmailAddress {
    object: opt,
    id: req,
    email_address: req,
    verification: opt
});
json_struct!(User {
    object: opt,
    id: req,
    first_name: opt,
    last_name: opt,
    username: opt,
    image_url: opt,
    has_image: or_default,
    primary_email_address_id: opt,
    email_addresses: or_default,
    password_enabled: or_default,
    created_at: or_default,
    updated_at: or_default,
});
json_struct!(PublicUserData {
    first_name: opt,
    last_name: opt,
    image_url: opt,
    has_image: or_default,
    identifier: opt,
    user_id: opt,
});
json_struct!(Session {
    object: opt,
    id: req,
    status: req,
    last_active_at: or_default,
    expire_at: or_default,
    abandon_at: or_default,
    user: opt,
    public_user_data: opt,
    created_at: or_default,
    updated_at: or_default,
});
json_struct!(Factor {
    strategy: req,
    safe_identifier: opt,
    email_address_id: opt
});
json_struct!(SignIn {
    object: opt,
    id: req,
    status: req,
    identifier: opt,
    supported_first_factors: or_default,
    first_factor_verification: opt,
    created_session_id: opt,
});
json_struct!(SignUpVerifications { email_address: opt });
json_struct!(SignUp {
    object: opt,
    id: req,
    status: req,
    email_address: opt,
    unverified_fields: or_default,
    verifications: or_default,
    created_session_id: opt,
    created_user_id: opt,
});
json_struct!(Client {
    object: opt,
    id: req,
    sessions: or_default,
    sign_in: opt,
    sign_up: opt,
    last_active_session_id: opt,
    created_at: or_default,
    updated_at: or_default,
});
json_struct!(AuthConfig {
    single_session_mode: or_default,
    identification_strategies: or_default,
    first_factors: or_default
});
json_struct!(DisplayConfig {
    application_name: opt
});
json_struct!(PasswordSettings { min_length: opt });
json_struct!(SignUpSettings {
    email_verification_required: or_default
});
json_struct!(UserSettings {
    password: or_default,
    sign_up: or_default
});
json_struct!(Environment {
    auth_config: req,
    display_config: or_default,
    user_settings: or_default
});
json_struct!(Token {
    object: opt,
    jwt: req
});
json_struct!(ErrorBody {
    errors: req,
    clerk_trace_id: opt
});
json_struct!(JwtClaims {
    sid: req,
    exp: req,
    iat: opt,
    sub: opt
});

impl<T> Default for Envelope<T> {
    fn default() -> Self {
        Envelope {
            response: None,
            client: None,
        }
    }
}

impl<T: json::ObjectItem> FromJson for Envelope<T> {
    fn read_fields(&mut self, f: &Fields) {
        // `response` must be present even when `null`: that tells an envelope from other JSON.
        self.response.read(f, "response", true);
        self.client.read(f, "client", false);
    }
}

/// Parses JSON into `T` (crate-internal: storage snapshots use it too).
pub(crate) fn from_json<T: FromJson + Default>(text: &str) -> Result<T, String> {
    json::from_str(text)
}

/// Encodes `value` as JSON (the tests' round trips; storage writes through [`super::storage`]).
#[cfg(test)]
pub(crate) fn to_json(value: &dyn json::ToJson) -> String {
    json::to_string(value)
}

/// Whether `status` is a success (2xx).
fn is_success(status: u16) -> bool {
    (200..300).contains(&status)
}

/// Parses a success body into `target`, or turns an error status into the error it carries. Not generic, so the
/// parsing, checking and error paths exist once in the binary whatever the resource.
fn parse_ok_into(status: u16, body: &str, target: &mut dyn WireCheck) -> Result<(), ClerkError> {
    if !is_success(status) {
        return Err(parse_error(status, body));
    }
    json::read_text(body, target)
        .and_then(|()| target.wire_check())
        .map_err(|e| ClerkError::invalid_response(status, e))
}

/// Parses a success body as `T`, or turns an error status into the error it carries.
fn parse_ok<T: WireCheck + Default>(status: u16, body: &str) -> Result<T, ClerkError> {
    let mut value = T::default();
    parse_ok_into(status, body, &mut value)?;
    Ok(value)
}

/// The checks a parsed answer gets before it is used: the `object` discriminators (see [`WireObject`]).
pub trait WireCheck: FromJson {
    /// `Err` when a resource in the value is another resource than expected.
    fn wire_check(&self) -> Result<(), String>;
}

impl<T: WireObject + json::ObjectItem> WireCheck for Envelope<T> {
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

/// An [`Envelope`] being read, whatever its resource: what the transport needs of it without knowing the type,
/// so the sending, parsing and client handling of every mutation exist once in the binary.
pub trait EnvelopeTarget: WireCheck {
    /// Takes the client riding along, if any.
    fn take_client(&mut self) -> Option<Client>;
}

impl<T: WireObject + json::ObjectItem> EnvelopeTarget for Envelope<T> {
    fn take_client(&mut self) -> Option<Client> {
        self.client.take()
    }
}

/// Parses an answer whose body is an envelope into `target` (see [`parse_envelope`]); not generic.
pub fn parse_envelope_into(
    status: u16,
    body: &str,
    target: &mut dyn EnvelopeTarget,
) -> Result<(), ClerkError> {
    parse_ok_into(status, body, target)
}

/// Parses any response whose body is an [`Envelope`] of `T` (sign-ins, sign-ups, sessions, the client).
pub fn parse_envelope<T: json::ObjectItem + WireObject>(
    status: u16,
    body: &str,
) -> Result<Envelope<T>, ClerkError> {
    parse_ok(status, body)
}

/// Parses the answer to `GET /v1/client`: the client, or `None` when the server does not know the token.
pub fn parse_client(status: u16, body: &str) -> Result<Option<Client>, ClerkError> {
    parse_envelope::<Client>(status, body).map(|env| env.response)
}

/// Parses the answer to `GET /v1/environment`.
pub fn parse_environment(status: u16, body: &str) -> Result<Environment, ClerkError> {
    parse_ok(status, body)
}

/// Parses the answer to `POST /v1/client/sessions/{id}/tokens` (a bare token, no envelope).
pub fn parse_token(status: u16, body: &str) -> Result<Token, ClerkError> {
    parse_ok(status, body)
}

/// Turns a failed answer into a [`ClerkError`]; a body that is not the Clerk error shape becomes `invalid_response`.
pub fn parse_error(status: u16, body: &str) -> ClerkError {
    match from_json::<ErrorBody>(body) {
        Ok(b) => ClerkError::from_items(status, b.errors, b.clerk_trace_id),
        Err(e) => ClerkError::invalid_response(
            status,
            [
                "HTTP ",
                &super::text::decimal(status.into()),
                " without a Clerk error body (",
                &e,
                ")",
            ]
            .concat(),
        ),
    }
}

/// Parses the JSON of a JWT payload (already base64url-decoded).
pub fn parse_jwt_claims(payload: &[u8]) -> Result<JwtClaims, ClerkError> {
    let text = super::text::utf8(payload).ok_or_else(|| "not UTF-8".to_string());
    text.and_then(|text| from_json(&text)).map_err(|e| {
        ClerkError::single(
            NO_HTTP_STATUS,
            codes::INVALID_TOKEN,
            format!("Session token payload is invalid: {e}"),
        )
    })
}

#[cfg(test)]
#[path = "wire_tests.rs"]
mod tests;
