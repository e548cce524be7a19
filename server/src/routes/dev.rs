//! `GET /dev/outbox?email=…` (only with `--dev`): codes the dev mailer "sent".

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
