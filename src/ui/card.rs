//! The card around SignIn/SignUp: in the page, or inside a modal as a `role="dialog"` on its backdrop with a close
//! button.

use super::dom::El;
use super::env::Env;
use super::events::Action;
use super::flow_state::Flow;
use super::localization::Text;
use super::part::Part;

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
