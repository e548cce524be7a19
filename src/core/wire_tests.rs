//! Wire parsing against hand-written fixtures from the contract, and against garbage.

use super::*;
use crate::core::test_json::{from_json, to_json, value};
use serde::de::DeserializeOwned;

// The parse functions over bodies as the browser hands them over: JSON text parsed into a value (`None` when it is
// not JSON), here by serde_json.

fn parse_envelope<T: DeserializeOwned + WireObject>(
    status: u16,
    body: &str,
) -> Result<Envelope<T>, ClerkError> {
    super::parse_envelope(status, value(body))
}

fn parse_client(status: u16, body: &str) -> Result<Option<Client>, ClerkError> {
    super::parse_client(status, value(body))
}

fn parse_environment(status: u16, body: &str) -> Result<Environment, ClerkError> {
    super::parse_environment(status, value(body))
}

fn parse_token(status: u16, body: &str) -> Result<Token, ClerkError> {
    super::parse_token(status, value(body))
}

fn parse_error(status: u16, body: &str) -> ClerkError {
    super::parse_error(status, value(body))
}

/// A JWT payload after base64url decoding, read as the edge does: JSON, then the claims.
fn parse_jwt_claims(payload: &[u8]) -> Result<JwtClaims, ClerkError> {
    match serde_json::from_slice::<serde_json::Value>(payload) {
        Ok(v) => super::parse_jwt_claims(v),
        Err(_) => Err(invalid_payload("not JSON")),
    }
}

const CLIENT: &str = include_str!("fixtures/client_two_sessions.json");
const SIGN_IN: &str = include_str!("fixtures/sign_in_needs_first_factor.json");
const SIGN_UP: &str = include_str!("fixtures/sign_up_missing_requirements.json");
const ENVIRONMENT: &str = include_str!("fixtures/environment.json");
const ERROR_ALREADY: &str = include_str!("fixtures/error_identifier_already_signed_in.json");

#[test]
fn parses_get_client_with_two_sessions() {
    let client = parse_client(200, CLIENT).unwrap().unwrap();
    assert_eq!(client.id, "client_2abcDEF");
    assert_eq!(client.last_active_session_id.as_deref(), Some("sess_grace"));
    assert_eq!(client.sessions.len(), 2);
    let ada = client.session("sess_ada").unwrap();
    assert!(ada.is_signed_in());
    assert_eq!(ada.last_active_at, 1_732_700_000_000);
    let user = ada.user.as_ref().unwrap();
    assert_eq!(user.full_name().as_deref(), Some("Ada Lovelace"));
    assert_eq!(
        user.primary_email_address().unwrap().email_address,
        "ada@example.com"
    );
    assert_eq!(
        ada.public_user_data.as_ref().unwrap().identifier.as_deref(),
        Some("ada@example.com")
    );
    let grace = client.session("sess_grace").unwrap().user.as_ref().unwrap();
    assert_eq!(grace.full_name().as_deref(), Some("Grace"));
    assert_eq!(grace.email_addresses[0].verification, None);
}

