//! `GET /v1/environment`, `GET /.well-known/jwks.json` and `GET /healthz`.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::error::ApiResult;
use crate::state::AppState;
use crate::wire;

/// Instance settings (the object itself, not wrapped).
pub async fn environment(State(state): State<Arc<AppState>>) -> ApiResult<Json<serde_json::Value>> {
    let mut environment = wire::environment(state.settings().await?);
    environment["user_settings"]["social"] = super::oauth::social_settings(&state.providers);
    Ok(Json(environment))
}

/// For load balancers: 200 `{"status":"ok"}` when the database answers, else 503 `{"status":"unavailable"}`.
pub async fn healthz(State(state): State<Arc<AppState>>) -> Response {
    match state.store.ping().await {
        Ok(()) => Json(serde_json::json!({ "status": "ok" })).into_response(),
        Err(err) => {
            tracing::warn!("health check: {err}");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({ "status": "unavailable" })),
            )
                .into_response()
        }
    }
}

/// Public keys for verifying session JWTs.
pub async fn jwks(State(state): State<Arc<AppState>>) -> Json<serde_json::Value> {
    Json(state.jwt.jwks().await)
}
