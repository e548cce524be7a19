//! Mounting and unmounting: mounting twice replaces, unmount removes every node and listener (100 cycles of every
//! component leave nothing behind, counted both by the SDK and by watching `addEventListener` itself), unmount
//! calls for another component are ignored, and bad arguments are warned about instead of thrown.
#![cfg(target_arch = "wasm32")]

mod common;
mod common_ui;
use clerk_wasm::ui::stats;
use common::*;
use common_ui::*;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Starts recording, in JS, every listener added and not removed again (`window.__live`).
fn watch_listeners() {
    js(
        "",
        "const proto = EventTarget.prototype; \
         window.__realAdd = proto.addEventListener; window.__realRemove = proto.removeEventListener; \
         window.__live = []; \
         const capture = o => typeof o === 'boolean' ? o : !!(o && o.capture); \
         proto.addEventListener = function (type, fn, o) { \
           window.__live.push({ target: this, type, fn, capture: capture(o) }); \
           return window.__realAdd.call(this, type, fn, o); }; \
         proto.removeEventListener = function (type, fn, o) { \
           const i = window.__live.findIndex(l => l.target === this && l.type === type && l.fn === fn && l.capture === capture(o)); \
           if (i >= 0) window.__live.splice(i, 1); \
           return window.__realRemove.call(this, type, fn, o); };",
        &[],
    );
}

/// Stops recording; returns how many listeners are still registered.
fn unwatch_listeners() -> usize {
    let live = js(
        "",
        "const proto = EventTarget.prototype; \
         proto.addEventListener = window.__realAdd; proto.removeEventListener = window.__realRemove; \
         return window.__live.length;",
        &[],
    );
    live.as_f64().unwrap() as usize
}

/// How many of the document's adopted sheets are the components' sheet.
fn our_sheets() -> usize {
    let n = js(
        "",
        "return document.adoptedStyleSheets.filter(s => s.cssRules[0] && s.cssRules[0].selectorText === '.cw-sheet-v1').length;",
        &[],
    );
    n.as_f64().unwrap() as usize
}

#[wasm_bindgen_test]
async fn mounting_twice_replaces_and_unmount_removes_everything() {
    let (clerk, _, _) = with_accounts(&["twice"]).await;
    let host = new_host();
    let before = stats();
    clerk.mount_user_button(host.clone().into(), None);
    clerk.mount_user_button(host.clone().into(), props(&[("defaultOpen", true.into())]));
    assert_eq!(
        select_all(&host, ".cw-root").len(),
        1,
        "the second mount replaced the first"
    );
    assert_eq!(stats().mounted, before.mounted + 1);
    by_role(&host, "dialog", "Account panel");
    clerk.mount_sign_in(host.clone().into(), None);
    assert!(
        all_by_role(&host, "dialog").is_empty(),
        "a SignIn replaced the UserButton"
    );
    clerk.unmount_user_button(host.clone().into());
    assert_eq!(
        select_all(&host, ".cw-root").len(),
        1,
        "unmountUserButton leaves a SignIn alone"
    );
    clerk.unmount_sign_in(host.clone().into());
    assert_eq!(host.child_nodes().length(), 0);
    assert_eq!(stats(), before);
    host.remove();
}

#[wasm_bindgen_test]
async fn hundred_mount_unmount_cycles_leave_no_nodes_or_listeners() {
    let (clerk, _, _) = with_accounts(&["cycle-a", "cycle-b"]).await;
    let host = new_host();
    let body_children = body().child_nodes().length();
    let before = stats();
    watch_listeners();
    for _ in 0..100 {
        // Open panels add document-level listeners too.
        clerk.mount_user_button(host.clone().into(), props(&[("defaultOpen", true.into())]));
        clerk.mount_user_button(host.clone().into(), props(&[("defaultOpen", true.into())]));
        clerk.open_sign_in(None);
        clerk.unmount_user_button(host.clone().into());
        clerk.mount_sign_in(host.clone().into(), None);
        clerk.unmount_sign_in(host.clone().into());
        clerk.open_sign_up(None);
        clerk.mount_sign_up(host.clone().into(), None);
        clerk.unmount_sign_up(host.clone().into());
        clerk.close_sign_up();
    }
    let live = unwatch_listeners();
    assert_eq!(host.child_nodes().length(), 0, "no nodes left in the host");
    assert_eq!(
        body().child_nodes().length(),
        body_children,
        "no modal left in the body"
    );
    assert_eq!(
        stats(),
        before,
        "no component or listener left, as the SDK counts them"
    );
    assert_eq!(live, 0, "no listener left, as the page sees them");
    assert_eq!(our_sheets(), 1, "the stylesheet is installed once");
    host.remove();
}

#[wasm_bindgen_test]
async fn bad_arguments_are_tolerated() {
    let (clerk, _, _) = with_accounts(&["bad-args"]).await;
    let before = stats();
    clerk.mount_user_button(JsValue::from(5), None);
    clerk.mount_sign_in(JsValue::NULL, props(&[]));
    clerk.unmount_sign_up("not an element".into());
    assert_eq!(stats(), before, "nothing mounted on a non-element");
    let host = new_host();
    let odd = obj(&[
        ("showName", "yes".into()),
        ("userProfileUrl", 42.into()),
        ("appearance", 7.into()),
        (
            "localization",
            obj(&[
                ("signOut", 5.into()),
                ("addAccount", "Konto hinzufügen".into()),
            ]),
        ),
        ("unknownKey", true.into()),
    ]);
    clerk.mount_user_button(host.clone().into(), Some(odd));
    click(&by_role(&host, "button", "Open user menu"));
    let panel = by_role(&host, "dialog", "Account panel");
    assert_eq!(
        names(&panel, "button"),
        ["Sign out", "Konto hinzufügen"],
        "wrong types fell back to defaults"
    );
    assert!(
        host.query_selector(".cw-trigger-name").unwrap().is_none(),
        "showName: \"yes\" is not true"
    );
    clerk.mount_sign_up(host.clone().into(), Some("not an object".into()));
    by_role(&host, "button", "Create account");
    clerk.unmount_sign_up(host.clone().into());
    host.remove();
}
