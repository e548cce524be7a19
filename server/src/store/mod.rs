//! Persistence behind a trait, so routes never see SQL and another database can be added later.
//!
//! Reads are individual methods; every write goes through [`Store::apply`], which runs a [`WriteBatch`]
//! in one transaction, so a multi-step change (user + session + sign-up + client) is all or nothing.

mod oauth_rows;
pub mod pg;
pub mod pg_counters;
mod rows;
pub mod sqlite;

use async_trait::async_trait;

use crate::model::{
    Client, EmailAddress, ExternalAccount, InstanceSettings, OAuthSignIn, Session, SignIn, SignUp,
    User, Verification,
};

/// A storage failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique constraint was violated (e.g. an email address that already exists).
    #[error("unique constraint violated")]
    Conflict,
    /// A row to update, or a row the write refers to, is gone (deleted meanwhile by another request).
    #[error("row not found")]
    Gone,
    /// Any other database fault; the text is for the log only.
    #[error("database error: {0}")]
    Database(String),
}

/// A stored JWT signing key (see [`Store::signing_keys`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningKeyRow {
    /// Key id (in JWT headers and the JWKS).
    pub kid: String,
    /// The RSA private key, PKCS#8 PEM.
    pub pem: String,
    /// When the key was added (Unix ms).
    pub created_at: i64,
    /// When a newer key replaced it (Unix ms); `None` while it signs.
    pub retired_at: Option<i64>,
}

/// A [`SigningKeyRow`] from its columns.
pub(crate) fn signing_key_row(
    (kid, pem, created_at, retired_at): (String, String, i64, Option<i64>),
) -> SigningKeyRow {
    SigningKeyRow {
        kid,
        pem,
        created_at,
        retired_at,
    }
}

/// A session with its user as read together (`None` when the user row is missing: a dangling reference).
pub type SessionAndUser = (Session, Option<User>);

/// Result alias for store calls.
pub type StoreResult<T> = Result<T, StoreError>;

/// One insert-or-update of a whole row.
#[derive(Debug, Clone)]
pub enum Write {
    /// Upsert the instance settings.
    Settings(InstanceSettings),
    /// Upsert a client.
    Client(Client),
    /// Upsert a user (a different user with the same email → [`StoreError::Conflict`]); its
    /// [`other_emails`](User::other_emails) are not written.
    User(User),
    /// Update an existing user (the same columns as [`Write::User`]); the user deleted meanwhile →
    /// [`StoreError::Gone`], so a late update never brings a deleted account back.
    UpdateUser(User),
    /// Upsert one of a user's other email addresses (one the user has already, or verified by another user among
    /// the other addresses → [`StoreError::Conflict`]).
    EmailAddress(EmailAddress),
    /// Delete one of a user's other email addresses by id.
    DeleteEmailAddress(String),
    /// Store the verification of a user's primary address (the address as [`crate::domain::emails::primary`] gives
    /// it: `id` is the user's `email_id`); an address without a verification deletes the stored one.
    PrimaryVerification(EmailAddress),
    /// Delete a user with its other email addresses, its primary address's verification, its sessions on every
    /// client and its sign-ins.
    DeleteUser(String),
    /// Upsert a session.
    Session(Session),
    /// Upsert a sign-in.
    SignIn(SignIn),
    /// Upsert a sign-up.
    SignUp(SignUp),
    /// Upsert a sign-in through an OpenID Connect provider.
    OAuthSignIn(OAuthSignIn),
    /// Upsert an external account, keyed by provider and subject (another user's → [`StoreError::Conflict`]).
    ExternalAccount(ExternalAccount),
}

/// Writes applied in order, in one transaction.
#[derive(Debug, Default, Clone)]
pub struct WriteBatch(pub Vec<Write>);

impl WriteBatch {
    /// An empty batch.
    pub fn new() -> Self {
        Self::default()
    }

    /// Append a write.
    pub fn push(&mut self, write: Write) -> &mut Self {
        self.0.push(write);
        self
    }
}

