//! Reading and writing this instance's storage keys (layout and decoding rules are the core's `storage` module):
//! unusable values are logged and skipped, snapshots from an older shape are written back upgraded. The client's
//! state (its snapshot, this tab's account) is read and written only for the client token this instance holds, so
//! two instances on one page, or a page whose storage was cleared under a live instance, never mix two clients.

use crate::adapters::json::{BrowserJson, Kept, Stored};
use crate::adapters::page;
use crate::adapters::storage::{Area, BrowserStore};
use crate::adapters::timer::now_ms;
use crate::core::storage::{
    self, encode_client_snapshot, encode_snapshot, encode_tab_choice, may_write_client_state,
    Decoded, KeyValueStore, Loaded, StorageIssue, StorageKeys,
};
use crate::core::wire::{Client, Environment};
use crate::core::TabChoice;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;

/// localStorage and sessionStorage, with this frontend API host's keys.
pub struct Persistence {
    /// The keys.
    pub keys: StorageKeys,
    /// localStorage (client token, client and environment snapshots).
    local: BrowserStore,
    /// sessionStorage (this tab's active account).
    tab: BrowserStore,
}

/// Why a stored value is unusable, for the log.
fn describe(issue: &StorageIssue) -> String {
    match issue {
        StorageIssue::Oversized { bytes } => format!("too large ({bytes} bytes)"),
        StorageIssue::Corrupt(why) => format!("unreadable ({why})"),
        StorageIssue::ForeignVersion(version) => {
            format!("written in another format (version {version})")
        }
        StorageIssue::OtherClient => "of another client".to_string(),
    }
}

/// The value of a load, logging why a stored value was ignored (it has been removed, so this happens once).
fn usable<T>(loaded: Loaded<T>, what: &str) -> Option<T> {
    match loaded {
        Loaded::Found(value) => Some(value),
        Loaded::Missing => None,
        Loaded::Ignored(issue) => {
            page::warn(&format!("ignored the stored {what}: {}", describe(&issue)));
            None
        }
        Loaded::Failed(_) => {
            page::warn(&format!("could not read the stored {what}"));
            None
        }
    }
}

impl Persistence {
    /// Opens both storage areas for `host`.
    pub fn open(host: &str) -> Self {
        Persistence {
            keys: StorageKeys::for_host(host),
            local: BrowserStore::open(Area::Local),
            tab: BrowserStore::open(Area::Session),
        }
    }

    /// The stored client token.
    pub fn client_token(&self) -> Option<String> {
        usable(
            storage::load_client_token(&self.local, &self.keys.client_token),
            "client token",
        )
    }

    /// The stored client snapshot, if it is the client of `client_token` (the token this instance holds).
    pub fn client(&self, client_token: Option<&str>) -> Option<Kept<Client>> {
        let loaded = storage::load_client_snapshot::<_, _, Kept<Client>>(
            &BrowserJson,
            &self.local,
            &self.keys.client,
            client_token,
        );
        let Decoded {
            snapshot,
            upgraded_from,
        } = usable(loaded, "client")?;
        if upgraded_from.is_some() {
            self.write_client(Some(&snapshot.data.json), client_token);
        }
        Some(snapshot.data)
    }

    /// The stored environment snapshot.
    pub fn environment(&self) -> Option<Environment> {
        self.snapshot::<Environment>(&self.keys.environment, "environment")
            .map(|kept| kept.value)
    }

    /// This tab's stored choice.
    pub fn tab_choice(&self) -> Option<TabChoice> {
        usable(
            storage::load_tab_choice(&self.tab, &self.keys.active_session),
            "active session",
        )
    }

    /// A stored snapshot; one written in an older shape is saved back in the current one.
    fn snapshot<T: DeserializeOwned>(&self, key: &str, what: &str) -> Option<Kept<T>> {
        let Decoded {
            snapshot,
            upgraded_from,
        } = usable(
            storage::load_snapshot::<_, _, Kept<T>>(&BrowserJson, &self.local, key),
            what,
        )?;
        if upgraded_from.is_some() {
            let encoded = encode_snapshot(&BrowserJson, &Stored(&snapshot.data.json), now_ms());
            self.store_encoded(key, Some(encoded), what);
        }
        Some(snapshot.data)
    }

    /// Stores the client token.
    pub fn save_client_token(&self, token: &str) {
        let _ = self.local.set(&self.keys.client_token, token);
    }

    /// Stores the client's state for an instance holding `own_token`, in one pass: `client`, the client's JSON value
    /// (`Some(None)`: remove the snapshot), in localStorage and this tab's `choice` (`Some(None)`: remove it) in
    /// sessionStorage; `None` leaves that area alone. Nothing is written unless `own_token` is the stored token, which is read once here:
    /// the `storage` event that would tell us of a change never fires in the document that made it, so another
    /// instance on this page, or a page script clearing storage, is seen only by reading.
    pub fn save_state(
        &self,
        client: Option<Option<&JsValue>>,
        choice: Option<Option<TabChoice>>,
        own_token: Option<&str>,
    ) {
        if !may_write_client_state(self.client_token().as_deref(), own_token) {
            return;
        }
        if let Some(client) = client {
            self.write_client(client, own_token);
        }
        if let Some(choice) = choice {
            let key = &self.keys.active_session;
            let _ = match choice {
                Some(choice) => self.tab.set(key, &encode_tab_choice(&choice)),
                None => self.tab.remove(key),
            };
        }
    }

    /// Writes the client snapshot (the client's JSON value) for `client_token` (`None`: removes it).
    fn write_client(&self, client: Option<&JsValue>, client_token: Option<&str>) {
        let encoded = client
            .map(|c| encode_client_snapshot(&BrowserJson, &Stored(c), client_token, now_ms()));
        self.store_encoded(&self.keys.client, encoded, "client");
    }

    /// Stores the environment snapshot (the environment's JSON value, as the server sent it).
    pub fn save_environment(&self, environment: &JsValue) {
        let encoded = encode_snapshot(&BrowserJson, &Stored(environment), now_ms());
        self.store_encoded(&self.keys.environment, Some(encoded), "environment");
    }

    /// Stores an encoded snapshot, or removes the key when there is none or it was too large to encode.
    fn store_encoded(&self, key: &str, encoded: Option<Result<String, StorageIssue>>, what: &str) {
        let _ = match encoded {
            Some(Ok(json)) => self.local.set(key, &json),
            Some(Err(issue)) => {
                page::warn(&format!("did not store the {what}: {}", describe(&issue)));
                self.local.remove(key)
            }
            None => self.local.remove(key),
        };
    }
}
