//! The components (UserButton, SignIn, SignUp and their modals), rendered from Rust into the DOM with web-sys.
//!
//! Each component is a [`runtime::Component`]: a function from state to DOM whose events become messages. This
//! module keeps the mount registry: one component per host element (mounting again replaces it), and unmounting
//! removes every node and listener the component made.

mod appearance;
mod avatar;
mod card;
mod dom;
mod env;
mod events;
mod flow;
mod flow_state;
mod focus;
mod form;
mod localization;
mod modal;
mod mounts;
mod part;
mod position;
mod props;
mod runtime;
mod screens;
mod sign_in;
mod sign_up;
mod styles;
mod user_button;

use crate::adapters::{page, reflect};
use crate::clerk::Controller;
use appearance::Appearance;
use env::Env;
use localization::Strings;
use props::Props;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, Node};

pub(crate) use mounts::Kind;
pub(crate) use screens::Start;

thread_local! {
    /// The last id prefix handed out.
    static NEXT_ID: Cell<u32> = const { Cell::new(0) };
}

/// Counters for leak checks: components mounted and listeners (DOM and controller) registered by components.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UiStats {
    /// Components mounted.
    pub mounted: usize,
    /// Listeners registered.
    pub listeners: usize,
}

/// How many components and listeners are live right now (tests check that unmounting leaves none behind).
pub fn stats() -> UiStats {
    UiStats {
        mounted: mounts::count(),
        listeners: dom::live_listeners(),
    }
}

/// `value` as an element, when it is one (checked by `nodeType`, which works for any document's elements).
fn as_element(value: &JsValue) -> Option<Element> {
    let node_type = reflect::number(value, "nodeType")?;
    (value.is_object() && node_type == f64::from(Node::ELEMENT_NODE))
        .then(|| value.clone().unchecked_into())
}

/// The environment of a new mount in `host`'s document, with the Clerk options' and the props' looks and strings.
fn env(
    controller: &Controller,
    options: &JsValue,
    props: &JsValue,
    host: &Element,
) -> Option<Rc<Env>> {
    let dom = dom::Dom::of(host)?;
    let (options, props) = (
        Props::new(options, "Clerk options"),
        Props::new(props, "component props"),
    );
    let mut appearance = Appearance::default();
    let mut strings = Strings::default();
    for source in [&options, &props] {
        appearance.overlay(&source.raw("appearance"));
        strings.overlay(&source.raw("localization"));
    }
    let id = NEXT_ID.with(|n| {
        n.set(n.get().wrapping_add(1));
        n.get()
    });
    Some(Rc::new(Env {
        controller: controller.clone(),
        dom,
        strings,
        appearance,
        add_account: |env| modal::open(env, props::FlowProps::default(), Start::SignIn, true),
        id: format!("cw{id}"),
    }))
}

/// Unmounts the `kind` component mounted in `host` (nothing when `host` holds another kind or nothing).
pub(crate) fn unmount(kind: Kind, host: &JsValue) {
    match as_element(host) {
        Some(host) => mounts::unmount_where(&|e| e.host == host && e.kind == kind),
        None => page::warn("unmount: the argument is not an element"),
    }
}

/// Unmounts every modal opened as `kind`.
pub(crate) fn close_modal(kind: Kind) {
    mounts::unmount_where(&|e| e.kind == kind);
}

/// Mounts a component of `kind` into the element `host` (a warning, and nothing else, when it is not one).
pub(crate) fn mount(
    kind: Kind,
    controller: &Controller,
    options: &JsValue,
    host: &JsValue,
    props: &JsValue,
) {
    let Some(host) = as_element(host) else {
        page::warn("mount: the first argument is not an element");
        return;
    };
    let Some(env) = env(controller, options, props, &host) else {
        return;
    };
    let mounted = match kind {
        Kind::UserButton => user_button::mount(env, &host, props, options),
        Kind::Flow(start) => flow::mount(env, &host, props, start),
        Kind::Modal(start) => return open(controller, options, props, start),
    };
    mounts::register(host, kind, mounted);
}

/// Opens the SignIn or SignUp modal on the current page (replacing an open one).
pub(crate) fn open(controller: &Controller, options: &JsValue, props: &JsValue, start: Start) {
    let document: Option<JsValue> = web_sys::window().and_then(|w| reflect::object(&w, "document"));
    let Some(body) = document.and_then(|d| reflect::object::<Element>(&d, "body")) else {
        return;
    };
    let Some(env) = env(controller, options, props, &body) else {
        return;
    };
    let flow_props = props::FlowProps::read(props, "modal props");
    modal::open(env, flow_props, start, false);
}
