//! Session rules: which sessions are signed in, which one is this tab's active account, what a new client,
//! a switch or a sign-out leaves, and the single/multi-session mode rules.
//!
//! [`SessionState`] is a pure state machine; every mutation returns a [`Change`] that tells the adapter whether to
//! persist, notify listeners or navigate. Adapters never decide who is active.

use super::error::{codes, ClerkError};
use super::wire::{Client, Environment, Session, User};
use std::rc::Rc;

/// Single- or multi-session instance, from `Environment.auth_config.single_session_mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// One account per client; a second sign-in fails with `session_exists`.
    Single,
    /// Many accounts per client; sign-ins add sessions.
    Multi,
}

impl Mode {
    /// The mode an environment configures.
    pub fn from_environment(env: &Environment) -> Self {
        if env.auth_config.single_session_mode {
            Mode::Single
        } else {
            Mode::Multi
        }
    }

    /// Whether several accounts may be signed in at once.
    pub fn is_multi(self) -> bool {
        self == Mode::Multi
    }
}

/// What this tab chose as its active account (persisted in sessionStorage so it survives reloads).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TabChoice {
    /// This session is the tab's active account.
    Session(String),
    /// The tab chose no account (`setSession(null)`); it stays signed out until it switches again.
    NoSession,
}

/// Whether `a` comes before `b` in the account order: more recently active first, ties by id.
#[inline(never)]
fn precedes(a: &Session, b: &Session) -> bool {
    (std::cmp::Reverse(a.last_active_at), &a.id) < (std::cmp::Reverse(b.last_active_at), &b.id)
}

/// Signed-in (`active`) sessions, most recently active first; ties by id so the order is deterministic.
pub fn signed_in_sessions(client: &Client) -> Vec<&Rc<Session>> {
    let mut list: Vec<&Rc<Session>> = Vec::new();
    // An insertion sort: a client has a handful of sessions, and the standard sorts add kilobytes to the wasm build.
    for s in client.sessions.iter().filter(|s| s.is_signed_in()) {
        let at = list
            .iter()
            .position(|o| precedes(s, o))
            .unwrap_or(list.len());
        list.insert(at, s);
    }
    list
}

/// The first of [`signed_in_sessions`] (the most recently active signed-in session), without building the list.
pub fn most_recent_signed_in(client: &Client) -> Option<&Rc<Session>> {
    most_recent_signed_in_except(client, None)
}

/// The most recently active signed-in session other than `except`, without building the list.
fn most_recent_signed_in_except<'a>(
    client: &'a Client,
    except: Option<&str>,
) -> Option<&'a Rc<Session>> {
    let mut best: Option<&Rc<Session>> = None;
    let wanted = |s: &&Rc<Session>| s.is_signed_in() && Some(s.id.as_str()) != except;
    for s in client.sessions.iter().filter(wanted) {
        if best.is_none_or(|b| precedes(s, b)) {
            best = Some(s);
        }
    }
    best
}

/// Whether two clients (or their absence) differ in any field.
pub fn differ(a: Option<&Client>, b: Option<&Client>) -> bool {
    a != b
}

/// Whether `id` is a signed-in session of `client`.
pub fn is_signed_in(client: &Client, id: &str) -> bool {
    client
        .sessions
        .iter()
        .any(|s| s.id == id && s.is_signed_in())
}

/// This tab's active session: its own if still signed in, else the client's last active one if signed in, else the
/// most recently active signed-in session, else none.
pub fn resolve_active(tab_active: Option<&str>, client: &Client) -> Option<String> {
    tab_active
        .filter(|id| is_signed_in(client, id))
        .or_else(|| {
            client
                .last_active_session_id
                .as_deref()
                .filter(|id| is_signed_in(client, id))
        })
        .or_else(|| most_recent_signed_in(client).map(|s| s.id.as_str()))
        .map(str::to_string)
}

/// The session to activate once `removed_id` is gone: the most recently active other signed-in session.
pub fn fallback_after_removal(client: &Client, removed_id: &str) -> Option<String> {
    most_recent_signed_in_except(client, Some(removed_id)).map(|s| s.id.clone())
}

/// Where to navigate after a sign-out: `after_multi_single` when one session was signed out and others remain
/// (if set), otherwise `after_sign_out` when the tab ended signed out.
pub fn sign_out_redirect<'a>(
    one_session: bool,
    remaining_signed_in: usize,
    after_multi_single: Option<&'a str>,
    after_sign_out: Option<&'a str>,
) -> Option<&'a str> {
    if one_session && remaining_signed_in > 0 {
        after_multi_single
    } else {
        after_sign_out
    }
}

/// Whether `incoming` is an older snapshot of the `current` client: same id, earlier `updated_at`. Answers arrive
/// out of order (a `GET /v1/client` sent before a sign-in can land after it); the server bumps `updated_at` on every
/// change of the client, so the older snapshot must not undo the newer one.
pub fn is_stale(current: &Client, incoming: &Client) -> bool {
    current.id == incoming.id && incoming.updated_at < current.updated_at
}

