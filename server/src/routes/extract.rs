//! Request extractors of the frontend routes: the client token header and the peer address.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header;
use axum::http::request::Parts;

use crate::auth::client_token::ClientToken;
use crate::error::ApiError;

/// The `Authorization` header parsed as a client token (not yet checked against the store).
#[derive(Debug, Clone)]
pub struct TokenHeader(pub Option<ClientToken>);

impl<S: Send + Sync> FromRequestParts<S> for TokenHeader {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(ClientToken::parse);
        Ok(Self(token))
    }
}

/// The peer IP address (for per-IP rate limits); `unknown` when not served over a socket.
#[derive(Debug, Clone)]
pub struct ClientIp(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let ip = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ci| ci.0.ip().to_string());
        Ok(Self(ip.unwrap_or_else(|| "unknown".into())))
    }
}

/// Longest `User-Agent` kept for a session.
const MAX_USER_AGENT_LEN: usize = 512;

/// The request's `User-Agent` (cut to a bounded length) and peer address: what a session records as its latest
/// activity when a request creates or touches it.
#[derive(Debug, Clone)]
pub struct Activity {
    /// The `User-Agent` header, when sent as text.
    pub user_agent: Option<String>,
    /// As [`ClientIp`].
    pub ip: String,
}

impl<S: Send + Sync> FromRequestParts<S> for Activity {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let user_agent = parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|ua| ua.chars().take(MAX_USER_AGENT_LEN).collect());
        let ClientIp(ip) = ClientIp::from_request_parts(parts, state).await?;
        Ok(Self { user_agent, ip })
    }
}

impl Activity {
    /// Record this request on `session`.
    pub fn record(&self, session: &mut crate::model::Session) {
        session.user_agent = self.user_agent.clone();
        session.ip_address = Some(self.ip.clone());
    }
}
