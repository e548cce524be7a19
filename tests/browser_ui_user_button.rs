//! UserButton against the real server: every control by role and accessible name in both session modes, the
//! switch / sign-out / sign-out-all / add-account flows (DOM and `Clerk` state), following state changes made
//! through the API, keyboard use, avatars, and user text rendered as text.
#![cfg(target_arch = "wasm32")]

mod common;
mod common_ui;
use common::*;
use common_ui::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::Element;

wasm_bindgen_test_configure!(run_in_browser);

/// The trigger (closed or open).
fn trigger(host: &Element) -> Element {
    query_role(host, "button", "Open user menu")
        .unwrap_or_else(|| by_role(host, "button", "Close user menu"))
}

/// The name and email shown in an account row.
fn name_and_email(row: &Element) -> String {
    select_all(row, ".cw-name, .cw-email")
        .iter()
        .map(text)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Opens the panel with a click and returns it.
fn open_panel(host: &Element) -> Element {
    click(&by_role(host, "button", "Open user menu"));
    by_role(host, "dialog", "Account panel")
}

#[wasm_bindgen_test]
async fn signed_out_it_renders_nothing_and_appears_when_an_account_signs_in() {
    let (clerk, _, _) = with_accounts(&[]).await;
    let host = new_host();
    clerk.mount_user_button(host.clone().into(), None);
    assert!(
        all_by_role(&host, "button").is_empty(),
        "nothing rendered while signed out"
    );
    let email = unique_email("appears");
    sign_up(&clerk, &email).await;
    let trigger = by_role(&host, "button", "Open user menu");
    assert_eq!(attr(&trigger, "aria-expanded").as_deref(), Some("false"));
    assert_eq!(attr(&trigger, "aria-haspopup").as_deref(), Some("dialog"));
    clerk.unmount_user_button(host.into());
}

#[wasm_bindgen_test]
async fn multi_session_panel_has_every_control_with_its_name() {
    let (clerk, _, emails) = with_accounts(&["ub-a", "ub-b", "ub-c"]).await;
    let host = new_host();
    let p = props(&[
        ("userProfileUrl", "#profile".into()),
        ("showName", true.into()),
    ]);
    clerk.mount_user_button(host.clone().into(), p);
    let shown = trigger(&host)
        .query_selector(".cw-trigger-name")
        .unwrap()
        .map(|n| text(&n));
    assert_eq!(
        shown.as_deref(),
        Some("Test User"),
        "with showName, the full name"
    );
    let panel = open_panel(&host);
    let trigger = by_role(&host, "button", "Close user menu");
    assert_eq!(attr(&trigger, "aria-expanded").as_deref(), Some("true"));
    let header = panel
        .query_selector(".cw-account")
        .unwrap()
        .expect("the active account");
    assert_eq!(name_and_email(&header), format!("Test User {}", emails[2]));
    let switch = by_role(&panel, "group", "Switch account");
    assert_eq!(
        names(&switch, "button"),
        [
            format!("Switch to {}", emails[1]),
            format!("Switch to {}", emails[0])
        ],
        "the other accounts, most recently active first"
    );
    assert_eq!(
        names(&panel, "button"),
        [
            "Manage account".to_string(),
            "Sign out".into(),
            format!("Switch to {}", emails[1]),
            format!("Switch to {}", emails[0]),
            "Add account".into(),
            "Sign out of all accounts".into(),
        ]
    );
    click(&by_role(&panel, "button", "Manage account"));
    assert_eq!(hash(), "#profile");
    assert!(
        query_role(&host, "dialog", "Account panel").is_none(),
        "navigating closes the panel"
    );
    clerk.unmount_user_button(host.into());
}

#[wasm_bindgen_test]
async fn one_account_has_no_switch_group_and_no_sign_out_of_all() {
    let (clerk, _, _) = with_accounts(&["ub-one"]).await;
    let host = new_host();
    clerk.mount_user_button(host.clone().into(), None);
    let panel = open_panel(&host);
    assert_eq!(
        names(&panel, "button"),
        ["Sign out", "Add account"],
        "no Manage account without userProfileUrl"
    );
    assert!(all_by_role(&panel, "group").is_empty());
    clerk.unmount_user_button(host.into());
}

#[wasm_bindgen_test]
async fn single_session_mode_has_no_switch_add_or_sign_out_of_all() {
    fresh_page().await;
    let settings = Settings::set("single_session_mode=true").await;
    let clerk = loaded_clerk().await;
    sign_up(&clerk, &unique_email("ub-single")).await;
    let host = new_host();
    clerk.mount_user_button(
        host.clone().into(),
        props(&[("userProfileUrl", "#p".into())]),
    );
    let panel = open_panel(&host);
    assert_eq!(names(&panel, "button"), ["Manage account", "Sign out"]);
    assert!(all_by_role(&panel, "group").is_empty());
    clerk.unmount_user_button(host.into());
    settings.restore().await;
}

#[wasm_bindgen_test]
async fn switching_accounts_updates_the_button_and_clerk() {
    let (clerk, sessions, emails) = with_accounts(&["sw-a", "sw-b"]).await;
    let host = new_host();
    clerk.mount_user_button(
        host.clone().into(),
        props(&[("afterSwitchSessionUrl", "#switched".into())]),
    );
    let panel = open_panel(&host);
    click(&by_role(
        &panel,
        "button",
        &format!("Switch to {}", emails[0]),
    ));
    assert_eq!(active_id(&clerk), Some(sessions[0].clone()));
    assert_eq!(hash(), "#switched");
    assert!(
        query_role(&host, "dialog", "Account panel").is_none(),
        "choosing an account closes the panel"
    );
    assert!(
        has_focus(&by_role(&host, "button", "Open user menu")),
        "focus back on the trigger"
    );
    let panel = open_panel(&host);
    assert!(text(&panel).contains(&emails[0]));
    assert_eq!(
        names(&by_role(&panel, "group", "Switch account"), "button"),
        [format!("Switch to {}", emails[1])]
    );
    clerk.unmount_user_button(host.into());
}

#[wasm_bindgen_test]
async fn sign_out_leaves_the_most_recently_active_other_account_in_place() {
    let (clerk, sessions, emails) = with_accounts(&["so-a", "so-b", "so-c"]).await;
    let host = new_host();
    let p = props(&[
        ("afterMultiSessionSingleSignOutUrl", "#one-out".into()),
        ("afterSignOutUrl", "#all-out".into()),
    ]);
    clerk.mount_user_button(host.clone().into(), p);
    click(&by_role(&open_panel(&host), "button", "Sign out"));
    assert!(
        query_role(&host, "dialog", "Account panel").is_none(),
        "a sign-out closes the panel"
    );
    wait_until("the account is signed out", 5000, || {
        session_ids(&clerk).len() == 2
    })
    .await;
    assert_eq!(
        active_id(&clerk),
        Some(sessions[1].clone()),
        "the most recently active remaining account"
    );
    assert_eq!(hash(), "#one-out");
    let panel = open_panel(&host);
    assert!(
        text(&panel).contains(&emails[1]),
        "the button shows the new active account"
    );
    assert_eq!(
        names(&by_role(&panel, "group", "Switch account"), "button"),
        [format!("Switch to {}", emails[0])]
    );
    clerk.unmount_user_button(host.into());
}

#[wasm_bindgen_test]
async fn sign_out_of_all_accounts_removes_the_button() {
    let (clerk, _, _) = with_accounts(&["all-a", "all-b"]).await;
    let host = new_host();
    clerk.mount_user_button(
        host.clone().into(),
        props(&[("afterSignOutUrl", "#all-out".into())]),
    );
    click(&by_role(
        &open_panel(&host),
        "button",
        "Sign out of all accounts",
    ));
    wait_until("every account is signed out", 5000, || {
        session_ids(&clerk).is_empty()
    })
    .await;
    assert!(clerk.session().is_null());
    assert!(
        all_by_role(&host, "button").is_empty(),
        "signed out: nothing rendered"
    );
    assert_eq!(hash(), "#all-out");
    clerk.unmount_user_button(host.into());
}

#[wasm_bindgen_test]
async fn add_account_signs_in_through_the_modal_and_makes_it_active() {
    let (clerk, _, _) = with_accounts(&["add-a"]).await;
    let other = signed_out_user(&clerk, "add-b").await;
    let host = new_host();
    clerk.mount_user_button(host.clone().into(), None);
    click(&by_role(&open_panel(&host), "button", "Add account"));
    assert!(
        query_role(&host, "dialog", "Account panel").is_none(),
        "Add account closes the panel"
    );
    let dialog = by_role(&body(), "dialog", "Sign in");
    assert!(
        query_role(&dialog, "heading", "Choose an account").is_none(),
        "add-account mode skips the chooser"
    );
    assert!(
        has_focus(&by_role(&dialog, "textbox", "Email address")),
        "focus moved into the dialog"
    );
    type_into(&by_role(&dialog, "textbox", "Email address"), &other);
    type_into(&by_role(&dialog, "password", "Password"), PASSWORD);
    click(&by_role(&dialog, "button", "Sign in"));
    wait_until("the new account is active", 10000, || {
        session_ids(&clerk).len() == 2 && modal().is_none()
    })
    .await;
    assert_eq!(
        prop_str(&clerk.user(), "primaryEmailAddress.emailAddress"),
        Some(other.clone())
    );
    assert!(
        has_focus(&by_role(&host, "button", "Open user menu")),
        "focus back on the trigger"
    );
    assert!(text(&open_panel(&host)).contains(&other));
    clerk.unmount_user_button(host.into());
}

#[wasm_bindgen_test]
async fn add_account_follows_sign_in_url_when_set() {
    let (clerk, _, _) = with_accounts(&["add-url"]).await;
    let host = new_host();
    clerk.mount_user_button(
        host.clone().into(),
        props(&[("signInUrl", "#sign-in".into())]),
    );
    click(&by_role(&open_panel(&host), "button", "Add account"));
    assert_eq!(hash(), "#sign-in");
    assert!(modal().is_none());
    clerk.unmount_user_button(host.into());
}

#[wasm_bindgen_test]
async fn follows_switches_and_sign_outs_made_through_the_api() {
    let (clerk, sessions, emails) = with_accounts(&["api-a", "api-b"]).await;
    let host = new_host();
    clerk.mount_user_button(host.clone().into(), props(&[("defaultOpen", true.into())]));
    let panel = by_role(&host, "dialog", "Account panel");
    assert!(
        text(&panel).contains(&emails[1]),
        "defaultOpen shows the panel at once"
    );
    ok(clerk.set_session(sessions[0].as_str().into())).await;
    assert!(text(&by_role(&host, "dialog", "Account panel")).contains(&emails[0]));
    ok(clerk.sign_out(None, None)).await;
    assert!(all_by_role(&host, "button").is_empty());
    sign_in(&clerk, &emails[1]).await;
    let trigger = by_role(&host, "button", "Open user menu");
    assert_eq!(
        attr(&trigger, "aria-expanded").as_deref(),
        Some("false"),
        "a sign-out closed the panel"
    );
    clerk.unmount_user_button(host.into());
}

#[wasm_bindgen_test]
async fn keyboard_opens_moves_focus_in_cycles_and_escape_restores_focus() {
    let (clerk, _, _) = with_accounts(&["kb-a", "kb-b"]).await;
    let host = new_host();
    clerk.mount_user_button(host.clone().into(), None);
    let trigger = by_role(&host, "button", "Open user menu");
    trigger
        .unchecked_ref::<web_sys::HtmlElement>()
        .focus()
        .unwrap();
    assert!(press(&trigger, "Enter", false));
    let panel = by_role(&host, "dialog", "Account panel");
    let buttons = all_by_role(&panel, "button");
    assert_eq!(
        buttons.len(),
        4,
        "Sign out, one switch, Add account, Sign out of all accounts"
    );
    assert!(has_focus(&buttons[0]), "focus moved into the panel");
    for expected in buttons.iter().skip(1).chain(buttons.first()) {
        assert!(press(&focused().unwrap(), "Tab", false));
        assert!(has_focus(expected), "Tab moves on and wraps around");
    }
    assert!(press(&focused().unwrap(), "Tab", true));
    assert!(
        has_focus(&buttons[3]),
        "Shift+Tab from the first wraps to the last"
    );
    assert!(press(&focused().unwrap(), "Escape", false));
    assert!(query_role(&host, "dialog", "Account panel").is_none());
    let trigger = by_role(&host, "button", "Open user menu");
    assert!(
        has_focus(&trigger),
        "Escape returns the focus to the trigger"
    );
    assert!(press(&trigger, " ", false), "Space opens too");
    assert!(query_role(&host, "dialog", "Account panel").is_some());
    pointer_down(&body());
    assert!(
        query_role(&host, "dialog", "Account panel").is_none(),
        "a press outside closes"
    );
    clerk.unmount_user_button(host.into());
}

/// A 1×1 PNG.
const PIXEL: &str = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

/// Serves every user with `image_url` set to `url` (the test server has no avatar images).
fn serve_images(url: &str) {
    replace_fetch(&format!(
        "return real(input, init).then(r => r.text().then(t => new Response(\
           t.split('\"image_url\":\"\"').join('\"image_url\":\"{url}\"'), \
           {{ status: r.status, statusText: r.statusText, headers: r.headers }})));"
    ));
}

#[wasm_bindgen_test]
async fn avatar_shows_the_image_or_initials_when_it_is_missing_or_broken() {
    let (clerk, _, _) = with_accounts(&["av-plain"]).await;
    let host = new_host();
    clerk.mount_user_button(host.clone().into(), None);
    assert_eq!(text(&trigger(&host)), "TU", "no image: initials");
    assert!(select_all(&host, "img").is_empty());
    clerk.unmount_user_button(host.clone().into());

    serve_images(PIXEL);
    let clerk = loaded_clerk().await;
    clerk.mount_user_button(host.clone().into(), None);
    wait_until("the server's client arrives", 5000, || {
        !select_all(&host, "img").is_empty()
    })
    .await;
    let images = select_all(&host, "img");
    assert_eq!(
        (
            attr(&images[0], "src").as_deref(),
            attr(&images[0], "alt").as_deref()
        ),
        (Some(PIXEL), Some(""))
    );
    sleep(200).await;
    assert_eq!(select_all(&host, "img").len(), 1, "a good image stays");
    clerk.unmount_user_button(host.clone().into());

    serve_images("data:image/png;base64,AAAA");
    let clerk = loaded_clerk().await;
    clerk.mount_user_button(host.clone().into(), None);
    wait_until("the server's client arrives", 5000, || {
        fetch_count("/v1/client") > 0
    })
    .await;
    sleep(100).await;
    wait_until("the broken image is replaced", 5000, || {
        select_all(&host, "img").is_empty()
    })
    .await;
    assert_eq!(text(&trigger(&host)), "TU", "broken image: initials");
    restore_fetch();
    clerk.unmount_user_button(host.into());
}

#[wasm_bindgen_test]
async fn names_that_look_like_html_render_as_text() {
    fresh_page().await;
    js("", "delete window.__xss", &[]);
    let clerk = loaded_clerk().await;
    let evil = "<img src=x onerror=\"window.__xss=1\">";
    let params = obj(&[
        ("emailAddress", unique_email("xss").into()),
        ("password", PASSWORD.into()),
        ("firstName", evil.into()),
    ]);
    ok(clerk.client().sign_up().create(params)).await;
    let host = new_host();
    clerk.mount_user_button(host.clone().into(), props(&[("showName", true.into())]));
    let panel = open_panel(&host);
    let name = panel
        .query_selector(".cw-name")
        .unwrap()
        .expect("the name is shown");
    assert_eq!(name.text_content().as_deref(), Some(evil));
    assert!(
        select_all(&host, "img").is_empty(),
        "no element was parsed from the name"
    );
    sleep(100).await;
    assert!(prop(&window().into(), "__xss").is_undefined());
    clerk.unmount_user_button(host.into());
}

#[wasm_bindgen_test]
async fn panel_stays_anchored_inside_the_viewport_in_both_directions() {
    let (clerk, _, _) = with_accounts(&["pos"]).await;
    for (dir, side) in [
        ("ltr", "right"),
        ("rtl", "left"),
        ("ltr", "left"),
        ("rtl", "right"),
    ] {
        let host = new_host();
        host.set_attribute("dir", dir).unwrap();
        host.set_attribute("class", &format!("cw-test-{side}"))
            .unwrap();
        // Place the host at one edge of the viewport (a test-only sheet; the components never use one).
        js(
            "host, side",
            "const s = new CSSStyleSheet(); s.replaceSync(`.cw-test-${side} { position: fixed; top: 4px; ${side}: 20px; }`); \
             document.adoptedStyleSheets = [...document.adoptedStyleSheets, s]; host.__sheet = s;",
            &[host.clone().into(), side.into()],
        );
        clerk.mount_user_button(host.clone().into(), None);
        let panel = open_panel(&host);
        let trigger = trigger(&host);
        sleep(300).await; // the opening animation scales the panel
        let (p, t) = (
            panel.get_bounding_client_rect(),
            trigger.get_bounding_client_rect(),
        );
        let width = window().inner_width().unwrap().as_f64().unwrap();
        assert!(
            p.left() >= 0.0 && p.right() <= width,
            "{dir} {side}: {}..{} in 0..{width}",
            p.left(),
            p.right()
        );
        assert!(p.top() >= t.bottom(), "below the trigger");
        if (dir, side) == ("ltr", "right") {
            assert!(
                (p.right() - t.right()).abs() < 1.0,
                "inline-end edges aligned"
            );
        }
        if (dir, side) == ("rtl", "left") {
            assert!(
                (p.left() - t.left()).abs() < 1.0,
                "inline-end edges aligned in RTL"
            );
        }
        clerk.unmount_user_button(host.clone().into());
        js(
            "host",
            "document.adoptedStyleSheets = document.adoptedStyleSheets.filter(s => s !== host.__sheet)",
            &[host.clone().into()],
        );
        host.remove();
    }
}
