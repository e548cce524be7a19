//! `POST /v1/client/sign_ins` and its first-factor steps.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::Response;

use super::context::{own_open, ClientCtx};
use super::extract::{Activity, TokenHeader};
use super::render::existing_user;
use super::rules;
use crate::auth::password;
use crate::domain::attempts::{Attempt, Kind};
use crate::domain::codes::{self, CodeOutcome, EMAIL_CODE, PASSWORD};
use crate::domain::identifiers;
use crate::error::{ApiError, ApiResult};
use crate::form::Form;
use crate::ids;
use crate::mailer::Purpose;
use crate::model::{SignIn, SignInStatus, User, Verification, VerificationStatus};
use crate::state::AppState;
use crate::store::{Write, WriteBatch};
use crate::wire::SignInJson;

/// Longest password accepted at sign-in (longer ones cannot match: sign-up caps at 256).
const MAX_PASSWORD_LEN: usize = 1024;

/// Create a sign-in; finishes it at once when a correct password is given.
pub async fn create(
    State(state): State<Arc<AppState>>,
    token: TokenHeader,
    activity: Activity,
    form: Form,
) -> ApiResult<Response> {
    let ip = activity.ip.as_str();
    if form
        .get("strategy")
        .is_some_and(|s| s.starts_with("oauth_"))
    {
        return super::oauth::start(&state, &token, ip, &form).await;
    }
    let mut ctx = ClientCtx::load(&state, &token).await?;
    let now = ctx.now;
    // A caller without a client gets one now (persisted only on success), so its creations count from the first.
    let client_id = ctx.ensure(now).id.clone();
    rules::check_creation_limits(&state, &client_id, ip).await?;
    if state.settings().await?.single_session_mode {
        rules::check_can_add_session(&state, ctx.client.as_ref(), None, now).await?;
    }
    let identifier = identifiers::normalize_identifier(form.required("identifier")?, "identifier")?;
    let strategy = form.get("strategy");
    if !matches!(strategy, None | Some(PASSWORD) | Some(EMAIL_CODE)) {
        return Err(ApiError::invalid(
            "strategy",
            "strategy must be password or email_code.",
        ));
    }
    let password = if strategy == Some(EMAIL_CODE) {
        None
    } else {
        form.get("password")
    };
    // Checked before the account is looked up, so known and unknown identifiers cost the same (no hashing).
    if password.is_some_and(|p| p.len() > MAX_PASSWORD_LEN) {
        return Err(ApiError::PasswordIncorrect);
    }
    // Reserved before anything else is known, so it is the same for known and unknown identifiers.
    let attempt = match password {
        Some(_) => Some(rules::begin_attempt(&state, Kind::Password, &identifier, ip).await?),
        None => None,
    };
    let Some(user) = state.store.user_by_email(&identifier).await? else {
        if let (Some(password), Some(attempt)) = (password, attempt) {
            match password::verify(password.to_string(), None).await {
                Err(e @ ApiError::TooManyRequests { .. }) => {
                    attempt.succeeded(state.counters.as_ref()).await;
                    return Err(e);
                }
                result => {
                    attempt.failed();
                    result?;
                }
            }
        }
        return Err(ApiError::IdentifierNotFound);
    };
    if let Err(e) =
        rules::check_can_add_session(&state, ctx.client.as_ref(), Some(&user.id), now).await
    {
        if let Some(attempt) = attempt {
            attempt.succeeded(state.counters.as_ref()).await;
        }
        return Err(e);
    }

    let mut sign_in = SignIn {
        id: ids::new_id("sia_"),
        client_id,
        user_id: user.id.clone(),
        identifier,
        status: SignInStatus::NeedsFirstFactor,
        verification: None,
        created_session_id: None,
        created_at: now,
        updated_at: now,
    };
    if let (Some(password), Some(attempt)) = (password, attempt) {
        verify_password(&state, &user, password, attempt).await?;
        return complete(
            &state,
            &mut ctx,
            &activity,
            sign_in,
            &user,
            password_verification(),
            now,
        )
        .await;
    }
    if strategy == Some(EMAIL_CODE) {
        sign_in.verification =
            Some(rules::prepare_code(&state, &sign_in.identifier, Purpose::SignIn, now).await?);
    }
    let client = ctx.ensure(now);
    client.sign_in_id = Some(sign_in.id.clone());
    client.updated_at = now;
    let mut batch = WriteBatch::new();
    batch
        .push(ctx.client_write()?)
        .push(Write::SignIn(sign_in.clone()));
    state.store.apply(batch).await?;
    ctx.respond(&state, SignInJson::new(&sign_in, &user)).await
}

