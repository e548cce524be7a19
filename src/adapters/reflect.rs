//! Reading DOM properties with `Reflect` rather than web-sys's typed getters: every distinct getter is one more
//! wasm import and JS shim in the build, while these few functions serve them all. A read that throws, or finds
//! `null`/`undefined` or a value of another kind, reads as `None`.

use js_sys::Reflect;
use wasm_bindgen::{JsCast, JsValue};

/// `target[key]`, when the read succeeds.
pub fn get(target: &JsValue, key: &str) -> Option<JsValue> {
    Reflect::get(target, &JsValue::from_str(key)).ok()
}

/// `target[key]` when it is an object (a node, a document, a window), as `T` (unchecked: `instanceof` fails for
/// another document's nodes, so callers name the property whose type the DOM guarantees).
pub fn object<T: JsCast>(target: &JsValue, key: &str) -> Option<T> {
    get(target, key)
        .filter(JsValue::is_object)
        .map(JsCast::unchecked_into)
}

/// `target[key] = value`; `false` when the write throws.
pub fn set(target: &JsValue, key: &str, value: &JsValue) -> bool {
    Reflect::set(target, &JsValue::from_str(key), value).is_ok()
}

/// `target[key]` when it is a string.
pub fn string(target: &JsValue, key: &str) -> Option<String> {
    get(target, key)?.as_string()
}

/// `target[key]` when it is a number.
pub fn number(target: &JsValue, key: &str) -> Option<f64> {
    get(target, key)?.as_f64()
}

/// `target[key]` when it is a boolean.
pub fn boolean(target: &JsValue, key: &str) -> Option<bool> {
    get(target, key)?.as_bool()
}
