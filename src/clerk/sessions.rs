//! Switching, touching and signing out: switches are synchronous (state, storage, listeners) with the touch in the
//! background; sign-outs go to the server first, then the core's rules decide who is active.

use super::transport::kept_client;
use super::{Controller, Source};
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

/// Which sessions a sign-out ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignOutTarget {
    /// Every session of the client (`Clerk.signOut()`).
    All,
    /// This tab's active session (`Clerk.signOutOne()`); the others stay signed in.
    Active,
    /// One session (`Clerk.signOut({ sessionId })`, `session.end()`, `session.remove()`).
    Session(String, SignOutKind),
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
        self.commit(&change, Source::Tab);
        if let Some(id) = id {
            let (this, id) = (self.clone(), id.to_string());
            crate::adapters::spawn(Box::pin(async move {
                // A gone session was already dropped by `touch`; other failures change nothing.
                let _ = this.touch(&id).await;
            }));
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
        self.commit(&change, Source::Server);
    }

    /// Signs out of `target`, the one way every sign-out goes. Of one session: it must be a signed-in session of
    /// this client (else `session_not_found`), a session the server no longer knows is signed out locally, and if it
    /// was this tab's account the most recently active remaining one takes over and
    /// `afterMultiSessionSingleSignOutUrl` (or `afterSignOutUrl` when none remains) is opened. Of all
    /// (`DELETE /v1/client/sessions`): the client and its token stay, and the answer's client replaces ours.
    pub async fn sign_out(&self, target: SignOutTarget) -> Result<(), ClerkError> {
        let one = match target {
            SignOutTarget::All => None,
            SignOutTarget::Active => {
                match self.read(|m| m.sessions.active_session_id().map(str::to_string)) {
                    Some(id) => Some((id, SignOutKind::Remove)),
                    None => return Ok(()),
                }
            }
            SignOutTarget::Session(id, kind) => Some((id, kind)),
        };
        let request = match &one {
            Some((id, kind)) => {
                if !self.read(|m| m.sessions.is_session_signed_in(id)) {
                    return Err(ClerkError::session_not_found(id));
                }
                let action = match kind {
                    SignOutKind::Remove => "remove",
                    SignOutKind::End => "end",
                };
                Request::post(session_path(id, action))
            }
            None => Request::delete("/client/sessions"),
        };
        // The client after the sign-out: the one riding along a session's answer, or the answer to a sign-out of
        // all (its resource is the client too).
        let (answer_client, answered_for) = match one {
            Some(_) => match self.exchange::<Session>(request).await {
                Ok((envelope, answer)) => (
                    kept_client(envelope.client, &answer.value, "client"),
                    answer.answered_for,
                ),
                // Already gone on the server: signing out locally is all that is left to do.
                Err(error) if error.is_gone() => (None, None),
                Err(error) => return Err(error),
            },
            None => {
                let (envelope, answer) = self.exchange::<Client>(request).await?;
                let client = kept_client(envelope.client, &answer.value, "client")
                    .or_else(|| kept_client(envelope.response, &answer.value, "response"))
                    .ok_or_else(|| {
                        ClerkError::invalid_response(200, "the answer carries no client")
                    })?;
                (Some(client), answer.answered_for)
            }
        };
        let signed_out = self.update(|m| {
            // The answer's client replaces ours only if it is still ours (see `answer_is_current`).
            let current = answer_is_current(answered_for.as_deref(), m.client_token.as_deref());
            let change = match &one {
                Some((id, _)) => {
                    m.tokens.remove_session(id);
                    m.sign_out_session(id, answer_client.filter(|_| current))
                }
                // Another client replaced ours meanwhile: the sign-out was of a client this instance no longer
                // holds.
                None if !current => return None,
                None => {
                    m.tokens.clear();
                    m.apply_client(answer_client)
                }
            };
            Some((change, m.sessions.signed_in_sessions().len()))
        });
        let Some((change, remaining)) = signed_out else {
            return Ok(());
        };
        self.commit(&change, Source::Server);
        self.navigate_after_sign_out(&change, one.is_some(), remaining);
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
