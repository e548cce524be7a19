//! `/v1/me…`: the account of one signed-in session of the calling client, named by the `_clerk_session_id` query
//! parameter (ClerkJS's name), so each account on a client is managed independently of which one is active.

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::response::Response;

use super::context::{self, ClientCtx};
use super::extract::{ClientIp, TokenHeader};
use super::render::existing_user;
use super::rules;
use super::sessions::revoke_session;
use super::sign_in::verify_password;
use super::sign_up::check_strategy;
use crate::auth::password;
use crate::domain::attempts::Kind;
use crate::domain::codes::{self, CodeOutcome};
use crate::domain::{emails, identifiers, sessions};
use crate::error::{ApiError, ApiResult};
use crate::form::{self, Form};
use crate::ids;
use crate::mailer::Purpose;
use crate::model::{EmailAddress, Session, User};
use crate::state::AppState;
use crate::store::{StoreError, Write, WriteBatch};
use crate::wire::{
    self as wire, DeletedJson, SessionActivityJson, SessionJson, UserJson, PASSWORD_MIN_LENGTH,
};

/// Longest accepted first / last name (as at sign-up).
const NAME_MAX_LENGTH: usize = 256;
/// Longest accepted new password (as at sign-up).
const PASSWORD_MAX_LENGTH: usize = 256;
/// Longest current password compared (as at sign-in).
const MAX_PASSWORD_LEN: usize = 1024;

/// The caller's client (locked), the session named by `_clerk_session_id` and its user.
struct Me {
    ctx: ClientCtx,
    session: Session,
    user: User,
}

/// Resolve `_clerk_session_id`: missing → 422 `form_param_missing`; not an active session of the calling client
/// (unknown, another client's, signed out) → 404 `resource_not_found`, so other clients' sessions do not leak.
async fn load(state: &AppState, token: &TokenHeader, query: Option<&str>) -> ApiResult<Me> {
    let session_id = query
        .and_then(|q| form::decode_pairs(q.as_bytes()))
        .unwrap_or_default()
        .into_iter()
        .find(|(k, v)| k == "_clerk_session_id" && !v.is_empty())
        .map(|(_, v)| v)
        .ok_or(ApiError::ParamMissing("_clerk_session_id"))?;
    let ctx = ClientCtx::load(state, token).await?;
    let client_id = ctx.require()?.id.clone();
    let clock = state.clock(ctx.now);
    let session = state
        .store
        .session(&session_id)
        .await?
        .filter(|s| s.client_id == client_id && clock.is_active(s))
        .ok_or(ApiError::NotFound)?;
    let user = existing_user(state, &session.user_id).await?;
    Ok(Me { ctx, session, user })
}

/// `GET /v1/me`: the user, in the `{response, client}` envelope.
pub async fn get(
    State(state): State<Arc<AppState>>,
    token: TokenHeader,
    RawQuery(query): RawQuery,
) -> ApiResult<Response> {
    let me = load(&state, &token, query.as_deref()).await?;
    me.ctx.respond(&state, UserJson::from(&me.user)).await
}

/// `PATCH /v1/me`: `first_name`, `last_name` (an empty value clears it), `primary_email_address_id` (a verified
/// address of this user).
pub async fn update(
    State(state): State<Arc<AppState>>,
    token: TokenHeader,
    RawQuery(query): RawQuery,
    form: Form,
) -> ApiResult<Response> {
    let Me { ctx, mut user, .. } = load(&state, &token, query.as_deref()).await?;
    let now = ctx.now;
    let first = name_param(&form, "first_name")?;
    let last = name_param(&form, "last_name")?;
    let swap = match form.get("primary_email_address_id") {
        Some(id) => emails::make_primary(&user, id, now).map_err(|_| {
            ApiError::invalid(
                "primary_email_address_id",
                "primary_email_address_id must be a verified email address of this user.",
            )
        })?,
        None => None,
    };
    let mut batch = WriteBatch::new();
    let mut demoted = None;
    if let Some(swap) = swap {
        // The promoted address leaves the other addresses before the user row takes it; the old primary joins them
        // after the user row let it go (unique indexes hold at every step).
        batch.push(Write::DeleteEmailAddress(swap.promoted_id));
        demoted = Some(Write::EmailAddress(swap.demoted));
        user = swap.user;
    }
    if let Some(first) = first {
        user.first_name = first;
    }
    if let Some(last) = last {
        user.last_name = last;
    }
    user.updated_at = now;
    batch.push(Write::UpdateUser(user.clone()));
    batch.0.extend(demoted);
    apply_unique(&state, batch).await?;
    ctx.respond(&state, UserJson::from(&user)).await
}

