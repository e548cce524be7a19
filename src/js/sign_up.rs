//! `SignUp`: adding an account by creating a user, with optional email verification by code.

use super::attempt::Attempt;
use super::object::{array, get_string, object, string_or_null};
use super::run::{promise, Op};
use super::sign_in::verification_to_js;
use crate::clerk::{Controller, SignUpCall, SignUpParams};
use crate::core::wire;
use crate::core::ClerkError;
use js_sys::Promise;
use wasm_bindgen::prelude::*;

/// A sign-up attempt (`client.signUp`); updates in place like [`super::SignIn`].
#[wasm_bindgen]
pub struct SignUp {
    /// The instance.
    controller: Controller,
    /// The attempt, shared with the objects returned by its methods.
    attempt: Attempt<wire::SignUp>,
}

impl SignUp {
    /// Wraps an attempt (or none yet).
    pub(super) fn new(controller: &Controller, data: Option<wire::SignUp>) -> Self {
        SignUp {
            controller: controller.clone(),
            attempt: Attempt::new(data),
        }
    }

    /// Reads a field of the attempt.
    fn field(&self, f: impl FnOnce(&wire::SignUp) -> JsValue) -> JsValue {
        self.attempt.field(f)
    }

    /// The attempt's id, or `attempt_not_started` before `create(...)`.
    fn attempt_id(&self) -> Result<String, ClerkError> {
        self.attempt.id("signUp", |s| s.id.clone())
    }

    /// A twin of a `SignUp`: another JS object showing the same attempt.
    pub(super) fn shared(controller: Controller, attempt: Attempt<wire::SignUp>) -> Self {
        SignUp {
            controller,
            attempt,
        }
    }

    /// Asks the controller for `call` (or rejects with why there is none), stores the attempt it answers and
    /// resolves with this object's twin.
    fn run(&self, call: Result<SignUpCall, ClerkError>) -> Promise {
        let wrap = |controller, attempt| SignUp::shared(controller, attempt).into();
        promise(
            &self.controller,
            Op::SignUp(self.attempt.clone(), call, wrap),
        )
    }
}

#[wasm_bindgen]
impl SignUp {
    /// `sua_…`, or `null` before `create(...)`.
    #[wasm_bindgen(getter, unchecked_return_type = "string | null")]
    pub fn id(&self) -> JsValue {
        self.field(|s| JsValue::from_str(&s.id))
    }

    /// `missing_requirements`, `complete`, or `null` before `create(...)`.
    #[wasm_bindgen(getter, unchecked_return_type = "string | null")]
    pub fn status(&self) -> JsValue {
        self.field(|s| JsValue::from_str(s.status.as_str()))
    }

    /// The email address signing up, or `null`.
    #[wasm_bindgen(getter, js_name = emailAddress, unchecked_return_type = "string | null")]
    pub fn email_address(&self) -> JsValue {
        self.field(|s| string_or_null(s.email_address.as_deref()))
    }

    /// Fields still to verify (`["email_address"]` while the code is pending).
    #[wasm_bindgen(getter, js_name = unverifiedFields, unchecked_return_type = "string[]")]
    pub fn unverified_fields(&self) -> JsValue {
        let fields = self.attempt.read(|s| s.unverified_fields.clone());
        array(
            fields
                .unwrap_or_default()
                .iter()
                .map(|f| JsValue::from_str(f)),
        )
    }

    /// `{ emailAddress: { status, strategy, attempts, expireAt } | null }`, or `null` before `create(...)`.
    #[wasm_bindgen(
        getter,
        unchecked_return_type = "{ emailAddress: { status: string | null; strategy: string | null; attempts: number | null; expireAt: Date | null } | null } | null"
    )]
    pub fn verifications(&self) -> JsValue {
        self.field(|s| {
            let email = s.verifications.email_address.as_ref();
            object(&[(
                "emailAddress",
                email.map_or(JsValue::NULL, verification_to_js),
            )])
        })
    }

    /// The new session once `complete` (pass it to `setActive`), else `null`.
    #[wasm_bindgen(getter, js_name = createdSessionId, unchecked_return_type = "string | null")]
    pub fn created_session_id(&self) -> JsValue {
        self.field(|s| string_or_null(s.created_session_id.as_deref()))
    }

    /// The new user once `complete`, else `null`.
    #[wasm_bindgen(getter, js_name = createdUserId, unchecked_return_type = "string | null")]
    pub fn created_user_id(&self) -> JsValue {
        self.field(|s| string_or_null(s.created_user_id.as_deref()))
    }

    /// `create({ emailAddress, password, firstName?, lastName? })` → this `SignUp`, updated.
    #[wasm_bindgen(unchecked_return_type = "Promise<SignUp>")]
    pub fn create(
        &self,
        #[wasm_bindgen(
            unchecked_param_type = "{ emailAddress: string; password: string; firstName?: string; lastName?: string }"
        )]
        params: JsValue,
    ) -> Promise {
        let params = SignUpParams {
            email_address: get_string(&params, "emailAddress"),
            password: get_string(&params, "password"),
            first_name: get_string(&params, "firstName"),
            last_name: get_string(&params, "lastName"),
        };
        self.run(Ok(SignUpCall::Create(params)))
    }

    /// `prepareEmailAddressVerification()` → this `SignUp`, updated (a code is emailed).
    #[wasm_bindgen(js_name = prepareEmailAddressVerification, unchecked_return_type = "Promise<SignUp>")]
    pub fn prepare_email_address_verification(&self) -> Promise {
        self.run(self.attempt_id().map(SignUpCall::PrepareEmailVerification))
    }

    /// `attemptEmailAddressVerification({ code })` → this `SignUp`, updated (`complete` on success).
    #[wasm_bindgen(js_name = attemptEmailAddressVerification, unchecked_return_type = "Promise<SignUp>")]
    pub fn attempt_email_address_verification(
        &self,
        #[wasm_bindgen(unchecked_param_type = "{ code: string }")] params: JsValue,
    ) -> Promise {
        let code = get_string(&params, "code");
        self.run(
            self.attempt_id()
                .map(|id| SignUpCall::AttemptEmailVerification(id, code)),
        )
    }
}
