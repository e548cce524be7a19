//! PostgreSQL implementation of [`Store`] with sqlx: one connection pool for queries, a second one whose connections
//! only hold per-client advisory locks, so a request waiting for a lock never takes a connection another request
//! needs to finish (which would deadlock the pool). Every query is parameterised.
//!
//! Several server instances may share one database: besides the rows of [`Store`], this store keeps the instance
//! secrets (table `instance_secrets`) and the rate-limit counters (table `rate_counters`), and serialises the
//! requests of one client across instances with `pg_advisory_xact_lock`.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{Postgres, Transaction};

use super::oauth_rows::{
    bind_external_account, bind_oauth_sign_in, ExternalAccountRow, OAuthSignInRow, OAuthSql,
};
use super::pg_counters::PgCounters;
use super::rows::{
    attach_emails, session_user_columns, ClientRow, ClientSessionRow, EmailAddressRow,
    PrimaryVerificationRow, SessionRow, SessionUserRow, SignInRow, SignUpRow, UserRow,
    VerificationCols,
};
use super::{
    signing_key_row, HeldLock, SessionAndUser, SigningKeyRow, Store, StoreError, StoreResult,
    Write, WriteBatch,
};
use crate::model::{
    Client, EmailAddress, ExternalAccount, InstanceSettings, OAuthSignIn, Session, SessionStatus,
    SignIn, SignUp, User, Verification,
};

/// The OpenID Connect tables' statements with PostgreSQL placeholders.
static OAUTH_SQL: std::sync::LazyLock<OAuthSql> =
    std::sync::LazyLock::new(|| OAuthSql::new(|n| format!("${n}")));

/// Connections for queries per instance.
const QUERY_CONNECTIONS: u32 = 16;
/// Connections holding client locks per instance: at most this many clients are inside a locked request at once on
/// one instance (others queue for a connection, as they would for the lock).
const LOCK_CONNECTIONS: u32 = 16;
/// How long a request waits for a pooled connection before failing with a database error (503 is not right for a
/// slow database under load; the request timeout answers first anyway).
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(30);

/// The PostgreSQL store.
pub struct PgStore {
    pool: PgPool,
    locks: PgPool,
    counters: Arc<PgCounters>,
}

/// Whether `url` names a PostgreSQL database.
pub fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// PostgreSQL text cannot hold NUL characters: a lookup by such a value finds nothing (writes never carry one, the
/// form extractor refuses them).
fn findable(value: &str) -> bool {
    !value.contains('\0')
}

impl PgStore {
    /// Connect to `url` (`postgres://…`) and apply the migrations in `migrations_postgres/` (sqlx takes an advisory
    /// lock while migrating, so instances starting together migrate once).
    pub async fn open(url: &str) -> StoreResult<Self> {
        let options = PgConnectOptions::from_str(url)?;
        let pool = PgPoolOptions::new()
            .max_connections(QUERY_CONNECTIONS)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options.clone())
            .await?;
        sqlx::migrate!("./migrations_postgres")
            .run(&pool)
            .await
            .map_err(|e| StoreError::Database(format!("migration failed: {e}")))?;
        let locks = PgPoolOptions::new()
            .max_connections(LOCK_CONNECTIONS)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_lazy_with(options);
        let counters = PgCounters::start(pool.clone());
        Ok(Self {
            pool,
            locks,
            counters,
        })
    }
}

