//! Form pieces shared by SignIn and SignUp: headings, labelled inputs, the `role="alert"` error, the footer link.

use super::dom::El;
use super::env::Env;
use super::events::Action;
use super::flow_state::Flow;
use super::localization::Text;
use super::screens::Field;

/// The screen's heading.
pub(crate) fn title(env: &Env, text: &str) -> El {
    env.dom.el("h1").class("cw-title").text(text)
}

/// The server's error, announced (`role="alert"`), when there is one.
fn alert(flow: &Flow, env: &Env) -> Option<El> {
    let Some(error) = &flow.error else {
        return None;
    };
    let alert = env
        .dom
        .el("div")
        .class("cw-alert")
        .attr("role", "alert")
        .attr("id", &env.id("error"));
    Some(alert.text(&error.message))
}

/// How an input is typed.
pub(crate) struct Input {
    /// Which field.
    pub(crate) field: Field,
    /// Its label.
    pub(crate) label: Text,
    /// `type`.
    pub(crate) kind: &'static str,
    /// `autocomplete`.
    pub(crate) autocomplete: &'static str,
    /// Gets the focus when the screen opens.
    pub(crate) autofocus: bool,
}

/// A labelled input holding the typed value, marked `aria-invalid` (and described by the alert) on error.
pub(crate) fn field(flow: &Flow, env: &Env, input: Input) -> El {
    let name = input.field.name();
    let id = env.id(name);
    let label = env
        .dom
        .el("label")
        .class("cw-label")
        .attr("for", &id)
        .text(env.strings.get(input.label));
    let mut el = env
        .dom
        .el("input")
        .class("cw-input")
        .attr("id", &id)
        .attr("name", name)
        .attr("type", input.kind)
        .attr("autocomplete", input.autocomplete)
        .attr("data-cw-key", name)
        .value(flow.value(input.field));
    if input.field == Field::Code {
        el = el.attr("inputmode", "numeric");
    }
    if input.autofocus {
        el = el.attr("data-cw-autofocus", "");
    }
    if flow.error.as_ref().is_some_and(|e| e.marks(input.field)) {
        el = el
            .attr("aria-invalid", "true")
            .attr("aria-describedby", &env.id("error"));
    }
    env.dom.el("div").class("cw-field").child(label).child(el)
}

/// The `<form>` for fields and buttons (`aria-busy` while a request is in flight).
pub(crate) fn form(flow: &Flow, env: &Env) -> El {
    let form = env.dom.el("form").class("cw-form").attr("novalidate", "");
    if flow.busy {
        form.attr("aria-busy", "true")
    } else {
        form
    }
}

/// Appends a form screen to `into`: the `heading`, the `subtitle` if any, the error if any, the `form`, then
/// `after`.
pub(crate) fn screen(
    flow: &Flow,
    env: &Env,
    into: &El,
    heading: Text,
    subtitle: Option<&str>,
    form: El,
    after: El,
) {
    into.push(title(env, env.strings.get(heading)));
    if let Some(text) = subtitle {
        into.push(env.dom.el("p").class("cw-subtitle").text(text));
    }
    if let Some(alert) = alert(flow, env) {
        into.push(alert);
    }
    into.push(form);
    into.push(after);
}

/// The submit button.
pub(crate) fn submit(env: &Env, text: Text) -> El {
    env.dom
        .el("button")
        .class("cw-primary")
        .attr("type", "submit")
        .attr("data-cw-key", "submit")
        .text(env.strings.get(text))
}

/// A secondary button sending `action`.
pub(crate) fn secondary(env: &Env, action: Action, text: Text) -> El {
    env.text_button(action, "cw-secondary", text)
}

/// "<prompt> <link>" under the form (`action`: to SignUp / to SignIn).
pub(crate) fn footer(env: &Env, prompt: Text, action: Action, link: Text) -> El {
    env.dom
        .el("p")
        .class("cw-footer")
        .child(env.dom.el("span").text(env.strings.get(prompt)))
        .child(env.text_button(action, "cw-link", link))
}

/// The emailed-code step under `heading`: where the code went, "Verification code", "Verify", "Resend code" and
/// "Back".
pub(crate) fn code_screen(flow: &Flow, env: &Env, heading: Text, into: &El) {
    let code = Input {
        field: Field::Code,
        label: Text::VerificationCode,
        kind: "text",
        autocomplete: "one-time-code",
        autofocus: true,
    };
    let fields = form(flow, env)
        .child(field(flow, env, code))
        .child(submit(env, Text::Verify))
        .child(secondary(env, Action::Resend, Text::ResendCode));
    let sent_to = env
        .strings
        .with_email(Text::CodeSentTo, flow.value(Field::Email));
    let back = secondary(env, Action::Back, Text::Back);
    screen(flow, env, into, heading, Some(&sent_to), fields, back);
}