/// The persistence interface used by the routes, as `Arc<dyn Store>`.
#[async_trait]
pub trait Store: Send + Sync {
    /// Apply all writes atomically.
    async fn apply(&self, batch: WriteBatch) -> StoreResult<()>;
    /// The stored instance settings, if ever saved.
    async fn settings(&self) -> StoreResult<Option<InstanceSettings>>;
    /// A client by id.
    async fn client(&self, id: &str) -> StoreResult<Option<Client>>;
    /// A user by id.
    async fn user(&self, id: &str) -> StoreResult<Option<User>>;
    /// The stored verification of the primary address `email_id` of `user_id` (none when it was sent to an address
    /// that is no longer the primary).
    async fn primary_verification(
        &self,
        user_id: &str,
        email_id: &str,
    ) -> StoreResult<Option<Verification>>;
    /// The account a (normalised) email address identifies: the user who verified it (as primary or other address),
    /// else the user whose unverified primary it is (see [`crate::domain::emails::pick_owner`]).
    async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>>;
    /// All users, oldest first (every user read through this trait comes with its other email addresses).
    async fn users(&self) -> StoreResult<Vec<User>>;
    /// A session by id.
    async fn session(&self, id: &str) -> StoreResult<Option<Session>>;
    /// All sessions of a client, oldest first.
    async fn client_sessions(&self, client_id: &str) -> StoreResult<Vec<Session>>;
    /// The client's sessions stored as `active` (some may have expired or been abandoned since), oldest first, each
    /// with its user — in one read, plus one for the users' other email addresses (none without sessions).
    async fn active_sessions_with_users(&self, client_id: &str)
        -> StoreResult<Vec<SessionAndUser>>;
    /// A client by id together with [`active_sessions_with_users`](Store::active_sessions_with_users), in one read
    /// (plus the one for the users' other email addresses).
    async fn client_with_active_sessions(
        &self,
        id: &str,
    ) -> StoreResult<Option<(Client, Vec<SessionAndUser>)>>;
    /// All sessions of a user, newest first.
    async fn user_sessions(&self, user_id: &str) -> StoreResult<Vec<Session>>;
    /// A sign-in by id.
    async fn sign_in(&self, id: &str) -> StoreResult<Option<SignIn>>;
    /// A sign-up by id.
    async fn sign_up(&self, id: &str) -> StoreResult<Option<SignUp>>;
    /// A sign-in through an OpenID Connect provider by id.
    async fn oauth_sign_in(&self, id: &str) -> StoreResult<Option<OAuthSignIn>>;
    /// A sign-in through an OpenID Connect provider by the hash of its `state`.
    async fn oauth_sign_in_by_state(&self, state_hash: &str) -> StoreResult<Option<OAuthSignIn>>;
    /// The external account of `provider` with this `subject`.
    async fn external_account(
        &self,
        provider: &str,
        subject: &str,
    ) -> StoreResult<Option<ExternalAccount>>;
    /// The external accounts of these users, oldest first.
    async fn external_accounts(&self, user_ids: &[String]) -> StoreResult<Vec<ExternalAccount>>;
    /// Delete the clients that have no session (of any status) and no sign-in or sign-up touched at or after
    /// `idle_before_ms`, themselves untouched since before it, with their old sign-ins and sign-ups; returns how
    /// many clients went.
    async fn purge_empty_clients(&self, idle_before_ms: i64) -> StoreResult<u64>;
    /// The signing keys not retired, or retired at or after `retired_since_ms`: not retired first, each group newest
    /// first.
    async fn signing_keys(&self, retired_since_ms: i64) -> StoreResult<Vec<SigningKeyRow>>;
    /// Store `key` (not retired) when there is no signing key at all yet; several processes doing this together
    /// with the same key store it once.
    async fn add_first_signing_key(&self, key: &SigningKeyRow) -> StoreResult<()>;
    /// Retire every key not retired yet at `key.created_at` and store `key` as the current one, in one transaction
    /// (concurrent rotations leave exactly one key not retired).
    async fn rotate_signing_key(&self, key: &SigningKeyRow) -> StoreResult<()>;
    /// Close connections cleanly (checkpointing the WAL).
    async fn close(&self);

    /// Whether several server processes may share this store. When they may, nothing the store holds is cached in
    /// a process (instance settings are read per request), and the instance secrets and rate-limit counters live in
    /// the store too.
    fn is_shared(&self) -> bool {
        false
    }
    /// Hold the client's lock across every process sharing the store until the returned guard drops (requests of
    /// one process are already serialised in memory before they ask). A store used by one process needs none.
    async fn lock_client(&self, _client_id: &str) -> StoreResult<HeldLock> {
        Ok(HeldLock::none())
    }
    /// The instance secret `name`: the stored one, else `candidate()` stored now. When several processes start
    /// together, all of them get the value of the first insert. Only shared stores keep secrets.
    async fn instance_secret(
        &self,
        _name: &str,
        _candidate: &(dyn Fn() -> Result<String, String> + Send + Sync),
    ) -> StoreResult<String> {
        Err(StoreError::Database(
            "this store keeps no instance secrets".into(),
        ))
    }
    /// Rate-limit counters shared by every process on this store; `None` when the process keeps its own.
    fn counters(&self) -> Option<std::sync::Arc<dyn crate::rate_limit::Counters>> {
        None
    }
    /// Whether the database answers (`GET /healthz`).
    async fn ping(&self) -> StoreResult<()>;
}

/// A lock held in the store for as long as this value lives (see [`Store::lock_client`]).
pub struct HeldLock {
    /// The store's handle of the lock (e.g. the transaction holding it), released when dropped.
    _held: Option<std::sync::Mutex<Box<dyn Send>>>,
}

impl HeldLock {
    /// No lock (stores used by one process).
    pub fn none() -> Self {
        Self { _held: None }
    }

    /// A lock released when `held` drops.
    pub fn new(held: impl Send + 'static) -> Self {
        Self {
            _held: Some(std::sync::Mutex::new(Box::new(held))),
        }
    }
}
