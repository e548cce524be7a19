//! Every string the components show. The English defaults are the accessible names issue 4 specifies (a contract
//! for screen-reader users and end-to-end tests); a `localization` object (Clerk option or component prop) may
//! override any of them by key, e.g. `{ signOut: "Abmelden", switchTo: "Zu {email} wechseln" }`.

use super::props::Props;
use wasm_bindgen::JsValue;

/// One string of the components; its key is the camelCase name of the variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Text {
    /// UserButton trigger, closed.
    OpenUserMenu,
    /// UserButton trigger, open.
    CloseUserMenu,
    /// The UserButton panel's dialog name.
    AccountPanel,
    /// Opens `userProfileUrl`.
    ManageAccount,
    /// Signs out of the active account.
    SignOut,
    /// The group of the other accounts.
    SwitchAccount,
    /// One other account (`{email}`).
    SwitchTo,
    /// Adds an account.
    AddAccount,
    /// Signs out of every account.
    SignOutAll,
    /// SignIn's dialog name, heading and submit button, and the link to it.
    SignIn,
    /// SignUp's dialog name and heading, and the link to it.
    SignUp,
    /// The account chooser's heading.
    ChooseAnAccount,
    /// One signed-in account in the chooser (`{email}`).
    ContinueAs,
    /// Leaves the chooser for the form.
    UseAnotherAccount,
    /// Email field label.
    EmailAddress,
    /// Password field label.
    Password,
    /// Starts the passwordless flow.
    EmailMeACode,
    /// Code field label.
    VerificationCode,
    /// Submits the code.
    Verify,
    /// Sends another code.
    ResendCode,
    /// Tells where the code went (`{email}`).
    CodeSentTo,
    /// Goes back to the previous step.
    Back,
    /// First name field label.
    FirstName,
    /// Last name field label.
    LastName,
    /// SignUp's submit button.
    CreateAccount,
    /// Before the link to SignUp.
    NoAccount,
    /// Before the link to SignIn.
    HaveAccount,
    /// Closes a modal.
    Close,
    /// The sign-in form was submitted without a password.
    PasswordRequired,
}

impl Text {
    /// Every string, for reading overrides.
    const ALL: [Text; 29] = [
        Text::OpenUserMenu,
        Text::CloseUserMenu,
        Text::AccountPanel,
        Text::ManageAccount,
        Text::SignOut,
        Text::SwitchAccount,
        Text::SwitchTo,
        Text::AddAccount,
        Text::SignOutAll,
        Text::SignIn,
        Text::SignUp,
        Text::ChooseAnAccount,
        Text::ContinueAs,
        Text::UseAnotherAccount,
        Text::EmailAddress,
        Text::Password,
        Text::EmailMeACode,
        Text::VerificationCode,
        Text::Verify,
        Text::ResendCode,
        Text::CodeSentTo,
        Text::Back,
        Text::FirstName,
        Text::LastName,
        Text::CreateAccount,
        Text::NoAccount,
        Text::HaveAccount,
        Text::Close,
        Text::PasswordRequired,
    ];

    /// The key in a `localization` object and the English default.
    fn entry(self) -> (&'static str, &'static str) {
        match self {
            Text::OpenUserMenu => ("openUserMenu", "Open user menu"),
            Text::CloseUserMenu => ("closeUserMenu", "Close user menu"),
            Text::AccountPanel => ("accountPanel", "Account panel"),
            Text::ManageAccount => ("manageAccount", "Manage account"),
            Text::SignOut => ("signOut", "Sign out"),
            Text::SwitchAccount => ("switchAccount", "Switch account"),
            Text::SwitchTo => ("switchTo", "Switch to {email}"),
            Text::AddAccount => ("addAccount", "Add account"),
            Text::SignOutAll => ("signOutAll", "Sign out of all accounts"),
            Text::SignIn => ("signIn", "Sign in"),
            Text::SignUp => ("signUp", "Sign up"),
            Text::ChooseAnAccount => ("chooseAnAccount", "Choose an account"),
            Text::ContinueAs => ("continueAs", "Continue as {email}"),
            Text::UseAnotherAccount => ("useAnotherAccount", "Use another account"),
            Text::EmailAddress => ("emailAddress", "Email address"),
            Text::Password => ("password", "Password"),
            Text::EmailMeACode => ("emailMeACode", "Email me a code"),
            Text::VerificationCode => ("verificationCode", "Verification code"),
            Text::Verify => ("verify", "Verify"),
            Text::ResendCode => ("resendCode", "Resend code"),
            Text::CodeSentTo => ("codeSentTo", "We sent a code to {email}"),
            Text::Back => ("back", "Back"),
            Text::FirstName => ("firstName", "First name"),
            Text::LastName => ("lastName", "Last name"),
            Text::CreateAccount => ("createAccount", "Create account"),
            Text::NoAccount => ("noAccount", "Don't have an account?"),
            Text::HaveAccount => ("haveAccount", "Already have an account?"),
            Text::Close => ("close", "Close"),
            Text::PasswordRequired => ("passwordRequired", "Enter your password."),
        }
    }
}

/// The strings in effect: English defaults with overrides.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Strings {
    /// Overridden strings.
    overrides: Vec<(Text, String)>,
}

impl Strings {
    /// Adds the overrides of a `localization` object (later calls win; non-string values are warned about).
    pub(crate) fn overlay(&mut self, localization: &JsValue) {
        let props = Props::new(localization, "localization");
        for text in Text::ALL {
            if let Some(value) = props.string(text.entry().0) {
                self.set(text, value);
            }
        }
    }

    /// Overrides one string.
    fn set(&mut self, text: Text, value: String) {
        match self.overrides.iter_mut().find(|(t, _)| *t == text) {
            Some(slot) => slot.1 = value,
            None => self.overrides.push((text, value)),
        }
    }

    /// The string for `text`.
    pub(crate) fn get(&self, text: Text) -> &str {
        self.overrides
            .iter()
            .find(|(t, _)| *t == text)
            .map_or(text.entry().1, |(_, v)| v.as_str())
    }

    /// The string for `text` with `{email}` replaced by `email`.
    pub(crate) fn with_email(&self, text: Text, email: &str) -> String {
        self.get(text).replace("{email}", email)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_contract_names() {
        let s = Strings::default();
        assert_eq!(s.get(Text::OpenUserMenu), "Open user menu");
        assert_eq!(s.with_email(Text::SwitchTo, "a@b.c"), "Switch to a@b.c");
        assert_eq!(s.with_email(Text::ContinueAs, "a@b.c"), "Continue as a@b.c");
        assert_eq!(s.get(Text::SignOutAll), "Sign out of all accounts");
    }

    #[test]
    fn keys_are_unique() {
        let mut keys: Vec<&str> = Text::ALL.iter().map(|t| t.entry().0).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), Text::ALL.len());
    }

    #[test]
    fn overrides_replace_one_string_and_later_wins() {
        let mut s = Strings::default();
        s.set(Text::SignOut, "Abmelden".into());
        s.set(Text::SignOut, "Se déconnecter".into());
        assert_eq!(s.get(Text::SignOut), "Se déconnecter");
        assert_eq!(s.get(Text::SignIn), "Sign in");
        s.set(Text::SwitchTo, "Zu {email} wechseln".into());
        assert_eq!(s.with_email(Text::SwitchTo, "x@y.z"), "Zu x@y.z wechseln");
    }
}
