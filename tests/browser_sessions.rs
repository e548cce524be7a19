//! Accounts against the real server: signing in and up (password, email code), switching, touching, signing out
//! (one, all, by id, with a callback), sessions and users as JS sees them, listeners and error shapes.
#![cfg(target_arch = "wasm32")]

mod common;
use common::*;
use js_sys::Array;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A loaded instance with accounts signed up for `tags` (the first one active); returns their session ids.
async fn with_accounts(tags: &[&str]) -> (clerk_wasm::Clerk, Vec<String>, Vec<String>) {
    fresh_page().await;
    let clerk = loaded_clerk().await;
    let (mut sessions, mut emails) = (Vec::new(), Vec::new());
    for tag in tags {
        let email = unique_email(tag);
        sessions.push(sign_up(&clerk, &email).await);
        emails.push(email);
    }
    (clerk, sessions, emails)
}

#[wasm_bindgen_test]
async fn sign_in_with_a_password_in_two_steps_and_wrong_password_errors() {
    let (clerk, _, emails) = with_accounts(&["pw"]).await;
    ok(clerk.sign_out(None, None)).await;

    let sign_in = clerk.client().sign_in();
    let started = ok(sign_in.create(obj(&[("identifier", emails[0].as_str().into())]))).await;
    assert_eq!(
        prop_str(&started, "status").as_deref(),
        Some("needs_first_factor")
    );
    let strategies: Vec<String> = Array::from(&prop(&started, "supportedFirstFactors"))
        .iter()
        .filter_map(|f| prop_str(&f, "strategy"))
        .collect();
    assert_eq!(strategies, ["password", "email_code"]);
    assert_eq!(prop_str(&started, "identifier"), Some(emails[0].clone()));
    assert!(prop(&started, "createdSessionId").is_null());

    let wrong = obj(&[
        ("strategy", "password".into()),
        ("password", "not-the-password".into()),
    ]);
    let e = rejected(sign_in.attempt_first_factor(wrong)).await;
    assert_eq!(error_code(&e), "form_password_incorrect");
    assert_eq!(prop(&e, "status").as_f64(), Some(422.0));
    assert_eq!(
        prop_str(&e, "errors.0.meta.paramName").as_deref(),
        Some("password")
    );
    assert!(prop_str(&e, "errors.0.longMessage").is_some() && prop_str(&e, "message").is_some());

    // The same object was updated in place by create(), so attempting on it works as in ClerkJS.
    let right = obj(&[
        ("strategy", "password".into()),
        ("password", PASSWORD.into()),
    ]);
    let done = ok(sign_in.attempt_first_factor(right)).await;
    assert_eq!(prop_str(&done, "status").as_deref(), Some("complete"));
    let created = prop_str(&done, "createdSessionId").unwrap();
    assert_eq!(prop_str(&sign_in.created_session_id(), ""), None);
    assert_eq!(
        sign_in.created_session_id().as_string(),
        Some(created.clone())
    );
    assert_eq!(
        session_ids(&clerk),
        vec![created.clone()],
        "in client.sessions at once"
    );
    ok(clerk.set_active(obj(&[("session", created.as_str().into())]))).await;
    assert_eq!(active_id(&clerk), Some(created));
}

#[wasm_bindgen_test]
async fn sign_in_with_an_email_code() {
    let (clerk, first, emails) = with_accounts(&["code-a", "code-b"]).await;
    // Sign account b out, then back in with a code.
    ok(clerk.sign_out(Some(obj(&[("sessionId", first[1].as_str().into())])), None)).await;
    let sign_in = clerk.client().sign_in();
    ok(sign_in.create(obj(&[("identifier", emails[1].as_str().into())]))).await;
    let prepared =
        ok(sign_in.prepare_first_factor(obj(&[("strategy", "email_code".into())]))).await;
    assert_eq!(
        prop_str(&prepared, "firstFactorVerification.status").as_deref(),
        Some("unverified")
    );
    let e = rejected(sign_in.attempt_first_factor(obj(&[
        ("strategy", "email_code".into()),
        ("code", "000000".into()),
    ])))
    .await;
    assert_eq!(error_code(&e), "form_code_incorrect");
    let code = outbox_code(&emails[1]).await;
    let done = ok(sign_in.attempt_first_factor(obj(&[
        ("strategy", "email_code".into()),
        ("code", code.into()),
    ])))
    .await;
    assert_eq!(prop_str(&done, "status").as_deref(), Some("complete"));
    let created = prop_str(&done, "createdSessionId").unwrap();
    assert!(session_ids(&clerk).contains(&created) && session_ids(&clerk).contains(&first[0]));
}

