//! Requests on behalf of the instance: the client token in and out, answer parsing with `core::wire`, retries of
//! transient failures with `core::backoff`, and mutation envelopes whose client replaces ours.

use super::Controller;
use crate::adapters::http::{self, Request};
use crate::adapters::timer::sleep;
use crate::core::backoff;
use crate::core::storage::decode_client_token;
use crate::core::wire::{parse_envelope, Envelope, WireObject};
use crate::core::ClerkError;
use serde::de::DeserializeOwned;

/// Parses an answer's status and body.
pub type Parse<T> = fn(u16, &str) -> Result<T, ClerkError>;

impl Controller {
    /// Sends `request` once with the client token, keeping a new token the server hands out.
    async fn send(&self, request: &Request) -> Result<http::Response, ClerkError> {
        let token = self.read(|m| m.client_token.clone());
        let inner = &self.inner;
        let response =
            http::send(&inner.base_url, request, token.as_deref(), inner.timeout_ms).await?;
        if let Some(new_token) = &response.client_token {
            self.keep_client_token(new_token);
        }
        Ok(response)
    }

    /// Adopts and stores a client token from the server (one that could not be sent back as a header is ignored).
    fn keep_client_token(&self, token: &str) {
        let Ok(token) = decode_client_token(token) else {
            return;
        };
        let changed = self.update(|m| {
            let changed = m.client_token.as_deref() != Some(token.as_str());
            m.client_token = Some(token.clone());
            changed
        });
        if changed {
            self.inner.persist.save_client_token(&token);
        }
    }

    /// Sends `request` once and parses the answer.
    pub(super) async fn call<T>(&self, request: Request, parse: Parse<T>) -> Result<T, ClerkError> {
        let response = self.send(&request).await?;
        parse(response.status, &response.body)
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
                Ok(response) => (
                    parse(response.status, &response.body),
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

    /// Sends a mutation and returns its envelope (the caller applies the client).
    pub(super) async fn envelope<T>(&self, request: Request) -> Result<Envelope<T>, ClerkError>
    where
        T: DeserializeOwned + WireObject,
    {
        self.call(request, parse_envelope::<T>).await
    }

    /// Sends a mutation, applies the client riding along and returns the resource.
    pub(super) async fn mutate<T>(&self, request: Request) -> Result<T, ClerkError>
    where
        T: DeserializeOwned + WireObject,
    {
        let Envelope { response, client } = self.envelope::<T>(request).await?;
        if client.is_some() {
            self.apply_server_client(client);
        }
        response.ok_or_else(|| ClerkError::invalid_response(200, "the answer carries no resource"))
    }
}
