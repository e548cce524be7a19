//! Password hashing with argon2id (OWASP parameters), always on the blocking thread pool.

use std::sync::OnceLock;

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

/// Hash a password with a fresh salt.
pub async fn hash(password: String) -> ApiResult<String> {
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .map_err(|e| ApiError::Internal(format!("hash task: {e}")))?
}

/// Verify `password` against `hash`; with no hash (unknown user, no password) the dummy hash is used and the
/// answer is `false`, taking the same time as a real check.
pub async fn verify(password: String, hash: Option<String>) -> ApiResult<bool> {
    tokio::task::spawn_blocking(move || match hash {
        Some(hash) => verify_blocking(&password, &hash),
        None => {
            let dummy = DUMMY_HASH
                .get_or_init(|| hash_blocking("dummy password for timing").unwrap_or_default());
            let _ = verify_blocking(&password, dummy);
            false
        }
    })
    .await
    .map_err(|e| ApiError::Internal(format!("verify task: {e}")))
}

/// Compute the dummy hash ahead of the first request.
pub async fn warm_up() {
    let _ = tokio::task::spawn_blocking(|| {
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
