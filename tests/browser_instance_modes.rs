//! Instance settings the server switches at run time (`PATCH /v1/instance`, backend key from
//! `CLERK_TEST_SECRET_KEY`): single-session mode and email verification at sign-up. Each test puts the defaults
//! back; when one fails before that, the next test's `fresh_page` does.
#![cfg(target_arch = "wasm32")]

mod common;
use common::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn single_session_mode_refuses_a_second_account_with_session_exists() {
    fresh_page().await;
    let settings = Settings::set("single_session_mode=true").await;
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
    settings.restore().await;
}

#[wasm_bindgen_test]
async fn sign_up_with_email_verification_by_code() {
    fresh_page().await;
    let settings = Settings::set("email_verification_required=true").await;
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
    settings.restore().await;
}
