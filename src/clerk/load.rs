//! `load()`: show the stored state at once, then reconcile it with `GET /v1/environment` and `GET /v1/client`
//! (fetched in parallel). With a stored client, `load()` resolves as soon as it is shown and the network round runs
//! in the background; without one, it waits for the network.

use super::futures::{join, Shared};
use super::transport::kept_client;
use super::{Controller, Source};
use crate::adapters::http::Request;
use crate::adapters::page;
use crate::core::wire::{parse_client, parse_environment, Environment};
use crate::core::{Change, ClerkError, Mode, SessionState, Status};
use std::rc::Rc;
use wasm_bindgen::JsValue;

impl Controller {
    /// Starts loading: the stored state is applied and emitted before this returns; the future resolves per the
    /// module doc, failing only when there is neither a stored state nor an answer (`status` `"error"`). Later
    /// calls share the first call's outcome (await its `wait()`).
    pub fn load(&self) -> Rc<Shared<Result<(), ClerkError>>> {
        if let Some(outcome) = self.read(|m| m.load.clone()) {
            return outcome;
        }
        let outcome = Shared::new();
        self.update(|m| m.load = Some(outcome.clone()));
        let from_cache = self.apply_stored_state();
        if from_cache {
            outcome.resolve(Ok(()));
        }
        let (this, network_outcome) = (self.clone(), outcome.clone());
        crate::adapters::spawn(Box::pin(async move {
            // With a cache the outcome is already `Ok` (the first value wins); otherwise this settles it.
            network_outcome.resolve(this.reconcile(from_cache).await);
        }));
        outcome
    }

    /// Applies and emits the stored state; `true` when a stored client was found.
    fn apply_stored_state(&self) -> bool {
        let persist = &self.inner.persist;
        let token = persist.client_token();
        let environment = persist.environment();
        let client = persist.client(token.as_deref());
        let choice = persist.tab_choice();
        let from_cache = client.is_some();
        let mode = environment
            .as_ref()
            .map_or(Mode::Multi, Mode::from_environment);
        let (client, client_json) = client.map(|c| (c.value, c.json)).unzip();
        self.update(|m| {
            m.sessions = SessionState::restore(mode, client, choice);
            m.client_json = client_json;
            m.client_token = token;
            m.loaded = from_cache;
        });
        // The stored choice may have been resolved to another account (it was signed out meanwhile): `Restore`
        // stores it back, and tells the listeners.
        self.commit(&Change::default(), Source::Restore);
        from_cache
    }

    /// Fetches the environment and the client in parallel, applies what arrived and sets the status.
    async fn reconcile(&self, had_cache: bool) -> Result<(), ClerkError> {
        let (environment, client) = (Request::get("/environment"), Request::get("/client"));
        let (environment, client) = join(self.send(&environment), self.send(&client)).await;
        let environment = environment.and_then(|a| {
            let environment = parse_environment(a.value.status, a.value.body())?;
            Ok((environment, a.value.body.unwrap_or_default()))
        });
        let client = client.and_then(|a| {
            let client = parse_client(a.value.status, a.value.body())?;
            Ok((kept_client(client, &a.value, "response"), a.answered_for))
        });
        let status = Status::after_load(had_cache, environment.is_ok(), client.is_ok());
        let mut first_error = None;
        match environment {
            Ok((environment, json)) => self.apply_environment(environment, Some(&json)),
            Err(e) => first_error = Some(e),
        }
        match client {
            Ok((client, answered_for)) => self.apply_server_client(client, answered_for.as_deref()),
            Err(e) => first_error = first_error.or(Some(e)),
        }
        self.update(|m| {
            m.status = status;
            m.loaded |= status != Status::Error;
        });
        match first_error {
            Some(e) if status == Status::Error => Err(e),
            Some(e) => {
                page::warn(&format!(
                    "could not reach the frontend API, showing what is known: {e}"
                ));
                Ok(())
            }
            None => Ok(()),
        }
    }

    /// Applies an environment (its session mode); with the JSON value the server sent, stores that (not when the
    /// environment came from storage).
    pub(super) fn apply_environment(&self, environment: Environment, json: Option<&JsValue>) {
        if let Some(json) = json {
            self.inner.persist.save_environment(json);
        }
        self.update(|m| m.sessions.apply_environment(&environment));
    }
}
