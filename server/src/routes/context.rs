//! The caller's client for one request: loaded (and locked, unless one statement serves a read-only answer), the
//! caller's sessions and flows read through it, and the `{"response", "client"}` envelope answered with the client
//! token header when the client is new.

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

use super::extract::TokenHeader;
use super::render::{render_client, render_client_with};
use crate::auth::client_token::ClientToken;
use crate::domain::flows::{self, Flow};
use crate::error::{ApiError, ApiResult};
use crate::ids;
use crate::model::{Client, Session};
use crate::state::{AppState, ClientLock};
use crate::store::{SessionAndUser, Write};
use crate::wire::Envelope;

/// The caller's client for the duration of one request, holding that client's lock.
pub struct ClientCtx {
    /// The verified client, or one created in memory by [`ClientCtx::ensure`].
    pub client: Option<Client>,
    /// Set when a new client was created: its token goes into the `Authorization` response header.
    new_token: Option<String>,
    /// The request's time, read once the client's lock is held. Requests of one client are serialised by that lock,
    /// so their timestamps follow the order their writes are applied in: the latest touch is the latest
    /// `last_active_at`, however the requests raced to the lock.
    pub now: i64,
    /// Serialises requests of the same client.
    _guard: Option<ClientLock>,
}

impl ClientCtx {
    /// Lock and load the client named by the token; an unknown client or wrong secret gives no client.
    pub async fn load(state: &AppState, token: &TokenHeader) -> ApiResult<Self> {
        let Some(token) = &token.0 else {
            return Ok(Self::empty());
        };
        let guard = state.lock_client(&token.client_id).await?;
        let client = state
            .store
            .client(&token.client_id)
            .await?
            .filter(|c| token.matches(&c.token_hash));
        Ok(Self {
            client,
            new_token: None,
            now: ids::now_ms(),
            _guard: Some(guard),
        })
    }

    /// [`load`](Self::load) that also reads the client's active sessions and their users, in the same statement as
    /// the client row (an unknown client or wrong secret gives no client and no sessions).
    pub async fn load_for_render(
        state: &AppState,
        token: &TokenHeader,
    ) -> ApiResult<(Self, Vec<SessionAndUser>)> {
        let Some(token) = &token.0 else {
            return Ok((Self::empty(), Vec::new()));
        };
        let guard = state.lock_client(&token.client_id).await?;
        let found = state
            .store
            .client_with_active_sessions(&token.client_id)
            .await?;
        let (client, sessions) = match found.filter(|(c, _)| token.matches(&c.token_hash)) {
            Some((client, sessions)) => (Some(client), sessions),
            None => (None, Vec::new()),
        };
        Ok((
            Self {
                client,
                new_token: None,
                now: ids::now_ms(),
                _guard: Some(guard),
            },
            sessions,
        ))
    }

    /// The caller's client for an answer that only reads it, with its active sessions and their users. Without a
    /// sign-in or sign-up in flight that one-statement read is a consistent snapshot by itself, so no lock is taken
    /// and reads of one client run in parallel; otherwise (the attempt is a separate read) this is
    /// [`load_for_render`](Self::load_for_render), under the client's lock.
    pub async fn load_read_only(
        state: &AppState,
        token: &TokenHeader,
    ) -> ApiResult<(Self, Vec<SessionAndUser>)> {
        let Some(t) = &token.0 else {
            return Ok((Self::empty(), Vec::new()));
        };
        match state
            .store
            .client_with_active_sessions(&t.client_id)
            .await?
            .filter(|(c, _)| t.matches(&c.token_hash))
        {
            None => Ok((Self::empty(), Vec::new())),
            Some((client, sessions))
                if client.sign_in_id.is_none() && client.sign_up_id.is_none() =>
            {
                Ok((
                    Self {
                        client: Some(client),
                        new_token: None,
                        now: ids::now_ms(),
                        _guard: None,
                    },
                    sessions,
                ))
            }
            Some(_) => Self::load_for_render(state, token).await,
        }
    }

