//! Helpers shared by the browser tests: the test server, page resets, unique users, JS plumbing and fetch
//! observers. Every test starts with [`fresh_page`] and signs up its own users, so tests never share accounts, and
//! nothing an earlier test started (requests still in flight, stubs, storage, instance settings) reaches it.
#![allow(dead_code)] // each test binary uses a different subset

use clerk_wasm::Clerk;
use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Password of every test user.
pub const PASSWORD: &str = "test-password-1";

/// Address of the server `scripts/test.sh` started, baked in at compile time.
pub fn server() -> &'static str {
    match option_env!("CLERK_TEST_SERVER") {
        Some(url) => url,
        None => panic!("CLERK_TEST_SERVER is set by scripts/test.sh"),
    }
}

/// The window.
pub fn window() -> web_sys::Window {
    web_sys::window().expect("a window")
}

/// How long [`fresh_page`] waits for earlier tests' requests: longer than the SDK's request timeout (10 s), after
/// which it aborts any request it still waits for.
const SETTLE_TIMEOUT_MS: i32 = 15_000;

/// Starts a test on a page in the state a new visitor finds (tests share one page and one server):
/// - waits until every request earlier tests started has been answered and handled ([`requests_settled`]): an
///   instance of an earlier test stays alive as long as its work does (a switch's background `touch`, a load's
///   reconcile, a component's request), and its answer must not land in this test;
/// - undoes every stub a test may have left behind when it failed (`fetch`, storage access,
///   `Storage.prototype.setItem`) and removes components it left mounted;
/// - puts the server's instance settings back to the defaults (a test that changes them may have failed before
///   restoring them: a panicking wasm test aborts, so neither its last lines nor any `Drop` run);
/// - clears localStorage and sessionStorage.
pub async fn fresh_page() {
    restore_fetch();
    restore_storage();
    requests_settled_within(SETTLE_TIMEOUT_MS).await;
    js(
        "",
        "document.querySelectorAll('[data-test-host], .cw-modal-host').forEach(e => e.remove())",
        &[],
    );
    restore_instance_settings().await;
    window().local_storage().unwrap().unwrap().clear().unwrap();
    window()
        .session_storage()
        .unwrap()
        .unwrap()
        .clear()
        .unwrap();
}

/// A unique email address for this test run.
pub fn unique_email(tag: &str) -> String {
    let nonce = (js_sys::Math::random() * 1e12) as u64;
    format!("{tag}-{}-{nonce}@example.com", js_sys::Date::now() as u64)
}

/// A new instance on the test server.
pub fn new_clerk() -> Clerk {
    Clerk::new(server().into(), None).expect("a valid frontend API")
}

/// The instance settings every test starts from (the server is shared by all tests).
pub const DEFAULT_SETTINGS: &str = "single_session_mode=false&email_verification_required=false";

/// Switches the shared server to other instance settings (`single_session_mode=true`,
/// `email_verification_required=true`) until [`Settings::restore`]; the next test's [`fresh_page`] restores the
/// defaults anyway, also when this test fails before it restores them.
pub struct Settings;

impl Settings {
    /// Applies `form`.
    pub async fn set(form: &str) -> Settings {
        patch_instance(form).await;
        Settings
    }

    /// Puts the defaults back and waits for it.
    pub async fn restore(self) {
        patch_instance(DEFAULT_SETTINGS).await;
    }
}

/// Puts the defaults back. Without the backend key (not compiled in) no test can have changed them.
async fn restore_instance_settings() {
    if option_env!("CLERK_TEST_SECRET_KEY").is_some() {
        patch_instance(DEFAULT_SETTINGS).await;
    }
}

/// The backend key of the test server, baked in at compile time.
fn secret_key() -> &'static str {
    match option_env!("CLERK_TEST_SECRET_KEY") {
        Some(key) => key,
        None => panic!("CLERK_TEST_SECRET_KEY is set by scripts/test.sh"),
    }
}

/// `PATCH /v1/instance` with a form body (the backend API, with the backend key).
pub async fn patch_instance(form: &str) {
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
    let status = response.status();
    // Read to the end: a request counts as in flight until its answer is read (see `requests_settled`).
    JsFuture::from(response.text().unwrap()).await.unwrap();
    assert_eq!(status, 200, "PATCH /v1/instance {form}");
}

/// A new, loaded instance on the test server.
pub async fn loaded_clerk() -> Clerk {
    let clerk = new_clerk();
    ok(clerk.load(None)).await;
    clerk
}

/// Awaits a Promise.
pub async fn settle(p: Promise) -> Result<JsValue, JsValue> {
    JsFuture::from(p).await
}

/// Awaits a Promise that must resolve.
pub async fn ok(p: Promise) -> JsValue {
    match settle(p).await {
        Ok(v) => v,
        Err(e) => panic!(
            "expected the Promise to resolve, it rejected with {}",
            describe(&e)
        ),
    }
}

