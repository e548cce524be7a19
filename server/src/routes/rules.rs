//! Rules shared by sign-in and sign-up: input normalisation, rate limits, who may get a new session,
//! one-time codes and their attempts.

use std::sync::atomic::{AtomicU64, Ordering};

use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use unicode_normalization::UnicodeNormalization;

use super::context::active_sessions;
use super::extract::Activity;
use crate::domain::attempts::{Attempt, Kind};
use crate::domain::flows;
use crate::error::{ApiError, ApiResult};
use crate::ids;
use crate::mailer::Purpose;
use crate::model::{Client, Session, SessionStatus, Verification, VerificationStatus};
use crate::rate_limit::{CODES_PER_RECIPIENT, WINDOW};
use crate::state::AppState;

/// Longest accepted identifier / email address (RFC 5321 path limit).
pub const MAX_IDENTIFIER_LEN: usize = 254;
/// Wrong guesses allowed per code; the next attempt fails the verification.
pub const MAX_CODE_ATTEMPTS: i64 = 3;
/// Longest code we bother comparing.
const MAX_CODE_LEN: usize = 64;
/// Strategy name of email codes.
pub const EMAIL_CODE: &str = "email_code";
/// Strategy name of passwords.
pub const PASSWORD: &str = "password";

/// Trim, lowercase and NFC-normalise an identifier, so look-alike spellings of one address are one account;
/// over-long, or holding control, bidi-control or zero-width characters → `form_param_format_invalid`.
pub fn normalize_identifier(raw: &str, param: &'static str) -> ApiResult<String> {
    let value = raw.trim();
    if value.chars().count() > MAX_IDENTIFIER_LEN {
        return Err(ApiError::invalid(
            param,
            format!("{param} must be at most {MAX_IDENTIFIER_LEN} characters."),
        ));
    }
    if value.chars().any(is_invisible_or_control) {
        return Err(ApiError::invalid(
            param,
            format!("{param} must not contain control or invisible characters."),
        ));
    }
    Ok(value.to_lowercase().nfc().collect())
}

/// Control characters, bidi controls (embeddings, overrides, isolates, marks) and zero-width characters: they
/// change how an address looks or reads without changing what it looks like, so they make look-alike accounts.
fn is_invisible_or_control(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{2069}'
                | '\u{061C}'
                | '\u{180E}'
                | '\u{FEFF}'
                | '\u{00AD}'
        )
}

/// A normalised email address: exactly one `@` with text on both sides, no whitespace.
pub fn normalize_email(raw: &str) -> ApiResult<String> {
    let email = normalize_identifier(raw, "email_address")?;
    let valid = match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && !email.chars().any(char::is_whitespace)
        }
        None => false,
    };
    if valid {
        Ok(email)
    } else {
        Err(ApiError::invalid(
            "email_address",
            "email_address must be a valid email address.",
        ))
    }
}

/// Count one sign-in / sign-up creation against the per-client and per-IP limits (nothing is counted when refused).
pub async fn check_creation_limits(state: &AppState, client_id: &str, ip: &str) -> ApiResult<()> {
    let counters = state.counters.as_ref();
    let per_client = counters
        .reserve(
            &format!("create:client:{client_id}"),
            state.limits.creations_per_client,
            WINDOW,
        )
        .await?;
    match counters
        .reserve(
            &format!("create:ip:{ip}"),
            state.limits.creations_per_ip,
            WINDOW,
        )
        .await
    {
        Ok(per_ip) => {
            per_client.keep();
            per_ip.keep();
            Ok(())
        }
        Err(refused) => {
            counters.release(per_client).await;
            Err(refused.into())
        }
    }
}

/// Count one `POST /v1/client` against the per-IP limit of client creations.
pub async fn check_client_creation_limit(state: &AppState, ip: &str) -> ApiResult<()> {
    state
        .counters
        .reserve(
            &format!("create:clients:{ip}"),
            state.limits.clients_per_ip,
            WINDOW,
        )
        .await?
        .keep();
    Ok(())
}

/// Reserve a password or code attempt at `identifier` from `ip` before evaluating it (see [`crate::domain::attempts`]).
pub async fn begin_attempt(
    state: &AppState,
    kind: Kind,
    identifier: &str,
    ip: &str,
) -> ApiResult<Attempt> {
    Ok(Attempt::reserve(state.counters.as_ref(), kind, identifier, ip).await?)
}

