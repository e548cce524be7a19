//! Sign-in through an OpenID Connect provider, against a real provider: `scripts/idp.mjs` (npm `oidc-provider`)
//! started by each test with node on a free port of 127.0.0.1. The test plays the browser: it follows the
//! provider's redirects (keeping its cookies), hands the callback URL to the server, and claims the completion with
//! the nonce as the SDK would.
//!
//! Three faults the real provider cannot be made to produce — an id_token for another audience, an expired one,
//! one with another nonce — come from a small fake provider in this file (`FakeProvider`: a discovery document, a
//! key set and a token endpoint that answers whatever id_token the test signed), checked first with a good token so
//! that the refusals are the server's doing.

mod common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;
use serde_json::{json, Value};

const CLIENT_ID: &str = "test-client";
const CLIENT_SECRET: &str = "test-secret-0123456789";
const STRATEGY: &str = "oauth_custom_demo";
const APP: &str = "http://127.0.0.1:5555/app/callback";

// ---------------------------------------------------------------------------------------------------------------
// The real provider: node scripts/idp.mjs
// ---------------------------------------------------------------------------------------------------------------

/// A running `scripts/idp.mjs`, stopped when dropped.
struct Idp {
    child: Child,
    issuer: String,
}

impl Idp {
    /// Start on a free port.
    fn start() -> Idp {
        Self::start_on(0)
    }

    /// Start on `port` (0: a free one) and wait for its issuer line.
    fn start_on(port: u16) -> Idp {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut child = Command::new("node")
            .current_dir(&root)
            .args(["scripts/idp.mjs", "--port", &port.to_string()])
            .args(["--client-id", CLIENT_ID, "--client-secret", CLIENT_SECRET])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .stdin(Stdio::null())
            .spawn()
            .expect("start node scripts/idp.mjs (is node installed, and npm ci run?)");
        let stdout = child.stdout.take().expect("idp stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(issuer) = line.strip_prefix("idp issuer: ") {
                    let _ = tx.send(issuer.trim().to_string());
                }
            }
        });
        match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(issuer) => Idp { child, issuer },
            Err(_) => {
                child.kill().ok();
                child.wait().ok();
                panic!("scripts/idp.mjs did not print its issuer in 30 s");
            }
        }
    }

    /// Who signs in next (`POST /_test/login`): an identity, or `{"error": "access_denied"}`.
    async fn set_login(&self, body: Value) {
        let r = http_client()
            .post(format!("{}/_test/login", self.issuer))
            .json(&body)
            .send()
            .await
            .expect("idp control");
        assert_eq!(r.status().as_u16(), 204, "idp control refused {body}");
    }

    fn stop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

impl Drop for Idp {
    fn drop(&mut self) {
        self.stop();
    }
}

/// `--oauth-provider` for a provider at `issuer`.
fn provider_arg(issuer: &str) -> String {
    format!(
        "key=demo,issuer={issuer},client_id={CLIENT_ID},client_secret={CLIENT_SECRET},label=Demo IdP"
    )
}

/// A server with the provider at `issuer` configured.
fn server_for(issuer: &str) -> Server {
    Server::start_with(Opts::new().args(&["--oauth-provider", &provider_arg(issuer)]))
}

/// A free port on 127.0.0.1 (bound, then released).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

// ---------------------------------------------------------------------------------------------------------------
// The browser: follows the provider's redirects with a cookie jar, stops at the server's callback
// ---------------------------------------------------------------------------------------------------------------

struct Browser {
    http: reqwest::Client,
    cookies: Mutex<HashMap<String, String>>,
}

impl Browser {
    fn new() -> Browser {
        Browser {
            http: reqwest::Client::builder()
                .no_proxy()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(Duration::from_secs(30))
                .build()
                .expect("client"),
            cookies: Mutex::new(HashMap::new()),
        }
    }

