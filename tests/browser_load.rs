//! Loading and persistence: stored state shown before any answer, the tab's own account across reloads, new tabs,
//! a server that is down, corrupt / foreign / oversized storage, storage that throws or is full, and the
//! constructor's argument.
#![cfg(target_arch = "wasm32")]

mod common;
use common::*;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Two accounts signed up in this page: `a` is this tab's account, `b` the client's last active one.
async fn two_accounts() -> (String, String) {
    fresh_page().await;
    let clerk = loaded_clerk().await;
    let a = sign_up(&clerk, &unique_email("load-a")).await;
    let b = sign_up(&clerk, &unique_email("load-b")).await;
    assert_eq!(active_id(&clerk), Some(a.clone()));
    assert_eq!(
        clerk.client().last_active_session_id().as_string(),
        Some(b.clone())
    );
    (a, b)
}

/// Holds every request until `window.__release()` is called.
fn hold_requests() {
    replace_fetch(
        "if (!window.__held) { window.__held = []; window.__release = () => { window.__held.forEach(f => f()); window.__held = []; }; } \
         return new Promise(resolve => window.__held.push(() => resolve(real(input, init))));",
    );
}

#[wasm_bindgen_test]
async fn a_fresh_visitor_waits_for_the_network_and_is_ready() {
    fresh_page().await;
    let clerk = new_clerk();
    assert_eq!(
        (clerk.status(), clerk.loaded()),
        ("loading".to_string(), false)
    );
    let first = clerk.load(None);
    // A second call (say, from a component) shares the first one's outcome: it too waits for the network.
    ok(clerk.load(None)).await;
    assert_eq!(
        (clerk.status(), clerk.loaded()),
        ("ready".to_string(), true)
    );
    ok(first).await;
    assert!(clerk.client().id().is_null() && session_ids(&clerk).is_empty());
    assert!(clerk.session().is_null() && !clerk.is_signed_in());
    assert!(
        local().get_item(&keys().environment).unwrap().is_some(),
        "the environment was stored"
    );
}

#[wasm_bindgen_test]
async fn a_reload_shows_the_accounts_and_the_tabs_account_before_any_answer() {
    let (a, b) = two_accounts().await;
    hold_requests();
    let reloaded = new_clerk();
    let (calls, _unsubscribe) = record_listener(&reloaded);
    let loading = reloaded.load(None);
    // Synchronously, before any answer: the stored accounts, this tab's account (not the client's last active).
    assert_eq!(active_id(&reloaded), Some(a.clone()));
    assert_eq!(session_ids(&reloaded), vec![b.clone(), a.clone()]);
    assert_eq!(last_emitted_session(&calls), Some(a.clone()));
    // load() resolves while the two requests are still held.
    ok(loading).await;
    assert!(reloaded.loaded());
    assert_eq!(reloaded.status(), "loading");
    assert_eq!(
        fetch_count("/v1/environment") + fetch_count("/v1/client"),
        2,
        "both requests are in flight"
    );
    js("", "window.__release()", &[]);
    wait_until("the reload reconciled", 5000, || {
        reloaded.status() == "ready"
    })
    .await;
    assert_eq!(active_id(&reloaded), Some(a));
}

#[wasm_bindgen_test]
async fn a_new_tab_starts_on_the_clients_last_active_account() {
    let (a, b) = two_accounts().await;
    assert_eq!(
        tab().get_item(&keys().active_session).unwrap(),
        Some(a.clone()),
        "the tab's account is per tab"
    );
    assert!(!local()
        .get_item(&keys().client)
        .unwrap()
        .unwrap()
        .is_empty());
    tab().clear().unwrap();
    let new_tab = new_clerk();
    let _ = new_tab.load(None);
    assert_eq!(active_id(&new_tab), Some(b.clone()));
    // "No account" is a choice that survives a reload too.
    ok(new_tab.set_session(JsValue::NULL)).await;
    assert_eq!(
        tab().get_item(&keys().active_session).unwrap(),
        Some(String::new())
    );
    let reloaded = new_clerk();
    ok(reloaded.load(None)).await;
    assert!(reloaded.session().is_null());
    assert_eq!(session_ids(&reloaded).len(), 2);
}

#[wasm_bindgen_test]
async fn a_server_that_is_down_means_degraded_with_the_cached_state() {
    let (a, b) = two_accounts().await;
    // The same stored state for an instance whose frontend API nobody answers.
    let down = clerk_wasm::core::StorageKeys::for_host("127.0.0.1:9");
    for (from, to) in [
        (&keys().client, &down.client),
        (&keys().client_token, &down.client_token),
    ] {
        local()
            .set_item(to, &local().get_item(from).unwrap().unwrap())
            .unwrap();
    }
    tab().set_item(&down.active_session, &a).unwrap();
    let clerk = clerk_wasm::Clerk::new("http://127.0.0.1:9".into(), None).unwrap();
    ok(clerk.load(None)).await;
    assert_eq!(active_id(&clerk), Some(a.clone()));
    wait_until("the failed network round", 15000, || {
        clerk.status() != "loading"
    })
    .await;
    assert_eq!(clerk.status(), "degraded");
    assert!(clerk.loaded());
    assert_eq!(session_ids(&clerk), vec![b, a.clone()]);
    // Mutations fail with a transport error, and nothing changes.
    let e = rejected(clerk.sign_out_one()).await;
    assert_eq!(
        (error_code(&e), prop(&e, "status").as_f64()),
        ("network_error".into(), Some(0.0))
    );
    assert_eq!(active_id(&clerk), Some(a));
}

