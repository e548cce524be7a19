//! Storage schema: keys, round trips, upgrades and corruption handling.

use super::*;
use crate::core::test_json::{from_json, to_json, TestJson};
use crate::core::wire::{Client, Environment};

// The storage functions with the tests' JSON (serde_json in place of the browser's).

fn encode_snapshot<T: Serialize>(data: &T, now_ms: u64) -> Result<String, StorageIssue> {
    super::encode_snapshot(&TestJson, data, now_ms)
}

fn encode_client_snapshot(
    client: &Client,
    token: Option<&str>,
    now_ms: u64,
) -> Result<String, StorageIssue> {
    super::encode_client_snapshot(&TestJson, client, token, now_ms)
}

fn decode_snapshot<T: DeserializeOwned>(raw: &str) -> Result<Decoded<T>, StorageIssue> {
    super::decode_snapshot(&TestJson, raw)
}

fn decode_snapshot_with<T: DeserializeOwned>(
    raw: &str,
    upgrade: Upgrader,
) -> Result<Decoded<T>, StorageIssue> {
    super::decode_snapshot_with(&TestJson, raw, upgrade)
}

fn decode_client_snapshot(raw: &str, token: Option<&str>) -> Result<Decoded<Client>, StorageIssue> {
    super::decode_client_snapshot(&TestJson, raw, token)
}

fn load_snapshot<S: KeyValueStore + ?Sized, T: DeserializeOwned>(
    store: &S,
    key: &str,
) -> Loaded<Decoded<T>> {
    super::load_snapshot(&TestJson, store, key)
}

fn load_client_snapshot<S: KeyValueStore + ?Sized>(
    store: &S,
    key: &str,
    token: Option<&str>,
) -> Loaded<Decoded<Client>> {
    super::load_client_snapshot(&TestJson, store, key, token)
}

const CLIENT_JSON: &str = r#"{"object":"client","id":"client_1","sessions":[{"object":"session","id":"sess_1",
    "status":"active","last_active_at":5}],"last_active_session_id":"sess_1"}"#;

fn client() -> Client {
    from_json(CLIENT_JSON).unwrap()
}

/// A backend whose every call fails, like localStorage in a sandboxed iframe.
struct Broken;

impl KeyValueStore for Broken {
    fn get(&self, _: &str) -> Result<Option<String>, StorageError> {
        Err(StorageError::Unavailable("SecurityError".into()))
    }
    fn set(&self, _: &str, _: &str) -> Result<(), StorageError> {
        Err(StorageError::QuotaExceeded)
    }
    fn remove(&self, _: &str) -> Result<(), StorageError> {
        Err(StorageError::Other("nope".into()))
    }
}

#[test]
fn keys_are_versioned_and_namespaced_by_host() {
    let k = StorageKeys::for_host("127.0.0.1:8787");
    assert_eq!(
        k.client_token,
        "__clerk_wasm:v1:127.0.0.1:8787:client_token"
    );
    assert_eq!(k.client, "__clerk_wasm:v1:127.0.0.1:8787:client");
    assert_eq!(k.environment, "__clerk_wasm:v1:127.0.0.1:8787:environment");
    assert_eq!(
        k.active_session,
        "__clerk_wasm:v1:127.0.0.1:8787:active_session"
    );
    let other = StorageKeys::for_host("clerk.example.com");
    assert_ne!(k.client, other.client);
    assert_eq!(KEY_START, format!("{KEY_PREFIX}:{KEY_LAYOUT_VERSION}:"));
}

#[test]
fn classify_recognises_only_our_keys() {
    let k = StorageKeys::for_host("a.example");
    assert_eq!(k.classify(&k.client), Some(KeyKind::Client));
    assert_eq!(k.classify(&k.client_token), Some(KeyKind::ClientToken));
    assert_eq!(k.classify(&k.environment), Some(KeyKind::Environment));
    assert_eq!(k.classify(&k.active_session), Some(KeyKind::ActiveSession));
    let other = StorageKeys::for_host("b.example");
    assert_eq!(k.classify(&other.client), None);
    assert_eq!(k.classify("__clerk_wasm:v0:a.example:client"), None);
    assert_eq!(k.classify(""), None);
}

