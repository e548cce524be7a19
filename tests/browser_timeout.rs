//! Every request has a timeout (10 s) enforced with an AbortController, and the timer is cleared when a request
//! completes. Its own test binary: the timeout case waits the full 10 s.
#![cfg(target_arch = "wasm32")]

mod common;
use common::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn a_completed_request_clears_its_timer() {
    fresh_page().await;
    js(
        "",
        "window.__cleared = 0; window.__clearTimeout = window.clearTimeout; \
         window.clearTimeout = function (h) { window.__cleared++; return window.__clearTimeout.call(window, h); };",
        &[],
    );
    let clerk = loaded_clerk().await;
    let cleared = prop(&window().into(), "__cleared").as_f64().unwrap_or(0.0);
    js(
        "",
        "window.clearTimeout = window.__clearTimeout; delete window.__clearTimeout;",
        &[],
    );
    assert!(
        cleared >= 2.0,
        "both load requests cleared their timers ({cleared})"
    );
    assert_eq!(clerk.status(), "ready");
}

#[wasm_bindgen_test]
async fn a_hung_request_times_out_and_is_aborted() {
    fresh_page().await;
    replace_fetch(
        "window.__aborted = 0; \
         return new Promise((resolve, reject) => init.signal.addEventListener('abort', () => { \
           window.__aborted++; reject(new DOMException('The operation was aborted.', 'AbortError')); }));",
    );
    let clerk = new_clerk();
    let started = js_sys::Date::now();
    let e = rejected(clerk.load(None)).await;
    let elapsed = js_sys::Date::now() - started;
    restore_fetch();
    assert_eq!(
        (error_code(&e), prop(&e, "status").as_f64()),
        ("timeout".into(), Some(0.0))
    );
    assert!(
        (9_900.0..15_000.0).contains(&elapsed),
        "after the 10 s timeout ({elapsed} ms)"
    );
    assert_eq!(
        prop(&window().into(), "__aborted").as_f64(),
        Some(2.0),
        "both requests were aborted"
    );
    assert_eq!(clerk.status(), "error");
}
