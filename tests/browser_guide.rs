//! The multi-session guide's ClerkJS snippets, run as JavaScript against `window.Clerk` (our instance), with the
//! real server: active session and user, switching with `setSession`, adding accounts, `signOutOne`, `signOut`.
#![cfg(target_arch = "wasm32")]

mod common;
use common::*;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn the_guides_snippets_work_on_window_clerk() {
    fresh_page().await;
    let clerk = new_clerk();
    js_sys::Reflect::set(&window(), &"Clerk".into(), &JsValue::from(clerk)).unwrap();
    let emails = [unique_email("guide-a"), unique_email("guide-b")];
    let journey = js(
        "emailA, emailB, password",
        "return (async () => {
           const out = {};
           await window.Clerk.load();
           // Adding sessions: the app's own sign-up / sign-in flow.
           for (const emailAddress of [emailA, emailB]) {
             const signUp = await window.Clerk.client.signUp.create({ emailAddress, password });
             out.lastCreated = signUp.createdSessionId;
           }
           // Active session/user.
           const activeSession = window.Clerk.session;
           const activeUser = window.Clerk.user;
           out.activeEmail = activeUser.primaryEmailAddress.emailAddress;
           out.activeSession = activeSession.id;
           // Switching sessions.
           const availableSessions = window.Clerk.client.sessions;
           out.available = availableSessions.map(s => s.id);
           window.Clerk.setSession(availableSessions[0].id);
           out.afterSwitch = window.Clerk.session.id;
           out.token = await window.Clerk.session.getToken();
           // Sign out active session.
           await window.Clerk.signOutOne();
           out.afterSignOutOne = window.Clerk.session && window.Clerk.session.id;
           out.remaining = window.Clerk.client.sessions.length;
           // Sign out of all sessions.
           await window.Clerk.signOut();
           out.afterSignOut = window.Clerk.session;
           out.isSignedIn = window.Clerk.isSignedIn;
           return out;
         })()",
        &[
            emails[0].as_str().into(),
            emails[1].as_str().into(),
            PASSWORD.into(),
        ],
    );
    let out = ok(journey.into()).await;
    js_sys::Reflect::delete_property(&window(), &"Clerk".into()).unwrap();
    let b = prop_str(&out, "lastCreated").unwrap();
    assert_eq!(
        prop_str(&out, "activeEmail"),
        Some(emails[0].clone()),
        "the first account stayed active"
    );
    assert_eq!(
        prop_str(&out, "available.0"),
        Some(b.clone()),
        "most recently active first"
    );
    assert_eq!(
        prop_str(&out, "afterSwitch"),
        Some(b.clone()),
        "setSession switched synchronously"
    );
    assert_eq!(sid_of(&prop_str(&out, "token").unwrap()), b);
    assert_eq!(
        prop_str(&out, "afterSignOutOne"),
        prop_str(&out, "activeSession"),
        "the other account remains"
    );
    assert_eq!(prop(&out, "remaining").as_f64(), Some(1.0));
    assert!(prop(&out, "afterSignOut").is_null());
    assert_eq!(prop(&out, "isSignedIn").as_bool(), Some(false));
}
