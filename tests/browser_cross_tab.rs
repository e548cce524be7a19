//! Other tabs: their localStorage writes reach this tab as `storage` events (dispatched here by the test, as the
//! browser does in every other tab). A second instance on the same storage plays the other tab.
#![cfg(target_arch = "wasm32")]

mod common;
use clerk_wasm::adapters::json::{BrowserJson, Kept, Stored};
use clerk_wasm::core::storage::{decode_snapshot, encode_client_snapshot};
use clerk_wasm::core::Client;
use common::*;
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Dispatches the `storage` event another tab's write of `key` would cause here, with its current value.
fn announce(key: &str) {
    let init = web_sys::StorageEventInit::new();
    init.set_key(Some(key));
    init.set_new_value(local().get_item(key).unwrap().as_deref());
    init.set_storage_area(Some(&local()));
    let event = web_sys::StorageEvent::new_with_event_init_dict("storage", &init).unwrap();
    window().dispatch_event(&event).unwrap();
}

/// Dispatches a `storage` event with an arbitrary key and value.
fn announce_value(key: Option<&str>, value: Option<&str>) {
    let init = web_sys::StorageEventInit::new();
    init.set_key(key);
    init.set_new_value(value);
    let event = web_sys::StorageEvent::new_with_event_init_dict("storage", &init).unwrap();
    window().dispatch_event(&event).unwrap();
}

#[wasm_bindgen_test]
async fn sign_ins_and_sign_outs_elsewhere_reach_this_tab_which_keeps_its_account() {
    fresh_page().await;
    let this_tab = loaded_clerk().await;
    let a = sign_up(&this_tab, &unique_email("tab-a")).await;
    let b = sign_up(&this_tab, &unique_email("tab-b")).await;
    let (calls, _unsubscribe) = record_listener(&this_tab);

    // The other tab (same storage) signs in a third account and makes it its own.
    let other_tab = loaded_clerk().await;
    let c = sign_up(&other_tab, &unique_email("tab-c")).await;
    ok(other_tab.set_session(c.as_str().into())).await;
    announce(&keys().client);
    assert_eq!(
        session_ids(&this_tab).len(),
        3,
        "the new account is listed at once"
    );
    assert!(session_ids(&this_tab).contains(&c));
    assert_eq!(
        active_id(&this_tab),
        Some(a.clone()),
        "this tab keeps its account"
    );
    assert_eq!(last_emitted_session(&calls), Some(a.clone()));

    // The other tab signs out this tab's account: this tab falls back and emits.
    ok(other_tab.sign_out(Some(obj(&[("sessionId", a.as_str().into())])), None)).await;
    announce(&keys().client);
    let active = active_id(&this_tab).expect("fell back to a remaining account");
    assert!(active == b || active == c, "{active}");
    assert!(!session_ids(&this_tab).contains(&a));
    assert_eq!(last_emitted_session(&calls), Some(active.clone()));
    assert_eq!(
        tab().get_item(&keys().active_session).unwrap(),
        Some(active)
    );

    // The other tab signs out of everything.
    ok(other_tab.sign_out(None, None)).await;
    announce(&keys().client);
    assert!(this_tab.session().is_null() && session_ids(&this_tab).is_empty());
    assert_eq!(last_emitted_session(&calls), None);
}

#[wasm_bindgen_test]
async fn a_new_client_token_from_another_tab_is_used_for_the_next_request() {
    fresh_page().await;
    let this_tab = loaded_clerk().await;
    let a = sign_up(&this_tab, &unique_email("token-a")).await;
    // Another tab lost the client and started a new one: new token, new client with one account.
    local().remove_item(&keys().client_token).unwrap();
    local().remove_item(&keys().client).unwrap();
    tab().clear().unwrap();
    let other_tab = loaded_clerk().await;
    let d = sign_up(&other_tab, &unique_email("token-d")).await;
    announce(&keys().client_token);
    announce(&keys().client);
    assert_eq!(session_ids(&this_tab), vec![d.clone()]);
    assert_eq!(
        active_id(&this_tab),
        Some(d.clone()),
        "a was on the old client: fell back"
    );
    // This tab's requests now carry the new token: its token request for d succeeds.
    let token = active_token(&this_tab, true).await.as_string().unwrap();
    assert_eq!(sid_of(&token), d);
    assert_ne!(a, d);
}

#[wasm_bindgen_test]
async fn foreign_garbage_and_unrelated_events_are_ignored() {
    fresh_page().await;
    let this_tab = loaded_clerk().await;
    let a = sign_up(&this_tab, &unique_email("noise")).await;
    let (calls, _unsubscribe) = record_listener(&this_tab);
    let k = keys();
    announce_value(Some(&k.client), Some("{ not json"));
    announce_value(
        Some(&k.client),
        Some("{\"version\":7,\"saved_at_ms\":0,\"data\":{}}"),
    );
    announce_value(Some(&k.environment), Some("garbage"));
    announce_value(Some(&k.client_token), Some("bad token with spaces"));
    announce_value(Some("__clerk_wasm:v1:other.example.com:client"), Some("{}"));
    announce_value(Some("unrelated"), Some("x"));
    announce_value(None, None);
    // A tab-only key never comes from another tab; ignore it even if it shows up.
    announce_value(Some(&k.active_session), Some("sess_elsewhere"));
    assert_eq!(active_id(&this_tab), Some(a.clone()));
    assert_eq!(calls.length(), 1, "no emits");
    // The unusable token was not adopted: requests still carry the good one.
    assert!(active_token(&this_tab, true).await.is_string());
    // An older snapshot of the same client does not undo newer state.
    let stale = local().get_item(&k.client).unwrap().unwrap();
    let b = sign_up(&this_tab, &unique_email("noise-b")).await;
    announce_value(Some(&k.client), Some(&stale));
    assert_eq!(session_ids(&this_tab), vec![b, a]);
}

#[wasm_bindgen_test]
async fn a_client_snapshot_written_for_another_token_is_ignored() {
    fresh_page().await;
    let this_tab = loaded_clerk().await;
    let a = sign_up(&this_tab, &unique_email("other-token-a")).await;
    let (calls, _unsubscribe) = record_listener(&this_tab);
    // The same client with nobody signed in, written for a token this tab does not hold: another client's state
    // (a tab writes its new token before its client, so a client it shares with us always comes after its token).
    let raw = local().get_item(&keys().client).unwrap().unwrap();
    let client: Kept<Client> = decode_snapshot(&BrowserJson, &raw).unwrap().snapshot.data;
    let client = Object::assign(&Object::new(), client.json.unchecked_ref());
    Reflect::set(&client, &"sessions".into(), &Array::new()).unwrap();
    let client = Stored(&client);
    let now = js_sys::Date::now() as u64;
    let foreign =
        encode_client_snapshot(&BrowserJson, &client, Some("client_other.token"), now).unwrap();
    announce_value(Some(&keys().client), Some(&foreign));
    assert_eq!(session_ids(&this_tab), vec![a.clone()]);
    assert_eq!(active_id(&this_tab), Some(a));
    assert_eq!(calls.length(), 1, "no emits");
    // Written for the token this tab holds, the same snapshot is applied.
    let ours =
        encode_client_snapshot(&BrowserJson, &client, stored_token().as_deref(), now).unwrap();
    announce_value(Some(&keys().client), Some(&ours));
    assert!(session_ids(&this_tab).is_empty() && this_tab.session().is_null());
}