/// Run one write inside the transaction.
async fn apply_one(tx: &mut Transaction<'_, Postgres>, write: &Write) -> Result<(), sqlx::Error> {
    match write {
        Write::Settings(s) => {
            sqlx::query(
                "INSERT INTO instance_settings (id, single_session_mode, email_verification_required, delete_self_enabled)
                 VALUES (1, $1, $2, $3)
                 ON CONFLICT (id) DO UPDATE SET single_session_mode = excluded.single_session_mode,
                 email_verification_required = excluded.email_verification_required,
                 delete_self_enabled = excluded.delete_self_enabled",
            )
            .bind(s.single_session_mode)
            .bind(s.email_verification_required)
            .bind(s.delete_self_enabled)
            .execute(&mut **tx)
            .await?;
        }
        Write::Client(c) => {
            sqlx::query(
                "INSERT INTO clients (id, token_hash, last_active_session_id, sign_in_id, sign_up_id, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (id) DO UPDATE SET last_active_session_id = excluded.last_active_session_id,
                 sign_in_id = excluded.sign_in_id, sign_up_id = excluded.sign_up_id, updated_at = excluded.updated_at",
            )
            .bind(&c.id)
            .bind(&c.token_hash)
            .bind(&c.last_active_session_id)
            .bind(&c.sign_in_id)
            .bind(&c.sign_up_id)
            .bind(c.created_at)
            .bind(c.updated_at)
            .execute(&mut **tx)
            .await?;
        }
        Write::User(u) => {
            sqlx::query(
                "INSERT INTO users (id, email_id, email, email_verified, first_name, last_name, password_hash, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                 ON CONFLICT (id) DO UPDATE SET email_id = excluded.email_id, email = excluded.email, email_verified = excluded.email_verified,
                 first_name = excluded.first_name, last_name = excluded.last_name,
                 password_hash = excluded.password_hash, updated_at = excluded.updated_at",
            )
            .bind(&u.id)
            .bind(&u.email_id)
            .bind(&u.email)
            .bind(u.email_verified)
            .bind(&u.first_name)
            .bind(&u.last_name)
            .bind(&u.password_hash)
            .bind(u.created_at)
            .bind(u.updated_at)
            .execute(&mut **tx)
            .await?;
        }
        Write::UpdateUser(u) => {
            let updated = sqlx::query(
                "UPDATE users SET email_id = $1, email = $2, email_verified = $3, first_name = $4, last_name = $5,
                 password_hash = $6, updated_at = $7 WHERE id = $8",
            )
            .bind(&u.email_id)
            .bind(&u.email)
            .bind(u.email_verified)
            .bind(&u.first_name)
            .bind(&u.last_name)
            .bind(&u.password_hash)
            .bind(u.updated_at)
            .bind(&u.id)
            .execute(&mut **tx)
            .await?;
            if updated.rows_affected() == 0 {
                return Err(sqlx::Error::RowNotFound);
            }
        }
        Write::EmailAddress(e) => {
            let v = VerificationCols::from(e.verification.as_ref());
            sqlx::query(
                "INSERT INTO email_addresses (id, user_id, email, verified, verification_status, verification_strategy,
                 verification_attempts, verification_expire_at, verification_code_hash, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                 ON CONFLICT (id) DO UPDATE SET verified = excluded.verified,
                 verification_status = excluded.verification_status, verification_strategy = excluded.verification_strategy,
                 verification_attempts = excluded.verification_attempts,
                 verification_expire_at = excluded.verification_expire_at,
                 verification_code_hash = excluded.verification_code_hash, updated_at = excluded.updated_at",
            )
            .bind(&e.id)
            .bind(&e.user_id)
            .bind(&e.email)
            .bind(e.verified)
            .bind(v.status)
            .bind(v.strategy)
            .bind(v.attempts)
            .bind(v.expire_at)
            .bind(v.code_hash)
            .bind(e.created_at)
            .bind(e.updated_at)
            .execute(&mut **tx)
            .await?;
        }
        Write::DeleteEmailAddress(id) => {
            sqlx::query("DELETE FROM email_addresses WHERE id = $1")
                .bind(id)
                .execute(&mut **tx)
                .await?;
        }
        Write::PrimaryVerification(e) => {
            if e.verification.is_none() {
                sqlx::query("DELETE FROM primary_verifications WHERE user_id = $1")
                    .bind(&e.user_id)
                    .execute(&mut **tx)
                    .await?;
                return Ok(());
            }
            let v = VerificationCols::from(e.verification.as_ref());
            sqlx::query(
                "INSERT INTO primary_verifications (user_id, email_id, status, strategy, attempts, expire_at, code_hash)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (user_id) DO UPDATE SET email_id = excluded.email_id, status = excluded.status,
                 strategy = excluded.strategy, attempts = excluded.attempts, expire_at = excluded.expire_at,
                 code_hash = excluded.code_hash",
            )
            .bind(&e.user_id)
            .bind(&e.id)
            .bind(v.status)
            .bind(v.strategy)
            .bind(v.attempts)
            .bind(v.expire_at)
            .bind(v.code_hash)
            .execute(&mut **tx)
            .await?;
        }
        Write::DeleteUser(id) => {
            // Rows referencing the user first (foreign keys).
            for sql in [
                "DELETE FROM email_addresses WHERE user_id = $1",
                "DELETE FROM primary_verifications WHERE user_id = $1",
                "DELETE FROM external_accounts WHERE user_id = $1",
                "DELETE FROM sessions WHERE user_id = $1",
                "DELETE FROM sign_ins WHERE user_id = $1",
                "DELETE FROM users WHERE id = $1",
            ] {
                sqlx::query(sql).bind(id).execute(&mut **tx).await?;
            }
        }
        Write::Session(s) => {
            sqlx::query(
                "INSERT INTO sessions (id, client_id, user_id, status, last_active_at, expire_at, created_at, updated_at,
                 user_agent, ip_address)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                 ON CONFLICT (id) DO UPDATE SET status = excluded.status, last_active_at = excluded.last_active_at,
                 expire_at = excluded.expire_at, updated_at = excluded.updated_at, user_agent = excluded.user_agent,
                 ip_address = excluded.ip_address",
            )
            .bind(&s.id)
            .bind(&s.client_id)
            .bind(&s.user_id)
            .bind(s.status.as_str())
            .bind(s.last_active_at)
            .bind(s.expire_at)
            .bind(s.created_at)
            .bind(s.updated_at)
            .bind(&s.user_agent)
            .bind(&s.ip_address)
            .execute(&mut **tx)
            .await?;
        }
        Write::SignIn(s) => {
            let v = VerificationCols::from(s.verification.as_ref());
            sqlx::query(
                "INSERT INTO sign_ins (id, client_id, user_id, identifier, status, verification_status,
                 verification_strategy, verification_attempts, verification_expire_at, verification_code_hash,
                 created_session_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
                 ON CONFLICT (id) DO UPDATE SET status = excluded.status,
                 verification_status = excluded.verification_status, verification_strategy = excluded.verification_strategy,
                 verification_attempts = excluded.verification_attempts,
                 verification_expire_at = excluded.verification_expire_at,
                 verification_code_hash = excluded.verification_code_hash,
                 created_session_id = excluded.created_session_id, updated_at = excluded.updated_at",
            )
            .bind(&s.id)
            .bind(&s.client_id)
            .bind(&s.user_id)
            .bind(&s.identifier)
            .bind(s.status.as_str())
            .bind(v.status)
            .bind(v.strategy)
            .bind(v.attempts)
            .bind(v.expire_at)
            .bind(v.code_hash)
            .bind(&s.created_session_id)
            .bind(s.created_at)
            .bind(s.updated_at)
            .execute(&mut **tx)
            .await?;
        }
        Write::SignUp(s) => {
            let v = VerificationCols::from(s.verification.as_ref());
            sqlx::query(
                "INSERT INTO sign_ups (id, client_id, email, password_hash, first_name, last_name, status,
                 verification_status, verification_strategy, verification_attempts, verification_expire_at,
                 verification_code_hash, created_user_id, created_session_id, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
                 ON CONFLICT (id) DO UPDATE SET password_hash = excluded.password_hash, status = excluded.status,
                 verification_status = excluded.verification_status, verification_strategy = excluded.verification_strategy,
                 verification_attempts = excluded.verification_attempts,
                 verification_expire_at = excluded.verification_expire_at,
                 verification_code_hash = excluded.verification_code_hash,
                 created_user_id = excluded.created_user_id, created_session_id = excluded.created_session_id,
                 updated_at = excluded.updated_at",
            )
            .bind(&s.id)
            .bind(&s.client_id)
            .bind(&s.email)
            .bind(&s.password_hash)
            .bind(&s.first_name)
            .bind(&s.last_name)
            .bind(s.status.as_str())
            .bind(v.status)
            .bind(v.strategy)
            .bind(v.attempts)
            .bind(v.expire_at)
            .bind(v.code_hash)
            .bind(&s.created_user_id)
            .bind(&s.created_session_id)
            .bind(s.created_at)
            .bind(s.updated_at)
            .execute(&mut **tx)
            .await?;
        }
        Write::OAuthSignIn(o) => {
            bind_oauth_sign_in!(sqlx::query(&OAUTH_SQL.upsert_sign_in), o)
                .execute(&mut **tx)
                .await?;
        }
        Write::ExternalAccount(a) => {
            bind_external_account!(sqlx::query(&OAUTH_SQL.upsert_account), a)
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(())
}

impl PgStore {
    /// The other email addresses of the users `user_ids`, oldest first, in one read (none without users).
    async fn other_emails<'a>(
        &self,
        user_ids: impl IntoIterator<Item = &'a str>,
    ) -> StoreResult<Vec<EmailAddress>> {
        let mut ids: Vec<&str> = user_ids.into_iter().collect();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        ids.sort_unstable();
        ids.dedup();
        let rows: Vec<EmailAddressRow> = sqlx::query_as(
            "SELECT * FROM email_addresses WHERE user_id = ANY($1) ORDER BY created_at, id",
        )
        .bind(&ids)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(EmailAddress::try_from).collect()
    }

    /// `user` with its other email addresses.
    async fn with_emails(&self, user: Option<User>) -> StoreResult<Option<User>> {
        let Some(mut user) = user else {
            return Ok(None);
        };
        let emails = self.other_emails([user.id.as_str()]).await?;
        attach_emails([&mut user], &emails);
        Ok(Some(user))
    }

    /// The users of `sessions` with their other email addresses.
    async fn session_users_with_emails(
        &self,
        mut sessions: Vec<SessionAndUser>,
    ) -> StoreResult<Vec<SessionAndUser>> {
        let emails = self
            .other_emails(
                sessions
                    .iter()
                    .filter_map(|(_, u)| u.as_ref().map(|u| u.id.as_str())),
            )
            .await?;
        attach_emails(sessions.iter_mut().filter_map(|(_, u)| u.as_mut()), &emails);
        Ok(sessions)
    }

    /// The stored value of an instance secret.
    async fn stored_secret(&self, name: &str) -> StoreResult<Option<String>> {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT value FROM instance_secrets WHERE name = $1")
                .bind(name)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(|(value,)| value))
    }
}

