//! Session rules: which sessions are active at an instant, which one is a client's last-active session, and what a
//! touch, a sign-out, a sign-out of all sessions and a revocation leave behind.

use crate::model::{Session, SessionStatus};

/// The instant a request is decided at and the inactivity limit: together they say whether a session is active.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    /// Unix ms of the request.
    pub now: i64,
    /// A session is abandoned this long after its last activity.
    pub inactivity_ms: i64,
}

impl Clock {
    /// A clock at `now` with the inactivity limit `inactivity_ms`.
    pub fn new(now: i64, inactivity_ms: i64) -> Self {
        Self { now, inactivity_ms }
    }

    /// The session's status now (a stored `active` past its expiry or inactivity limit is `expired`/`abandoned`).
    pub fn status(&self, session: &Session) -> SessionStatus {
        session.status_at(self.now, self.inactivity_ms)
    }

    /// Whether the session is usable now.
    pub fn is_active(&self, session: &Session) -> bool {
        self.status(session) == SessionStatus::Active
    }

    /// The sessions of `sessions` active now, in their order.
    pub fn active(&self, sessions: impl IntoIterator<Item = Session>) -> Vec<Session> {
        sessions.into_iter().filter(|s| self.is_active(s)).collect()
    }
}

/// The last-active session: the stored one if still among `active`, else the most recently active of them (the
/// newest on a tie), else none.
pub fn pick_last_active(stored: Option<&str>, active: &[Session]) -> Option<String> {
    if let Some(id) = stored.filter(|id| active.iter().any(|s| s.id == *id)) {
        return Some(id.to_string());
    }
    active
        .iter()
        .max_by_key(|s| (s.last_active_at, s.created_at))
        .map(|s| s.id.clone())
}

/// A touch: the session is active as of now and becomes the client's last-active session.
pub fn touch(session: &mut Session, clock: Clock) {
    session.last_active_at = clock.now;
    session.updated_at = clock.now;
}

/// What ending one session (sign-out, removal or revocation) leaves.
#[derive(Debug, Clone)]
pub struct Ended {
    /// The session with its new status.
    pub session: Session,
    /// The client's last-active session afterwards.
    pub last_active: Option<String>,
}

/// End `session` with `status` (`ended`, `removed` or `revoked`) given the client's stored last-active id and its
/// sessions active now (the session itself may be among them). `None` when the session is not active now: an
/// inactive session keeps its status and the client is unchanged.
pub fn end_session(
    session: Session,
    status: SessionStatus,
    stored_last_active: Option<&str>,
    active: &[Session],
    clock: Clock,
) -> Option<Ended> {
    clock
        .is_active(&session)
        .then(|| ended(session, status, stored_last_active, active, clock))
}

/// Revocation through the backend API: the session becomes `revoked` whatever its status; the client's last-active
/// session is then as after [`end_session`].
pub fn revoke(
    session: Session,
    stored_last_active: Option<&str>,
    active: &[Session],
    clock: Clock,
) -> Ended {
    ended(
        session,
        SessionStatus::Revoked,
        stored_last_active,
        active,
        clock,
    )
}

/// `session` with `status`, and the client's last-active session once it is gone.
fn ended(
    mut session: Session,
    status: SessionStatus,
    stored_last_active: Option<&str>,
    active: &[Session],
    clock: Clock,
) -> Ended {
    let remaining: Vec<Session> = active
        .iter()
        .filter(|s| s.id != session.id)
        .cloned()
        .collect();
    // The stored last-active session stays when it is another one; when it was this one, the most recently active
    // of the others takes over.
    let stored = stored_last_active.filter(|id| *id != session.id);
    session.status = status;
    session.updated_at = clock.now;
    Ended {
        last_active: pick_last_active(stored, &remaining),
        session,
    }
}

