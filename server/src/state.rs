//! Shared application state handed to every handler.

use std::sync::{Arc, RwLock};

use crate::auth::key_ring::KeyRing;
use crate::auth::secret_key::SecretKey;
use crate::error::ApiResult;
use crate::locks::KeyedLocks;
use crate::mailer::{DevMailer, Mailer};
use crate::model::InstanceSettings;
use crate::oauth::provider::Providers;
use crate::rate_limit::Counters;
use crate::store::{HeldLock, Store, Write, WriteBatch};
use tokio::sync::OwnedMutexGuard;

/// Session and code lifetimes, in milliseconds.
#[derive(Debug, Clone, Copy)]
pub struct Lifetimes {
    /// A session expires this long after creation.
    pub session_ms: i64,
    /// A session is abandoned this long after its last activity.
    pub inactivity_ms: i64,
    /// A one-time code expires this long after it was sent.
    pub code_ms: i64,
}

/// Limits on creations (counted with [`AppState::counters`]; attempt limits are in [`crate::domain::attempts`]).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Sign-in + sign-up creations per client per 10 minutes.
    pub creations_per_client: usize,
    /// Sign-in + sign-up creations per IP address per 10 minutes.
    pub creations_per_ip: usize,
    /// Clients created by `POST /v1/client` per IP address per 10 minutes.
    pub clients_per_ip: usize,
}

/// Which browser origins may call the API (CORS, and `azp` in session JWTs).
#[derive(Debug, Clone)]
pub struct Origins {
    allowed: Vec<String>,
    dev: bool,
}

impl Origins {
    /// `allowed` exact origins (a trailing `/` is ignored); with `dev`, any `http://127.0.0.1:<port>` and
    /// `http://localhost:<port>` too.
    pub fn new(allowed: impl IntoIterator<Item = String>, dev: bool) -> Self {
        let allowed = allowed
            .into_iter()
            .map(|o| o.trim().trim_end_matches('/').to_string())
            .filter(|o| !o.is_empty())
            .collect();
        Self { allowed, dev }
    }

    /// Whether `origin` is allowed.
    pub fn is_allowed(&self, origin: &str) -> bool {
        self.allowed.iter().any(|a| a == origin) || (self.dev && is_local_dev_origin(origin))
    }
}

/// `http://127.0.0.1:<port>` or `http://localhost:<port>`.
fn is_local_dev_origin(origin: &str) -> bool {
    ["http://127.0.0.1:", "http://localhost:"]
        .iter()
        .any(|prefix| {
            origin.strip_prefix(prefix).is_some_and(|port| {
                !port.is_empty() && port.len() <= 5 && port.bytes().all(|b| b.is_ascii_digit())
            })
        })
}

/// Everything handlers share.
pub struct AppState {
    /// Persistence.
    pub store: Arc<dyn Store>,
    /// Cached instance settings (the store holds the persisted copy).
    settings: RwLock<InstanceSettings>,
    /// Session JWT keys.
    pub jwt: KeyRing,
    /// Backend API key.
    pub secret_key: SecretKey,
    /// HMAC key of one-time code hashes (derived from the secret key, which is not in the database).
    pub code_key: [u8; 32],
    /// Code delivery.
    pub mailer: Arc<dyn Mailer>,
    /// The dev outbox, present only with `--dev`.
    pub outbox: Option<Arc<DevMailer>>,
    /// Allowed browser origins.
    pub origins: Origins,
    /// `iss` of session JWTs: the origin this server is reached at.
    pub issuer: String,
    /// Limits on creations.
    pub limits: Limits,
    /// Counted attempts and creations (rate limits).
    pub counters: Arc<dyn Counters>,
    /// Per-client request serialisation.
    pub client_locks: KeyedLocks,
    /// Lifetimes.
    pub lifetimes: Lifetimes,
    /// The OpenID Connect providers.
    pub providers: Arc<Providers>,
}

/// A client's lock (see [`AppState::lock_client`]); the shared part is released before the local one.
pub struct ClientLock {
    _shared: HeldLock,
    _local: OwnedMutexGuard<()>,
}

/// The parts of [`AppState`] that are built before it.
pub struct AppParts {
    /// Persistence.
    pub store: Arc<dyn Store>,
    /// Initial settings (already persisted).
    pub settings: InstanceSettings,
    /// Session JWT keys.
    pub jwt: KeyRing,
    /// Backend API key.
    pub secret_key: SecretKey,
    /// Code delivery.
    pub mailer: Arc<dyn Mailer>,
    /// The dev outbox, if served.
    pub outbox: Option<Arc<DevMailer>>,
    /// Allowed origins.
    pub origins: Origins,
    /// JWT issuer.
    pub issuer: String,
    /// Limits on creations.
    pub limits: Limits,
    /// Counted attempts and creations.
    pub counters: Arc<dyn Counters>,
    /// Lifetimes.
    pub lifetimes: Lifetimes,
    /// The OpenID Connect providers.
    pub providers: Arc<Providers>,
}

impl AppState {
    /// Assemble the state.
    pub fn new(p: AppParts) -> Self {
        Self {
            store: p.store,
            settings: RwLock::new(p.settings),
            jwt: p.jwt,
            code_key: p.secret_key.derive_key("one-time codes"),
            secret_key: p.secret_key,
            mailer: p.mailer,
            outbox: p.outbox,
            origins: p.origins,
            issuer: p.issuer,
            limits: p.limits,
            counters: p.counters,
            client_locks: KeyedLocks::new(),
            lifetimes: p.lifetimes,
            providers: p.providers,
        }
    }

    /// The clock of a request decided at `now` (the domain rules' view of time and inactivity).
    pub fn clock(&self, now: i64) -> crate::domain::sessions::Clock {
        crate::domain::sessions::Clock::new(now, self.lifetimes.inactivity_ms)
    }

    /// The current instance settings: the cached copy, or the stored one when instances share the store (another
    /// instance may have changed them).
    pub async fn settings(&self) -> ApiResult<InstanceSettings> {
        if self.store.is_shared() {
            return Ok(self.store.settings().await?.unwrap_or_default());
        }
        Ok(*self.settings.read().unwrap_or_else(|p| p.into_inner()))
    }

    /// Wait for and hold the client's lock: first among this process's requests, then (for a shared store) among
    /// all instances. Released when the guard drops.
    pub async fn lock_client(&self, client_id: &str) -> ApiResult<ClientLock> {
        let local = self.client_locks.lock(client_id).await;
        let shared = self.store.lock_client(client_id).await?;
        Ok(ClientLock {
            _shared: shared,
            _local: local,
        })
    }

    /// Persist new settings, then use them from the next request on.
    pub async fn set_settings(&self, settings: InstanceSettings) -> ApiResult<()> {
        let mut batch = WriteBatch::new();
        batch.push(Write::Settings(settings));
        self.store.apply(batch).await?;
        *self.settings.write().unwrap_or_else(|p| p.into_inner()) = settings;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins() {
        let strict = Origins::new(["https://app.example/".to_string()], false);
        assert!(strict.is_allowed("https://app.example"));
        assert!(!strict.is_allowed("http://127.0.0.1:3000"));
        let dev = Origins::new(Vec::new(), true);
        assert!(dev.is_allowed("http://127.0.0.1:3000"));
        assert!(dev.is_allowed("http://localhost:8080"));
        assert!(!dev.is_allowed("http://localhost:8080.evil.com"));
        assert!(!dev.is_allowed("https://localhost:8080"));
        assert!(!dev.is_allowed("http://127.0.0.1:"));
    }
}
