//! Session ordering, fallback, switching and mode rules.

use super::*;
use crate::core::wire::{AuthConfig, SessionStatus};

fn session(id: &str, status: SessionStatus, last_active_at: u64) -> Session {
    Session {
        object: Some("session".into()),
        id: id.into(),
        status,
        last_active_at,
        expire_at: 0,
        abandon_at: 0,
        user: Some(Rc::new(User {
            object: Some("user".into()),
            id: format!("user_{id}"),
            first_name: Some(id.into()),
            last_name: None,
            username: None,
            image_url: None,
            has_image: false,
            primary_email_address_id: None,
            email_addresses: vec![],
            password_enabled: true,
            created_at: 0,
            updated_at: 0,
        })),
        public_user_data: None,
        created_at: 0,
        updated_at: 0,
    }
}

fn active(id: &str, last_active_at: u64) -> Session {
    session(id, SessionStatus::Active, last_active_at)
}

fn client(sessions: Vec<Session>, last_active: Option<&str>) -> Client {
    Client {
        object: Some("client".into()),
        id: "client_1".into(),
        sessions: sessions.into_iter().map(Rc::new).collect(),
        sign_in: None,
        sign_up: None,
        last_active_session_id: last_active.map(str::to_string),
        created_at: 0,
        updated_at: 0,
    }
}

fn ids(list: Vec<&Rc<Session>>) -> Vec<&str> {
    list.into_iter().map(|s| s.id.as_str()).collect()
}

/// Three signed-in accounts (c most recent) plus one removed; the client's last active is b.
fn three() -> Client {
    client(
        vec![
            active("a", 100),
            active("b", 200),
            session("x", SessionStatus::Removed, 999),
            active("c", 300),
        ],
        Some("b"),
    )
}

#[test]
fn signed_in_sessions_are_active_only_most_recent_first() {
    assert_eq!(ids(signed_in_sessions(&three())), vec!["c", "b", "a"]);
}

#[test]
fn signed_in_session_ties_are_ordered_by_id() {
    let c = client(
        vec![
            active("z", 5),
            active("m", 5),
            active("a", 5),
            active("q", 6),
        ],
        None,
    );
    assert_eq!(ids(signed_in_sessions(&c)), vec!["q", "a", "m", "z"]);
    assert_eq!(most_recent_signed_in(&c).map(|s| s.id.as_str()), Some("q"));
    let c = client(vec![active("z", 5), active("m", 5), active("m", 5)], None);
    assert_eq!(most_recent_signed_in(&c).map(|s| s.id.as_str()), Some("m"));
    assert!(Rc::ptr_eq(
        most_recent_signed_in(&c).unwrap(),
        signed_in_sessions(&c)[0]
    ));
    let c = client(vec![session("x", SessionStatus::Removed, 9)], None);
    assert!(most_recent_signed_in(&c).is_none());
}

#[test]
fn every_signed_out_status_is_excluded() {
    let statuses = [
        SessionStatus::Ended,
        SessionStatus::Expired,
        SessionStatus::Removed,
        SessionStatus::Abandoned,
        SessionStatus::Revoked,
        SessionStatus::Unknown,
    ];
    let c = client(
        statuses
            .iter()
            .enumerate()
            .map(|(i, s)| session(&format!("s{i}"), *s, i as u64))
            .collect(),
        None,
    );
    assert!(signed_in_sessions(&c).is_empty());
    assert_eq!(resolve_active(Some("s0"), &c), None);
}

#[test]
fn resolve_active_prefers_tab_then_last_active_then_most_recent() {
    let c = three();
    assert_eq!(resolve_active(Some("a"), &c).as_deref(), Some("a"));
    assert_eq!(
        resolve_active(Some("x"), &c).as_deref(),
        Some("b"),
        "removed tab session → client's last active"
    );
    assert_eq!(resolve_active(Some("nope"), &c).as_deref(), Some("b"));
    assert_eq!(resolve_active(None, &c).as_deref(), Some("b"));
    let mut stale = three();
    stale.last_active_session_id = Some("x".into());
    assert_eq!(
        resolve_active(None, &stale).as_deref(),
        Some("c"),
        "last active signed out → most recent"
    );
    stale.last_active_session_id = None;
    assert_eq!(resolve_active(None, &stale).as_deref(), Some("c"));
    assert_eq!(resolve_active(Some("a"), &client(vec![], Some("a"))), None);
}

