//! `/v1/client/sessions/…`: touch, remove, end, tokens, and sign-out of all sessions.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::context::{active_sessions, ClientCtx};
use super::extract::{Activity, TokenHeader};
use super::render::existing_user;
use crate::auth::jwt::JwtKeys;
use crate::domain::sessions as rules;
use crate::error::{ApiError, ApiResult};
use crate::model::{Session, SessionStatus};
use crate::state::AppState;
use crate::store::{Write, WriteBatch};
use crate::wire::{SessionJson, TokenJson};

/// Mark the session active now (recording this request as its latest activity) and make it the client's last-active
/// session. The client, its sessions and their users are read once; the answer renders them with this touch applied
/// instead of reading them again.
pub async fn touch(
    State(state): State<Arc<AppState>>,
    token: TokenHeader,
    activity: Activity,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let (mut ctx, mut stored) = ClientCtx::load_for_render(&state, &token).await?;
    let now = ctx.now;
    let clock = state.clock(now);
    ctx.require()?;
    // Only the client's active sessions were read: an unknown, foreign or inactive id is 404 alike.
    let (session, user) = stored
        .iter_mut()
        .find(|(s, _)| s.id == id && clock.is_active(s))
        .ok_or(ApiError::NotFound)?;
    rules::touch(session, clock);
    activity.record(session);
    let session = session.clone();
    let user = user
        .clone()
        .ok_or_else(|| ApiError::Internal(format!("user {} is missing", session.user_id)))?;
    let client = ctx.ensure(now);
    client.last_active_session_id = Some(session.id.clone());
    client.updated_at = now;
    let mut batch = WriteBatch::new();
    batch
        .push(ctx.client_write()?)
        .push(Write::Session(session.clone()));
    state.store.apply(batch).await?;
    let json = SessionJson::frontend(&session, clock.status(&session), &user, clock.inactivity_ms);
    ctx.respond_with(&state, json, stored).await
}

/// Sign out of one session (`removed`).
pub async fn remove(
    state: State<Arc<AppState>>,
    token: TokenHeader,
    id: Path<String>,
) -> ApiResult<Response> {
    sign_out(state, token, id, SessionStatus::Removed).await
}

/// End one session (`ended`).
pub async fn end(
    state: State<Arc<AppState>>,
    token: TokenHeader,
    id: Path<String>,
) -> ApiResult<Response> {
    sign_out(state, token, id, SessionStatus::Ended).await
}

/// A short-lived session JWT, only for an active session of the calling client.
pub async fn tokens(
    State(state): State<Arc<AppState>>,
    token: TokenHeader,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let ctx = ClientCtx::load(&state, &token).await?;
    let now = ctx.now;
    let session = own_active_session(&state, &ctx, &id, now).await?;
    let azp = headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .filter(|origin| state.origins.is_allowed(origin) || *origin == state.issuer)
        .map(str::to_string);
    let claims = JwtKeys::claims(
        &state.issuer,
        &session.user_id,
        &session.id,
        azp,
        now / 1000,
    );
    let jwt = state.jwt.issue(&claims).await.map_err(ApiError::Internal)?;
    Ok(Json(TokenJson {
        object: Some("token".to_owned()),
        jwt,
    })
    .into_response())
}

/// `DELETE /v1/client/sessions`: end every active session; the client is kept.
pub async fn end_all(
    State(state): State<Arc<AppState>>,
    token: TokenHeader,
) -> ApiResult<Response> {
    let mut ctx = ClientCtx::load(&state, &token).await?;
    let now = ctx.now;
    let client_id = ctx.ensure(now).id.clone();
    let mut batch = WriteBatch::new();
    let active = active_sessions(&state, &client_id, now).await?;
    let client = ctx.ensure(now);
    client.last_active_session_id = None;
    client.updated_at = now;
    batch.push(ctx.client_write()?);
    for session in rules::end_all(active, state.clock(now)) {
        batch.push(Write::Session(session));
    }
    state.store.apply(batch).await?;
    ctx.respond_client(&state).await
}

/// Remove or end a session; an already inactive own session is returned unchanged.
async fn sign_out(
    State(state): State<Arc<AppState>>,
    token: TokenHeader,
    Path(id): Path<String>,
    status: SessionStatus,
) -> ApiResult<Response> {
    let mut ctx = ClientCtx::load(&state, &token).await?;
    let now = ctx.now;
    let client_id = ctx.require()?.id.clone();
    let session = state
        .store
        .session(&id)
        .await?
        .filter(|s| s.client_id == client_id)
        .ok_or(ApiError::NotFound)?;
    let active = active_sessions(&state, &client_id, now).await?;
    let client = ctx.ensure(now);
    let stored_last_active = client.last_active_session_id.as_deref();
    let Some(ended) = rules::end_session(
        session.clone(),
        status,
        stored_last_active,
        &active,
        state.clock(now),
    ) else {
        // Already inactive: returned as it is, nothing changes.
        return respond_session(&state, &ctx, &session, now).await;
    };
    client.last_active_session_id = ended.last_active;
    client.updated_at = now;
    let mut batch = WriteBatch::new();
    batch
        .push(ctx.client_write()?)
        .push(Write::Session(ended.session.clone()));
    state.store.apply(batch).await?;
    respond_session(&state, &ctx, &ended.session, now).await
}

/// The caller's session `id` if active at `now`; 404 otherwise (unknown, foreign or inactive alike).
async fn own_active_session(
    state: &AppState,
    ctx: &ClientCtx,
    id: &str,
    now: i64,
) -> ApiResult<Session> {
    let client = ctx.require()?;
    state
        .store
        .session(id)
        .await?
        .filter(|s| s.client_id == client.id && state.clock(now).is_active(s))
        .ok_or(ApiError::NotFound)
}

/// `{"response": <session>, "client": <client>}`.
async fn respond_session(
    state: &AppState,
    ctx: &ClientCtx,
    session: &Session,
    now: i64,
) -> ApiResult<Response> {
    let clock = state.clock(now);
    let user = existing_user(state, &session.user_id).await?;
    let json = SessionJson::frontend(session, clock.status(session), &user, clock.inactivity_ms);
    ctx.respond(state, json).await
}

/// Revoke session `id` whatever its status (backend revocation, `/v1/me` revocations), under its client's lock,
/// moving that client's last-active session on when it was this one. `None` when there is no such session.
pub async fn revoke_session(
    state: &AppState,
    id: &str,
    clock: rules::Clock,
) -> ApiResult<Option<Session>> {
    let Some(found) = state.store.session(id).await? else {
        return Ok(None);
    };
    let _guard = state.lock_client(&found.client_id).await?;
    let Some(session) = state.store.session(id).await? else {
        return Ok(None);
    };
    let client = state.store.client(&session.client_id).await?;
    let active = clock.active(state.store.client_sessions(&session.client_id).await?);
    let stored_last_active = client
        .as_ref()
        .and_then(|c| c.last_active_session_id.clone());
    let revoked = rules::revoke(session, stored_last_active.as_deref(), &active, clock);
    let mut batch = WriteBatch::new();
    if let Some(mut client) = client {
        if client.last_active_session_id != revoked.last_active {
            client.last_active_session_id = revoked.last_active.clone();
            client.updated_at = clock.now;
            batch.push(Write::Client(client));
        }
    }
    batch.push(Write::Session(revoked.session.clone()));
    state.store.apply(batch).await?;
    Ok(Some(revoked.session))
}
