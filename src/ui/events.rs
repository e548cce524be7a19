//! DOM events as the components read them. Markup names what a control does with `data-cw-action` (and
//! `data-cw-arg`), so one delegated listener per event type serves the whole component. Event fields are read with
//! `Reflect`, so a synthetic or unusual event can never make a typed getter throw.

use js_sys::Reflect;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, Event, Node};

/// One event delivered to a component.
pub(crate) struct UiEvent {
    /// The DOM event.
    event: Event,
}

/// `event[key]` as a string.
fn string_field(value: &JsValue, key: &str) -> Option<String> {
    Reflect::get(value, &JsValue::from_str(key))
        .ok()?
        .as_string()
}

impl UiEvent {
    /// Wraps a DOM event.
    pub(crate) fn new(event: Event) -> Self {
        UiEvent { event }
    }

    /// The event type (`click`, `keydown`, ...).
    pub(crate) fn kind(&self) -> String {
        self.event.type_()
    }

    /// The element the event targets (a text node's parent for text targets).
    pub(crate) fn target(&self) -> Option<Element> {
        let node: Node = self.event.target()?.unchecked_into();
        if node.node_type() == Node::ELEMENT_NODE {
            Some(node.unchecked_into())
        } else {
            node.parent_element()
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
        let target = self.event.target().map(|t| t.unchecked_into::<Node>());
        target.is_some_and(|t| t.node_type() != 0 && root.contains(Some(&t)))
    }

    /// `KeyboardEvent.key` (`None` for other events).
    pub(crate) fn key(&self) -> Option<String> {
        string_field(&self.event, "key")
    }

    /// Whether Shift was held.
    pub(crate) fn shift(&self) -> bool {
        Reflect::get(&self.event, &JsValue::from_str("shiftKey"))
            .ok()
            .and_then(|v| v.as_bool())
            == Some(true)
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
        if target.tag_name().eq_ignore_ascii_case("img") {
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
