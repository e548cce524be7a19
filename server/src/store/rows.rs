//! Row types shared by the SQLite and PostgreSQL stores (the same schema shape in both), and their conversion to
//! and from the domain types. A column a store cannot understand becomes [`StoreError::Database`], never a panic.

use sqlx::FromRow;

use super::{SessionAndUser, StoreError, StoreResult};
use crate::model::{
    Client, EmailAddress, Session, SessionStatus, SignIn, SignInStatus, SignUp, SignUpStatus, User,
    Verification, VerificationStatus,
};

/// The verification columns shared by sign-ins and sign-ups.
#[derive(Default)]
pub(crate) struct VerificationCols {
    pub(crate) status: Option<&'static str>,
    pub(crate) strategy: Option<String>,
    pub(crate) attempts: Option<i64>,
    pub(crate) expire_at: Option<i64>,
    pub(crate) code_hash: Option<String>,
}

impl From<Option<&Verification>> for VerificationCols {
    fn from(v: Option<&Verification>) -> Self {
        match v {
            None => Self::default(),
            Some(v) => Self {
                status: Some(v.status.as_str()),
                strategy: Some(v.strategy.clone()),
                attempts: Some(v.attempts),
                expire_at: v.expire_at,
                code_hash: v.code_hash.clone(),
            },
        }
    }
}

/// Rebuild a verification from its columns (absent when no status is stored).
pub(crate) fn verification(
    status: Option<String>,
    strategy: Option<String>,
    attempts: Option<i64>,
    expire_at: Option<i64>,
    code_hash: Option<String>,
) -> StoreResult<Option<Verification>> {
    let Some(status) = status else {
        return Ok(None);
    };
    let status = VerificationStatus::parse(&status)
        .ok_or_else(|| corrupt("verification_status", &status))?;
    Ok(Some(Verification {
        status,
        strategy: strategy.unwrap_or_default(),
        attempts: attempts.unwrap_or(0),
        expire_at,
        code_hash,
    }))
}

/// An error for a stored value this code does not understand.
pub(crate) fn corrupt(column: &str, value: &str) -> StoreError {
    StoreError::Database(format!("unexpected value {value:?} in column {column}"))
}

#[derive(FromRow)]
pub(crate) struct ClientRow {
    pub(crate) id: String,
    pub(crate) token_hash: String,
    pub(crate) last_active_session_id: Option<String>,
    pub(crate) sign_in_id: Option<String>,
    pub(crate) sign_up_id: Option<String>,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
}

