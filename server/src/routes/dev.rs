//! Only with `--dev`: `GET /dev/outbox?email=…` (codes the dev mailer "sent") and `GET /dev/stats` (counts of
//! evaluated attempts, so tests can tell how many attempts were evaluated rather than refused).

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::Json;

use crate::error::{ApiError, ApiResult};
use crate::form;
use crate::state::AppState;

/// `{"messages": [{"to", "code", "purpose", "sent_at"}]}`, oldest first, optionally filtered by recipient.
pub async fn outbox(
    State(state): State<Arc<AppState>>,
    RawQuery(query): RawQuery,
) -> ApiResult<Json<serde_json::Value>> {
    let outbox = state.outbox.as_ref().ok_or(ApiError::NotFound)?;
    let pairs = query
        .as_deref()
        .and_then(|q| form::decode_pairs(q.as_bytes()))
        .unwrap_or_default();
    let email = pairs
        .into_iter()
        .find(|(k, v)| k == "email" && !v.is_empty())
        .map(|(_, v)| v);
    Ok(Json(
        serde_json::json!({ "messages": outbox.messages(email.as_deref()) }),
    ))
}

/// `{"password_checks", "password_hashes", "hash_busy", "code_checks"}` since start.
pub async fn stats(State(state): State<Arc<AppState>>) -> ApiResult<Json<serde_json::Value>> {
    state.outbox.as_ref().ok_or(ApiError::NotFound)?;
    let (password_checks, password_hashes, hash_busy) = crate::auth::password::stats();
    Ok(Json(serde_json::json!({
        "password_checks": password_checks,
        "password_hashes": password_hashes,
        "hash_busy": hash_busy,
        "code_checks": crate::domain::codes::code_checks(),
    })))
}
