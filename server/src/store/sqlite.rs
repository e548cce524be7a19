//! SQLite implementation of [`Store`] with sqlx: WAL mode, a single-connection writer pool (so concurrent writes
//! queue in the pool instead of failing with `SQLITE_BUSY`) and a small reader pool. Every query is parameterised.

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Sqlite, Transaction};

use super::oauth_rows::{
    bind_external_account, bind_oauth_sign_in, ExternalAccountRow, OAuthSignInRow, OAuthSql,
};
use super::rows::{
    attach_emails, session_user_columns, ClientRow, ClientSessionRow, EmailAddressRow,
    PrimaryVerificationRow, SessionRow, SessionUserRow, SignInRow, SignUpRow, UserRow,
    VerificationCols,
};
use super::{
    signing_key_row, SessionAndUser, SigningKeyRow, Store, StoreError, StoreResult, Write,
    WriteBatch,
};
use crate::model::{
    Client, EmailAddress, ExternalAccount, InstanceSettings, OAuthSignIn, Session, SessionStatus,
    SignIn, SignUp, User, Verification,
};

/// The OpenID Connect tables' statements with SQLite placeholders.
static OAUTH_SQL: std::sync::LazyLock<OAuthSql> =
    std::sync::LazyLock::new(|| OAuthSql::new(|n| format!("?{n}")));

/// How long a connection waits on a lock held by another connection before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// Readers in the pool; WAL lets them run alongside the single writer.
const READER_CONNECTIONS: u32 = 4;

/// The SQLite store.
pub struct SqliteStore {
    writer: SqlitePool,
    reader: SqlitePool,
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        match &err {
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict,
            // A row the write refers to (a session's user, say) was deleted by a request that committed first.
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::Gone,
            sqlx::Error::RowNotFound => StoreError::Gone,
            _ => StoreError::Database(err.to_string()),
        }
    }
}

impl SqliteStore {
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
            "SELECT * FROM email_addresses WHERE user_id IN (SELECT value FROM json_each(?))
             ORDER BY created_at, id",
        )
        .bind(serde_json::to_string(&ids).map_err(|e| StoreError::Database(e.to_string()))?)
        .fetch_all(&self.reader)
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
    /// Open (creating the file and its folder if needed) and migrate the database at `url` (`sqlite://path`).
    pub async fn open(url: &str) -> StoreResult<Self> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(BUSY_TIMEOUT)
            .foreign_keys(true);
        let file = options.get_filename();
        if let Some(parent) = file.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| {
                StoreError::Database(format!("cannot create {}: {e}", parent.display()))
            })?;
        }
        if file.as_os_str() != ":memory:" {
            restrict_db_files(file)
                .map_err(|e| StoreError::Database(format!("{}: {e}", file.display())))?;
        }
        let writer = pool_options()
            .max_connections(1)
            .connect_with(options.clone())
            .await?;
        sqlx::migrate!("./migrations")
            .run(&writer)
            .await
            .map_err(|e| StoreError::Database(format!("migration failed: {e}")))?;
        let reader = pool_options()
            .max_connections(READER_CONNECTIONS)
            .connect_with(options.read_only(true))
            .await?;
        Ok(Self { writer, reader })
    }
}

