//! Form pieces shared by SignIn and SignUp: headings, labelled inputs, the `role="alert"` error, the footer link.

use super::dom::El;
use super::flow::Flow;
use super::localization::Text;
use super::runtime::Env;
use super::screens::Field;

/// The screen's heading.
pub(crate) fn title(env: &Env, text: &str) -> El {
    env.dom.el("h1").class("cw-title").text(text)
}

/// A line under the heading.
pub(crate) fn subtitle(env: &Env, text: &str) -> El {
    env.dom.el("p").class("cw-subtitle").text(text)
}

/// The server's error, announced (`role="alert"`), when there is one.
pub(crate) fn alert(flow: &Flow, env: &Env) -> Option<El> {
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

/// The `<form>` around fields and buttons (`aria-busy` while a request is in flight).
pub(crate) fn form(flow: &Flow, env: &Env, children: Vec<El>) -> El {
    let form = env.dom.el("form").class("cw-form").attr("novalidate", "");
    let form = if flow.busy {
        form.attr("aria-busy", "true")
    } else {
        form
    };
    form.children(children)
}

/// The submit button.
pub(crate) fn submit(env: &Env, text: Text) -> El {
    let button = env
        .dom
        .el("button")
        .class("cw-primary")
        .attr("type", "submit");
    button
        .attr("data-cw-key", "submit")
        .text(env.strings.get(text))
}

/// A secondary button sending `action`.
pub(crate) fn secondary(env: &Env, action: &str, text: Text) -> El {
    env.dom
        .button(action, "cw-secondary")
        .attr("data-cw-key", action)
        .text(env.strings.get(text))
}

/// "<prompt> <link>" under the form (`action`: `to-sign-up` / `to-sign-in`).
pub(crate) fn footer(env: &Env, prompt: Text, action: &str, link: Text) -> El {
    let button = env
        .dom
        .button(action, "cw-link")
        .attr("data-cw-key", action)
        .text(env.strings.get(link));
    env.dom
        .el("p")
        .class("cw-footer")
        .child(env.dom.el("span").text(env.strings.get(prompt)))
        .child(button)
}

/// The emailed-code step under `heading`: where the code went, "Verification code", "Verify", "Resend code" and
/// "Back".
pub(crate) fn code_screen(flow: &Flow, env: &Env, heading: Text) -> Vec<El> {
    let code = Input {
        field: Field::Code,
        label: Text::VerificationCode,
        kind: "text",
        autocomplete: "one-time-code",
        autofocus: true,
    };
    let fields = vec![
        field(flow, env, code),
        submit(env, Text::Verify),
        secondary(env, "resend", Text::ResendCode),
    ];
    let sent_to = env
        .strings
        .with_email(Text::CodeSentTo, flow.value(Field::Email));
    let mut out = vec![
        title(env, env.strings.get(heading)),
        subtitle(env, &sent_to),
    ];
    out.extend(alert(flow, env));
    out.push(form(flow, env, fields));
    out.push(secondary(env, "back", Text::Back));
    out
}