/// A name parameter: absent → `None` (unchanged), empty → `Some(None)` (cleared), else the trimmed text.
fn name_param(form: &Form, name: &'static str) -> ApiResult<Option<Option<String>>> {
    if !form.has(name) {
        return Ok(None);
    }
    Ok(Some(
        form.text(name, NAME_MAX_LENGTH)?
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string),
    ))
}

/// `POST /v1/me/change_password`: `current_password` (when the user has one; counted like a sign-in attempt),
/// `new_password`, `sign_out_of_other_sessions` (revokes every other session of this user on every client).
pub async fn change_password(
    State(state): State<Arc<AppState>>,
    token: TokenHeader,
    ClientIp(ip): ClientIp,
    RawQuery(query): RawQuery,
    form: Form,
) -> ApiResult<Response> {
    let Me {
        ctx,
        session,
        mut user,
    } = load(&state, &token, query.as_deref()).await?;
    let new_password = form.required("new_password")?;
    let sign_out_others = form.bool("sign_out_of_other_sessions")?.unwrap_or(false);
    let new_len = new_password.chars().count();
    if new_len < PASSWORD_MIN_LENGTH {
        return Err(ApiError::PasswordTooShort);
    }
    if new_len > PASSWORD_MAX_LENGTH {
        return Err(ApiError::invalid(
            "new_password",
            format!("new_password must be at most {PASSWORD_MAX_LENGTH} characters."),
        ));
    }
    if user.password_hash.is_some() {
        check_current_password(&state, &user, &form, &ip).await?;
    }
    user.password_hash = Some(password::hash(new_password.to_string()).await?);
    let now = ctx.now;
    user.updated_at = now;
    let mut batch = WriteBatch::new();
    batch.push(Write::UpdateUser(user.clone()));
    state.store.apply(batch).await?;
    if !sign_out_others {
        return ctx.respond(&state, UserJson::from(&user)).await;
    }
    // Other clients' sessions are revoked under their own locks, one at a time, after releasing this client's: a
    // request never waits for a second client while holding its own (two such requests could wait for each other).
    drop(ctx);
    revoke_others(&state, &user.id, Some(&session.id), now).await?;
    let ctx = ClientCtx::load(&state, &token).await?;
    ctx.respond(&state, UserJson::from(&user)).await
}

/// Check `current_password` under a reserved attempt at the user's identifier (the same counters as sign-in).
async fn check_current_password(
    state: &AppState,
    user: &User,
    form: &Form,
    ip: &str,
) -> ApiResult<()> {
    let current = form.required("current_password")?;
    if current.len() > MAX_PASSWORD_LEN {
        return Err(ApiError::CurrentPasswordIncorrect);
    }
    let attempt = rules::begin_attempt(state, Kind::Password, &user.email, ip).await?;
    verify_password(state, user, current, attempt)
        .await
        .map_err(|e| match e {
            ApiError::PasswordIncorrect => ApiError::CurrentPasswordIncorrect,
            e => e,
        })
}

/// Revoke every active session of `user_id` on every client except `keep`.
async fn revoke_others(
    state: &AppState,
    user_id: &str,
    keep: Option<&str>,
    now: i64,
) -> ApiResult<()> {
    let clock = state.clock(now);
    for s in state.store.user_sessions(user_id).await? {
        if Some(s.id.as_str()) != keep && clock.is_active(&s) {
            revoke_session(state, &s.id, clock).await?;
        }
    }
    Ok(())
}

/// `GET /v1/me/sessions/active`: this user's active sessions on all clients, newest first, each with its
/// `latest_activity`, as `{response, client}` (ClerkJS reads `response`).
pub async fn active_sessions(
    State(state): State<Arc<AppState>>,
    token: TokenHeader,
    RawQuery(query): RawQuery,
) -> ApiResult<Response> {
    let Me { ctx, user, .. } = load(&state, &token, query.as_deref()).await?;
    let clock = state.clock(ctx.now);
    let sessions: Vec<SessionJson> = state
        .store
        .user_sessions(&user.id)
        .await?
        .iter()
        .filter(|s| clock.is_active(s))
        .map(|s| SessionJson {
            latest_activity: Some(SessionActivityJson::of(s)),
            ..SessionJson::frontend(s, clock.status(s), &user, clock.inactivity_ms)
        })
        .collect();
    ctx.respond(&state, sessions).await
}

