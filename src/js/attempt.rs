//! The state `SignIn` and `SignUp` share: like ClerkJS's resources, an attempt updates in place, so the object a
//! page holds and the one a method's Promise resolves with always show the same, latest attempt.

use crate::core::ClerkError;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsValue;

/// One attempt (`None` before `create(...)`), shared by every JS object that shows it.
pub(super) struct Attempt<T> {
    /// The latest answer from the server.
    current: Rc<RefCell<Option<T>>>,
}

impl<T> Clone for Attempt<T> {
    fn clone(&self) -> Self {
        Attempt {
            current: self.current.clone(),
        }
    }
}

impl<T: 'static> Attempt<T> {
    /// An attempt showing `data` (or none yet).
    pub(super) fn new(data: Option<T>) -> Self {
        Attempt {
            current: Rc::new(RefCell::new(data)),
        }
    }

    /// Reads the attempt; `None` before `create(...)`.
    pub(super) fn read<R>(&self, f: impl FnOnce(&T) -> R) -> Option<R> {
        self.current.borrow().as_ref().map(f)
    }

    /// Reads a field as a JS value; `null` before `create(...)`.
    pub(super) fn field(&self, f: impl FnOnce(&T) -> JsValue) -> JsValue {
        self.read(f).unwrap_or(JsValue::NULL)
    }

    /// The attempt's id, or `attempt_not_started` naming `resource` (`"signIn"`, `"signUp"`) before `create(...)`.
    pub(super) fn id(
        &self,
        resource: &str,
        id_of: impl FnOnce(&T) -> String,
    ) -> Result<String, ClerkError> {
        self.read(id_of)
            .ok_or_else(|| ClerkError::attempt_not_started(resource))
    }

    /// Shows `answer`, the server's latest word on the attempt.
    pub(super) fn set(&self, answer: T) {
        *self.current.borrow_mut() = Some(answer);
    }
}
