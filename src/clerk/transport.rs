//! Requests on behalf of the instance: the client token in and out, answer parsing with `core::wire`, retries of
//! transient failures with `core::backoff`, and mutation envelopes whose client replaces ours. Every answer knows the
//! client token it speaks for, so one about a client this instance no longer holds is not applied
//! (`core::state::answer_is_current`).

use super::Controller;
use crate::adapters::http::{self, Request};
use crate::adapters::json::Kept;
use crate::adapters::timer::sleep;
use crate::core::backoff;
use crate::core::storage::decode_client_token;
use crate::core::wire::{parse_envelope, Client, Envelope, WireObject};
use crate::core::ClerkError;
use serde::de::DeserializeOwned;

/// Parses an answer's status and body (as the browser parsed it, read through serde-wasm-bindgen).
pub type Parse<T> = fn(u16, Option<serde_wasm_bindgen::Deserializer>) -> Result<T, ClerkError>;

/// A parsed answer and the client token it speaks for: the one its request carried, or the new one the server
/// handed out with it.
pub(super) struct Answer<T> {
    /// The parsed answer.
    pub value: T,
    /// The client token whose client the answer describes.
    pub answered_for: Option<String>,
}

/// A client read from the member `name` of `response`'s body, with that member's JSON value (always there: the
/// client was read from it).
pub(super) fn kept_client(
    client: Option<Client>,
    response: &http::Response,
    name: &str,
) -> Option<Kept<Client>> {
    client.map(|client| Kept::new(client, response.member(name).unwrap_or_default()))
}

impl Controller {
    /// Sends `request` once with the client token, keeping a new token the server hands out; returns the answer
    /// and the client token it speaks for.
    pub(super) async fn send(
        &self,
        request: &Request,
    ) -> Result<Answer<http::Response>, ClerkError> {
        let token = self.read(|m| m.client_token.clone());
        let inner = &self.inner;
        let response =
            http::send(&inner.base_url, request, token.as_deref(), inner.timeout_ms).await?;
        let new_token = response
            .client_token
            .as_deref()
            .and_then(|new_token| self.keep_client_token(new_token));
        Ok(Answer {
            value: response,
            answered_for: new_token.or(token),
        })
    }

    /// Adopts and stores a client token from the server and returns it (one that could not be sent back as a
    /// header is ignored: `None`).
    fn keep_client_token(&self, token: &str) -> Option<String> {
        let token = decode_client_token(token).ok()?;
        let changed = self.update(|m| {
            let changed = m.client_token.as_deref() != Some(token.as_str());
            m.client_token = Some(token.clone());
            changed
        });
        if changed {
            self.inner.persist.save_client_token(&token);
        }
        Some(token)
    }

    /// Sends `request` and parses the answer, retrying transient failures (network, timeout, 429, 5xx) on the
    /// core's backoff schedule, honouring `Retry-After` when the browser lets us read it.
    pub(super) async fn call_with_retries<T>(
        &self,
        request: Request,
        parse: Parse<T>,
    ) -> Result<T, ClerkError> {
        let mut attempt = 0;
        loop {
            let (result, retry_after_ms) = match self.send(&request).await {
                Ok(Answer {
                    value: response, ..
                }) => (
                    parse(response.status, response.body()),
                    response.retry_after_ms,
                ),
                Err(error) => (Err(error), None),
            };
            let error = match result {
                Err(error) if error.is_transient() => error,
                done => return done,
            };
            let Some(delay) = backoff::delay_for(attempt, retry_after_ms) else {
                return Err(error);
            };
            sleep(delay).await;
            attempt += 1;
        }
    }

    /// Sends a mutation once and reads its envelope; also returns the answer (whose body holds the JSON values of
    /// the envelope's members) and the client token it speaks for.
    pub(super) async fn exchange<T>(
        &self,
        request: Request,
    ) -> Result<(Envelope<T>, Answer<http::Response>), ClerkError>
    where
        T: DeserializeOwned + WireObject,
    {
        let answer = self.send(&request).await?;
        let envelope = parse_envelope(answer.value.status, answer.value.body())?;
        Ok((envelope, answer))
    }

    /// Sends a mutation, applies the client riding along and returns the resource.
    pub async fn mutate<T>(&self, request: Request) -> Result<T, ClerkError>
    where
        T: DeserializeOwned + WireObject,
    {
        let (envelope, answer) = self.exchange::<T>(request).await?;
        if envelope.client.is_some() {
            let client = kept_client(envelope.client, &answer.value, "client");
            self.apply_server_client(client, answer.answered_for.as_deref());
        }
        envelope
            .response
            .ok_or_else(|| ClerkError::invalid_response(200, "the answer carries no resource"))
    }
}
