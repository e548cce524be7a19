//! clerk-wasm: a multi-session browser authentication SDK compiled to WebAssembly.
//!
//! `core` is pure Rust (no web-sys) and unit-tested natively; `adapters` wrap the browser APIs, the controller
//! (`clerk`) builds the instance's behaviour on both, and `js` is the JavaScript API, re-exported here.
#![deny(missing_docs)]

mod adapters;
mod clerk;
pub mod core;
mod js;
pub mod ui;

pub use js::{is_clerk_api_response_error, Clerk, Client, Session, SignIn, SignUp, User};