#[test]
fn fallback_after_removal_is_most_recent_other() {
    let c = three();
    assert_eq!(fallback_after_removal(&c, "c").as_deref(), Some("b"));
    assert_eq!(fallback_after_removal(&c, "a").as_deref(), Some("c"));
    assert_eq!(
        fallback_after_removal(&client(vec![active("a", 1)], None), "a"),
        None
    );
}

#[test]
fn restore_uses_the_tabs_choice_when_still_signed_in() {
    let s = SessionState::restore(
        Mode::Multi,
        Some(three()),
        Some(TabChoice::Session("a".into())),
    );
    assert_eq!(s.active_session_id(), Some("a"));
    assert_eq!(s.active_user().map(|u| u.id.as_str()), Some("user_a"));
    assert!(s.is_signed_in());
    assert_eq!(s.tab_choice(), Some(TabChoice::Session("a".into())));
    assert!(
        s.is_session_signed_in("c")
            && !s.is_session_signed_in("x")
            && !s.is_session_signed_in("zz")
    );
}

#[test]
fn restore_new_tab_starts_on_last_active() {
    let s = SessionState::restore(Mode::Multi, Some(three()), None);
    assert_eq!(s.active_session_id(), Some("b"));
    let s = SessionState::restore(
        Mode::Multi,
        Some(three()),
        Some(TabChoice::Session("x".into())),
    );
    assert_eq!(s.active_session_id(), Some("b"));
}

#[test]
fn restore_keeps_an_explicit_no_session_choice() {
    let s = SessionState::restore(Mode::Multi, Some(three()), Some(TabChoice::NoSession));
    assert_eq!(s.active_session_id(), None);
    assert_eq!(s.tab_choice(), Some(TabChoice::NoSession));
    assert_eq!(s.signed_in_sessions().len(), 3);
}

#[test]
fn restore_without_client_is_signed_out() {
    let s = SessionState::restore(Mode::Multi, None, Some(TabChoice::Session("a".into())));
    assert_eq!(s.active_session_id(), None);
    assert!(s.signed_in_sessions().is_empty());
    // The choice itself is kept (and stays stored) until a client arrives to check it against.
    assert_eq!(s.tab_choice(), Some(TabChoice::Session("a".into())));
    assert_eq!(SessionState::new(Mode::Single).active_session(), None);
}

#[test]
fn switch_to_a_signed_in_session() {
    let mut s = SessionState::restore(Mode::Multi, Some(three()), None);
    let ch = s.switch_to(Some("c")).unwrap();
    assert_eq!(
        (ch.active_before.as_deref(), ch.active_after.as_deref()),
        (Some("b"), Some("c"))
    );
    assert!(ch.active_changed() && ch.needs_emit() && !ch.client_changed && !ch.active_signed_out);
    assert_eq!(s.active_session_id(), Some("c"));
    let again = s.switch_to(Some("c")).unwrap();
    assert!(!again.needs_emit());
}

#[test]
fn switch_to_unknown_or_signed_out_rejects_and_changes_nothing() {
    let mut s = SessionState::restore(
        Mode::Multi,
        Some(three()),
        Some(TabChoice::Session("a".into())),
    );
    let before = s.clone();
    for id in ["x", "nope", ""] {
        let e = s.switch_to(Some(id)).unwrap_err();
        assert_eq!(e.code(), "session_not_found");
        assert_eq!(e.session_id_meta(), Some(id));
        assert_eq!(s, before);
    }
    let mut empty = SessionState::new(Mode::Multi);
    assert!(empty.switch_to(Some("a")).is_err());
}

#[test]
fn switch_to_none_sticks_until_the_next_switch() {
    let mut s = SessionState::restore(Mode::Multi, Some(three()), None);
    let ch = s.switch_to(None).unwrap();
    assert_eq!(ch.active_after, None);
    assert!(!s.is_signed_in());
    // A new client (e.g. another tab touched a session) does not pick an account for this tab.
    let mut c = three();
    c.sessions.push(Rc::new(active("d", 400)));
    let ch = s.apply_client(Some(c));
    assert!(ch.client_changed && !ch.active_changed());
    assert_eq!(s.tab_choice(), Some(TabChoice::NoSession));
    s.switch_to(Some("d")).unwrap();
    assert_eq!(s.tab_choice(), Some(TabChoice::Session("d".into())));
}

