//! The host page: console messages and navigation.

use wasm_bindgen::JsValue;

/// Logs a warning on the console, prefixed so it is clearly the SDK's.
pub fn warn(message: &str) {
    web_sys::console::warn_1(&JsValue::from_str(&format!("[clerk-wasm] {message}")));
}

/// Navigates the page to `url` (an `after…Url` option); a refused navigation is logged, not thrown.
pub fn navigate(url: &str) {
    let assigned = web_sys::window().map(|w| w.location().assign(url));
    if !matches!(assigned, Some(Ok(()))) {
        warn(&format!("could not navigate to {url}"));
    }
}

/// Debug builds log panics with `console.error` (otherwise a wasm panic only reads "unreachable executed").
#[cfg(debug_assertions)]
pub fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            web_sys::console::error_1(&JsValue::from_str(&format!("[clerk-wasm] panic: {info}")));
        }));
    });
}
