//! Instances that share a page's storage must not corrupt each other: two instances of one frontend API on a page,
//! an instance whose storage was cleared or taken over while it lives, stored state left by someone else, and
//! answers that arrive after another answer replaced the client. Storage always describes the client of the stored
//! token, and an instance shows and changes only the client whose token it holds.
#![cfg(target_arch = "wasm32")]

mod common;
use clerk_wasm::adapters::json::{BrowserJson, Kept, Stored};
use clerk_wasm::core::storage::{decode_snapshot, encode_client_snapshot};
use clerk_wasm::core::Client;
use common::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A client token the server never issued (or no longer knows: its client expired).
const UNKNOWN_TOKEN: &str = "client_2VgoneLongAgo.c2VjcmV0LXRoYXQtaXMtbm8tbG9uZ2VyLWtub3du";

/// The stored client snapshot, rewritten as if it had been written for `token`.
fn stored_client_for(token: Option<&str>) -> String {
    let raw = local()
        .get_item(&keys().client)
        .unwrap()
        .expect("a stored client");
    let client: Kept<Client> = decode_snapshot(&BrowserJson, &raw)
        .expect("our own snapshot")
        .snapshot
        .data;
    let client = Stored(&client.json);
    encode_client_snapshot(&BrowserJson, &client, token, js_sys::Date::now() as u64).unwrap()
}

/// The stored client snapshot's raw value.
fn stored_client() -> Option<String> {
    local().get_item(&keys().client).unwrap()
}

#[wasm_bindgen_test]
async fn an_instance_whose_storage_was_cleared_does_not_write_its_accounts_back() {
    fresh_page().await;
    let first = loaded_clerk().await;
    let a = sign_up(&first, &unique_email("cleared-a")).await;
    // The page's storage is cleared while the instance lives (a site-data reset, or the app signing out by
    // clearing storage; the test suite does it between tests while an earlier test's instance is still working).
    local().clear().unwrap();
    tab().clear().unwrap();
    // The instance keeps working: a switch, whose touch answers with its client.
    ok(first.set_active(obj(&[("session", a.as_str().into())]))).await;
    requests_settled().await;
    assert_eq!(
        (stored_client(), stored_token()),
        (None, None),
        "no accounts written back next to no token"
    );
    // So a new instance starts signed out instead of showing accounts it holds no token for (the first answer to
    // its requests, sent without that token, would make them vanish).
    let second = loaded_clerk().await;
    assert!(second.session().is_null() && session_ids(&second).is_empty());
    let b = sign_up(&second, &unique_email("cleared-b")).await;
    assert_eq!(session_ids(&second), vec![b.clone()]);
    assert_eq!(active_id(&second), Some(b));
}

#[wasm_bindgen_test]
async fn an_instance_never_writes_over_the_client_another_instance_stored() {
    fresh_page().await;
    let first = loaded_clerk().await;
    let a = sign_up(&first, &unique_email("two-a")).await;
    // A second instance on the page starts its own client (the storage was cleared meanwhile) and stores it.
    local().clear().unwrap();
    tab().clear().unwrap();
    let second = loaded_clerk().await;
    let b = sign_up(&second, &unique_email("two-b")).await;
    let stored = (stored_token(), stored_client());
    let choice = tab().get_item(&keys().active_session).unwrap();
    assert!(stored.0.is_some() && stored.1.is_some() && choice == Some(b.clone()));
    // The first instance keeps working on its own client.
    ok(first.set_active(obj(&[("session", a.as_str().into())]))).await;
    requests_settled().await;
    assert_eq!(active_id(&first), Some(a.clone()));
    assert_eq!(
        (stored_token(), stored_client()),
        stored,
        "the second instance's client is still the stored one"
    );
    assert_eq!(tab().get_item(&keys().active_session).unwrap(), choice);
    // A reload shows the second instance's client, from storage, before any answer.
    let reloaded = new_clerk();
    ok(reloaded.load(None)).await;
    assert_eq!(session_ids(&reloaded), vec![b.clone()]);
    assert_eq!(active_id(&reloaded), Some(b));
    requests_settled().await;
}

