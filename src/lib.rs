//! clerk-wasm: a multi-session browser authentication SDK compiled to WebAssembly.
//!
//! `core` is pure Rust (no web-sys) and unit-tested natively; the browser adapters and the JS API build on it.
#![deny(missing_docs)]

pub mod core;

use wasm_bindgen::prelude::*;

/// The SDK version, as exposed to JavaScript (`Clerk.version`).
#[wasm_bindgen(js_name = sdkVersion)]
pub fn sdk_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
