//! Time: the wall clock, an awaitable sleep and a timer that is cleared when dropped (`setTimeout`).

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// The current time in Unix milliseconds (`Date.now()`).
pub fn now_ms() -> u64 {
    // `as` saturates (and maps NaN to 0): no panic whatever the clock says.
    js_sys::Date::now() as u64
}

/// `setTimeout` takes an `i32` delay; longer waits are clamped.
fn delay_arg(ms: u64) -> i32 {
    i32::try_from(ms).unwrap_or(i32::MAX)
}

/// Resolves after `ms` milliseconds (at once when there is no window).
pub async fn sleep(ms: u64) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let scheduled =
            window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, delay_arg(ms));
        if scheduled.is_err() {
            // Resolve at once rather than hang forever.
            let _ = resolve.call0(&wasm_bindgen::JsValue::UNDEFINED);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// A one-shot timer that runs a callback after a delay unless it is dropped first (then it is cleared).
pub struct Timer {
    /// The `setTimeout` handle, when scheduling worked.
    handle: Option<i32>,
    /// Keeps the callback alive while the timer may still fire.
    _callback: Closure<dyn FnMut()>,
}

impl Timer {
    /// Runs `callback` after `ms` milliseconds.
    pub fn once(ms: u64, callback: impl FnMut() + 'static) -> Self {
        let callback = Closure::<dyn FnMut()>::new(callback);
        let handle = web_sys::window().and_then(|w| {
            w.set_timeout_with_callback_and_timeout_and_arguments_0(
                callback.as_ref().unchecked_ref(),
                delay_arg(ms),
            )
            .ok()
        });
        Timer {
            handle,
            _callback: callback,
        }
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        if let (Some(handle), Some(window)) = (self.handle, web_sys::window()) {
            window.clear_timeout_with_handle(handle);
        }
    }
}
