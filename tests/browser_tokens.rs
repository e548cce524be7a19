//! `session.getToken()` against the real server: the JWT of that session, cached, shared by concurrent callers,
//! never handed to another session, retried on transient failures, `null` once signed out.
#![cfg(target_arch = "wasm32")]

mod common;
use common::*;
use js_sys::{Array, Promise};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A loaded instance with `n` fresh accounts (the first active).
async fn accounts(n: usize) -> (clerk_wasm::Clerk, Vec<String>) {
    fresh_page().await;
    let clerk = loaded_clerk().await;
    let mut sessions = Vec::new();
    for i in 0..n {
        sessions.push(sign_up(&clerk, &unique_email(&format!("tok{i}"))).await);
    }
    (clerk, sessions)
}

/// `getToken({ skipCache })` on the `Session` object with this id in `client.sessions`.
fn token_of(clerk: &clerk_wasm::Clerk, id: &str, skip_cache: bool) -> Promise {
    let session = Array::from(&clerk.client().sessions())
        .iter()
        .find(|s| prop_str(s, "id").as_deref() == Some(id))
        .expect("a signed-in session");
    call_promise(
        &session,
        "getToken",
        &[obj(&[("skipCache", skip_cache.into())])],
    )
}

#[wasm_bindgen_test]
async fn tokens_are_for_their_session_and_cached_until_skipped() {
    let (clerk, s) = accounts(2).await;
    observe_fetch();
    let first = active_token(&clerk, false).await.as_string().unwrap();
    assert_eq!(sid_of(&first), s[0]);
    let again = active_token(&clerk, false).await.as_string().unwrap();
    assert_eq!(
        (again.as_str(), fetch_count("/tokens")),
        (first.as_str(), 1),
        "served from the cache"
    );
    active_token(&clerk, true).await;
    assert_eq!(fetch_count("/tokens"), 2, "skipCache fetches a new one");

    // Another account's Session object gets that account's token, while this tab stays on the first.
    let other = ok(token_of(&clerk, &s[1], false))
        .await
        .as_string()
        .unwrap();
    assert_eq!(sid_of(&other), s[1]);
    assert_eq!(active_id(&clerk), Some(s[0].clone()));
    // The app server accepts it: /api/whoami verifies it with the published key.
    let verified = whoami(&other).await;
    assert_eq!(prop_str(&verified, "session_id"), Some(s[1].clone()));
}

/// `GET /api/whoami` with the token as a Bearer credential.
async fn whoami(jwt: &str) -> JsValue {
    let init = web_sys::RequestInit::new();
    let headers = web_sys::Headers::new().unwrap();
    headers
        .set("Authorization", &format!("Bearer {jwt}"))
        .unwrap();
    init.set_headers(&headers);
    let url = format!("{}/api/whoami", server());
    let response: web_sys::Response =
        wasm_bindgen_futures::JsFuture::from(window().fetch_with_str_and_init(&url, &init))
            .await
            .unwrap()
            .into();
    assert_eq!(response.status(), 200);
    wasm_bindgen_futures::JsFuture::from(response.json().unwrap())
        .await
        .unwrap()
}

#[wasm_bindgen_test]
async fn a_hundred_concurrent_calls_make_one_request() {
    let (clerk, s) = accounts(1).await;
    observe_fetch();
    let calls: Array = (0..100)
        .map(|_| JsValue::from(token_of(&clerk, &s[0], false)))
        .collect();
    let tokens = Array::from(&ok(Promise::all(&calls)).await);
    assert_eq!(fetch_count("/tokens"), 1);
    let first = tokens.get(0).as_string().unwrap();
    assert!(tokens
        .iter()
        .all(|t| t.as_string().as_deref() == Some(first.as_str())));
    assert_eq!(sid_of(&first), s[0]);
    // skipCache callers arriving while a request is in flight share it too.
    let calls: Array = (0..10)
        .map(|_| JsValue::from(token_of(&clerk, &s[0], true)))
        .collect();
    ok(Promise::all(&calls)).await;
    assert_eq!(fetch_count("/tokens"), 2);
}

#[wasm_bindgen_test]
async fn a_switch_during_a_fetch_never_mixes_up_sessions() {
    let (clerk, s) = accounts(2).await;
    for i in 0..200 {
        let before = active_id(&clerk).unwrap();
        let pending = call_promise(
            &clerk.session(),
            "getToken",
            &[obj(&[("skipCache", true.into())])],
        );
        let other = if before == s[0] { &s[1] } else { &s[0] };
        ok(clerk.set_session(other.as_str().into())).await;
        let token = ok(pending).await.as_string().unwrap();
        assert_eq!(
            sid_of(&token),
            before,
            "iteration {i}: the token is for the session asked for"
        );
        let now = active_token(&clerk, i % 2 == 0).await.as_string().unwrap();
        assert_eq!(
            &sid_of(&now),
            other,
            "iteration {i}: the new active session gets its own token"
        );
    }
}

