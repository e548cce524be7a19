//! Faults the real server does not produce on demand — garbage bodies, wrongly-shaped JSON, 5xx pages, offline —
//! made by temporarily replacing `window.fetch`: each becomes a Clerk error or `"degraded"`, never a panic, and
//! the SDK keeps working once the network is healthy again.
#![cfg(target_arch = "wasm32")]

mod common;
use common::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Answers requests whose URL contains `needle` with `status` and `body`; others go to the server.
fn answer(needle: &str, status: u16, body: &str) {
    replace_fetch(&format!(
        "if (String(input).includes({needle:?})) return Promise.resolve(new Response({body:?}, {{ status: {status} }})); \
         return real(input, init);"
    ));
}

/// Signs up with the SDK and expects the error `code` with `status`.
async fn sign_up_fails_with(clerk: &clerk_wasm::Clerk, code: &str, status: f64) {
    let params = obj(&[
        ("emailAddress", unique_email("fault").into()),
        ("password", PASSWORD.into()),
    ]);
    let e = rejected(clerk.client().sign_up().create(params)).await;
    assert_eq!(
        (error_code(&e), prop(&e, "status").as_f64()),
        (code.to_string(), Some(status)),
        "{}",
        describe(&e)
    );
}

#[wasm_bindgen_test]
async fn garbage_and_server_errors_on_load_are_degraded_with_a_cache() {
    fresh_page().await;
    let clerk = loaded_clerk().await;
    let a = sign_up(&clerk, &unique_email("deg")).await;
    replace_fetch(
        "const url = String(input); \
         if (url.includes('/v1/environment')) return Promise.resolve(new Response('<html>oops</html>', { status: 500 })); \
         if (url.includes('/v1/client')) return Promise.resolve(new Response('{\"response\": {\"object\": \"client\"', { status: 200 })); \
         return real(input, init);",
    );
    let reloaded = new_clerk();
    ok(reloaded.load(None)).await;
    wait_until("the failed round", 5000, || reloaded.status() != "loading").await;
    assert_eq!(reloaded.status(), "degraded");
    assert_eq!(
        active_id(&reloaded),
        Some(a.clone()),
        "the cached state stays"
    );
    restore_fetch();
    let b = sign_up(&reloaded, &unique_email("deg-after")).await;
    assert_eq!(session_ids(&reloaded), vec![b, a]);
}

#[wasm_bindgen_test]
async fn without_a_cache_one_good_answer_is_degraded_and_none_is_an_error() {
    fresh_page().await;
    answer("/v1/client", 200, "[1, 2, 3]");
    let clerk = new_clerk();
    ok(clerk.load(None)).await;
    assert_eq!(clerk.status(), "degraded", "the environment answered");
    fresh_page().await;
    answer("/v1/", 200, "{\"auth_config\": 5}");
    let clerk = new_clerk();
    let e = rejected(clerk.load(None)).await;
    assert_eq!(
        (error_code(&e), prop(&e, "status").as_f64()),
        ("invalid_response".into(), Some(200.0))
    );
    assert_eq!(clerk.status(), "error");
    restore_fetch();
}

#[wasm_bindgen_test]
async fn broken_answers_to_mutations_are_errors_and_the_sdk_recovers() {
    fresh_page().await;
    let clerk = loaded_clerk().await;
    answer("/sign_ups", 500, "{\"errors\":[{\"code\":\"internal_clerk_error\",\"message\":\"boom\",\"long_message\":\"Something broke\"}],\"clerk_trace_id\":\"trace_1\"}");
    sign_up_fails_with(&clerk, "internal_clerk_error", 500.0).await;
    answer("/sign_ups", 502, "<html>Bad gateway</html>");
    sign_up_fails_with(&clerk, "invalid_response", 502.0).await;
    answer("/sign_ups", 200, "not json at all");
    sign_up_fails_with(&clerk, "invalid_response", 200.0).await;
    answer("/sign_ups", 200, "{\"response\": {\"object\": \"session\", \"id\": \"sess_1\", \"status\": \"active\"}, \"client\": null}");
    sign_up_fails_with(&clerk, "invalid_response", 200.0).await;
    answer("/sign_ups", 200, "{\"response\": null, \"client\": null}");
    sign_up_fails_with(&clerk, "invalid_response", 200.0).await;
    answer("/sign_ups", 422, "{\"errors\": []}");
    sign_up_fails_with(&clerk, "invalid_response", 422.0).await;
    replace_fetch("return Promise.reject(new TypeError('Failed to fetch'));");
    sign_up_fails_with(&clerk, "network_error", 0.0).await;
    assert!(
        session_ids(&clerk).is_empty() && clerk.session().is_null(),
        "nothing changed"
    );

    // The trace id and long message travel to JS.
    answer("/sign_ups", 500, "{\"errors\":[{\"code\":\"internal_clerk_error\",\"message\":\"boom\",\"long_message\":\"Something broke\"}],\"clerk_trace_id\":\"trace_1\"}");
    let params = obj(&[
        ("emailAddress", unique_email("fault").into()),
        ("password", PASSWORD.into()),
    ]);
    let e = rejected(clerk.client().sign_up().create(params)).await;
    assert_eq!(prop_str(&e, "message").as_deref(), Some("Something broke"));
    assert_eq!(prop_str(&e, "clerkTraceId").as_deref(), Some("trace_1"));
    assert_eq!(
        prop_str(&e, "errors.0.longMessage").as_deref(),
        Some("Something broke")
    );

    restore_fetch();
    let a = sign_up(&clerk, &unique_email("recovered")).await;
    assert_eq!(active_id(&clerk), Some(a));
    // A garbage answer to a sign-out leaves the account signed in locally.
    answer("/remove", 200, "}{");
    let e = rejected(clerk.sign_out_one()).await;
    assert_eq!(error_code(&e), "invalid_response");
    assert!(clerk.is_signed_in());
    restore_fetch();
}