#[wasm_bindgen_test]
async fn a_second_sign_in_of_a_signed_in_account_names_its_session() {
    let (clerk, sessions, emails) = with_accounts(&["again"]).await;
    let params = obj(&[
        ("identifier", emails[0].as_str().into()),
        ("password", PASSWORD.into()),
    ]);
    let e = rejected(clerk.client().sign_in().create(params)).await;
    assert_eq!(error_code(&e), "identifier_already_signed_in");
    assert_eq!(
        prop_str(&e, "errors.0.meta.sessionId"),
        Some(sessions[0].clone())
    );
    // The caller switches instead.
    ok(clerk.set_session(sessions[0].as_str().into())).await;
    assert_eq!(active_id(&clerk), Some(sessions[0].clone()));
}

#[wasm_bindgen_test]
async fn attempts_before_create_and_sign_up_errors_are_clear() {
    fresh_page().await;
    let clerk = loaded_clerk().await;
    let e = rejected(
        clerk
            .client()
            .sign_in()
            .attempt_first_factor(obj(&[("strategy", "password".into())])),
    )
    .await;
    assert_eq!(
        (error_code(&e), prop(&e, "status").as_f64()),
        ("attempt_not_started".into(), Some(0.0))
    );
    let e = rejected(
        clerk
            .client()
            .sign_up()
            .prepare_email_address_verification(),
    )
    .await;
    assert_eq!(error_code(&e), "attempt_not_started");
    let short = obj(&[
        ("emailAddress", unique_email("short").into()),
        ("password", "short".into()),
    ]);
    let e = rejected(clerk.client().sign_up().create(short)).await;
    assert_eq!(error_code(&e), "form_password_length_too_short");
    let email = unique_email("dup");
    sign_up(&clerk, &email).await;
    let dup = obj(&[
        ("emailAddress", email.into()),
        ("password", PASSWORD.into()),
    ]);
    let e = rejected(clerk.client().sign_up().create(dup)).await;
    assert_eq!(error_code(&e), "form_identifier_exists");
    assert!(clerk_wasm::is_clerk_api_response_error(&e));
    assert!(!clerk_wasm::is_clerk_api_response_error(
        &js_sys::Error::new("plain").into()
    ));
    assert!(!clerk_wasm::is_clerk_api_response_error(&JsValue::NULL));
}

#[wasm_bindgen_test]
async fn sessions_users_and_the_client_as_javascript_sees_them() {
    let (clerk, sessions, emails) = with_accounts(&["shape-a", "shape-b"]).await;
    let client = clerk.client();
    assert!(
        prop_str(&client.id(), "").is_none()
            && client.id().as_string().unwrap().starts_with("client_")
    );
    assert_eq!(
        ids(&client.sessions()),
        vec![sessions[1].clone(), sessions[0].clone()],
        "most recent first"
    );
    assert_eq!(ids(&client.signed_in_sessions()), ids(&client.sessions()));
    assert_eq!(ids(&client.active_sessions()), ids(&client.sessions()));
    assert_eq!(
        client.last_active_session_id().as_string(),
        Some(sessions[1].clone())
    );

    let session = clerk.session();
    assert_eq!(prop_str(&session, "status").as_deref(), Some("active"));
    let (last_active, expire) = (prop(&session, "lastActiveAt"), prop(&session, "expireAt"));
    assert!(
        last_active.is_instance_of::<js_sys::Date>() && expire.is_instance_of::<js_sys::Date>()
    );
    let now = js_sys::Date::now();
    let expire_ms = expire.unchecked_ref::<js_sys::Date>().get_time();
    assert!(expire_ms > now, "expires in the future");
    assert!(last_active.unchecked_ref::<js_sys::Date>().get_time() <= now + 1000.0);
    assert_eq!(
        prop_str(&session, "publicUserData.identifier"),
        Some(emails[0].clone())
    );
    assert_eq!(
        prop_str(&session, "publicUserData.firstName").as_deref(),
        Some("Test")
    );

    let user = clerk.user();
    assert_eq!(prop_str(&session, "user.id"), prop_str(&user, "id"));
    assert!(prop_str(&user, "id").unwrap().starts_with("user_"));
    assert_eq!(prop_str(&user, "firstName").as_deref(), Some("Test"));
    assert_eq!(prop_str(&user, "lastName").as_deref(), Some("User"));
    assert_eq!(prop_str(&user, "fullName").as_deref(), Some("Test User"));
    assert!(prop(&user, "username").is_null());
    assert_eq!(prop(&user, "hasImage").as_bool(), Some(false));
    assert!(prop(&user, "imageUrl").is_string());
    assert_eq!(
        prop_str(&user, "primaryEmailAddress.emailAddress"),
        Some(emails[0].clone())
    );
    assert_eq!(
        prop_str(&user, "primaryEmailAddress.id"),
        prop_str(&user, "primaryEmailAddressId")
    );
    assert_eq!(
        prop_str(&user, "emailAddresses.0.emailAddress"),
        Some(emails[0].clone())
    );
    assert_eq!(Array::from(&prop(&user, "emailAddresses")).length(), 1);

    assert!(clerk.loaded() && clerk.is_signed_in());
    assert_eq!(clerk.version(), env!("CARGO_PKG_VERSION"));
    assert_eq!(clerk.frontend_api(), server().trim_start_matches("http://"));
}

