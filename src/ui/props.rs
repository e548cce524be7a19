//! Reading component props from whatever the page passes: unknown keys are ignored, a value of the wrong type is
//! warned about on the console and replaced by the default, and nothing here can throw or panic.

use crate::adapters::page;
use crate::adapters::reflect;
use wasm_bindgen::JsValue;

/// A props object (or anything else the page passed) being read.
pub(crate) struct Props<'a> {
    /// The value; `undefined`/`null` read as an empty object.
    value: &'a JsValue,
    /// What it is, for warnings (`"UserButton props"`, `"appearance"`).
    what: &'static str,
}

impl<'a> Props<'a> {
    /// Starts reading `value`; warns when it is neither an object nor `undefined`/`null`.
    pub(crate) fn new(value: &'a JsValue, what: &'static str) -> Self {
        if !value.is_undefined() && !value.is_null() && !value.is_object() {
            page::warn_parts(&[what, " should be an object; ignoring it"]);
        }
        Props { value, what }
    }

    /// `value[key]`, `undefined` when absent, unreadable or not an object.
    pub(crate) fn raw(&self, key: &str) -> JsValue {
        if !self.value.is_object() {
            return JsValue::UNDEFINED;
        }
        reflect::get(self.value, key).unwrap_or(JsValue::UNDEFINED)
    }

    /// Warns that `key` has the wrong type.
    fn wrong_type(&self, key: &str, expected: &str) {
        page::warn_parts(&[
            self.what,
            ".",
            key,
            " should be ",
            expected,
            "; using the default",
        ]);
    }

    /// A string prop (`None` when absent or of another type).
    pub(crate) fn string(&self, key: &str) -> Option<String> {
        let value = self.raw(key);
        if value.is_undefined() || value.is_null() {
            return None;
        }
        let string = value.as_string();
        if string.is_none() {
            self.wrong_type(key, "a string");
        }
        string
    }

    /// A boolean prop (`false` when absent or of another type).
    pub(crate) fn flag(&self, key: &str) -> bool {
        let value = self.raw(key);
        if value.is_undefined() || value.is_null() {
            return false;
        }
        value.as_bool().unwrap_or_else(|| {
            self.wrong_type(key, "a boolean");
            false
        })
    }
}

/// UserButton props.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct UserButtonProps {
    /// `showName`: show the name (or email) next to the avatar.
    pub(crate) show_name: bool,
    /// `signInUrl`: where "Add account" goes (else the SignIn modal opens).
    pub(crate) sign_in_url: Option<String>,
    /// `userProfileUrl`: where "Manage account" goes (no button without it).
    pub(crate) user_profile_url: Option<String>,
    /// `afterSignOutUrl`: after the last account signed out.
    pub(crate) after_sign_out_url: Option<String>,
    /// `afterMultiSessionSingleSignOutUrl`: after one account signed out while others remain.
    pub(crate) after_multi_session_single_sign_out_url: Option<String>,
    /// `afterSwitchSessionUrl`: after switching accounts.
    pub(crate) after_switch_session_url: Option<String>,
    /// `defaultOpen`: the panel starts open.
    pub(crate) default_open: bool,
}

impl UserButtonProps {
    /// Reads the props, falling back to the Clerk options for `signInUrl` and `afterSwitchSessionUrl`.
    pub(crate) fn read(props: &JsValue, options: &JsValue) -> Self {
        let p = Props::new(props, "UserButton props");
        let o = Props::new(options, "Clerk options");
        UserButtonProps {
            show_name: p.flag("showName"),
            sign_in_url: p.string("signInUrl").or_else(|| o.string("signInUrl")),
            user_profile_url: p.string("userProfileUrl"),
            after_sign_out_url: p.string("afterSignOutUrl"),
            after_multi_session_single_sign_out_url: p.string("afterMultiSessionSingleSignOutUrl"),
            after_switch_session_url: p
                .string("afterSwitchSessionUrl")
                .or_else(|| o.string("afterSwitchSessionUrl")),
            default_open: p.flag("defaultOpen"),
        }
    }
}

/// SignIn and SignUp props (both components accept all four; each mostly uses two).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct FlowProps {
    /// `afterSignInUrl`: followed after a sign-in.
    pub(crate) after_sign_in_url: Option<String>,
    /// `afterSignUpUrl`: followed after a sign-up.
    pub(crate) after_sign_up_url: Option<String>,
    /// `signInUrl`: where SignUp's "Sign in" goes (else SignIn is shown in place).
    pub(crate) sign_in_url: Option<String>,
    /// `signUpUrl`: where SignIn's "Sign up" goes (else SignUp is shown in place).
    pub(crate) sign_up_url: Option<String>,
}

impl FlowProps {
    /// Reads the props.
    pub(crate) fn read(props: &JsValue, what: &'static str) -> Self {
        let p = Props::new(props, what);
        FlowProps {
            after_sign_in_url: p.string("afterSignInUrl"),
            after_sign_up_url: p.string("afterSignUpUrl"),
            sign_in_url: p.string("signInUrl"),
            sign_up_url: p.string("signUpUrl"),
        }
    }
}