#[test]
fn memory_store_get_set_remove() {
    let s = MemoryStore::new();
    assert_eq!(s.get("k"), Ok(None));
    s.set("k", "v").unwrap();
    assert_eq!(s.get("k"), Ok(Some("v".into())));
    s.remove("k").unwrap();
    s.remove("k").unwrap();
    assert_eq!(s.get("k"), Ok(None));
}

#[test]
fn snapshot_round_trip_through_the_store() {
    let store = MemoryStore::new();
    let keys = StorageKeys::for_host("h");
    store
        .set(&keys.client, &encode_snapshot(&client(), 42).unwrap())
        .unwrap();
    match load_snapshot::<_, Client>(&store, &keys.client) {
        Loaded::Found(d) => {
            assert_eq!(d.snapshot.data, client());
            assert_eq!(
                (d.snapshot.version, d.snapshot.saved_at_ms, d.upgraded_from),
                (SNAPSHOT_VERSION, 42, None)
            );
        }
        other => panic!("{other:?}"),
    }
    let env = Environment::default();
    let d: Decoded<Environment> = decode_snapshot(&encode_snapshot(&env, 1).unwrap()).unwrap();
    assert_eq!(d.snapshot.data, env);
    assert_eq!(
        load_snapshot::<_, Client>(&store, &keys.environment),
        Loaded::Missing
    );
}

#[test]
fn garbage_is_corrupt() {
    for raw in [
        "",
        "not json",
        "{",
        "[]",
        "null",
        "42",
        r#""str""#,
        "{\"data\": {}}",
        "\u{0}",
    ] {
        assert!(
            matches!(
                decode_snapshot::<Client>(raw),
                Err(StorageIssue::Corrupt(_))
            ),
            "{raw:?}"
        );
    }
}

#[test]
fn wrong_shapes_are_corrupt() {
    let cases = [
        r#"{"version": "1", "saved_at_ms": 0, "data": {}}"#.to_string(),
        r#"{"version": -1, "saved_at_ms": 0, "data": {}}"#.to_string(),
        r#"{"version": 1, "saved_at_ms": 0}"#.to_string(),
        r#"{"version": 1, "saved_at_ms": 0, "data": {"sessions": []}}"#.to_string(),
        r#"{"version": 1, "saved_at_ms": 0, "data": {"id": "c", "sessions": {"a": 1}}}"#
            .to_string(),
        r#"{"version": 1, "saved_at_ms": "yesterday", "data": {"id": "c"}}"#.to_string(),
    ];
    for raw in &cases {
        assert!(
            matches!(
                decode_snapshot::<Client>(raw),
                Err(StorageIssue::Corrupt(_))
            ),
            "{raw}"
        );
    }
}

#[test]
fn newer_or_unknown_older_versions_are_foreign() {
    let newer = r#"{"version": 2, "saved_at_ms": 0, "data": {"whatever": true}}"#;
    assert_eq!(
        decode_snapshot::<Client>(newer),
        Err(StorageIssue::ForeignVersion(2))
    );
    let older = r#"{"version": 0, "saved_at_ms": 0, "data": {"id": "c"}}"#;
    assert_eq!(
        decode_snapshot::<Client>(older),
        Err(StorageIssue::ForeignVersion(0))
    );
}