/// `POST /v1/me/sessions/{id}/revoke`: revoke one of this user's active sessions on any client; not the calling
/// session (422: sign out of it instead). Another user's, unknown or inactive ids are 404 alike.
pub async fn revoke(
    State(state): State<Arc<AppState>>,
    token: TokenHeader,
    RawQuery(query): RawQuery,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let Me {
        ctx, session, user, ..
    } = load(&state, &token, query.as_deref()).await?;
    let now = ctx.now;
    let clock = state.clock(now);
    if id == session.id {
        return Err(ApiError::invalid(
            "session_id",
            "The current session cannot be revoked here; sign out of it instead.",
        ));
    }
    state
        .store
        .session(&id)
        .await?
        .filter(|s| s.user_id == user.id && clock.is_active(s))
        .ok_or(ApiError::NotFound)?;
    drop(ctx);
    let revoked = revoke_session(&state, &id, clock)
        .await?
        .ok_or(ApiError::NotFound)?;
    let ctx = ClientCtx::load(&state, &token).await?;
    let json = SessionJson::frontend(&revoked, clock.status(&revoked), &user, clock.inactivity_ms);
    ctx.respond(&state, json).await
}

/// Apply `batch`; a unique index refusing it means the address is another account's → `form_identifier_exists`.
async fn apply_unique(state: &AppState, batch: WriteBatch) -> ApiResult<()> {
    match state.store.apply(batch).await {
        Ok(()) => Ok(()),
        Err(StoreError::Conflict) => Err(ApiError::IdentifierExists),
        Err(e) => Err(e.into()),
    }
}

/// The error of a refused change to the user's email addresses.
fn refused(refused: emails::Refused) -> ApiError {
    match refused {
        emails::Refused::Taken => ApiError::IdentifierExists,
        emails::Refused::NotFound => ApiError::NotFound,
        emails::Refused::TooMany => ApiError::invalid(
            "email_address",
            format!(
                "A user can have at most {} email addresses.",
                emails::MAX_EMAIL_ADDRESSES
            ),
        ),
        emails::Refused::Primary => ApiError::ParamInvalid {
            param: None,
            reason: "The primary email address cannot be verified or removed; make another verified address \
                     primary first."
                .into(),
        },
        emails::Refused::NotVerified => ApiError::invalid(
            "primary_email_address_id",
            "primary_email_address_id must be a verified email address of this user.",
        ),
        emails::Refused::AlreadyVerified => {
            ApiError::VerificationFailed("This email address is already verified.".into())
        }
    }
}

/// `POST /v1/me/email_addresses`: `email_address` (normalised as at sign-up), added unverified. Refused with
/// `form_identifier_exists` when this user has it already or another user verified it.
pub async fn add_email(
    State(state): State<Arc<AppState>>,
    token: TokenHeader,
    RawQuery(query): RawQuery,
    form: Form,
) -> ApiResult<Response> {
    let Me { ctx, user, .. } = load(&state, &token, query.as_deref()).await?;
    let email = identifiers::normalize_email(form.required("email_address")?)?;
    let owner = state.store.user_by_email(&email).await?;
    emails::may_add(&user, &email, owner.as_ref()).map_err(refused)?;
    let address = emails::new_address(ids::new_id("idn_"), &user.id, email, ctx.now);
    let mut batch = WriteBatch::new();
    batch.push(Write::EmailAddress(address.clone()));
    apply_unique(&state, batch).await?;
    ctx.respond(&state, wire::email(&address)).await
}

/// `POST /v1/me/email_addresses/{id}/prepare_verification`: `strategy=email_code` (optional): a 6-digit code to the
/// address, under the same per-recipient limit as sign-in codes.
pub async fn prepare_email_verification(
    State(state): State<Arc<AppState>>,
    token: TokenHeader,
    RawQuery(query): RawQuery,
    Path(id): Path<String>,
    form: Form,
) -> ApiResult<Response> {
    let Me { ctx, user, .. } = load(&state, &token, query.as_deref()).await?;
    check_strategy(&form)?;
    let mut address = to_verify(&state, &user, &id).await?;
    let owner = state.store.user_by_email(&address.email).await?;
    emails::may_verify(&address, owner.as_ref()).map_err(refused)?;
    let now = ctx.now;
    address.verification =
        Some(rules::prepare_code(&state, &address.email, Purpose::EmailAddress, now).await?);
    address.updated_at = now;
    let mut batch = WriteBatch::new();
    batch.push(address_write(&user, address.clone()));
    state.store.apply(batch).await?;
    ctx.respond(&state, wire::email(&address)).await
}

