//! The contract's JSON shapes (snake_case, Unix-ms timestamps), built from domain types.
//!
//! The shapes the SDK reads exactly as they are written here (statuses, verifications, email addresses, public
//! user data, the token, the envelope, the error body) are the shared `clerk-wasm-wire` crate's types, so a change
//! to one of them is a change to the SDK's reading too; the resources that carry more than the SDK reads are
//! declared here.

use serde::Serialize;

use clerk_wasm_wire::SignUpStatus as WireSignUpStatus;
pub use clerk_wasm_wire::{
    EmailAddress as EmailAddressJson, PublicUserData, SignUpVerifications, Token as TokenJson,
    Verification as VerificationJson,
};
use clerk_wasm_wire::{SessionStatus as WireSessionStatus, SignInStatus as WireSignInStatus};

use crate::domain::activity::parse_user_agent;
use crate::model::{
    EmailAddress, ExternalAccount, InstanceSettings, OAuthSignIn, OAuthStatus, Session,
    SessionStatus, SignIn, SignInStatus, SignUp, SignUpStatus, User, Verification,
    VerificationStatus,
};

/// Minimum password length, published in the environment and enforced at sign-up.
pub const PASSWORD_MIN_LENGTH: usize = 8;
/// Name shown by UIs.
pub const APPLICATION_NAME: &str = "clerk-wasm demo";

/// A count as the wire writes it (never negative; a corrupt negative count reads as absent).
fn count(n: i64) -> Option<u32> {
    u32::try_from(n).ok()
}

/// A time as the wire writes it (Unix ms; a corrupt negative time reads as absent).
fn unix_ms(t: i64) -> Option<u64> {
    u64::try_from(t).ok()
}

/// A verification with no code pending.
fn settled(status: &str, strategy: &str) -> VerificationJson {
    VerificationJson {
        status: Some(status.to_owned()),
        strategy: Some(strategy.to_owned()),
        attempts: Some(0),
        expire_at: None,
    }
}

/// The primary address of `u` (verified at sign-up or not; no code pending).
pub fn primary_email(u: &User) -> EmailAddressJson {
    EmailAddressJson {
        object: Some("email_address".to_owned()),
        id: u.email_id.clone(),
        email_address: u.email.clone(),
        verification: Some(settled(
            if u.email_verified {
                "verified"
            } else {
                "unverified"
            },
            "email_code",
        )),
    }
}

/// An address other than the primary, with the state of its code.
pub fn email(e: &EmailAddress) -> EmailAddressJson {
    let v = e.verification.as_ref();
    let status = match v {
        _ if e.verified => "verified",
        Some(v) => v.status.as_str(),
        None => "unverified",
    };
    EmailAddressJson {
        object: Some("email_address".to_owned()),
        id: e.id.clone(),
        email_address: e.email.clone(),
        verification: Some(VerificationJson {
            status: Some(status.to_owned()),
            strategy: Some("email_code".to_owned()),
            attempts: count(v.map_or(0, |v| v.attempts)),
            expire_at: v
                .filter(|v| v.status == VerificationStatus::Unverified)
                .and_then(|v| v.expire_at)
                .and_then(unix_ms),
        }),
    }
}

/// A user.
#[derive(Debug, Serialize)]
pub struct UserJson {
    /// Always `user`.
    pub object: &'static str,
    /// `user_…`
    pub id: String,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Always null here.
    pub username: Option<String>,
    /// Always empty here (no images).
    pub image_url: String,
    /// Always false here.
    pub has_image: bool,
    /// The id of the primary email address.
    pub primary_email_address_id: String,
    /// The user's email addresses, the primary one first.
    pub email_addresses: Vec<EmailAddressJson>,
    /// Linked provider accounts (filled in by the renderer that read them; empty otherwise).
    pub external_accounts: Vec<ExternalAccountJson>,
    /// Whether a password is set.
    pub password_enabled: bool,
    /// Unix ms.
    pub created_at: i64,
    /// Unix ms.
    pub updated_at: i64,
}

