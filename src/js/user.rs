//! `User`: a signed-in account's user, as ClerkJS exposes it (a snapshot; the next emit carries a fresh one).

use super::object::{array, object, string_or_null};
use crate::core::wire;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// A user (`session.user`, `Clerk.user`).
#[wasm_bindgen]
pub struct User {
    /// The wire data.
    data: Rc<wire::User>,
}

impl User {
    /// Wraps wire data.
    pub(super) fn new(data: Rc<wire::User>) -> Self {
        User { data }
    }
}

/// `{ id, emailAddress }`.
fn email_to_js(email: &wire::EmailAddress) -> JsValue {
    object(&[
        ("id", JsValue::from_str(&email.id)),
        ("emailAddress", JsValue::from_str(&email.email_address)),
    ])
}

#[wasm_bindgen]
impl User {
    /// `user_…`.
    #[wasm_bindgen(getter)]
    pub fn id(&self) -> String {
        self.data.id.clone()
    }

    /// Given name, or `null`.
    #[wasm_bindgen(getter, js_name = firstName, unchecked_return_type = "string | null")]
    pub fn first_name(&self) -> JsValue {
        string_or_null(self.data.first_name.as_deref())
    }

    /// Family name, or `null`.
    #[wasm_bindgen(getter, js_name = lastName, unchecked_return_type = "string | null")]
    pub fn last_name(&self) -> JsValue {
        string_or_null(self.data.last_name.as_deref())
    }

    /// `"First Last"` (either alone), or `null`.
    #[wasm_bindgen(getter, js_name = fullName, unchecked_return_type = "string | null")]
    pub fn full_name(&self) -> JsValue {
        string_or_null(self.data.full_name().as_deref())
    }

    /// Username, or `null`.
    #[wasm_bindgen(getter, unchecked_return_type = "string | null")]
    pub fn username(&self) -> JsValue {
        string_or_null(self.data.username.as_deref())
    }

    /// Avatar URL (`""` when none).
    #[wasm_bindgen(getter, js_name = imageUrl)]
    pub fn image_url(&self) -> String {
        self.data.image_url.clone().unwrap_or_default()
    }

    /// Whether `imageUrl` is an uploaded image.
    #[wasm_bindgen(getter, js_name = hasImage)]
    pub fn has_image(&self) -> bool {
        self.data.has_image
    }

    /// Id of the primary email address, or `null`.
    #[wasm_bindgen(getter, js_name = primaryEmailAddressId, unchecked_return_type = "string | null")]
    pub fn primary_email_address_id(&self) -> JsValue {
        string_or_null(self.data.primary_email_address_id.as_deref())
    }

    /// `{ id, emailAddress }` of the primary email address, or `null`.
    #[wasm_bindgen(getter, js_name = primaryEmailAddress, unchecked_return_type = "{ id: string; emailAddress: string } | null")]
    pub fn primary_email_address(&self) -> JsValue {
        self.data
            .primary_email_address()
            .map_or(JsValue::NULL, email_to_js)
    }

    /// Every email address, as `{ id, emailAddress }`.
    #[wasm_bindgen(getter, js_name = emailAddresses, unchecked_return_type = "{ id: string; emailAddress: string }[]")]
    pub fn email_addresses(&self) -> JsValue {
        array(self.data.email_addresses.iter().map(email_to_js))
    }
}
