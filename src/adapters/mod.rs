//! Browser adapters: the only code that calls web-sys. Each wraps one browser API behind a small Rust surface and
//! turns its failures into `ClerkError`s or memory fallbacks; none of them decides anything the core decides.

pub mod cross_tab;
pub mod http;
pub mod page;
pub mod reflect;
pub mod storage;
pub mod timer;
