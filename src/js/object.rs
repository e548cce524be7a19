//! Building and reading plain JS objects without panicking on whatever the page passes in.

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::JsValue;

/// A plain object with these properties.
pub fn object(fields: &[(&str, JsValue)]) -> JsValue {
    let obj = Object::new();
    for (key, value) in fields {
        let _ = Reflect::set(&obj, &JsValue::from_str(key), value);
    }
    obj.into()
}

/// `value[key]`, or `undefined` when `value` is not an object or the read throws.
pub fn get(value: &JsValue, key: &str) -> JsValue {
    if !value.is_object() && !value.is_function() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(value, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// `value[key]` when it is a string.
pub fn get_string(value: &JsValue, key: &str) -> Option<String> {
    get(value, key).as_string()
}

/// A string, or `null`.
pub fn string_or_null(value: Option<&str>) -> JsValue {
    value.map_or(JsValue::NULL, JsValue::from_str)
}

/// A `Date` for Unix milliseconds.
pub fn date(ms: u64) -> JsValue {
    // Unix milliseconds fit an f64 exactly for the next 285,000 years.
    js_sys::Date::new(&JsValue::from_f64(ms as f64)).into()
}

/// An array of the values.
pub fn array<T: Into<JsValue>>(values: impl IntoIterator<Item = T>) -> JsValue {
    values.into_iter().map(Into::into).collect::<Array>().into()
}