#[wasm_bindgen_test]
async fn no_cache_and_no_server_is_an_error() {
    fresh_page().await;
    let clerk = clerk_wasm::Clerk::new("http://127.0.0.1:9".into(), None).unwrap();
    let e = rejected(clerk.load(None)).await;
    assert_eq!(error_code(&e), "network_error");
    assert_eq!(
        (clerk.status(), clerk.loaded()),
        ("error".to_string(), false)
    );
    assert!(clerk.session().is_null() && clerk.client().id().is_null());
}

#[wasm_bindgen_test]
async fn corrupt_foreign_and_oversized_storage_is_ignored_and_replaced() {
    let (a, _) = two_accounts().await;
    let k = keys();
    let token = local().get_item(&k.client_token).unwrap().unwrap();
    let cases: [(&str, String); 4] = [
        (
            "not json",
            "{\"version\":1,\"saved_at_ms\":0,\"data\":".into(),
        ),
        (
            "wrong shape",
            "{\"version\":1,\"saved_at_ms\":0,\"data\":{\"sessions\":\"nope\"}}".into(),
        ),
        (
            "newer version",
            "{\"version\":99,\"saved_at_ms\":0,\"data\":{}}".into(),
        ),
        (
            "oversized",
            format!(
                "{{\"version\":1,\"saved_at_ms\":0,\"data\":\"{}\"}}",
                "x".repeat(600 * 1024)
            ),
        ),
    ];
    for (what, garbage) in cases {
        local().set_item(&k.client, &garbage).unwrap();
        local().set_item(&k.environment, &garbage).unwrap();
        tab()
            .set_item(&k.active_session, "bad id with spaces")
            .unwrap();
        let clerk = new_clerk();
        let loading = clerk.load(None);
        assert!(
            clerk.session().is_null(),
            "{what}: nothing usable was stored"
        );
        assert_ne!(
            local().get_item(&k.client).unwrap(),
            Some(garbage.clone()),
            "{what}: the bad value is removed"
        );
        ok(loading).await;
        assert_eq!(clerk.status(), "ready", "{what}");
        // The token was intact, so the server's client comes back, on the client's last active account.
        assert_eq!(session_ids(&clerk).len(), 2, "{what}");
        assert!(
            local()
                .get_item(&k.client)
                .unwrap()
                .unwrap()
                .starts_with("{\"version\":1"),
            "{what}: replaced"
        );
        assert!(
            local()
                .get_item(&k.environment)
                .unwrap()
                .unwrap()
                .starts_with("{\"version\":1"),
            "{what}"
        );
    }
    // A corrupt token is dropped: the server then sees a new, empty client.
    local().set_item(&k.client_token, "bad token\n").unwrap();
    local().remove_item(&k.client).unwrap();
    let clerk = loaded_clerk().await;
    assert!(session_ids(&clerk).is_empty());
    assert_eq!(local().get_item(&k.client_token).unwrap(), None);
    // Put the good token back: the accounts are still there.
    local().set_item(&k.client_token, &token).unwrap();
    tab().set_item(&k.active_session, &a).unwrap();
    let clerk = loaded_clerk().await;
    assert_eq!(active_id(&clerk), Some(a));
}

#[wasm_bindgen_test]
async fn full_storage_falls_back_to_memory() {
    fresh_page().await;
    fill_storage();
    let clerk = loaded_clerk().await;
    let a = sign_up(&clerk, &unique_email("quota-a")).await;
    let b = sign_up(&clerk, &unique_email("quota-b")).await;
    ok(clerk.set_session(b.as_str().into())).await;
    // The client token lives in memory, so the same client keeps working.
    assert_eq!(session_ids(&clerk), vec![b.clone(), a.clone()]);
    assert!(active_token(&clerk, false).await.is_string());
    ok(clerk.sign_out_one()).await;
    assert_eq!(active_id(&clerk), Some(a));
    restore_storage();
    assert_eq!(
        local().get_item(&keys().client).unwrap(),
        None,
        "nothing reached the full storage"
    );
}

#[wasm_bindgen_test]
async fn storage_that_throws_on_access_falls_back_to_memory() {
    fresh_page().await;
    break_storage_access();
    let clerk = loaded_clerk().await;
    let a = sign_up(&clerk, &unique_email("nostorage")).await;
    assert_eq!(active_id(&clerk), Some(a));
    assert!(active_token(&clerk, false).await.is_string());
    restore_storage();
    assert_eq!(local().get_item(&keys().client).unwrap(), None);
}

#[wasm_bindgen_test]
fn the_constructor_takes_a_publishable_key_or_an_origin() {
    let host = server().trim_start_matches("http://");
    let key = format!("pk_test_{}", window().btoa(&format!("{host}$")).unwrap());
    let clerk = clerk_wasm::Clerk::new(key.into(), None).unwrap();
    assert_eq!(clerk.frontend_api(), host);
    let options = obj(&[
        ("signInUrl", "/sign-in".into()),
        ("appearance", obj(&[("theme", "dark".into())])),
    ]);
    let clerk = clerk_wasm::Clerk::new(server().into(), Some(options)).unwrap();
    assert_eq!(
        prop_str(&clerk.options().into(), "signInUrl").as_deref(),
        Some("/sign-in")
    );
    assert_eq!(
        prop_str(&clerk.options().into(), "appearance.theme").as_deref(),
        Some("dark")
    );
    for bad in [
        JsValue::from("pk_test_!!"),
        JsValue::from("ftp://x"),
        JsValue::UNDEFINED,
        JsValue::from(5),
    ] {
        let e = clerk_wasm::Clerk::new(bad.clone(), None)
            .err()
            .expect("throws");
        assert!(clerk_wasm::is_clerk_api_response_error(&e), "{bad:?}");
        let code = error_code(&e);
        assert!(
            code == "invalid_publishable_key" || code == "invalid_frontend_api",
            "{bad:?}: {code}"
        );
    }
}