    /// GET `url` with the jar's cookies (all of them: the provider's cookie names are distinct); returns the status
    /// and the `Location` made absolute.
    async fn get(&self, url: &str) -> (u16, Option<String>) {
        let cookie = {
            let jar = self.cookies.lock().unwrap();
            jar.iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ")
        };
        let mut request = self.http.get(url);
        if !cookie.is_empty() {
            request = request.header("cookie", cookie);
        }
        let r = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {url}: {e}"));
        for value in r.headers().get_all("set-cookie") {
            let text = String::from_utf8_lossy(value.as_bytes()).to_string();
            let pair = text.split(';').next().unwrap_or_default();
            if let Some((k, v)) = pair.split_once('=') {
                self.cookies
                    .lock()
                    .unwrap()
                    .insert(k.trim().to_string(), v.trim().to_string());
            }
        }
        let location = r
            .headers()
            .get("location")
            .map(|v| String::from_utf8_lossy(v.as_bytes()).to_string())
            .map(|l| {
                reqwest::Url::parse(url)
                    .and_then(|base| base.join(&l))
                    .map(|u| u.to_string())
                    .unwrap_or(l)
            });
        (r.status().as_u16(), location)
    }

    /// Follow the provider's redirects from the authorization URL until one points at `server`; returns that
    /// callback URL.
    async fn through_provider(&self, authorization_url: &str, server: &Server) -> String {
        let mut url = authorization_url.to_string();
        for _ in 0..12 {
            if url.starts_with(&server.base) {
                return url;
            }
            let (status, location) = self.get(&url).await;
            url = location.unwrap_or_else(|| {
                panic!("provider answered {status} without a redirect at {url}")
            });
        }
        panic!("the provider never sent the browser back (last URL {url})");
    }

    /// GET the server's callback; expect a 303 and return its `Location` parsed.
    async fn callback(&self, callback_url: &str) -> reqwest::Url {
        let (status, location) = self.get(callback_url).await;
        assert_eq!(status, 303, "callback status for {callback_url}");
        reqwest::Url::parse(&location.expect("callback Location")).expect("Location URL")
    }
}

/// The query parameters of `url`.
fn query(url: &reqwest::Url) -> HashMap<String, String> {
    url.query_pairs().into_owned().collect()
}

/// The part of `url` before its query.
fn without_query(url: &reqwest::Url) -> String {
    let mut u = url.clone();
    u.set_query(None);
    u.to_string()
}

/// Start a sign-in with the provider; returns (sign-in id, authorization URL).
async fn start(c: &Client) -> (String, String) {
    let r = c
        .post(
            "/v1/client/sign_ins",
            &[("strategy", STRATEGY), ("redirect_url", APP)],
        )
        .await;
    let s = r.response().clone();
    check_sign_in(&s);
    assert_eq!(s["status"], "needs_first_factor", "{s}");
    let ffv = &s["first_factor_verification"];
    assert_eq!(ffv["status"], "unverified", "{s}");
    assert_eq!(ffv["strategy"], STRATEGY, "{s}");
    let url = ffv["external_verification_redirect_url"]
        .as_str()
        .unwrap_or_else(|| panic!("no external_verification_redirect_url: {s}"))
        .to_string();
    (s["id"].as_str().expect("id").to_string(), url)
}

/// Start, go through the provider and the callback; returns (sign-in id, the callback's redirect).
async fn through_callback(c: &Client, server: &Server) -> (String, reqwest::Url, String) {
    let (id, url) = start(c).await;
    let browser = Browser::new();
    let callback_url = browser.through_provider(&url, server).await;
    let back = browser.callback(&callback_url).await;
    (id, back, callback_url)
}

/// The claim: `GET /v1/client/sign_ins/{id}?rotating_token_nonce=…`.
async fn claim(c: &Client, id: &str, nonce: &str) -> Resp {
    c.get(&format!(
        "/v1/client/sign_ins/{id}?rotating_token_nonce={nonce}"
    ))
    .await
}