/// Whether an answer may change the state of an instance that now holds `current_token`. An answer speaks for the
/// client of `answered_for`: the client token its request carried, or the new one the server handed out with it.
/// That client is ours only while we still hold its token. Once another answer (or another tab) brought a new
/// client, an answer for the old token describes a client we no longer have: applying it would undo the new one,
/// e.g. a `GET /v1/client` sent before a sign-up created a new client, answering "no client" after it.
pub fn answer_is_current(answered_for: Option<&str>, current_token: Option<&str>) -> bool {
    answered_for == current_token
}

/// Where to navigate after a sign-out that produced `change`: nowhere unless this tab's active account was signed
/// out by it (signing out another account leaves the page alone); then as [`sign_out_redirect`] says.
pub fn redirect_after_sign_out<'a>(
    change: &Change,
    one_session: bool,
    remaining_signed_in: usize,
    after_multi_single: Option<&'a str>,
    after_sign_out: Option<&'a str>,
) -> Option<&'a str> {
    if !change.active_signed_out {
        return None;
    }
    sign_out_redirect(
        one_session,
        remaining_signed_in,
        after_multi_single,
        after_sign_out,
    )
}

/// What a mutation did, so the adapter knows whether to persist, emit to listeners or navigate (the default: nothing).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Change {
    /// The tab's active session before.
    pub active_before: Option<String>,
    /// The tab's active session after.
    pub active_after: Option<String>,
    /// Whether the client snapshot changed (persist it and emit).
    pub client_changed: bool,
    /// Whether the tab's active account was signed out (elsewhere or by a failed touch) and the tab fell back.
    pub active_signed_out: bool,
}

impl Change {
    /// Whether the tab's active session changed (persist the tab choice).
    pub fn active_changed(&self) -> bool {
        self.active_before != self.active_after
    }

    /// Whether listeners must be told (anything observable changed).
    pub fn needs_emit(&self) -> bool {
        self.client_changed || self.active_changed()
    }
}

/// The client snapshot plus this tab's active account, and the mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionState {
    /// The last client the server (or storage) gave us; shared with the JS objects made from it (read-only there).
    client: Option<Rc<Client>>,
    /// This tab's active session; always a signed-in session of `client` when set.
    active: Option<String>,
    /// The tab explicitly chose no account: new clients do not pick one for it.
    chose_none: bool,
    /// The tab's stored account when it was restored without a client to check it against (the stored client was
    /// missing or unreadable); the first client that arrives honours it if it is still signed in.
    pending_choice: Option<String>,
    /// Single or multi-session.
    mode: Mode,
}

impl SessionState {
    /// An empty state (nothing loaded yet).
    pub fn new(mode: Mode) -> Self {
        SessionState {
            client: None,
            active: None,
            chose_none: false,
            pending_choice: None,
            mode,
        }
    }

    /// The state after a reload: the stored client and this tab's stored choice, resolved by the rules.
    pub fn restore(mode: Mode, client: Option<Client>, saved: Option<TabChoice>) -> Self {
        let mut state = Self::new(mode);
        match saved {
            Some(TabChoice::NoSession) => state.chose_none = true,
            Some(TabChoice::Session(id)) => state.active = Some(id),
            None => {}
        }
        state.active = match (&client, state.chose_none) {
            (Some(c), false) => resolve_active(state.active.as_deref(), c),
            (None, _) => {
                state.pending_choice = state.active.take();
                None
            }
            (Some(_), true) => None,
        };
        state.client = client.map(Rc::new);
        state
    }

    /// The client, if one is known.
    pub fn client(&self) -> Option<&Client> {
        self.client.as_deref()
    }

    /// The client, shared (a snapshot for JS costs a pointer, not a copy).
    pub fn shared_client(&self) -> Option<Rc<Client>> {
        self.client.clone()
    }

    /// Single or multi-session.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// This tab's active session id.
    pub fn active_session_id(&self) -> Option<&str> {
        self.active.as_deref()
    }

    /// This tab's active session.
    pub fn active_session(&self) -> Option<&Rc<Session>> {
        let id = self.active.as_deref()?;
        self.client.as_ref()?.session(id)
    }

    /// The active session's user.
    pub fn active_user(&self) -> Option<&User> {
        self.active_session()?.user.as_deref()
    }

    /// Whether this tab has an active account.
    pub fn is_signed_in(&self) -> bool {
        self.active.is_some()
    }

    /// The client's signed-in sessions, most recently active first (empty without a client).
    pub fn signed_in_sessions(&self) -> Vec<&Rc<Session>> {
        self.client
            .as_ref()
            .map(|c| signed_in_sessions(c))
            .unwrap_or_default()
    }

    /// Whether `id` is a signed-in session of the current client (e.g. to prune the token cache).
    pub fn is_session_signed_in(&self, id: &str) -> bool {
        self.client.as_ref().is_some_and(|c| is_signed_in(c, id))
    }

    /// What to persist for this tab (`None`: nothing chosen, remove the key).
    pub fn tab_choice(&self) -> Option<TabChoice> {
        match (&self.active, self.chose_none) {
            (Some(id), _) => Some(TabChoice::Session(id.clone())),
            (None, true) => Some(TabChoice::NoSession),
            (None, false) => self.pending_choice.clone().map(TabChoice::Session),
        }
    }