/// Whether the client may get a session for `user_id`: single-session mode allows none while one is active,
/// multi-session mode refuses a second session of the same user.
pub async fn check_can_add_session(
    state: &AppState,
    client: Option<&Client>,
    user_id: Option<&str>,
    now: i64,
) -> ApiResult<()> {
    let Some(client) = client else { return Ok(()) };
    let active = active_sessions(state, &client.id, now).await?;
    let single = state.settings().await?.single_session_mode;
    Ok(flows::may_add_session(single, &active, user_id)?)
}

/// A new active session of `user_id` on `client`, made the client's last-active session, recording the request
/// that created it as its latest activity.
pub fn new_session(
    state: &AppState,
    client: &mut Client,
    user_id: &str,
    activity: &Activity,
    now: i64,
) -> Session {
    let mut session = Session {
        id: ids::new_id("sess_"),
        client_id: client.id.clone(),
        user_id: user_id.to_string(),
        status: SessionStatus::Active,
        last_active_at: now,
        user_agent: None,
        ip_address: None,
        expire_at: now.saturating_add(state.lifetimes.session_ms),
        created_at: now,
        updated_at: now,
    };
    activity.record(&mut session);
    client.last_active_session_id = Some(session.id.clone());
    client.updated_at = now;
    session
}

/// Hex HMAC-SHA-256 of a code under the server's code key: a 6-digit code has too few values for a plain hash to
/// hide it from someone who reads the database, the key is not in the database.
/// `None` only if the key were refused (HMAC takes keys of any length).
fn code_hash(key: &[u8], code: &str) -> Option<String> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).ok()?;
    mac.update(code.as_bytes());
    Some(ids::hex(&mac.finalize().into_bytes()))
}

/// Generate a code, send it to `to`, and return the fresh verification holding its hash.
pub async fn prepare_code(
    state: &AppState,
    to: &str,
    purpose: Purpose,
    now: i64,
) -> ApiResult<Verification> {
    state
        .counters
        .reserve(&format!("sent:{to}"), CODES_PER_RECIPIENT, WINDOW)
        .await?
        .keep();
    let code = ids::one_time_code();
    state
        .mailer
        .send_code(to, &code, purpose)
        .await
        .map_err(|e| ApiError::Internal(format!("mailer: {e}")))?;
    Ok(Verification {
        status: VerificationStatus::Unverified,
        strategy: EMAIL_CODE.to_string(),
        attempts: 0,
        expire_at: Some(now.saturating_add(state.lifetimes.code_ms)),
        code_hash: Some(
            code_hash(&state.code_key, &code)
                .ok_or_else(|| ApiError::Internal("code key refused".into()))?,
        ),
    })
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

/// The error of a non-verified outcome.
pub fn code_error(outcome: CodeOutcome) -> ApiError {
    match outcome {
        CodeOutcome::Verified => ApiError::Internal("code_error called on success".into()),
        CodeOutcome::Incorrect => ApiError::CodeIncorrect,
        CodeOutcome::Expired => ApiError::VerificationExpired,
        CodeOutcome::Failed => {
            ApiError::VerificationFailed("Too many failed attempts. Request a new code.".into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn emails_and_identifiers() {
        assert_eq!(
            normalize_email(" Ada@Example.COM ").ok().as_deref(),
            Some("ada@example.com")
        );
        for bad in ["ada", "@example.com", "ada@", "a@b@c", "a b@c.d"] {
            assert!(normalize_email(bad).is_err(), "{bad}");
        }
        assert!(normalize_identifier(&"a".repeat(255), "identifier").is_err());
        // NFC: a decomposed "é" (e + combining acute) is the same address as the composed one.
        assert_eq!(
            normalize_email("Jose\u{0301}@example.com").ok(),
            normalize_email("jos\u{00E9}@example.com").ok()
        );
        for bad in [
            "ad\u{200B}a@example.com",
            "ada@exa\u{202E}mple.com",
            "ada\u{0007}@example.com",
            "\u{FEFF}ada@example.com",
            "ada@example.com\u{2066}",
        ] {
            assert!(normalize_email(bad).is_err(), "{bad:?}");
        }
        assert!(normalize_identifier(&"a".repeat(254), "identifier").is_ok());
    }
}
