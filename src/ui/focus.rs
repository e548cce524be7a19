//! Focus: keeping it on "the same" control across re-renders (controls carry a stable `data-cw-key`), moving it
//! into a panel or dialog, cycling Tab / Shift+Tab inside one, and restoring it when a dialog closes.

use super::part::Part;
use crate::adapters::reflect;
use js_sys::Array;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, HtmlElement};

/// The controls Tab stops at.
const FOCUSABLE: &str = "button:not([disabled]), input:not([disabled]):not([type=\"hidden\"]), a[href], \
                         select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex=\"-1\"])";

/// Where focus should go after a render.
pub(crate) enum Focus {
    /// The control with this `data-cw-key`.
    Key(&'static str),
    /// The control marked `data-cw-autofocus`, else the first control, inside the element marked
    /// `data-cw-part="<part>"`.
    First(Part),
    /// The next (or, with `back`, previous) control inside the part, wrapping around.
    Cycle {
        /// The part to cycle in.
        part: Part,
        /// Shift+Tab.
        back: bool,
    },
}

/// The focused element of `doc`, if any.
fn active(doc: &Document) -> Option<Element> {
    reflect::object(doc, "activeElement")
}

/// Whether `el` is in its document.
fn connected(el: &Element) -> bool {
    reflect::boolean(el, "isConnected") == Some(true)
}

/// Focuses `el` if it is still in its document (e.g. what had the focus before a dialog opened).
fn focus_element(el: &Element) {
    if connected(el) {
        let _ = el.unchecked_ref::<HtmlElement>().focus();
    }
}

/// Where the focus was before a dialog opened: the element and, when it is one of our controls, its component
/// root and key (components re-render, so by the time the dialog closes the control may be a new element).
pub(crate) struct Origin {
    /// The focused element.
    el: Element,
    /// Its component root and `data-cw-key`, if it has them.
    control: Option<(Element, String)>,
}

/// Remembers what has the focus in `doc`.
pub(crate) fn origin(doc: &Document) -> Option<Origin> {
    let el = active(doc)?;
    let root = el.closest(".cw-root").ok().flatten();
    let control = root.zip(el.get_attribute("data-cw-key"));
    Some(Origin { el, control })
}

/// Gives the focus back to `origin` (or to the control that replaced it).
pub(crate) fn return_to(origin: &Origin) {
    if connected(&origin.el) {
        return focus_element(&origin.el);
    }
    if let Some(el) = origin
        .control
        .as_ref()
        .and_then(|(root, key)| find_key(root, key))
    {
        focus_element(&el);
    }
}

/// The elements inside `container` matching `selector`, in document order (empty for an invalid selector).
/// `Array.from` reads the `NodeList`, which spares the build `NodeList`'s own `length`/`item` imports.
fn elements(container: &Element, selector: &str) -> Array {
    match container.query_selector_all(selector) {
        Ok(list) => Array::from(&list),
        Err(_) => Array::new(),
    }
}

/// The focusable controls inside `container`, in document order.
fn focusables(container: &Element) -> Array {
    elements(container, FOCUSABLE)
}

/// The element marked as `part` inside `root` (or `root` itself).
fn find_part(root: &Element, part: Part) -> Option<Element> {
    let selector = part.selector();
    // `closest` finds `root` itself when it matches (sparing the build `matches`, a second import).
    match root.closest(selector) {
        Ok(Some(el)) if el == *root => Some(el),
        _ => root.query_selector(selector).ok().flatten(),
    }
}

/// The position after `current` among `count` items, wrapping (`None` current: the first, or the last going back).
pub(crate) fn cycle_index(current: Option<usize>, count: usize, back: bool) -> Option<usize> {
    if count == 0 {
        return None;
    }
    Some(match (current, back) {
        (None, false) => 0,
        (None, true) => count - 1,
        (Some(i), false) => (i + 1) % count,
        (Some(i), true) => (i + count - 1) % count,
    })
}

/// Moves focus as `target` says, inside `root`.
pub(crate) fn apply(root: &Element, doc: &Document, target: Focus) {
    match target {
        Focus::Key(key) => {
            if let Some(el) = find_key(root, key) {
                focus_element(&el);
            }
        }
        Focus::First(name) => {
            let Some(container) = find_part(root, name) else {
                return;
            };
            let preferred = container
                .query_selector("[data-cw-autofocus]")
                .ok()
                .flatten();
            let first = || {
                focusables(&container)
                    .iter()
                    .next()
                    .map(JsCast::unchecked_into)
            };
            if let Some(el) = preferred.or_else(first) {
                focus_element(&el);
            }
        }
        Focus::Cycle { part: name, back } => {
            let Some(container) = find_part(root, name) else {
                return;
            };
            let list = focusables(&container);
            let current = active(doc).and_then(|a| {
                list.iter()
                    .position(|el| &el == AsRef::<JsValue>::as_ref(&a))
            });
            if let Some(i) = cycle_index(current, list.length() as usize, back) {
                focus_element(list.get(i as u32).unchecked_ref());
            }
        }
    }
}

/// The control with `data-cw-key="<key>"` inside `root`.
fn find_key(root: &Element, key: &str) -> Option<Element> {
    elements(root, "[data-cw-key]")
        .iter()
        .map(JsCast::unchecked_into::<Element>)
        .find(|el| el.get_attribute("data-cw-key").as_deref() == Some(key))
}

/// What had focus inside a root before a re-render: its key and, for inputs, the caret.
pub(crate) struct Saved {
    /// The focused control's `data-cw-key`.
    key: String,
    /// `selectionStart`/`selectionEnd` of a text input.
    selection: Option<(JsValue, JsValue)>,
}

/// Remembers the focused control inside `root`, if any.
pub(crate) fn save(root: &Element, doc: &Document) -> Option<Saved> {
    let el = active(doc).filter(|a| root.contains(Some(a)))?;
    let key = el.get_attribute("data-cw-key")?;
    let start = reflect::get(&el, "selectionStart");
    let end = reflect::get(&el, "selectionEnd");
    let selection = start.zip(end).filter(|(s, _)| s.as_f64().is_some());
    Some(Saved { key, selection })
}

/// Focuses the re-rendered control that `saved` describes and puts the caret back.
pub(crate) fn restore(root: &Element, saved: Option<Saved>) {
    let Some(saved) = saved else {
        return;
    };
    let Some(el) = find_key(root, &saved.key) else {
        return;
    };
    focus_element(&el);
    if let Some((start, end)) = saved.selection {
        reflect::set(&el, "selectionStart", &start);
        reflect::set(&el, "selectionEnd", &end);
    }
}

#[cfg(test)]
mod tests {
    use super::cycle_index;

    #[test]
    fn tab_wraps_forward_and_back() {
        assert_eq!(cycle_index(Some(0), 3, false), Some(1));
        assert_eq!(cycle_index(Some(2), 3, false), Some(0));
        assert_eq!(cycle_index(Some(0), 3, true), Some(2));
        assert_eq!(cycle_index(Some(1), 3, true), Some(0));
    }

    #[test]
    fn from_outside_tab_enters_at_the_first_and_shift_tab_at_the_last() {
        assert_eq!(cycle_index(None, 3, false), Some(0));
        assert_eq!(cycle_index(None, 3, true), Some(2));
        assert_eq!(cycle_index(None, 0, false), None);
        assert_eq!(cycle_index(Some(0), 1, true), Some(0));
    }
}
