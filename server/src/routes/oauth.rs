//! Sign-in through an OpenID Connect provider: the start (`POST /v1/client/sign_ins` with
//! `strategy=oauth_custom_<key>`), the provider's callback (`GET /v1/oauth_callback`), and the claim by the client
//! that started it (`GET /v1/client/sign_ins/{id}?rotating_token_nonce=…`). The callback only verifies the
//! identity; the session is created by the claim, which only the starting client can make (login CSRF).

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use super::context::ClientCtx;
use super::extract::{Activity, TokenHeader};
use super::render::existing_user;
use super::rules;
use crate::domain::external::{self, Account, AccountRefused, ClaimRefused, StateRefused};
use crate::domain::identifiers;
use crate::error::{ApiError, ApiResult};
use crate::form::Form;
use crate::ids;
use crate::model::{ExternalAccount, OAuthSignIn, OAuthStatus, ProviderIdentity, User};
use crate::oauth::provider::{ProviderError, Providers};
use crate::state::AppState;
use crate::store::{StoreError, Write, WriteBatch};
use crate::wire::{OAuthSignInJson, SignInJson};

/// How long a sign-in may stay at the provider before its callback, and how long the browser then has to claim it
/// with its nonce (a person signing in at a provider needs minutes, not hours).
const SIGN_IN_TTL_MS: i64 = 10 * 60 * 1000;
/// The path of the callback, the redirect URI registered at providers.
pub const CALLBACK_PATH: &str = "/v1/oauth_callback";
/// Longest `oidc_login_hint` accepted (an email address or a provider's user id).
const LOGIN_HINT_MAX_CHARS: usize = 256;

/// Longest `redirect_url` accepted.
const MAX_REDIRECT_URL_LEN: usize = 2048;
/// Longest provider field (names, email) kept.
const MAX_NAME_CHARS: usize = 256;

/// `user_settings.social` of `/v1/environment`, Clerk's shape: one entry per provider, keyed by strategy, with
/// `available` saying whether the provider was reached (a provider down at start is retried in the background).
pub fn social_settings(providers: &Providers) -> serde_json::Value {
    let mut social = serde_json::Map::new();
    for provider in providers.all() {
        let strategy = provider.spec.strategy();
        social.insert(
            strategy.clone(),
            serde_json::json!({
                "enabled": true,
                "strategy": strategy,
                "name": provider.spec.label,
                "available": provider.is_available(),
            }),
        );
    }
    serde_json::Value::Object(social)
}

/// Hex SHA-256 (state and nonce are kept hashed: a database reader cannot replay them).
fn sha256_hex(value: &str) -> String {
    ids::hex(&Sha256::digest(value.as_bytes()))
}

/// The redirect URI registered at providers: this server's public origin and the callback path.
fn callback_uri(state: &AppState) -> String {
    format!("{}{CALLBACK_PATH}", state.issuer)
}

/// `redirect_url` must be an http(s) URL on an allowed origin (the CORS list, or this server's own origin): the
/// callback sends the browser there with a nonce, which must never reach another site.
fn check_redirect_url(state: &AppState, raw: &str) -> ApiResult<()> {
    let refused = || {
        ApiError::invalid(
            "redirect_url",
            "redirect_url must be a URL on an allowed origin.",
        )
    };
    if raw.len() > MAX_REDIRECT_URL_LEN {
        return Err(refused());
    }
    let url = url::Url::parse(raw).map_err(|_| refused())?;
    if !matches!(url.scheme(), "http" | "https") || url.fragment().is_some() {
        return Err(refused());
    }
    let origin = url.origin().ascii_serialization();
    if origin == state.issuer || state.origins.is_allowed(&origin) {
        Ok(())
    } else {
        Err(refused())
    }
}

