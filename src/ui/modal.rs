//! The modal (`openSignIn`, `openSignUp`): the flow in a card (`card.rs`) on a backdrop, appended to `<body>`. Focus
//! moves in on open, Tab cycles inside, Escape, the close button and a click on the backdrop close it, and the focus
//! returns to where it was.

use super::env::Env;
use super::flow_state::Flow;
use super::focus::{self, Focus};
use super::mounts::{self, Kind};
use super::part::Part;
use super::props::FlowProps;
use super::runtime::Runtime;
use super::screens::Start;
use std::rc::Rc;

/// Opens a modal flow (closing any open one first); `add_account` skips the account chooser.
pub(crate) fn open(env: Rc<Env>, props: FlowProps, start: Start, add_account: bool) {
    mounts::unmount_where(&|e| matches!(e.kind, Kind::Modal(_)));
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
    mounts::register(host, Kind::Modal(start), runtime);
}
