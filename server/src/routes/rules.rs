//! Steps shared by the sign-in, sign-up, OAuth and `/v1/me` handlers, where a rule of `crate::domain` meets the
//! state: creation limits, attempt reservations, who may get a new session, sending a code, and the error of a code
//! attempt.

use super::context::active_sessions;
use super::extract::Activity;
use crate::domain::attempts::{Attempt, Kind};
use crate::domain::codes::{code_hash, CodeOutcome, EMAIL_CODE};
use crate::domain::flows;
use crate::error::{ApiError, ApiResult};
use crate::ids;
use crate::mailer::Purpose;
use crate::model::{Client, Session, SessionStatus, Verification, VerificationStatus};
use crate::rate_limit::{CODES_PER_RECIPIENT, WINDOW};
use crate::state::AppState;

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
