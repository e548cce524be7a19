//! Adding accounts: sign-in and sign-up attempts. Each answer carries the whole client, which replaces ours, so a
//! completed attempt's session is in the client's list at once.

use super::Controller;
use crate::adapters::http::{encode_segment, Request};
use crate::core::wire::{SignIn, SignUp};
use crate::core::ClerkError;
use std::future::Future;

/// `signIn.create(...)` parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SignInParams {
    /// The email address.
    pub identifier: Option<String>,
    /// The password (signs in at once when right).
    pub password: Option<String>,
    /// `password` or `email_code` (the latter sends a code at once).
    pub strategy: Option<String>,
}

/// `signIn.attemptFirstFactor(...)` / `prepareFirstFactor(...)` parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FactorParams {
    /// `password` or `email_code`.
    pub strategy: Option<String>,
    /// The password, for the `password` strategy.
    pub password: Option<String>,
    /// The emailed code, for the `email_code` strategy.
    pub code: Option<String>,
    /// Which email address gets the code (prepare only; the server's default is the primary one).
    pub email_address_id: Option<String>,
}

/// `signUp.create(...)` parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SignUpParams {
    /// The email address.
    pub email_address: Option<String>,
    /// The password.
    pub password: Option<String>,
    /// Given name.
    pub first_name: Option<String>,
    /// Family name.
    pub last_name: Option<String>,
}

/// The path of an action on a sign-in or sign-up attempt.
fn attempt_path(kind: &str, id: &str, action: &str) -> String {
    format!("/client/{kind}/{}/{action}", encode_segment(id))
}

/// The request of each attempt method: the `Controller` methods below send them for the components, and the JS
/// classes send them through their one runner (`js::run`), so each is built in one place.
pub mod request {
    use super::{attempt_path, FactorParams, Request, SignInParams, SignUpParams};

    /// Starts a sign-in (and finishes it when a right password is given).
    pub fn create_sign_in(params: SignInParams) -> Request {
        Request::post("/client/sign_ins")
            .optional_field("identifier", params.identifier)
            .optional_field("password", params.password)
            .optional_field("strategy", params.strategy)
    }

    /// Sends a one-time code for the sign-in `id`.
    pub fn prepare_first_factor(id: &str, params: FactorParams) -> Request {
        Request::post(attempt_path("sign_ins", id, "prepare_first_factor"))
            .optional_field("strategy", params.strategy)
            .optional_field("email_address_id", params.email_address_id)
    }

    /// Tries a password or code for the sign-in `id`.
    pub fn attempt_first_factor(id: &str, params: FactorParams) -> Request {
        Request::post(attempt_path("sign_ins", id, "attempt_first_factor"))
            .optional_field("strategy", params.strategy)
            .optional_field("password", params.password)
            .optional_field("code", params.code)
    }

    /// Starts a sign-up (complete at once unless the instance requires email verification).
    pub fn create_sign_up(params: SignUpParams) -> Request {
        Request::post("/client/sign_ups")
            .optional_field("email_address", params.email_address)
            .optional_field("password", params.password)
            .optional_field("first_name", params.first_name)
            .optional_field("last_name", params.last_name)
    }

    /// Sends the email verification code of the sign-up `id`.
    pub fn prepare_email_verification(id: &str) -> Request {
        Request::post(attempt_path("sign_ups", id, "prepare_verification"))
            .field("strategy", "email_code")
    }

    /// Verifies the sign-up `id`'s email with `code`.
    pub fn attempt_email_verification(id: &str, code: Option<String>) -> Request {
        Request::post(attempt_path("sign_ups", id, "attempt_verification"))
            .field("strategy", "email_code")
            .optional_field("code", code)
    }
}

impl Controller {
    /// Starts a sign-in (and finishes it when a right password is given).
    pub fn create_sign_in(
        &self,
        params: SignInParams,
    ) -> impl Future<Output = Result<SignIn, ClerkError>> + '_ {
        self.mutate(request::create_sign_in(params))
    }

    /// Sends a one-time code for the sign-in `id`.
    pub fn prepare_first_factor(
        &self,
        id: &str,
        params: FactorParams,
    ) -> impl Future<Output = Result<SignIn, ClerkError>> + '_ {
        self.mutate(request::prepare_first_factor(id, params))
    }

    /// Tries a password or code for the sign-in `id`.
    pub fn attempt_first_factor(
        &self,
        id: &str,
        params: FactorParams,
    ) -> impl Future<Output = Result<SignIn, ClerkError>> + '_ {
        self.mutate(request::attempt_first_factor(id, params))
    }

    /// Starts a sign-up (complete at once unless the instance requires email verification).
    pub fn create_sign_up(
        &self,
        params: SignUpParams,
    ) -> impl Future<Output = Result<SignUp, ClerkError>> + '_ {
        self.mutate(request::create_sign_up(params))
    }

    /// Sends the email verification code of the sign-up `id`.
    pub fn prepare_email_verification(
        &self,
        id: &str,
    ) -> impl Future<Output = Result<SignUp, ClerkError>> + '_ {
        self.mutate(request::prepare_email_verification(id))
    }

    /// Verifies the sign-up `id`'s email with `code`.
    pub fn attempt_email_verification(
        &self,
        id: &str,
        code: Option<String>,
    ) -> impl Future<Output = Result<SignUp, ClerkError>> + '_ {
        self.mutate(request::attempt_email_verification(id, code))
    }
}
