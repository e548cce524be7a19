//! Other tabs' changes: the `storage` event, which the browser fires in every *other* tab of the origin when one
//! writes localStorage. Every change worth sharing (client token, client snapshot, environment) is written to
//! localStorage, so this one event carries sign-ins, sign-outs and session-list changes across tabs at once.

use super::reflect;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// One storage change: the key (`None` when the whole storage was cleared) and its new value (`None`: removed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageChange {
    /// The key that changed.
    pub key: Option<String>,
    /// Its new value.
    pub new_value: Option<String>,
}

/// A registered `storage` listener; dropping it removes the listener.
pub struct StorageEvents {
    /// Where the listener is registered.
    window: web_sys::Window,
    /// The listener.
    callback: Closure<dyn FnMut(web_sys::Event)>,
}

impl StorageEvents {
    /// Calls `on_change` for every `storage` event on this window; `None` when there is no window.
    pub fn listen(on_change: impl Fn(StorageChange) + 'static) -> Option<Self> {
        let window = web_sys::window()?;
        // The event's fields are read with `Reflect` and the listener goes through the `(type, callback, capture)`
        // form the components use too: each distinct web-sys method would be one more import in the build.
        // (The closure takes a plain `Event`, as the components' listeners do, so they share one closure shim.)
        let callback = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
            on_change(StorageChange {
                // Strings, or `null` for a cleared storage's key or a removed value.
                key: reflect::string(&event, "key"),
                new_value: reflect::string(&event, "newValue"),
            })
        });
        window
            .add_event_listener_with_callback_and_bool(
                "storage",
                callback.as_ref().unchecked_ref(),
                false,
            )
            .ok()?;
        Some(StorageEvents { window, callback })
    }
}

impl Drop for StorageEvents {
    fn drop(&mut self) {
        let _ = self.window.remove_event_listener_with_callback_and_bool(
            "storage",
            self.callback.as_ref().unchecked_ref(),
            false,
        );
    }
}
