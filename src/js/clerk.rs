//! `Clerk`: the instance ClerkJS users program against (`window.Clerk` in the guide's snippets).

use super::client::Client;
use super::error::{settled, to_js};
use super::object::{get, get_string, object};
use super::run::{promise, Op};
use super::session::Session;
use super::user::User;
use crate::clerk::{Controller, Redirects, SignOutKind, SignOutTarget};
use crate::core::{parse_frontend_api, ClerkError};
use js_sys::{Function, Object, Promise};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

/// A Clerk instance for one frontend API.
#[wasm_bindgen]
pub struct Clerk {
    /// The instance's state and behaviour.
    pub(crate) controller: Controller,
    /// The options from the constructor, overlaid by `load(options)`; kept whole for the components.
    options: RefCell<Object>,
}

/// The session id named by `value`: a `Session` (or any object with a string `id`), an id string, or
/// `null`/`undefined` for "no account".
fn session_id_of(value: &JsValue) -> Result<Option<String>, ClerkError> {
    if value.is_null() || value.is_undefined() {
        return Ok(None);
    }
    value
        .as_string()
        .or_else(|| get_string(value, "id"))
        .map(Some)
        .ok_or_else(|| {
            let shown = js_sys::JSON::stringify(value)
                .map(String::from)
                .unwrap_or_default();
            ClerkError::session_not_found(&shown)
        })
}

