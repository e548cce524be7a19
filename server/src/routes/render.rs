//! A client as the Frontend API shows it: its active sessions with their users, the in-flight sign-in or sign-up,
//! and the last-active session.

use crate::domain::sessions::pick_last_active;
use crate::error::{ApiError, ApiResult};
use crate::model::OAuthStatus;
use crate::model::{Client, SignInStatus, SignUpStatus, User};
use crate::state::AppState;
use crate::store::SessionAndUser;
use crate::wire::{
    AnySignInJson, ClientJson, ExternalAccountJson, OAuthSignInJson, SessionJson, SignInJson,
    SignUpJson,
};

/// A user that must exist (a dangling reference is an internal error).
pub async fn existing_user(state: &AppState, user_id: &str) -> ApiResult<User> {
    state
        .store
        .user(user_id)
        .await?
        .ok_or_else(|| ApiError::Internal(format!("user {user_id} is missing")))
}

/// Render a client: active sessions with their users, the in-flight sign-in / sign-up, the last-active session.
/// Sessions and users come from one read, their other email addresses from a second (this runs on every client
/// answer; an address changed between the two reads shows as it is now, which no client state depends on).
pub async fn render_client(state: &AppState, client: &Client, now: i64) -> ApiResult<ClientJson> {
    let stored = state.store.active_sessions_with_users(&client.id).await?;
    render_client_with(state, client, stored, now).await
}

/// [`render_client`] from the client's sessions as already read with
/// [`Store::active_sessions_with_users`](crate::store::Store::active_sessions_with_users).
pub async fn render_client_with(
    state: &AppState,
    client: &Client,
    stored: Vec<SessionAndUser>,
    now: i64,
) -> ApiResult<ClientJson> {
    let clock = state.clock(now);
    let mut active = Vec::new();
    let mut sessions = Vec::new();
    for (s, user) in stored {
        if !clock.is_active(&s) {
            continue;
        }
        let user =
            user.ok_or_else(|| ApiError::Internal(format!("user {} is missing", s.user_id)))?;
        sessions.push(SessionJson::frontend(
            &s,
            clock.status(&s),
            &user,
            clock.inactivity_ms,
        ));
        active.push(s);
    }
    add_external_accounts(state, &mut sessions).await?;
    let sign_in = match &client.sign_in_id {
        Some(id) => in_flight_sign_in(state, id).await?,
        None => None,
    };
    let sign_up = match &client.sign_up_id {
        Some(id) => state
            .store
            .sign_up(id)
            .await?
            .filter(|s| s.status != SignUpStatus::Complete)
            .map(|s| SignUpJson::from(&s)),
        None => None,
    };
    Ok(ClientJson {
        object: "client",
        id: client.id.clone(),
        last_active_session_id: pick_last_active(client.last_active_session_id.as_deref(), &active),
        sessions,
        sign_in,
        sign_up,
        created_at: client.created_at,
        updated_at: client.updated_at,
    })
}

/// The in-flight sign-in `id` (with a password or code, or through a provider), unless complete.
async fn in_flight_sign_in(state: &AppState, id: &str) -> ApiResult<Option<AnySignInJson>> {
    if let Some(sign_in) = state.store.sign_in(id).await? {
        if sign_in.status == SignInStatus::Complete {
            return Ok(None);
        }
        let user = existing_user(state, &sign_in.user_id).await?;
        return Ok(Some(AnySignInJson::Factor(SignInJson::new(
            &sign_in, &user,
        ))));
    }
    Ok(state
        .store
        .oauth_sign_in(id)
        .await?
        .filter(|s| s.status != OAuthStatus::Complete)
        .map(|s| AnySignInJson::External(OAuthSignInJson::new(&s, None))))
}

/// Fill in the sessions' users' linked provider accounts. Read only when providers are configured (one more read
/// per client answer); without any, a server shows no accounts of providers it no longer offers.
async fn add_external_accounts(state: &AppState, sessions: &mut [SessionJson]) -> ApiResult<()> {
    if state.providers.all().is_empty() || sessions.is_empty() {
        return Ok(());
    }
    let user_ids: Vec<String> = sessions.iter().map(|s| s.user_id.clone()).collect();
    let accounts = state.store.external_accounts(&user_ids).await?;
    for session in sessions.iter_mut() {
        if let Some(user) = session.user.as_mut() {
            user.external_accounts = accounts
                .iter()
                .filter(|a| a.user_id == user.id)
                .map(ExternalAccountJson::from)
                .collect();
        }
    }
    Ok(())
}