/// The whole flow up to a successful claim; returns the claimed sign-in and the client.
async fn sign_in_with_provider(c: &Client, server: &Server) -> (Value, Value) {
    let (id, back, _) = through_callback(c, server).await;
    assert_eq!(without_query(&back), APP, "back to the app: {back}");
    let q = query(&back);
    assert!(!q.contains_key("__clerk_status"), "failed: {back}");
    let nonce = q
        .get("rotating_token_nonce")
        .unwrap_or_else(|| panic!("no nonce: {back}"));
    let r = claim(c, &id, nonce).await;
    let s = r.response().clone();
    check_sign_in(&s);
    assert_eq!(s["status"], "complete", "{s}");
    (s, r.json["client"].clone())
}

/// The user of session `sid` in a client.
fn user_of(client: &Value, sid: &str) -> Value {
    find_session(client, sid).unwrap_or_else(|| panic!("session {sid} not in {client}"))["user"]
        .clone()
}

// ---------------------------------------------------------------------------------------------------------------
// The whole code flow
// ---------------------------------------------------------------------------------------------------------------

#[tokio::test]
async fn environment_lists_the_provider_in_clerks_shape() {
    let idp = Idp::start();
    let server = server_for(&idp.issuer);
    let social = server.environment().await["user_settings"]["social"].clone();
    assert_eq!(
        social[STRATEGY],
        json!({"enabled": true, "strategy": STRATEGY, "name": "Demo IdP", "available": true}),
        "{social}"
    );
    assert!(server
        .stdout_lines()
        .iter()
        .any(|l| l.starts_with("oauth provider demo: ") && !l.contains("unavailable")));
    // Without --oauth-provider there is nothing.
    let plain = Server::start();
    assert_eq!(
        plain.environment().await["user_settings"]["social"],
        json!({})
    );
}

#[tokio::test]
async fn the_code_flow_creates_a_user_with_an_external_account_and_a_session() {
    let idp = Idp::start();
    let server = server_for(&idp.issuer);
    let email = email("idp-new");
    idp.set_login(
        json!({"sub": "sub-new", "email": email.to_uppercase(), "email_verified": true,
        "given_name": "Nia", "family_name": "Provider"}),
    )
    .await;
    let c = Client::new(&server);
    let (id, url) = start(&c).await;
    // The authorization URL: this provider, the code flow with PKCE S256, state and nonce, the registered callback.
    let auth = reqwest::Url::parse(&url).expect("authorization URL");
    assert!(url.starts_with(&idp.issuer), "{url}");
    let q = query(&auth);
    assert_eq!(q["response_type"], "code");
    assert_eq!(q["client_id"], CLIENT_ID);
    assert_eq!(q["code_challenge_method"], "S256");
    assert_eq!(
        q["redirect_uri"],
        format!("{}/v1/oauth_callback", server.base)
    );
    for p in ["state", "nonce", "code_challenge"] {
        assert!(q.get(p).is_some_and(|v| v.len() >= 16), "{p} in {url}");
    }
    assert!(q["scope"].split(' ').any(|s| s == "openid"), "{url}");
    // The client shows the sign-in in flight.
    assert_eq!(c.client().await["sign_in"]["id"], id.as_str());

    let browser = Browser::new();
    let callback_url = browser.through_provider(&url, &server).await;
    let back = browser.callback(&callback_url).await;
    assert_eq!(without_query(&back), APP);
    let nonce = query(&back)["rotating_token_nonce"].clone();
    assert!(nonce.len() >= 32, "{back}");
    // Nothing was granted by the callback itself: no session until the claim.
    assert!(c.client().await["sessions"].as_array().unwrap().is_empty());

    let r = claim(&c, &id, &nonce).await;
    let s = r.response();
    assert_eq!(s["status"], "complete");
    assert_eq!(s["first_factor_verification"]["status"], "verified");
    let sid = s["created_session_id"].as_str().unwrap().to_string();
    let client = &r.json["client"];
    check_client(client);
    assert_eq!(client["last_active_session_id"], sid.as_str());
    assert!(client["sign_in"].is_null(), "{client}");
    let user = user_of(client, &sid);
    assert_eq!(user["email_addresses"][0]["email_address"], email.as_str());
    assert_eq!(
        user["email_addresses"][0]["verification"]["status"],
        "verified"
    );
    assert_eq!(user["first_name"], "Nia");
    assert_eq!(user["last_name"], "Provider");
    assert_eq!(user["password_enabled"], false);
    let accounts = user["external_accounts"]
        .as_array()
        .expect("external_accounts");
    assert_eq!(accounts.len(), 1, "{user}");
    assert_eq!(accounts[0]["provider"], STRATEGY);
    assert_eq!(accounts[0]["provider_user_id"], "sub-new");
    assert_eq!(accounts[0]["email_address"], email.as_str());
    check_id(&accounts[0]["id"], "eac_", "external account");
    // The session works like any other.
    let jwt = c.jwt(&sid).await;
    assert!(!jwt.is_empty());
    // The same identity again from another client: the same user, through its linked account.
    let other = Client::new(&server);
    let (s2, client2) = sign_in_with_provider(&other, &server).await;
    let sid2 = s2["created_session_id"].as_str().unwrap();
    assert_eq!(user_of(&client2, sid2)["id"], user["id"]);
    assert_eq!(server.users().await.len(), 1);
}