/// `POST /v1/client/sign_ins` with `strategy=oauth_custom_<key>&redirect_url=…` (and optionally ClerkJS's
/// `oidc_login_hint`, passed on to the provider as `login_hint`): a sign-in whose first-factor verification holds
/// the provider's authorization URL.
pub async fn start(
    state: &AppState,
    token: &TokenHeader,
    ip: &str,
    form: &Form,
) -> ApiResult<Response> {
    let strategy = form.required("strategy")?;
    let provider = state
        .providers
        .by_strategy(strategy)
        .ok_or_else(|| ApiError::invalid("strategy", "strategy is not an enabled provider."))?;
    let redirect_url = form.required("redirect_url")?;
    check_redirect_url(state, redirect_url)?;
    let login_hint = form.text("oidc_login_hint", LOGIN_HINT_MAX_CHARS)?;
    let mut ctx = ClientCtx::load(state, token).await?;
    let now = ctx.now;
    let client_id = ctx.ensure(now).id.clone();
    rules::check_creation_limits(state, &client_id, ip).await?;
    if state.settings().await?.single_session_mode {
        rules::check_can_add_session(state, ctx.client.as_ref(), None, now).await?;
    }
    let authorization = state
        .providers
        .authorize(provider, &callback_uri(state), login_hint)
        .map_err(|e| match e {
            ProviderError::Unavailable => ApiError::ProviderUnavailable,
            other => ApiError::Internal(format!("authorization URL: {other}")),
        })?;
    let sign_in = OAuthSignIn {
        id: ids::new_id("sia_"),
        client_id,
        provider: provider.spec.key.clone(),
        state_hash: sha256_hex(&authorization.state),
        nonce: authorization.nonce,
        pkce_verifier: authorization.pkce_verifier,
        redirect_url: redirect_url.to_string(),
        status: OAuthStatus::Started,
        error_code: None,
        identity: None,
        token_nonce_hash: None,
        expire_at: now.saturating_add(SIGN_IN_TTL_MS),
        created_session_id: None,
        created_at: now,
        updated_at: now,
    };
    let client = ctx.ensure(now);
    client.sign_in_id = Some(sign_in.id.clone());
    client.updated_at = now;
    let mut batch = WriteBatch::new();
    batch
        .push(ctx.client_write()?)
        .push(Write::OAuthSignIn(sign_in.clone()));
    state.store.apply(batch).await?;
    ctx.respond(
        state,
        OAuthSignInJson::new(&sign_in, Some(authorization.url)),
    )
    .await
}

