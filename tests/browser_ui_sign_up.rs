//! SignUp against the real server, mounted and as a modal: its controls, a sign-up that becomes the active
//! account, server errors, and the emailed-code step when the instance requires email verification.
#![cfg(target_arch = "wasm32")]

mod common;
mod common_ui;
use common::*;
use common_ui::*;
use wasm_bindgen_test::*;
use web_sys::Element;

wasm_bindgen_test_configure!(run_in_browser);

/// Fills the sign-up form and submits it.
fn submit_sign_up(scope: &Element, email: &str) {
    type_into(&by_role(scope, "textbox", "First name"), "Grace");
    type_into(&by_role(scope, "textbox", "Last name"), "Hopper");
    type_into(&by_role(scope, "textbox", "Email address"), email);
    type_into(&by_role(scope, "password", "Password"), PASSWORD);
    click(&by_role(scope, "button", "Create account"));
}

#[wasm_bindgen_test]
async fn it_has_every_control_with_its_name() {
    let (clerk, _, _) = with_accounts(&[]).await;
    let host = new_host();
    clerk.mount_sign_up(host.clone().into(), None);
    assert_eq!(names(&host, "heading"), ["Sign up"]);
    assert_eq!(
        names(&host, "textbox"),
        ["First name", "Last name", "Email address"]
    );
    by_role(&host, "password", "Password");
    assert_eq!(names(&host, "button"), ["Create account", "Sign in"]);
    clerk.unmount_sign_up(host.into());
}

#[wasm_bindgen_test]
async fn a_sign_up_becomes_the_active_account_and_follows_after_sign_up_url() {
    let (clerk, existing, _) = with_accounts(&["su-first"]).await;
    let host = new_host();
    clerk.mount_sign_up(
        host.clone().into(),
        props(&[("afterSignUpUrl", "#signed-up".into())]),
    );
    let email = unique_email("su-new");
    submit_sign_up(&host, &email);
    wait_until("signed up", 10000, || session_ids(&clerk).len() == 2).await;
    assert_ne!(active_id(&clerk), Some(existing[0].clone()));
    assert_eq!(
        prop_str(&clerk.user(), "fullName").as_deref(),
        Some("Grace Hopper")
    );
    assert_eq!(
        prop_str(&clerk.user(), "primaryEmailAddress.emailAddress"),
        Some(email)
    );
    assert_eq!(hash(), "#signed-up");
    clerk.unmount_sign_up(host.into());
}

#[wasm_bindgen_test]
async fn a_taken_email_shows_the_error_on_the_email_field() {
    let (clerk, _, emails) = with_accounts(&["su-taken"]).await;
    let host = new_host();
    clerk.mount_sign_up(host.clone().into(), None);
    submit_sign_up(&host, &emails[0]);
    wait_until("the error is shown", 10000, || {
        !all_by_role(&host, "alert").is_empty()
    })
    .await;
    assert_eq!(
        text(&the_alert(&host)),
        "That email address is taken. Please try another."
    );
    assert_eq!(
        attr(&by_role(&host, "textbox", "Email address"), "aria-invalid").as_deref(),
        Some("true")
    );
    assert_eq!(
        attr(&by_role(&host, "password", "Password"), "aria-invalid"),
        None
    );
    assert_eq!(session_ids(&clerk).len(), 1);
    clerk.unmount_sign_up(host.into());
}

#[wasm_bindgen_test]
async fn with_email_verification_required_it_asks_for_the_emailed_code() {
    fresh_page().await;
    let settings = Settings::set("email_verification_required=true").await;
    let clerk = loaded_clerk().await;
    let host = new_host();
    clerk.mount_sign_up(host.clone().into(), None);
    let email = unique_email("su-verify");
    submit_sign_up(&host, &email);
    wait_until("the code step", 10000, || {
        query_role(&host, "textbox", "Verification code").is_some()
    })
    .await;
    assert_eq!(names(&host, "heading"), ["Sign up"]);
    assert_eq!(names(&host, "button"), ["Verify", "Resend code", "Back"]);
    assert!(session_ids(&clerk).is_empty());
    let code = outbox_code(&email).await;
    type_into(&by_role(&host, "textbox", "Verification code"), &code);
    click(&by_role(&host, "button", "Verify"));
    wait_until("signed up", 10000, || clerk.session().is_truthy()).await;
    assert_eq!(
        prop_str(&clerk.user(), "primaryEmailAddress.emailAddress"),
        Some(email)
    );
    clerk.unmount_sign_up(host.into());
    settings.restore().await;
}

#[wasm_bindgen_test]
async fn the_modal_is_named_sign_up_and_closes_after_the_sign_up() {
    let (clerk, _, _) = with_accounts(&[]).await;
    clerk.open_sign_up(None);
    let dialog = by_role(&body(), "dialog", "Sign up");
    assert!(
        has_focus(&by_role(&dialog, "textbox", "First name")),
        "focus moved into the dialog"
    );
    clerk.close_sign_up();
    assert!(modal().is_none(), "closeSignUp() closes");
    clerk.open_sign_up(None);
    submit_sign_up(&modal().unwrap(), &unique_email("su-modal"));
    wait_until("signed up and closed", 10000, || {
        clerk.session().is_truthy() && modal().is_none()
    })
    .await;
}
