//! Rows of the OpenID Connect tables (`oauth_sign_ins`, `external_accounts`), the same in both stores, and their
//! conversion to the domain types. A column this code cannot understand becomes [`StoreError::Database`].

use sqlx::FromRow;

use super::rows::corrupt;
use super::StoreResult;
use crate::model::{ExternalAccount, OAuthSignIn, OAuthStatus, ProviderIdentity};

#[derive(FromRow)]
pub(crate) struct OAuthSignInRow {
    pub(crate) id: String,
    pub(crate) client_id: String,
    pub(crate) provider: String,
    pub(crate) state_hash: String,
    pub(crate) nonce: String,
    pub(crate) pkce_verifier: String,
    pub(crate) redirect_url: String,
    pub(crate) status: String,
    pub(crate) error_code: Option<String>,
    pub(crate) subject: Option<String>,
    pub(crate) email: Option<String>,
    pub(crate) email_verified: Option<bool>,
    pub(crate) first_name: Option<String>,
    pub(crate) last_name: Option<String>,
    pub(crate) token_nonce_hash: Option<String>,
    pub(crate) expire_at: i64,
    pub(crate) created_session_id: Option<String>,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
}

impl TryFrom<OAuthSignInRow> for OAuthSignIn {
    type Error = super::StoreError;
    fn try_from(r: OAuthSignInRow) -> StoreResult<Self> {
        Ok(OAuthSignIn {
            status: OAuthStatus::parse(&r.status)
                .ok_or_else(|| corrupt("oauth_sign_ins.status", &r.status))?,
            identity: r.subject.map(|subject| ProviderIdentity {
                subject,
                email: r.email,
                email_verified: r.email_verified.unwrap_or(false),
                first_name: r.first_name,
                last_name: r.last_name,
            }),
            id: r.id,
            client_id: r.client_id,
            provider: r.provider,
            state_hash: r.state_hash,
            nonce: r.nonce,
            pkce_verifier: r.pkce_verifier,
            redirect_url: r.redirect_url,
            error_code: r.error_code,
            token_nonce_hash: r.token_nonce_hash,
            expire_at: r.expire_at,
            created_session_id: r.created_session_id,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

#[derive(FromRow)]
pub(crate) struct ExternalAccountRow {
    pub(crate) id: String,
    pub(crate) user_id: String,
    pub(crate) provider: String,
    pub(crate) subject: String,
    pub(crate) email: Option<String>,
    pub(crate) email_verified: bool,
    pub(crate) first_name: Option<String>,
    pub(crate) last_name: Option<String>,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
}

impl From<ExternalAccountRow> for ExternalAccount {
    fn from(r: ExternalAccountRow) -> Self {
        ExternalAccount {
            id: r.id,
            user_id: r.user_id,
            provider: r.provider,
            identity: ProviderIdentity {
                subject: r.subject,
                email: r.email,
                email_verified: r.email_verified,
                first_name: r.first_name,
                last_name: r.last_name,
            },
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// The SQL of one store's dialect for the OpenID Connect tables: the same statements with `?` (SQLite) or `$n`
/// (PostgreSQL) placeholders, written once here.
pub(crate) struct OAuthSql {
    pub(crate) upsert_sign_in: String,
    pub(crate) upsert_account: String,
}

/// Column lists in bind order.
const SIGN_IN_COLUMNS: [&str; 19] = [
    "id",
    "client_id",
    "provider",
    "state_hash",
    "nonce",
    "pkce_verifier",
    "redirect_url",
    "status",
    "error_code",
    "subject",
    "email",
    "email_verified",
    "first_name",
    "last_name",
    "token_nonce_hash",
    "expire_at",
    "created_session_id",
    "created_at",
    "updated_at",
];
const ACCOUNT_COLUMNS: [&str; 10] = [
    "id",
    "user_id",
    "provider",
    "subject",
    "email",
    "email_verified",
    "first_name",
    "last_name",
    "created_at",
    "updated_at",
];

impl OAuthSql {
    /// The statements with placeholders made by `placeholder(n)` (1-based).
    pub(crate) fn new(placeholder: fn(usize) -> String) -> Self {
        Self {
            upsert_sign_in: upsert(
                "oauth_sign_ins",
                &SIGN_IN_COLUMNS,
                "id",
                &[
                    "status",
                    "error_code",
                    "subject",
                    "email",
                    "email_verified",
                    "first_name",
                    "last_name",
                    "token_nonce_hash",
                    "expire_at",
                    "created_session_id",
                    "updated_at",
                ],
                placeholder,
            ),
            upsert_account: upsert(
                "external_accounts",
                &ACCOUNT_COLUMNS,
                "provider, subject",
                &[
                    "email",
                    "email_verified",
                    "first_name",
                    "last_name",
                    "updated_at",
                ],
                placeholder,
            ),
        }
    }
}

/// `INSERT … ON CONFLICT (conflict) DO UPDATE SET <updated columns>`.
fn upsert(
    table: &str,
    columns: &[&str],
    conflict: &str,
    updated: &[&str],
    placeholder: fn(usize) -> String,
) -> String {
    let values: Vec<String> = (1..=columns.len()).map(placeholder).collect();
    let sets: Vec<String> = updated
        .iter()
        .map(|c| format!("{c} = excluded.{c}"))
        .collect();
    format!(
        "INSERT INTO {table} ({}) VALUES ({}) ON CONFLICT ({conflict}) DO UPDATE SET {}",
        columns.join(", "),
        values.join(", "),
        sets.join(", ")
    )
}

/// Bind a sign-in's columns in [`SIGN_IN_COLUMNS`] order.
macro_rules! bind_oauth_sign_in {
    ($query:expr, $s:expr) => {{
        let s = $s;
        let identity = s.identity.as_ref();
        $query
            .bind(&s.id)
            .bind(&s.client_id)
            .bind(&s.provider)
            .bind(&s.state_hash)
            .bind(&s.nonce)
            .bind(&s.pkce_verifier)
            .bind(&s.redirect_url)
            .bind(s.status.as_str())
            .bind(&s.error_code)
            .bind(identity.map(|i| i.subject.clone()))
            .bind(identity.and_then(|i| i.email.clone()))
            .bind(identity.map(|i| i.email_verified))
            .bind(identity.and_then(|i| i.first_name.clone()))
            .bind(identity.and_then(|i| i.last_name.clone()))
            .bind(&s.token_nonce_hash)
            .bind(s.expire_at)
            .bind(&s.created_session_id)
            .bind(s.created_at)
            .bind(s.updated_at)
    }};
}
pub(crate) use bind_oauth_sign_in;

/// Bind an external account's columns in [`ACCOUNT_COLUMNS`] order.
macro_rules! bind_external_account {
    ($query:expr, $a:expr) => {{
        let a = $a;
        $query
            .bind(&a.id)
            .bind(&a.user_id)
            .bind(&a.provider)
            .bind(&a.identity.subject)
            .bind(&a.identity.email)
            .bind(a.identity.email_verified)
            .bind(&a.identity.first_name)
            .bind(&a.identity.last_name)
            .bind(a.created_at)
            .bind(a.updated_at)
    }};
}
pub(crate) use bind_external_account;
