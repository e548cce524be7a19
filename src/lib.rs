//! clerk-wasm: a multi-session browser authentication SDK compiled to WebAssembly.
//!
//! `core` is pure Rust (no web-sys) and unit-tested natively; `adapters` wrap the browser APIs, the controller
//! (`clerk`) builds the instance's behaviour on both, and `js` is the JavaScript API, re-exported here.
#![deny(missing_docs)]

pub mod adapters;
mod clerk;
pub mod core;
mod js;
pub mod ui;

pub use js::{is_clerk_api_response_error, Clerk, Client, Session, SignIn, SignUp, User};

/// The allocator of the wasm build: talc, ~7 KB smaller in the binary than Rust's default dlmalloc. It grows the
/// wasm memory as needed, like dlmalloc.
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