    /// Applies the mode of a (new) environment; `true` when it changed.
    pub fn apply_environment(&mut self, env: &Environment) -> bool {
        let mode = Mode::from_environment(env);
        let changed = mode != self.mode;
        self.mode = mode;
        changed
    }

    /// Whether the UI may offer "Add account": always in multi-session mode, only when signed out in single mode.
    pub fn can_add_account(&self) -> bool {
        self.mode.is_multi() || self.signed_in_sessions().is_empty()
    }

    /// For an `identifier_already_signed_in` error, the signed-in session to switch to instead.
    pub fn switch_target_for<'e>(&self, err: &'e ClerkError) -> Option<&'e str> {
        if !err.is_code(codes::IDENTIFIER_ALREADY_SIGNED_IN) {
            return None;
        }
        let id = err.session_id_meta()?;
        self.client
            .as_ref()
            .filter(|c| is_signed_in(c, id))
            .map(|_| id)
    }

    /// Replaces the client (from a server response, storage or another tab), keeping this tab's active account
    /// unless it was signed out; then it falls back. `None` means the server has no client for our token.
    /// A stale snapshot of the same client (see [`is_stale`]) is ignored: nothing changes.
    pub fn apply_client(&mut self, client: Option<Client>) -> Change {
        let before = self.active.clone();
        if let (Some(current), Some(incoming)) = (&self.client, &client) {
            if is_stale(current, incoming) {
                return Change {
                    active_before: before.clone(),
                    active_after: before,
                    client_changed: false,
                    active_signed_out: false,
                };
            }
        }
        let client_changed = differ(client.as_ref(), self.client.as_deref());
        let still_in = |c: &Client| before.as_deref().is_some_and(|id| is_signed_in(c, id));
        let after = match &client {
            None => None,
            Some(_) if self.chose_none => None,
            Some(c) if still_in(c) => before.clone(),
            Some(c) => resolve_active(self.pending_choice.as_deref(), c),
        };
        self.pending_choice = None;
        let active_signed_out = before.is_some() && !client.as_ref().is_some_and(still_in);
        if client.is_none() {
            self.chose_none = false;
        }
        self.client = client.map(Rc::new);
        self.active = after.clone();
        Change {
            active_before: before,
            active_after: after,
            client_changed,
            active_signed_out,
        }
    }

    /// Makes `id` this tab's active account (`None`: no account). Rejects an id that is not a signed-in session of
    /// this client with `session_not_found`, changing nothing.
    pub fn switch_to(&mut self, id: Option<&str>) -> Result<Change, ClerkError> {
        let before = self.active.clone();
        match id {
            None => {
                self.chose_none = true;
                self.active = None;
            }
            Some(id) => {
                if !self.client.as_ref().is_some_and(|c| is_signed_in(c, id)) {
                    return Err(ClerkError::session_not_found(id));
                }
                self.chose_none = false;
                self.active = Some(id.to_string());
            }
        }
        self.pending_choice = None;
        Ok(Change {
            active_before: before,
            active_after: self.active.clone(),
            client_changed: false,
            active_signed_out: false,
        })
    }

    /// Signs one session out: drops it locally (its fallback rule applies if it was active), then applies the
    /// client the server answered with, if any. One [`Change`] covers both steps.
    pub fn sign_out_session(&mut self, id: &str, server_client: Option<Client>) -> Change {
        let dropped = self.drop_session(id);
        let applied = match server_client {
            Some(client) => self.apply_client(Some(client)),
            None => return dropped,
        };
        Change {
            active_before: dropped.active_before,
            active_after: applied.active_after,
            client_changed: dropped.client_changed || applied.client_changed,
            active_signed_out: dropped.active_signed_out || applied.active_signed_out,
        }
    }

    /// Drops a session the server says is gone (a touch or token answered 401/404) from the local client; if it was
    /// active, the most recently active remaining session takes over.
    pub fn drop_session(&mut self, id: &str) -> Change {
        let before = self.active.clone();
        let was_active = before.as_deref() == Some(id);
        let mut client_changed = false;
        if let Some(current) = &self.client {
            let mut client = Client::clone(current);
            let len = client.sessions.len();
            client.sessions.retain(|s| s.id != id);
            client_changed = client.sessions.len() != len;
            // With `id` gone, the most recently active signed-in session is the fallback both for the client's last
            // active session and for this tab.
            let fallback = fallback_after_removal(&client, id);
            if client.last_active_session_id.as_deref() == Some(id) {
                client.last_active_session_id = fallback.clone();
                client_changed = true;
            }
            if was_active {
                self.active = fallback;
            }
            if client_changed {
                self.client = Some(Rc::new(client));
            }
        } else if was_active {
            self.active = None;
        }
        Change {
            active_before: before,
            active_after: self.active.clone(),
            client_changed,
            active_signed_out: was_active,
        }
    }
}

#[cfg(test)]
#[path = "state_tests.rs"]
mod tests;
