//! Look: `appearance` (theme and variables) and `localization` from the Clerk options and the props, 44 px touch
//! targets, and zero Content-Security-Policy violations under the server's strict `style-src 'self'` (checked in
//! an iframe whose document carries that policy).
#![cfg(target_arch = "wasm32")]

mod common;
mod common_ui;
use common::*;
use common_ui::*;
use js_sys::Reflect;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::Element;

wasm_bindgen_test_configure!(run_in_browser);

/// `getComputedStyle(el)[property]` (custom properties included), trimmed.
fn computed(el: &Element, property: &str) -> String {
    let value = js(
        "el, p",
        "return getComputedStyle(el).getPropertyValue(p).trim();",
        &[el.into(), property.into()],
    );
    value.as_string().unwrap()
}

/// A loaded instance with one account, made with `options`.
async fn instance_with(options: JsValue) -> clerk_wasm::Clerk {
    let (seed, _, emails) = with_accounts(&["look"]).await;
    drop(seed);
    let clerk = clerk_wasm::Clerk::new(server().into(), Some(options)).unwrap();
    ok(clerk.load(None)).await;
    wait_until("the stored account is shown", 5000, || {
        clerk.session().is_truthy()
    })
    .await;
    assert_eq!(
        prop_str(&clerk.user(), "primaryEmailAddress.emailAddress"),
        emails.first().cloned()
    );
    clerk
}

#[wasm_bindgen_test]
async fn appearance_and_localization_from_options_and_props_apply() {
    let options = obj(&[
        (
            "localization",
            obj(&[
                ("openUserMenu", "Menü öffnen".into()),
                ("signOut", "Abmelden".into()),
            ]),
        ),
        ("appearance", obj(&[("baseTheme", "dark".into())])),
    ]);
    let clerk = instance_with(options).await;
    let host = new_host();
    let appearance = obj(&[(
        "variables",
        obj(&[
            ("colorPrimary", "rgb(255, 0, 0)".into()),
            ("fontFamily", "serif".into()),
            ("colorDanger", "url(https://evil.example/x)".into()),
        ]),
    )]);
    let p = props(&[
        ("appearance", appearance),
        ("localization", obj(&[("signOut", "Se déconnecter".into())])),
    ]);
    clerk.mount_user_button(host.clone().into(), p);
    click(&by_role(&host, "button", "Menü öffnen"));
    let panel = by_role(&host, "dialog", "Account panel");
    by_role(&panel, "button", "Se déconnecter");
    let root = host.query_selector(".cw-root").unwrap().unwrap();
    assert_eq!(
        attr(&root, "data-cw-theme").as_deref(),
        Some("dark"),
        "the options' theme"
    );
    assert_eq!(
        attr(&root, "style"),
        Some("--cw-color-primary: rgb(255, 0, 0); --cw-font: serif;".into())
    );
    assert_eq!(
        computed(&root, "--cw-color-primary"),
        "rgb(255, 0, 0)",
        "the props' variable"
    );
    assert_eq!(computed(&root, "font-family"), "serif");
    assert_eq!(
        computed(&root, "--cw-color-danger"),
        "#ff7b72",
        "a url() value is refused; the dark default stays"
    );
    assert_eq!(
        computed(&panel, "background-color"),
        "rgb(30, 31, 36)",
        "dark surface"
    );
    clerk.unmount_user_button(host.clone().into());

    clerk.mount_sign_in(
        host.clone().into(),
        props(&[("localization", obj(&[("emailAddress", "E-Mail".into())]))]),
    );
    click(&by_role(&host, "button", "Use another account"));
    by_role(&host, "textbox", "E-Mail");
    clerk.unmount_sign_in(host.clone().into());
    host.remove();
}

#[wasm_bindgen_test]
async fn auto_theme_follows_the_system_setting_and_light_is_the_default() {
    let clerk = instance_with(obj(&[])).await;
    let host = new_host();
    clerk.mount_user_button(host.clone().into(), props(&[("defaultOpen", true.into())]));
    let panel = by_role(&host, "dialog", "Account panel");
    assert_eq!(computed(&panel, "background-color"), "rgb(255, 255, 255)");
    let p = props(&[
        ("defaultOpen", true.into()),
        ("appearance", obj(&[("baseTheme", "auto".into())])),
    ]);
    clerk.mount_user_button(host.clone().into(), p);
    let dark = js(
        "",
        "return matchMedia('(prefers-color-scheme: dark)').matches;",
        &[],
    )
    .as_bool()
    .unwrap();
    let expected = if dark {
        "rgb(30, 31, 36)"
    } else {
        "rgb(255, 255, 255)"
    };
    assert_eq!(
        computed(
            &by_role(&host, "dialog", "Account panel"),
            "background-color"
        ),
        expected
    );
    clerk.unmount_user_button(host.clone().into());
    host.remove();
}

/// An iframe whose document has the server's strict CSP and logs violations in `frame.__violations`.
async fn strict_frame() -> (Element, web_sys::Document) {
    let frame = document().create_element("iframe").unwrap();
    frame.set_attribute(
        "srcdoc",
        "<!doctype html><html><head><meta http-equiv=\"Content-Security-Policy\" \
         content=\"default-src 'self'; style-src 'self'; img-src 'self' data:\"></head><body></body></html>",
    )
    .unwrap();
    body().append_child(&frame).unwrap();
    let loaded = || {
        let doc = Reflect::get(&frame, &"contentDocument".into()).unwrap();
        !doc.is_null()
            && prop_str(&doc, "readyState").as_deref() == Some("complete")
            && prop(&doc, "body").is_truthy()
            && prop_str(&doc, "URL").as_deref() == Some("about:srcdoc")
    };
    wait_until("the frame loaded", 5000, loaded).await;
    let doc: web_sys::Document = Reflect::get(&frame, &"contentDocument".into())
        .unwrap()
        .unchecked_into();
    js(
        "doc",
        "doc.__violations = []; doc.addEventListener('securitypolicyviolation', e => doc.__violations.push(e.violatedDirective));",
        &[doc.clone().into()],
    );
    (frame, doc)
}