#[test]
fn apply_client_keeps_the_tabs_account_when_others_change() {
    let mut s = SessionState::restore(
        Mode::Multi,
        Some(three()),
        Some(TabChoice::Session("a".into())),
    );
    // Another tab signs in "d" and it becomes the client's last active: this tab stays on "a".
    let mut c = three();
    c.sessions.push(Rc::new(active("d", 500)));
    c.last_active_session_id = Some("d".into());
    let ch = s.apply_client(Some(c));
    assert!(ch.client_changed && !ch.active_changed() && !ch.active_signed_out);
    assert_eq!(s.active_session_id(), Some("a"));
    assert_eq!(ids(s.signed_in_sessions()), vec!["d", "c", "b", "a"]);
}

#[test]
fn apply_client_falls_back_when_the_tabs_account_was_signed_out() {
    let mut s = SessionState::restore(
        Mode::Multi,
        Some(three()),
        Some(TabChoice::Session("a".into())),
    );
    let mut c = three();
    c.sessions.retain(|x| x.id != "a");
    let ch = s.apply_client(Some(c));
    assert!(ch.active_signed_out && ch.active_changed());
    assert_eq!(s.active_session_id(), Some("b"), "client's last active");
    // Also when the session is still listed but with a signed-out status.
    let mut s = SessionState::restore(
        Mode::Multi,
        Some(three()),
        Some(TabChoice::Session("c".into())),
    );
    let mut c = three();
    if let Some(x) = c.sessions.iter_mut().find(|x| x.id == "c") {
        Rc::make_mut(x).status = SessionStatus::Ended;
    }
    c.last_active_session_id = Some("c".into());
    s.apply_client(Some(c));
    assert_eq!(
        s.active_session_id(),
        Some("b"),
        "last active is signed out too → most recent remaining"
    );
}

#[test]
fn apply_client_with_no_sessions_signs_the_tab_out_and_a_later_sign_in_is_adopted() {
    let mut s = SessionState::restore(Mode::Multi, Some(three()), None);
    let ch = s.apply_client(Some(client(vec![], None)));
    assert!(ch.active_signed_out);
    assert_eq!((s.active_session_id(), s.tab_choice()), (None, None));
    let ch = s.apply_client(Some(client(vec![active("n", 9)], Some("n"))));
    assert!(!ch.active_signed_out);
    assert_eq!(s.active_session_id(), Some("n"));
}

#[test]
fn apply_same_client_is_a_noop() {
    let mut s = SessionState::restore(Mode::Multi, Some(three()), None);
    let ch = s.apply_client(Some(three()));
    assert!(!ch.needs_emit() && !ch.active_signed_out);
}

#[test]
fn apply_no_client_clears_everything() {
    let mut s = SessionState::restore(Mode::Multi, Some(three()), Some(TabChoice::NoSession));
    let ch = s.apply_client(None);
    assert!(ch.client_changed);
    assert_eq!((s.client(), s.tab_choice()), (None, None));
    let mut s = SessionState::restore(Mode::Multi, Some(three()), None);
    assert!(s.apply_client(None).active_signed_out);
}

#[test]
fn drop_active_session_falls_back_to_most_recent_remaining() {
    let mut s = SessionState::restore(
        Mode::Multi,
        Some(three()),
        Some(TabChoice::Session("c".into())),
    );
    let ch = s.drop_session("c");
    assert!(ch.client_changed && ch.active_signed_out);
    assert_eq!(s.active_session_id(), Some("b"));
    assert!(s.client().unwrap().session("c").is_none());
    // Dropping the client's last active session moves it too, like the server does.
    let ch = s.drop_session("b");
    assert_eq!(ch.active_after.as_deref(), Some("a"));
    assert_eq!(
        s.client().unwrap().last_active_session_id.as_deref(),
        Some("a")
    );
    s.drop_session("a");
    assert_eq!(s.active_session_id(), None);
    assert_eq!(s.client().unwrap().last_active_session_id, None);
}