#[tokio::test]
async fn multi_session_adds_a_session_and_refuses_the_same_user_twice() {
    let idp = Idp::start();
    let server = server_for(&idp.issuer);
    let c = Client::new(&server);
    let (_, password_sid) = c.sign_up_ids(&email("password-user")).await;
    idp.set_login(json!({"sub": "sub-multi", "email": email("idp-multi"), "email_verified": true}))
        .await;
    let (s, client) = sign_in_with_provider(&c, &server).await;
    let sid = s["created_session_id"].as_str().unwrap();
    let (ids, last) = c.session_ids().await;
    assert_eq!(ids.len(), 2, "{client}");
    assert!(ids.contains(&password_sid));
    assert_eq!(last.as_deref(), Some(sid));
    // The same provider user again on this client: identifier_already_signed_in naming its session.
    let (id, back, _) = through_callback(&c, &server).await;
    let nonce = query(&back)["rotating_token_nonce"].clone();
    let e = claim(&c, &id, &nonce)
        .await
        .expect_error(422, "identifier_already_signed_in")
        .clone();
    assert_eq!(e["meta"]["session_id"], sid);
}

#[tokio::test]
async fn single_session_mode_refuses_a_second_session() {
    let idp = Idp::start();
    let server = server_for(&idp.issuer);
    server
        .patch_instance(&[("single_session_mode", "true")])
        .await
        .ok();
    let c = Client::new(&server);
    c.sign_up_ids(&email("single")).await;
    c.post(
        "/v1/client/sign_ins",
        &[("strategy", STRATEGY), ("redirect_url", APP)],
    )
    .await
    .expect_error(422, "session_exists");
    // A fresh client signs in; a sign-in started before another session appeared is refused at the claim.
    let fresh = Client::new(&server);
    let (id, back, _) = through_callback(&fresh, &server).await;
    fresh.sign_up_ids(&email("single-2")).await;
    let nonce = query(&back)["rotating_token_nonce"].clone();
    claim(&fresh, &id, &nonce)
        .await
        .expect_error(422, "session_exists");
}

#[tokio::test]
async fn a_verified_provider_email_links_to_the_existing_account() {
    let idp = Idp::start();
    let server = server_for(&idp.issuer);
    let address = email("linked");
    let (user_id, _) = Client::new(&server).sign_up_ids(&address).await;
    idp.set_login(json!({"sub": "sub-link", "email": address, "email_verified": true}))
        .await;
    let c = Client::new(&server);
    let (s, client) = sign_in_with_provider(&c, &server).await;
    let user = user_of(&client, s["created_session_id"].as_str().unwrap());
    assert_eq!(user["id"], user_id.as_str());
    assert_eq!(user["password_enabled"], true);
    assert_eq!(user["external_accounts"][0]["provider_user_id"], "sub-link");
    assert_eq!(server.users().await.len(), 1);
}

