//! `Client`: this browser's set of signed-in sessions and its current sign-in / sign-up.

use super::object::{array, string_or_null};
use super::session::Session;
use super::sign_in::SignIn;
use super::sign_up::SignUp;
use crate::clerk::Controller;
use crate::core::wire;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// The client (`Clerk.client`): a snapshot; before the server created one it is empty (`id` `null`, no sessions),
/// and `signIn` / `signUp` still work (the first mutation creates the client).
#[wasm_bindgen]
pub struct Client {
    /// The instance.
    controller: Controller,
    /// The wire data, when a client exists.
    data: Option<Rc<wire::Client>>,
    /// Its signed-in sessions, most recently active first (ordered by the core).
    signed_in: Vec<Rc<wire::Session>>,
}

impl Client {
    /// The instance's current client.
    pub(super) fn current(controller: &Controller) -> Self {
        Client {
            controller: controller.clone(),
            data: controller.client(),
            signed_in: controller.signed_in_sessions(),
        }
    }

    /// The signed-in sessions as `Session` objects.
    fn sessions_js(&self) -> JsValue {
        array(
            self.signed_in
                .iter()
                .map(|s| Session::new(&self.controller, s.clone())),
        )
    }
}

#[wasm_bindgen]
impl Client {
    /// `client_…`, or `null` before the server created the client.
    #[wasm_bindgen(getter, unchecked_return_type = "string | null")]
    pub fn id(&self) -> JsValue {
        string_or_null(self.data.as_ref().map(|c| c.id.as_str()))
    }

    /// Signed-in sessions, most recently active first.
    #[wasm_bindgen(getter, unchecked_return_type = "Session[]")]
    pub fn sessions(&self) -> JsValue {
        self.sessions_js()
    }

    /// Same as `sessions` (the newer ClerkJS name).
    #[wasm_bindgen(getter, js_name = signedInSessions, unchecked_return_type = "Session[]")]
    pub fn signed_in_sessions(&self) -> JsValue {
        self.sessions_js()
    }

    /// Same as `sessions` (the older ClerkJS name).
    #[wasm_bindgen(getter, js_name = activeSessions, unchecked_return_type = "Session[]")]
    pub fn active_sessions(&self) -> JsValue {
        self.sessions_js()
    }

    /// The session most recently made active on this client (by any tab), or `null`.
    #[wasm_bindgen(getter, js_name = lastActiveSessionId, unchecked_return_type = "string | null")]
    pub fn last_active_session_id(&self) -> JsValue {
        string_or_null(
            self.data
                .as_ref()
                .and_then(|c| c.last_active_session_id.as_deref()),
        )
    }

    /// The current sign-in attempt (empty until `signIn.create(...)`).
    #[wasm_bindgen(getter, js_name = signIn)]
    pub fn sign_in(&self) -> SignIn {
        SignIn::new(
            &self.controller,
            self.data.as_ref().and_then(|c| c.sign_in.clone()),
        )
    }

    /// The current sign-up attempt (empty until `signUp.create(...)`).
    #[wasm_bindgen(getter, js_name = signUp)]
    pub fn sign_up(&self) -> SignUp {
        SignUp::new(
            &self.controller,
            self.data.as_ref().and_then(|c| c.sign_up.clone()),
        )
    }
}
