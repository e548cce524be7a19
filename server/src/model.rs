//! Domain types: what the store keeps and the rules reason about. No wire or SQL concerns here.

/// Instance-wide settings, changeable at run time through the backend API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InstanceSettings {
    /// One session per client (`true`) or many (`false`).
    pub single_session_mode: bool,
    /// Whether sign-ups must verify their email address with a code.
    pub email_verification_required: bool,
    /// Whether users may delete their own account (`DELETE /v1/me`).
    pub delete_self_enabled: bool,
}

impl Default for InstanceSettings {
    /// Multi-session, no verification at sign-up, self-deletion allowed.
    fn default() -> Self {
        Self {
            single_session_mode: false,
            email_verification_required: false,
            delete_self_enabled: true,
        }
    }
}

/// A client: one browser (one token) and its sessions and in-flight sign-in / sign-up.
#[derive(Debug, Clone)]
pub struct Client {
    /// `client_…`
    pub id: String,
    /// Hex SHA-256 of the token secret.
    pub token_hash: String,
    /// The session the client considers current.
    pub last_active_session_id: Option<String>,
    /// The in-flight sign-in, if any.
    pub sign_in_id: Option<String>,
    /// The in-flight sign-up, if any.
    pub sign_up_id: Option<String>,
    /// Unix ms.
    pub created_at: i64,
    /// Unix ms.
    pub updated_at: i64,
}

/// A user: its primary email address on the user itself, any others in [`User::other_emails`].
#[derive(Debug, Clone)]
pub struct User {
    /// `user_…`
    pub id: String,
    /// `idn_…`, the id of the primary email address.
    pub email_id: String,
    /// The primary email address (lowercase, NFC).
    pub email: String,
    /// Whether the primary email address was verified.
    pub email_verified: bool,
    /// The other email addresses, oldest first: read with the user, written one by one
    /// ([`Write::EmailAddress`](crate::store::Write::EmailAddress); [`Write::User`](crate::store::Write::User) and
    /// [`Write::UpdateUser`](crate::store::Write::UpdateUser) ignore this field).
    pub other_emails: Vec<EmailAddress>,
    /// Optional first name.
    pub first_name: Option<String>,
    /// Optional last name.
    pub last_name: Option<String>,
    /// PHC-format argon2id hash.
    pub password_hash: Option<String>,
    /// Unix ms.
    pub created_at: i64,
    /// Unix ms.
    pub updated_at: i64,
}

/// An email address of a user other than its primary one.
#[derive(Debug, Clone)]
pub struct EmailAddress {
    /// `idn_…`
    pub id: String,
    /// The owner.
    pub user_id: String,
    /// Lowercase, NFC.
    pub email: String,
    /// Whether the owner proved it receives mail there.
    pub verified: bool,
    /// The latest code verification, once one was prepared.
    pub verification: Option<Verification>,
    /// Unix ms.
    pub created_at: i64,
    /// Unix ms.
    pub updated_at: i64,
}

/// Session status as in the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionStatus {
    /// Usable.
    Active,
    /// Ended by the user.
    Ended,
    /// Past `expire_at`.
    Expired,
    /// Removed by the user.
    Removed,
    /// Past `abandon_at`.
    Abandoned,
    /// Revoked through the backend API.
    Revoked,
}

impl SessionStatus {
    /// Wire / storage name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Ended => "ended",
            Self::Expired => "expired",
            Self::Removed => "removed",
            Self::Abandoned => "abandoned",
            Self::Revoked => "revoked",
        }
    }

    /// Parse a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "active" => Self::Active,
            "ended" => Self::Ended,
            "expired" => Self::Expired,
            "removed" => Self::Removed,
            "abandoned" => Self::Abandoned,
            "revoked" => Self::Revoked,
            _ => return None,
        })
    }
}

/// A session of one user on one client.
#[derive(Debug, Clone)]
pub struct Session {
    /// `sess_…`
    pub id: String,
    /// Owning client.
    pub client_id: String,
    /// Signed-in user.
    pub user_id: String,
    /// Stored status; see [`Session::status_at`] for the effective one.
    pub status: SessionStatus,
    /// Unix ms of the last touch.
    pub last_active_at: i64,
    /// `User-Agent` of the request that created or last touched the session.
    pub user_agent: Option<String>,
    /// Peer address of that request.
    pub ip_address: Option<String>,
    /// Unix ms after which the session is expired.
    pub expire_at: i64,
    /// Unix ms.
    pub created_at: i64,
    /// Unix ms.
    pub updated_at: i64,
}

