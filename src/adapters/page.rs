//! The host page: console messages and navigation.

use super::reflect;
use wasm_bindgen::{JsCast, JsValue};

/// Logs a warning on the console, prefixed so it is clearly the SDK's.
pub fn warn(message: &str) {
    warn_parts(&[message]);
}

/// [`warn`] of the concatenated `parts` (string building without `format!`, which costs the wasm binary the
/// formatting machinery).
pub fn warn_parts(parts: &[&str]) {
    let mut text = String::from("[clerk-wasm] ");
    for part in parts {
        text.push_str(part);
    }
    web_sys::console::warn_1(&JsValue::from_str(&text));
}

/// What a thrown JS value says, for warnings: an `Error`'s message, a string, or its JSON.
pub fn describe(value: &JsValue) -> String {
    value
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| value.as_string())
        .or_else(|| js_sys::JSON::stringify(value).ok()?.as_string())
        .unwrap_or_default()
}

/// Navigates the page to `url` (an `after…Url` option); a refused navigation is logged, not thrown.
pub fn navigate(url: &str) {
    // `window.location` through `Reflect` (one import fewer); a window always has one.
    let location =
        web_sys::window().and_then(|w| reflect::object::<web_sys::Location>(&w, "location"));
    let assigned = location.map(|l| l.assign(url));
    if !matches!(assigned, Some(Ok(()))) {
        warn_parts(&["could not navigate to ", url]);
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