#[test]
fn drop_other_or_unknown_session_keeps_the_active_one() {
    let mut s = SessionState::restore(
        Mode::Multi,
        Some(three()),
        Some(TabChoice::Session("a".into())),
    );
    let ch = s.drop_session("c");
    assert!(ch.client_changed && !ch.active_changed() && !ch.active_signed_out);
    let ch = s.drop_session("zzz");
    assert!(!ch.needs_emit());
    let mut empty = SessionState::new(Mode::Multi);
    assert!(!empty.drop_session("a").needs_emit());
}

#[test]
fn drop_session_leaves_shared_snapshots_alone() {
    let mut s = SessionState::restore(
        Mode::Multi,
        Some(three()),
        Some(TabChoice::Session("b".into())),
    );
    let snapshot = s.shared_client().unwrap();
    // A session listed twice (a hand-edited store) goes entirely.
    let mut doubled = three();
    doubled.sessions.push(Rc::new(active("c", 300)));
    s.apply_client(Some(doubled));
    let ch = s.drop_session("c");
    assert!(ch.client_changed && !ch.active_changed());
    assert!(s.client().unwrap().session("c").is_none());
    assert_eq!(*snapshot, three());
    // The client's last active session goes: the most recent remaining one takes over there and in the tab.
    let ch = s.drop_session("b");
    assert!(ch.client_changed && ch.active_signed_out);
    assert_eq!(ch.active_after.as_deref(), Some("a"));
    assert_eq!(
        s.client().unwrap().last_active_session_id.as_deref(),
        Some("a")
    );
    // Neither listed nor last active: nothing changes.
    let mut c = three();
    c.last_active_session_id = Some("gone".into());
    s.apply_client(Some(c));
    let ch = s.drop_session("zzz");
    assert!(!ch.needs_emit() && !ch.active_signed_out);
    // Not listed but last active: only the client changes.
    let ch = s.drop_session("gone");
    assert!(ch.client_changed && !ch.active_changed());
    assert_eq!(
        s.client().unwrap().last_active_session_id.as_deref(),
        Some("c")
    );
}

#[test]
fn mode_comes_from_the_environment() {
    let mut env = Environment::default();
    assert_eq!(Mode::from_environment(&env), Mode::Multi);
    env.auth_config = AuthConfig {
        single_session_mode: true,
        ..AuthConfig::default()
    };
    assert_eq!(Mode::from_environment(&env), Mode::Single);
    let mut s = SessionState::new(Mode::Multi);
    assert!(s.apply_environment(&env));
    assert!(!s.apply_environment(&env));
    assert_eq!(s.mode(), Mode::Single);
    assert!(!s.mode().is_multi());
}

#[test]
fn add_account_rules_by_mode() {
    let signed_in = SessionState::restore(
        Mode::Single,
        Some(client(vec![active("a", 1)], Some("a"))),
        None,
    );
    assert!(!signed_in.can_add_account());
    let signed_out = SessionState::restore(Mode::Single, Some(client(vec![], None)), None);
    assert!(signed_out.can_add_account());
    let multi = SessionState::restore(Mode::Multi, Some(three()), None);
    assert!(multi.can_add_account());
}

#[test]
fn identifier_already_signed_in_names_the_session_to_switch_to() {
    let s = SessionState::restore(Mode::Multi, Some(three()), None);
    let mut e = ClerkError::single(422, "identifier_already_signed_in", "already");
    e.errors[0].meta.session_id = Some("a".into());
    assert_eq!(s.switch_target_for(&e), Some("a"));
    e.errors[0].meta.session_id = Some("x".into());
    assert_eq!(s.switch_target_for(&e), None, "not signed in here");
    let exists = ClerkError::single(422, "session_exists", "single mode");
    assert_eq!(
        s.switch_target_for(&exists),
        None,
        "session_exists reaches the caller unchanged"
    );
}