#[test]
fn oversized_values_are_ignored_and_not_written() {
    let raw = format!(
        r#"{{"version": 1, "saved_at_ms": 0, "data": {{"id": "{}"}}}}"#,
        "x".repeat(MAX_PERSISTED_BYTES)
    );
    assert!(
        matches!(decode_snapshot::<Client>(&raw), Err(StorageIssue::Oversized { bytes }) if bytes == raw.len())
    );
    let mut huge = client();
    huge.id = "x".repeat(MAX_PERSISTED_BYTES);
    assert!(matches!(
        encode_snapshot(&huge, 0),
        Err(StorageIssue::Oversized { .. })
    ));
    let just_fits = format!(
        r#"{{"version":1,"saved_at_ms":0,"data":{{"id":"{}"}}}}"#,
        "x".repeat(1000)
    );
    assert!(decode_snapshot::<Client>(&just_fits).is_ok());
}

/// A test upgrade chain: v0 stored the client bare, v1 wraps it (as the current shape does).
fn upgrade_v0(from: u32, json: &str) -> Option<String> {
    match from {
        0 => {
            let old: Persisted<Client> =
                from_json(&json.replace(r#""version":0"#, r#""version":1"#)).ok()?;
            Some(to_json(&old))
        }
        _ => None,
    }
}

#[test]
fn older_versions_go_through_the_upgrade_hook() {
    let v0 = format!(r#"{{"version":0,"saved_at_ms":7,"data":{CLIENT_JSON}}}"#);
    let d = decode_snapshot_with::<Client>(&v0, upgrade_v0).unwrap();
    assert_eq!(d.upgraded_from, Some(0));
    assert_eq!(d.snapshot.data, client());
    assert_eq!(d.snapshot.saved_at_ms, 7);
}

#[test]
fn an_upgrade_that_does_not_advance_is_rejected_not_looped() {
    fn stuck(_: u32, json: &str) -> Option<String> {
        Some(json.to_string())
    }
    fn garbage(_: u32, _: &str) -> Option<String> {
        Some("garbage".into())
    }
    let v0 = r#"{"version":0,"saved_at_ms":0,"data":{}}"#;
    assert!(matches!(
        decode_snapshot_with::<Client>(v0, stuck),
        Err(StorageIssue::Corrupt(_))
    ));
    assert!(matches!(
        decode_snapshot_with::<Client>(v0, garbage),
        Err(StorageIssue::Corrupt(_))
    ));
}

#[test]
fn loading_an_ignored_value_removes_it_so_it_is_reported_once() {
    let store = MemoryStore::new();
    let keys = StorageKeys::for_host("h");
    store.set(&keys.client, "{corrupt").unwrap();
    assert!(matches!(
        load_snapshot::<_, Client>(&store, &keys.client),
        Loaded::Ignored(StorageIssue::Corrupt(_))
    ));
    assert_eq!(
        load_snapshot::<_, Client>(&store, &keys.client),
        Loaded::Missing
    );
    assert_eq!(store.get(&keys.client), Ok(None));
}

#[test]
fn a_failing_backend_is_reported_not_panicked() {
    let keys = StorageKeys::for_host("h");
    assert!(matches!(
        load_snapshot::<_, Client>(&Broken, &keys.client),
        Loaded::Failed(StorageError::Unavailable(_))
    ));
    assert!(matches!(
        load_client_token(&Broken, &keys.client_token),
        Loaded::Failed(_)
    ));
    let dynamic: &dyn KeyValueStore = &Broken;
    assert!(matches!(
        load_tab_choice(dynamic, &keys.active_session),
        Loaded::Failed(_)
    ));
}

#[test]
fn client_token_validation() {
    assert_eq!(
        decode_client_token("client_1.abc-DEF_123"),
        Ok("client_1.abc-DEF_123".into())
    );
    for bad in ["", "has space", "new\nline", "tab\t", "ünïcode"] {
        assert!(
            matches!(decode_client_token(bad), Err(StorageIssue::Corrupt(_))),
            "{bad:?}"
        );
    }
    let long = "a".repeat(MAX_ID_BYTES + 1);
    assert!(matches!(
        decode_client_token(&long),
        Err(StorageIssue::Oversized { .. })
    ));
    let store = MemoryStore::new();
    store.set("t", "bad token").unwrap();
    assert!(matches!(load_client_token(&store, "t"), Loaded::Ignored(_)));
    store.set("t", "good").unwrap();
    assert_eq!(load_client_token(&store, "t"), Loaded::Found("good".into()));
}

#[test]
fn tab_choice_round_trip() {
    for choice in [TabChoice::Session("sess_1".into()), TabChoice::NoSession] {
        assert_eq!(decode_tab_choice(&encode_tab_choice(&choice)), Ok(choice));
    }
    assert!(decode_tab_choice("sess 1").is_err());
    let store = MemoryStore::new();
    assert_eq!(load_tab_choice(&store, "k"), Loaded::Missing);
    store.set("k", "").unwrap();
    assert_eq!(
        load_tab_choice(&store, "k"),
        Loaded::Found(TabChoice::NoSession)
    );
}

#[test]
fn token_fingerprints_are_stable_and_tell_tokens_apart() {
    let a = token_fingerprint("client_1.secret-a");
    assert_eq!(a, token_fingerprint("client_1.secret-a"));
    assert_eq!(a.len(), 16);
    assert!(a.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_ne!(a, token_fingerprint("client_1.secret-b"));
    assert_ne!(a, token_fingerprint("client_2.secret-a"));
    // FNV-1a 64 of the empty string is its offset basis: the function is the documented one.
    assert_eq!(token_fingerprint(""), "cbf29ce484222325");
    // The same text as `format!("{:016x}")` of the hash, leading zeros included (stored fingerprints must still match).
    let fnv = |s: &str| {
        s.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        })
    };
    let tokens = (0..2000).map(|i| format!("client_{i}.secret"));
    let mut small = false;
    for token in tokens.chain(["a".to_string(), "client_1.secret-a".to_string()]) {
        assert_eq!(
            token_fingerprint(&token),
            format!("{:016x}", fnv(&token)),
            "{token}"
        );
        small |= fnv(&token) >> 60 == 0;
    }
    assert!(small, "some hash has a leading zero digit");
    assert_eq!(token_fingerprint("a"), "af63dc4c8601ec8c");
}

#[test]
fn a_client_snapshot_is_only_read_with_the_token_it_was_written_for() {
    let raw = encode_client_snapshot(&client(), Some("client_1.t1"), 9).unwrap();
    assert!(
        !raw.contains("client_1.t1"),
        "the token itself is not written twice"
    );
    let d = decode_client_snapshot(&raw, Some("client_1.t1")).unwrap();
    assert_eq!((d.snapshot.data, d.snapshot.saved_at_ms), (client(), 9));
    // Another instance's client, or a snapshot left without its token (storage cleared, then written back).
    assert_eq!(
        decode_client_snapshot(&raw, Some("client_2.t2")),
        Err(StorageIssue::OtherClient)
    );
    assert_eq!(
        decode_client_snapshot(&raw, None),
        Err(StorageIssue::OtherClient)
    );
    // Written without a token, or by a build that did not record one: nobody's.
    let untagged = encode_client_snapshot(&client(), None, 9).unwrap();
    let legacy = format!(r#"{{"version":1,"saved_at_ms":9,"data":{CLIENT_JSON}}}"#);
    for raw in [&untagged, &legacy] {
        for token in [None, Some("client_1.t1")] {
            assert_eq!(
                decode_client_snapshot(raw, token),
                Err(StorageIssue::OtherClient),
                "{raw} with {token:?}"
            );
        }
    }
    // Environments carry no token; their encoding is unchanged.
    assert!(!encode_snapshot(&Environment::default(), 1)
        .unwrap()
        .contains("token_fingerprint"));
    // Broken data is still reported as such, not as another client.
    assert!(matches!(
        decode_client_snapshot("{", Some("client_1.t1")),
        Err(StorageIssue::Corrupt(_))
    ));
}

#[test]
fn loading_another_clients_snapshot_finds_nothing_and_leaves_it() {
    let store = MemoryStore::new();
    let keys = StorageKeys::for_host("h");
    let raw = encode_client_snapshot(&client(), Some("client_1.t1"), 9).unwrap();
    store.set(&keys.client, &raw).unwrap();
    for other in [None, Some("client_2.t2")] {
        assert_eq!(
            load_client_snapshot(&store, &keys.client, other),
            Loaded::Missing
        );
    }
    assert_eq!(
        store.get(&keys.client),
        Ok(Some(raw)),
        "not removed: its writer may still hold that client"
    );
    match load_client_snapshot(&store, &keys.client, Some("client_1.t1")) {
        Loaded::Found(d) => assert_eq!(d.snapshot.data, client()),
        other => panic!("{other:?}"),
    }
    store.set(&keys.client, "{corrupt").unwrap();
    assert!(matches!(
        load_client_snapshot(&store, &keys.client, Some("client_1.t1")),
        Loaded::Ignored(StorageIssue::Corrupt(_))
    ));
    assert_eq!(store.get(&keys.client), Ok(None), "broken data is removed");
    assert!(matches!(
        load_client_snapshot(&Broken, &keys.client, None),
        Loaded::Failed(_)
    ));
}

#[test]
fn only_the_holder_of_the_stored_token_writes_the_clients_state() {
    assert!(may_write_client_state(
        Some("client_1.t1"),
        Some("client_1.t1")
    ));
    assert!(
        may_write_client_state(None, None),
        "a fresh page, no client yet"
    );
    // The page's storage was cleared under a live instance: writing would leave accounts with no token.
    assert!(!may_write_client_state(None, Some("client_1.t1")));
    // Another instance on the page got a new client and stored its token.
    assert!(!may_write_client_state(
        Some("client_2.t2"),
        Some("client_1.t1")
    ));
    assert!(!may_write_client_state(Some("client_2.t2"), None));
}

#[test]
fn wrongly_typed_members_are_corrupt() {
    for raw in [
        r#"{"version": 1, "saved_at_ms": "x", "data": {"id": 5}}"#,
        r#"{"version": 1, "saved_at_ms": "x", "data": []}"#,
        r#"{"version": 1, "saved_at_ms": "x"}"#,
        r#"{"version": 1, "saved_at_ms": "x", "data": {"id": "c"}}"#,
        r#"{"version": 1, "saved_at_ms": 0, "token_fingerprint": 1, "data": {"id": "c"}}"#,
        r#"{"version": 4294967296, "data": {}}"#,
        r#"{"data": {}}"#,
    ] {
        assert!(
            matches!(
                decode_snapshot::<Client>(raw),
                Err(StorageIssue::Corrupt(_))
            ),
            "{raw}"
        );
    }
}

#[test]
fn snapshots_are_written_in_a_fixed_shape() {
    let with_token = encode_client_snapshot(&client(), Some("t"), 9).unwrap();
    assert!(
        with_token.eq(&format!(
            r#"{{"version":1,"saved_at_ms":9,"token_fingerprint":"{}","data":{{"object":"client","id":"client_1","sessions":[{{"object":"session","id":"sess_1","status":"active","last_active_at":5,"expire_at":0,"abandon_at":0,"user":null,"public_user_data":null,"created_at":0,"updated_at":0}}],"sign_in":null,"sign_up":null,"last_active_session_id":"sess_1","created_at":0,"updated_at":0}}}}"#,
            token_fingerprint("t")
        )),
        "{with_token}"
    );
    let env = encode_snapshot(&Environment::default(), 3).unwrap();
    assert_eq!(
        env,
        r#"{"version":1,"saved_at_ms":3,"data":{"auth_config":{"single_session_mode":false,"identification_strategies":[],"first_factors":[]},"display_config":{"application_name":null},"user_settings":{"password":{"min_length":null},"sign_up":{"email_verification_required":false}}}}"#
    );
}
