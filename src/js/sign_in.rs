//! `SignIn`: adding an account with a password or an emailed code.

use super::attempt::Attempt;
use super::object::{array, date, get_string, object, string_or_null};
use super::run::{promise, Op};
use crate::clerk::{Controller, FactorParams, SignInCall, SignInParams};
use crate::core::wire;
use crate::core::ClerkError;
use js_sys::Promise;
use wasm_bindgen::prelude::*;

/// A sign-in attempt (`client.signIn`). Like ClerkJS's resource it updates in place: after `create(...)` the same
/// object (and the one the Promise resolves with) carries the new id and status.
#[wasm_bindgen]
pub struct SignIn {
    /// The instance.
    controller: Controller,
    /// The attempt, shared with the objects returned by its methods.
    attempt: Attempt<wire::SignIn>,
}

impl SignIn {
    /// Wraps an attempt (or none yet).
    pub(super) fn new(controller: &Controller, data: Option<wire::SignIn>) -> Self {
        SignIn {
            controller: controller.clone(),
            attempt: Attempt::new(data),
        }
    }

    /// Reads a field of the attempt.
    fn field(&self, f: impl FnOnce(&wire::SignIn) -> JsValue) -> JsValue {
        self.attempt.field(f)
    }

    /// The attempt's id, or `attempt_not_started` before `create(...)`.
    fn attempt_id(&self) -> Result<String, ClerkError> {
        self.attempt.id("signIn", |s| s.id.clone())
    }

    /// A twin of a `SignIn`: another JS object showing the same attempt.
    pub(super) fn shared(controller: Controller, attempt: Attempt<wire::SignIn>) -> Self {
        SignIn {
            controller,
            attempt,
        }
    }

    /// Asks the controller for `call` (or rejects with why there is none), stores the attempt it answers and
    /// resolves with this object's twin.
    fn run(&self, call: Result<SignInCall, ClerkError>) -> Promise {
        let wrap = |controller, attempt| SignIn::shared(controller, attempt).into();
        promise(
            &self.controller,
            Op::SignIn(self.attempt.clone(), call, wrap),
        )
    }
}

/// `{ status, strategy, attempts, expireAt }`.
pub(super) fn verification_to_js(v: &wire::Verification) -> JsValue {
    object(&[
        ("status", string_or_null(v.status.as_deref())),
        ("strategy", string_or_null(v.strategy.as_deref())),
        ("attempts", v.attempts.map_or(JsValue::NULL, JsValue::from)),
        ("expireAt", v.expire_at.map_or(JsValue::NULL, date)),
    ])
}

/// The `{ strategy, password, code, emailAddressId }` argument of the factor methods.
fn factor_params(params: &JsValue) -> FactorParams {
    FactorParams {
        strategy: get_string(params, "strategy"),
        password: get_string(params, "password"),
        code: get_string(params, "code"),
        email_address_id: get_string(params, "emailAddressId"),
    }
}

#[wasm_bindgen]
impl SignIn {
    /// `sia_…`, or `null` before `create(...)`.
    #[wasm_bindgen(getter, unchecked_return_type = "string | null")]
    pub fn id(&self) -> JsValue {
        self.field(|s| JsValue::from_str(&s.id))
    }

    /// `needs_identifier`, `needs_first_factor`, `needs_second_factor`, `complete`, or `null` before `create(...)`.
    #[wasm_bindgen(getter, unchecked_return_type = "string | null")]
    pub fn status(&self) -> JsValue {
        self.field(|s| JsValue::from_str(s.status.as_str()))
    }

    /// The identifier being signed in, or `null`.
    #[wasm_bindgen(getter, unchecked_return_type = "string | null")]
    pub fn identifier(&self) -> JsValue {
        self.field(|s| string_or_null(s.identifier.as_deref()))
    }

    /// `[{ strategy, safeIdentifier, emailAddressId }]` (empty before `create(...)`).
    #[wasm_bindgen(getter, js_name = supportedFirstFactors, unchecked_return_type = "{ strategy: string; safeIdentifier: string | null; emailAddressId: string | null }[]")]
    pub fn supported_first_factors(&self) -> JsValue {
        let factors = self.attempt.read(|s| s.supported_first_factors.clone());
        array(factors.unwrap_or_default().iter().map(|f| {
            object(&[
                ("strategy", JsValue::from_str(&f.strategy)),
                (
                    "safeIdentifier",
                    string_or_null(f.safe_identifier.as_deref()),
                ),
                (
                    "emailAddressId",
                    string_or_null(f.email_address_id.as_deref()),
                ),
            ])
        }))
    }

    /// `{ status, strategy, attempts, expireAt }` of the first factor, or `null`.
    #[wasm_bindgen(getter, js_name = firstFactorVerification, unchecked_return_type = "{ status: string | null; strategy: string | null; attempts: number | null; expireAt: Date | null } | null")]
    pub fn first_factor_verification(&self) -> JsValue {
        self.field(|s| {
            s.first_factor_verification
                .as_ref()
                .map_or(JsValue::NULL, verification_to_js)
        })
    }

    /// The new session once `complete` (pass it to `setActive`), else `null`.
    #[wasm_bindgen(getter, js_name = createdSessionId, unchecked_return_type = "string | null")]
    pub fn created_session_id(&self) -> JsValue {
        self.field(|s| string_or_null(s.created_session_id.as_deref()))
    }

    /// `create({ identifier, password?, strategy? })` → this `SignIn`, updated.
    #[wasm_bindgen(unchecked_return_type = "Promise<SignIn>")]
    pub fn create(
        &self,
        #[wasm_bindgen(
            unchecked_param_type = "{ identifier: string; password?: string; strategy?: string }"
        )]
        params: JsValue,
    ) -> Promise {
        let params = SignInParams {
            identifier: get_string(&params, "identifier"),
            password: get_string(&params, "password"),
            strategy: get_string(&params, "strategy"),
        };
        self.run(Ok(SignInCall::Create(params)))
    }

    /// `prepareFirstFactor({ strategy: "email_code", emailAddressId? })` → this `SignIn`, updated (a code is sent).
    #[wasm_bindgen(js_name = prepareFirstFactor, unchecked_return_type = "Promise<SignIn>")]
    pub fn prepare_first_factor(
        &self,
        #[wasm_bindgen(unchecked_param_type = "{ strategy: string; emailAddressId?: string }")]
        params: JsValue,
    ) -> Promise {
        let params = factor_params(&params);
        self.run(
            self.attempt_id()
                .map(|id| SignInCall::PrepareFirstFactor(id, params)),
        )
    }

    /// `attemptFirstFactor({ strategy, password | code })` → this `SignIn`, updated (`complete` on success).
    #[wasm_bindgen(js_name = attemptFirstFactor, unchecked_return_type = "Promise<SignIn>")]
    pub fn attempt_first_factor(
        &self,
        #[wasm_bindgen(
            unchecked_param_type = "{ strategy: string; password?: string; code?: string }"
        )]
        params: JsValue,
    ) -> Promise {
        let params = factor_params(&params);
        self.run(
            self.attempt_id()
                .map(|id| SignInCall::AttemptFirstFactor(id, params)),
        )
    }
}