#[wasm_bindgen_test]
async fn a_stored_client_is_shown_only_with_the_token_it_was_stored_for() {
    fresh_page().await;
    let first = loaded_clerk().await;
    let a = sign_up(&first, &unique_email("tagged-a")).await;
    let token = stored_token().expect("a stored token");
    let cases = [
        ("no token", None, stored_client_for(Some(&token))),
        (
            "another token",
            Some(UNKNOWN_TOKEN),
            stored_client_for(Some(&token)),
        ),
        (
            "a snapshot written without a token",
            Some(token.as_str()),
            stored_client_for(None),
        ),
    ];
    for (what, token_in_storage, snapshot) in cases {
        tab().clear().unwrap();
        local().set_item(&keys().client, &snapshot).unwrap();
        match token_in_storage {
            Some(t) => local().set_item(&keys().client_token, t).unwrap(),
            None => local().remove_item(&keys().client_token).unwrap(),
        }
        // `load()` shows the stored state before it returns; the server's answer is held until checked.
        hold_client_requests();
        let other = new_clerk();
        let loading = other.load(None);
        assert!(session_ids(&other).is_empty(), "{what}: not shown");
        release_client_requests().await;
        ok(loading).await;
        // Only the last case's token has a client on the server: its answer brings the account.
        let expected = if token_in_storage == Some(token.as_str()) {
            vec![a.clone()]
        } else {
            vec![]
        };
        assert_eq!(session_ids(&other), expected, "{what}: the server's answer");
        requests_settled().await;
        restore_fetch();
    }
    // The snapshot written for the stored token is shown at once, before any answer.
    local()
        .set_item(&keys().client, &stored_client_for(Some(&token)))
        .unwrap();
    local().set_item(&keys().client_token, &token).unwrap();
    hold_client_requests();
    let reloaded = new_clerk();
    ok(reloaded.load(None)).await;
    assert_eq!(session_ids(&reloaded), vec![a]);
    release_client_requests().await;
    requests_settled().await;
    restore_fetch();
}

/// Holds every `GET /v1/client` until [`release_client_requests`] (or until its caller aborts it).
fn hold_client_requests() {
    replace_fetch(
        "if (!String(input).includes('/v1/client?')) return real(input, init); \
         return new Promise((resolve, reject) => { \
           init.signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))); \
           (window.__heldClient = window.__heldClient || []).push(() => resolve(real(input, init))); \
         });",
    );
}

/// Waits until a `GET /v1/client` is held, then lets it go.
async fn release_client_requests() {
    wait_until("the client request is held", 5000, || {
        js("", "return (window.__heldClient || []).length", &[]).as_f64() > Some(0.0)
    })
    .await;
    js(
        "",
        "window.__heldClient.forEach(go => go()); window.__heldClient = [];",
        &[],
    );
}

#[wasm_bindgen_test]
async fn a_late_answer_about_a_replaced_client_does_not_undo_a_sign_up() {
    fresh_page().await;
    let first = loaded_clerk().await;
    let a = sign_up(&first, &unique_email("late-a")).await;
    requests_settled().await;
    // A stored state whose client the server no longer knows: its token is unknown there.
    local()
        .set_item(&keys().client, &stored_client_for(Some(UNKNOWN_TOKEN)))
        .unwrap();
    local()
        .set_item(&keys().client_token, UNKNOWN_TOKEN)
        .unwrap();
    // The reload shows it at once; its `GET /v1/client` (sent with the unknown token) is answered late.
    hold_client_requests();
    let reloaded = new_clerk();
    ok(reloaded.load(None)).await;
    assert_eq!(session_ids(&reloaded), vec![a]);
    // A sign-up meanwhile: the server has no client for the token, so it starts one and hands out its token.
    let b = sign_up(&reloaded, &unique_email("late-b")).await;
    assert_eq!(session_ids(&reloaded), vec![b.clone()]);
    let new_token = stored_token().expect("the new client's token");
    assert_ne!(new_token, UNKNOWN_TOKEN);
    // Now the late answer arrives: "no client" for the old token. It is not about the client we hold now.
    release_client_requests().await;
    requests_settled().await;
    assert_eq!(session_ids(&reloaded), vec![b.clone()]);
    assert_eq!(active_id(&reloaded), Some(b.clone()));
    ok(reloaded.set_active(obj(&[("session", b.as_str().into())]))).await;
    requests_settled().await;
    assert_eq!(stored_token(), Some(new_token));
    restore_fetch();
    let again = new_clerk();
    ok(again.load(None)).await;
    assert_eq!(
        session_ids(&again),
        vec![b],
        "the new client is what storage holds"
    );
    requests_settled().await;
}
