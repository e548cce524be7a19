//! SignIn against the real server, mounted and as a modal: the account chooser (multi-session mode only), the
//! password form, the emailed-code flow, server errors in `role="alert"` with `aria-invalid`, switching instead of
//! failing for an account already signed in, and the modal's keyboard behaviour.
#![cfg(target_arch = "wasm32")]

mod common;
mod common_ui;
use common::*;
use common_ui::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::Element;

wasm_bindgen_test_configure!(run_in_browser);

/// Fills the form and submits it.
fn submit_password(scope: &Element, email: &str, password: &str) {
    type_into(&by_role(scope, "textbox", "Email address"), email);
    type_into(&by_role(scope, "password", "Password"), password);
    click(&by_role(scope, "button", "Sign in"));
}

#[wasm_bindgen_test]
async fn signed_out_it_shows_the_form_with_every_control() {
    let (clerk, _, _) = with_accounts(&[]).await;
    let host = new_host();
    clerk.mount_sign_in(host.clone().into(), None);
    assert_eq!(names(&host, "heading"), ["Sign in"]);
    by_role(&host, "textbox", "Email address");
    by_role(&host, "password", "Password");
    assert_eq!(
        names(&host, "button"),
        ["Sign in", "Email me a code", "Sign up"]
    );
    assert!(
        all_by_role(&host, "dialog").is_empty(),
        "mounted, not a dialog"
    );
    clerk.unmount_sign_in(host.into());
}

#[wasm_bindgen_test]
async fn password_sign_in_makes_the_new_session_active_and_follows_after_sign_in_url() {
    let (clerk, _, _) = with_accounts(&[]).await;
    let email = signed_out_user(&clerk, "si-pw").await;
    let host = new_host();
    clerk.mount_sign_in(
        host.clone().into(),
        props(&[("afterSignInUrl", "#signed-in".into())]),
    );
    submit_password(&host, &email, PASSWORD);
    wait_until("signed in", 10000, || clerk.session().is_truthy()).await;
    assert_eq!(
        prop_str(&clerk.user(), "primaryEmailAddress.emailAddress"),
        Some(email)
    );
    assert_eq!(hash(), "#signed-in");
    clerk.unmount_sign_in(host.into());
}

#[wasm_bindgen_test]
async fn server_errors_show_in_an_alert_with_aria_invalid_and_the_form_stays_usable() {
    let (clerk, _, _) = with_accounts(&[]).await;
    let email = signed_out_user(&clerk, "si-err").await;
    let host = new_host();
    clerk.mount_sign_in(host.clone().into(), None);
    submit_password(&host, &email, "wrong-password");
    wait_until("the error is shown", 10000, || {
        !all_by_role(&host, "alert").is_empty()
    })
    .await;
    let alert = the_alert(&host);
    assert_eq!(
        text(&alert),
        "Password is incorrect. Try again, or use another method."
    );
    let (email_box, password) = (
        by_role(&host, "textbox", "Email address"),
        by_role(&host, "password", "Password"),
    );
    assert_eq!(attr(&password, "aria-invalid").as_deref(), Some("true"));
    assert_eq!(attr(&password, "aria-describedby"), Some(alert.id()));
    assert_eq!(
        attr(&email_box, "aria-invalid"),
        None,
        "only the field the error is about"
    );
    assert_eq!(
        prop_str(&email_box.clone().into(), "value"),
        Some(email.clone()),
        "typed values are kept"
    );
    type_into(&password, PASSWORD);
    click(&by_role(&host, "button", "Sign in"));
    wait_until("signed in after correcting", 10000, || {
        clerk.session().is_truthy()
    })
    .await;
    clerk.unmount_sign_in(host.into());
}

#[wasm_bindgen_test]
async fn an_empty_password_is_refused_without_a_request() {
    let (clerk, _, _) = with_accounts(&[]).await;
    let host = new_host();
    clerk.mount_sign_in(host.clone().into(), None);
    observe_fetch();
    submit_password(&host, "someone@example.com", "");
    assert_eq!(text(&the_alert(&host)), "Enter your password.");
    assert_eq!(
        attr(&by_role(&host, "password", "Password"), "aria-invalid").as_deref(),
        Some("true")
    );
    assert_eq!(fetch_count("/sign_ins"), 0);
    restore_fetch();
    clerk.unmount_sign_in(host.into());
}