    /// A context without a client.
    pub fn empty() -> Self {
        Self {
            client: None,
            new_token: None,
            now: ids::now_ms(),
            _guard: None,
        }
    }

    /// The caller's client, else 404 (used by routes addressing a resource of the client).
    pub fn require(&self) -> ApiResult<&Client> {
        self.client.as_ref().ok_or(ApiError::NotFound)
    }

    /// The caller's client; without one, a fresh client (persisted by the next batch that writes it) whose token
    /// is returned in the response header.
    pub fn ensure(&mut self, now: i64) -> &mut Client {
        let new_token = &mut self.new_token;
        self.client.get_or_insert_with(|| {
            let id = ids::new_id("client_");
            let token = ClientToken::generate(&id);
            *new_token = Some(token.encode());
            Client {
                id,
                token_hash: token.secret_hash(),
                last_active_session_id: None,
                sign_in_id: None,
                sign_up_id: None,
                created_at: now,
                updated_at: now,
            }
        })
    }

    /// The write that persists the client as it is now (put first in a batch: other rows reference it).
    pub fn client_write(&self) -> ApiResult<Write> {
        Ok(Write::Client(self.require()?.clone()))
    }

    /// Answer `{"response": response, "client": <client>}` with the token header when the client is new.
    pub async fn respond<T: Serialize>(
        &self,
        state: &AppState,
        response: T,
    ) -> ApiResult<Response> {
        let client = match &self.client {
            Some(c) => Some(render_client(state, c, ids::now_ms()).await?),
            None => None,
        };
        Ok(self.with_token(Json(Envelope { response, client }).into_response()))
    }

    /// [`respond`](Self::respond) rendering the client from its sessions as the caller knows them (read with
    /// [`load_for_render`](Self::load_for_render), plus the caller's own writes) instead of reading them again. Sound
    /// because every write to a client's sessions holds that client's lock, which this context holds.
    pub async fn respond_with<T: Serialize>(
        &self,
        state: &AppState,
        response: T,
        stored: Vec<SessionAndUser>,
    ) -> ApiResult<Response> {
        let client = match &self.client {
            Some(c) => Some(render_client_with(state, c, stored, ids::now_ms()).await?),
            None => None,
        };
        Ok(self.with_token(Json(Envelope { response, client }).into_response()))
    }

    /// Answer with the client as both the response and the `client` member.
    pub async fn respond_client(&self, state: &AppState) -> ApiResult<Response> {
        let client = self.require()?;
        let json = serde_json::to_value(render_client(state, client, ids::now_ms()).await?)
            .map_err(|e| ApiError::Internal(format!("serialising client: {e}")))?;
        let body = serde_json::json!({ "response": json, "client": json });
        Ok(self.with_token(Json(body).into_response()))
    }

    /// Add the `Authorization` header for a new client.
    fn with_token(&self, mut response: Response) -> Response {
        if let Some(value) = self
            .new_token
            .as_deref()
            .and_then(|t| HeaderValue::from_str(t).ok())
        {
            response.headers_mut().insert(header::AUTHORIZATION, value);
        }
        response
    }
}

/// The caller's flow (sign-in or sign-up) `found` by id, when the caller may continue it: 404 when it is unknown
/// or another client's, 422 `verification_failed` when complete.
pub fn own_open<T: Flow>(ctx: &ClientCtx, found: Option<T>) -> ApiResult<T> {
    Ok(flows::open_for_client(found, &ctx.require()?.id)?)
}

/// The client's sessions that are active at `now`, oldest first.
pub async fn active_sessions(
    state: &AppState,
    client_id: &str,
    now: i64,
) -> ApiResult<Vec<Session>> {
    let sessions = state.store.client_sessions(client_id).await?;
    Ok(state.clock(now).active(sessions))
}
