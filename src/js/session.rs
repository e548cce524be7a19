//! `Session`: one signed-in account of the client, with its token and sign-out methods.

use super::object::{date, get, object, string_or_null};
use super::run::{promise, Op};
use super::user::User;
use crate::clerk::{Controller, SignOutKind, SignOutTarget};
use crate::core::wire;
use js_sys::Promise;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// A session (`Clerk.session`, `client.sessions[i]`): a snapshot of its data; methods act on the live instance.
#[wasm_bindgen]
pub struct Session {
    /// The instance.
    controller: Controller,
    /// The wire data.
    data: Rc<wire::Session>,
}

impl Session {
    /// Wraps wire data.
    pub(super) fn new(controller: &Controller, data: Rc<wire::Session>) -> Self {
        Session {
            controller: controller.clone(),
            data,
        }
    }
}

#[wasm_bindgen]
impl Session {
    /// `sess_…`.
    #[wasm_bindgen(getter)]
    pub fn id(&self) -> String {
        self.data.id.clone()
    }

    /// `active`, `ended`, `expired`, `removed`, `abandoned` or `revoked`.
    #[wasm_bindgen(getter)]
    pub fn status(&self) -> String {
        self.data.status.as_str().to_string()
    }

    /// Last activity (a `Date`).
    #[wasm_bindgen(getter, js_name = lastActiveAt, unchecked_return_type = "Date")]
    pub fn last_active_at(&self) -> JsValue {
        date(self.data.last_active_at)
    }

    /// Hard expiry (a `Date`).
    #[wasm_bindgen(getter, js_name = expireAt, unchecked_return_type = "Date")]
    pub fn expire_at(&self) -> JsValue {
        date(self.data.expire_at)
    }

    /// The user, or `null`.
    #[wasm_bindgen(getter, unchecked_return_type = "User | null")]
    pub fn user(&self) -> JsValue {
        self.data
            .user
            .clone()
            .map_or(JsValue::NULL, |u| User::new(u).into())
    }

    /// `{ firstName, lastName, imageUrl, hasImage, identifier, userId }`, or `null`.
    #[wasm_bindgen(getter, js_name = publicUserData, unchecked_return_type = "{ firstName: string | null; lastName: string | null; imageUrl: string; hasImage: boolean; identifier: string | null; userId: string | null } | null")]
    pub fn public_user_data(&self) -> JsValue {
        let Some(p) = &self.data.public_user_data else {
            return JsValue::NULL;
        };
        object(&[
            ("firstName", string_or_null(p.first_name.as_deref())),
            ("lastName", string_or_null(p.last_name.as_deref())),
            (
                "imageUrl",
                JsValue::from_str(p.image_url.as_deref().unwrap_or("")),
            ),
            ("hasImage", JsValue::from_bool(p.has_image)),
            ("identifier", string_or_null(p.identifier.as_deref())),
            ("userId", string_or_null(p.user_id.as_deref())),
        ])
    }

    /// `getToken({ skipCache? })` → this session's JWT, or `null` when it is no longer signed in.
    #[wasm_bindgen(js_name = getToken, unchecked_return_type = "Promise<string | null>")]
    pub fn get_token(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "{ skipCache?: boolean }")] options: Option<
            JsValue,
        >,
    ) -> Promise {
        let skip_cache = get(&options.unwrap_or_default(), "skipCache").is_truthy();
        promise(
            &self.controller,
            Op::GetToken(self.data.id.clone(), skip_cache),
        )
    }

    /// Marks this session active on the server → the updated `Session`.
    #[wasm_bindgen(unchecked_return_type = "Promise<Session>")]
    pub fn touch(&self) -> Promise {
        let wrap = |controller, data| Session::new(&controller, data).into();
        promise(&self.controller, Op::Touch(self.data.id.clone(), wrap))
    }

    /// Ends this session (status `ended`).
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn end(&self) -> Promise {
        self.sign_out(SignOutKind::End)
    }

    /// Signs out of this session (status `removed`).
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn remove(&self) -> Promise {
        self.sign_out(SignOutKind::Remove)
    }
}

impl Session {
    /// `end()` / `remove()` → `undefined`.
    fn sign_out(&self, kind: SignOutKind) -> Promise {
        let target = SignOutTarget::Session(self.data.id.clone(), kind);
        promise(&self.controller, Op::SignOut(target, None))
    }
}