#[test]
fn get_client_with_unknown_token_is_none() {
    assert_eq!(
        parse_client(200, r#"{"response": null, "client": null}"#).unwrap(),
        None
    );
    assert_eq!(parse_client(200, r#"{"response": null}"#).unwrap(), None);
}

#[test]
fn envelope_requires_the_response_key() {
    let e = parse_client(200, r#"{"client": null}"#).unwrap_err();
    assert_eq!((e.status, e.code()), (200, "invalid_response"));
    assert!(parse_client(200, "{}").is_err());
}

#[test]
fn parses_sign_in_envelope_with_client() {
    let env = parse_envelope::<SignIn>(200, SIGN_IN).unwrap();
    let si = env.response.unwrap();
    assert_eq!(si.status, SignInStatus::NeedsFirstFactor);
    assert_eq!(si.supported_first_factors.len(), 2);
    assert_eq!(
        si.supported_first_factors[1].safe_identifier.as_deref(),
        Some("a***@example.com")
    );
    assert_eq!(si.created_session_id, None);
    let client = env.client.unwrap();
    assert!(client.sessions.is_empty());
    assert_eq!(client.sign_in.unwrap().id, "sia_1");
}

#[test]
fn parses_sign_up_envelope() {
    let su = parse_envelope::<SignUp>(200, SIGN_UP)
        .unwrap()
        .response
        .unwrap();
    assert_eq!(su.status, SignUpStatus::MissingRequirements);
    assert_eq!(su.unverified_fields, vec!["email_address".to_string()]);
    let v = su.verifications.email_address.unwrap();
    assert_eq!(
        (v.status.as_deref(), v.attempts),
        (Some("unverified"), Some(0))
    );
}

#[test]
fn parses_session_envelope_of_a_removed_session() {
    let body = r#"{"response": {"object": "session", "id": "sess_1", "status": "removed", "last_active_at": 5},
        "client": {"object": "client", "id": "client_1", "sessions": [], "last_active_session_id": null}}"#;
    let env = parse_envelope::<Session>(200, body).unwrap();
    assert_eq!(env.response.unwrap().status, SessionStatus::Removed);
    assert_eq!(env.client.unwrap().sessions.len(), 0);
}

#[test]
fn unknown_statuses_are_kept_as_unknown_not_errors() {
    let body = r#"{"response": {"object": "session", "id": "sess_1", "status": "pending"}, "client": null}"#;
    let s = parse_envelope::<Session>(200, body)
        .unwrap()
        .response
        .unwrap();
    assert_eq!(s.status, SessionStatus::Unknown);
    assert!(!s.is_signed_in());
}

#[test]
fn another_resources_object_is_rejected() {
    // A session where a sign-in is expected would otherwise slip through (status falls back to Unknown).
    let body = r#"{"response": {"object": "session", "id": "sess_1", "status": "active"}, "client": null}"#;
    let e = parse_envelope::<SignIn>(200, body).unwrap_err();
    assert_eq!(e.code(), "invalid_response");
    assert!(e.message().contains("sign_in_attempt"));
    // Nested: a client whose session list holds a user.
    let body = r#"{"response": null, "client": {"id": "client_1", "sessions": [{"object": "user", "id": "u", "status": "active"}]}}"#;
    assert!(parse_envelope::<Session>(200, body).is_err());
}

#[test]
fn nulls_where_lists_and_flags_belong_are_defaults() {
    let body =
        r#"{"response": {"id": "client_1", "sessions": null, "created_at": null}, "client": null}"#;
    let c = parse_client(200, body).unwrap().unwrap();
    assert!(c.sessions.is_empty());
    assert_eq!(c.created_at, 0);
}

#[test]
fn wrongly_shaped_json_is_an_error() {
    for body in [
        r#"{"response": {"sessions": []}, "client": null}"#, // no id
        r#"{"response": {"id": 7, "sessions": []}, "client": null}"#, // id not a string
        r#"{"response": {"id": "c", "sessions": "none"}, "client": null}"#, // list is a string
        r#"{"response": {"id": "c", "sessions": [{"id": "s"}]}, "client": null}"#, // session without status
        r#"{"response": {"id": "c", "sessions": [{"id": "s", "status": "active", "last_active_at": -1}]}}"#,
        r#"{"response": {"id": "c", "sessions": [{"id": "s", "status": 3}]}}"#,
        r#"[1, 2, 3]"#,
        r#""client""#,
        "null",
    ] {
        let e = parse_client(200, body).unwrap_err();
        assert_eq!(e.code(), "invalid_response", "{body}");
    }
}

#[test]
fn garbage_bodies_are_errors_not_panics() {
    for body in [
        "",
        "<html>502 Bad Gateway</html>",
        "{",
        "{\"response\":",
        "\u{0}\u{1}",
        "{\"response\": {\"id\": \"\u{FFFD}\"}",
    ] {
        assert!(parse_client(200, body).is_err(), "{body:?}");
        assert!(parse_environment(200, body).is_err(), "{body:?}");
        assert!(parse_token(200, body).is_err(), "{body:?}");
    }
    let deep = "[".repeat(10_000);
    assert!(parse_client(200, &deep).is_err());
}

#[test]
fn parses_environment_and_ignores_extras() {
    let env = parse_environment(200, ENVIRONMENT).unwrap();
    assert!(!env.auth_config.single_session_mode);
    assert_eq!(
        env.auth_config.first_factors,
        vec!["password", "email_code"]
    );
    assert_eq!(
        env.display_config.application_name.as_deref(),
        Some("clerk-wasm demo")
    );
    assert_eq!(env.user_settings.password.min_length, Some(8));
    assert!(env.user_settings.sign_up.email_verification_required);
    let minimal =
        parse_environment(200, r#"{"auth_config": {"single_session_mode": true}}"#).unwrap();
    assert!(minimal.auth_config.single_session_mode);
    assert!(
        parse_environment(200, "{}").is_err(),
        "an environment without auth_config is some other JSON"
    );
    assert!(parse_environment(200, r#"{"auth_config": {"single_session_mode": "yes"}}"#).is_err());
}

#[test]
fn parses_token() {
    let t = parse_token(200, r#"{"object": "token", "jwt": "a.b.c"}"#).unwrap();
    assert_eq!(t.jwt, "a.b.c");
    assert!(parse_token(200, r#"{"object": "client", "jwt": "a.b.c"}"#).is_err());
    assert!(parse_token(200, r#"{"object": "token"}"#).is_err());
    assert!(parse_token(200, r#"{"object": "token", "jwt": null}"#).is_err());
}

#[test]
fn error_status_parses_the_error_body() {
    let e = parse_envelope::<SignIn>(422, ERROR_ALREADY).unwrap_err();
    assert_eq!(e.status, 422);
    assert!(e.is_code("identifier_already_signed_in"));
    assert_eq!(e.session_id_meta(), Some("sess_ada"));
    assert_eq!(e.param_name_meta(), Some("identifier"));
    assert_eq!(e.clerk_trace_id.as_deref(), Some("trace_123"));
    assert_eq!(
        e.errors[0].long_message.as_deref(),
        Some("You're already signed in with this identifier on this client.")
    );
}

#[test]
fn error_bodies_lenient_and_garbage() {
    let e = parse_error(
        429,
        r#"{"errors": [{"code": "too_many_requests", "message": "slow down", "meta": null}]}"#,
    );
    assert_eq!(
        (e.status, e.code(), e.message()),
        (429, "too_many_requests", "slow down")
    );
    assert_eq!(e.errors[0].long_message, None);
    assert!(e.is_transient());
    let e = parse_error(502, "<html>Bad Gateway</html>");
    assert_eq!((e.status, e.code()), (502, "invalid_response"));
    assert!(e.is_transient());
    let e = parse_error(422, r#"{"errors": []}"#);
    assert_eq!(e.code(), "invalid_response");
    let e = parse_error(422, r#"{"errors": [{"message": "no code"}]}"#);
    assert_eq!(e.code(), "invalid_response");
    let e = parse_token(500, r#"{"errors": [{"code": "internal_clerk_error", "message": "oops"}], "clerk_trace_id": null}"#)
        .unwrap_err();
    assert_eq!((e.status, e.code()), (500, "internal_clerk_error"));
}

#[test]
fn client_round_trips_through_json() {
    let client = parse_client(200, CLIENT).unwrap().unwrap();
    let json = to_json(&client);
    let back: Client = from_json(&json).unwrap();
    assert_eq!(back, client);
    let env = parse_environment(200, ENVIRONMENT).unwrap();
    assert_eq!(from_json::<Environment>(&to_json(&env)).unwrap(), env);
}

#[test]
fn jwt_claims() {
    let c = parse_jwt_claims(
        br#"{"sid": "sess_1", "exp": 1700000060, "iat": 1700000000, "sub": "user_1", "azp": "x"}"#,
    )
    .unwrap();
    assert_eq!(
        (c.sid.as_str(), c.exp, c.iat),
        ("sess_1", 1_700_000_060, Some(1_700_000_000))
    );
    for bad in [
        &br#"{"exp": 1}"#[..],
        br#"{"sid": "s"}"#,
        br#"{"sid": "s", "exp": "soon"}"#,
        b"\xff\xfe",
        b"",
    ] {
        assert_eq!(parse_jwt_claims(bad).unwrap_err().code(), "invalid_token");
    }
}

#[test]
fn statuses_are_written_as_they_are_read() {
    // Through a sign-in, a sign-up and a session: each status is read from its wire name and written back as it.
    let sign_in = |status: &str| {
        from_json::<SignIn>(&format!(r#"{{"id": "si", "status": "{status}"}}"#))
            .unwrap()
            .status
    };
    let sign_up = |status: &str| {
        from_json::<SignUp>(&format!(r#"{{"id": "su", "status": "{status}"}}"#))
            .unwrap()
            .status
    };
    let session = |status: &str| {
        from_json::<Session>(&format!(r#"{{"id": "s", "status": "{status}"}}"#))
            .unwrap()
            .status
    };
    for name in [
        "active",
        "ended",
        "expired",
        "removed",
        "abandoned",
        "revoked",
    ] {
        assert_eq!(session(name).as_str(), name);
    }
    for name in [
        "needs_identifier",
        "needs_first_factor",
        "needs_second_factor",
        "complete",
    ] {
        assert_eq!(sign_in(name).as_str(), name);
    }
    for name in ["missing_requirements", "complete"] {
        assert_eq!(sign_up(name).as_str(), name);
    }
    assert_eq!(session("pending"), SessionStatus::Unknown);
    assert_eq!(sign_in("pending"), SignInStatus::Unknown);
    assert_eq!(sign_up("pending"), SignUpStatus::Unknown);
    assert_eq!(SessionStatus::Unknown.as_str(), "unknown");
    let s = from_json::<Session>(r#"{"id": "s", "status": "revoked"}"#).unwrap();
    assert!(to_json(&s).contains(r#""status":"revoked""#));
}

#[test]
fn wrong_fields_anywhere_are_errors() {
    let client = |text: &str| from_json::<Client>(text).map(|c| c.id);
    for text in [
        "{}",
        r#"{"id": null}"#,
        r#"{"id": 7}"#,
        "[]",
        r#""client""#,
        r#"{"created_at": "x", "id": 5}"#,
        r#"{"id": "c", "created_at": -1}"#,
        r#"{"id": "c", "created_at": 1.5}"#,
        r#"{"id": "c", "created_at": true}"#,
        r#"{"id": "c", "sessions": {}}"#,
        r#"{"id": "c", "sessions": [{"id": "s", "status": "active"}, {"id": "t"}, {"id": 1}]}"#,
        r#"{"id": "c", "sessions": [7]}"#,
        r#"{"id": "c", "sessions": [{"id": "s", "status": 3}]}"#,
        r#"{"id": "c", "sessions": [{"id": "s", "status": "active", "user": {"id": 1}}]}"#,
        r#"{"id": "c", "sign_in": {"id": "si", "status": "complete", "supported_first_factors": [{}]}}"#,
        r#"{"id": "c", "sign_up": {"id": "su", "status": "complete", "unverified_fields": ["a", null]}}"#,
        r#"{"id": "c", "sign_up": {"id": "su", "status": "complete", "verifications": {"email_address": {"attempts": 4294967296}}}}"#,
        r#"{"id": "c", "sessions": [{"id": "s", "status": "active", "public_user_data": {"has_image": "yes"}}]}"#,
        r#"{"id": "c", "id": 5}"#,
        r#"{"id": 5, "sessions": "x", "id": "c"}"#,
        r#"{"id": 5, "sessions": [}"#,
    ] {
        assert!(client(text).is_err(), "{text}");
    }
    // Of a repeated key the last counts (`JSON.parse`), also when an earlier one was wrong.
    assert_eq!(client(r#"{"id": 5, "id": "c"}"#), Ok("c".to_string()));
    // The environment: a required nested object, and flags.
    for text in [
        r#"{"auth_config": {"single_session_mode": "yes"}}"#,
        r#"{"auth_config": null}"#,
        r#"{"auth_config": {}, "user_settings": {"password": {"min_length": "8"}}}"#,
    ] {
        assert!(from_json::<Environment>(text).is_err(), "{text}");
    }
}

#[test]
fn answers_say_what_is_wrong_in_their_message() {
    let message = |e: ClerkError| e.message().to_string();
    let wrong_shape = ["Unexpected response from the server: ", NOT_THE_SHAPE].concat();
    for e in [
        parse_client(200, r#"{"client": null}"#).unwrap_err(),
        parse_envelope::<Session>(200, r#"{"response": {"id": "s"}}"#).unwrap_err(),
        parse_token(200, r#"{"object": "token", "jwt": null}"#).unwrap_err(),
        parse_environment(200, "{}").unwrap_err(),
    ] {
        assert_eq!(message(e), wrong_shape);
    }
    assert_eq!(
        message(parse_client(200, "<html>").unwrap_err()),
        "Unexpected response from the server: the answer is not JSON"
    );
    assert_eq!(
        message(parse_jwt_claims(br#"{"sid": "s", "exp": "soon"}"#).unwrap_err()),
        "Session token payload is invalid: it lacks `sid` or `exp`"
    );
    assert_eq!(
        message(parse_error(422, r#"{"errors": [{"message": "no code"}]}"#)),
        "Unexpected response from the server: HTTP 422 without a Clerk error body"
    );
    // A wrong `object` is checked only once the whole answer has been read.
    assert_eq!(
        message(parse_token(200, r#"{"object": "client", "jwt": "a.b.c"}"#).unwrap_err()),
        "Unexpected response from the server: expected object \"token\", found \"client\""
    );
}