impl From<ClientRow> for Client {
    fn from(r: ClientRow) -> Self {
        Client {
            id: r.id,
            token_hash: r.token_hash,
            last_active_session_id: r.last_active_session_id,
            sign_in_id: r.sign_in_id,
            sign_up_id: r.sign_up_id,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(FromRow)]
pub(crate) struct UserRow {
    pub(crate) id: String,
    pub(crate) email_id: String,
    pub(crate) email: String,
    pub(crate) email_verified: bool,
    pub(crate) first_name: Option<String>,
    pub(crate) last_name: Option<String>,
    pub(crate) password_hash: Option<String>,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
}

impl From<UserRow> for User {
    fn from(r: UserRow) -> Self {
        User {
            id: r.id,
            email_id: r.email_id,
            email: r.email,
            email_verified: r.email_verified,
            other_emails: Vec::new(),
            first_name: r.first_name,
            last_name: r.last_name,
            password_hash: r.password_hash,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(FromRow)]
pub(crate) struct PrimaryVerificationRow {
    pub(crate) status: String,
    pub(crate) strategy: String,
    pub(crate) attempts: i64,
    pub(crate) expire_at: Option<i64>,
    pub(crate) code_hash: Option<String>,
}

impl TryFrom<PrimaryVerificationRow> for Verification {
    type Error = StoreError;
    fn try_from(r: PrimaryVerificationRow) -> StoreResult<Self> {
        verification(
            Some(r.status),
            Some(r.strategy),
            Some(r.attempts),
            r.expire_at,
            r.code_hash,
        )?
        .ok_or_else(|| corrupt("primary_verifications.status", ""))
    }
}

#[derive(FromRow)]
pub(crate) struct EmailAddressRow {
    pub(crate) id: String,
    pub(crate) user_id: String,
    pub(crate) email: String,
    pub(crate) verified: bool,
    pub(crate) verification_status: Option<String>,
    pub(crate) verification_strategy: Option<String>,
    pub(crate) verification_attempts: Option<i64>,
    pub(crate) verification_expire_at: Option<i64>,
    pub(crate) verification_code_hash: Option<String>,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
}

impl TryFrom<EmailAddressRow> for EmailAddress {
    type Error = StoreError;
    fn try_from(r: EmailAddressRow) -> StoreResult<Self> {
        Ok(EmailAddress {
            verification: verification(
                r.verification_status,
                r.verification_strategy,
                r.verification_attempts,
                r.verification_expire_at,
                r.verification_code_hash,
            )?,
            id: r.id,
            user_id: r.user_id,
            email: r.email,
            verified: r.verified,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

/// Put each user's other email addresses (`addresses`, any users', oldest first) on it.
pub(crate) fn attach_emails<'a>(
    users: impl IntoIterator<Item = &'a mut User>,
    addresses: &[EmailAddress],
) {
    for user in users {
        user.other_emails = addresses
            .iter()
            .filter(|a| a.user_id == user.id)
            .cloned()
            .collect();
    }
}

#[derive(FromRow)]
pub(crate) struct SessionRow {
    pub(crate) id: String,
    pub(crate) client_id: String,
    pub(crate) user_id: String,
    pub(crate) status: String,
    pub(crate) last_active_at: i64,
    pub(crate) expire_at: i64,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
    pub(crate) user_agent: Option<String>,
    pub(crate) ip_address: Option<String>,
}

impl TryFrom<SessionRow> for Session {
    type Error = StoreError;
    fn try_from(r: SessionRow) -> StoreResult<Self> {
        Ok(Session {
            status: SessionStatus::parse(&r.status)
                .ok_or_else(|| corrupt("sessions.status", &r.status))?,
            id: r.id,
            client_id: r.client_id,
            user_id: r.user_id,
            last_active_at: r.last_active_at,
            user_agent: r.user_agent,
            ip_address: r.ip_address,
            expire_at: r.expire_at,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

/// The columns [`SessionUserRow`] reads, from a `sessions s` joined with `users u`.
macro_rules! session_user_columns {
    () => {
        "s.id AS s_id, s.client_id AS s_client_id, s.user_id AS s_user_id, s.status AS s_status,
         s.last_active_at AS s_last_active_at, s.expire_at AS s_expire_at, s.created_at AS s_created_at,
         s.updated_at AS s_updated_at, s.user_agent AS s_user_agent, s.ip_address AS s_ip_address, u.id AS u_id, u.email_id AS u_email_id, u.email AS u_email,
         u.email_verified AS u_email_verified, u.first_name AS u_first_name, u.last_name AS u_last_name,
         u.password_hash AS u_password_hash, u.created_at AS u_created_at, u.updated_at AS u_updated_at"
    };
}
pub(crate) use session_user_columns;

/// A session's columns (prefixed `s_`) with its user's (prefixed `u_`), from outer joins: the session columns are
/// all null when a client has no session, the user columns when the user row is missing.
#[derive(FromRow)]
pub(crate) struct SessionUserRow {
    pub(crate) s_id: Option<String>,
    pub(crate) s_client_id: Option<String>,
    pub(crate) s_user_id: Option<String>,
    pub(crate) s_status: Option<String>,
    pub(crate) s_last_active_at: Option<i64>,
    pub(crate) s_expire_at: Option<i64>,
    pub(crate) s_created_at: Option<i64>,
    pub(crate) s_updated_at: Option<i64>,
    pub(crate) s_user_agent: Option<String>,
    pub(crate) s_ip_address: Option<String>,
    pub(crate) u_id: Option<String>,
    pub(crate) u_email_id: Option<String>,
    pub(crate) u_email: Option<String>,
    pub(crate) u_email_verified: Option<bool>,
    pub(crate) u_first_name: Option<String>,
    pub(crate) u_last_name: Option<String>,
    pub(crate) u_password_hash: Option<String>,
    pub(crate) u_created_at: Option<i64>,
    pub(crate) u_updated_at: Option<i64>,
}

impl SessionUserRow {
    /// The session with its user (when the join found one); `None` when the row holds no session.
    pub(crate) fn split(self) -> StoreResult<Option<SessionAndUser>> {
        let Some(id) = self.s_id else { return Ok(None) };
        // The columns are NOT NULL in the schema: a missing one means the row is not what this code expects.
        let missing = |column: &str| corrupt(column, "NULL");
        let status = self.s_status.ok_or_else(|| missing("sessions.status"))?;
        let session = Session {
            status: SessionStatus::parse(&status)
                .ok_or_else(|| corrupt("sessions.status", &status))?,
            client_id: self
                .s_client_id
                .ok_or_else(|| missing("sessions.client_id"))?,
            user_id: self.s_user_id.ok_or_else(|| missing("sessions.user_id"))?,
            last_active_at: self
                .s_last_active_at
                .ok_or_else(|| missing("sessions.last_active_at"))?,
            expire_at: self
                .s_expire_at
                .ok_or_else(|| missing("sessions.expire_at"))?,
            created_at: self
                .s_created_at
                .ok_or_else(|| missing("sessions.created_at"))?,
            updated_at: self
                .s_updated_at
                .ok_or_else(|| missing("sessions.updated_at"))?,
            user_agent: self.s_user_agent,
            ip_address: self.s_ip_address,
            id,
        };
        let Some(user_id) = self.u_id else {
            return Ok(Some((session, None)));
        };
        let user = User {
            email_id: self.u_email_id.ok_or_else(|| missing("users.email_id"))?,
            email: self.u_email.ok_or_else(|| missing("users.email"))?,
            email_verified: self
                .u_email_verified
                .ok_or_else(|| missing("users.email_verified"))?,
            other_emails: Vec::new(),
            first_name: self.u_first_name,
            last_name: self.u_last_name,
            password_hash: self.u_password_hash,
            created_at: self
                .u_created_at
                .ok_or_else(|| missing("users.created_at"))?,
            updated_at: self
                .u_updated_at
                .ok_or_else(|| missing("users.updated_at"))?,
            id: user_id,
        };
        Ok(Some((session, Some(user))))
    }
}

/// A client's columns with one of its sessions and that session's user.
#[derive(FromRow)]
pub(crate) struct ClientSessionRow {
    #[sqlx(flatten)]
    pub(crate) client: ClientRow,
    #[sqlx(flatten)]
    pub(crate) session: SessionUserRow,
}

#[derive(FromRow)]
pub(crate) struct SignInRow {
    pub(crate) id: String,
    pub(crate) client_id: String,
    pub(crate) user_id: String,
    pub(crate) identifier: String,
    pub(crate) status: String,
    pub(crate) verification_status: Option<String>,
    pub(crate) verification_strategy: Option<String>,
    pub(crate) verification_attempts: Option<i64>,
    pub(crate) verification_expire_at: Option<i64>,
    pub(crate) verification_code_hash: Option<String>,
    pub(crate) created_session_id: Option<String>,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
}

impl TryFrom<SignInRow> for SignIn {
    type Error = StoreError;
    fn try_from(r: SignInRow) -> StoreResult<Self> {
        Ok(SignIn {
            status: SignInStatus::parse(&r.status)
                .ok_or_else(|| corrupt("sign_ins.status", &r.status))?,
            verification: verification(
                r.verification_status,
                r.verification_strategy,
                r.verification_attempts,
                r.verification_expire_at,
                r.verification_code_hash,
            )?,
            id: r.id,
            client_id: r.client_id,
            user_id: r.user_id,
            identifier: r.identifier,
            created_session_id: r.created_session_id,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

#[derive(FromRow)]
pub(crate) struct SignUpRow {
    pub(crate) id: String,
    pub(crate) client_id: String,
    pub(crate) email: String,
    pub(crate) password_hash: Option<String>,
    pub(crate) first_name: Option<String>,
    pub(crate) last_name: Option<String>,
    pub(crate) status: String,
    pub(crate) verification_status: Option<String>,
    pub(crate) verification_strategy: Option<String>,
    pub(crate) verification_attempts: Option<i64>,
    pub(crate) verification_expire_at: Option<i64>,
    pub(crate) verification_code_hash: Option<String>,
    pub(crate) created_user_id: Option<String>,
    pub(crate) created_session_id: Option<String>,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
}

impl TryFrom<SignUpRow> for SignUp {
    type Error = StoreError;
    fn try_from(r: SignUpRow) -> StoreResult<Self> {
        Ok(SignUp {
            status: SignUpStatus::parse(&r.status)
                .ok_or_else(|| corrupt("sign_ups.status", &r.status))?,
            verification: verification(
                r.verification_status,
                r.verification_strategy,
                r.verification_attempts,
                r.verification_expire_at,
                r.verification_code_hash,
            )?,
            id: r.id,
            client_id: r.client_id,
            email: r.email,
            password_hash: r.password_hash,
            first_name: r.first_name,
            last_name: r.last_name,
            created_user_id: r.created_user_id,
            created_session_id: r.created_session_id,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}