#[wasm_bindgen_test]
async fn components_cause_no_csp_violations_and_are_styled_under_style_src_self() {
    let clerk = instance_with(obj(&[])).await;
    let (frame, doc) = strict_frame().await;
    let add_host = || {
        let host = doc.create_element("div").unwrap();
        doc.body().unwrap().append_child(&host).unwrap();
        host
    };
    let (button_host, sign_in_host, sign_up_host) = (add_host(), add_host(), add_host());
    let look = obj(&[(
        "variables",
        obj(&[("colorPrimary", "rgb(0, 128, 0)".into())]),
    )]);
    clerk.mount_user_button(
        button_host.clone().into(),
        props(&[("defaultOpen", true.into()), ("appearance", look)]),
    );
    clerk.mount_sign_in(sign_in_host.clone().into(), None);
    clerk.mount_sign_up(sign_up_host.clone().into(), None);
    click(&by_role(&sign_in_host, "button", "Use another account"));
    click(&by_role(&sign_in_host, "button", "Sign in"));
    sleep(300).await;

    let trigger = by_role(&button_host, "button", "Close user menu");
    assert_eq!(
        computed(&trigger, "min-height"),
        "44px",
        "the stylesheet applies inside the strict frame"
    );
    assert_eq!(
        computed(
            &by_role(&button_host, "dialog", "Account panel"),
            "position"
        ),
        "fixed"
    );
    assert_eq!(
        computed(
            &by_role(&sign_up_host, "button", "Create account"),
            "background-color"
        ),
        "rgb(79, 70, 229)"
    );
    let root = button_host.query_selector(".cw-root").unwrap().unwrap();
    assert_eq!(
        computed(&root, "--cw-color-primary"),
        "rgb(0, 128, 0)",
        "CSSOM variables apply too"
    );
    assert_eq!(
        strings(&prop(&doc.clone().into(), "__violations")),
        Vec::<String>::new(),
        "no CSP violations"
    );

    // The detector works: a style attribute is a violation in this frame.
    let probe = doc.create_element("div").unwrap();
    probe.set_attribute("style", "color: red").unwrap();
    doc.body().unwrap().append_child(&probe).unwrap();
    wait_until("the probe's violation is reported", 5000, || {
        !strings(&prop(&doc.clone().into(), "__violations")).is_empty()
    })
    .await;

    clerk.unmount_user_button(button_host.into());
    clerk.unmount_sign_in(sign_in_host.into());
    clerk.unmount_sign_up(sign_up_host.into());
    frame.remove();
}

#[wasm_bindgen_test]
async fn every_control_is_a_44px_touch_target() {
    let clerk = instance_with(obj(&[])).await;
    let host = new_host();
    clerk.mount_user_button(
        host.clone().into(),
        props(&[
            ("defaultOpen", true.into()),
            ("userProfileUrl", "#p".into()),
        ]),
    );
    let sign_in = new_host();
    clerk.mount_sign_in(sign_in.clone().into(), None);
    click(&by_role(&sign_in, "button", "Use another account"));
    sleep(300).await; // the panel's opening animation scales it
    for scope in [&host, &sign_in] {
        for control in select_all(scope, "button, input") {
            let rect = control.get_bounding_client_rect();
            assert!(
                rect.height() >= 44.0 && rect.width() >= 44.0,
                "{} is {}×{}",
                accessible_name(&control),
                rect.width(),
                rect.height()
            );
        }
    }
    clerk.unmount_user_button(host.clone().into());
    clerk.unmount_sign_in(sign_in.clone().into());
    host.remove();
    sign_in.remove();
}

#[wasm_bindgen_test]
async fn long_names_and_emails_end_in_an_ellipsis_inside_the_panel() {
    fresh_page().await;
    let clerk = loaded_clerk().await;
    let long = "Bartholomew-Maximilian ".repeat(8);
    let email = unique_email(&"very-long-address".repeat(6));
    let params = obj(&[
        ("emailAddress", email.as_str().into()),
        ("password", PASSWORD.into()),
        ("firstName", long.trim().into()),
    ]);
    ok(clerk.client().sign_up().create(params)).await;
    let host = new_host();
    clerk.mount_user_button(
        host.clone().into(),
        props(&[("defaultOpen", true.into()), ("showName", true.into())]),
    );
    sleep(300).await; // the panel's opening animation scales it
    let panel = by_role(&host, "dialog", "Account panel");
    assert!(
        panel.get_bounding_client_rect().width() <= 354.0,
        "the panel keeps its width"
    );
    for el in select_all(&host, ".cw-name, .cw-email, .cw-trigger-name") {
        assert_eq!(computed(&el, "text-overflow"), "ellipsis");
        assert!(
            el.scroll_width() > el.client_width(),
            "{} is cut",
            text(&el)
        );
    }
    clerk.unmount_user_button(host.clone().into());
    host.remove();
}