/// Sign out of all sessions: each of `active` becomes `ended`; the client keeps no last-active session.
pub fn end_all(active: Vec<Session>, clock: Clock) -> Vec<Session> {
    active
        .into_iter()
        .map(|mut s| {
            s.status = SessionStatus::Ended;
            s.updated_at = clock.now;
            s
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: i64 = 3_600_000;

    fn session(id: &str, last_active_at: i64, created_at: i64) -> Session {
        Session {
            id: id.into(),
            client_id: "client_1".into(),
            user_id: format!("user_{id}"),
            status: SessionStatus::Active,
            last_active_at,
            user_agent: None,
            ip_address: None,
            expire_at: 100 * HOUR,
            created_at,
            updated_at: created_at,
        }
    }

    #[test]
    fn activity_follows_expiry_and_inactivity() {
        let clock = Clock::new(10 * HOUR, 5 * HOUR);
        let fresh = session("a", 9 * HOUR, 0);
        let idle = session("b", 4 * HOUR, 0);
        let mut expired = session("c", 9 * HOUR, 0);
        expired.expire_at = 10 * HOUR;
        let mut ended = session("d", 9 * HOUR, 0);
        ended.status = SessionStatus::Ended;
        assert_eq!(clock.status(&fresh), SessionStatus::Active);
        assert_eq!(clock.status(&idle), SessionStatus::Abandoned);
        assert_eq!(clock.status(&expired), SessionStatus::Expired);
        assert_eq!(clock.status(&ended), SessionStatus::Ended);
        let ids: Vec<String> = clock
            .active([fresh, idle, expired, ended])
            .into_iter()
            .map(|s| s.id)
            .collect();
        assert_eq!(ids, ["a"]);
    }

    #[test]
    fn last_active_keeps_the_stored_one_else_the_most_recent() {
        let active = [
            session("a", 10, 0),
            session("b", 30, 1),
            session("c", 20, 2),
        ];
        assert_eq!(pick_last_active(Some("c"), &active).as_deref(), Some("c"));
        assert_eq!(
            pick_last_active(Some("gone"), &active).as_deref(),
            Some("b")
        );
        assert_eq!(pick_last_active(None, &active).as_deref(), Some("b"));
        assert_eq!(pick_last_active(Some("a"), &[]), None);
        // A tie on activity goes to the newer session.
        let tie = [session("old", 10, 1), session("new", 10, 2)];
        assert_eq!(pick_last_active(None, &tie).as_deref(), Some("new"));
    }

    #[test]
    fn touch_marks_activity_now() {
        let mut s = session("a", 10, 0);
        touch(&mut s, Clock::new(99, HOUR));
        assert_eq!((s.last_active_at, s.updated_at), (99, 99));
    }

    #[test]
    fn ending_the_last_active_session_hands_over_to_the_most_recent_other() {
        let clock = Clock::new(50, HOUR);
        let active = [
            session("a", 10, 0),
            session("b", 30, 1),
            session("c", 20, 2),
        ];
        let ended = end_session(
            active[1].clone(),
            SessionStatus::Removed,
            Some("b"),
            &active,
            clock,
        )
        .expect("active");
        assert_eq!(ended.session.status, SessionStatus::Removed);
        assert_eq!(ended.session.updated_at, 50);
        assert_eq!(ended.last_active.as_deref(), Some("c"));
        // Ending another session keeps the stored last-active one.
        let other = end_session(
            active[0].clone(),
            SessionStatus::Ended,
            Some("b"),
            &active,
            clock,
        )
        .expect("active");
        assert_eq!(other.last_active.as_deref(), Some("b"));
        // The only session: nothing is left.
        let alone = end_session(
            active[0].clone(),
            SessionStatus::Revoked,
            Some("a"),
            &active[..1],
            clock,
        )
        .expect("active");
        assert_eq!(alone.last_active, None);
    }

    #[test]
    fn an_inactive_session_is_left_as_it_is() {
        let clock = Clock::new(50, HOUR);
        let mut ended = session("a", 10, 0);
        ended.status = SessionStatus::Ended;
        assert!(
            end_session(ended.clone(), SessionStatus::Removed, Some("a"), &[], clock).is_none()
        );
        // A revocation applies whatever the status.
        let revoked = revoke(ended, Some("a"), &[session("b", 20, 1)], clock);
        assert_eq!(revoked.session.status, SessionStatus::Revoked);
        assert_eq!(revoked.last_active.as_deref(), Some("b"));
    }

    #[test]
    fn ending_all_sessions_ends_each() {
        let clock = Clock::new(50, HOUR);
        let ended = end_all(vec![session("a", 10, 0), session("b", 30, 1)], clock);
        assert!(ended
            .iter()
            .all(|s| s.status == SessionStatus::Ended && s.updated_at == 50));
    }
}
