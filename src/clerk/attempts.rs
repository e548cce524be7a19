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

/// A step of a sign-in attempt: what the JS `SignIn` methods and the SignIn component ask the controller for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInCall {
    /// Starts a sign-in (and finishes it when a right password is given).
    Create(SignInParams),
    /// Sends a one-time code for the sign-in of this id.
    PrepareFirstFactor(String, FactorParams),
    /// Tries a password or code for the sign-in of this id.
    AttemptFirstFactor(String, FactorParams),
}

impl SignInCall {
    /// The request that makes the step.
    fn request(self) -> Request {
        match self {
            SignInCall::Create(params) => Request::post("/client/sign_ins")
                .optional_field("identifier", params.identifier)
                .optional_field("password", params.password)
                .optional_field("strategy", params.strategy),
            SignInCall::PrepareFirstFactor(id, params) => {
                Request::post(attempt_path("sign_ins", &id, "prepare_first_factor"))
                    .optional_field("strategy", params.strategy)
                    .optional_field("email_address_id", params.email_address_id)
            }
            SignInCall::AttemptFirstFactor(id, params) => {
                Request::post(attempt_path("sign_ins", &id, "attempt_first_factor"))
                    .optional_field("strategy", params.strategy)
                    .optional_field("password", params.password)
                    .optional_field("code", params.code)
            }
        }
    }
}

/// A step of a sign-up attempt: what the JS `SignUp` methods and the SignUp component ask the controller for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignUpCall {
    /// Starts a sign-up (complete at once unless the instance requires email verification).
    Create(SignUpParams),
    /// Sends the email verification code of the sign-up of this id.
    PrepareEmailVerification(String),
    /// Verifies the email of the sign-up of this id with the code.
    AttemptEmailVerification(String, Option<String>),
}

impl SignUpCall {
    /// The request that makes the step.
    fn request(self) -> Request {
        match self {
            SignUpCall::Create(params) => Request::post("/client/sign_ups")
                .optional_field("email_address", params.email_address)
                .optional_field("password", params.password)
                .optional_field("first_name", params.first_name)
                .optional_field("last_name", params.last_name),
            SignUpCall::PrepareEmailVerification(id) => {
                Request::post(attempt_path("sign_ups", &id, "prepare_verification"))
                    .field("strategy", "email_code")
            }
            SignUpCall::AttemptEmailVerification(id, code) => {
                Request::post(attempt_path("sign_ups", &id, "attempt_verification"))
                    .field("strategy", "email_code")
                    .optional_field("code", code)
            }
        }
    }
}

impl Controller {
    /// Makes a sign-in step; the answer's client replaces ours.
    pub fn sign_in(
        &self,
        call: SignInCall,
    ) -> impl Future<Output = Result<SignIn, ClerkError>> + '_ {
        self.mutate(call.request())
    }

    /// Makes a sign-up step; the answer's client replaces ours.
    pub fn sign_up(
        &self,
        call: SignUpCall,
    ) -> impl Future<Output = Result<SignUp, ClerkError>> + '_ {
        self.mutate(call.request())
    }
}
