//! The one async runner of the JS classes' methods: a method names its operation ([`Op`]) and gets a Promise for
//! it, rejected with `error::to_js` of a failure. One future type (one state machine) serves every method.

use super::attempt::Attempt;
use super::error::to_js;
use crate::adapters::spawn;
use crate::clerk::{Controller, Shared, SignInCall, SignOutTarget, SignUpCall};
use crate::core::{wire, ClerkError};
use js_sys::{Function, Promise};
use std::rc::Rc;
use wasm_bindgen::JsValue;

/// Makes the JS object a method resolves with: the class modules hand in their constructor, so this runner depends
/// on none of them.
pub(super) type Wrap<T> = fn(Controller, T) -> JsValue;

/// What an async method does.
pub(super) enum Op {
    /// `Clerk.load()`: waits for the load in progress → `undefined`.
    Load(Rc<Shared<Result<(), ClerkError>>>),
    /// `session.getToken()`: session id, skip the cache → the JWT or `null`.
    GetToken(String, bool),
    /// `session.touch()` → the updated `Session`.
    Touch(String, Wrap<Rc<wire::Session>>),
    /// A sign-out, then the `signOut(callback)` callback, if any → `undefined`.
    SignOut(SignOutTarget, Option<Function>),
    /// A sign-in step (or why there is none) → the updated, shared `SignIn`.
    SignIn(
        Attempt<wire::SignIn>,
        Result<SignInCall, ClerkError>,
        Wrap<Attempt<wire::SignIn>>,
    ),
    /// A sign-up step (or why there is none) → the updated, shared `SignUp`.
    SignUp(
        Attempt<wire::SignUp>,
        Result<SignUpCall, ClerkError>,
        Wrap<Attempt<wire::SignUp>>,
    ),
}

/// A Promise for `op` on `controller`; `op` runs as a background task (`adapters::spawn`) that settles it.
pub(super) fn promise(controller: &Controller, op: Op) -> Promise {
    let mut task = Some((controller.clone(), op));
    Promise::new(&mut |resolve, reject| {
        // The executor runs once, synchronously, inside `Promise::new`.
        let Some((controller, op)) = task.take() else {
            return;
        };
        spawn(Box::pin(async move {
            let (settle, value) = match run(controller, op).await {
                Ok(value) => (resolve, value),
                Err(e) => (reject, to_js(&e)),
            };
            let _ = settle.call1(&JsValue::UNDEFINED, &value);
        }));
    })
}

/// Performs `op`.
async fn run(controller: Controller, op: Op) -> Result<JsValue, ClerkError> {
    Ok(match op {
        Op::Load(outcome) => {
            outcome.wait().await?;
            JsValue::UNDEFINED
        }
        Op::GetToken(id, skip_cache) => controller
            .get_token(&id, skip_cache)
            .await?
            .map_or(JsValue::NULL, |t| JsValue::from_str(&t)),
        Op::Touch(id, wrap) => {
            let data = controller.touch(&id).await?;
            wrap(controller, Rc::new(data))
        }
        Op::SignOut(target, callback) => {
            controller.sign_out(target).await?;
            if let Some(callback) = callback {
                let _ = callback.call0(&JsValue::NULL);
            }
            JsValue::UNDEFINED
        }
        Op::SignIn(attempt, call, wrap) => {
            attempt.set(controller.sign_in(call?).await?);
            wrap(controller, attempt)
        }
        Op::SignUp(attempt, call, wrap) => {
            attempt.set(controller.sign_up(call?).await?);
            wrap(controller, attempt)
        }
    })
}