/// A 303 to `target` with `params` added to its query, never cached, never passing the address on as a referrer.
fn redirect(target: &str, params: &[(&str, &str)]) -> Response {
    let location = match url::Url::parse(target) {
        Ok(mut url) => {
            url.query_pairs_mut().extend_pairs(params);
            url.to_string()
        }
        Err(_) => target.to_string(),
    };
    let mut response = StatusCode::SEE_OTHER.into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&location) {
        headers.insert(header::LOCATION, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// A failed callback: back to `target` with `__clerk_status=failed&__clerk_error_code=<code>`.
fn failed(target: &str, code: &str) -> Response {
    redirect(
        target,
        &[("__clerk_status", "failed"), ("__clerk_error_code", code)],
    )
}

/// `GET /v1/oauth_callback?code=…&state=…` (or `?error=…&state=…`): verify what the provider says and send the
/// browser back to the sign-in's `redirect_url` with a one-time nonce, or with a failure code. Every outcome is a
/// redirect, never an error page; a state that names no sign-in goes back to this server's own origin.
pub async fn callback(State(state): State<Arc<AppState>>, RawQuery(query): RawQuery) -> Response {
    let params: HashMap<String, String> =
        url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    let home = format!("{}/", state.issuer);
    match callback_inner(&state, &params).await {
        Ok(response) => response,
        Err(CallbackFailure { target, code }) => failed(target.as_deref().unwrap_or(&home), code),
    }
}

/// A failed callback: where to send the browser (when known) and the code.
struct CallbackFailure {
    target: Option<String>,
    code: &'static str,
}

impl CallbackFailure {
    fn home(code: &'static str) -> Self {
        Self { target: None, code }
    }
}

async fn callback_inner(
    state: &AppState,
    params: &HashMap<String, String>,
) -> Result<Response, CallbackFailure> {
    let internal = |e: &dyn std::fmt::Display| {
        tracing::error!("oauth callback: {e}");
        CallbackFailure::home("internal_clerk_error")
    };
    let raw_state = params
        .get("state")
        .filter(|s| !s.is_empty())
        .ok_or(CallbackFailure::home("oauth_state_invalid"))?;
    let state_hash = sha256_hex(raw_state);
    let found = state
        .store
        .oauth_sign_in_by_state(&state_hash)
        .await
        .map_err(|e| internal(&e))?
        .ok_or(CallbackFailure::home("oauth_state_invalid"))?;
    // Serialised with the client's other requests (a replayed callback, the claim): read again under the lock.
    let _lock = state
        .lock_client(&found.client_id)
        .await
        .map_err(|e| internal(&e))?;
    let mut sign_in = state
        .store
        .oauth_sign_in(&found.id)
        .await
        .map_err(|e| internal(&e))?
        .ok_or(CallbackFailure::home("oauth_state_invalid"))?;
    let now = ids::now_ms();
    let target = Some(sign_in.redirect_url.clone());
    if let Err(refused) = external::check_callback(&sign_in, now) {
        // A replay must not spoil the sign-in the first callback verified: nothing is written.
        let code = match refused {
            StateRefused::Used => "oauth_state_invalid",
            StateRefused::Expired => "oauth_state_expired",
        };
        return Err(CallbackFailure { target, code });
    }
    let outcome = verify_callback(state, &sign_in, params).await;
    sign_in.updated_at = now;
    let response = match outcome {
        Ok(identity) => {
            let nonce = ids::hex(&ids::random_bytes::<32>());
            sign_in.status = OAuthStatus::Verified;
            sign_in.identity = Some(identity);
            sign_in.token_nonce_hash = Some(sha256_hex(&nonce));
            sign_in.expire_at = now.saturating_add(SIGN_IN_TTL_MS);
            redirect(&sign_in.redirect_url, &[("rotating_token_nonce", &nonce)])
        }
        Err(code) => {
            sign_in.status = OAuthStatus::Failed;
            sign_in.error_code = Some(code.to_string());
            failed(&sign_in.redirect_url, code)
        }
    };
    let mut batch = WriteBatch::new();
    batch.push(Write::OAuthSignIn(sign_in));
    state
        .store
        .apply(batch)
        .await
        .map_err(|e| CallbackFailure {
            target,
            code: {
                tracing::error!("oauth callback: {e}");
                "internal_clerk_error"
            },
        })?;
    Ok(response)
}

/// What the provider's answer to `sign_in` says: the verified identity, or the failure code for the browser.
async fn verify_callback(
    state: &AppState,
    sign_in: &OAuthSignIn,
    params: &HashMap<String, String>,
) -> Result<ProviderIdentity, &'static str> {
    if let Some(error) = params.get("error") {
        tracing::info!(provider = %sign_in.provider, error = %error, "provider refused the sign-in");
        return Err(if error == "access_denied" {
            "oauth_access_denied"
        } else {
            "oauth_provider_error"
        });
    }
    let provider = state
        .providers
        .by_key(&sign_in.provider)
        .ok_or("oauth_provider_unavailable")?;
    // RFC 9207: a provider that names itself must be the one this sign-in went to (mix-up attacks).
    if params
        .get("iss")
        .is_some_and(|iss| *iss != provider.spec.issuer)
    {
        return Err("oauth_callback_invalid");
    }
    let code = params
        .get("code")
        .filter(|c| !c.is_empty())
        .ok_or("oauth_callback_invalid")?;
    let claims = state
        .providers
        .exchange(
            provider,
            &callback_uri(state),
            code,
            &sign_in.pkce_verifier,
            &sign_in.nonce,
        )
        .await
        .map_err(|e| {
            tracing::warn!(provider = %sign_in.provider, "oauth callback: {e}");
            match e {
                ProviderError::Unavailable => "oauth_provider_unavailable",
                ProviderError::Request(_) => "oauth_token_exchange_failed",
                ProviderError::NoIdToken | ProviderError::IdToken(_) => "oauth_id_token_invalid",
            }
        })?;
    let clip = |v: Option<String>| {
        v.map(|s| s.trim().chars().take(MAX_NAME_CHARS).collect::<String>())
            .filter(|s| !s.is_empty())
    };
    Ok(ProviderIdentity {
        subject: claims.sub,
        // An address this server cannot use as an identifier is treated as absent.
        email: claims
            .email
            .and_then(|e| identifiers::normalize_email(&e).ok()),
        email_verified: claims.email_verified,
        first_name: clip(claims.given_name),
        last_name: clip(claims.family_name),
    })
}

/// `GET /v1/client/sign_ins/{id}`: the caller's sign-in; with `rotating_token_nonce`, the claim of a sign-in
/// through a provider, which creates the session.
pub async fn get(
    State(state): State<Arc<AppState>>,
    token: TokenHeader,
    activity: Activity,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> ApiResult<Response> {
    let nonce = url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "rotating_token_nonce")
        .map(|(_, v)| v.into_owned());
    let mut ctx = ClientCtx::load(&state, &token).await?;
    let client_id = ctx.require()?.id.clone();
    if let Some(nonce) = nonce {
        return claim(&state, &mut ctx, &activity, &id, &nonce).await;
    }
    if let Some(sign_in) = state
        .store
        .sign_in(&id)
        .await?
        .filter(|s| s.client_id == client_id)
    {
        let user = existing_user(&state, &sign_in.user_id).await?;
        return ctx.respond(&state, SignInJson::new(&sign_in, &user)).await;
    }
    let sign_in = state
        .store
        .oauth_sign_in(&id)
        .await?
        .filter(|s| s.client_id == client_id)
        .ok_or(ApiError::NotFound)?;
    ctx.respond(&state, OAuthSignInJson::new(&sign_in, None))
        .await
}

/// The claim: the same client presents the nonce its browser got from the callback; the account rules pick the
/// user, and a session is created.
async fn claim(
    state: &AppState,
    ctx: &mut ClientCtx,
    activity: &Activity,
    id: &str,
    nonce: &str,
) -> ApiResult<Response> {
    let now = ctx.now;
    let client_id = ctx.require()?.id.clone();
    let mut sign_in = external::check_claim(
        state.store.oauth_sign_in(id).await?,
        &client_id,
        &sha256_hex(nonce),
        now,
    )
    .map_err(|refused| match refused {
        ClaimRefused::NotFound => ApiError::NotFound,
        ClaimRefused::AlreadyClaimed => {
            ApiError::VerificationFailed("This sign-in is already complete.".into())
        }
        ClaimRefused::NotVerified => {
            ApiError::VerificationFailed("The provider has not verified this sign-in.".into())
        }
        ClaimRefused::WrongNonce => {
            ApiError::VerificationFailed("The rotating_token_nonce is not valid.".into())
        }
        ClaimRefused::Expired => ApiError::VerificationExpired,
    })?;
    let identity = sign_in
        .identity
        .clone()
        .ok_or_else(|| ApiError::Internal(format!("verified sign-in {id} has no identity")))?;
    let linked = state
        .store
        .external_account(&sign_in.provider, &identity.subject)
        .await?;
    let by_email = match &identity.email {
        Some(email) => state.store.user_by_email(email).await?,
        None => None,
    };
    let account = external::account_for(&identity, linked.as_ref(), by_email.as_ref()).map_err(
        |refused| match refused {
            AccountRefused::EmailMissing => {
                ApiError::VerificationFailed("The provider did not share an email address.".into())
            }
            AccountRefused::EmailNotVerified => ApiError::IdentifierExists,
        },
    )?;
    let (user, new_user) = match account {
        Account::Linked { user_id } | Account::Link { user_id } => {
            (existing_user(state, &user_id).await?, false)
        }
        Account::Create => (new_user(&identity, now)?, true),
    };
    rules::check_can_add_session(state, ctx.client.as_ref(), Some(&user.id), now).await?;
    let account = match linked {
        Some(mut account) => {
            account.identity = identity;
            account.updated_at = now;
            account
        }
        None => ExternalAccount {
            id: ids::new_id("eac_"),
            user_id: user.id.clone(),
            provider: sign_in.provider.clone(),
            identity,
            created_at: now,
            updated_at: now,
        },
    };
    let client = ctx.ensure(now);
    let session = rules::new_session(state, client, &user.id, activity, now);
    if client.sign_in_id.as_deref() == Some(id) {
        client.sign_in_id = None;
    }
    sign_in.status = OAuthStatus::Complete;
    sign_in.created_session_id = Some(session.id.clone());
    sign_in.updated_at = now;
    let mut batch = WriteBatch::new();
    batch.push(ctx.client_write()?);
    if new_user {
        batch.push(Write::User(user));
    }
    batch
        .push(Write::ExternalAccount(account))
        .push(Write::Session(session))
        .push(Write::OAuthSignIn(sign_in.clone()));
    match state.store.apply(batch).await {
        Ok(()) => {}
        // A user with this email was created meanwhile (by a sign-up): the claim can be retried.
        Err(StoreError::Conflict) => return Err(ApiError::IdentifierExists),
        Err(e) => return Err(e.into()),
    }
    ctx.respond(state, OAuthSignInJson::new(&sign_in, None))
        .await
}

/// A new user from a provider identity: its email (verified when the provider says so), its names, no password.
fn new_user(identity: &ProviderIdentity, now: i64) -> ApiResult<User> {
    let email = identity
        .email
        .clone()
        .ok_or_else(|| ApiError::Internal("new user without an email".into()))?;
    Ok(User {
        id: ids::new_id("user_"),
        email_id: ids::new_id("idn_"),
        email,
        email_verified: identity.email_verified,
        other_emails: Vec::new(),
        first_name: identity.first_name.clone(),
        last_name: identity.last_name.clone(),
        password_hash: None,
        created_at: now,
        updated_at: now,
    })
}
