//! One-time codes sent by email: how they are stored (a keyed hash) and what an attempt at one comes to.

use std::sync::atomic::{AtomicU64, Ordering};

use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::ids;
use crate::model::{Verification, VerificationStatus};

/// Wrong guesses allowed per code; the next attempt fails the verification.
pub const MAX_CODE_ATTEMPTS: i64 = 3;
/// Longest code we bother comparing.
const MAX_CODE_LEN: usize = 64;
/// Strategy name of email codes.
pub const EMAIL_CODE: &str = "email_code";
/// Strategy name of passwords.
pub const PASSWORD: &str = "password";

/// Hex HMAC-SHA-256 of a code under the server's code key: a 6-digit code has too few values for a plain hash to
/// hide it from someone who reads the database, the key is not in the database.
/// `None` only if the key were refused (HMAC takes keys of any length).
pub fn code_hash(key: &[u8], code: &str) -> Option<String> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).ok()?;
    mac.update(code.as_bytes());
    Some(ids::hex(&mac.finalize().into_bytes()))
}

/// What an attempt at a code came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeOutcome {
    /// Correct.
    Verified,
    /// Wrong code (counted).
    Incorrect,
    /// Past its lifetime.
    Expired,
    /// Too many attempts already, or nothing to verify.
    Failed,
}

/// Codes compared since start (see `/dev/stats`).
static CODE_CHECKS: AtomicU64 = AtomicU64::new(0);

/// How many codes were compared since start.
pub fn code_checks() -> u64 {
    CODE_CHECKS.load(Ordering::Relaxed)
}

/// Check `code` against the verification, updating its status and attempt count (persist it afterwards).
pub fn check_code(key: &[u8], v: &mut Verification, code: &str, now: i64) -> CodeOutcome {
    let Some(expected) = v.code_hash.clone() else {
        return CodeOutcome::Failed;
    };
    if matches!(
        v.status,
        VerificationStatus::Verified | VerificationStatus::Failed
    ) || v.attempts >= MAX_CODE_ATTEMPTS
    {
        v.status = VerificationStatus::Failed;
        return CodeOutcome::Failed;
    }
    if v.status == VerificationStatus::Expired || v.expire_at.is_some_and(|at| now >= at) {
        v.status = VerificationStatus::Expired;
        return CodeOutcome::Expired;
    }
    v.attempts += 1;
    CODE_CHECKS.fetch_add(1, Ordering::Relaxed);
    let given = code.trim();
    let matches = given.len() <= MAX_CODE_LEN
        && code_hash(key, given)
            .is_some_and(|h| bool::from(h.as_bytes().ct_eq(expected.as_bytes())));
    if matches {
        v.status = VerificationStatus::Verified;
        CodeOutcome::Verified
    } else {
        CodeOutcome::Incorrect
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids;
    use sha2::Sha256;

    const KEY: &[u8] = b"test code key";

    #[test]
    fn code_hash_is_keyed() {
        assert_ne!(code_hash(KEY, "123456"), code_hash(b"other key", "123456"));
        assert_ne!(
            code_hash(KEY, "123456"),
            Some(ids::hex(&<Sha256 as sha2::Digest>::digest(b"123456")))
        );
    }

    fn prepared(code: &str, expire_at: i64) -> Verification {
        Verification {
            status: VerificationStatus::Unverified,
            strategy: EMAIL_CODE.into(),
            attempts: 0,
            expire_at: Some(expire_at),
            code_hash: code_hash(KEY, code),
        }
    }

    #[test]
    fn correct_code_verifies() {
        let mut v = prepared("123456", 100);
        assert_eq!(check_code(KEY, &mut v, "123456", 50), CodeOutcome::Verified);
        assert_eq!(v.status, VerificationStatus::Verified);
        assert_eq!(
            check_code(KEY, &mut v, "123456", 50),
            CodeOutcome::Failed,
            "a code is single-use"
        );
    }

    #[test]
    fn fourth_attempt_fails_even_when_correct() {
        let mut v = prepared("123456", 100);
        for _ in 0..3 {
            assert_eq!(
                check_code(KEY, &mut v, "000000", 50),
                CodeOutcome::Incorrect
            );
        }
        assert_eq!(check_code(KEY, &mut v, "123456", 50), CodeOutcome::Failed);
    }

    #[test]
    fn expired_code() {
        let mut v = prepared("123456", 100);
        assert_eq!(check_code(KEY, &mut v, "123456", 100), CodeOutcome::Expired);
        assert_eq!(v.status, VerificationStatus::Expired);
    }

    #[test]
    fn unprepared_verification_fails() {
        let mut v = prepared("123456", 100);
        v.code_hash = None;
        assert_eq!(check_code(KEY, &mut v, "123456", 1), CodeOutcome::Failed);
    }
}