#[tokio::test]
async fn an_unverified_provider_email_never_links() {
    let idp = Idp::start();
    let server = server_for(&idp.issuer);
    let address = email("victim");
    Client::new(&server).sign_up_ids(&address).await;
    idp.set_login(json!({"sub": "sub-attacker", "email": address, "email_verified": false}))
        .await;
    let c = Client::new(&server);
    let (id, back, _) = through_callback(&c, &server).await;
    let nonce = query(&back)["rotating_token_nonce"].clone();
    claim(&c, &id, &nonce)
        .await
        .expect_error(422, "form_identifier_exists");
    assert!(c.client().await["sessions"].as_array().unwrap().is_empty());
    assert_eq!(server.users().await.len(), 1);
    // With no account at that address, the user is created, its email left unverified.
    let other = email("unverified-new");
    idp.set_login(json!({"sub": "sub-unverified", "email": other, "email_verified": false}))
        .await;
    let (s, client) = sign_in_with_provider(&c, &server).await;
    let user = user_of(&client, s["created_session_id"].as_str().unwrap());
    assert_eq!(user["email_addresses"][0]["email_address"], other.as_str());
    assert_eq!(
        user["email_addresses"][0]["verification"]["status"],
        "unverified"
    );
}

// ---------------------------------------------------------------------------------------------------------------
// Rejections
// ---------------------------------------------------------------------------------------------------------------

/// `__clerk_status=failed` with this code, on `target` (without its query).
#[track_caller]
fn assert_failed(back: &reqwest::Url, target: &str, code: &str) {
    let q = query(back);
    assert_eq!(without_query(back), target, "{back}");
    assert_eq!(
        q.get("__clerk_status").map(String::as_str),
        Some("failed"),
        "{back}"
    );
    assert_eq!(
        q.get("__clerk_error_code").map(String::as_str),
        Some(code),
        "{back}"
    );
    assert!(!q.contains_key("rotating_token_nonce"), "{back}");
}

#[tokio::test]
async fn a_bad_state_goes_back_to_the_server_with_a_failure() {
    let idp = Idp::start();
    let server = server_for(&idp.issuer);
    let browser = Browser::new();
    let home = format!("{}/", server.base);
    for path in [
        "/v1/oauth_callback?state=forged-state&code=abc",
        "/v1/oauth_callback?code=abc",
        "/v1/oauth_callback",
        "/v1/oauth_callback?state=%ZZ&code=%",
    ] {
        let back = browser.callback(&server.url(path)).await;
        assert_failed(&back, &home, "oauth_state_invalid");
    }
}

#[tokio::test]
async fn a_replayed_state_fails_and_leaves_the_first_callback_claimable() {
    let idp = Idp::start();
    let server = server_for(&idp.issuer);
    let c = Client::new(&server);
    let (id, back, callback_url) = through_callback(&c, &server).await;
    let nonce = query(&back)["rotating_token_nonce"].clone();
    let replay = Browser::new().callback(&callback_url).await;
    assert_failed(&replay, APP, "oauth_state_invalid");
    let r = claim(&c, &id, &nonce).await;
    assert_eq!(r.response()["status"], "complete");
}

