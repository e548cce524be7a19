//! localStorage / sessionStorage (through gloo-storage) behind the core's `KeyValueStore`, with a memory fallback:
//! storage that is missing, throws (private mode, sandboxed iframes) or is full keeps working for this page's
//! lifetime, and the problem is logged once per store.
//!
//! Values are strings: snapshots are JSON text the browser wrote (`adapters::json`). gloo-storage's typed `get`/`set`
//! go through serde_json, which would put a second JSON implementation into the build, so only its raw access is used.

use super::{page, reflect};
use crate::core::storage::{KeyValueStore, StorageError};
use gloo_storage::{LocalStorage, SessionStorage, Storage};
use std::cell::{Cell, RefCell};

/// Which browser storage a store uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// `window.localStorage`: shared by the origin's tabs, survives restarts.
    Local,
    /// `window.sessionStorage`: this tab only, survives reloads.
    Session,
}

impl Area {
    /// The JavaScript name: the `window` property, and what log messages call it.
    fn name(self) -> &'static str {
        match self {
            Area::Local => "localStorage",
            Area::Session => "sessionStorage",
        }
    }
}

/// A browser storage area with a memory overlay for the keys the browser refused.
pub struct BrowserStore {
    /// Which area this is.
    area: Area,
    /// The browser's storage, `None` when the page has none or access throws.
    storage: Option<web_sys::Storage>,
    /// Values (or removals, as `None`) the browser refused; they win over the browser's values (a handful of
    /// keys at most: a list).
    overlay: RefCell<Vec<(String, Option<String>)>>,
    /// Whether the fallback was already logged.
    warned: Cell<bool>,
}

impl BrowserStore {
    /// Opens `area`; a missing or throwing storage means memory only (logged on first use).
    pub fn open(area: Area) -> Self {
        // gloo-storage's `raw()` throws when the page has no usable storage, and a throw out of wasm is as fatal as a
        // panic: the window property is read first with `Reflect`, where a throwing getter (storage disabled,
        // sandboxed iframe) or a missing storage reads as `None`, and gloo-storage is used only when it is there.
        let available = web_sys::window()
            .and_then(|w| reflect::object::<web_sys::Storage>(&w, area.name()))
            .is_some();
        let storage = available.then(|| match area {
            Area::Local => LocalStorage::raw(),
            Area::Session => SessionStorage::raw(),
        });
        BrowserStore {
            area,
            storage,
            overlay: RefCell::new(Vec::new()),
            warned: Cell::new(false),
        }
    }

    /// Logs the first fallback to memory.
    fn fall_back(&self, why: &str) {
        if !self.warned.replace(true) {
            page::warn_parts(&[
                self.area.name(),
                " ",
                why,
                "; keeping the SDK's data in memory for this page",
            ]);
        }
    }

    /// Records what the browser refused for `key` (`None`: a removal), or forgets it once the browser took it.
    fn remember(&self, key: &str, refused: Option<Option<&str>>) {
        let mut overlay = self.overlay.borrow_mut();
        overlay.retain(|(k, _)| k != key);
        if let Some(value) = refused {
            overlay.push((key.to_string(), value.map(str::to_string)));
        }
    }
}

impl KeyValueStore for BrowserStore {
    fn get(&self, key: &str) -> Result<Option<String>, StorageError> {
        if let Some((_, value)) = self.overlay.borrow().iter().find(|(k, _)| k == key) {
            return Ok(value.clone());
        }
        let Some(storage) = &self.storage else {
            self.fall_back("is not available");
            return Ok(None);
        };
        storage.get_item(key).or_else(|_| {
            self.fall_back("refused a read");
            Ok(None)
        })
    }

    fn set(&self, key: &str, value: &str) -> Result<(), StorageError> {
        let stored = self
            .storage
            .as_ref()
            .is_some_and(|s| s.set_item(key, value).is_ok());
        self.remember(key, (!stored).then_some(Some(value)));
        if !stored {
            self.fall_back("refused a write (missing, disabled or full)");
        }
        Ok(())
    }

    fn remove(&self, key: &str) -> Result<(), StorageError> {
        let removed = self
            .storage
            .as_ref()
            .is_some_and(|s| s.remove_item(key).is_ok());
        self.remember(key, (!removed).then_some(None));
        if !removed {
            self.fall_back("refused a removal");
        }
        Ok(())
    }
}