impl Session {
    /// When the session is abandoned for lack of activity.
    pub fn abandon_at(&self, inactivity_ms: i64) -> i64 {
        self.last_active_at.saturating_add(inactivity_ms)
    }

    /// The status at `now`: a stored `active` turns `expired` / `abandoned` once those instants pass.
    pub fn status_at(&self, now: i64, inactivity_ms: i64) -> SessionStatus {
        match self.status {
            SessionStatus::Active if now >= self.expire_at => SessionStatus::Expired,
            SessionStatus::Active if now >= self.abandon_at(inactivity_ms) => {
                SessionStatus::Abandoned
            }
            other => other,
        }
    }

    /// Whether the session is usable at `now`.
    pub fn is_active_at(&self, now: i64, inactivity_ms: i64) -> bool {
        self.status_at(now, inactivity_ms) == SessionStatus::Active
    }
}

/// Status of a verification (code or password).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerificationStatus {
    /// Prepared, not yet attempted successfully.
    Unverified,
    /// Succeeded.
    Verified,
    /// Too many wrong attempts.
    Failed,
    /// The code's lifetime passed.
    Expired,
}

impl VerificationStatus {
    /// Wire / storage name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unverified => "unverified",
            Self::Verified => "verified",
            Self::Failed => "failed",
            Self::Expired => "expired",
        }
    }

    /// Parse a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "unverified" => Self::Unverified,
            "verified" => Self::Verified,
            "failed" => Self::Failed,
            "expired" => Self::Expired,
            _ => return None,
        })
    }
}

/// A first-factor or email verification in progress or done.
#[derive(Debug, Clone)]
pub struct Verification {
    /// Current status.
    pub status: VerificationStatus,
    /// `password` or `email_code`.
    pub strategy: String,
    /// Attempts made so far.
    pub attempts: i64,
    /// Unix ms after which the code is expired (codes only).
    pub expire_at: Option<i64>,
    /// Hex SHA-256 of the code (codes only).
    pub code_hash: Option<String>,
}

/// Sign-in status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInStatus {
    /// Waiting for a password or code.
    NeedsFirstFactor,
    /// Done; `created_session_id` is set.
    Complete,
}

impl SignInStatus {
    /// Wire / storage name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NeedsFirstFactor => "needs_first_factor",
            Self::Complete => "complete",
        }
    }

    /// Parse a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "needs_first_factor" => Self::NeedsFirstFactor,
            "complete" => Self::Complete,
            _ => return None,
        })
    }
}

/// A sign-in attempt of a known user.
#[derive(Debug, Clone)]
pub struct SignIn {
    /// `sia_…`
    pub id: String,
    /// Owning client.
    pub client_id: String,
    /// The user identified.
    pub user_id: String,
    /// The identifier as normalised (lowercase email).
    pub identifier: String,
    /// Current status.
    pub status: SignInStatus,
    /// The first-factor verification, once one was prepared or attempted.
    pub verification: Option<Verification>,
    /// Set when complete.
    pub created_session_id: Option<String>,
    /// Unix ms.
    pub created_at: i64,
    /// Unix ms.
    pub updated_at: i64,
}

/// Sign-up status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignUpStatus {
    /// Waiting for email verification.
    MissingRequirements,
    /// Done; user and session created.
    Complete,
}

impl SignUpStatus {
    /// Wire / storage name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MissingRequirements => "missing_requirements",
            Self::Complete => "complete",
        }
    }

    /// Parse a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "missing_requirements" => Self::MissingRequirements,
            "complete" => Self::Complete,
            _ => return None,
        })
    }
}

/// A sign-up attempt.
#[derive(Debug, Clone)]
pub struct SignUp {
    /// `sua_…`
    pub id: String,
    /// Owning client.
    pub client_id: String,
    /// Lowercase email address.
    pub email: String,
    /// Argon2id hash of the chosen password; cleared once the user exists.
    pub password_hash: Option<String>,
    /// Optional first name.
    pub first_name: Option<String>,
    /// Optional last name.
    pub last_name: Option<String>,
    /// Current status.
    pub status: SignUpStatus,
    /// The email verification, when required.
    pub verification: Option<Verification>,
    /// Set when complete.
    pub created_user_id: Option<String>,
    /// Set when complete.
    pub created_session_id: Option<String>,
    /// Unix ms.
    pub created_at: i64,
    /// Unix ms.
    pub updated_at: i64,
}

