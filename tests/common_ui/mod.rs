//! Helpers for the component tests: host elements, finding controls by role and accessible name (computed the
//! simple way: `aria-labelledby`, `aria-label`, `label[for]`, else the text), user events, and test accounts.
#![allow(dead_code)] // each test binary uses a different subset

use super::common::*;
use clerk_wasm::Clerk;
use js_sys::{Array, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, HtmlElement};

/// The test page's document.
pub fn document() -> Document {
    window().document().expect("a document")
}

/// The page's body.
pub fn body() -> Element {
    document().body().expect("a body").into()
}

/// A fresh `<div>` appended to the body (marked, so the next [`fresh_page`] removes it if this test fails before
/// unmounting its component).
pub fn new_host() -> Element {
    let host = document().create_element("div").unwrap();
    host.set_attribute("data-test-host", "").unwrap();
    body().append_child(&host).unwrap();
    host
}

/// Text content with whitespace collapsed.
pub fn text(el: &Element) -> String {
    el.text_content()
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The text of `el` that counts for its accessible name: `aria-hidden` subtrees are skipped.
fn name_text(el: &Element) -> String {
    let raw = js(
        "el",
        "const out = []; const walk = n => { for (const c of n.childNodes) { \
           if (c.nodeType === 3) out.push(c.data); \
           else if (c.nodeType === 1 && c.getAttribute('aria-hidden') !== 'true') walk(c); } }; \
         walk(el); return out.join(' ');",
        &[el.into()],
    );
    raw.as_string()
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The accessible name, computed the simple way the components' markup allows.
pub fn accessible_name(el: &Element) -> String {
    let doc = document();
    if let Some(ids) = el.get_attribute("aria-labelledby") {
        let parts: Vec<String> = ids
            .split_whitespace()
            .filter_map(|id| doc.get_element_by_id(id))
            .map(|e| name_text(&e))
            .collect();
        return parts.join(" ");
    }
    if let Some(label) = el.get_attribute("aria-label") {
        return label.trim().to_string();
    }
    if !el.id().is_empty() {
        if let Ok(Some(label)) = doc.query_selector(&format!("label[for=\"{}\"]", el.id())) {
            return name_text(&label);
        }
    }
    if el.tag_name().eq_ignore_ascii_case("input") {
        return String::new();
    }
    name_text(el)
}

/// The role of an element: its `role` attribute, else the implicit role of its tag (password inputs, which have
/// no ARIA role, are reported as `"password"`).
pub fn role_of(el: &Element) -> Option<String> {
    if let Some(role) = el.get_attribute("role") {
        return Some(role);
    }
    let tag = el.tag_name().to_ascii_lowercase();
    let role = match tag.as_str() {
        "button" => "button",
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => "heading",
        "a" if el.has_attribute("href") => "link",
        "input" => match el.get_attribute("type").unwrap_or_default().as_str() {
            "password" => "password",
            "" | "text" | "email" => "textbox",
            _ => return None,
        },
        _ => return None,
    };
    Some(role.to_string())
}

/// Every element under `scope` with `role`.
pub fn all_by_role(scope: &Element, role: &str) -> Vec<Element> {
    let list = scope.query_selector_all("*").unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .map(|n| n.unchecked_into::<Element>())
        .filter(|el| role_of(el).as_deref() == Some(role))
        .collect()
}

/// The accessible names of every `role` element under `scope`.
pub fn names(scope: &Element, role: &str) -> Vec<String> {
    all_by_role(scope, role)
        .iter()
        .map(accessible_name)
        .collect()
}

/// The one `role` element named `name` under `scope`, if any (panics when there are several).
pub fn query_role(scope: &Element, role: &str, name: &str) -> Option<Element> {
    let found: Vec<Element> = all_by_role(scope, role)
        .into_iter()
        .filter(|el| accessible_name(el) == name)
        .collect();
    assert!(
        found.len() <= 1,
        "{} {role} elements named {name:?}",
        found.len()
    );
    found.into_iter().next()
}

/// The one `role` element named `name` under `scope`.
pub fn by_role(scope: &Element, role: &str, name: &str) -> Element {
    query_role(scope, role, name).unwrap_or_else(|| {
        panic!(
            "no {role} named {name:?}; {role}s present: {:?}",
            names(scope, role)
        )
    })
}

/// The one `role="alert"` element under `scope`.
pub fn the_alert(scope: &Element) -> Element {
    let mut alerts = all_by_role(scope, "alert");
    assert_eq!(alerts.len(), 1, "exactly one alert");
    alerts.remove(0)
}

/// Clicks like a user (`HTMLElement.click()`: the click event, and form submission for submit buttons).
pub fn click(el: &Element) {
    el.unchecked_ref::<HtmlElement>().click();
}

/// Types `value` into an input (sets it and fires `input`).
pub fn type_into(input: &Element, value: &str) {
    Reflect::set(input, &"value".into(), &value.into()).unwrap();
    js(
        "el",
        "el.dispatchEvent(new Event('input', { bubbles: true }))",
        &[input.into()],
    );
}

/// Dispatches a `keydown` of `key` on `el`; returns whether the component handled it (default prevented).
pub fn press(el: &Element, key: &str, shift: bool) -> bool {
    let handled = js(
        "el, key, shift",
        "const e = new KeyboardEvent('keydown', { key, shiftKey: shift, bubbles: true, cancelable: true }); \
         el.dispatchEvent(e); return e.defaultPrevented;",
        &[el.into(), key.into(), shift.into()],
    );
    handled.as_bool().unwrap()
}

/// Dispatches a `pointerdown` on `el` (a press outside a popover).
pub fn pointer_down(el: &Element) {
    js(
        "el",
        "el.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true }))",
        &[el.into()],
    );
}

/// The focused element.
pub fn focused() -> Option<Element> {
    document().active_element()
}

/// Whether `el` has the focus.
pub fn has_focus(el: &Element) -> bool {
    focused().as_ref() == Some(el)
}

/// `location.hash`.
pub fn hash() -> String {
    window().location().hash().unwrap()
}

/// Clears `location.hash` (tests use `#…` URLs as navigation targets so the test page never unloads).
pub fn clear_hash() {
    window().location().set_hash("").unwrap();
}

/// A loaded instance with a new account per tag (signed up in order, the last one active, its `touch` answered);
/// returns the instance, the session ids and the email addresses.
pub async fn with_accounts(tags: &[&str]) -> (Clerk, Vec<String>, Vec<String>) {
    fresh_page().await;
    clear_hash();
    let clerk = loaded_clerk().await;
    let (mut sessions, mut emails) = (Vec::new(), Vec::new());
    for tag in tags {
        let email = unique_email(tag);
        sessions.push(sign_up(&clerk, &email).await);
        emails.push(email);
    }
    if let Some(last) = sessions.last() {
        ok(clerk.set_active(obj(&[("session", last.as_str().into())]))).await;
        requests_settled().await;
    }
    (clerk, sessions, emails)
}

/// A user who exists on the server but is not signed in on this client (the switch back to the account active
/// before, if any, answered); returns the email address.
pub async fn signed_out_user(clerk: &Clerk, tag: &str) -> String {
    let email = unique_email(tag);
    let before = active_id(clerk);
    let session = sign_up(clerk, &email).await;
    ok(clerk.sign_out(Some(obj(&[("sessionId", session.as_str().into())])), None)).await;
    if let Some(before) = before {
        ok(clerk.set_active(obj(&[("session", before.as_str().into())]))).await;
        requests_settled().await;
    }
    email
}

/// Props from pairs.
pub fn props(fields: &[(&str, JsValue)]) -> Option<JsValue> {
    Some(obj(fields))
}

/// The open modal dialog, if any.
pub fn modal() -> Option<Element> {
    document()
        .query_selector("[role=dialog][aria-modal=true]")
        .unwrap()
}

/// Every element matching `selector` under `scope`.
pub fn select_all(scope: &Element, selector: &str) -> Vec<Element> {
    let list = scope.query_selector_all(selector).unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .map(|n| n.unchecked_into())
        .collect()
}

/// The attribute's value.
pub fn attr(el: &Element, name: &str) -> Option<String> {
    el.get_attribute(name)
}

/// Array of JS values as strings.
pub fn strings(list: &JsValue) -> Vec<String> {
    Array::from(list)
        .iter()
        .filter_map(|v| v.as_string())
        .collect()
}
