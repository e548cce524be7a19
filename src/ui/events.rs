//! DOM events as the components read them. Markup names what a control does with `data-cw-action` (and
//! `data-cw-arg`), so one delegated listener per event type serves the whole component. Event fields are read with
//! `Reflect`, so a synthetic or unusual event can never make a typed getter throw.

use crate::adapters::reflect;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, Event, Node};

/// One event delivered to a component.
pub(crate) struct UiEvent {
    /// The DOM event.
    event: Event,
}

/// `event[key]` as a string.
fn string_field(value: &JsValue, key: &str) -> Option<String> {
    reflect::string(value, key)
}

/// A node's `nodeType` (`None` for what is not a node, such as the window).
fn node_type(value: &JsValue) -> Option<u16> {
    reflect::number(value, "nodeType").map(|n| n as u16)
}

impl UiEvent {
    /// Wraps a DOM event.
    pub(crate) fn new(event: Event) -> Self {
        UiEvent { event }
    }

    /// The event type (`click`, `keydown`, ...).
    pub(crate) fn kind(&self) -> String {
        reflect::string(&self.event, "type").unwrap_or_default()
    }

    /// The element the event targets (a text node's parent for text targets).
    pub(crate) fn target(&self) -> Option<Element> {
        let node: JsValue = reflect::object(&self.event, "target")?;
        if node_type(&node) == Some(Node::ELEMENT_NODE) {
            Some(node.unchecked_into())
        } else {
            reflect::object(&node, "parentElement")
        }
    }

    /// The `(data-cw-action, data-cw-arg)` of the closest element that has an action.
    pub(crate) fn action(&self) -> Option<(String, Option<String>)> {
        let el = self.target()?.closest("[data-cw-action]").ok()??;
        let action = el.get_attribute("data-cw-action")?;
        Some((action, el.get_attribute("data-cw-arg")))
    }

    /// Whether the target is inside the element marked `data-cw-part="<part>"`.
    pub(crate) fn within(&self, part: &str) -> bool {
        self.target()
            .and_then(|t| t.closest(&super::part_selector(part)).ok().flatten())
            .is_some()
    }

    /// Whether the target is `root` or inside it.
    pub(crate) fn inside(&self, root: &Element) -> bool {
        // `contains` throws for a non-node (the window), so check what the target is first.
        let target: Option<JsValue> = reflect::object(&self.event, "target");
        target.is_some_and(|t| {
            node_type(&t).is_some_and(|n| n != 0) && root.contains(Some(t.unchecked_ref()))
        })
    }

    /// `KeyboardEvent.key` (`None` for other events).
    pub(crate) fn key(&self) -> Option<String> {
        string_field(&self.event, "key")
    }

    /// Whether Shift was held.
    pub(crate) fn shift(&self) -> bool {
        reflect::boolean(&self.event, "shiftKey") == Some(true)
    }

    /// The `name` and current `value` of the input the event targets.
    pub(crate) fn input(&self) -> Option<(String, String)> {
        let target = self.target()?;
        Some((
            string_field(&target, "name")?,
            string_field(&target, "value")?,
        ))
    }

    /// The `src` of the image the event targets.
    pub(crate) fn image_src(&self) -> Option<String> {
        let target = self.target()?;
        let tag = reflect::string(&target, "tagName").unwrap_or_default();
        if tag.eq_ignore_ascii_case("img") {
            target.get_attribute("src")
        } else {
            None
        }
    }

    /// Stops the browser's default handling (form submission, Tab moving focus, ...).
    pub(crate) fn prevent_default(&self) {
        self.event.prevent_default();
    }
}
