//! Password hashing with argon2id (OWASP parameters), on a fixed set of threads behind a bounded queue.

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, OnceLock};

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::error::{ApiError, ApiResult};

/// Memory cost in KiB (19 MiB, the OWASP recommendation for argon2id).
const MEMORY_KIB: u32 = 19_456;
/// Iterations.
const ITERATIONS: u32 = 2;
/// Parallelism.
const PARALLELISM: u32 = 1;

/// A hash of a random password, verified against when the identifier is unknown so the timing matches.
static DUMMY_HASH: OnceLock<String> = OnceLock::new();

/// The configured argon2id hasher.
fn hasher() -> ApiResult<Argon2<'static>> {
    let params = Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None)
        .map_err(|e| ApiError::Internal(format!("argon2 params: {e}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hash synchronously (call from the blocking pool).
fn hash_blocking(password: &str) -> ApiResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    hasher()?
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ApiError::Internal(format!("argon2 hash: {e}")))
}

/// Verify synchronously; an unparsable stored hash counts as a mismatch (and is logged).
fn verify_blocking(password: &str, hash: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        tracing::error!("stored password hash is not a valid PHC string");
        return false;
    };
    hasher()
        .map(|h| h.verify_password(password.as_bytes(), &parsed).is_ok())
        .unwrap_or(false)
}

/// Jobs waiting for a hashing thread beyond those being computed; more are refused with 429 (a short queue keeps
/// the wait under a second or two on a small machine instead of piling requests up).
pub const QUEUE: usize = 64;

/// Passwords verified, hashes computed, and jobs refused because the queue was full (see `/dev/stats`).
static CHECKS: AtomicU64 = AtomicU64::new(0);
static HASHES: AtomicU64 = AtomicU64::new(0);
static BUSY: AtomicU64 = AtomicU64::new(0);

/// Counts since start: `(password_checks, password_hashes, hash_busy)`.
pub fn stats() -> (u64, u64, u64) {
    (
        CHECKS.load(Ordering::Relaxed),
        HASHES.load(Ordering::Relaxed),
        BUSY.load(Ordering::Relaxed),
    )
}

/// A unit of argon2 work.
type Job = Box<dyn FnOnce() + Send>;

/// The argon2 threads, one per core, fed by a bounded queue. Each argon2 call takes 19 MiB; a fixed set of threads
/// bounds the memory in use (and kept by the allocator's per-thread arenas) to `threads × 19 MiB`, where the async
/// runtime's blocking pool would start hundreds of threads under a burst.
static POOL: OnceLock<SyncSender<Job>> = OnceLock::new();

/// Start the threads on first use.
fn pool() -> &'static SyncSender<Job> {
    POOL.get_or_init(|| {
        let (tx, rx) = sync_channel::<Job>(QUEUE);
        let rx = Arc::new(Mutex::new(rx));
        let threads = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
        for i in 0..threads {
            let rx = rx.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("argon2-{i}"))
                .spawn(move || loop {
                    let job = rx.lock().unwrap_or_else(|p| p.into_inner()).recv();
                    match job {
                        Ok(job) => job(),
                        Err(_) => return,
                    }
                });
            if let Err(e) = spawned {
                tracing::error!("cannot start argon2 thread: {e}");
            }
        }
        tx
    })
}

/// Run `f` on an argon2 thread; a full queue is 429 `too_many_requests` with `Retry-After: 1`.
async fn run<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> ApiResult<T> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        let _ = tx.send(f());
    });
    match pool().try_send(job) {
        Ok(()) => {}
        Err(TrySendError::Full(_)) => {
            BUSY.fetch_add(1, Ordering::Relaxed);
            return Err(ApiError::TooManyRequests {
                retry_after_secs: 1,
            });
        }
        Err(TrySendError::Disconnected(_)) => {
            return Err(ApiError::Internal("argon2 threads are gone".into()))
        }
    }
    rx.await
        .map_err(|_| ApiError::Internal("argon2 job was dropped".into()))
}

/// Hash a password with a fresh salt.
pub async fn hash(password: String) -> ApiResult<String> {
    run(move || {
        HASHES.fetch_add(1, Ordering::Relaxed);
        hash_blocking(&password)
    })
    .await?
}

/// Verify `password` against `hash`; with no hash (unknown user, no password) the dummy hash is used and the
/// answer is `false`, taking the same time as a real check.
pub async fn verify(password: String, hash: Option<String>) -> ApiResult<bool> {
    run(move || {
        CHECKS.fetch_add(1, Ordering::Relaxed);
        match hash {
            Some(hash) => verify_blocking(&password, &hash),
            None => {
                let dummy = DUMMY_HASH
                    .get_or_init(|| hash_blocking("dummy password for timing").unwrap_or_default());
                let _ = verify_blocking(&password, dummy);
                false
            }
        }
    })
    .await
}

/// Compute the dummy hash ahead of the first request.
pub async fn warm_up() {
    let _ = run(|| {
        DUMMY_HASH.get_or_init(|| hash_blocking("dummy password for timing").unwrap_or_default());
    })
    .await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_and_verify_round_trip() {
        let hash = hash_blocking("correct horse").expect("hash");
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_blocking("correct horse", &hash));
        assert!(!verify_blocking("wrong horse", &hash));
        assert!(!verify_blocking("x", "not a hash"));
    }
}
