//! Token cache: expiry with an injected clock, sid isolation, in-flight dedup and stale answers.

use super::*;

/// Unix seconds when the test tokens are issued.
const IAT: u64 = 1_700_000_000;
/// The request start on our clock, in sync with the issuer.
const T0: u64 = IAT * 1000;

/// A JWT-shaped string with the given payload (signature is not checked by the SDK).
fn jwt_with(payload: &str) -> String {
    let header = b64::encode(br#"{"alg":"RS256","kid":"k1","typ":"JWT"}"#, true, false);
    format!(
        "{header}.{}.c2lnbmF0dXJl",
        b64::encode(payload.as_bytes(), true, false)
    )
}

/// A token for `sid` issued at `IAT`, expiring 60 s later (what the server issues).
fn jwt(sid: &str) -> String {
    jwt_with(&format!(
        r#"{{"sid":"{sid}","sub":"user_1","iat":{IAT},"nbf":{IAT},"exp":{}}}"#,
        IAT + 60
    ))
}

/// The platform's part of decoding a JWT, as the browser does it (base64url, then JSON) with the test's crates.
fn read_payload(payload: &str) -> Result<JwtClaims, ClerkError> {
    let bytes = b64::decode(payload.as_bytes())
        .ok_or_else(|| invalid_token("the payload is not base64url"))?;
    let value: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|_| invalid_payload("not JSON"))?;
    parse_jwt_claims(value)
}

/// The claims of `jwt`, as the controller hands them to the cache.
fn claims(jwt: &str) -> Result<JwtClaims, ClerkError> {
    decode_claims(jwt, read_payload)
}

/// Starts a fetch that must be allowed.
fn start(cache: &mut TokenCache, sid: &str, now: u64) -> FetchTicket {
    match cache.begin_fetch(sid, now) {
        BeginFetch::Start(t) => t,
        BeginFetch::AlreadyInFlight => panic!("expected a new fetch for {sid}"),
    }
}

#[test]
fn decodes_claims() {
    let c = decode_claims(&jwt("sess_1"), read_payload).unwrap();
    assert_eq!(
        (c.sid.as_str(), c.exp, c.iat, c.sub.as_deref()),
        ("sess_1", IAT + 60, Some(IAT), Some("user_1"))
    );
}

