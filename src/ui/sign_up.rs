//! SignUp's screens: first and last name, email address and password, then (when the instance requires email
//! verification) the emailed-code step.

use super::dom::El;
use super::env::Env;
use super::events::Action;
use super::flow_state::Flow;
use super::form::{self, Input};
use super::localization::Text;
use super::screens::{Field, Screen};

/// Appends the current SignUp screen to `into`.
pub(crate) fn view(flow: &Flow, env: &Env, into: &El) {
    if let Screen::SignUpCode { .. } = flow.screen {
        return form::code_screen(flow, env, Text::SignUp, into);
    }
    let input = |field, label, kind, autocomplete, autofocus| Input {
        field,
        label,
        kind,
        autocomplete,
        autofocus,
    };
    let names = env
        .dom
        .el("div")
        .class("cw-row")
        .child(form::field(
            flow,
            env,
            input(
                Field::FirstName,
                Text::FirstName,
                "text",
                "given-name",
                true,
            ),
        ))
        .child(form::field(
            flow,
            env,
            input(
                Field::LastName,
                Text::LastName,
                "text",
                "family-name",
                false,
            ),
        ));
    let fields = form::form(flow, env)
        .child(names)
        .child(form::field(
            flow,
            env,
            input(Field::Email, Text::EmailAddress, "email", "email", false),
        ))
        .child(form::field(
            flow,
            env,
            input(
                Field::Password,
                Text::Password,
                "password",
                "new-password",
                false,
            ),
        ))
        .child(form::submit(env, Text::CreateAccount));
    let footer = form::footer(env, Text::HaveAccount, Action::ToSignIn, Text::SignIn);
    form::screen(flow, env, into, Text::SignUp, None, fields, footer);
}
