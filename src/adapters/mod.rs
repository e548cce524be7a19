//! Browser adapters: the only code that calls web-sys. Each wraps one browser API behind a small Rust surface and
//! turns its failures into `ClerkError`s or memory fallbacks; none of them decides anything the core decides.

pub mod cross_tab;
pub mod http;
pub mod json;
pub mod page;
pub mod reflect;
pub mod storage;
pub mod timer;

use std::future::Future;
use std::pin::Pin;

/// Runs `future` to completion in the background (on the microtask queue). Every task of the SDK is boxed into
/// this one function, so the executor's code exists once in the binary.
pub fn spawn(future: Pin<Box<dyn Future<Output = ()>>>) {
    wasm_bindgen_futures::spawn_local(future);
}