#[wasm_bindgen]
impl Clerk {
    /// `new Clerk(keyOrFrontendApi, options?)`: a publishable key (`pk_test_…`/`pk_live_…`) or a frontend API
    /// origin/host. Throws (a Clerk error) when it is neither.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(js_name = keyOrFrontendApi, unchecked_param_type = "string")]
        key_or_frontend_api: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "Record<string, unknown>")] options: Option<
            JsValue,
        >,
    ) -> Result<Clerk, JsValue> {
        #[cfg(debug_assertions)]
        crate::adapters::page::install_panic_hook();
        let input = key_or_frontend_api.as_string().unwrap_or_default();
        let api = parse_frontend_api(&input).map_err(|e| to_js(&e))?;
        let clerk = Clerk {
            controller: Controller::new(api),
            options: RefCell::new(Object::new()),
        };
        clerk.merge_options(options);
        Ok(clerk)
    }

    /// `load(options?)`: shows the stored state at once, then reconciles with the server. Resolves at once when a
    /// stored state exists, else after the server answered; rejects only when there is neither (`status` `"error"`).
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn load(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "Record<string, unknown>")] options: Option<
            JsValue,
        >,
    ) -> Promise {
        self.merge_options(options);
        promise(&self.controller, Op::Load(self.controller.load()))
    }

    /// Whether `load()` has resolved.
    #[wasm_bindgen(getter)]
    pub fn loaded(&self) -> bool {
        self.controller.loaded()
    }

    /// `"loading"`, `"ready"`, `"degraded"` (network failed, showing what is known) or `"error"`.
    #[wasm_bindgen(
        getter,
        unchecked_return_type = "\"loading\" | \"ready\" | \"degraded\" | \"error\""
    )]
    pub fn status(&self) -> String {
        self.controller.status().as_str().to_string()
    }

    /// Whether this tab has an active account.
    #[wasm_bindgen(getter, js_name = isSignedIn)]
    pub fn is_signed_in(&self) -> bool {
        self.controller.active_session().is_some()
    }

    /// The SDK version.
    #[wasm_bindgen(getter)]
    pub fn version(&self) -> String {
        env!("CARGO_PKG_VERSION").to_string()
    }

    /// The frontend API host (`clerk.example.com`, `127.0.0.1:8787`).
    #[wasm_bindgen(getter, js_name = frontendApi)]
    pub fn frontend_api(&self) -> String {
        self.controller.api().host.clone()
    }

    /// The options in effect (constructor options overlaid by `load` options).
    #[wasm_bindgen(getter)]
    pub fn options(&self) -> Object {
        self.options.borrow().clone()
    }

    /// The client (empty before the server created one).
    #[wasm_bindgen(getter)]
    pub fn client(&self) -> Client {
        Client::current(&self.controller)
    }

    /// This tab's active session, or `null`.
    #[wasm_bindgen(getter, unchecked_return_type = "Session | null")]
    pub fn session(&self) -> JsValue {
        self.controller
            .active_session()
            .map_or(JsValue::NULL, |s| Session::new(&self.controller, s).into())
    }

    /// The active session's user, or `null`.
    #[wasm_bindgen(getter, unchecked_return_type = "User | null")]
    pub fn user(&self) -> JsValue {
        self.controller
            .active_session()
            .and_then(|s| s.user.clone())
            .map_or(JsValue::NULL, |u| User::new(u).into())
    }

    /// `setSession(sessionOrId | null)`: switches this tab's account synchronously (the Promise is already settled);
    /// rejects, changing nothing, when the session is not a signed-in session of this client.
    #[wasm_bindgen(js_name = setSession, unchecked_return_type = "Promise<void>")]
    pub fn set_session(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Session | string | null")] session: JsValue,
    ) -> Promise {
        let switched =
            session_id_of(&session).and_then(|id| self.controller.switch_to(id.as_deref()));
        settled(switched.map(|()| JsValue::UNDEFINED))
    }

    /// `setActive({ session })`: as `setSession`; without a `session` key nothing changes.
    #[wasm_bindgen(js_name = setActive, unchecked_return_type = "Promise<void>")]
    pub fn set_active(
        &self,
        #[wasm_bindgen(unchecked_param_type = "{ session?: Session | string | null }")]
        params: JsValue,
    ) -> Promise {
        let has_session =
            params.is_object() && js_sys::Reflect::has(&params, &"session".into()).unwrap_or(false);
        if !has_session {
            return settled(Ok(JsValue::UNDEFINED));
        }
        self.set_session(get(&params, "session"))
    }

    /// `signOutOne()`: signs out of this tab's active session only; the others stay signed in.
    #[wasm_bindgen(js_name = signOutOne, unchecked_return_type = "Promise<void>")]
    pub fn sign_out_one(&self) -> Promise {
        promise(&self.controller, Op::SignOut(SignOutTarget::Active, None))
    }

    /// `signOut()` (every session of this client), `signOut({ sessionId })` (that one), `signOut(callback,
    /// options?)` (the callback runs after).
    #[wasm_bindgen(js_name = signOut, unchecked_return_type = "Promise<void>")]
    pub fn sign_out(
        &self,
        #[wasm_bindgen(js_name = callbackOrOptions, unchecked_optional_param_type = "(() => void) | { sessionId?: string }")]
        first: Option<JsValue>,
        #[wasm_bindgen(js_name = options, unchecked_optional_param_type = "{ sessionId?: string }")]
        second: Option<JsValue>,
    ) -> Promise {
        let (first, second) = (first.unwrap_or_default(), second.unwrap_or_default());
        let (callback, options) = match first.dyn_ref::<Function>() {
            Some(f) => (Some(f.clone()), second),
            None => (None, first),
        };
        let target = match get_string(&options, "sessionId") {
            Some(id) => SignOutTarget::Session(id, SignOutKind::Remove),
            None => SignOutTarget::All,
        };
        promise(&self.controller, Op::SignOut(target, callback))
    }

    /// `addListener(callback)`: calls `callback({ client, session, user })` now and after every change; returns
    /// the function that unsubscribes it.
    #[wasm_bindgen(js_name = addListener, unchecked_return_type = "() => void")]
    pub fn add_listener(
        &self,
        #[wasm_bindgen(
            unchecked_param_type = "(resources: { client: Client; session: Session | null; user: User | null }) => void"
        )]
        callback: Function,
    ) -> Function {
        let id = self.controller.add_listener(move |controller| {
            let session = controller.active_session();
            let user = session.as_ref().and_then(|s| s.user.clone());
            let payload = object(&[
                ("client", Client::current(controller).into()),
                (
                    "session",
                    session.map_or(JsValue::NULL, |s| Session::new(controller, s).into()),
                ),
                ("user", user.map_or(JsValue::NULL, |u| User::new(u).into())),
            ]);
            if let Err(e) = callback.call1(&JsValue::NULL, &payload) {
                let message = crate::adapters::page::describe(&e);
                crate::adapters::page::warn_parts(&["a listener threw: ", &message]);
            }
        });
        let controller = self.controller.clone();
        let unsubscribe = Closure::<dyn FnMut()>::new(move || controller.remove_listener(id));
        unsubscribe.into_js_value().unchecked_into()
    }
}

impl Clerk {
    /// Overlays `options` (when an object) on the kept options and updates the sign-out redirects.
    fn merge_options(&self, options: Option<JsValue>) {
        if let Some(options) = options.as_ref().and_then(|o| o.dyn_ref::<Object>()) {
            let merged = Object::assign(&Object::new(), &self.options.borrow());
            *self.options.borrow_mut() = Object::assign(&merged, options);
        }
        let kept: JsValue = self.options.borrow().clone().into();
        self.controller.set_redirects(Redirects {
            after_sign_out: get_string(&kept, "afterSignOutUrl"),
            after_multi_session_single_sign_out: get_string(
                &kept,
                "afterMultiSessionSingleSignOutUrl",
            ),
        });
    }
}
