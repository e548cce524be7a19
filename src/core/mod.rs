//! The pure core: wire types, session and mode rules, token cache, storage schema. No web-sys here.
//!
//! Everything compiles for the native target and wasm32 and is unit-tested natively; time is always passed in
//! (`now_ms`, Unix milliseconds) by the caller.

mod b64;
pub mod backoff;
pub mod config;
pub mod error;
pub mod state;
pub mod status;
pub mod storage;
#[cfg(test)]
mod test_json;
pub mod token_cache;
pub mod wire;

pub use config::{parse_frontend_api, FrontendApi};
pub use error::{ApiErrorItem, ClerkError, ErrorMeta};
pub use state::{Change, Mode, SessionState, TabChoice};
pub use status::Status;
pub use storage::{KeyValueStore, MemoryStore, StorageKeys};
pub use token_cache::TokenCache;
pub use wire::{Client, Environment, Session, SignIn, SignUp, User};
