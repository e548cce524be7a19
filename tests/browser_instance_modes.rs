//! Instance settings the server switches at run time (`PATCH /v1/instance`, backend key from
//! `CLERK_TEST_SECRET_KEY`): single-session mode and email verification at sign-up. Each test puts the defaults
//! back, also when it fails.
#![cfg(target_arch = "wasm32")]

mod common;
use common::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The backend key of the test server, baked in at compile time.
fn secret_key() -> &'static str {
    match option_env!("CLERK_TEST_SECRET_KEY") {
        Some(key) => key,
        None => panic!("CLERK_TEST_SECRET_KEY is set by scripts/test.sh"),
    }
}

/// `PATCH /v1/instance` with a form body.
async fn patch_instance(form: &str) {
    let init = web_sys::RequestInit::new();
    init.set_method("PATCH");
    let headers = web_sys::Headers::new().unwrap();
    headers
        .set("Authorization", &format!("Bearer {}", secret_key()))
        .unwrap();
    headers
        .set("Content-Type", "application/x-www-form-urlencoded")
        .unwrap();
    init.set_headers(&headers);
    init.set_body(&JsValue::from_str(form));
    let url = format!("{}/v1/instance", server());
    let response: web_sys::Response = JsFuture::from(window().fetch_with_str_and_init(&url, &init))
        .await
        .unwrap()
        .dyn_into()
        .unwrap();
    assert_eq!(response.status(), 200, "PATCH /v1/instance {form}");
}

/// The default settings every other test expects.
const DEFAULTS: &str = "single_session_mode=false&email_verification_required=false";

/// Puts the defaults back: [`RestoreDefaults::finish`] at the end of a passing test, or (in the background) when
/// a failing test drops it, so the shared server is never left in another mode.
struct RestoreDefaults;

impl RestoreDefaults {
    /// Restores the defaults and waits for it.
    async fn finish(self) {
        std::mem::forget(self);
        patch_instance(DEFAULTS).await;
    }
}

impl Drop for RestoreDefaults {
    fn drop(&mut self) {
        wasm_bindgen_futures::spawn_local(patch_instance(DEFAULTS));
    }
}

#[wasm_bindgen_test]
async fn single_session_mode_refuses_a_second_account_with_session_exists() {
    fresh_page();
    let restore = RestoreDefaults;
    patch_instance("single_session_mode=true").await;
    let clerk = loaded_clerk().await;
    let a = sign_up(&clerk, &unique_email("single-a")).await;
    let params = obj(&[
        ("emailAddress", unique_email("single-b").into()),
        ("password", PASSWORD.into()),
    ]);
    let e = rejected(clerk.client().sign_up().create(params)).await;
    assert_eq!(
        (error_code(&e), prop(&e, "status").as_f64()),
        ("session_exists".into(), Some(422.0))
    );
    let other = unique_email("single-c");
    let e = rejected(
        clerk
            .client()
            .sign_in()
            .create(obj(&[("identifier", other.into())])),
    )
    .await;
    assert_eq!(
        error_code(&e),
        "session_exists",
        "reaches the caller unchanged"
    );
    assert_eq!(session_ids(&clerk), vec![a.clone()]);
    // After signing out, a new account may sign in.
    ok(clerk.sign_out(None, None)).await;
    let b = sign_up(&clerk, &unique_email("single-d")).await;
    assert_eq!(active_id(&clerk), Some(b));
    restore.finish().await;
}

#[wasm_bindgen_test]
async fn sign_up_with_email_verification_by_code() {
    fresh_page();
    let restore = RestoreDefaults;
    patch_instance("email_verification_required=true").await;
    let clerk = loaded_clerk().await;
    let email = unique_email("verify");
    let sign_up = clerk.client().sign_up();
    let params = obj(&[
        ("emailAddress", email.as_str().into()),
        ("password", PASSWORD.into()),
    ]);
    let created = ok(sign_up.create(params)).await;
    assert_eq!(
        prop_str(&created, "status").as_deref(),
        Some("missing_requirements")
    );
    assert_eq!(
        prop_str(&created, "unverifiedFields.0").as_deref(),
        Some("email_address")
    );
    assert_eq!(prop_str(&created, "emailAddress"), Some(email.clone()));
    assert_eq!(
        prop_str(&created, "verifications.emailAddress.status").as_deref(),
        Some("unverified")
    );
    assert!(prop(&created, "createdSessionId").is_null() && session_ids(&clerk).is_empty());

    ok(sign_up.prepare_email_address_verification()).await;
    let e = rejected(sign_up.attempt_email_address_verification(obj(&[("code", "000000".into())])))
        .await;
    assert_eq!(error_code(&e), "form_code_incorrect");
    let code = outbox_code(&email).await;
    let done = ok(sign_up.attempt_email_address_verification(obj(&[("code", code.into())]))).await;
    assert_eq!(prop_str(&done, "status").as_deref(), Some("complete"));
    let session = prop_str(&done, "createdSessionId").unwrap();
    assert!(prop_str(&done, "createdUserId")
        .unwrap()
        .starts_with("user_"));
    assert_eq!(session_ids(&clerk), vec![session.clone()]);
    ok(clerk.set_active(obj(&[("session", session.as_str().into())]))).await;
    assert_eq!(
        prop_str(&clerk.user(), "primaryEmailAddress.emailAddress"),
        Some(email)
    );
    restore.finish().await;
}
