//! The SignIn / SignUp flow's pure model: where it starts, its screens, its fields, and how a server error maps
//! onto the form. No DOM here; the rules are unit-tested natively.

use crate::core::ClerkError;

/// Which component: where the flow starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Start {
    /// SignIn: the account chooser or the sign-in form.
    SignIn,
    /// SignUp: the sign-up form.
    SignUp,
}

/// The screen shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Screen {
    /// SignIn's first screen: the account chooser when it applies (see [`shows_chooser`]), else the form.
    Start,
    /// The sign-in form (after "Use another account").
    SignInForm,
    /// The emailed-code step of a sign-in.
    SignInCode {
        /// The sign-in attempt.
        attempt: String,
    },
    /// The sign-up form.
    SignUpForm,
    /// The email verification step of a sign-up.
    SignUpCode {
        /// The sign-up attempt.
        attempt: String,
    },
}

impl Screen {
    /// Whether the screen belongs to SignUp (it names the dialog "Sign up").
    pub(crate) fn is_sign_up(&self) -> bool {
        matches!(self, Screen::SignUpForm | Screen::SignUpCode { .. })
    }
}

/// Whether SignIn's first screen is the account chooser: multi-session mode, accounts signed in, not adding one.
pub(crate) fn shows_chooser(
    screen: &Screen,
    add_account: bool,
    multi: bool,
    signed_in: usize,
) -> bool {
    *screen == Screen::Start && !add_account && multi && signed_in > 0
}

/// A form field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    /// Email address (sign-in identifier or sign-up address).
    Email,
    /// Password.
    Password,
    /// Emailed code.
    Code,
    /// First name.
    FirstName,
    /// Last name.
    LastName,
}

impl Field {
    /// Every field.
    pub(crate) const ALL: [Field; 5] = [
        Field::Email,
        Field::Password,
        Field::Code,
        Field::FirstName,
        Field::LastName,
    ];

    /// The input's `name` (the Frontend API parameter).
    pub(crate) fn name(self) -> &'static str {
        match self {
            Field::Email => "email_address",
            Field::Password => "password",
            Field::Code => "code",
            Field::FirstName => "first_name",
            Field::LastName => "last_name",
        }
    }

    /// The field an error's `meta.paramName` is about.
    pub(crate) fn from_param(param: &str) -> Option<Field> {
        match param {
            "identifier" => Some(Field::Email),
            _ => Field::ALL.into_iter().find(|f| f.name() == param),
        }
    }
}

/// A server error shown next to the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FormError {
    /// `longMessage`, else `message`.
    pub(crate) message: String,
    /// The field it is about (`None`: the whole form).
    pub(crate) field: Option<Field>,
}

impl FormError {
    /// The error to show for `e`.
    pub(crate) fn from_clerk(e: &ClerkError) -> Self {
        let first = e.errors.first();
        let long = first
            .and_then(|i| i.long_message.clone())
            .filter(|m| !m.is_empty());
        FormError {
            message: long.unwrap_or_else(|| e.message().to_string()),
            field: e.param_name_meta().and_then(Field::from_param),
        }
    }

    /// Whether an input for `field` is marked invalid (all inputs when the error names no field).
    pub(crate) fn marks(&self, field: Field) -> bool {
        self.field.is_none_or(|f| f == field)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{ApiErrorItem, ClerkError};

    #[test]
    fn the_chooser_needs_multi_session_mode_accounts_and_no_add_account() {
        assert!(shows_chooser(&Screen::Start, false, true, 1));
        assert!(
            !shows_chooser(&Screen::Start, false, false, 1),
            "single-session mode"
        );
        assert!(
            !shows_chooser(&Screen::Start, false, true, 0),
            "nobody signed in"
        );
        assert!(
            !shows_chooser(&Screen::Start, true, true, 2),
            "adding an account"
        );
        assert!(
            !shows_chooser(&Screen::SignInForm, false, true, 2),
            "after Use another account"
        );
    }

    #[test]
    fn params_map_to_fields() {
        assert_eq!(Field::from_param("identifier"), Some(Field::Email));
        assert_eq!(Field::from_param("email_address"), Some(Field::Email));
        assert_eq!(Field::from_param("code"), Some(Field::Code));
        assert_eq!(Field::from_param("strategy"), None);
        for field in Field::ALL {
            assert_eq!(Field::from_param(field.name()), Some(field));
        }
    }

    #[test]
    fn errors_prefer_the_long_message_and_mark_their_field_or_every_field() {
        let mut item = ApiErrorItem::new("form_password_incorrect", "short");
        item.long_message = Some("Password is incorrect.".into());
        item.meta.param_name = Some("password".into());
        let e = FormError::from_clerk(&ClerkError::from_items(422, vec![item], None));
        assert_eq!(e.message, "Password is incorrect.");
        assert!(e.marks(Field::Password) && !e.marks(Field::Email));

        let mut item = ApiErrorItem::new("session_exists", "Session already exists");
        item.long_message = Some(String::new());
        let e = FormError::from_clerk(&ClerkError::from_items(422, vec![item], None));
        assert_eq!(
            e.message, "Session already exists",
            "an empty long message falls back"
        );
        assert!(
            e.marks(Field::Email) && e.marks(Field::Password),
            "no field named: all of them"
        );
        assert!(
            Screen::SignUpCode {
                attempt: "x".into()
            }
            .is_sign_up()
                && !Screen::Start.is_sign_up()
        );
    }
}
