//! The components (UserButton, SignIn, SignUp and their modals), rendered from Rust into the DOM with web-sys.
//!
//! Each component is a [`runtime::Component`]: a function from state to DOM whose events become messages. This
//! module keeps the mount registry: one component per host element (mounting again replaces it), and unmounting
//! removes every node and listener the component made.

mod appearance;
mod avatar;
mod dom;
mod events;
mod flow;
mod focus;
mod form;
mod localization;
mod modal;
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
use localization::Strings;
use props::Props;
use runtime::{Env, Runtime};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, Node};

pub(crate) use screens::Start;

/// Which component a host holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `mountUserButton`.
    UserButton,
    /// `mountSignIn` / `mountSignUp`.
    Flow(Start),
    /// `openSignIn` / `openSignUp`.
    Modal(Start),
}

/// One mounted component.
struct Entry {
    /// Where it is mounted.
    host: Element,
    /// What it is.
    kind: Kind,
    /// The component.
    mounted: Rc<Runtime>,
}

thread_local! {
    /// Every mounted component of this page.
    static MOUNTS: RefCell<Vec<Entry>> = const { RefCell::new(Vec::new()) };
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
        mounted: MOUNTS.with(|m| m.borrow().len()),
        listeners: dom::live_listeners(),
    }
}

/// An element of a component marked `data-cw-part`, which focus handling, hit tests and layout look for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    /// The SignIn/SignUp card (the dialog in a modal).
    Dialog,
    /// The UserButton's panel.
    Panel,
    /// The UserButton's trigger.
    Trigger,
}

impl Part {
    /// Every part.
    #[cfg(test)]
    const ALL: [Part; 3] = [Part::Dialog, Part::Panel, Part::Trigger];

    /// The `data-cw-part` value.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Part::Dialog => "dialog",
            Part::Panel => "panel",
            Part::Trigger => "trigger",
        }
    }

    /// The selector of the element marked with this part (a literal: no string building at run time).
    pub(crate) fn selector(self) -> &'static str {
        match self {
            Part::Dialog => "[data-cw-part=\"dialog\"]",
            Part::Panel => "[data-cw-part=\"panel\"]",
            Part::Trigger => "[data-cw-part=\"trigger\"]",
        }
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
        id: format!("cw{id}"),
    }))
}

/// Records a new mount, replacing whatever `host` held.
fn register(host: Element, kind: Kind, mounted: Rc<Runtime>) {
    unmount_host(&host);
    MOUNTS.with(|m| {
        m.borrow_mut().push(Entry {
            host,
            kind,
            mounted,
        })
    });
}

/// Unmounts entries chosen by `pick` (outside the registry borrow: unmounting runs component code). `&dyn`: one
/// copy of this code in the binary rather than one per caller.
fn unmount_where(pick: &dyn Fn(&Entry) -> bool) {
    let removed: Vec<Entry> = MOUNTS.with(|m| {
        let mut all = m.borrow_mut();
        let (removed, kept) = std::mem::take(&mut *all).into_iter().partition(|e| pick(e));
        *all = kept;
        removed
    });
    for entry in removed {
        entry.mounted.unmount();
    }
}

/// Unmounts whatever is mounted in `host`.
pub(crate) fn unmount_host(host: &Element) {
    unmount_where(&|e| e.host == *host);
}

/// Unmounts the `kind` component mounted in `host` (nothing when `host` holds another kind or nothing).
pub(crate) fn unmount(kind: Kind, host: &JsValue) {
    match as_element(host) {
        Some(host) => unmount_where(&|e| e.host == host && e.kind == kind),
        None => page::warn("unmount: the argument is not an element"),
    }
}

/// Unmounts every modal opened as `kind`.
pub(crate) fn close_modal(kind: Kind) {
    unmount_where(&|e| e.kind == kind);
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
    register(host, kind, mounted);
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

#[cfg(test)]
mod tests {
    use super::Part;

    #[test]
    fn part_selectors_select_the_marked_element() {
        for part in Part::ALL {
            assert_eq!(
                part.selector(),
                ["[data-cw-part=\"", part.name(), "\"]"].concat()
            );
        }
    }
}
