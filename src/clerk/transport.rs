//! Requests on behalf of the instance: the client token in and out, answer parsing with `core::wire`, retries of
//! transient failures with `core::backoff`, and mutation envelopes whose client replaces ours. Every answer knows the
//! client token it speaks for, so one about a client this instance no longer holds is not applied
//! (`core::state::answer_is_current`).

use super::Controller;
use crate::adapters::http::{self, Request};
use crate::adapters::timer::sleep;
use crate::core::backoff;
use crate::core::json::ObjectItem;
use crate::core::storage::decode_client_token;
use crate::core::wire::{parse_envelope_into, Envelope, EnvelopeTarget, WireObject};
use crate::core::ClerkError;

/// Parses an answer's status and body.
pub type Parse<T> = fn(u16, &str) -> Result<T, ClerkError>;

/// A parsed answer and the client token it speaks for: the one its request carried, or the new one the server
/// handed out with it.
pub(super) struct Answer<T> {
    /// The parsed answer.
    pub value: T,
    /// The client token whose client the answer describes.
    pub answered_for: Option<String>,
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

    /// Sends a mutation once and reads its envelope into `target`; returns the client token the answer speaks for.
    /// Not generic: the per-resource wrappers below only hold the envelope.
    pub(super) async fn exchange(
        &self,
        request: Request,
        target: &mut dyn EnvelopeTarget,
    ) -> Result<Option<String>, ClerkError> {
        let Answer {
            value: response,
            answered_for,
        } = self.send(&request).await?;
        parse_envelope_into(response.status, &response.body, target)?;
        Ok(answered_for)
    }

    /// [`Controller::exchange`], then applies the client riding along.
    async fn exchange_and_apply(
        &self,
        request: Request,
        target: &mut dyn EnvelopeTarget,
    ) -> Result<(), ClerkError> {
        let answered_for = self.exchange(request, target).await?;
        let client = target.take_client();
        if client.is_some() {
            self.apply_server_client(client, answered_for.as_deref());
        }
        Ok(())
    }

    /// Sends a mutation, applies the client riding along and returns the resource.
    pub async fn mutate<T>(&self, request: Request) -> Result<T, ClerkError>
    where
        T: ObjectItem + WireObject,
    {
        let mut envelope = Envelope::<T>::default();
        self.exchange_and_apply(request, &mut envelope).await?;
        envelope
            .response
            .ok_or_else(|| ClerkError::invalid_response(200, "the answer carries no resource"))
    }
}
