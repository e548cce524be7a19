//! The JWT signing keys of every instance on one store: the current key signs, the keys it replaced stay published
//! (and keep verifying) until the tokens they signed have expired.
//!
//! The keys live in the store ([`Store::signing_keys`]), so a rotation made through any instance reaches all of them:
//! each instance reloads the set at most every `refresh_ms`, and at once (at most once a second) when asked to verify
//! a token whose `kid` it does not know. The loaded set is a cache of the store, never a state of its own: with one
//! instance or many, the keys are the stored ones.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, RwLock};

use super::jwt::{JwtKeys, SessionClaims};
use crate::ids;
use crate::store::{SigningKeyRow, Store, StoreError, StoreResult};

/// Unknown `kid`s trigger a reload at most this often.
const FORCED_RELOAD_MS: i64 = 1_000;

/// How often the set is reloaded and how long a replaced key stays published.
#[derive(Debug, Clone, Copy)]
pub struct KeyTiming {
    /// Reload interval, in milliseconds.
    pub refresh_ms: i64,
    /// A replaced key is published this long after its replacement, in milliseconds.
    pub retention_ms: i64,
}

/// A loaded key and when it was replaced.
struct LoadedKey {
    key: Arc<JwtKeys>,
    retired_at: Option<i64>,
}

/// The loaded keys: the current one first.
struct KeySet {
    keys: Vec<LoadedKey>,
}

impl KeySet {
    /// The current key.
    fn current(&self) -> &JwtKeys {
        &self.keys[0].key
    }

    /// The keys published at `now`: the current one and those replaced less than `retention_ms` ago (checked at
    /// each use, so a key goes on time between reloads).
    fn published(&self, now: i64, retention_ms: i64) -> impl Iterator<Item = &Arc<JwtKeys>> {
        self.keys
            .iter()
            .enumerate()
            .filter(move |(i, k)| {
                *i == 0
                    || k.retired_at
                        .is_none_or(|at| now < at.saturating_add(retention_ms))
            })
            .map(|(_, k)| &k.key)
    }

    /// Any loaded key by `kid`.
    fn find(&self, kid: &str) -> Option<&Arc<JwtKeys>> {
        self.keys.iter().map(|k| &k.key).find(|k| k.kid() == kid)
    }
}

/// The signing keys shared through the store.
pub struct KeyRing {
    store: Arc<dyn Store>,
    timing: KeyTiming,
    loaded: RwLock<Arc<KeySet>>,
    next_refresh_ms: AtomicI64,
    next_forced_ms: AtomicI64,
}

impl KeyRing {
    /// Store `first_pem` as the signing key if the store has none yet (a fresh database), then load the stored set.
    pub async fn open(
        store: Arc<dyn Store>,
        first_pem: &str,
        timing: KeyTiming,
    ) -> Result<Self, String> {
        let first = JwtKeys::from_pem(first_pem)?;
        store
            .add_first_signing_key(&SigningKeyRow {
                kid: first.kid().to_string(),
                pem: first_pem.to_string(),
                created_at: ids::now_ms(),
                retired_at: None,
            })
            .await
            .map_err(|e| format!("storing the signing key: {e}"))?;
        let ring = Self {
            store,
            timing,
            loaded: RwLock::new(Arc::new(KeySet {
                keys: vec![LoadedKey {
                    key: Arc::new(first),
                    retired_at: None,
                }],
            })),
            next_refresh_ms: AtomicI64::new(0),
            next_forced_ms: AtomicI64::new(0),
        };
        let now = ids::now_ms();
        ring.reload(now)
            .await
            .map_err(|e| format!("loading the signing keys: {e}"))?;
        ring.next_refresh_ms
            .store(now.saturating_add(timing.refresh_ms), Ordering::Relaxed);
        Ok(ring)
    }

