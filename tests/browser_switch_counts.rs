//! One click on "Switch to …" in the UserButton commits one change: it renders once, reads localStorage at most once
//! (the stored token, to check that this instance still holds it), writes the tab's choice to sessionStorage once
//! and writes nothing to localStorage. The touch that follows in the background changes the client (its last
//! active session): one more render and one localStorage write (the client snapshot). Counted with wrapped
//! `Storage.prototype` methods and a `MutationObserver` on the component's root (each render empties it).
#![cfg(target_arch = "wasm32")]

mod common;
mod common_ui;
use common::*;
use common_ui::*;
use wasm_bindgen_test::*;
use web_sys::Element;

wasm_bindgen_test_configure!(run_in_browser);

/// Starts counting storage calls per area and renders of the component under `host`.
fn start_counting(host: &Element) {
    js(
        "host",
        "const counts = { localRead: 0, localWrite: 0, tabRead: 0, tabWrite: 0, renders: 0 };\
         window.__counts = counts;\
         const area = s => s === window.localStorage ? 'local' : 'tab';\
         const proto = Storage.prototype;\
         window.__storageMethods = { getItem: proto.getItem, setItem: proto.setItem, removeItem: proto.removeItem };\
         const wrap = (name, kind) => {\
           const real = window.__storageMethods[name];\
           proto[name] = function (...args) { counts[area(this) + kind] += 1; return real.apply(this, args); };\
         };\
         wrap('getItem', 'Read'); wrap('setItem', 'Write'); wrap('removeItem', 'Write');\
         const root = host.querySelector('.cw-user-button');\
         window.__countRenders = records => {\
           for (const r of records) if (r.removedNodes.length > 0) counts.renders += 1;\
         };\
         window.__renderObserver = new MutationObserver(window.__countRenders);\
         window.__renderObserver.observe(root, { childList: true });",
        &[host.into()],
    );
}

/// The counts so far (records not yet handed to the observer's callback are taken and counted first): (renders, localStorage reads, localStorage writes, sessionStorage writes).
fn counts() -> (u32, u32, u32, u32) {
    let counts = js(
        "",
        "window.__countRenders(window.__renderObserver.takeRecords());\
         const c = window.__counts;\
         return [c.renders, c.localRead, c.localWrite, c.tabWrite];",
        &[],
    );
    let n = |i: u32| js_sys::Array::from(&counts).get(i).as_f64().unwrap_or(-1.0) as u32;
    (n(0), n(1), n(2), n(3))
}

/// Puts the real storage methods back and stops observing.
fn stop_counting() {
    js(
        "",
        "Object.assign(Storage.prototype, window.__storageMethods);\
         window.__renderObserver.disconnect();",
        &[],
    );
}

#[wasm_bindgen_test]
async fn a_switch_renders_once_and_writes_the_tab_choice_once() {
    let (clerk, sessions, emails) = with_accounts(&["count-a", "count-b"]).await;
    let host = new_host();
    clerk.mount_user_button(host.clone().into(), None);
    click(&by_role(&host, "button", "Open user menu"));
    let panel = by_role(&host, "dialog", "Account panel");
    start_counting(&host);
    click(&by_role(
        &panel,
        "button",
        &format!("Switch to {}", emails[0]),
    ));
    let (renders, local_reads, local_writes, tab_writes) = counts();
    assert_eq!(active_id(&clerk), Some(sessions[0].clone()));
    assert_eq!(renders, 1, "the switch renders once");
    assert!(local_reads <= 1, "localStorage read {local_reads} times");
    assert_eq!(local_writes, 0, "the switch writes nothing to localStorage");
    assert_eq!(tab_writes, 1, "the tab's choice is written once");
    // The background touch answers with the client, whose last active session changed.
    requests_settled().await;
    let (renders_after, _, local_writes_after, tab_writes_after) = counts();
    stop_counting();
    assert_eq!(renders_after, 2, "the touch's answer renders once more");
    assert_eq!(local_writes_after, 1, "the touch's client is stored once");
    assert_eq!(
        tab_writes_after, 1,
        "the touch leaves the tab's choice alone"
    );
    clerk.unmount_user_button(host.into());
}