#[test]
fn sign_out_redirects() {
    assert_eq!(
        sign_out_redirect(true, 2, Some("/switch"), Some("/bye")),
        Some("/switch")
    );
    assert_eq!(sign_out_redirect(true, 2, None, Some("/bye")), None);
    assert_eq!(
        sign_out_redirect(true, 0, Some("/switch"), Some("/bye")),
        Some("/bye")
    );
    assert_eq!(
        sign_out_redirect(false, 0, Some("/switch"), Some("/bye")),
        Some("/bye")
    );
    assert_eq!(sign_out_redirect(false, 0, Some("/switch"), None), None);
}

#[test]
fn a_stale_snapshot_of_the_same_client_is_ignored() {
    let mut newer = three();
    newer.updated_at = 50;
    newer.sessions.push(Rc::new(active("d", 400)));
    let mut s = SessionState::restore(Mode::Multi, Some(newer.clone()), None);
    // An answer sent before "d" signed in arrives late: it must not undo the sign-in.
    let mut older = three();
    older.updated_at = 40;
    let ch = s.apply_client(Some(older.clone()));
    assert!(!ch.needs_emit() && !ch.active_signed_out);
    assert_eq!(s.client(), Some(&newer));
    // Same age is accepted (two changes within one millisecond), and so is another client or no client.
    older.updated_at = 50;
    assert!(s.apply_client(Some(older.clone())).client_changed);
    let mut other = three();
    other.id = "client_2".into();
    other.updated_at = 1;
    assert!(s.apply_client(Some(other)).client_changed);
    assert!(is_stale(&newer, &{
        let mut c = newer.clone();
        c.updated_at = 49;
        c
    }));
    assert!(!is_stale(&newer, &newer));
}

#[test]
fn sign_out_session_drops_it_then_applies_the_servers_client() {
    let mut s = SessionState::restore(
        Mode::Multi,
        Some(three()),
        Some(TabChoice::Session("c".into())),
    );
    // The server moved its last active to "a"; the tab still falls back to the most recently active remaining.
    let mut server = three();
    server.sessions.retain(|x| x.id != "c");
    server.last_active_session_id = Some("a".into());
    let ch = s.sign_out_session("c", Some(server.clone()));
    assert_eq!(
        (ch.active_before.as_deref(), ch.active_after.as_deref()),
        (Some("c"), Some("b"))
    );
    assert!(ch.active_signed_out && ch.client_changed);
    assert_eq!(s.client(), Some(&server));
    // Without an answer (the server already forgot it) the local drop alone applies.
    let ch = s.sign_out_session("a", None);
    assert!(!ch.active_signed_out && ch.client_changed);
    assert_eq!(s.active_session_id(), Some("b"));
}

#[test]
fn redirect_only_when_the_tabs_account_was_signed_out() {
    let mut s = SessionState::restore(
        Mode::Multi,
        Some(three()),
        Some(TabChoice::Session("c".into())),
    );
    let other = s.sign_out_session("a", None);
    assert_eq!(
        redirect_after_sign_out(&other, true, 2, Some("/switch"), Some("/bye")),
        None
    );
    let own = s.sign_out_session("c", None);
    assert_eq!(
        redirect_after_sign_out(&own, true, 1, Some("/switch"), Some("/bye")),
        Some("/switch")
    );
    let last = s.sign_out_session("b", None);
    assert_eq!(
        redirect_after_sign_out(&last, true, 0, Some("/switch"), Some("/bye")),
        Some("/bye")
    );
}

#[test]
fn a_tab_choice_restored_without_a_client_is_honoured_by_the_first_client() {
    // The stored client was unreadable (e.g. written by another SDK version), the tab's choice was not.
    let mut s = SessionState::restore(Mode::Multi, None, Some(TabChoice::Session("a".into())));
    assert_eq!(s.active_session_id(), None);
    assert_eq!(
        s.tab_choice(),
        Some(TabChoice::Session("a".into())),
        "kept in storage meanwhile"
    );
    let ch = s.apply_client(Some(three()));
    assert_eq!(
        s.active_session_id(),
        Some("a"),
        "not the client's last active b"
    );
    assert!(!ch.active_signed_out);
    // Only once: later clients follow the normal rules.
    s.switch_to(Some("c")).unwrap();
    assert_eq!(s.active_session_id(), Some("c"));
    // A choice that is no longer signed in falls back as usual.
    let mut s = SessionState::restore(Mode::Multi, None, Some(TabChoice::Session("gone".into())));
    s.apply_client(Some(three()));
    assert_eq!(s.active_session_id(), Some("b"));
}