    fn snapshot(&self) -> Arc<KeySet> {
        self.loaded
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Read the stored set (reusing the parsed keys already loaded).
    async fn reload(&self, now: i64) -> StoreResult<()> {
        let rows = self
            .store
            .signing_keys(now.saturating_sub(self.timing.retention_ms))
            .await?;
        let old = self.snapshot();
        let mut keys = Vec::with_capacity(rows.len());
        for row in rows {
            let retired_at = row.retired_at;
            if let Some(key) = old.find(&row.kid) {
                keys.push(LoadedKey {
                    key: key.clone(),
                    retired_at,
                });
                continue;
            }
            match JwtKeys::from_pem(&row.pem) {
                Ok(key) if key.kid() == row.kid => keys.push(LoadedKey {
                    key: Arc::new(key),
                    retired_at,
                }),
                Ok(_) => {
                    tracing::error!(kid = %row.kid, "stored signing key does not match its kid")
                }
                Err(e) => tracing::error!(kid = %row.kid, "stored signing key unusable: {e}"),
            }
        }
        if keys.is_empty() {
            return Err(StoreError::Database("no usable signing key stored".into()));
        }
        *self.loaded.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(KeySet { keys });
        Ok(())
    }

    /// The loaded set, reloaded first when the refresh interval has passed (by one caller; the others use the loaded
    /// set meanwhile). A failed reload keeps the loaded set and is retried after the interval.
    async fn fresh(&self) -> Arc<KeySet> {
        let now = ids::now_ms();
        let due = self.next_refresh_ms.load(Ordering::Relaxed);
        if now >= due
            && self
                .next_refresh_ms
                .compare_exchange(
                    due,
                    now.saturating_add(self.timing.refresh_ms),
                    Ordering::Relaxed,
                    Ordering::Relaxed,
                )
                .is_ok()
        {
            if let Err(e) = self.reload(now).await {
                tracing::warn!("reloading the signing keys: {e}");
            }
        }
        self.snapshot()
    }

    /// Sign `claims` with the current key.
    pub async fn issue(&self, claims: &SessionClaims) -> Result<String, String> {
        self.fresh().await.current().issue(claims)
    }

    /// The JWKS document: the current key and the replaced keys still published.
    pub async fn jwks(&self) -> serde_json::Value {
        let set = self.fresh().await;
        let keys: Vec<serde_json::Value> = set
            .published(ids::now_ms(), self.timing.retention_ms)
            .map(|k| k.jwk())
            .collect();
        serde_json::json!({ "keys": keys })
    }

    /// Verify a token against the published key its header names (see [`JwtKeys::verify`]); an unknown `kid` may be
    /// a key another instance has just added, so the set is reloaded once before refusing.
    pub async fn verify(&self, token: &str, issuer: &str) -> Option<SessionClaims> {
        let kid = jsonwebtoken::decode_header(token).ok()?.kid?;
        let set = self.fresh().await;
        let now = ids::now_ms();
        let retention = self.timing.retention_ms;
        if let Some(key) = set.published(now, retention).find(|k| k.kid() == kid) {
            return key.verify(token, issuer);
        }
        if set.find(&kid).is_some() {
            // Loaded but no longer published: replaced too long ago.
            return None;
        }
        let due = self.next_forced_ms.load(Ordering::Relaxed);
        if now < due
            || self
                .next_forced_ms
                .compare_exchange(
                    due,
                    now + FORCED_RELOAD_MS,
                    Ordering::Relaxed,
                    Ordering::Relaxed,
                )
                .is_err()
        {
            return None;
        }
        if let Err(e) = self.reload(now).await {
            tracing::warn!("reloading the signing keys: {e}");
        }
        self.snapshot()
            .published(now, retention)
            .find(|k| k.kid() == kid)?
            .verify(token, issuer)
    }

    /// Generate a new key and make it the current one on every instance; the replaced key stays published for the
    /// retention time. Returns the new `kid`.
    pub async fn rotate(&self) -> Result<String, String> {
        let pem = tokio::task::spawn_blocking(JwtKeys::generate_pem)
            .await
            .map_err(|e| format!("key task: {e}"))??;
        let key = JwtKeys::from_pem(&pem)?;
        let kid = key.kid().to_string();
        let now = ids::now_ms();
        self.store
            .rotate_signing_key(&SigningKeyRow {
                kid: kid.clone(),
                pem,
                created_at: now,
                retired_at: None,
            })
            .await
            .map_err(|e| format!("storing the new signing key: {e}"))?;
        self.reload(now)
            .await
            .map_err(|e| format!("loading the signing keys: {e}"))?;
        Ok(kid)
    }
}