#[wasm_bindgen_test]
async fn email_code_flow_with_a_wrong_code_a_resend_and_the_right_code() {
    let (clerk, _, _) = with_accounts(&[]).await;
    let email = signed_out_user(&clerk, "si-code").await;
    let host = new_host();
    clerk.mount_sign_in(host.clone().into(), None);
    type_into(&by_role(&host, "textbox", "Email address"), &email);
    click(&by_role(&host, "button", "Email me a code"));
    wait_until("the code step", 10000, || {
        query_role(&host, "textbox", "Verification code").is_some()
    })
    .await;
    assert!(has_focus(&by_role(&host, "textbox", "Verification code")));
    assert!(text(&host).contains(&format!("We sent a code to {email}")));
    assert_eq!(names(&host, "button"), ["Verify", "Resend code", "Back"]);
    type_into(&by_role(&host, "textbox", "Verification code"), "000000");
    click(&by_role(&host, "button", "Verify"));
    wait_until("the error", 10000, || {
        !all_by_role(&host, "alert").is_empty()
    })
    .await;
    assert_eq!(text(&the_alert(&host)), "Incorrect code");
    let code_box = by_role(&host, "textbox", "Verification code");
    assert_eq!(attr(&code_box, "aria-invalid").as_deref(), Some("true"));
    let first_code = outbox_code(&email).await;
    click(&by_role(&host, "button", "Resend code"));
    wait_until("a new code", 10000, || {
        all_by_role(&host, "alert").is_empty()
    })
    .await;
    let mut code = outbox_code(&email).await;
    for _ in 0..50 {
        if code != first_code {
            break;
        }
        sleep(50).await;
        code = outbox_code(&email).await;
    }
    type_into(&by_role(&host, "textbox", "Verification code"), &code);
    click(&by_role(&host, "button", "Verify"));
    wait_until("signed in with the code", 10000, || {
        clerk.session().is_truthy()
    })
    .await;
    assert_eq!(
        prop_str(&clerk.user(), "primaryEmailAddress.emailAddress"),
        Some(email)
    );
    clerk.unmount_sign_in(host.into());
}

#[wasm_bindgen_test]
async fn the_chooser_lists_signed_in_accounts_and_switches_to_one() {
    let (clerk, sessions, emails) = with_accounts(&["ch-a", "ch-b"]).await;
    let host = new_host();
    clerk.mount_sign_in(host.clone().into(), None);
    assert_eq!(names(&host, "heading"), ["Choose an account"]);
    assert_eq!(
        names(&host, "button"),
        [
            format!("Continue as {}", emails[1]),
            format!("Continue as {}", emails[0]),
            "Use another account".into(),
            "Sign up".into(),
        ],
        "most recently active first"
    );
    click(&by_role(
        &host,
        "button",
        &format!("Continue as {}", emails[0]),
    ));
    assert_eq!(active_id(&clerk), Some(sessions[0].clone()));
    click(&by_role(&host, "button", "Use another account"));
    assert_eq!(names(&host, "heading"), ["Sign in"]);
    assert!(has_focus(&by_role(&host, "textbox", "Email address")));
    click(&by_role(&host, "button", "Back"));
    assert_eq!(names(&host, "heading"), ["Choose an account"]);
    clerk.unmount_sign_in(host.into());
}

#[wasm_bindgen_test]
async fn signing_in_as_an_account_already_signed_in_switches_to_it() {
    let (clerk, sessions, emails) = with_accounts(&["again-a", "again-b"]).await;
    let host = new_host();
    clerk.mount_sign_in(host.clone().into(), None);
    click(&by_role(&host, "button", "Use another account"));
    submit_password(&host, &emails[0], PASSWORD);
    wait_until("switched", 10000, || {
        active_id(&clerk) == Some(sessions[0].clone())
    })
    .await;
    assert!(all_by_role(&host, "alert").is_empty(), "no error shown");
    assert_eq!(session_ids(&clerk).len(), 2);
    clerk.unmount_sign_in(host.into());
}

#[wasm_bindgen_test]
async fn single_session_mode_has_no_chooser_and_shows_session_exists() {
    fresh_page().await;
    let settings = Settings::set("single_session_mode=true").await;
    let clerk = loaded_clerk().await;
    let other = signed_out_user(&clerk, "single-other").await;
    sign_up(&clerk, &unique_email("single-in")).await;
    let host = new_host();
    clerk.mount_sign_in(host.clone().into(), None);
    assert_eq!(
        names(&host, "heading"),
        ["Sign in"],
        "no chooser in single-session mode"
    );
    submit_password(&host, &other, PASSWORD);
    wait_until("the error is shown", 10000, || {
        !all_by_role(&host, "alert").is_empty()
    })
    .await;
    assert_eq!(text(&the_alert(&host)), "You're already signed in.");
    assert_eq!(
        attr(&by_role(&host, "textbox", "Email address"), "aria-invalid").as_deref(),
        Some("true")
    );
    clerk.unmount_sign_in(host.into());
    settings.restore().await;
}