#[wasm_bindgen_test]
async fn switching_is_synchronous_then_touches_in_the_background() {
    let (clerk, s, _) = with_accounts(&["sw-a", "sw-b", "sw-c"]).await;
    let (calls, _unsubscribe) = record_listener(&clerk);
    assert_eq!(
        last_emitted_session(&calls),
        Some(s[0].clone()),
        "the listener runs at once"
    );

    // setSession by id: state, storage and listeners change before the Promise is even awaited.
    let pending = clerk.set_session(s[1].as_str().into());
    assert_eq!(active_id(&clerk), Some(s[1].clone()));
    assert_eq!(
        tab().get_item(&keys().active_session).unwrap(),
        Some(s[1].clone())
    );
    assert_eq!(last_emitted_session(&calls), Some(s[1].clone()));
    ok(pending).await;

    // The touch reaches the server and its answer comes back (c was the last active before: signed up last).
    wait_until(
        "the touch made b the client's last active session",
        5000,
        || clerk.client().last_active_session_id().as_string() == Some(s[1].clone()),
    )
    .await;
    assert_eq!(
        ids(&clerk.client().sessions())[0],
        s[1],
        "the touched session is the most recent"
    );

    // setActive with a Session object.
    let a_session = Array::from(&clerk.client().sessions())
        .iter()
        .find(|x| prop_str(x, "id") == Some(s[0].clone()));
    ok(clerk.set_active(obj(&[("session", a_session.unwrap())]))).await;
    assert_eq!(active_id(&clerk), Some(s[0].clone()));
    wait_until("the touch of a came back", 5000, || {
        clerk.client().last_active_session_id().as_string() == Some(s[0].clone())
    })
    .await;

    // Unknown ids reject and change nothing.
    let before = (active_id(&clerk), calls.length());
    let e = rejected(clerk.set_session("sess_does_not_exist".into())).await;
    assert_eq!(error_code(&e), "session_not_found");
    assert_eq!(
        prop_str(&e, "errors.0.meta.sessionId").as_deref(),
        Some("sess_does_not_exist")
    );
    let e = rejected(clerk.set_active(obj(&[("session", 42.into())]))).await;
    assert_eq!(error_code(&e), "session_not_found");
    assert_eq!((active_id(&clerk), calls.length()), before);

    // null: this tab has no account (the others stay signed in); setActive without `session` changes nothing.
    ok(clerk.set_session(JsValue::NULL)).await;
    assert!(clerk.session().is_null() && clerk.user().is_null() && !clerk.is_signed_in());
    assert_eq!(session_ids(&clerk).len(), 3);
    assert_eq!(last_emitted_session(&calls), None);
    ok(clerk.set_active(obj(&[]))).await;
    assert!(clerk.session().is_null());
}

