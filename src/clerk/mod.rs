//! The controller: one `Clerk` instance's state and behaviour, built on the pure core (which decides who is active,
//! what a sign-out leaves, when a token is valid) and the browser adapters (fetch, storage, timers, storage events).
//!
//! State lives in `Rc<Inner>` behind `RefCell`s. A borrow is never held across an `.await` or while listeners run:
//! every mutation goes through [`Controller::update`] (a short borrow) and then [`Controller::commit`]
//! (persist once per storage area, then emit once with no borrow held), so a listener may call back into the SDK.

mod attempts;
mod cross_tab;
mod futures;
mod listeners;
mod load;
mod persist;
mod sessions;
mod tokens;
mod transport;
mod ui_support;

use crate::adapters::cross_tab::StorageEvents;
use crate::adapters::http::DEFAULT_TIMEOUT_MS;
use crate::adapters::json::{client_as_held, Kept};
use crate::core::state::answer_is_current;
use crate::core::wire::{Client, Session};
use crate::core::{Change, ClerkError, FrontendApi, Mode, SessionState, Status, TokenCache};
use listeners::Listeners;
use persist::Persistence;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsValue;

pub use attempts::{FactorParams, SignInCall, SignInParams, SignUpCall, SignUpParams};
pub use futures::Shared;
pub use listeners::ListenerId;
pub use sessions::{SignOutKind, SignOutTarget};

/// Where to navigate after sign-outs (the `after…Url` options); `None`: stay on the page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Redirects {
    /// `afterSignOutUrl`: after the tab's last account was signed out.
    pub after_sign_out: Option<String>,
    /// `afterMultiSessionSingleSignOutUrl`: after the tab's account was signed out while others remain.
    pub after_multi_session_single_sign_out: Option<String>,
}

/// The shared answer of one in-flight token request (`Ok(None)`: the session is signed out).
type TokenResult = Result<Option<String>, ClerkError>;

/// Where a committed change came from, which decides what [`Controller::commit`] persists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    /// An answer of the server (or what one implies, such as a session it no longer knows): the client is stored.
    Server,
    /// Another tab's write to storage: nothing but this tab's own choice is written back.
    OtherTab,
    /// This tab's choice of an account (a switch): the choice is stored even when the active id stays the same
    /// (choosing no account twice).
    Tab,
    /// The state restored from storage by `load()`: the choice (possibly resolved to another account) is stored,
    /// and listeners hear of it even when nothing differs from the empty state.
    Restore,
}

/// Mutable state of one instance.
struct Model {
    /// The client snapshot, this tab's active account and the mode (all rules in the core).
    sessions: SessionState,
    /// The JSON value the client in `sessions` was read from (an answer, or a snapshot), which the client snapshot
    /// stores (see `json::client_as_held`). Replaced together with the client; a session dropped locally keeps it.
    client_json: Option<JsValue>,
    /// `Clerk.status`.
    status: Status,
    /// `Clerk.loaded`: `load()` has resolved.
    loaded: bool,
    /// The outcome of the first `load()`, shared with later calls.
    load: Option<Rc<Shared<Result<(), ClerkError>>>>,
    /// The client token sent in `Authorization`.
    client_token: Option<String>,
    /// Session JWTs by session id.
    tokens: TokenCache,
}

/// Everything one instance owns.
struct Inner {
    /// The frontend API this instance talks to.
    api: FrontendApi,
    /// `<origin>/v1`.
    base_url: String,
    /// Request timeout.
    timeout_ms: u64,
    /// localStorage and sessionStorage under this host's keys.
    persist: Persistence,
    /// The mutable state.
    model: RefCell<Model>,
    /// `addListener` callbacks.
    listeners: Listeners<Controller>,
    /// In-flight token requests by session id, shared by concurrent `getToken` calls (a few at most: a list).
    token_requests: RefCell<Vec<(String, Rc<Shared<TokenResult>>)>>,
    /// Sign-out navigation targets.
    redirects: RefCell<Redirects>,
    /// The `storage` listener (removed when the instance is dropped).
    storage_events: RefCell<Option<StorageEvents>>,
}

/// A handle to one instance (cheap to clone; clones share the instance).
#[derive(Clone)]
pub struct Controller {
    /// The shared instance.
    inner: Rc<Inner>,
}

impl Model {
    /// Applies a client from the server or another tab (`None`: there is none) by the core's rules.
    fn apply_client(&mut self, client: Option<Kept<Client>>) -> Change {
        self.take_client(client, SessionState::apply_client)
    }

    /// Signs session `id` out by the core's rules, then applies the client the server answered with, if any.
    fn sign_out_session(&mut self, id: &str, client: Option<Kept<Client>>) -> Change {
        self.take_client(client, |sessions, client| {
            sessions.sign_out_session(id, client)
        })
    }

    /// Runs `apply` (a core rule given `client`) and keeps the client's JSON value when the state now holds that
    /// client (the rules may keep ours: an older snapshot of it, or no client given).
    fn take_client(
        &mut self,
        client: Option<Kept<Client>>,
        apply: impl FnOnce(&mut SessionState, Option<Client>) -> Change,
    ) -> Change {
        let (client, json) = client.map(|c| (c.value, c.json)).unzip();
        let given = client.clone();
        let change = apply(&mut self.sessions, client);
        if self.sessions.client() == given.as_ref() {
            self.client_json = json;
        }
        change
    }
}

