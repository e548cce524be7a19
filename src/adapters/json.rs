//! The browser's JSON: text to values with `JSON.parse`/`JSON.stringify`, values to the core's types with
//! serde-wasm-bindgen. Rust never parses or writes JSON text in the wasm build.
//!
//! What the SDK stores is what the server sent: a client or environment keeps the JSON value it was read from
//! ([`Kept`]), and a snapshot is that value, stringified by the browser, rather than a re-encoding of the typed one.

use super::reflect;
use crate::core::storage::JsonText;
use crate::core::wire::{invalid_payload, invalid_token, parse_jwt_claims, Client, JwtClaims};
use crate::core::ClerkError;
use js_sys::{Array, Object, JSON};
use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use wasm_bindgen::{JsCast, JsValue};

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

/// A value as the browser parsed it (an answer's resource, a stored snapshot's data) with its typed reading.
#[derive(Debug, Clone)]
pub struct Kept<T> {
    /// The typed reading.
    pub value: T,
    /// The JSON value it was read from.
    pub json: JsValue,
}

impl<T> Kept<T> {
    /// `value` read from `json`.
    pub fn new(value: T, json: JsValue) -> Self {
        Kept { value, json }
    }
}

/// Reads a value of serde-wasm-bindgen's deserializer: the JSON value itself, then its typed reading. (Other
/// deserializers, which the wasm build does not use, are refused.)
impl<'de, T: DeserializeOwned> Deserialize<'de> for Kept<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let json: JsValue = serde_wasm_bindgen::preserve::deserialize(deserializer)?;
        let value = serde_wasm_bindgen::from_value(json.clone())
            .map_err(|_| D::Error::custom("the value does not have the expected shape"))?;
        Ok(Kept { value, json })
    }
}

/// A JSON value to store as it is (serde-wasm-bindgen's serializer passes it through unchanged).
pub struct Stored<'a>(pub &'a JsValue);

impl Serialize for Stored<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serde_wasm_bindgen::preserve::serialize(self.0, serializer)
    }
}

/// The JSON value of the client the SDK holds: `json`, the client as the server sent it, without the sessions the SDK
/// has dropped since (the server answered that it no longer knows them; see `SessionState::drop_session`) and with
/// `client`'s `last_active_session_id`, which such a drop may have moved. For a client just read from `json`, that is
/// `json` itself.
pub fn client_as_held(json: &JsValue, client: &Client) -> JsValue {
    let held = Object::assign(&Object::new(), json.unchecked_ref());
    if let Some(sessions) = reflect::get(json, "sessions").and_then(|s| s.dyn_into::<Array>().ok())
    {
        let kept = sessions.filter(&mut |session, _, _| {
            reflect::string(&session, "id").is_some_and(|id| client.session(&id).is_some())
        });
        reflect::set(&held, "sessions", &kept);
    }
    let last_active = client.last_active_session_id.as_deref();
    reflect::set(
        &held,
        "last_active_session_id",
        &last_active.map_or(JsValue::NULL, JsValue::from_str),
    );
    held.into()
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