#[wasm_bindgen_test]
async fn a_switch_to_a_session_gone_on_the_server_falls_back_and_emits() {
    let (clerk, s, _) = with_accounts(&["gone-a", "gone-b"]).await;
    remove_behind_the_sdks_back(&s[1]).await;
    let (calls, _unsubscribe) = record_listener(&clerk);
    ok(clerk.set_session(s[1].as_str().into())).await;
    assert_eq!(active_id(&clerk), Some(s[1].clone()), "switched at once");
    wait_until("the failed touch dropped b", 5000, || {
        active_id(&clerk) == Some(s[0].clone())
    })
    .await;
    assert_eq!(session_ids(&clerk), vec![s[0].clone()]);
    assert_eq!(last_emitted_session(&calls), Some(s[0].clone()));
}

#[wasm_bindgen_test]
async fn a_session_dropped_locally_is_left_out_of_the_stored_client() {
    let (clerk, s, _) = with_accounts(&["kept-a", "kept-b"]).await;
    remove_behind_the_sdks_back(&s[1]).await;
    ok(clerk.set_session(s[1].as_str().into())).await;
    wait_until("the failed touch dropped b", 5000, || {
        active_id(&clerk) == Some(s[0].clone())
    })
    .await;
    // The snapshot is the client's JSON value as the server sent it, without the dropped session.
    let raw = local()
        .get_item(&keys().client)
        .unwrap()
        .expect("a stored client");
    let data = prop(&js_sys::JSON::parse(&raw).unwrap(), "data");
    assert_eq!(ids(&prop(&data, "sessions")), vec![s[0].clone()]);
    assert_eq!(
        prop_str(&data, "last_active_session_id"),
        Some(s[0].clone())
    );
    // A reload shows the remaining account before any answer (requests never answer here).
    replace_fetch("return new Promise(() => {});");
    let reloaded = new_clerk();
    let _loading = reloaded.load(None);
    assert_eq!(session_ids(&reloaded), vec![s[0].clone()]);
    assert_eq!(active_id(&reloaded), Some(s[0].clone()));
    restore_fetch();
}

#[wasm_bindgen_test]
async fn sign_out_one_keeps_the_others_and_navigates_when_asked() {
    let (clerk, s, _) = with_accounts(&["one-a", "one-b", "one-c"]).await;
    ok(clerk.load(Some(obj(&[(
        "afterMultiSessionSingleSignOutUrl",
        "#after-one".into(),
    )]))))
    .await;
    ok(clerk.set_session(s[0].as_str().into())).await;
    let (calls, _unsubscribe) = record_listener(&clerk);
    ok(clerk.sign_out_one()).await;
    // c was the most recently active of the others (b was signed up before c).
    assert_eq!(active_id(&clerk), Some(s[2].clone()));
    assert_eq!(session_ids(&clerk), vec![s[2].clone(), s[1].clone()]);
    assert_eq!(last_emitted_session(&calls), Some(s[2].clone()));
    assert_eq!(window().location().hash().unwrap(), "#after-one");
    // The server agrees: a fresh load shows the same two accounts.
    let reloaded = new_clerk();
    ok(reloaded.load(None)).await;
    wait_until("the reload reconciled", 5000, || {
        reloaded.status() == "ready"
    })
    .await;
    let mut on_server = session_ids(&reloaded);
    on_server.sort();
    let mut expected = vec![s[1].clone(), s[2].clone()];
    expected.sort();
    assert_eq!(on_server, expected);
    window().location().set_hash("").unwrap();
}

#[wasm_bindgen_test]
async fn sign_out_by_id_of_another_account_leaves_the_tab_alone() {
    let (clerk, s, _) = with_accounts(&["byid-a", "byid-b"]).await;
    ok(clerk.load(Some(obj(&[(
        "afterMultiSessionSingleSignOutUrl",
        "#should-not-navigate".into(),
    )]))))
    .await;
    ok(clerk.sign_out(Some(obj(&[("sessionId", s[1].as_str().into())])), None)).await;
    assert_eq!(active_id(&clerk), Some(s[0].clone()));
    assert_eq!(session_ids(&clerk), vec![s[0].clone()]);
    assert_ne!(window().location().hash().unwrap(), "#should-not-navigate");
    let e = rejected(clerk.sign_out(Some(obj(&[("sessionId", s[1].as_str().into())])), None)).await;
    assert_eq!(error_code(&e), "session_not_found");
}

