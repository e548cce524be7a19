//! Anchoring a popover panel to its trigger and keeping it inside the viewport (pure arithmetic; the panel is
//! `position: fixed`, and its `top`/`left` are set through the CSSOM, which the CSP allows).

use crate::adapters::reflect;
use wasm_bindgen::JsValue;
use web_sys::{CssStyleDeclaration, Element};

/// Space between the trigger and the panel, and between the panel and the viewport edge, in CSS pixels.
const GAP: f64 = 8.0;

/// A rectangle in viewport coordinates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Rect {
    /// Left edge.
    pub(crate) left: f64,
    /// Top edge.
    pub(crate) top: f64,
    /// Width.
    pub(crate) width: f64,
    /// Height.
    pub(crate) height: f64,
}

/// Where the panel goes: below the trigger (above when it only fits there), its inline-end edge aligned with the
/// trigger's (right edges in LTR, left edges in RTL), then clamped into the viewport. Returns `(left, top)`.
pub(crate) fn place(
    trigger: Rect,
    panel: (f64, f64),
    viewport: (f64, f64),
    rtl: bool,
) -> (f64, f64) {
    let (width, height) = panel;
    let (vw, vh) = viewport;
    let left = if rtl {
        trigger.left
    } else {
        trigger.left + trigger.width - width
    };
    let below = trigger.top + trigger.height + GAP;
    let above = trigger.top - GAP - height;
    let top = if below + height + GAP > vh && above >= GAP {
        above
    } else {
        below
    };
    (
        clamp(left, GAP, vw - width - GAP),
        clamp(top, GAP, vh - height - GAP),
    )
}

/// `value` within `[min, max]`, preferring `min` when the range is empty (a panel larger than the viewport).
fn clamp(value: f64, min: f64, max: f64) -> f64 {
    value.min(max).max(min)
}

/// The viewport rectangle of an element.
fn rect_of(el: &Element) -> Rect {
    // Read with `Reflect` like the other numbers here: fewer distinct imports in the build.
    let r: JsValue = el.get_bounding_client_rect().into();
    Rect {
        left: number(&r, "left"),
        top: number(&r, "top"),
        width: number(&r, "width"),
        height: number(&r, "height"),
    }
}

/// A number property of a value (`innerWidth`, ...), 0 when missing.
fn number(value: &JsValue, key: &str) -> f64 {
    reflect::number(value, key).unwrap_or(0.0)
}

/// Positions `panel` next to `trigger` inside the viewport of their window.
pub(crate) fn anchor(panel: &Element, trigger: &Element) {
    let document: Option<JsValue> = reflect::object(panel, "ownerDocument");
    let Some(window) = document.and_then(|d| reflect::object::<web_sys::Window>(&d, "defaultView"))
    else {
        return;
    };
    let viewport = (
        number(&window, "innerWidth"),
        number(&window, "innerHeight"),
    );
    let rtl = window
        .get_computed_style(trigger)
        .ok()
        .flatten()
        .and_then(|s| s.get_property_value("direction").ok())
        .as_deref()
        == Some("rtl");
    // The layout size: the opening animation scales the panel, which the bounding rectangle would include.
    let size = (number(panel, "offsetWidth"), number(panel, "offsetHeight"));
    let (left, top) = place(rect_of(trigger), size, viewport, rtl);
    let Some(style) = reflect::object::<CssStyleDeclaration>(panel, "style") else {
        return;
    };
    // Whole pixels: formatting floats would pull the float formatter into the binary.
    let px = |v: f64| format!("{}px", v.round() as i64);
    let _ = style.set_property("left", &px(left));
    let _ = style.set_property("top", &px(top));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 40×40 trigger at (x, y).
    fn trigger(x: f64, y: f64) -> Rect {
        Rect {
            left: x,
            top: y,
            width: 40.0,
            height: 40.0,
        }
    }

    #[test]
    fn below_the_trigger_with_right_edges_aligned() {
        assert_eq!(
            place(trigger(900.0, 10.0), (300.0, 200.0), (1000.0, 800.0), false),
            (640.0, 58.0)
        );
    }

    #[test]
    fn rtl_aligns_left_edges() {
        assert_eq!(
            place(trigger(20.0, 10.0), (300.0, 200.0), (1000.0, 800.0), true),
            (20.0, 58.0)
        );
    }

    #[test]
    fn kept_inside_the_viewport_horizontally() {
        // A trigger at the left edge in LTR would push the panel off-screen to the left.
        assert_eq!(
            place(trigger(0.0, 10.0), (300.0, 200.0), (1000.0, 800.0), false).0,
            8.0
        );
        // A trigger at the right edge in RTL would push it off to the right.
        assert_eq!(
            place(trigger(980.0, 10.0), (300.0, 200.0), (1000.0, 800.0), true).0,
            692.0
        );
    }

    #[test]
    fn flips_above_when_only_there_is_room() {
        assert_eq!(
            place(
                trigger(500.0, 700.0),
                (300.0, 200.0),
                (1000.0, 800.0),
                false
            )
            .1,
            492.0
        );
        // Room nowhere: pinned to the top margin rather than cut off at the top.
        assert_eq!(
            place(
                trigger(500.0, 100.0),
                (300.0, 900.0),
                (1000.0, 800.0),
                false
            )
            .1,
            8.0
        );
    }
}