impl Controller {
    /// A new, not yet loaded instance for `api`, listening to other tabs' storage changes.
    pub fn new(api: FrontendApi) -> Self {
        let inner = Rc::new(Inner {
            base_url: api.base_url(),
            persist: Persistence::open(&api.host),
            api,
            timeout_ms: DEFAULT_TIMEOUT_MS,
            model: RefCell::new(Model {
                sessions: SessionState::new(Mode::Multi),
                client_json: None,
                status: Status::Loading,
                loaded: false,
                load: None,
                client_token: None,
                tokens: TokenCache::new(),
            }),
            listeners: Listeners::default(),
            token_requests: RefCell::new(Vec::new()),
            redirects: RefCell::new(Redirects::default()),
            storage_events: RefCell::new(None),
        });
        let controller = Controller { inner };
        controller.listen_to_other_tabs();
        controller
    }

    /// Reads the state (a short borrow: never call JS or await inside `f`).
    fn read<R>(&self, f: impl FnOnce(&Model) -> R) -> R {
        f(&self.inner.model.borrow())
    }

    /// Changes the state (a short borrow: never call JS or await inside `f`).
    fn update<R>(&self, f: impl FnOnce(&mut Model) -> R) -> R {
        f(&mut self.inner.model.borrow_mut())
    }

    /// The one way a change reaches storage and listeners: drops tokens of signed-out sessions, persists what
    /// `source` calls for (each storage area at most once, the stored token read at most once) and tells the
    /// listeners once.
    fn commit(&self, change: &Change, source: Source) {
        if change.client_changed {
            self.update(|m| {
                let sessions = &m.sessions;
                m.tokens
                    .retain_sessions(|id| sessions.is_session_signed_in(id));
            });
        }
        // A client that came from storage is there already; this tab's choice is stored whenever it may differ.
        let write_client = change.client_changed && source == Source::Server;
        let write_choice =
            change.active_changed() || matches!(source, Source::Tab | Source::Restore);
        if write_client || write_choice {
            self.read(|m| {
                let persist = &self.inner.persist;
                // Every client comes with its JSON value; were one missing, the snapshot would be removed rather
                // than written from anything but what the server sent.
                let client = write_client.then(|| {
                    m.sessions
                        .client()
                        .zip(m.client_json.as_ref())
                        .map(|(client, json)| client_as_held(json, client))
                });
                let choice = write_choice.then(|| m.sessions.tab_choice());
                persist.save_state(
                    client.as_ref().map(Option::as_ref),
                    choice,
                    m.client_token.as_deref(),
                )
            });
        }
        if change.needs_emit() || source == Source::Restore {
            self.inner.listeners.emit(self);
        }
    }

    /// Applies a client from the server (`None`: the server has no client for our token), which it answered for the
    /// client token `answered_for`; an answer about a client this instance no longer holds changes nothing.
    fn apply_server_client(&self, client: Option<Kept<Client>>, answered_for: Option<&str>) {
        let change = self.update(|m| {
            answer_is_current(answered_for, m.client_token.as_deref())
                .then(|| m.apply_client(client))
        });
        if let Some(change) = change {
            self.commit(&change, Source::Server);
        }
    }

    /// The frontend API this instance talks to.
    pub fn api(&self) -> &FrontendApi {
        &self.inner.api
    }

    /// `Clerk.status`.
    pub fn status(&self) -> Status {
        self.read(|m| m.status)
    }

    /// `Clerk.loaded`.
    pub fn loaded(&self) -> bool {
        self.read(|m| m.loaded)
    }

    /// The client snapshot, if one is known.
    pub fn client(&self) -> Option<Rc<Client>> {
        self.read(|m| m.sessions.shared_client())
    }

    /// This tab's active session.
    pub fn active_session(&self) -> Option<Rc<Session>> {
        self.read(|m| m.sessions.active_session().cloned())
    }

    /// The client's signed-in sessions, most recently active first.
    pub fn signed_in_sessions(&self) -> Vec<Rc<Session>> {
        self.read(|m| {
            m.sessions
                .signed_in_sessions()
                .into_iter()
                .cloned()
                .collect()
        })
    }

    /// Sets the sign-out navigation targets.
    pub fn set_redirects(&self, redirects: Redirects) {
        *self.inner.redirects.borrow_mut() = redirects;
    }

    /// Registers a listener and calls it at once; it runs again after every observable change. It is handed the
    /// instance rather than capturing it (a captured handle would keep the instance alive forever).
    pub fn add_listener(&self, listener: impl Fn(&Controller) + 'static) -> ListenerId {
        let listener: Rc<dyn Fn(&Controller)> = Rc::new(listener);
        let id = self.inner.listeners.add(listener.clone());
        listener(self);
        id
    }

    /// Unregisters a listener (no-op when already gone).
    pub fn remove_listener(&self, id: ListenerId) {
        self.inner.listeners.remove(id);
    }
}
