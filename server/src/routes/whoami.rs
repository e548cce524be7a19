//! `GET /api/whoami`: what an app server does with a session JWT.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::Json;

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Verify `Authorization: Bearer <jwt>` and answer `{"user_id", "session_id"}`.
pub async fn whoami(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
) -> ApiResult<Json<serde_json::Value>> {
    let claims = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .and_then(|jwt| state.jwt.verify(jwt.trim(), &state.issuer))
        .ok_or(ApiError::AuthenticationInvalid)?;
    Ok(Json(
        serde_json::json!({ "user_id": claims.sub, "session_id": claims.sid }),
    ))
}
