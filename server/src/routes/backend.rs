//! Backend API (`Authorization: Bearer sk_…`): users, sessions, revocation, instance settings.

use std::sync::Arc;

use axum::extract::{FromRequestParts, Path, RawQuery, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::error::{ApiError, ApiResult};
use crate::form::{self, Form};
use crate::ids;
use crate::model::{InstanceSettings, SessionStatus};
use crate::state::AppState;
use crate::wire::{SessionJson, UserJson};

/// Proof that the request carried the secret key.
pub struct BackendAuth;

impl FromRequestParts<Arc<AppState>> for BackendAuth {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        let key = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or(ApiError::AuthenticationInvalid)?;
        if state.secret_key.matches(key) {
            Ok(Self)
        } else {
            Err(ApiError::AuthenticationInvalid)
        }
    }
}

/// `POST /v1/instance/signing_keys`: rotate the JWT signing key. New tokens are signed with the new key (on every
/// instance within the key refresh interval); the replaced key stays in the JWKS until its tokens have expired.
pub async fn rotate_signing_key(
    _: BackendAuth,
    State(state): State<Arc<AppState>>,
) -> ApiResult<Response> {
    let kid = state.jwt.rotate().await.map_err(ApiError::Internal)?;
    Ok(Json(serde_json::json!({ "object": "signing_key", "kid": kid })).into_response())
}

/// `GET /v1/users`: all users, oldest first.
pub async fn users(
    _: BackendAuth,
    State(state): State<Arc<AppState>>,
) -> ApiResult<Json<Vec<UserJson>>> {
    Ok(Json(
        state
            .store
            .users()
            .await?
            .iter()
            .map(UserJson::from)
            .collect(),
    ))
}

/// `GET /v1/sessions?user_id=…`: that user's sessions, all statuses, newest first.
pub async fn sessions(
    _: BackendAuth,
    State(state): State<Arc<AppState>>,
    RawQuery(query): RawQuery,
) -> ApiResult<Response> {
    let pairs = query
        .as_deref()
        .and_then(|q| form::decode_pairs(q.as_bytes()))
        .unwrap_or_default();
    let user_id = pairs
        .into_iter()
        .find(|(k, v)| k == "user_id" && !v.is_empty())
        .map(|(_, v)| v)
        .ok_or(ApiError::ParamMissing("user_id"))?;
    let clock = state.clock(ids::now_ms());
    let sessions: Vec<SessionJson> = state
        .store
        .user_sessions(&user_id)
        .await?
        .iter()
        .map(|s| SessionJson::backend(s, clock.status(s), clock.inactivity_ms))
        .collect();
    Ok(Json(sessions).into_response())
}

/// `POST /v1/sessions/{id}/revoke`: revoked at once (its tokens can no longer be refreshed).
pub async fn revoke(
    _: BackendAuth,
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let clock = state.clock(ids::now_ms());
    let revoked = super::sessions::revoke_session(&state, &id, clock)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(SessionJson::backend(
        &revoked,
        SessionStatus::Revoked,
        clock.inactivity_ms,
    ))
    .into_response())
}

/// `PATCH /v1/instance`: any of `single_session_mode`, `email_verification_required`, `delete_self_enabled`.
pub async fn instance(
    _: BackendAuth,
    State(state): State<Arc<AppState>>,
    form: Form,
) -> ApiResult<Response> {
    let single = form.bool("single_session_mode")?;
    let verification = form.bool("email_verification_required")?;
    let delete_self = form.bool("delete_self_enabled")?;
    if single.is_none() && verification.is_none() && delete_self.is_none() {
        return Err(ApiError::ParamMissing("single_session_mode"));
    }
    let current = state.settings().await?;
    let updated = InstanceSettings {
        single_session_mode: single.unwrap_or(current.single_session_mode),
        email_verification_required: verification.unwrap_or(current.email_verification_required),
        delete_self_enabled: delete_self.unwrap_or(current.delete_self_enabled),
    };
    state.set_settings(updated).await?;
    Ok(Json(serde_json::json!({
        "single_session_mode": updated.single_session_mode,
        "email_verification_required": updated.email_verification_required,
        "delete_self_enabled": updated.delete_self_enabled,
    }))
    .into_response())
}
