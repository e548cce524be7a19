//! The JavaScript API (wasm-bindgen classes with ClerkJS's camelCase names). A façade only: each method converts
//! its arguments, forwards to the controller and converts the answer; errors become JS `Error`s in `error.rs` only.

mod attempt;
mod clerk;
mod client;
mod components;
mod error;
mod object;
mod run;
mod session;
mod sign_in;
mod sign_up;
mod user;

pub use clerk::Clerk;
pub use client::Client;
pub use error::is_clerk_api_response_error;
pub use session::Session;
pub use sign_in::SignIn;
pub use sign_up::SignUp;
pub use user::User;