/// Awaits a Promise that must reject with a Clerk error; returns the error.
pub async fn rejected(p: Promise) -> JsValue {
    match settle(p).await {
        Ok(v) => panic!("expected a rejection, got {v:?}"),
        Err(e) => {
            assert!(
                clerk_wasm::is_clerk_api_response_error(&e),
                "not a Clerk error: {}",
                describe(&e)
            );
            e
        }
    }
}

/// `e.errors[0].code` of a Clerk error.
pub fn error_code(e: &JsValue) -> String {
    prop(e, "errors.0.code").as_string().unwrap_or_default()
}

/// A readable description of a JS value (errors: code and message).
pub fn describe(v: &JsValue) -> String {
    let code = prop(v, "errors.0.code").as_string();
    let message = prop(v, "message").as_string();
    format!("{code:?} {message:?} {v:?}")
}

/// A plain object from pairs.
pub fn obj(fields: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in fields {
        Reflect::set(&o, &(*k).into(), v).unwrap();
    }
    o.into()
}

/// Reads a dotted path (`"a.b.0.c"`); `undefined` when a step is missing.
pub fn prop(v: &JsValue, path: &str) -> JsValue {
    path.split('.').fold(v.clone(), |v, key| {
        if v.is_object() || v.is_function() {
            Reflect::get(&v, &key.into()).unwrap_or(JsValue::UNDEFINED)
        } else {
            JsValue::UNDEFINED
        }
    })
}

/// A string property.
pub fn prop_str(v: &JsValue, path: &str) -> Option<String> {
    prop(v, path).as_string()
}

/// The `id`s of an array of objects.
pub fn ids(list: &JsValue) -> Vec<String> {
    Array::from(list)
        .iter()
        .filter_map(|s| prop_str(&s, "id"))
        .collect()
}

/// The active session's id.
pub fn active_id(clerk: &Clerk) -> Option<String> {
    prop_str(&clerk.session(), "id")
}

/// The ids of `Clerk.client.sessions`.
pub fn session_ids(clerk: &Clerk) -> Vec<String> {
    ids(&clerk.client().sessions())
}

/// Signs a new user up through the SDK (`client.signUp.create`) and returns the new session id.
pub async fn sign_up(clerk: &Clerk, email: &str) -> String {
    let params = obj(&[
        ("emailAddress", email.into()),
        ("password", PASSWORD.into()),
        ("firstName", "Test".into()),
        ("lastName", "User".into()),
    ]);
    let sign_up = ok(clerk.client().sign_up().create(params)).await;
    assert_eq!(prop_str(&sign_up, "status").as_deref(), Some("complete"));
    prop_str(&sign_up, "createdSessionId").expect("a created session")
}

/// Signs an existing user in with the password (`client.signIn.create`) and returns the new session id.
pub async fn sign_in(clerk: &Clerk, email: &str) -> String {
    let params = obj(&[("identifier", email.into()), ("password", PASSWORD.into())]);
    let sign_in = ok(clerk.client().sign_in().create(params)).await;
    assert_eq!(prop_str(&sign_in, "status").as_deref(), Some("complete"));
    prop_str(&sign_in, "createdSessionId").expect("a created session")
}