/// `POST /v1/me/email_addresses/{id}/attempt_verification`: `code`. The attempt is reserved (per address and source,
/// as sign-in codes) before the code is compared; a code works once.
pub async fn attempt_email_verification(
    State(state): State<Arc<AppState>>,
    token: TokenHeader,
    ClientIp(ip): ClientIp,
    RawQuery(query): RawQuery,
    Path(id): Path<String>,
    form: Form,
) -> ApiResult<Response> {
    let Me { ctx, user, .. } = load(&state, &token, query.as_deref()).await?;
    check_strategy(&form)?;
    let code = form.required("code")?;
    let address = to_verify(&state, &user, &id).await?;
    let owner = state.store.user_by_email(&address.email).await?;
    emails::may_verify(&address, owner.as_ref()).map_err(refused)?;
    let mut verification = address
        .verification
        .clone()
        .filter(|v| v.code_hash.is_some())
        .ok_or_else(|| {
            ApiError::VerificationFailed("No code was sent for this email address.".into())
        })?;
    let now = ctx.now;
    let attempt = rules::begin_attempt(&state, Kind::Code, &address.email, &ip).await?;
    let outcome = codes::check_code(&state.code_key, &mut verification, code, now);
    if outcome == CodeOutcome::Incorrect {
        attempt.failed();
    } else {
        attempt.succeeded(state.counters.as_ref()).await;
    }
    let mut batch = WriteBatch::new();
    if outcome == CodeOutcome::Verified {
        let address = emails::verified(address, verification, now);
        if address.id == user.email_id {
            batch.push(Write::UpdateUser(emails::primary_verified(&user, now)));
        }
        batch.push(address_write(&user, address.clone()));
        apply_unique(&state, batch).await?;
        return ctx.respond(&state, wire::email(&address)).await;
    }
    let address = EmailAddress {
        verification: Some(verification),
        updated_at: now,
        ..address
    };
    batch.push(address_write(&user, address));
    state.store.apply(batch).await?;
    Err(rules::code_error(outcome))
}

/// The address `id` of `user` that a code is prepared for or attempted at: one of its other addresses, or its
/// primary with the verification stored for it.
async fn to_verify(state: &AppState, user: &User, id: &str) -> ApiResult<EmailAddress> {
    if id == user.email_id {
        let pending = state.store.primary_verification(&user.id, id).await?;
        return Ok(emails::primary(user, pending));
    }
    Ok(emails::other_address(user, id).map_err(refused)?.clone())
}

/// The write that stores `address` of `user`: its row among the other addresses, or the primary's verification.
fn address_write(user: &User, address: EmailAddress) -> Write {
    if address.id == user.email_id {
        Write::PrimaryVerification(address)
    } else {
        Write::EmailAddress(address)
    }
}

/// `DELETE /v1/me/email_addresses/{id}`: remove one of the user's addresses, never the primary (422
/// `form_param_format_invalid`); answers `{"object": "email_address", "id", "deleted": true}`.
pub async fn remove_email(
    State(state): State<Arc<AppState>>,
    token: TokenHeader,
    RawQuery(query): RawQuery,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let Me { ctx, user, .. } = load(&state, &token, query.as_deref()).await?;
    emails::may_remove(&user, &id).map_err(refused)?;
    let mut batch = WriteBatch::new();
    batch.push(Write::DeleteEmailAddress(id.clone()));
    state.store.apply(batch).await?;
    ctx.respond(&state, DeletedJson::new("email_address", id))
        .await
}

/// `DELETE /v1/me`: `current_password` (when the user has one; counted like a sign-in attempt, reserved before the
/// hash is compared). Deletes the user, its addresses and its sessions on every client; 403 `delete_self_disabled`
/// when the instance sets `delete_self_enabled=false`. Answers `{"object": "user", "id", "deleted": true}` with the
/// caller's client, whose last-active session moves on as after a sign-out.
pub async fn delete(
    State(state): State<Arc<AppState>>,
    token: TokenHeader,
    ClientIp(ip): ClientIp,
    RawQuery(query): RawQuery,
    form: Form,
) -> ApiResult<Response> {
    let Me { ctx, session, user } = load(&state, &token, query.as_deref()).await?;
    if !state.settings().await?.delete_self_enabled {
        return Err(ApiError::DeleteSelfDisabled);
    }
    if user.password_hash.is_some() {
        check_current_password(&state, &user, &form, &ip).await?;
    }
    let now = ctx.now;
    // The user's sessions on other clients end first, each under its client's lock (as a revocation, so those
    // clients' last-active sessions move on and no request of theirs can touch them again); then this client's.
    drop(ctx);
    revoke_others(&state, &user.id, Some(&session.id), now).await?;
    let mut ctx = ClientCtx::load(&state, &token).await?;
    let now = ctx.now;
    let clock = state.clock(now);
    let client_id = ctx.require()?.id.clone();
    let active = context::active_sessions(&state, &client_id, now).await?;
    let client = ctx.ensure(now);
    let ended = sessions::revoke(
        session,
        client.last_active_session_id.as_deref(),
        &active,
        clock,
    );
    client.last_active_session_id = ended.last_active;
    client.updated_at = now;
    let mut batch = WriteBatch::new();
    batch
        .push(ctx.client_write()?)
        .push(Write::DeleteUser(user.id.clone()));
    state.store.apply(batch).await?;
    ctx.respond(&state, DeletedJson::new("user", user.id)).await
}
