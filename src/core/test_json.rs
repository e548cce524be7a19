//! Native tests' stand-in for the browser's JSON: `serde_json` (a dev-dependency, never in the wasm build).

use super::storage::JsonText;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// [`JsonText`] by serde_json.
pub struct TestJson;

impl JsonText for TestJson {
    fn parse<T: DeserializeOwned>(&self, text: &str) -> Option<T> {
        from_json(text).ok()
    }

    fn stringify<T: Serialize>(&self, value: &T) -> Option<String> {
        serde_json::to_string(value).ok()
    }
}

/// `text` parsed as JSON (`None` when it is not JSON), the way the browser hands an answer's body to the parsers.
pub fn value(text: &str) -> Option<serde_json::Value> {
    serde_json::from_str(text).ok()
}

/// `text` read as a `T` the browser's way: parsed into a value first (a repeated key: the last one counts, as with
/// `JSON.parse`), then mapped.
pub fn from_json<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    T::deserialize(value).map_err(|e| e.to_string())
}

/// `value` as JSON text.
pub fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}