/// Resolves after `ms` milliseconds.
pub async fn sleep(ms: i32) {
    let p = Promise::new(&mut |resolve, _| {
        window()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    JsFuture::from(p).await.unwrap();
}

/// Waits (polling every 20 ms, at most `timeout_ms`) until `cond` holds; panics with `what` otherwise.
pub async fn wait_until(what: &str, timeout_ms: i32, cond: impl Fn() -> bool) {
    let mut waited = 0;
    while !cond() {
        assert!(waited < timeout_ms, "timed out waiting until {what}");
        sleep(20).await;
        waited += 20;
    }
}

/// Runs a JS function body with named arguments.
pub fn js(args: &str, body: &str, values: &[JsValue]) -> JsValue {
    let f = Function::new_with_args(args, body);
    let list: Array = values.iter().collect();
    f.apply(&JsValue::NULL, &list).expect("the JS helper runs")
}

/// GET `<server><path>` with `window.fetch` → (status, JSON body).
pub async fn get_json(path: &str) -> (u16, JsValue) {
    let url = format!("{}{}", server(), path);
    let response: web_sys::Response = JsFuture::from(window().fetch_with_str(&url))
        .await
        .unwrap()
        .dyn_into()
        .unwrap();
    let body = JsFuture::from(response.json().unwrap()).await.unwrap();
    (response.status(), body)
}

/// The newest email code the dev outbox holds for `email`.
pub async fn outbox_code(email: &str) -> String {
    let (status, body) = get_json(&format!(
        "/dev/outbox?email={}",
        js_sys::encode_uri_component(email)
    ))
    .await;
    assert_eq!(status, 200);
    let messages = Array::from(&prop(&body, "messages"));
    let last = messages.get(messages.length().saturating_sub(1));
    prop_str(&last, "code").expect("a code was emailed")
}

/// Wraps `window.fetch` once per page. Every request goes to the stub a test installed with [`replace_fetch`], or
/// to the real fetch, and is listed in `window.__inFlight` (id → URL) until it is finished: its answer's body was
/// read (the SDK reads every answer with `json()`; test helpers read theirs too), or it failed, or its caller
/// aborted it (the SDK's timeout). Since the wrapper is outermost, it sees exactly what its caller sees.
fn wrap_fetch() {
    js(
        "",
        "if (window.__inFlight) return;\
         const real = window.fetch.bind(window);\
         window.__realFetch = real;\
         window.__inFlight = new Map();\
         let next = 0;\
         window.fetch = function (input, init) {\
           const id = next++;\
           const request = input instanceof Request ? input : null;\
           window.__inFlight.set(id, request ? request.url : String(input));\
           const done = () => window.__inFlight.delete(id);\
           const signal = request ? request.signal : init && init.signal;\
           if (signal) signal.addEventListener('abort', done);\
           let answer;\
           try { answer = Promise.resolve((window.__fetchStub || real)(input, init)); }\
           catch (e) { answer = Promise.reject(e); }\
           return answer.then(response => {\
             if (!(response instanceof Response)) { done(); return response; }\
             for (const name of ['text', 'json', 'arrayBuffer', 'blob', 'formData']) {\
               const read = response[name];\
               response[name] = function () { return read.call(response).finally(done); };\
             }\
             return response;\
           }, error => { done(); throw error; });\
         };",
        &[],
    );
}

/// Waits until no request is in flight ([`wrap_fetch`]), i.e. every answer has been read and handled: the SDK
/// handles an answer in the microtasks right after reading it, and this checks from a timer, after them. Whatever
/// an answer started (another request) is in flight by then, so it is waited for too.
pub async fn requests_settled() {
    requests_settled_within(SETTLE_TIMEOUT_MS).await;
}

/// [`requests_settled`], failing with the pending URLs after `timeout_ms`.
async fn requests_settled_within(timeout_ms: i32) {
    wrap_fetch();
    let pending = || {
        let urls = js("", "return [...window.__inFlight.values()]", &[]);
        Array::from(&urls)
            .iter()
            .filter_map(|u| u.as_string())
            .collect::<Vec<_>>()
    };
    let mut waited = 0;
    loop {
        // First let the microtasks run: work spawned just now starts its requests there.
        sleep(0).await;
        if pending().is_empty() {
            return;
        }
        assert!(
            waited < timeout_ms,
            "requests still in flight after {timeout_ms} ms: {:?}",
            pending()
        );
        sleep(20).await;
        waited += 20;
    }
}

/// Makes `window.fetch` run `function (input, init)` with `body`, where `real(input, init)` is the real fetch and
/// `window.__fetchLog` (an array of request URLs, reset here) records every call. The SDK fetches a `Request`
/// (built by gloo-net): `body` sees its URL as `input` and the `Request` itself as `init` (its `signal`, `method`,
/// `headers`), and `real(input, init)` sends the original request.
pub fn replace_fetch(body: &str) {
    wrap_fetch();
    js(
        "body",
        "const realFetch = window.__realFetch;\
         window.__fetchLog = [];\
         const handler = new Function('real', 'input', 'init', body);\
         window.__fetchStub = function (input, init) {\
           const request = input instanceof Request ? input : null;\
           const url = request ? request.url : String(input);\
           window.__fetchLog.push(url);\
           const real = () => realFetch(input, init);\
           return handler(real, url, request || init);\
         };",
        &[body.into()],
    );
}

/// Observes requests without changing them (the log is `window.__fetchLog`).
pub fn observe_fetch() {
    replace_fetch("return real(input, init);");
}

/// How many logged requests contain `needle`.
pub fn fetch_count(needle: &str) -> usize {
    let log = Array::from(&prop(&window().into(), "__fetchLog"));
    log.iter()
        .filter(|u| u.as_string().is_some_and(|u| u.contains(needle)))
        .count()
}

/// Puts the real fetch back (behind the [`wrap_fetch`] wrapper, which stays).
pub fn restore_fetch() {
    js("", "delete window.__fetchStub", &[]);
}

/// localStorage.
pub fn local() -> web_sys::Storage {
    window().local_storage().unwrap().unwrap()
}

/// sessionStorage.
pub fn tab() -> web_sys::Storage {
    window().session_storage().unwrap().unwrap()
}

/// The storage keys of the test server's host.
pub fn keys() -> clerk_wasm::core::StorageKeys {
    clerk_wasm::core::StorageKeys::for_host(server().trim_start_matches("http://"))
}

/// The `sid` claim of a session JWT.
pub fn sid_of(jwt: &str) -> String {
    clerk_wasm::core::token_cache::decode_claims(jwt, clerk_wasm::adapters::json::jwt_payload)
        .expect("a decodable JWT")
        .sid
}

/// Calls `v[name](...args)` as JS would.
pub fn call(v: &JsValue, name: &str, args: &[JsValue]) -> JsValue {
    let f: Function = prop(v, name)
        .dyn_into()
        .unwrap_or_else(|_| panic!("{name} is a function"));
    let list: Array = args.iter().collect();
    f.apply(v, &list)
        .unwrap_or_else(|e| panic!("{name} threw {}", describe(&e)))
}

/// Calls a method that returns a Promise.
pub fn call_promise(v: &JsValue, name: &str, args: &[JsValue]) -> Promise {
    call(v, name, args).dyn_into().expect("a Promise")
}

/// `Clerk.session.getToken(options)` → the token (or `null`).
pub async fn active_token(clerk: &Clerk, skip_cache: bool) -> JsValue {
    let options = obj(&[("skipCache", skip_cache.into())]);
    ok(call_promise(&clerk.session(), "getToken", &[options])).await
}

/// The client token the SDK stored.
pub fn stored_token() -> Option<String> {
    local().get_item(&keys().client_token).unwrap()
}

/// Sends a Frontend API request with the stored client token, behind the SDK's back (as another tab or device
/// would); returns the status.
pub async fn raw_request(method: &str, path: &str) -> u16 {
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    let headers = web_sys::Headers::new().unwrap();
    if let Some(token) = stored_token() {
        headers.set("Authorization", &token).unwrap();
    }
    init.set_headers(&headers);
    let url = format!("{}/v1{path}?_is_native=1", server());
    let response: web_sys::Response = JsFuture::from(window().fetch_with_str_and_init(&url, &init))
        .await
        .unwrap()
        .dyn_into()
        .unwrap();
    // Read to the end: a request counts as in flight until its answer is read (see `requests_settled`).
    JsFuture::from(response.text().unwrap()).await.unwrap();
    response.status()
}

/// Signs a session out on the server without telling the SDK.
pub async fn remove_behind_the_sdks_back(session_id: &str) {
    assert_eq!(
        raw_request("POST", &format!("/client/sessions/{session_id}/remove")).await,
        200
    );
}

/// Records every listener call of `clerk` as `{ session: id | null, sessions: [ids] }` in the returned JS array.
pub fn record_listener(clerk: &Clerk) -> (Array, Function) {
    let calls = Array::new();
    let recorder = js(
        "calls",
        "return function (e) { calls.push({ session: e.session ? e.session.id : null, \
         sessions: e.client.sessions.map(s => s.id), user: e.user ? e.user.id : null }); }",
        &[calls.clone().into()],
    );
    let unsubscribe = clerk.add_listener(recorder.dyn_into().unwrap());
    (calls, unsubscribe)
}

/// The `session` of the last recorded listener call.
pub fn last_emitted_session(calls: &Array) -> Option<String> {
    prop_str(&calls.get(calls.length().saturating_sub(1)), "session")
}

/// Makes `localStorage` and `sessionStorage` throw on access (undone by [`restore_storage`]).
pub fn break_storage_access() {
    js(
        "",
        "for (const name of ['localStorage', 'sessionStorage']) { \
           if (!window.__storageDescriptors) window.__storageDescriptors = {}; \
           window.__storageDescriptors[name] = Object.getOwnPropertyDescriptor(window, name) || null; \
           Object.defineProperty(window, name, { configurable: true, get() { throw new DOMException('denied', 'SecurityError'); } }); \
         }",
        &[],
    );
}

/// Makes every storage write throw `QuotaExceededError` (undone by [`restore_storage`]).
pub fn fill_storage() {
    js(
        "",
        "if (!window.__setItem) window.__setItem = Storage.prototype.setItem; \
         Storage.prototype.setItem = function () { throw new DOMException('full', 'QuotaExceededError'); };",
        &[],
    );
}

/// Undoes [`break_storage_access`] and [`fill_storage`].
pub fn restore_storage() {
    js(
        "",
        "if (window.__storageDescriptors) { \
           for (const [name, d] of Object.entries(window.__storageDescriptors)) { \
             if (d) Object.defineProperty(window, name, d); else delete window[name]; \
           } \
           delete window.__storageDescriptors; \
         } \
         if (window.__setItem) { Storage.prototype.setItem = window.__setItem; delete window.__setItem; }",
        &[],
    );
}
