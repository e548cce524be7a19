//! Switching, touching and signing out: switches are synchronous (state, storage, listeners) with the touch in the
//! background; sign-outs go to the server first, then the core's rules decide who is active.

use super::transport::Answer;
use super::Controller;
use crate::adapters::http::{encode_segment, Request};
use crate::adapters::page;
use crate::core::state::{answer_is_current, redirect_after_sign_out};
use crate::core::wire::{Client, Session};
use crate::core::{Change, ClerkError};

/// How one session is signed out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignOutKind {
    /// `remove`: signed out of this session (`Clerk.signOut({ sessionId })`, `session.remove()`).
    Remove,
    /// `end`: the session is ended (`session.end()`).
    End,
}

/// The path of a session action (`touch`, `remove`, `end`, `tokens`).
pub(super) fn session_path(id: &str, action: &str) -> String {
    format!("/client/sessions/{}/{action}", encode_segment(id))
}

impl Controller {
    /// Makes `id` this tab's active account (`None`: no account) at once, then touches it in the background.
    /// An id that is not a signed-in session of this client is rejected and nothing changes.
    pub fn switch_to(&self, id: Option<&str>) -> Result<(), ClerkError> {
        let change = self.update(|m| m.sessions.switch_to(id))?;
        self.save_tab_choice();
        self.after_change(&change, false);
        if let Some(id) = id {
            let (this, id) = (self.clone(), id.to_string());
            wasm_bindgen_futures::spawn_local(async move {
                // A gone session was already dropped by `touch`; other failures change nothing.
                let _ = this.touch(&id).await;
            });
        }
        Ok(())
    }

    /// Marks a session active on the server. When the server says it is gone (401/404) it is dropped and, if it
    /// was this tab's account, the most recently active remaining session takes over.
    pub async fn touch(&self, id: &str) -> Result<Session, ClerkError> {
        let answer = self
            .mutate::<Session>(Request::post(session_path(id, "touch")))
            .await;
        if let Err(error) = &answer {
            if error.is_gone() {
                self.drop_session(id);
            }
        }
        answer
    }

    /// Drops a session the server no longer knows, falling back if it was active.
    pub(super) fn drop_session(&self, id: &str) {
        let change = self.update(|m| {
            m.tokens.remove_session(id);
            m.sessions.drop_session(id)
        });
        self.after_change(&change, true);
    }

    /// Signs out of this tab's active session (`signOutOne`); the others stay signed in.
    pub async fn sign_out_active(&self) -> Result<(), ClerkError> {
        match self.read(|m| m.sessions.active_session_id().map(str::to_string)) {
            Some(id) => self.sign_out_session(&id, SignOutKind::Remove).await,
            None => Ok(()),
        }
    }

    /// Signs out of one session of this client; if it was this tab's account the most recently active remaining
    /// one takes over and `afterMultiSessionSingleSignOutUrl` (or `afterSignOutUrl` when none remains) is opened.
    pub async fn sign_out_session(&self, id: &str, kind: SignOutKind) -> Result<(), ClerkError> {
        if !self.read(|m| m.sessions.is_session_signed_in(id)) {
            return Err(ClerkError::session_not_found(id));
        }
        let action = match kind {
            SignOutKind::Remove => "remove",
            SignOutKind::End => "end",
        };
        let (server_client, answered_for) = match self
            .envelope::<Session>(Request::post(session_path(id, action)))
            .await
        {
            Ok(answer) => (answer.value.client, answer.answered_for),
            // Already gone on the server: signing out locally is all that is left to do.
            Err(error) if error.is_gone() => (None, None),
            Err(error) => return Err(error),
        };
        let (change, remaining) = self.update(|m| {
            m.tokens.remove_session(id);
            // The answer's client replaces ours only if it is still ours (see `answer_is_current`).
            let server_client = server_client
                .filter(|_| answer_is_current(answered_for.as_deref(), m.client_token.as_deref()));
            let change = m.sessions.sign_out_session(id, server_client);
            (change, m.sessions.signed_in_sessions().len())
        });
        self.after_change(&change, true);
        self.navigate_after_sign_out(&change, true, remaining);
        Ok(())
    }

    /// Signs out of every session of this client (`DELETE /v1/client/sessions`); the client and its token stay.
    pub async fn sign_out_all(&self) -> Result<(), ClerkError> {
        let Answer {
            value: envelope,
            answered_for,
        } = self
            .envelope::<Client>(Request::delete("/client/sessions"))
            .await?;
        let client = envelope
            .client
            .or(envelope.response)
            .ok_or_else(|| ClerkError::invalid_response(200, "the answer carries no client"))?;
        let signed_out = self.update(|m| {
            // Another client replaced ours meanwhile: the sign-out was of a client this instance no longer holds.
            if !answer_is_current(answered_for.as_deref(), m.client_token.as_deref()) {
                return None;
            }
            m.tokens.clear();
            let change = m.sessions.apply_client(Some(client));
            Some((change, m.sessions.signed_in_sessions().len()))
        });
        let Some((change, remaining)) = signed_out else {
            return Ok(());
        };
        self.after_change(&change, true);
        self.navigate_after_sign_out(&change, false, remaining);
        Ok(())
    }

    /// Opens the `after…Url` the core picks for this sign-out, if any.
    fn navigate_after_sign_out(&self, change: &Change, one_session: bool, remaining: usize) {
        let redirects = self.inner.redirects.borrow().clone();
        let target = redirect_after_sign_out(
            change,
            one_session,
            remaining,
            redirects.after_multi_session_single_sign_out.as_deref(),
            redirects.after_sign_out.as_deref(),
        );
        if let Some(url) = target {
            page::navigate(url);
        }
    }
}
