//! Per-key async mutexes: requests touching the same client run one at a time, so read-check-write sequences
//! (one session per identifier, single-session mode, code attempts) cannot interleave. A plain `GET /v1/client`
//! whose answer comes from one statement reads without it (`ClientCtx::load_read_only`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};

use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard};

/// Above this many entries, dead ones are swept on the next lock.
const SWEEP_THRESHOLD: usize = 1_024;

/// A map of lazily created, automatically dropped mutexes.
#[derive(Debug, Default)]
pub struct KeyedLocks {
    locks: Mutex<HashMap<String, Weak<AsyncMutex<()>>>>,
}

impl KeyedLocks {
    /// An empty set of locks.
    pub fn new() -> Self {
        Self::default()
    }

    /// Wait for and hold the lock of `key` until the guard drops.
    pub async fn lock(&self, key: &str) -> OwnedMutexGuard<()> {
        let mutex = {
            let mut locks = self.locks.lock().unwrap_or_else(|p| p.into_inner());
            if locks.len() >= SWEEP_THRESHOLD {
                locks.retain(|_, weak| weak.strong_count() > 0);
            }
            match locks.get(key).and_then(Weak::upgrade) {
                Some(existing) => existing,
                None => {
                    let fresh = Arc::new(AsyncMutex::new(()));
                    locks.insert(key.to_string(), Arc::downgrade(&fresh));
                    fresh
                }
            }
        };
        mutex.lock_owned().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn same_key_serialises_other_keys_do_not() {
        let locks = Arc::new(KeyedLocks::new());
        let guard = locks.lock("a").await;
        let other = tokio::time::timeout(Duration::from_millis(50), locks.lock("b")).await;
        assert!(other.is_ok());
        let same = tokio::time::timeout(Duration::from_millis(50), locks.lock("a")).await;
        assert!(same.is_err());
        drop(guard);
        assert!(
            tokio::time::timeout(Duration::from_millis(50), locks.lock("a"))
                .await
                .is_ok()
        );
    }
}