#[test]
fn only_answers_for_the_token_still_held_are_applied() {
    // The answer of a request sent with the token we hold (or one that handed us the token we now hold) is ours.
    assert!(answer_is_current(Some("client_1.t1"), Some("client_1.t1")));
    assert!(
        answer_is_current(None, None),
        "no token sent, none held since"
    );
    // Another answer or tab brought a new client meanwhile: this answer is about a client we no longer have.
    assert!(!answer_is_current(Some("client_1.t1"), Some("client_2.t2")));
    // A request sent without a token (or with one since dropped) answered after a new client was adopted:
    // its "no client" must not undo that client.
    assert!(!answer_is_current(None, Some("client_2.t2")));
    assert!(!answer_is_current(Some("client_1.t1"), None));
}

#[test]
fn a_client_differs_by_any_field_however_deep() {
    use crate::core::wire::{EmailAddress, PublicUserData, SignIn, SignUp, Verification};
    let base = three();
    assert!(!differ(Some(&base), Some(&base.clone())));
    assert!(!differ(None, None));
    assert!(differ(Some(&base), None) && differ(None, Some(&base)));
    let verification = Verification {
        status: Some("unverified".into()),
        strategy: Some("email_code".into()),
        attempts: Some(0),
        expire_at: None,
    };
    let with_user = |edit: &dyn Fn(&mut User)| {
        let mut c = base.clone();
        let mut s = (*c.sessions[0]).clone();
        let mut u = (*s.user.clone().unwrap()).clone();
        edit(&mut u);
        s.user = Some(Rc::new(u));
        c.sessions[0] = Rc::new(s);
        c
    };
    let email = EmailAddress {
        object: None,
        id: "idn_1".into(),
        email_address: "a@b.c".into(),
        verification: Some(verification.clone()),
    };
    let mut variants: Vec<Client> = vec![
        with_user(&|u| u.last_name = Some("".into())),
        with_user(&|u| u.has_image = true),
        with_user(&|u| u.updated_at = 1),
        with_user(&|u| u.email_addresses.push(email.clone())),
        with_user(&|u| {
            let mut e = email.clone();
            e.verification.as_mut().unwrap().attempts = Some(1);
            u.email_addresses.push(e);
        }),
        with_user(&|u| u.first_name = Some("a\"".into())),
    ];
    let mut c = base.clone();
    let mut s = (*c.sessions[1]).clone();
    s.public_user_data = Some(PublicUserData::default());
    c.sessions[1] = Rc::new(s);
    variants.push(c.clone());
    let mut s = (*c.sessions[1]).clone();
    s.public_user_data.as_mut().unwrap().identifier = Some("a@b.c".into());
    c.sessions[1] = Rc::new(s);
    variants.push(c);
    let mut c = base.clone();
    c.sessions.swap(0, 1);
    variants.push(c);
    let mut c = base.clone();
    c.sign_in = Some(SignIn {
        id: "sia_1".into(),
        ..SignIn::default()
    });
    variants.push(c.clone());
    c.sign_in.as_mut().unwrap().first_factor_verification = Some(verification.clone());
    variants.push(c);
    let mut c = base.clone();
    c.sign_up = Some(SignUp {
        id: "sua_1".into(),
        ..SignUp::default()
    });
    variants.push(c.clone());
    c.sign_up.as_mut().unwrap().verifications.email_address = Some(verification);
    variants.push(c.clone());
    c.sign_up
        .as_mut()
        .unwrap()
        .unverified_fields
        .push("email_address".into());
    variants.push(c);
    let mut c = base.clone();
    c.object = None;
    variants.push(c);
    let mut c = base.clone();
    c.last_active_session_id = None;
    variants.push(c);
    let mut c = base.clone();
    c.created_at = 1;
    variants.push(c);
    for (i, a) in variants.iter().enumerate() {
        assert!(differ(Some(&base), Some(a)), "variant {i}");
        for (j, b) in variants.iter().enumerate() {
            assert_eq!(differ(Some(a), Some(b)), a != b, "variants {i} and {j}");
        }
    }
}
