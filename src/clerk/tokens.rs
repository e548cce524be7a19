//! `session.getToken()`: the core's token cache, one shared request per session for concurrent callers, retries of
//! transient failures, and the `sid` check that keeps a token fetched for one session from serving another.

use super::futures::Shared;
use super::sessions::session_path;
use super::{Controller, TokenResult};
use crate::adapters::http::Request;
use crate::adapters::json::jwt_payload;
use crate::adapters::timer::now_ms;
use crate::core::token_cache::{decode_claims, BeginFetch, FetchTicket, Finished};
use crate::core::wire::{parse_token, Token};
use crate::core::ClerkError;
use std::rc::Rc;

/// What a `getToken` call does, decided in one borrow of the state.
enum Plan {
    /// Answer at once (a cached token, or `None` for a signed-out session).
    Answer(Option<String>),
    /// Another call is fetching this session's token: wait for its answer.
    Join(Rc<Shared<TokenResult>>),
    /// Fetch it, and share the answer with the calls that join meanwhile.
    Fetch(FetchTicket, Rc<Shared<TokenResult>>),
}

impl Controller {
    /// The session JWT of `session_id`: cached until shortly before it expires (unless `skip_cache`), fetched
    /// otherwise; `None` when that session is not signed in (or was signed out while the token was fetched).
    pub async fn get_token(&self, session_id: &str, skip_cache: bool) -> TokenResult {
        let (ticket, shared) = match self.plan_token(session_id, skip_cache) {
            Plan::Answer(token) => return Ok(token),
            Plan::Join(shared) => return shared.wait().await,
            Plan::Fetch(ticket, shared) => (ticket, shared),
        };
        let request = Request::post(session_path(session_id, "tokens"));
        let answer = self.call_with_retries(request, parse_token).await;
        let result = self.record_token(ticket, answer);
        self.inner
            .token_requests
            .borrow_mut()
            .retain(|(id, _)| id != session_id);
        shared.resolve(result.clone());
        result
    }

    /// Decides how to answer, registering a new request when one is needed.
    fn plan_token(&self, session_id: &str, skip_cache: bool) -> Plan {
        let now = now_ms();
        let mut requests = self.inner.token_requests.borrow_mut();
        self.update(|m| {
            if !m.sessions.is_session_signed_in(session_id) {
                return Plan::Answer(None);
            }
            if let Some(token) = m.tokens.get(session_id, now).filter(|_| !skip_cache) {
                return Plan::Answer(Some(token.to_string()));
            }
            if let Some((_, shared)) = requests.iter().find(|(id, _)| id == session_id) {
                return Plan::Join(shared.clone());
            }
            match m.tokens.begin_fetch(session_id, now) {
                BeginFetch::Start(ticket) => {
                    let shared = Shared::new();
                    requests.push((session_id.to_string(), shared.clone()));
                    Plan::Fetch(ticket, shared)
                }
                // The cache marks a request in flight only while `token_requests` holds it (both change together
                // here and in `get_token`), and signed-out sessions were answered above; so this is a fresh start.
                BeginFetch::AlreadyInFlight => Plan::Answer(None),
            }
        })
    }

    /// Records a fetched token (or the failure) in the cache, which checks its `sid`.
    fn record_token(&self, ticket: FetchTicket, answer: Result<Token, ClerkError>) -> TokenResult {
        match answer {
            Ok(token) => {
                let claims = decode_claims(&token.jwt, jwt_payload);
                match self
                    .update(|m| m.tokens.finish_fetch(ticket, &token.jwt, claims, now_ms()))?
                {
                    Finished::Token(jwt) => Ok(Some(jwt)),
                    Finished::Stale => Ok(None),
                }
            }
            Err(error) => {
                let id = ticket.session_id().to_string();
                self.update(|m| m.tokens.fail_fetch(ticket));
                if error.is_gone() {
                    // The server no longer knows the session: it is signed out, so there is no token.
                    self.drop_session(&id);
                    return Ok(None);
                }
                Err(error)
            }
        }
    }
}
