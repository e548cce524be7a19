//! `GET /v1/environment` and `GET /.well-known/jwks.json`.

use std::sync::Arc;

use axum::extract::State;
use axum::Json;

use crate::state::AppState;
use crate::wire;

/// Instance settings (the object itself, not wrapped).
pub async fn environment(State(state): State<Arc<AppState>>) -> Json<serde_json::Value> {
    Json(wire::environment(state.settings()))
}

/// Public keys for verifying session JWTs.
pub async fn jwks(State(state): State<Arc<AppState>>) -> Json<serde_json::Value> {
    Json(state.jwt.jwks())
}