/// `strategy=email_code`: send a code for this sign-in.
pub async fn prepare_first_factor(
    State(state): State<Arc<AppState>>,
    token: TokenHeader,
    Path(id): Path<String>,
    form: Form,
) -> ApiResult<Response> {
    let ctx = ClientCtx::load(&state, &token).await?;
    let now = ctx.now;
    let mut sign_in = own_open(&ctx, state.store.sign_in(&id).await?)?;
    let user = existing_user(&state, &sign_in.user_id).await?;
    match form.required("strategy")? {
        EMAIL_CODE => {
            sign_in.verification =
                Some(rules::prepare_code(&state, &sign_in.identifier, Purpose::SignIn, now).await?)
        }
        PASSWORD => sign_in.verification = None,
        _ => {
            return Err(ApiError::invalid(
                "strategy",
                "strategy must be password or email_code.",
            ))
        }
    }
    sign_in.updated_at = now;
    let mut batch = WriteBatch::new();
    batch.push(Write::SignIn(sign_in.clone()));
    state.store.apply(batch).await?;
    ctx.respond(&state, SignInJson::new(&sign_in, &user)).await
}

/// `strategy=password&password=…` or `strategy=email_code&code=…`.
pub async fn attempt_first_factor(
    State(state): State<Arc<AppState>>,
    token: TokenHeader,
    activity: Activity,
    Path(id): Path<String>,
    form: Form,
) -> ApiResult<Response> {
    let ip = activity.ip.as_str();
    let mut ctx = ClientCtx::load(&state, &token).await?;
    let now = ctx.now;
    let mut sign_in = own_open(&ctx, state.store.sign_in(&id).await?)?;
    let user = existing_user(&state, &sign_in.user_id).await?;
    match form.required("strategy")? {
        PASSWORD => {
            let password = form.required("password")?;
            rules::check_can_add_session(&state, ctx.client.as_ref(), Some(&user.id), now).await?;
            if password.len() > MAX_PASSWORD_LEN {
                return Err(ApiError::PasswordIncorrect);
            }
            let attempt = rules::begin_attempt(&state, Kind::Password, &user.email, ip).await?;
            verify_password(&state, &user, password, attempt).await?;
            complete(
                &state,
                &mut ctx,
                &activity,
                sign_in,
                &user,
                password_verification(),
                now,
            )
            .await
        }
        EMAIL_CODE => {
            let code = form.required("code")?;
            let mut verification = sign_in
                .verification
                .clone()
                .filter(|v| v.strategy == EMAIL_CODE && v.code_hash.is_some())
                .ok_or_else(|| {
                    ApiError::VerificationFailed("No code was sent for this sign-in.".into())
                })?;
            rules::check_can_add_session(&state, ctx.client.as_ref(), Some(&user.id), now).await?;
            let attempt = rules::begin_attempt(&state, Kind::Code, &user.email, ip).await?;
            let outcome = codes::check_code(&state.code_key, &mut verification, code, now);
            if outcome == CodeOutcome::Incorrect {
                attempt.failed();
            } else {
                attempt.succeeded(state.counters.as_ref()).await;
            }
            if outcome == CodeOutcome::Verified {
                return complete(
                    &state,
                    &mut ctx,
                    &activity,
                    sign_in,
                    &user,
                    verification,
                    now,
                )
                .await;
            }
            sign_in.verification = Some(verification);
            sign_in.updated_at = now;
            let mut batch = WriteBatch::new();
            batch.push(Write::SignIn(sign_in));
            state.store.apply(batch).await?;
            Err(rules::code_error(outcome))
        }
        _ => Err(ApiError::invalid(
            "strategy",
            "strategy must be password or email_code.",
        )),
    }
}

/// Check a password under its reserved `attempt`: released when correct or refused by a full hashing queue, kept
/// when wrong (or when the check itself fails: an attempt that was not evaluated to the end still counts).
pub(crate) async fn verify_password(
    state: &AppState,
    user: &User,
    password: &str,
    attempt: Attempt,
) -> ApiResult<()> {
    match password::verify(password.to_string(), user.password_hash.clone()).await {
        Ok(true) => {
            attempt.succeeded(state.counters.as_ref()).await;
            Ok(())
        }
        Ok(false) => {
            attempt.failed();
            Err(ApiError::PasswordIncorrect)
        }
        // Not evaluated (the hashing queue was full): the caller may retry without it counting.
        Err(e @ ApiError::TooManyRequests { .. }) => {
            attempt.succeeded(state.counters.as_ref()).await;
            Err(e)
        }
        Err(e) => Err(e),
    }
}

/// A verified password verification.
fn password_verification() -> Verification {
    Verification {
        status: VerificationStatus::Verified,
        strategy: PASSWORD.into(),
        attempts: 1,
        expire_at: None,
        code_hash: None,
    }
}

/// Finish the sign-in: new session, made last-active; the client's in-flight sign-in cleared.
async fn complete(
    state: &AppState,
    ctx: &mut ClientCtx,
    activity: &Activity,
    mut sign_in: SignIn,
    user: &User,
    verification: Verification,
    now: i64,
) -> ApiResult<Response> {
    let client = ctx.ensure(now);
    let session = rules::new_session(state, client, &user.id, activity, now);
    client.sign_in_id = None;
    sign_in.status = SignInStatus::Complete;
    sign_in.verification = Some(verification);
    sign_in.created_session_id = Some(session.id.clone());
    sign_in.updated_at = now;
    let mut batch = WriteBatch::new();
    batch
        .push(ctx.client_write()?)
        .push(Write::Session(session))
        .push(Write::SignIn(sign_in.clone()));
    state.store.apply(batch).await?;
    ctx.respond(state, SignInJson::new(&sign_in, user)).await
}
