//! The browser's JSON: text to values with `JSON.parse`/`JSON.stringify`, values to the core's types and back with
//! serde-wasm-bindgen. Rust never parses or writes JSON text in the wasm build.

use crate::core::storage::JsonText;
use crate::core::wire::{invalid_payload, invalid_token, parse_jwt_claims, JwtClaims};
use crate::core::ClerkError;
use js_sys::JSON;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// [`JsonText`] by the browser, for storage snapshots.
pub struct BrowserJson;

impl JsonText for BrowserJson {
    fn parse<T: DeserializeOwned>(&self, text: &str) -> Option<T> {
        let value = JSON::parse(text).ok()?;
        serde_wasm_bindgen::from_value(value).ok()
    }

    fn stringify<T: Serialize>(&self, value: &T) -> Option<String> {
        let value = serde_wasm_bindgen::to_value(value).ok()?;
        JSON::stringify(&value).ok()?.as_string()
    }
}

/// Reads the claims of a JWT payload (base64url JSON) with the browser's `atob` and `JSON.parse`: the platform half
/// of `core::token_cache::decode_claims`.
pub fn jwt_payload(payload: &str) -> Result<JwtClaims, ClerkError> {
    let not_base64 = || invalid_token("the payload is not base64url");
    // `atob` reads the standard alphabet with padding; a JWT uses the URL-safe one without.
    let mut base64: String = payload
        .chars()
        .map(|c| match c {
            '-' => '+',
            '_' => '/',
            c => c,
        })
        .collect();
    if base64.len() % 4 == 1 {
        return Err(not_base64());
    }
    while !base64.len().is_multiple_of(4) {
        base64.push('=');
    }
    let window = web_sys::window().ok_or_else(not_base64)?;
    let text = window.atob(&base64).map_err(|_| not_base64())?;
    let value = JSON::parse(&text).map_err(|_| invalid_payload("not JSON"))?;
    parse_jwt_claims(serde_wasm_bindgen::Deserializer::from(value))
}
