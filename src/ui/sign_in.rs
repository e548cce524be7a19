//! SignIn's screens: the account chooser (multi-session mode with accounts signed in), the email + password form
//! with "Email me a code", and the emailed-code step.

use super::avatar::{self, Account};
use super::dom::El;
use super::env::Env;
use super::events::Action;
use super::flow_state::Flow;
use super::form::{self, Input};
use super::localization::Text;
use super::screens::{shows_chooser, Field, Screen};
use crate::core::wire::Session;
use std::rc::Rc;

/// Appends the current SignIn screen to `into`.
pub(crate) fn view(flow: &Flow, env: &Env, into: &El) {
    let sessions = env.controller.signed_in_sessions();
    let multi = env.controller.is_multi_session();
    if shows_chooser(&flow.screen, flow.add_account, multi, sessions.len()) {
        return chooser(flow, env, &sessions, into);
    }
    if let Screen::SignInCode { .. } = flow.screen {
        return form::code_screen(flow, env, Text::SignIn, into);
    }
    let chooser_behind = shows_chooser(&Screen::Start, flow.add_account, multi, sessions.len());
    password_form(flow, env, chooser_behind, into);
}

/// "Choose an account": one button per signed-in account, then "Use another account".
fn chooser(flow: &Flow, env: &Env, sessions: &[Rc<Session>], into: &El) {
    let (dom, s) = (&env.dom, &env.strings);
    let choices = dom.el("div").class("cw-choices");
    for (i, session) in sessions.iter().enumerate() {
        let account = Account::of(session);
        let button = avatar::account_button(
            env,
            &account,
            Action::Continue,
            Text::ContinueAs,
            &flow.failed_images,
        );
        choices.push(if i == 0 {
            button.attr("data-cw-autofocus", "")
        } else {
            button
        });
    }
    let another = avatar::plus_button(env, Action::UseAnother, "cw-item", Text::UseAnotherAccount);
    into.push(form::title(env, s.get(Text::ChooseAnAccount)));
    into.push(choices.child(another));
    into.push(form::footer(
        env,
        Text::NoAccount,
        Action::ToSignUp,
        Text::SignUp,
    ));
}

/// Email and password, "Sign in", "Email me a code" (and "Back" to the chooser when there is one).
fn password_form(flow: &Flow, env: &Env, chooser_behind: bool, into: &El) {
    let email = Input {
        field: Field::Email,
        label: Text::EmailAddress,
        kind: "email",
        autocomplete: "username",
        autofocus: true,
    };
    let password = Input {
        field: Field::Password,
        label: Text::Password,
        kind: "password",
        autocomplete: "current-password",
        autofocus: false,
    };
    let fields = form::form(flow, env)
        .child(form::field(flow, env, email))
        .child(form::field(flow, env, password))
        .child(form::submit(env, Text::SignIn))
        .child(form::secondary(env, Action::EmailCode, Text::EmailMeACode));
    if chooser_behind {
        fields.push(form::secondary(env, Action::Back, Text::Back));
    }
    let footer = form::footer(env, Text::NoAccount, Action::ToSignUp, Text::SignUp);
    form::screen(flow, env, into, Text::SignIn, None, fields, footer);
}