impl From<&User> for UserJson {
    fn from(u: &User) -> Self {
        Self {
            object: "user",
            id: u.id.clone(),
            first_name: u.first_name.clone(),
            last_name: u.last_name.clone(),
            username: None,
            image_url: String::new(),
            has_image: false,
            primary_email_address_id: u.email_id.clone(),
            email_addresses: std::iter::once(primary_email(u))
                .chain(u.other_emails.iter().map(email))
                .collect(),
            external_accounts: Vec::new(),
            password_enabled: u.password_hash.is_some(),
            created_at: u.created_at,
            updated_at: u.updated_at,
        }
    }
}

/// A session.
#[derive(Debug, Serialize)]
pub struct SessionJson {
    /// Always `session`.
    pub object: &'static str,
    /// `sess_…`
    pub id: String,
    /// Effective status at render time.
    pub status: WireSessionStatus,
    /// Unix ms.
    pub last_active_at: i64,
    /// Unix ms.
    pub expire_at: i64,
    /// Unix ms.
    pub abandon_at: i64,
    /// `user_…`
    pub user_id: String,
    /// The full user (omitted in backend listings).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<UserJson>,
    /// Public data of the user (omitted in backend listings).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_user_data: Option<PublicUserData>,
    /// `client_…` (backend listings only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// The device of the request that created or last touched the session (`GET /v1/me/sessions/active` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latest_activity: Option<SessionActivityJson>,
    /// Unix ms.
    pub created_at: i64,
    /// Unix ms.
    pub updated_at: i64,
}

impl SessionJson {
    /// A session as the frontend API shows it (with the user).
    pub fn frontend(s: &Session, status: SessionStatus, user: &User, inactivity_ms: i64) -> Self {
        let mut json = Self::backend(s, status, inactivity_ms);
        json.client_id = None;
        json.public_user_data = Some(PublicUserData {
            first_name: user.first_name.clone(),
            last_name: user.last_name.clone(),
            image_url: Some(String::new()),
            has_image: false,
            identifier: Some(user.email.clone()),
            user_id: Some(user.id.clone()),
        });
        json.user = Some(UserJson::from(user));
        json
    }

