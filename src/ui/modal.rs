//! The card around SignIn/SignUp, and the modal (`openSignIn`, `openSignUp`): a backdrop with a `role="dialog"`
//! card named "Sign in"/"Sign up", appended to `<body>`. Focus moves in on open, Tab cycles inside, Escape, the
//! close button and a click on the backdrop close it, and the focus returns to where it was.

use super::dom::El;
use super::events::Action;
use super::flow::Flow;
use super::focus::{self, Focus};
use super::localization::Text;
use super::props::FlowProps;
use super::runtime::{Env, Runtime};
use super::screens::Start;
use super::{Kind, Part};
use std::rc::Rc;

/// Appends the card holding the flow's content, drawn by `content`, to `into`; inside a modal, the dialog on its
/// backdrop.
pub(crate) fn frame(flow: &Flow, env: &Env, into: &El, content: impl FnOnce(&El)) {
    let s = &env.strings;
    let card = env
        .dom
        .el("div")
        .class("cw-card")
        .attr("data-cw-part", Part::Dialog.name());
    if flow.modal.is_none() {
        content(&card);
        return into.push(card);
    }
    let name = if flow.screen.is_sign_up() {
        Text::SignUp
    } else {
        Text::SignIn
    };
    let close = env
        .button(Action::Close, "cw-close")
        .attr("aria-label", s.get(Text::Close))
        .child(env.dom.el("span").attr("aria-hidden", "true").text("×"));
    let dialog = card
        .attr("role", "dialog")
        .attr("aria-modal", "true")
        .attr("aria-label", s.get(name))
        .child(close);
    content(&dialog);
    let overlay = env
        .dom
        .el("div")
        .class("cw-overlay")
        .attr("data-cw-action", Action::Backdrop.name());
    into.push(overlay.child(dialog));
}

/// Opens a modal flow (closing any open one first); `add_account` skips the account chooser.
pub(crate) fn open(env: Rc<Env>, props: FlowProps, start: Start, add_account: bool) {
    super::unmount_where(&|e| matches!(e.kind, Kind::Modal(_)));
    let doc = env.dom.document().clone();
    let Some(body) = crate::adapters::reflect::object::<web_sys::Element>(&doc, "body") else {
        return;
    };
    let restore = focus::origin(&doc);
    let host = env.dom.el("div").class("cw-modal-host").build();
    if body.append_with_node_1(&host).is_err() {
        return;
    }
    let flow = Flow::new(props, start, Some(restore), add_account);
    let runtime = Runtime::start(env, host.clone(), true, flow);
    runtime.focus(Focus::First(Part::Dialog));
    super::register(host, Kind::Modal(start), runtime);
}
