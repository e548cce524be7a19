//! Tiny element builders and event-listener guards. Text reaches the DOM only as text nodes and attribute values,
//! never as HTML, and never as a `style` attribute (the strict CSP forbids those).
//!
//! Everything works in the host element's own document (an iframe's elements are built by the iframe's document),
//! and nothing relies on `instanceof` checks, which fail across documents.

use super::events::Action;
use crate::adapters::reflect;
use std::cell::Cell;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, Event, EventTarget};

#[wasm_bindgen]
extern "C" {
    /// A document, for the one call below.
    type ElementFactory;

    /// `document.createElement(tag)`, declared without `catch` (unlike web-sys's): it throws only for an invalid
    /// tag name, and ours are literals, so every caller is spared a `Result` and its error paths.
    #[wasm_bindgen(method, js_name = createElement)]
    fn create_element(this: &ElementFactory, tag: &str) -> Element;
}

thread_local! {
    /// Event listeners the components registered and have not removed yet (the leak checks read it).
    static LIVE_LISTENERS: Cell<usize> = const { Cell::new(0) };
}

/// How many component listeners (DOM and controller) are registered right now.
pub(crate) fn live_listeners() -> usize {
    LIVE_LISTENERS.with(Cell::get)
}

/// Counts a registered listener.
pub(crate) fn track_listener() {
    LIVE_LISTENERS.with(|n| n.set(n.get() + 1));
}

/// Counts a removed listener.
pub(crate) fn untrack_listener() {
    LIVE_LISTENERS.with(|n| n.set(n.get().saturating_sub(1)));
}

/// Builds elements in one document.
#[derive(Clone)]
pub(crate) struct Dom {
    /// The document the host element belongs to.
    doc: Document,
}

impl Dom {
    /// The builder for `el`'s document (`None` for a node without one).
    pub(crate) fn of(el: &Element) -> Option<Dom> {
        reflect::object(el, "ownerDocument").map(|doc| Dom { doc })
    }

    /// The document.
    pub(crate) fn document(&self) -> &Document {
        &self.doc
    }

    /// A new element (`tag` is one of our literals; see [`ElementFactory`]).
    pub(crate) fn el(&self, tag: &str) -> El {
        El(self
            .doc
            .unchecked_ref::<ElementFactory>()
            .create_element(tag))
    }

    /// A `<button type="button">` of `class` that sends `action` (see [`super::events::UiEvent::action`]).
    pub(crate) fn button(&self, action: Action, class: &str) -> El {
        self.el("button")
            .attr("type", "button")
            .attr("data-cw-action", action.name())
            .class(class)
    }
}

/// An element under construction. Attribute names are literals from this crate, so setting them cannot fail and
/// the results are ignored.
pub(crate) struct El(Element);

impl El {
    /// Sets an attribute (`style` is refused: the CSP forbids it; styling goes through the stylesheet).
    pub(crate) fn attr(self, name: &str, value: &str) -> Self {
        if name != "style" {
            let _ = self.0.set_attribute(name, value);
        }
        self
    }

    /// Sets the `value` property (not the attribute: typed text, passwords included, stays out of the markup).
    pub(crate) fn value(self, value: &str) -> Self {
        reflect::set(&self.0, "value", &JsValue::from_str(value));
        self
    }

    /// Sets the `class` attribute.
    pub(crate) fn class(self, class: &str) -> Self {
        self.attr("class", class)
    }

    /// Sets the text, the element's only content (`textContent`: user text is never parsed as HTML).
    pub(crate) fn text(self, text: &str) -> Self {
        self.0.set_text_content(Some(text));
        self
    }

    /// Appends a child.
    pub(crate) fn child(self, child: El) -> Self {
        let _ = self.0.append_with_node_1(&child.0);
        self
    }

    /// Appends a child to an element already placed (views fill their parent this way).
    pub(crate) fn push(&self, child: El) {
        let _ = self.0.append_with_node_1(&child.0);
    }

    /// The finished element.
    pub(crate) fn build(self) -> Element {
        self.0
    }
}

impl std::ops::Deref for El {
    type Target = Element;

    fn deref(&self) -> &Element {
        &self.0
    }
}

/// A registered event listener; dropping it removes the listener (and frees its closure).
pub(crate) struct Listener {
    /// Where it is registered.
    target: EventTarget,
    /// The event type.
    kind: &'static str,
    /// Whether it listens in the capture phase.
    capture: bool,
    /// The callback.
    callback: Closure<dyn FnMut(Event)>,
}

impl Listener {
    /// Calls `handler` for every `kind` event reaching `target` (`None` when the browser refused the listener).
    pub(crate) fn add(
        target: &EventTarget,
        kind: &'static str,
        capture: bool,
        handler: impl FnMut(Event) + 'static,
    ) -> Option<Listener> {
        let callback = Closure::<dyn FnMut(Event)>::new(handler);
        target
            .add_event_listener_with_callback_and_bool(
                kind,
                callback.as_ref().unchecked_ref(),
                capture,
            )
            .ok()?;
        track_listener();
        Some(Listener {
            target: target.clone(),
            kind,
            capture,
            callback,
        })
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.target.remove_event_listener_with_callback_and_bool(
            self.kind,
            self.callback.as_ref().unchecked_ref(),
            self.capture,
        );
        untrack_listener();
    }
}
