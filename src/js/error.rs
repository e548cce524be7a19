//! The one place a `ClerkError` becomes a JS `Error` (ClerkJS's `ClerkAPIResponseError` shape), and the type guard.

use super::object::{array, get, object, string_or_null};
use crate::core::{ApiErrorItem, ClerkError};
use js_sys::Promise;
use wasm_bindgen::prelude::*;

/// `{ code, message, longMessage, meta: { paramName?, sessionId? } }`.
fn item_to_js(item: &ApiErrorItem) -> JsValue {
    let mut meta = Vec::new();
    if let Some(p) = &item.meta.param_name {
        meta.push(("paramName", JsValue::from_str(p)));
    }
    if let Some(s) = &item.meta.session_id {
        meta.push(("sessionId", JsValue::from_str(s)));
    }
    object(&[
        ("code", JsValue::from_str(&item.code)),
        ("message", JsValue::from_str(&item.message)),
        ("longMessage", string_or_null(item.long_message.as_deref())),
        ("meta", object(&meta)),
    ])
}

/// An `Error` whose message is the first item's long message, with `errors`, `status` (0 without an HTTP answer),
/// `clerkTraceId` and the `clerkError: true` marker ClerkJS puts on its API errors.
pub fn to_js(error: &ClerkError) -> JsValue {
    let first = error.errors.first();
    let message = first
        .and_then(|e| e.long_message.as_deref())
        .filter(|m| !m.is_empty())
        .unwrap_or(error.message());
    let js = js_sys::Error::new(message);
    js.set_name("ClerkAPIResponseError");
    let fields = [
        ("errors", array(error.errors.iter().map(item_to_js))),
        ("status", JsValue::from(error.status)),
        (
            "clerkTraceId",
            string_or_null(error.clerk_trace_id.as_deref()),
        ),
        ("clerkError", JsValue::TRUE),
    ];
    for (key, value) in fields {
        let _ = js_sys::Reflect::set(&js, &JsValue::from_str(key), &value);
    }
    js.into()
}

/// An already settled Promise for `result`.
pub fn settled<T: Into<JsValue>>(result: Result<T, ClerkError>) -> Promise {
    match result {
        Ok(value) => Promise::resolve(&value.into()),
        Err(e) => Promise::reject(&to_js(&e)),
    }
}

/// Whether `value` is an error the SDK rejected with (it carries `errors` and `status`).
#[wasm_bindgen(js_name = isClerkAPIResponseError)]
pub fn is_clerk_api_response_error(value: &JsValue) -> bool {
    get(value, "clerkError") == JsValue::TRUE && js_sys::Array::is_array(&get(value, "errors"))
}
