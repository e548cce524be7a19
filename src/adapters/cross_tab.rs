//! Other tabs' changes: the `storage` event, which the browser fires in every *other* tab of the origin when one
//! writes localStorage. Every change worth sharing (client token, client snapshot, environment) is written to
//! localStorage, so this one event carries sign-ins, sign-outs and session-list changes across tabs at once.

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
    callback: Closure<dyn FnMut(web_sys::StorageEvent)>,
}

impl StorageEvents {
    /// Calls `on_change` for every `storage` event on this window; `None` when there is no window.
    pub fn listen(on_change: impl Fn(StorageChange) + 'static) -> Option<Self> {
        let window = web_sys::window()?;
        let callback = Closure::<dyn FnMut(web_sys::StorageEvent)>::new(
            move |event: web_sys::StorageEvent| {
                on_change(StorageChange {
                    key: event.key(),
                    new_value: event.new_value(),
                })
            },
        );
        window
            .add_event_listener_with_callback("storage", callback.as_ref().unchecked_ref())
            .ok()?;
        Some(StorageEvents { window, callback })
    }
}

impl Drop for StorageEvents {
    fn drop(&mut self) {
        let _ = self
            .window
            .remove_event_listener_with_callback("storage", self.callback.as_ref().unchecked_ref());
    }
}