#[wasm_bindgen_test]
async fn sign_out_of_all_keeps_the_client_and_runs_the_callback() {
    let (clerk, _, _) = with_accounts(&["all-a", "all-b"]).await;
    let (token, client_id) = (stored_token(), clerk.client().id());
    let flag = js_sys::Object::new();
    let callback = js(
        "flag",
        "return function () { flag.called = true; }",
        &[flag.clone().into()],
    );
    ok(clerk.sign_out(Some(callback), None)).await;
    assert_eq!(prop(&flag, "called").as_bool(), Some(true));
    assert!(clerk.session().is_null() && clerk.user().is_null() && session_ids(&clerk).is_empty());
    assert_eq!(stored_token(), token, "the client token is kept");
    assert_eq!(clerk.client().id(), client_id);
    // Signing in again uses the same client.
    sign_up(&clerk, &unique_email("all-c")).await;
    assert_eq!(clerk.client().id(), client_id);
    // signOutOne with no active account is a no-op.
    ok(clerk.set_session(JsValue::NULL)).await;
    ok(clerk.sign_out_one()).await;
    assert_eq!(session_ids(&clerk).len(), 1);
}

#[wasm_bindgen_test]
async fn session_methods_touch_end_and_remove() {
    let (clerk, s, _) = with_accounts(&["m-a", "m-b", "m-c"]).await;
    let find = |id: &str| {
        Array::from(&clerk.client().sessions())
            .iter()
            .find(|x| prop_str(x, "id").as_deref() == Some(id))
            .unwrap()
    };
    let a = find(&s[0]);
    let before = prop(&a, "lastActiveAt")
        .unchecked_into::<js_sys::Date>()
        .get_time();
    sleep(5).await;
    let touched = ok(call_promise(&a, "touch", &[])).await;
    assert_eq!(prop_str(&touched, "id"), Some(s[0].clone()));
    assert!(
        prop(&touched, "lastActiveAt")
            .unchecked_into::<js_sys::Date>()
            .get_time()
            > before
    );
    assert_eq!(
        clerk.client().last_active_session_id().as_string(),
        Some(s[0].clone())
    );

    ok(call_promise(&find(&s[1]), "end", &[])).await;
    assert_eq!(session_ids(&clerk), vec![s[0].clone(), s[2].clone()]);
    let c = find(&s[2]);
    ok(call_promise(&c, "remove", &[])).await;
    assert_eq!(session_ids(&clerk), vec![s[0].clone()]);
    // A stale Session object of a signed-out session: signing it out again is refused, the server says it is gone.
    let e = rejected(call_promise(&c, "end", &[])).await;
    assert_eq!(error_code(&e), "session_not_found");
    let e = rejected(call_promise(&c, "touch", &[])).await;
    assert_eq!(
        (error_code(&e), prop(&e, "status").as_f64()),
        ("resource_not_found".into(), Some(404.0))
    );
    ok(call_promise(&clerk.session(), "remove", &[])).await;
    assert!(clerk.session().is_null() && session_ids(&clerk).is_empty());
}

#[wasm_bindgen_test]
async fn listeners_get_client_session_and_user_and_can_unsubscribe() {
    let (clerk, s, _) = with_accounts(&["l-a", "l-b"]).await;
    let (calls, unsubscribe) = record_listener(&clerk);
    assert_eq!(calls.length(), 1);
    let first = calls.get(0);
    assert_eq!(prop_str(&first, "session"), Some(s[0].clone()));
    assert!(prop_str(&first, "user").unwrap().starts_with("user_"));
    assert_eq!(Array::from(&prop(&first, "sessions")).length(), 2);
    ok(clerk.set_session(s[1].as_str().into())).await;
    assert_eq!(calls.length(), 2);
    unsubscribe.call0(&JsValue::NULL).unwrap();
    unsubscribe.call0(&JsValue::NULL).unwrap();
    ok(clerk.set_session(s[0].as_str().into())).await;
    assert_eq!(calls.length(), 2, "no calls after unsubscribing");

    // A throwing listener neither breaks the SDK nor the other listeners.
    let thrower = js(
        "",
        "return function () { throw new Error('listener bug'); }",
        &[],
    );
    let _keep = clerk.add_listener(thrower.dyn_into().unwrap());
    let (calls, _u) = record_listener(&clerk);
    ok(clerk.set_session(s[1].as_str().into())).await;
    assert_eq!(last_emitted_session(&calls), Some(s[1].clone()));
}
