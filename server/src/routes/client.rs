//! `GET|POST|PUT /v1/client`.

use std::sync::Arc;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::context::ClientCtx;
use super::extract::{ClientIp, TokenHeader};
use super::render::render_client_with;
use super::rules;
use crate::error::ApiResult;
use crate::ids;
use crate::state::AppState;
use crate::store::WriteBatch;
use crate::wire::Envelope;

/// The current client, or `response: null` for no / an unknown token.
pub async fn get(State(state): State<Arc<AppState>>, token: TokenHeader) -> ApiResult<Response> {
    let (ctx, sessions) = ClientCtx::load_read_only(&state, &token).await?;
    let response = match &ctx.client {
        Some(client) => Some(render_client_with(&state, client, sessions, ids::now_ms()).await?),
        None => None,
    };
    Ok(Json(Envelope {
        response,
        client: None,
    })
    .into_response())
}

/// Create a fresh client; its token is in the `Authorization` response header.
pub async fn create(
    State(state): State<Arc<AppState>>,
    ClientIp(ip): ClientIp,
) -> ApiResult<Response> {
    rules::check_client_creation_limit(&state, &ip).await?;
    let mut ctx = ClientCtx::empty();
    ctx.ensure(ids::now_ms());
    let mut batch = WriteBatch::new();
    batch.push(ctx.client_write()?);
    state.store.apply(batch).await?;
    ctx.respond_client(&state).await
}