/// Where a sign-in with an OpenID Connect provider stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OAuthStatus {
    /// Sent to the provider; waiting for its callback.
    Started,
    /// The provider's callback verified an identity; waiting for the starting client to claim it with the nonce.
    Verified,
    /// The callback failed (the code says why); nothing more can happen.
    Failed,
    /// Claimed: a session was created.
    Complete,
}

impl OAuthStatus {
    /// Storage name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Started => "started",
            Self::Verified => "verified",
            Self::Failed => "failed",
            Self::Complete => "complete",
        }
    }

    /// Parse a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "started" => Self::Started,
            "verified" => Self::Verified,
            "failed" => Self::Failed,
            "complete" => Self::Complete,
            _ => return None,
        })
    }
}

/// The identity an OpenID Connect provider vouched for in a verified id_token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderIdentity {
    /// The provider's `sub`: stable per provider.
    pub subject: String,
    /// Normalised (lowercase) email address, when the provider gave one.
    pub email: Option<String>,
    /// Whether the provider says it verified that address.
    pub email_verified: bool,
    /// `given_name`.
    pub first_name: Option<String>,
    /// `family_name`.
    pub last_name: Option<String>,
}

/// A sign-in through an OpenID Connect provider: started by one client, completed at the provider, claimed back by
/// the same client with a one-time nonce.
#[derive(Debug, Clone)]
pub struct OAuthSignIn {
    /// `sia_…`
    pub id: String,
    /// The client that started it (and alone may claim it).
    pub client_id: String,
    /// The provider's configured key.
    pub provider: String,
    /// Hex SHA-256 of the `state` sent to the provider.
    pub state_hash: String,
    /// The OpenID `nonce` the id_token must carry.
    pub nonce: String,
    /// The PKCE code verifier (sent with the code exchange).
    pub pkce_verifier: String,
    /// Where the browser goes back to after the callback.
    pub redirect_url: String,
    /// Current status.
    pub status: OAuthStatus,
    /// Why the callback failed (`Failed` only).
    pub error_code: Option<String>,
    /// The verified identity (from `Verified` on).
    pub identity: Option<ProviderIdentity>,
    /// Hex SHA-256 of the one-time `rotating_token_nonce` handed to the browser by the callback.
    pub token_nonce_hash: Option<String>,
    /// Unix ms after which the `state` (while `Started`) or the nonce (while `Verified`) is no longer accepted.
    pub expire_at: i64,
    /// Set when complete.
    pub created_session_id: Option<String>,
    /// Unix ms.
    pub created_at: i64,
    /// Unix ms.
    pub updated_at: i64,
}

/// A provider account linked to a user: the provider key and its `sub` identify it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalAccount {
    /// `eac_…`
    pub id: String,
    /// The linked user.
    pub user_id: String,
    /// The provider's configured key.
    pub provider: String,
    /// What the provider said at the last sign-in.
    pub identity: ProviderIdentity,
    /// Unix ms.
    pub created_at: i64,
    /// Unix ms.
    pub updated_at: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(status: SessionStatus) -> Session {
        Session {
            id: "sess_1".into(),
            client_id: "client_1".into(),
            user_id: "user_1".into(),
            status,
            last_active_at: 1_000,
            user_agent: None,
            ip_address: None,
            expire_at: 10_000,
            created_at: 1_000,
            updated_at: 1_000,
        }
    }

    #[test]
    fn status_is_computed_on_read() {
        let s = session(SessionStatus::Active);
        assert_eq!(s.status_at(2_000, 5_000), SessionStatus::Active);
        assert_eq!(s.status_at(6_000, 5_000), SessionStatus::Abandoned);
        assert_eq!(s.status_at(10_000, 50_000), SessionStatus::Expired);
        assert_eq!(
            session(SessionStatus::Removed).status_at(2_000, 5_000),
            SessionStatus::Removed
        );
    }

    #[test]
    fn names_round_trip() {
        for s in [
            "active",
            "ended",
            "expired",
            "removed",
            "abandoned",
            "revoked",
        ] {
            assert_eq!(SessionStatus::parse(s).map(SessionStatus::as_str), Some(s));
        }
        assert_eq!(SessionStatus::parse("bogus"), None);
    }
}
