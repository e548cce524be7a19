//! SignUp's screens: first and last name, email address and password, then (when the instance requires email
//! verification) the emailed-code step.

use super::dom::El;
use super::flow::Flow;
use super::form::{self, Input};
use super::localization::Text;
use super::runtime::Env;
use super::screens::{Field, Screen};

/// The current SignUp screen.
pub(crate) fn view(flow: &Flow, env: &Env) -> Vec<El> {
    if let Screen::SignUpCode { .. } = flow.screen {
        return form::code_screen(flow, env, Text::SignUp);
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
    let fields = vec![
        names,
        form::field(
            flow,
            env,
            input(Field::Email, Text::EmailAddress, "email", "email", false),
        ),
        form::field(
            flow,
            env,
            input(
                Field::Password,
                Text::Password,
                "password",
                "new-password",
                false,
            ),
        ),
        form::submit(env, Text::CreateAccount),
    ];
    let mut out = vec![form::title(env, env.strings.get(Text::SignUp))];
    out.extend(form::alert(flow, env));
    out.push(form::form(flow, env, fields));
    out.push(form::footer(
        env,
        Text::HaveAccount,
        "to-sign-in",
        Text::SignIn,
    ));
    out
}