#[wasm_bindgen_test]
async fn sign_up_link_shows_sign_up_in_place_or_follows_sign_up_url() {
    let (clerk, _, _) = with_accounts(&[]).await;
    let host = new_host();
    clerk.mount_sign_in(host.clone().into(), None);
    click(&by_role(&host, "button", "Sign up"));
    assert_eq!(names(&host, "heading"), ["Sign up"]);
    click(&by_role(&host, "button", "Sign in"));
    assert_eq!(names(&host, "heading"), ["Sign in"]);
    clerk.mount_sign_in(
        host.clone().into(),
        props(&[("signUpUrl", "#sign-up".into())]),
    );
    click(&by_role(&host, "button", "Sign up"));
    assert_eq!(hash(), "#sign-up");
    clerk.unmount_sign_in(host.into());
}

#[wasm_bindgen_test]
async fn server_messages_render_as_text() {
    let (clerk, _, _) = with_accounts(&[]).await;
    js("", "delete window.__xss", &[]);
    replace_fetch(
        "return Promise.resolve(new Response(JSON.stringify({ errors: [{ code: 'x', message: 'm', \
         long_message: '<img src=x onerror=\"window.__xss=1\">' }] }), { status: 422 }));",
    );
    let host = new_host();
    clerk.mount_sign_in(host.clone().into(), None);
    submit_password(&host, "a@example.com", "whatever-1");
    wait_until("the error is shown", 5000, || {
        !all_by_role(&host, "alert").is_empty()
    })
    .await;
    restore_fetch();
    assert_eq!(
        text(&the_alert(&host)),
        "<img src=x onerror=\"window.__xss=1\">"
    );
    assert!(select_all(&host, "img").is_empty());
    sleep(100).await;
    assert!(prop(&window().into(), "__xss").is_undefined());
    clerk.unmount_sign_in(host.into());
}

#[wasm_bindgen_test]
async fn modal_takes_focus_traps_tab_and_escape_gives_focus_back() {
    let (clerk, _, _) = with_accounts(&[]).await;
    let opener = document().create_element("button").unwrap();
    opener.set_text_content(Some("opener"));
    body().append_child(&opener).unwrap();
    opener
        .unchecked_ref::<web_sys::HtmlElement>()
        .focus()
        .unwrap();
    clerk.open_sign_in(None);
    let dialog = by_role(&body(), "dialog", "Sign in");
    assert_eq!(attr(&dialog, "aria-modal").as_deref(), Some("true"));
    assert!(
        has_focus(&by_role(&dialog, "textbox", "Email address")),
        "focus moved into the dialog"
    );
    let controls = select_all(&dialog, "button, input");
    let (first, last) = (controls[0].clone(), controls[controls.len() - 1].clone());
    assert_eq!(accessible_name(&first), "Close");
    last.unchecked_ref::<web_sys::HtmlElement>()
        .focus()
        .unwrap();
    assert!(press(&last, "Tab", false));
    assert!(
        has_focus(&first),
        "Tab from the last control wraps to the first"
    );
    assert!(press(&first, "Tab", true));
    assert!(
        has_focus(&last),
        "Shift+Tab from the first wraps to the last"
    );
    assert!(press(&last, "Escape", false));
    assert!(modal().is_none(), "Escape closes");
    assert!(has_focus(&opener), "focus is back where it was");

    clerk.open_sign_in(None);
    click(&by_role(&body(), "button", "Close"));
    assert!(modal().is_none(), "the close button closes");
    clerk.open_sign_in(None);
    click(&document().query_selector(".cw-overlay").unwrap().unwrap());
    assert!(modal().is_none(), "a click on the backdrop closes");
    clerk.open_sign_in(None);
    clerk.close_sign_in();
    assert!(modal().is_none(), "closeSignIn() closes");
    opener.remove();
}

#[wasm_bindgen_test]
async fn modal_sign_in_closes_on_success_and_switching_to_sign_up_renames_it() {
    let (clerk, _, _) = with_accounts(&[]).await;
    let email = signed_out_user(&clerk, "modal-si").await;
    clerk.open_sign_in(None);
    click(&by_role(&modal().unwrap(), "button", "Sign up"));
    let dialog = by_role(&body(), "dialog", "Sign up");
    click(&by_role(&dialog, "button", "Sign in"));
    let dialog = by_role(&body(), "dialog", "Sign in");
    submit_password(&dialog, &email, PASSWORD);
    wait_until("signed in and closed", 10000, || {
        clerk.session().is_truthy() && modal().is_none()
    })
    .await;
}