#[wasm_bindgen_test]
async fn signed_out_sessions_get_null() {
    let (clerk, s) = accounts(2).await;
    let first_session = clerk.session();
    ok(clerk.sign_out_one()).await;
    let token = ok(call_promise(&first_session, "getToken", &[])).await;
    assert!(
        token.is_null(),
        "the signed-out session's old object answers null"
    );

    // A session removed on the server behind the SDK's back: the token request says it is gone → null, dropped.
    remove_behind_the_sdks_back(&s[1]).await;
    let token = active_token(&clerk, true).await;
    assert!(token.is_null());
    assert!(clerk.session().is_null() && session_ids(&clerk).is_empty());
}

#[wasm_bindgen_test]
async fn transient_failures_are_retried_with_backoff() {
    let (clerk, _) = accounts(1).await;
    // Two 500s, then the real server.
    replace_fetch(
        "if (String(input).includes('/tokens') && window.__fetchLog.filter(u => u.includes('/tokens')).length <= 2) \
           return Promise.resolve(new Response('{\"errors\":[{\"code\":\"internal_clerk_error\",\"message\":\"boom\"}]}', \
             { status: 500, headers: { 'Content-Type': 'application/json' } })); \
         return real(input, init);",
    );
    let started = js_sys::Date::now();
    let token = active_token(&clerk, true).await;
    assert!(token.is_string());
    assert_eq!(fetch_count("/tokens"), 3);
    assert!(
        js_sys::Date::now() - started >= 700.0,
        "waited 250 + 500 ms between attempts"
    );

    // 429 with a readable Retry-After of 1 s is waited out.
    replace_fetch(
        "if (String(input).includes('/tokens') && window.__fetchLog.filter(u => u.includes('/tokens')).length == 1) \
           return Promise.resolve(new Response('{\"errors\":[{\"code\":\"too_many_requests\",\"message\":\"slow down\"}]}', \
             { status: 429, headers: { 'Retry-After': '1' } })); \
         return real(input, init);",
    );
    let started = js_sys::Date::now();
    assert!(active_token(&clerk, true).await.is_string());
    assert!(
        js_sys::Date::now() - started >= 950.0,
        "Retry-After honoured"
    );

    // A network failure on every attempt: 4 attempts, then the error (status 0, network_error).
    replace_fetch(
        "if (String(input).includes('/tokens')) return Promise.reject(new TypeError('Failed to fetch')); \
         return real(input, init);",
    );
    let e = rejected(call_promise(
        &clerk.session(),
        "getToken",
        &[obj(&[("skipCache", true.into())])],
    ))
    .await;
    assert_eq!(
        (error_code(&e), prop(&e, "status").as_f64()),
        ("network_error".into(), Some(0.0))
    );
    assert_eq!(fetch_count("/tokens"), 4);

    // Permanent 500s: the error carries the server's code and status; the SDK is still usable afterwards.
    replace_fetch(
        "if (String(input).includes('/tokens')) \
           return Promise.resolve(new Response('{\"errors\":[{\"code\":\"internal_clerk_error\",\"message\":\"boom\"}]}', { status: 500 })); \
         return real(input, init);",
    );
    let e = rejected(call_promise(
        &clerk.session(),
        "getToken",
        &[obj(&[("skipCache", true.into())])],
    ))
    .await;
    assert_eq!(
        (error_code(&e), prop(&e, "status").as_f64()),
        ("internal_clerk_error".into(), Some(500.0))
    );
    restore_fetch();
    assert!(active_token(&clerk, true).await.is_string());
}

#[wasm_bindgen_test]
async fn a_token_for_the_wrong_session_is_refused() {
    let (clerk, s) = accounts(2).await;
    let b_token = ok(token_of(&clerk, &s[1], false))
        .await
        .as_string()
        .unwrap();
    // A (faulty or hostile) answer carrying b's token for a's request.
    replace_fetch(&format!(
        "if (String(input).includes('/tokens')) \
           return Promise.resolve(new Response(JSON.stringify({{ object: 'token', jwt: '{b_token}' }}), {{ status: 200 }})); \
         return real(input, init);"
    ));
    let e = rejected(call_promise(
        &clerk.session(),
        "getToken",
        &[obj(&[("skipCache", true.into())])],
    ))
    .await;
    assert_eq!(error_code(&e), "token_session_mismatch");
    restore_fetch();
    let token = active_token(&clerk, false).await.as_string().unwrap();
    assert_eq!(sid_of(&token), s[0], "nothing wrong was cached");
}