    /// A session as the backend API lists it (`user_id` and `client_id`, no user object).
    pub fn backend(s: &Session, status: SessionStatus, inactivity_ms: i64) -> Self {
        Self {
            object: "session",
            id: s.id.clone(),
            status: status.into(),
            last_active_at: s.last_active_at,
            expire_at: s.expire_at,
            abandon_at: s.abandon_at(inactivity_ms),
            user_id: s.user_id.clone(),
            user: None,
            public_user_data: None,
            client_id: Some(s.client_id.clone()),
            latest_activity: None,
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

/// `latest_activity` of a session: what its latest request's `User-Agent` and address say about the device.
#[derive(Debug, Serialize)]
pub struct SessionActivityJson {
    /// Always `session_activity`.
    pub object: &'static str,
    /// `sact_…`, derived from the session id (one activity per session).
    pub id: String,
    /// `Chrome`, `Firefox`, `Safari`, `Edge`, `Opera`, or empty when unknown.
    pub browser_name: String,
    /// The browser's version, or empty.
    pub browser_version: String,
    /// `desktop`, `mobile` or `tablet`.
    pub device_type: &'static str,
    /// Whether the device is a phone or tablet.
    pub is_mobile: bool,
    /// The peer address, null for sessions older than activity recording.
    pub ip_address: Option<String>,
}

impl SessionActivityJson {
    /// The latest activity of `s`.
    pub fn of(s: &Session) -> Self {
        let device = parse_user_agent(s.user_agent.as_deref().unwrap_or(""));
        Self {
            object: "session_activity",
            id: format!("sact_{}", s.id.strip_prefix("sess_").unwrap_or(&s.id)),
            is_mobile: device.is_mobile(),
            browser_name: device.browser_name,
            browser_version: device.browser_version,
            device_type: device.device_type,
            ip_address: s.ip_address.clone(),
        }
    }
}

/// A verification as shown to clients (never the code hash).
pub fn verification(v: &Verification) -> VerificationJson {
    VerificationJson {
        status: Some(v.status.as_str().to_owned()),
        strategy: Some(v.strategy.clone()),
        attempts: count(v.attempts),
        expire_at: v.expire_at.and_then(unix_ms),
    }
}

impl From<SessionStatus> for WireSessionStatus {
    fn from(s: SessionStatus) -> Self {
        match s {
            SessionStatus::Active => Self::Active,
            SessionStatus::Ended => Self::Ended,
            SessionStatus::Expired => Self::Expired,
            SessionStatus::Removed => Self::Removed,
            SessionStatus::Abandoned => Self::Abandoned,
            SessionStatus::Revoked => Self::Revoked,
        }
    }
}

impl From<SignInStatus> for WireSignInStatus {
    fn from(s: SignInStatus) -> Self {
        match s {
            SignInStatus::NeedsFirstFactor => Self::NeedsFirstFactor,
            SignInStatus::Complete => Self::Complete,
        }
    }
}

impl From<SignUpStatus> for WireSignUpStatus {
    fn from(s: SignUpStatus) -> Self {
        match s {
            SignUpStatus::MissingRequirements => Self::MissingRequirements,
            SignUpStatus::Complete => Self::Complete,
        }
    }
}

/// One supported first factor of a sign-in.
#[derive(Debug, Serialize)]
pub struct FirstFactor {
    /// `password` or `email_code`.
    pub strategy: &'static str,
    /// The email the code goes to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub safe_identifier: Option<String>,
    /// `idn_…` of that email.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_address_id: Option<String>,
}

/// A sign-in attempt.
#[derive(Debug, Serialize)]
pub struct SignInJson {
    /// Always `sign_in_attempt`.
    pub object: &'static str,
    /// `sia_…`
    pub id: String,
    /// Status.
    pub status: WireSignInStatus,
    /// The identifier.
    pub identifier: String,
    /// Always `["email_address"]`.
    pub supported_identifiers: [&'static str; 1],
    /// Password and email code.
    pub supported_first_factors: Vec<FirstFactor>,
    /// Always empty here.
    pub supported_second_factors: Vec<FirstFactor>,
    /// The first-factor verification.
    pub first_factor_verification: Option<VerificationJson>,
    /// Always null here.
    pub second_factor_verification: Option<VerificationJson>,
    /// Set when complete.
    pub created_session_id: Option<String>,
    /// Unix ms.
    pub created_at: i64,
    /// Unix ms.
    pub updated_at: i64,
}

impl SignInJson {
    /// Render a sign-in of `user`.
    pub fn new(s: &SignIn, user: &User) -> Self {
        let mut factors = Vec::with_capacity(2);
        if user.password_hash.is_some() {
            factors.push(FirstFactor {
                strategy: "password",
                safe_identifier: None,
                email_address_id: None,
            });
        }
        // Codes go to the address signed in with: the primary or another verified address.
        let address_id = user
            .other_emails
            .iter()
            .find(|e| e.email == s.identifier)
            .map_or(&user.email_id, |e| &e.id);
        factors.push(FirstFactor {
            strategy: "email_code",
            safe_identifier: Some(s.identifier.clone()),
            email_address_id: Some(address_id.clone()),
        });
        Self {
            object: "sign_in_attempt",
            id: s.id.clone(),
            status: s.status.into(),
            identifier: s.identifier.clone(),
            supported_identifiers: ["email_address"],
            supported_first_factors: factors,
            supported_second_factors: Vec::new(),
            first_factor_verification: s.verification.as_ref().map(verification),
            second_factor_verification: None,
            created_session_id: s.created_session_id.clone(),
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

/// A linked provider account, as Clerk shows `external_accounts` of a user.
#[derive(Debug, Serialize)]
pub struct ExternalAccountJson {
    /// Always `external_account`.
    pub object: &'static str,
    /// `eac_…`
    pub id: String,
    /// `oauth_custom_<key>`.
    pub provider: String,
    /// The provider's `sub`.
    pub provider_user_id: String,
    /// The email address the provider gave.
    pub email_address: String,
    /// First name at the provider.
    pub first_name: String,
    /// Last name at the provider.
    pub last_name: String,
    /// `verified` (the provider's id_token was verified).
    pub verification: VerificationJson,
    /// Unix ms.
    pub created_at: i64,
    /// Unix ms.
    pub updated_at: i64,
}

impl From<&ExternalAccount> for ExternalAccountJson {
    fn from(a: &ExternalAccount) -> Self {
        let strategy = format!("oauth_custom_{}", a.provider);
        Self {
            object: "external_account",
            id: a.id.clone(),
            provider: strategy,
            provider_user_id: a.identity.subject.clone(),
            email_address: a.identity.email.clone().unwrap_or_default(),
            first_name: a.identity.first_name.clone().unwrap_or_default(),
            last_name: a.identity.last_name.clone().unwrap_or_default(),
            verification: settled("verified", "oauth_custom"),
            created_at: a.created_at,
            updated_at: a.updated_at,
        }
    }
}

/// The first-factor verification of a sign-in through a provider.
#[derive(Debug, Serialize)]
pub struct ExternalVerificationJson {
    /// `unverified` until the provider's callback, then `verified` or `failed`.
    pub status: &'static str,
    /// `oauth_custom_<key>`.
    pub strategy: String,
    /// Always null (no attempts are counted).
    pub attempts: Option<i64>,
    /// Unix ms until which the callback (then the claim) is accepted.
    pub expire_at: Option<i64>,
    /// Where to send the browser: the provider's authorization URL (only in the answer that starts the sign-in).
    pub external_verification_redirect_url: Option<String>,
    /// Why the callback failed (`failed` only): the code also given to the browser.
    pub error: Option<String>,
}

/// A sign-in through an OpenID Connect provider.
#[derive(Debug, Serialize)]
pub struct OAuthSignInJson {
    /// Always `sign_in_attempt`.
    pub object: &'static str,
    /// `sia_…`
    pub id: String,
    /// `needs_first_factor` until claimed, then `complete`.
    pub status: WireSignInStatus,
    /// The provider's email address once known.
    pub identifier: Option<String>,
    /// Always `["email_address"]`.
    pub supported_identifiers: [&'static str; 1],
    /// The provider's strategy.
    pub supported_first_factors: Vec<FirstFactor>,
    /// Always empty here.
    pub supported_second_factors: Vec<FirstFactor>,
    /// The provider verification.
    pub first_factor_verification: ExternalVerificationJson,
    /// Always null here.
    pub second_factor_verification: Option<VerificationJson>,
    /// Set when complete.
    pub created_session_id: Option<String>,
    /// Unix ms.
    pub created_at: i64,
    /// Unix ms.
    pub updated_at: i64,
}

impl OAuthSignInJson {
    /// Render `s`; `redirect_url` is the authorization URL, known only when the sign-in starts.
    pub fn new(s: &OAuthSignIn, redirect_url: Option<String>) -> Self {
        let strategy = format!("oauth_custom_{}", s.provider);
        let status = match s.status {
            OAuthStatus::Started => "unverified",
            OAuthStatus::Verified | OAuthStatus::Complete => "verified",
            OAuthStatus::Failed => "failed",
        };
        Self {
            object: "sign_in_attempt",
            id: s.id.clone(),
            status: if s.status == OAuthStatus::Complete {
                WireSignInStatus::Complete
            } else {
                WireSignInStatus::NeedsFirstFactor
            },
            identifier: s.identity.as_ref().and_then(|i| i.email.clone()),
            supported_identifiers: ["email_address"],
            supported_first_factors: Vec::new(),
            supported_second_factors: Vec::new(),
            first_factor_verification: ExternalVerificationJson {
                status,
                strategy,
                attempts: None,
                expire_at: Some(s.expire_at),
                external_verification_redirect_url: redirect_url,
                error: s.error_code.clone(),
            },
            second_factor_verification: None,
            created_session_id: s.created_session_id.clone(),
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

/// The in-flight sign-in of a client: with a password or code, or through a provider.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum AnySignInJson {
    /// Password or email code.
    Factor(SignInJson),
    /// Through an OpenID Connect provider.
    External(OAuthSignInJson),
}

/// A sign-up attempt.
#[derive(Debug, Serialize)]
pub struct SignUpJson {
    /// Always `sign_up_attempt`.
    pub object: &'static str,
    /// `sua_…`
    pub id: String,
    /// Status.
    pub status: WireSignUpStatus,
    /// Always `["email_address", "password"]`.
    pub required_fields: [&'static str; 2],
    /// Always `["first_name", "last_name"]`.
    pub optional_fields: [&'static str; 2],
    /// Always empty (requirements are checked at creation).
    pub missing_fields: Vec<&'static str>,
    /// `["email_address"]` until verified.
    pub unverified_fields: Vec<&'static str>,
    /// Verifications by field.
    pub verifications: SignUpVerifications,
    /// The email address.
    pub email_address: String,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Always true.
    pub password_enabled: bool,
    /// Set when complete.
    pub created_session_id: Option<String>,
    /// Set when complete.
    pub created_user_id: Option<String>,
    /// Unix ms.
    pub created_at: i64,
    /// Unix ms.
    pub updated_at: i64,
}

impl From<&SignUp> for SignUpJson {
    fn from(s: &SignUp) -> Self {
        let verified = s.status == SignUpStatus::Complete;
        Self {
            object: "sign_up_attempt",
            id: s.id.clone(),
            status: s.status.into(),
            required_fields: ["email_address", "password"],
            optional_fields: ["first_name", "last_name"],
            missing_fields: Vec::new(),
            unverified_fields: if verified {
                Vec::new()
            } else {
                vec!["email_address"]
            },
            verifications: SignUpVerifications {
                email_address: s.verification.as_ref().map(verification),
            },
            email_address: s.email.clone(),
            first_name: s.first_name.clone(),
            last_name: s.last_name.clone(),
            password_enabled: true,
            created_session_id: s.created_session_id.clone(),
            created_user_id: s.created_user_id.clone(),
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

/// A client.
#[derive(Debug, Serialize)]
pub struct ClientJson {
    /// Always `client`.
    pub object: &'static str,
    /// `client_…`
    pub id: String,
    /// Active sessions only.
    pub sessions: Vec<SessionJson>,
    /// The in-flight sign-in.
    pub sign_in: Option<AnySignInJson>,
    /// The in-flight sign-up.
    pub sign_up: Option<SignUpJson>,
    /// The current session.
    pub last_active_session_id: Option<String>,
    /// Unix ms.
    pub created_at: i64,
    /// Unix ms.
    pub updated_at: i64,
}

/// A deleted resource: `{"object", "id", "deleted": true}`.
#[derive(Debug, Serialize)]
pub struct DeletedJson {
    /// What was deleted (`email_address`, `user`).
    pub object: &'static str,
    /// Its id.
    pub id: String,
    /// Always true.
    pub deleted: bool,
}

impl DeletedJson {
    /// `object` `id`, deleted.
    pub fn new(object: &'static str, id: String) -> Self {
        Self {
            object,
            id,
            deleted: true,
        }
    }
}

/// The `{"response", "client"}` envelope (`client` null for `GET /v1/client`).
pub type Envelope<T> = clerk_wasm_wire::Envelope<T, ClientJson>;

/// `GET /v1/environment`.
pub fn environment(settings: InstanceSettings) -> serde_json::Value {
    serde_json::json!({
        "object": "environment",
        "auth_config": {
            "object": "auth_config",
            "single_session_mode": settings.single_session_mode,
            "identification_strategies": ["email_address"],
            "first_factors": ["password", "email_code"],
        },
        "display_config": {
            "object": "display_config",
            "application_name": APPLICATION_NAME,
            "instance_environment_type": "development",
        },
        "user_settings": {
            "password": { "min_length": PASSWORD_MIN_LENGTH },
            "sign_up": { "email_verification_required": settings.email_verification_required },
            // The name, and Clerk's (`actions.delete_self`) for its own clients.
            "delete_self_enabled": settings.delete_self_enabled,
            "actions": { "delete_self": settings.delete_self_enabled },
        },
    })
}
