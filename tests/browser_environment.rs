//! Browser tier smoke test: the SDK crate, compiled to wasm and run in headless Chrome and Firefox, reaches the
//! real reference server started by `npm test` and reads its environment.
#![cfg(target_arch = "wasm32")]

mod common;

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Address of the server `scripts/test.sh` started, baked in at compile time.
fn server() -> &'static str {
    match option_env!("CLERK_TEST_SERVER") {
        Some(url) => url,
        None => panic!("CLERK_TEST_SERVER is set by scripts/test.sh"),
    }
}

async fn get_json(path: &str) -> (u16, js_sys::Object) {
    let window = web_sys::window().expect("a window");
    let init = web_sys::RequestInit::new();
    init.set_method("GET");
    init.set_mode(web_sys::RequestMode::Cors);
    init.set_credentials(web_sys::RequestCredentials::Omit);
    let url = format!("{}{}?_is_native=1", server(), path);
    let request = web_sys::Request::new_with_str_and_init(&url, &init).expect("a request");
    let response: web_sys::Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .expect("the server answers")
        .dyn_into()
        .expect("a Response");
    let body = JsFuture::from(response.json().expect("json()"))
        .await
        .expect("a JSON body");
    (response.status(), body.dyn_into().expect("an object"))
}

fn field(obj: &js_sys::Object, path: &[&str]) -> wasm_bindgen::JsValue {
    path.iter().fold(obj.clone().into(), |v, key| {
        js_sys::Reflect::get(&v, &(*key).into()).expect("readable")
    })
}

#[wasm_bindgen_test]
async fn environment_comes_from_the_real_server() {
    // The instance settings this test expects are the defaults, which an earlier failing test may have left changed.
    common::fresh_page().await;
    let (status, env) = get_json("/v1/environment").await;
    assert_eq!(status, 200);
    assert_eq!(
        field(&env, &["auth_config", "single_session_mode"]).as_bool(),
        Some(false)
    );
    let factors = js_sys::Array::from(&field(&env, &["auth_config", "first_factors"]));
    let factors: Vec<String> = factors.iter().filter_map(|f| f.as_string()).collect();
    assert_eq!(
        factors,
        vec!["password".to_string(), "email_code".to_string()]
    );
    assert_eq!(
        field(&env, &["user_settings", "password", "min_length"]).as_f64(),
        Some(8.0)
    );
}

#[wasm_bindgen_test]
async fn an_unknown_client_is_empty_and_errors_are_clerk_shaped_json() {
    let (status, client) = get_json("/v1/client").await;
    assert_eq!(status, 200);
    assert!(
        field(&client, &["response"]).is_null(),
        "no token means no client"
    );

    let (status, err) = get_json("/v1/no_such_route").await;
    assert_eq!(status, 404);
    let errors = js_sys::Array::from(&field(&err, &["errors"]));
    assert_eq!(errors.length(), 1);
    let code = js_sys::Reflect::get(&errors.get(0), &"code".into()).expect("code");
    assert_eq!(code.as_string().as_deref(), Some("resource_not_found"));
}
