//! Avatars: the account's image in a circle, or its initials when there is no image or the image failed to load
//! (the component remembers failed URLs; image `error` events reach it through a capturing listener).

use super::dom::{Dom, El};
use super::env::Env;
use super::events::Action;
use super::localization::Text;
use crate::core::wire::{PublicUserData, Session, User};

/// What the components show of one account (borrowed from its session).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Account<'a> {
    /// The session id.
    pub(crate) session_id: &'a str,
    /// Full name, if any.
    pub(crate) name: Option<String>,
    /// Primary email address (or the identifier), if any.
    pub(crate) email: Option<&'a str>,
    /// Avatar URL, if any.
    pub(crate) image_url: Option<&'a str>,
    /// Initials for the fallback.
    pub(crate) initials: String,
}

/// First character of `s`, upper-cased.
fn first_upper(s: &str) -> Option<String> {
    s.trim().chars().next().map(upper)
}

/// `c` upper-cased (`ß` becomes `SS`). In wasm by JS's `toUpperCase`, the same Unicode full case mapping as Rust's
/// `char::to_uppercase`, whose ~12 KB mapping table would otherwise be in the binary; natively by Rust's.
#[cfg(target_arch = "wasm32")]
fn upper(c: char) -> String {
    js_sys::JsString::from(c.encode_utf8(&mut [0; 4]) as &str)
        .to_upper_case()
        .into()
}

/// `c` upper-cased (`ß` becomes `SS`); see the wasm version.
#[cfg(not(target_arch = "wasm32"))]
fn upper(c: char) -> String {
    c.to_uppercase().collect()
}

/// Initials: first letters of the first and last names, else of the email address, else "?".
pub(crate) fn initials(first: Option<&str>, last: Option<&str>, email: Option<&str>) -> String {
    let mut out = String::new();
    for initial in [first, last]
        .into_iter()
        .filter_map(|name| first_upper(name?))
    {
        out.push_str(&initial);
    }
    if out.is_empty() {
        out = email.and_then(first_upper).unwrap_or_else(|| "?".into());
    }
    out
}

/// A non-empty trimmed string.
fn non_empty(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

impl<'a> Account<'a> {
    /// The account of a session, from its user (or its public user data).
    pub(crate) fn of(session: &'a Session) -> Self {
        let public = session.public_user_data.as_ref();
        let user: Option<&User> = session.user.as_deref();
        // The user's value, else the public data's.
        let pick = |mine: Option<&'a str>, theirs: fn(&'a PublicUserData) -> &'a Option<String>| {
            mine.or_else(|| public.and_then(|p| theirs(p).as_deref()))
        };
        let first = pick(user.and_then(|u| u.first_name.as_deref()), |p| {
            &p.first_name
        });
        let last = pick(user.and_then(|u| u.last_name.as_deref()), |p| &p.last_name);
        let email = pick(
            user.and_then(|u| u.primary_email_address())
                .map(|e| e.email_address.as_str()),
            |p| &p.identifier,
        );
        let image_url = pick(user.and_then(|u| u.image_url.as_deref()), |p| &p.image_url);
        let mut name = String::new();
        for part in [first, last].into_iter().filter_map(non_empty) {
            if !name.is_empty() {
                name.push(' ');
            }
            name.push_str(part);
        }
        Account {
            session_id: &session.id,
            initials: initials(first, last, email),
            name: Some(name).filter(|n| !n.is_empty()),
            email: non_empty(email),
            image_url: non_empty(image_url),
        }
    }

    /// The name, or the email address when there is no name.
    pub(crate) fn label(&self) -> &str {
        self.name.as_deref().or(self.email).unwrap_or("")
    }

    /// The email address, or "" (switch and chooser buttons are named after it).
    pub(crate) fn email_or_empty(&self) -> &str {
        self.email.unwrap_or("")
    }
}

/// The avatar circle (`large` in panel headers): the image, unless it is missing or in `failed`, else initials.
pub(crate) fn view(dom: &Dom, account: &Account, large: bool, failed: &[String]) -> El {
    let class = if large {
        "cw-avatar cw-avatar-lg"
    } else {
        "cw-avatar"
    };
    let circle = dom.el("span").class(class).attr("aria-hidden", "true");
    let image = account
        .image_url
        .filter(|url| !failed.iter().any(|f| f == url));
    match image {
        Some(url) => circle.child(dom.el("img").attr("src", url).attr("alt", "")),
        None => circle.attr("data-cw-initials", "").text(&account.initials),
    }
}

/// An account's avatar, name and email in a `tag` element (`header`: the big active-account row of the panel).
pub(crate) fn row(dom: &Dom, account: &Account, tag: &str, header: bool, failed: &[String]) -> El {
    let mut text = dom.el("span").class("cw-account-text");
    if let Some(name) = &account.name {
        text = text.child(dom.el("span").class("cw-name cw-ellipsis").text(name));
    }
    if let Some(email) = &account.email {
        text = text.child(dom.el("span").class("cw-email cw-ellipsis").text(email));
    }
    let class = if header { "cw-account" } else { "cw-item" };
    dom.el(tag)
        .class(class)
        .child(view(dom, account, header, failed))
        .child(text)
}

/// A button for one of the other signed-in accounts, sending `action` with its session id (`data-cw-key`:
/// `<action>:<session id>`), named by `label` with its email address.
pub(crate) fn account_button(
    env: &Env,
    account: &Account,
    action: Action,
    label: Text,
    failed: &[String],
) -> El {
    let id = account.session_id;
    row(&env.dom, account, "button", false, failed)
        .attr("type", "button")
        .attr("data-cw-action", action.name())
        .attr("data-cw-arg", id)
        .attr("data-cw-key", &[action.name(), ":", id].concat())
        .attr(
            "aria-label",
            &env.strings.with_email(label, account.email_or_empty()),
        )
}

/// "Add account" / "Use another account": [`Env::button`] with a "+" icon before `text`.
pub(crate) fn plus_button(env: &Env, action: Action, class: &str, text: Text) -> El {
    let dom = &env.dom;
    let icon = dom
        .el("span")
        .class("cw-icon")
        .attr("aria-hidden", "true")
        .text("+");
    env.button(action, class)
        .child(icon)
        .child(dom.el("span").text(env.strings.get(text)))
}

#[cfg(test)]
mod tests {
    use super::initials;

    #[test]
    fn initials_from_names_then_email_then_placeholder() {
        assert_eq!(initials(Some("ada"), Some("Lovelace"), Some("x@y.z")), "AL");
        assert_eq!(initials(Some("Grace"), None, None), "G");
        assert_eq!(
            initials(Some("  "), Some(""), Some("alan@example.com")),
            "A"
        );
        assert_eq!(initials(None, None, None), "?");
        assert_eq!(initials(Some("<img src=x>"), None, None), "<");
        assert_eq!(initials(Some("élodie"), Some("ßmith"), None), "ÉSS");
    }
}

/// The wasm build upper-cases with JS: the same results in the browser.
#[cfg(all(test, target_arch = "wasm32"))]
mod browser_tests {
    use super::initials;
    use wasm_bindgen_test::wasm_bindgen_test;

    wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    fn initials_upper_case_like_rust() {
        assert_eq!(initials(Some("ada"), Some("Lovelace"), Some("x@y.z")), "AL");
        assert_eq!(initials(Some("élodie"), Some("ßmith"), None), "ÉSS");
        assert_eq!(initials(None, None, Some("ǆ@x.y")), "Ǆ");
        assert_eq!(initials(Some("  "), Some(""), Some("1@x.y")), "1");
        assert_eq!(initials(None, None, None), "?");
    }
}