#[test]
fn undecodable_tokens_are_errors() {
    let not_json = format!("a.{}.c", b64::encode(b"not json", true, false));
    let no_sid = jwt_with(r#"{"exp": 1}"#);
    for bad in [
        "",
        "a",
        "a.b",
        "a.b.c.d",
        "a.!!!.c",
        "a..c",
        not_json.as_str(),
        no_sid.as_str(),
    ] {
        assert_eq!(
            decode_claims(bad, read_payload).unwrap_err().code(),
            "invalid_token",
            "{bad}"
        );
    }
    let message = |jwt: &str| {
        decode_claims(jwt, read_payload)
            .unwrap_err()
            .message()
            .to_string()
    };
    for parts in ["", "a", "a.b", "a.b.c.d", "...", "é.é"] {
        assert_eq!(
            message(parts),
            "Invalid session token: not three dot-separated parts",
            "{parts}"
        );
    }
    for payload in ["a.!!!.c", "a.Z.c", "é.é.é"] {
        assert_eq!(
            message(payload),
            "Invalid session token: the payload is not base64url",
            "{payload}"
        );
    }
    // Three parts, the middle one empty: the split accepts it, the claims do not.
    assert!(message("..").starts_with("Session token payload is invalid"));
    let c = decode_claims(
        &format!(".{}.", b64::encode(br#"{"sid":"s","exp":1}"#, true, false)),
        read_payload,
    )
    .unwrap();
    assert_eq!((c.sid.as_str(), c.exp), ("s", 1));
}

#[test]
fn cached_token_is_served_until_ten_seconds_before_exp() {
    let mut cache = TokenCache::new();
    assert_eq!(cache.get("sess_1", T0), None);
    let t = start(&mut cache, "sess_1", T0);
    let token = jwt("sess_1");
    assert_eq!(
        cache
            .finish_fetch(t, &token, claims(&token), T0 + 200)
            .unwrap(),
        Finished::Token(token.clone())
    );
    assert_eq!(cache.get("sess_1", T0 + 200), Some(token.as_str()));
    let last_valid = T0 + 60_000 - EXPIRY_LEEWAY_MS - 1;
    assert_eq!(cache.get("sess_1", last_valid), Some(token.as_str()));
    assert_eq!(cache.get("sess_1", last_valid + 1), None);
    assert_eq!(cache.get("sess_1", u64::MAX), None);
}

#[test]
fn lifetime_counts_from_request_start_so_a_skewed_clock_is_harmless() {
    // Our clock is 5 minutes behind the issuer: exp on our clock would look valid for 5 extra minutes.
    let behind = T0 - 300_000;
    let mut cache = TokenCache::new();
    let t = start(&mut cache, "sess_1", behind);
    let token = jwt("sess_1");
    cache
        .finish_fetch(t, &token, claims(&token), behind + 100)
        .unwrap();
    assert!(cache.get("sess_1", behind + 49_999).is_some());
    assert_eq!(cache.get("sess_1", behind + 50_000), None);
    // Our clock is 5 minutes ahead: exp on our clock would be in the past, yet the token is cached normally.
    let ahead = T0 + 300_000;
    let t = start(&mut cache, "sess_2", ahead);
    let token2 = jwt("sess_2");
    cache
        .finish_fetch(t, &token2, claims(&token2), ahead + 100)
        .unwrap();
    assert_eq!(cache.get("sess_2", ahead + 100), Some(token2.as_str()));
}

#[test]
fn without_iat_exp_on_our_clock_applies() {
    let mut cache = TokenCache::new();
    let t = start(&mut cache, "s", T0);
    let token = jwt_with(&format!(r#"{{"sid":"s","exp":{}}}"#, IAT + 30));
    assert_eq!(
        cache.finish_fetch(t, &token, claims(&token), T0).unwrap(),
        Finished::Token(token.clone())
    );
    assert!(cache.get("s", T0 + 19_999).is_some());
    assert!(cache.get("s", T0 + 20_000).is_none());
}

#[test]
fn an_already_expired_token_is_returned_but_not_cached() {
    let mut cache = TokenCache::new();
    let t = start(&mut cache, "s", T0);
    let token = jwt_with(&format!(r#"{{"sid":"s","iat":{IAT},"exp":{}}}"#, IAT + 5));
    assert_eq!(
        cache
            .finish_fetch(t, &token, claims(&token), T0 + 1)
            .unwrap(),
        Finished::Token(token)
    );
    assert_eq!(cache.get("s", T0 + 1), None);
    assert!(!cache.is_in_flight("s"));
}

#[test]
fn a_token_for_another_session_is_never_returned_or_cached() {
    let mut cache = TokenCache::new();
    let t = start(&mut cache, "sess_a", T0);
    let e = cache
        .finish_fetch(t, &jwt("sess_b"), claims(&jwt("sess_b")), T0)
        .unwrap_err();
    assert_eq!(e.code(), "token_session_mismatch");
    assert_eq!(cache.get("sess_a", T0), None);
    assert_eq!(cache.get("sess_b", T0), None);
    assert!(
        !cache.is_in_flight("sess_a"),
        "a failed answer frees the slot"
    );
}

#[test]
fn sessions_are_isolated() {
    let mut cache = TokenCache::new();
    let (ta, tb) = (
        start(&mut cache, "sess_a", T0),
        start(&mut cache, "sess_b", T0),
    );
    let (ja, jb) = (jwt("sess_a"), jwt("sess_b"));
    // Answers arrive out of order.
    cache.finish_fetch(tb, &jb, claims(&jb), T0).unwrap();
    cache.finish_fetch(ta, &ja, claims(&ja), T0).unwrap();
    assert_eq!(cache.get("sess_a", T0), Some(ja.as_str()));
    assert_eq!(cache.get("sess_b", T0), Some(jb.as_str()));
    cache.remove_session("sess_a");
    assert_eq!(cache.get("sess_a", T0), None);
    assert_eq!(cache.get("sess_b", T0), Some(jb.as_str()));
}

#[test]
fn concurrent_fetches_for_one_session_share_one_request() {
    let mut cache = TokenCache::new();
    let t = start(&mut cache, "s", T0);
    for _ in 0..99 {
        assert_eq!(cache.begin_fetch("s", T0), BeginFetch::AlreadyInFlight);
    }
    assert!(matches!(
        cache.begin_fetch("other", T0),
        BeginFetch::Start(_)
    ));
    assert_eq!(t.session_id(), "s");
    cache
        .finish_fetch(t, &jwt("s"), claims(&jwt("s")), T0)
        .unwrap();
    assert!(!cache.is_in_flight("s"));
    assert!(
        matches!(cache.begin_fetch("s", T0), BeginFetch::Start(_)),
        "skipCache may fetch again"
    );
}

#[test]
fn failed_fetch_frees_the_slot() {
    let mut cache = TokenCache::new();
    let t = start(&mut cache, "s", T0);
    cache.fail_fetch(t);
    assert!(!cache.is_in_flight("s"));
    let _ = start(&mut cache, "s", T0);
}

#[test]
fn late_answer_for_a_removed_session_is_stale() {
    let mut cache = TokenCache::new();
    let t = start(&mut cache, "s", T0);
    cache.remove_session("s");
    assert_eq!(
        cache
            .finish_fetch(t, &jwt("s"), claims(&jwt("s")), T0)
            .unwrap(),
        Finished::Stale
    );
    assert_eq!(cache.get("s", T0), None);
}

#[test]
fn late_answer_from_an_older_generation_does_not_clobber_the_newer_fetch() {
    let mut cache = TokenCache::new();
    let old = start(&mut cache, "s", T0);
    cache.clear();
    let new = start(&mut cache, "s", T0 + 1);
    assert_eq!(
        cache
            .finish_fetch(old, &jwt("s"), claims(&jwt("s")), T0)
            .unwrap(),
        Finished::Stale
    );
    assert!(
        cache.is_in_flight("s"),
        "the newer request is still pending"
    );
    let token = jwt("s");
    assert_eq!(
        cache
            .finish_fetch(new, &token, claims(&token), T0 + 2)
            .unwrap(),
        Finished::Token(token.clone())
    );
    assert_eq!(cache.get("s", T0 + 2), Some(token.as_str()));
}

#[test]
fn stale_failure_does_not_free_a_newer_fetch() {
    let mut cache = TokenCache::new();
    let old = start(&mut cache, "s", T0);
    cache.remove_session("s");
    let _new = start(&mut cache, "s", T0);
    cache.fail_fetch(old);
    assert!(cache.is_in_flight("s"));
}

#[test]
fn retain_sessions_drops_signed_out_ones() {
    let mut cache = TokenCache::new();
    for sid in ["a", "b"] {
        let t = start(&mut cache, sid, T0);
        cache
            .finish_fetch(t, &jwt(sid), claims(&jwt(sid)), T0)
            .unwrap();
    }
    let pending = start(&mut cache, "c", T0);
    cache.retain_sessions(|id| id == "b");
    assert_eq!(cache.get("a", T0), None);
    assert!(cache.get("b", T0).is_some());
    assert_eq!(
        cache
            .finish_fetch(pending, &jwt("c"), claims(&jwt("c")), T0)
            .unwrap(),
        Finished::Stale
    );
}

#[test]
fn switch_while_in_flight_never_mixes_tokens() {
    // 200 rounds of: fetch for A starts, the tab switches to B and fetches, answers arrive in either order.
    let mut cache = TokenCache::new();
    for i in 0..200u64 {
        let now = T0 + i;
        cache.clear();
        let ta = start(&mut cache, "sess_a", now);
        let tb = start(&mut cache, "sess_b", now);
        let (ja, jb) = (jwt("sess_a"), jwt("sess_b"));
        let (ra, rb) = if i % 2 == 0 {
            (
                cache.finish_fetch(ta, &ja, claims(&ja), now),
                cache.finish_fetch(tb, &jb, claims(&jb), now),
            )
        } else {
            let rb = cache.finish_fetch(tb, &jb, claims(&jb), now);
            (cache.finish_fetch(ta, &ja, claims(&ja), now), rb)
        };
        assert_eq!(ra.unwrap(), Finished::Token(ja.clone()));
        assert_eq!(rb.unwrap(), Finished::Token(jb.clone()));
        for sid in ["sess_a", "sess_b"] {
            let got = cache.get(sid, now).unwrap();
            assert_eq!(decode_claims(got, read_payload).unwrap().sid, sid);
        }
    }
}

#[test]
fn by_session_lists_an_id_once() {
    let mut list = BySession::default();
    list.insert("a".to_string(), 1);
    list.insert("b".to_string(), 2);
    list.insert("a".to_string(), 3);
    list.insert("c".to_string(), 4);
    assert_eq!(list.0.len(), 3);
    assert_eq!(list.get("a"), Some(&3));
    list.remove("a");
    assert_eq!(
        (list.get("a"), list.get("b"), list.get("c")),
        (None, Some(&2), Some(&4))
    );
    list.remove("zzz");
    list.retain(|id| id != "c");
    assert_eq!((list.get("b"), list.get("c")), (Some(&2), None));
    list.clear();
    assert_eq!(list.get("b"), None);
}
