//! Reading and writing this instance's storage keys (layout and decoding rules are the core's `storage` module):
//! unusable values are logged and skipped, snapshots from an older shape are written back upgraded.

use crate::adapters::page;
use crate::adapters::storage::{Area, BrowserStore};
use crate::adapters::timer::now_ms;
use crate::core::storage::{
    self, encode_snapshot, encode_tab_choice, Decoded, KeyValueStore, Loaded, StorageIssue,
    StorageKeys,
};
use crate::core::wire::{Client, Environment};
use crate::core::TabChoice;
use serde::Serialize;

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

    /// The stored client snapshot.
    pub fn client(&self) -> Option<Client> {
        self.snapshot(&self.keys.client, "client")
    }

    /// The stored environment snapshot.
    pub fn environment(&self) -> Option<Environment> {
        self.snapshot(&self.keys.environment, "environment")
    }

    /// This tab's stored choice.
    pub fn tab_choice(&self) -> Option<TabChoice> {
        usable(
            storage::load_tab_choice(&self.tab, &self.keys.active_session),
            "active session",
        )
    }

    /// A stored snapshot; one written in an older shape is saved back in the current one.
    fn snapshot<T>(&self, key: &str, what: &str) -> Option<T>
    where
        T: serde::de::DeserializeOwned + Serialize,
    {
        let Decoded {
            snapshot,
            upgraded_from,
        } = usable(storage::load_snapshot(&self.local, key), what)?;
        if upgraded_from.is_some() {
            self.save_snapshot(key, Some(&snapshot.data), what);
        }
        Some(snapshot.data)
    }

    /// Stores the client token.
    pub fn save_client_token(&self, token: &str) {
        let _ = self.local.set(&self.keys.client_token, token);
    }

    /// Stores the client snapshot (`None`: removes it).
    pub fn save_client(&self, client: Option<&Client>) {
        self.save_snapshot(&self.keys.client, client, "client");
    }

    /// Stores the environment snapshot.
    pub fn save_environment(&self, environment: &Environment) {
        self.save_snapshot(&self.keys.environment, Some(environment), "environment");
    }

    /// Stores this tab's choice (`None`: removes it).
    pub fn save_tab_choice(&self, choice: Option<TabChoice>) {
        let key = &self.keys.active_session;
        let _ = match choice {
            Some(choice) => self.tab.set(key, &encode_tab_choice(&choice)),
            None => self.tab.remove(key),
        };
    }

    /// Stores a snapshot, or removes the key when there is none or it is too large to store.
    fn save_snapshot<T: Serialize>(&self, key: &str, data: Option<&T>, what: &str) {
        let encoded = data.map(|d| encode_snapshot(d, now_ms()));
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