#[tokio::test]
async fn access_denied_at_the_provider_comes_back_as_a_failure() {
    let idp = Idp::start();
    let server = server_for(&idp.issuer);
    idp.set_login(json!({"error": "access_denied"})).await;
    let c = Client::new(&server);
    let (id, back, _) = through_callback(&c, &server).await;
    assert_failed(&back, APP, "oauth_access_denied");
    // The sign-in shows why; nothing can be claimed.
    let s = c.get(&format!("/v1/client/sign_ins/{id}")).await;
    let ffv = &s.response()["first_factor_verification"];
    assert_eq!(ffv["status"], "failed");
    assert_eq!(ffv["error"], "oauth_access_denied");
    claim(&c, &id, "anything")
        .await
        .expect_error(422, "verification_failed");
    assert!(c.client().await["sessions"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn the_nonce_is_the_starting_clients_once() {
    let idp = Idp::start();
    let server = server_for(&idp.issuer);
    let c = Client::new(&server);
    let (id, back, _) = through_callback(&c, &server).await;
    let nonce = query(&back)["rotating_token_nonce"].clone();
    // Another client (a victim lured through the attacker's sign-in, or the other way round) gets 404, with or
    // without a client of its own.
    let other = Client::new(&server);
    claim(&other, &id, &nonce)
        .await
        .expect_error(404, "resource_not_found");
    other.create_client().await;
    claim(&other, &id, &nonce)
        .await
        .expect_error(404, "resource_not_found");
    // A wrong nonce is refused, and does not use the sign-in up.
    claim(&c, &id, "0123456789abcdef")
        .await
        .expect_error(422, "verification_failed");
    assert_eq!(
        claim(&c, &id, &nonce).await.response()["status"],
        "complete"
    );
    // Single use.
    claim(&c, &id, &nonce)
        .await
        .expect_error(422, "verification_failed");
    assert_eq!(c.session_ids().await.0.len(), 1);
}

#[tokio::test]
async fn redirect_url_must_be_on_an_allowed_origin() {
    let idp = Idp::start();
    let server = server_for(&idp.issuer);
    let c = Client::new(&server);
    for bad in [
        "https://evil.example/callback",
        "http://127.0.0.1.evil.example:5555/",
        "javascript:alert(1)",
        "/relative",
        "http://127.0.0.1:5555/app#fragment",
    ] {
        c.post(
            "/v1/client/sign_ins",
            &[("strategy", STRATEGY), ("redirect_url", bad)],
        )
        .await
        .expect_param_error(422, "form_param_format_invalid", "redirect_url");
    }
    c.post("/v1/client/sign_ins", &[("strategy", STRATEGY)])
        .await
        .expect_param_error(422, "form_param_missing", "redirect_url");
    c.post(
        "/v1/client/sign_ins",
        &[("strategy", "oauth_custom_nope"), ("redirect_url", APP)],
    )
    .await
    .expect_param_error(422, "form_param_format_invalid", "strategy");
    // This server's own origin is allowed.
    let own = server.url("/done");
    let r = c
        .post(
            "/v1/client/sign_ins",
            &[("strategy", STRATEGY), ("redirect_url", &own)],
        )
        .await;
    assert_eq!(r.response()["status"], "needs_first_factor");
}

#[tokio::test]
async fn the_apps_login_hint_reaches_the_provider_and_picks_the_identity() {
    let idp = Idp::start();
    let server = server_for(&idp.issuer);
    // The test-controlled identity is another one: only the hint can make omar sign in.
    idp.set_login(
        json!({"sub": "sub-hint-other", "email": email("idp-other"), "email_verified": true}),
    )
    .await;
    let c = Client::new(&server);
    let r = c
        .post(
            "/v1/client/sign_ins",
            &[
                ("strategy", STRATEGY),
                ("redirect_url", APP),
                ("oidc_login_hint", "omar@example.com"),
            ],
        )
        .await;
    let s = r.response().clone();
    let id = s["id"].as_str().expect("id").to_string();
    let url = s["first_factor_verification"]["external_verification_redirect_url"]
        .as_str()
        .expect("authorization URL")
        .to_string();
    let q = query(&reqwest::Url::parse(&url).expect("authorization URL"));
    assert_eq!(q["login_hint"], "omar@example.com", "{url}");
    let browser = Browser::new();
    let callback_url = browser.through_provider(&url, &server).await;
    let back = browser.callback(&callback_url).await;
    let nonce = query(&back)["rotating_token_nonce"].clone();
    let claimed = claim(&c, &id, &nonce).await;
    let sid = claimed.response()["created_session_id"]
        .as_str()
        .expect("created_session_id")
        .to_string();
    let user = user_of(&claimed.json["client"], &sid);
    assert_eq!(
        user["email_addresses"][0]["email_address"], "omar@example.com",
        "{user}"
    );

    // Without a hint no login_hint is sent; an over-long one is refused before the provider is asked.
    let (_, plain) = start(&c).await;
    assert!(!plain.contains("login_hint"), "{plain}");
    let long = "x".repeat(257);
    c.post(
        "/v1/client/sign_ins",
        &[
            ("strategy", STRATEGY),
            ("redirect_url", APP),
            ("oidc_login_hint", &long),
        ],
    )
    .await
    .expect_param_error(422, "form_param_format_invalid", "oidc_login_hint");
}

#[tokio::test]
async fn a_provider_down_at_start_is_retried_in_the_background() {
    let port = free_port();
    let issuer = format!("http://127.0.0.1:{port}");
    let server = server_for(&issuer);
    assert!(
        server
            .stdout_lines()
            .iter()
            .any(|l| l.starts_with("oauth provider demo: ") && l.contains("unavailable")),
        "{:?}",
        server.stdout_lines()
    );
    assert_eq!(
        server.environment().await["user_settings"]["social"][STRATEGY]["available"],
        false
    );
    let c = Client::new(&server);
    c.post(
        "/v1/client/sign_ins",
        &[("strategy", STRATEGY), ("redirect_url", APP)],
    )
    .await
    .expect_error(503, "oauth_provider_unavailable");
    // The provider comes up: the server finds it without a restart.
    let _idp = Idp::start_on(port);
    let deadline = Instant::now() + Duration::from_secs(40);
    while server.environment().await["user_settings"]["social"][STRATEGY]["available"] != true {
        assert!(Instant::now() < deadline, "provider not discovered in 40 s");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    sign_in_with_provider(&c, &server).await;
}

#[tokio::test]
async fn a_provider_down_at_the_callback_comes_back_as_a_failure() {
    let mut idp = Idp::start();
    let server = server_for(&idp.issuer);
    let c = Client::new(&server);
    let (_, url) = start(&c).await;
    let browser = Browser::new();
    let callback_url = browser.through_provider(&url, &server).await;
    idp.stop();
    let back = browser.callback(&callback_url).await;
    assert_failed(&back, APP, "oauth_token_exchange_failed");
}

// ---------------------------------------------------------------------------------------------------------------
// Tokens the real provider never issues: a fake provider's token endpoint
// ---------------------------------------------------------------------------------------------------------------

/// A fake OpenID provider: discovery, keys, and a token endpoint answering the id_token the test put in `next`.
struct FakeProvider {
    issuer: String,
    key: rsa::RsaPrivateKey,
    kid: String,
    next: Arc<Mutex<Option<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl FakeProvider {
    async fn start() -> FakeProvider {
        use axum::routing::{get, post};
        let pem = clerk_wasm_server::auth::jwt::JwtKeys::generate_pem().expect("key");
        let keys = clerk_wasm_server::auth::jwt::JwtKeys::from_pem(&pem).expect("key");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr: SocketAddr = listener.local_addr().expect("addr");
        let issuer = format!("http://{addr}");
        let next: Arc<Mutex<Option<String>>> = Arc::new(Mutex::new(None));
        let discovery = json!({
            "issuer": issuer,
            "authorization_endpoint": format!("{issuer}/auth"),
            "token_endpoint": format!("{issuer}/token"),
            "jwks_uri": format!("{issuer}/jwks"),
        });
        let jwks = keys.jwks();
        let answer = next.clone();
        let app = axum::Router::new()
            .route(
                "/.well-known/openid-configuration",
                get(move || async move { axum::Json(discovery) }),
            )
            .route("/jwks", get(move || async move { axum::Json(jwks) }))
            .route(
                "/token",
                post(move || async move {
                    let id_token = answer.lock().unwrap().clone();
                    axum::Json(json!({
                        "access_token": "fake-access-token",
                        "token_type": "Bearer",
                        "expires_in": 60,
                        "id_token": id_token,
                    }))
                }),
            );
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.ok();
        });
        FakeProvider {
            issuer,
            key: private_key_from_pem(&pem),
            kid: keys.kid().to_string(),
            next,
            task,
        }
    }

    /// Sign `claims` with the provider's key; the token endpoint answers it from now on.
    fn answer(&self, claims: Value) {
        *self.next.lock().unwrap() = Some(sign_rs256(&self.key, Some(&self.kid), &claims));
    }
}

impl Drop for FakeProvider {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The id_token claims of a case, given the sign-in's nonce.
type ClaimsFor<'a> = Box<dyn Fn(&str) -> Value + 'a>;

// Multi-threaded: the fake provider must answer the server's discovery while the test waits for the server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_for_another_audience_expired_or_with_another_nonce_are_refused() {
    let fake = FakeProvider::start().await;
    let server = server_for(&fake.issuer);
    let good = |nonce: &str| {
        json!({
            "iss": fake.issuer, "aud": CLIENT_ID, "sub": "fake-sub", "nonce": nonce,
            "iat": now_secs(), "exp": now_secs() + 300,
            "email": email("fake"), "email_verified": true,
        })
    };
    // Each case: start a sign-in, take its state and nonce from the authorization URL (the fake has no login
    // step), have the token endpoint answer the case's id_token, and call the callback with a made-up code.
    let cases: Vec<(&str, ClaimsFor<'_>, Option<&str>)> = vec![
        (
            "good token (the fake is honest)",
            Box::new(|n| good(n)),
            None,
        ),
        (
            "another audience",
            Box::new(|n| {
                let mut c = good(n);
                c["aud"] = json!("someone-else");
                c
            }),
            Some("oauth_id_token_invalid"),
        ),
        (
            "expired",
            Box::new(|n| {
                let mut c = good(n);
                c["iat"] = json!(now_secs() - 7200);
                c["exp"] = json!(now_secs() - 3600);
                c
            }),
            Some("oauth_id_token_invalid"),
        ),
        (
            "another nonce",
            Box::new(|_| good("not-the-nonce-of-this-sign-in")),
            Some("oauth_id_token_invalid"),
        ),
        (
            "another issuer",
            Box::new(|n| {
                let mut c = good(n);
                c["iss"] = json!("https://evil.example");
                c
            }),
            Some("oauth_id_token_invalid"),
        ),
    ];
    for (what, claims, failure) in cases {
        let c = Client::new(&server);
        let (id, url) = start(&c).await;
        let q = query(&reqwest::Url::parse(&url).expect("url"));
        fake.answer(claims(&q["nonce"]));
        let callback = server.url(&format!(
            "/v1/oauth_callback?code=made-up&state={}&iss={}",
            q["state"], fake.issuer
        ));
        let back = Browser::new().callback(&callback).await;
        match failure {
            Some(code) => {
                assert_failed(&back, APP, code);
                claim(&c, &id, "x")
                    .await
                    .expect_error(422, "verification_failed");
            }
            None => {
                let nonce = query(&back)
                    .get("rotating_token_nonce")
                    .unwrap_or_else(|| panic!("{what}: {back}"))
                    .clone();
                assert_eq!(
                    claim(&c, &id, &nonce).await.response()["status"],
                    "complete",
                    "{what}"
                );
            }
        }
    }
    // A token signed by another key, and a callback naming another issuer (RFC 9207), are refused too.
    let c = Client::new(&server);
    let (_, url) = start(&c).await;
    let q = query(&reqwest::Url::parse(&url).expect("url"));
    let stranger =
        private_key_from_pem(&clerk_wasm_server::auth::jwt::JwtKeys::generate_pem().expect("key"));
    *fake.next.lock().unwrap() = Some(sign_rs256(&stranger, Some(&fake.kid), &good(&q["nonce"])));
    let back = Browser::new()
        .callback(&server.url(&format!("/v1/oauth_callback?code=x&state={}", q["state"])))
        .await;
    assert_failed(&back, APP, "oauth_id_token_invalid");
    let (_, url) = start(&c).await;
    let q = query(&reqwest::Url::parse(&url).expect("url"));
    fake.answer(good(&q["nonce"]));
    let back = Browser::new()
        .callback(&server.url(&format!(
            "/v1/oauth_callback?code=x&state={}&iss=https://evil.example",
            q["state"]
        )))
        .await;
    assert_failed(&back, APP, "oauth_callback_invalid");
}