/// Create the database file readable by its owner only (mode 0600) before SQLite opens it, and narrow an existing
/// database and its `-wal`/`-shm` files to that mode: they hold password hashes and client token hashes. SQLite
/// creates the WAL and shared-memory files with the database file's mode.
fn restrict_db_files(file: &std::path::Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
        std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(file)?;
        for suffix in ["", "-wal", "-shm"] {
            let mut name = file.as_os_str().to_owned();
            name.push(suffix);
            let path = std::path::PathBuf::from(name);
            if path.exists() {
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = file;
    Ok(())
}

/// Pool settings shared by the writer and the readers. sqlx pings a connection before lending it by default, to
/// catch a network peer that hung up; an SQLite connection has no peer, and each ping is one more round trip to the
/// connection's worker thread on every query (a third of the work of a small read).
fn pool_options() -> SqlitePoolOptions {
    SqlitePoolOptions::new().test_before_acquire(false)
}

/// Run one write inside the transaction.
async fn apply_one(tx: &mut Transaction<'_, Sqlite>, write: &Write) -> Result<(), sqlx::Error> {
    match write {
        Write::Settings(s) => {
            sqlx::query(
                "INSERT INTO instance_settings (id, single_session_mode, email_verification_required, delete_self_enabled)
                 VALUES (1, ?, ?, ?)
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
                 VALUES (?, ?, ?, ?, ?, ?, ?)
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
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
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
                "UPDATE users SET email_id = ?, email = ?, email_verified = ?, first_name = ?, last_name = ?,
                 password_hash = ?, updated_at = ? WHERE id = ?",
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
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
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
            sqlx::query("DELETE FROM email_addresses WHERE id = ?")
                .bind(id)
                .execute(&mut **tx)
                .await?;
        }
        Write::PrimaryVerification(e) => {
            if e.verification.is_none() {
                sqlx::query("DELETE FROM primary_verifications WHERE user_id = ?")
                    .bind(&e.user_id)
                    .execute(&mut **tx)
                    .await?;
                return Ok(());
            }
            let v = VerificationCols::from(e.verification.as_ref());
            sqlx::query(
                "INSERT INTO primary_verifications (user_id, email_id, status, strategy, attempts, expire_at, code_hash)
                 VALUES (?, ?, ?, ?, ?, ?, ?)
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
                "DELETE FROM email_addresses WHERE user_id = ?",
                "DELETE FROM primary_verifications WHERE user_id = ?",
                "DELETE FROM external_accounts WHERE user_id = ?",
                "DELETE FROM sessions WHERE user_id = ?",
                "DELETE FROM sign_ins WHERE user_id = ?",
                "DELETE FROM users WHERE id = ?",
            ] {
                sqlx::query(sql).bind(id).execute(&mut **tx).await?;
            }
        }
        Write::Session(s) => {
            sqlx::query(
                "INSERT INTO sessions (id, client_id, user_id, status, last_active_at, expire_at, created_at, updated_at,
                 user_agent, ip_address)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
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
                 created_session_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
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
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
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

#[async_trait]
impl Store for SqliteStore {
    async fn apply(&self, batch: WriteBatch) -> StoreResult<()> {
        let mut tx = self.writer.begin().await?;
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
        .fetch_optional(&self.reader)
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
        let row: Option<ClientRow> = sqlx::query_as("SELECT * FROM clients WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.reader)
            .await?;
        Ok(row.map(Client::from))
    }

    async fn user(&self, id: &str) -> StoreResult<Option<User>> {
        let row: Option<UserRow> = sqlx::query_as("SELECT * FROM users WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.reader)
            .await?;
        self.with_emails(row.map(User::from)).await
    }

    async fn primary_verification(
        &self,
        user_id: &str,
        email_id: &str,
    ) -> StoreResult<Option<Verification>> {
        let row: Option<PrimaryVerificationRow> = sqlx::query_as(
            "SELECT status, strategy, attempts, expire_at, code_hash FROM primary_verifications
             WHERE user_id = ? AND email_id = ?",
        )
        .bind(user_id)
        .bind(email_id)
        .fetch_optional(&self.reader)
        .await?;
        row.map(Verification::try_from).transpose()
    }

    async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>> {
        let primary: Option<UserRow> = sqlx::query_as("SELECT * FROM users WHERE email = ?")
            .bind(email)
            .fetch_optional(&self.reader)
            .await?;
        let verified_other: Option<UserRow> = sqlx::query_as(
            "SELECT u.* FROM users u JOIN email_addresses e ON e.user_id = u.id
             WHERE e.email = ? AND e.verified = ?",
        )
        .bind(email)
        .bind(true)
        .fetch_optional(&self.reader)
        .await?;
        let owner = crate::domain::emails::pick_owner(
            primary.map(User::from),
            verified_other.map(User::from),
        );
        self.with_emails(owner).await
    }

    async fn users(&self) -> StoreResult<Vec<User>> {
        let rows: Vec<UserRow> = sqlx::query_as("SELECT * FROM users ORDER BY created_at, rowid")
            .fetch_all(&self.reader)
            .await?;
        let mut users: Vec<User> = rows.into_iter().map(User::from).collect();
        let emails = self
            .other_emails(users.iter().map(|u| u.id.as_str()))
            .await?;
        attach_emails(users.iter_mut(), &emails);
        Ok(users)
    }

    async fn session(&self, id: &str) -> StoreResult<Option<Session>> {
        let row: Option<SessionRow> = sqlx::query_as("SELECT * FROM sessions WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.reader)
            .await?;
        row.map(Session::try_from).transpose()
    }

    async fn client_sessions(&self, client_id: &str) -> StoreResult<Vec<Session>> {
        let rows: Vec<SessionRow> =
            sqlx::query_as("SELECT * FROM sessions WHERE client_id = ? ORDER BY created_at, rowid")
                .bind(client_id)
                .fetch_all(&self.reader)
                .await?;
        rows.into_iter().map(Session::try_from).collect()
    }

    async fn active_sessions_with_users(
        &self,
        client_id: &str,
    ) -> StoreResult<Vec<SessionAndUser>> {
        let rows: Vec<SessionUserRow> = sqlx::query_as(concat!(
            "SELECT ",
            session_user_columns!(),
            " FROM sessions s LEFT JOIN users u ON u.id = s.user_id
             WHERE s.client_id = ? AND s.status = ? ORDER BY s.created_at, s.rowid"
        ))
        .bind(client_id)
        .bind(SessionStatus::Active.as_str())
        .fetch_all(&self.reader)
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
        // One row per active session, or one row with null session and user columns for a client without any.
        let rows: Vec<ClientSessionRow> = sqlx::query_as(concat!(
            "SELECT c.*, ",
            session_user_columns!(),
            " FROM clients c LEFT JOIN sessions s ON s.client_id = c.id AND s.status = ?
             LEFT JOIN users u ON u.id = s.user_id
             WHERE c.id = ? ORDER BY s.created_at, s.rowid"
        ))
        .bind(SessionStatus::Active.as_str())
        .bind(id)
        .fetch_all(&self.reader)
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
        let rows: Vec<SessionRow> = sqlx::query_as(
            "SELECT * FROM sessions WHERE user_id = ? ORDER BY created_at DESC, rowid DESC",
        )
        .bind(user_id)
        .fetch_all(&self.reader)
        .await?;
        rows.into_iter().map(Session::try_from).collect()
    }

    async fn sign_in(&self, id: &str) -> StoreResult<Option<SignIn>> {
        let row: Option<SignInRow> = sqlx::query_as("SELECT * FROM sign_ins WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.reader)
            .await?;
        row.map(SignIn::try_from).transpose()
    }

    async fn sign_up(&self, id: &str) -> StoreResult<Option<SignUp>> {
        let row: Option<SignUpRow> = sqlx::query_as("SELECT * FROM sign_ups WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.reader)
            .await?;
        row.map(SignUp::try_from).transpose()
    }

    async fn oauth_sign_in(&self, id: &str) -> StoreResult<Option<OAuthSignIn>> {
        let row: Option<OAuthSignInRow> =
            sqlx::query_as("SELECT * FROM oauth_sign_ins WHERE id = ?")
                .bind(id)
                .fetch_optional(&self.reader)
                .await?;
        row.map(OAuthSignIn::try_from).transpose()
    }

    async fn oauth_sign_in_by_state(&self, state_hash: &str) -> StoreResult<Option<OAuthSignIn>> {
        let row: Option<OAuthSignInRow> =
            sqlx::query_as("SELECT * FROM oauth_sign_ins WHERE state_hash = ?")
                .bind(state_hash)
                .fetch_optional(&self.reader)
                .await?;
        row.map(OAuthSignIn::try_from).transpose()
    }

    async fn external_account(
        &self,
        provider: &str,
        subject: &str,
    ) -> StoreResult<Option<ExternalAccount>> {
        let row: Option<ExternalAccountRow> =
            sqlx::query_as("SELECT * FROM external_accounts WHERE provider = ? AND subject = ?")
                .bind(provider)
                .bind(subject)
                .fetch_optional(&self.reader)
                .await?;
        Ok(row.map(ExternalAccount::from))
    }

    async fn external_accounts(&self, user_ids: &[String]) -> StoreResult<Vec<ExternalAccount>> {
        if user_ids.is_empty() {
            return Ok(Vec::new());
        }
        let placeholders = vec!["?"; user_ids.len()].join(", ");
        let sql = format!(
            "SELECT * FROM external_accounts WHERE user_id IN ({placeholders}) ORDER BY created_at, id"
        );
        let mut query = sqlx::query_as::<_, ExternalAccountRow>(&sql);
        for id in user_ids {
            query = query.bind(id);
        }
        let rows = query.fetch_all(&self.reader).await?;
        Ok(rows.into_iter().map(ExternalAccount::from).collect())
    }

    async fn purge_empty_clients(&self, idle_before_ms: i64) -> StoreResult<u64> {
        let mut tx = self.writer.begin().await?;
        sqlx::query("CREATE TEMP TABLE IF NOT EXISTS purge_clients (id TEXT PRIMARY KEY NOT NULL)")
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM purge_clients")
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO purge_clients (id) SELECT c.id FROM clients c WHERE c.updated_at < ?1
             AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.client_id = c.id)
             AND NOT EXISTS (SELECT 1 FROM sign_ins i WHERE i.client_id = c.id AND i.updated_at >= ?1)
             AND NOT EXISTS (SELECT 1 FROM sign_ups u WHERE u.client_id = c.id AND u.updated_at >= ?1)
             AND NOT EXISTS (SELECT 1 FROM oauth_sign_ins o WHERE o.client_id = c.id AND o.updated_at >= ?1)",
        )
        .bind(idle_before_ms)
        .execute(&mut *tx)
        .await?;
        for table in ["sign_ins", "sign_ups", "oauth_sign_ins"] {
            sqlx::query(&format!(
                "DELETE FROM {table} WHERE client_id IN (SELECT id FROM purge_clients)"
            ))
            .execute(&mut *tx)
            .await?;
        }
        let gone = sqlx::query("DELETE FROM clients WHERE id IN (SELECT id FROM purge_clients)")
            .execute(&mut *tx)
            .await?
            .rows_affected();
        sqlx::query("DELETE FROM purge_clients")
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(gone)
    }

    async fn signing_keys(&self, retired_since_ms: i64) -> StoreResult<Vec<SigningKeyRow>> {
        let rows: Vec<(String, String, i64, Option<i64>)> = sqlx::query_as(
            "SELECT kid, pem, created_at, retired_at FROM signing_keys \
             WHERE retired_at IS NULL OR retired_at >= ?1 \
             ORDER BY retired_at IS NOT NULL, created_at DESC, kid",
        )
        .bind(retired_since_ms)
        .fetch_all(&self.reader)
        .await?;
        Ok(rows.into_iter().map(signing_key_row).collect())
    }

    async fn add_first_signing_key(&self, key: &SigningKeyRow) -> StoreResult<()> {
        sqlx::query(
            "INSERT OR IGNORE INTO signing_keys (kid, pem, created_at, retired_at) \
             SELECT ?1, ?2, ?3, NULL WHERE NOT EXISTS (SELECT 1 FROM signing_keys)",
        )
        .bind(&key.kid)
        .bind(&key.pem)
        .bind(key.created_at)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    async fn rotate_signing_key(&self, key: &SigningKeyRow) -> StoreResult<()> {
        // The single writer connection serialises rotations.
        let mut tx = self.writer.begin().await?;
        sqlx::query("UPDATE signing_keys SET retired_at = ?1 WHERE retired_at IS NULL")
            .bind(key.created_at)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO signing_keys (kid, pem, created_at, retired_at) VALUES (?1, ?2, ?3, NULL)",
        )
        .bind(&key.kid)
        .bind(&key.pem)
        .bind(key.created_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn close(&self) {
        self.reader.close().await;
        self.writer.close().await;
    }

    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.reader).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::WriteBatch;

    fn client(id: &str) -> Client {
        Client {
            id: id.into(),
            token_hash: "hash".into(),
            last_active_session_id: None,
            sign_in_id: None,
            sign_up_id: None,
            created_at: 1,
            updated_at: 1,
        }
    }

    fn user(id: &str, email: &str) -> User {
        User {
            id: id.into(),
            email_id: format!("idn_{id}"),
            email: email.into(),
            email_verified: true,
            other_emails: Vec::new(),
            first_name: Some("Ada".into()),
            last_name: None,
            password_hash: None,
            created_at: 1,
            updated_at: 2,
        }
    }

    fn session(
        id: &str,
        client_id: &str,
        user_id: &str,
        status: SessionStatus,
        created_at: i64,
    ) -> Session {
        Session {
            id: id.into(),
            client_id: client_id.into(),
            user_id: user_id.into(),
            status,
            last_active_at: created_at,
            user_agent: None,
            ip_address: None,
            expire_at: i64::MAX,
            created_at,
            updated_at: created_at,
        }
    }

    #[tokio::test]
    async fn joined_reads_return_active_sessions_with_their_users() {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("store.db").display());
        let store = SqliteStore::open(&url).await.expect("open");
        let mut batch = WriteBatch::new();
        batch
            .push(Write::Client(client("client_a")))
            .push(Write::Client(client("client_empty")))
            .push(Write::User(user("user_1", "one@example.com")))
            .push(Write::User(user("user_2", "two@example.com")))
            .push(Write::Session(session(
                "sess_late",
                "client_a",
                "user_1",
                SessionStatus::Active,
                30,
            )))
            .push(Write::Session(session(
                "sess_ended",
                "client_a",
                "user_2",
                SessionStatus::Ended,
                10,
            )))
            .push(Write::Session(session(
                "sess_early",
                "client_a",
                "user_2",
                SessionStatus::Active,
                20,
            )));
        store.apply(batch).await.expect("writes");

        let (found, sessions) = store
            .client_with_active_sessions("client_a")
            .await
            .expect("read")
            .expect("client");
        assert_eq!(found.id, "client_a");
        let ids: Vec<(&str, Option<&str>)> = sessions
            .iter()
            .map(|(s, u)| (s.id.as_str(), u.as_ref().map(|u| u.email.as_str())))
            .collect();
        assert_eq!(
            ids,
            [
                ("sess_early", Some("two@example.com")),
                ("sess_late", Some("one@example.com"))
            ]
        );
        let (first, first_user) = &sessions[0];
        assert_eq!(
            (first.status, first.created_at, first.expire_at),
            (SessionStatus::Active, 20, i64::MAX)
        );
        let first_user = first_user.as_ref().expect("user");
        assert_eq!(
            (
                first_user.email_id.as_str(),
                first_user.first_name.as_deref()
            ),
            ("idn_user_2", Some("Ada"))
        );
        assert_eq!(
            (first_user.last_name.as_deref(), first_user.updated_at),
            (None, 2)
        );

        let alone = store
            .active_sessions_with_users("client_a")
            .await
            .expect("read");
        let alone_ids: Vec<&str> = alone.iter().map(|(s, _)| s.id.as_str()).collect();
        assert_eq!(alone_ids, ["sess_early", "sess_late"]);

        let (empty, none) = store
            .client_with_active_sessions("client_empty")
            .await
            .expect("read")
            .expect("client");
        assert_eq!((empty.id.as_str(), none.len()), ("client_empty", 0));
        assert!(store
            .client_with_active_sessions("client_missing")
            .await
            .expect("read")
            .is_none());
        assert!(store
            .active_sessions_with_users("client_missing")
            .await
            .expect("read")
            .is_empty());
        store.close().await;
    }

    #[tokio::test]
    async fn other_addresses_identify_their_user_and_go_with_it() {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("store.db").display());
        let store = SqliteStore::open(&url).await.expect("open");
        let mut other = crate::domain::emails::new_address(
            "idn_other".into(),
            "user_1",
            "other@example.com".into(),
            5,
        );
        other.verified = true;
        let mut batch = WriteBatch::new();
        batch
            .push(Write::Client(client("client_a")))
            .push(Write::User(user("user_1", "one@example.com")))
            .push(Write::EmailAddress(other.clone()))
            .push(Write::Session(session(
                "sess_1",
                "client_a",
                "user_1",
                SessionStatus::Active,
                1,
            )));
        store.apply(batch).await.expect("writes");
        let found = store
            .user_by_email("other@example.com")
            .await
            .expect("read")
            .expect("owner");
        assert_eq!(found.id, "user_1");
        let others: Vec<&str> = found.other_emails.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(others, ["idn_other"]);
        let (_, sessions) = store
            .client_with_active_sessions("client_a")
            .await
            .expect("read")
            .expect("client");
        let owner = sessions[0].1.as_ref().expect("user");
        assert_eq!(owner.other_emails.len(), 1);
        // The same address verified by a second user is refused.
        let mut twice = other.clone();
        twice.id = "idn_twice".into();
        twice.user_id = "user_2".into();
        let mut batch = WriteBatch::new();
        batch
            .push(Write::User(user("user_2", "two@example.com")))
            .push(Write::EmailAddress(twice));
        assert!(matches!(
            store.apply(batch).await,
            Err(StoreError::Conflict)
        ));

        let mut batch = WriteBatch::new();
        batch.push(Write::DeleteUser("user_1".into()));
        store.apply(batch).await.expect("delete");
        assert!(store.user("user_1").await.expect("read").is_none());
        assert!(store.session("sess_1").await.expect("read").is_none());
        assert!(store
            .user_by_email("other@example.com")
            .await
            .expect("read")
            .is_none());
        // A late update does not bring the user back.
        let mut batch = WriteBatch::new();
        batch.push(Write::UpdateUser(user("user_1", "one@example.com")));
        assert!(matches!(store.apply(batch).await, Err(StoreError::Gone)));
        assert!(store.user("user_1").await.expect("read").is_none());
        // Nor does a sign-in that was completing for the deleted user: its new session refers to no user.
        let mut batch = WriteBatch::new();
        batch.push(Write::Session(session(
            "sess_late",
            "client_a",
            "user_1",
            SessionStatus::Active,
            9,
        )));
        assert!(matches!(store.apply(batch).await, Err(StoreError::Gone)));
        assert!(store.session("sess_late").await.expect("read").is_none());
        store.close().await;
    }
}