#[async_trait]
impl Store for PgStore {
    async fn apply(&self, batch: WriteBatch) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        for write in &batch.0 {
            apply_one(&mut tx, write).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn settings(&self) -> StoreResult<Option<InstanceSettings>> {
        let row: Option<(bool, bool, bool)> = sqlx::query_as(
            "SELECT single_session_mode, email_verification_required, delete_self_enabled
             FROM instance_settings WHERE id = 1",
        )
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(
            |(single_session_mode, email_verification_required, delete_self_enabled)| {
                InstanceSettings {
                    single_session_mode,
                    email_verification_required,
                    delete_self_enabled,
                }
            },
        ))
    }

    async fn client(&self, id: &str) -> StoreResult<Option<Client>> {
        if !findable(id) {
            return Ok(None);
        }
        let row: Option<ClientRow> = sqlx::query_as("SELECT * FROM clients WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(Client::from))
    }

    async fn user(&self, id: &str) -> StoreResult<Option<User>> {
        if !findable(id) {
            return Ok(None);
        }
        let row: Option<UserRow> = sqlx::query_as("SELECT * FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        self.with_emails(row.map(User::from)).await
    }

    async fn primary_verification(
        &self,
        user_id: &str,
        email_id: &str,
    ) -> StoreResult<Option<Verification>> {
        if !findable(user_id) || !findable(email_id) {
            return Ok(None);
        }
        let row: Option<PrimaryVerificationRow> = sqlx::query_as(
            "SELECT status, strategy, attempts, expire_at, code_hash FROM primary_verifications
             WHERE user_id = $1 AND email_id = $2",
        )
        .bind(user_id)
        .bind(email_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(Verification::try_from).transpose()
    }

    async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>> {
        if !findable(email) {
            return Ok(None);
        }
        let primary: Option<UserRow> = sqlx::query_as("SELECT * FROM users WHERE email = $1")
            .bind(email)
            .fetch_optional(&self.pool)
            .await?;
        let verified_other: Option<UserRow> = sqlx::query_as(
            "SELECT u.* FROM users u JOIN email_addresses e ON e.user_id = u.id
             WHERE e.email = $1 AND e.verified = $2",
        )
        .bind(email)
        .bind(true)
        .fetch_optional(&self.pool)
        .await?;
        let owner = crate::domain::emails::pick_owner(
            primary.map(User::from),
            verified_other.map(User::from),
        );
        self.with_emails(owner).await
    }

    async fn users(&self) -> StoreResult<Vec<User>> {
        let rows: Vec<UserRow> = sqlx::query_as("SELECT * FROM users ORDER BY created_at, seq")
            .fetch_all(&self.pool)
            .await?;
        let mut users: Vec<User> = rows.into_iter().map(User::from).collect();
        let emails = self
            .other_emails(users.iter().map(|u| u.id.as_str()))
            .await?;
        attach_emails(users.iter_mut(), &emails);
        Ok(users)
    }

    async fn session(&self, id: &str) -> StoreResult<Option<Session>> {
        if !findable(id) {
            return Ok(None);
        }
        let row: Option<SessionRow> = sqlx::query_as("SELECT * FROM sessions WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(Session::try_from).transpose()
    }

    async fn client_sessions(&self, client_id: &str) -> StoreResult<Vec<Session>> {
        if !findable(client_id) {
            return Ok(Vec::new());
        }
        let rows: Vec<SessionRow> =
            sqlx::query_as("SELECT * FROM sessions WHERE client_id = $1 ORDER BY created_at, seq")
                .bind(client_id)
                .fetch_all(&self.pool)
                .await?;
        rows.into_iter().map(Session::try_from).collect()
    }

    async fn active_sessions_with_users(
        &self,
        client_id: &str,
    ) -> StoreResult<Vec<SessionAndUser>> {
        if !findable(client_id) {
            return Ok(Vec::new());
        }
        let rows: Vec<SessionUserRow> = sqlx::query_as(concat!(
            "SELECT ",
            session_user_columns!(),
            " FROM sessions s LEFT JOIN users u ON u.id = s.user_id
             WHERE s.client_id = $1 AND s.status = $2 ORDER BY s.created_at, s.seq"
        ))
        .bind(client_id)
        .bind(SessionStatus::Active.as_str())
        .fetch_all(&self.pool)
        .await?;
        let sessions = rows
            .into_iter()
            .filter_map(|row| row.split().transpose())
            .collect::<StoreResult<Vec<_>>>()?;
        self.session_users_with_emails(sessions).await
    }

    async fn client_with_active_sessions(
        &self,
        id: &str,
    ) -> StoreResult<Option<(Client, Vec<SessionAndUser>)>> {
        if !findable(id) {
            return Ok(None);
        }
        // One row per active session, or one row with null session and user columns for a client without any.
        let rows: Vec<ClientSessionRow> = sqlx::query_as(concat!(
            "SELECT c.*, ",
            session_user_columns!(),
            " FROM clients c LEFT JOIN sessions s ON s.client_id = c.id AND s.status = $1
             LEFT JOIN users u ON u.id = s.user_id
             WHERE c.id = $2 ORDER BY s.created_at, s.seq"
        ))
        .bind(SessionStatus::Active.as_str())
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let mut rows = rows.into_iter();
        let Some(first) = rows.next() else {
            return Ok(None);
        };
        let client = Client::from(first.client);
        let sessions = std::iter::once(first.session)
            .chain(rows.map(|row| row.session))
            .filter_map(|row| row.split().transpose())
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(Some((
            client,
            self.session_users_with_emails(sessions).await?,
        )))
    }

    async fn user_sessions(&self, user_id: &str) -> StoreResult<Vec<Session>> {
        if !findable(user_id) {
            return Ok(Vec::new());
        }
        let rows: Vec<SessionRow> = sqlx::query_as(
            "SELECT * FROM sessions WHERE user_id = $1 ORDER BY created_at DESC, seq DESC",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(Session::try_from).collect()
    }

    async fn sign_in(&self, id: &str) -> StoreResult<Option<SignIn>> {
        if !findable(id) {
            return Ok(None);
        }
        let row: Option<SignInRow> = sqlx::query_as("SELECT * FROM sign_ins WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(SignIn::try_from).transpose()
    }

    async fn sign_up(&self, id: &str) -> StoreResult<Option<SignUp>> {
        if !findable(id) {
            return Ok(None);
        }
        let row: Option<SignUpRow> = sqlx::query_as("SELECT * FROM sign_ups WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(SignUp::try_from).transpose()
    }

    async fn oauth_sign_in(&self, id: &str) -> StoreResult<Option<OAuthSignIn>> {
        let row: Option<OAuthSignInRow> =
            sqlx::query_as("SELECT * FROM oauth_sign_ins WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        row.map(OAuthSignIn::try_from).transpose()
    }

    async fn oauth_sign_in_by_state(&self, state_hash: &str) -> StoreResult<Option<OAuthSignIn>> {
        let row: Option<OAuthSignInRow> =
            sqlx::query_as("SELECT * FROM oauth_sign_ins WHERE state_hash = $1")
                .bind(state_hash)
                .fetch_optional(&self.pool)
                .await?;
        row.map(OAuthSignIn::try_from).transpose()
    }

    async fn external_account(
        &self,
        provider: &str,
        subject: &str,
    ) -> StoreResult<Option<ExternalAccount>> {
        let row: Option<ExternalAccountRow> =
            sqlx::query_as("SELECT * FROM external_accounts WHERE provider = $1 AND subject = $2")
                .bind(provider)
                .bind(subject)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(ExternalAccount::from))
    }

    async fn external_accounts(&self, user_ids: &[String]) -> StoreResult<Vec<ExternalAccount>> {
        if user_ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<ExternalAccountRow> = sqlx::query_as(
            "SELECT * FROM external_accounts WHERE user_id = ANY($1) ORDER BY created_at, id",
        )
        .bind(user_ids)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(ExternalAccount::from).collect())
    }

    async fn purge_empty_clients(&self, idle_before_ms: i64) -> StoreResult<u64> {
        // One statement: the sign-ins, sign-ups and clients go together (foreign keys are checked at its end). A
        // client that a request revives meanwhile on another instance makes the statement fail on its new session's
        // foreign key, and nothing is deleted; the next round tries again.
        let gone = sqlx::query(
            "WITH doomed AS (
               SELECT c.id FROM clients c WHERE c.updated_at < $1
                 AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.client_id = c.id)
                 AND NOT EXISTS (SELECT 1 FROM sign_ins i WHERE i.client_id = c.id AND i.updated_at >= $1)
                 AND NOT EXISTS (SELECT 1 FROM sign_ups u WHERE u.client_id = c.id AND u.updated_at >= $1)
                 AND NOT EXISTS (SELECT 1 FROM oauth_sign_ins o WHERE o.client_id = c.id AND o.updated_at >= $1)
             ),
             old_oauth_sign_ins AS (DELETE FROM oauth_sign_ins WHERE client_id IN (SELECT id FROM doomed)),
             old_sign_ins AS (DELETE FROM sign_ins WHERE client_id IN (SELECT id FROM doomed)),
             old_sign_ups AS (DELETE FROM sign_ups WHERE client_id IN (SELECT id FROM doomed))
             DELETE FROM clients WHERE id IN (SELECT id FROM doomed)",
        )
        .bind(idle_before_ms)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(gone)
    }

    async fn close(&self) {
        self.locks.close().await;
        self.pool.close().await;
    }

    fn is_shared(&self) -> bool {
        true
    }

    fn counters(&self) -> Option<Arc<dyn crate::rate_limit::Counters>> {
        Some(self.counters.clone())
    }

    async fn lock_client(&self, client_id: &str) -> StoreResult<HeldLock> {
        // Transaction-scoped: the lock goes with the transaction, which rolls back when the guard drops (sqlx flushes
        // the rollback when the connection returns to the pool), or with the connection if the process dies.
        let mut tx = self.locks.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
            .bind(client_id)
            .execute(&mut *tx)
            .await?;
        Ok(HeldLock::new(tx))
    }

    async fn instance_secret(
        &self,
        name: &str,
        candidate: &(dyn Fn() -> Result<String, String> + Send + Sync),
    ) -> StoreResult<String> {
        if let Some(value) = self.stored_secret(name).await? {
            return Ok(value);
        }
        let value = candidate().map_err(StoreError::Database)?;
        // The first insert wins; a process that lost the race reads the winner's value below.
        sqlx::query(
            "INSERT INTO instance_secrets (name, value, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(&value)
        .bind(crate::ids::now_ms())
        .execute(&self.pool)
        .await?;
        self.stored_secret(name)
            .await?
            .ok_or_else(|| StoreError::Database(format!("instance secret {name} vanished")))
    }

    async fn signing_keys(&self, retired_since_ms: i64) -> StoreResult<Vec<SigningKeyRow>> {
        let rows: Vec<(String, String, i64, Option<i64>)> = sqlx::query_as(
            "SELECT kid, pem, created_at, retired_at FROM signing_keys \
             WHERE retired_at IS NULL OR retired_at >= $1 \
             ORDER BY retired_at IS NOT NULL, created_at DESC, kid",
        )
        .bind(retired_since_ms)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(signing_key_row).collect())
    }

    async fn add_first_signing_key(&self, key: &SigningKeyRow) -> StoreResult<()> {
        // Instances starting together all bring the same first key (the instance secret), so the conflict on `kid`
        // settles their race.
        sqlx::query(
            "INSERT INTO signing_keys (kid, pem, created_at, retired_at) \
             SELECT $1, $2, $3, NULL WHERE NOT EXISTS (SELECT 1 FROM signing_keys) \
             ON CONFLICT (kid) DO NOTHING",
        )
        .bind(&key.kid)
        .bind(&key.pem)
        .bind(key.created_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn rotate_signing_key(&self, key: &SigningKeyRow) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        // Rotations on different instances queue here, so each retires the key the previous one added.
        sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended('signing_keys', 0))")
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE signing_keys SET retired_at = $1 WHERE retired_at IS NULL")
            .bind(key.created_at)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO signing_keys (kid, pem, created_at, retired_at) VALUES ($1, $2, $3, NULL)",
        )
        .bind(&key.kid)
        .bind(&key.pem)
        .bind(key.created_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }
}
