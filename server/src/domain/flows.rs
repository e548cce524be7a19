//! Rules about a client's in-flight sign-ins and sign-ups (flows), and who may get a new session.

use crate::model::{Session, SignIn, SignInStatus, SignUp, SignUpStatus};

/// A sign-in or sign-up: owned by one client, open until complete.
pub trait Flow {
    /// What the flow is called in messages ("sign-in", "sign-up").
    const NAME: &'static str;
    /// The owning client.
    fn client_id(&self) -> &str;
    /// Whether it finished (nothing more may be done with it).
    fn is_complete(&self) -> bool;
}

impl Flow for SignIn {
    const NAME: &'static str = "sign-in";
    fn client_id(&self) -> &str {
        &self.client_id
    }
    fn is_complete(&self) -> bool {
        self.status == SignInStatus::Complete
    }
}

impl Flow for SignUp {
    const NAME: &'static str = "sign-up";
    fn client_id(&self) -> &str {
        &self.client_id
    }
    fn is_complete(&self) -> bool {
        self.status == SignUpStatus::Complete
    }
}

/// Why a flow cannot be continued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotOpen {
    /// Unknown, or another client's (the two are not told apart).
    NotFound,
    /// Already complete; the text names the flow.
    Complete(&'static str),
}

/// The flow `found` by id, if the client `client_id` may continue it: its own and not complete.
pub fn open_for_client<T: Flow>(found: Option<T>, client_id: &str) -> Result<T, NotOpen> {
    let flow = found
        .filter(|f| f.client_id() == client_id)
        .ok_or(NotOpen::NotFound)?;
    if flow.is_complete() {
        return Err(NotOpen::Complete(T::NAME));
    }
    Ok(flow)
}

/// Why a client may not get another session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionRefused {
    /// Single-session mode and the client already has an active session.
    SessionExists,
    /// Multi-session mode and this user already has an active session on the client: switch to it instead.
    AlreadySignedIn {
        /// The user's active session.
        session_id: String,
    },
}

/// The mode rule: in single-session mode no new session while one is `active`; in multi-session mode none for a
/// user (`user_id`, when known yet) who already has one.
pub fn may_add_session(
    single_session_mode: bool,
    active: &[Session],
    user_id: Option<&str>,
) -> Result<(), SessionRefused> {
    if single_session_mode {
        return if active.is_empty() {
            Ok(())
        } else {
            Err(SessionRefused::SessionExists)
        };
    }
    match user_id.and_then(|u| active.iter().find(|s| s.user_id == u)) {
        Some(existing) => Err(SessionRefused::AlreadySignedIn {
            session_id: existing.id.clone(),
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SessionStatus;

    fn sign_in(client_id: &str, status: SignInStatus) -> SignIn {
        SignIn {
            id: "sia_1".into(),
            client_id: client_id.into(),
            user_id: "user_1".into(),
            identifier: "ada@example.com".into(),
            status,
            verification: None,
            created_session_id: None,
            created_at: 0,
            updated_at: 0,
        }
    }

    fn session(id: &str, user_id: &str) -> Session {
        Session {
            id: id.into(),
            client_id: "client_1".into(),
            user_id: user_id.into(),
            status: SessionStatus::Active,
            last_active_at: 0,
            user_agent: None,
            ip_address: None,
            expire_at: i64::MAX,
            created_at: 0,
            updated_at: 0,
        }
    }

    #[test]
    fn only_the_owner_continues_an_open_flow() {
        let open = sign_in("client_1", SignInStatus::NeedsFirstFactor);
        assert!(open_for_client(Some(open.clone()), "client_1").is_ok());
        assert_eq!(
            open_for_client(Some(open), "client_2").err(),
            Some(NotOpen::NotFound)
        );
        assert_eq!(
            open_for_client::<SignIn>(None, "client_1").err(),
            Some(NotOpen::NotFound)
        );
        let done = sign_in("client_1", SignInStatus::Complete);
        assert_eq!(
            open_for_client(Some(done), "client_1").err(),
            Some(NotOpen::Complete("sign-in"))
        );
    }

    #[test]
    fn single_session_mode_allows_one_session() {
        assert_eq!(may_add_session(true, &[], Some("user_1")), Ok(()));
        assert_eq!(
            may_add_session(true, &[session("sess_1", "user_2")], Some("user_1")),
            Err(SessionRefused::SessionExists)
        );
        assert_eq!(
            may_add_session(true, &[session("sess_1", "user_2")], None),
            Err(SessionRefused::SessionExists)
        );
    }

    #[test]
    fn multi_session_mode_refuses_a_second_session_of_one_user() {
        let active = [session("sess_1", "user_1"), session("sess_2", "user_2")];
        assert_eq!(may_add_session(false, &active, Some("user_3")), Ok(()));
        assert_eq!(may_add_session(false, &active, None), Ok(()));
        assert_eq!(
            may_add_session(false, &active, Some("user_2")),
            Err(SessionRefused::AlreadySignedIn {
                session_id: "sess_2".into()
            })
        );
    }
}
