//! `POST /v1/client/sign_ups` and its email verification steps.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::Response;

use super::context::{own_open, ClientCtx};
use super::extract::{Activity, TokenHeader};
use super::rules;
use crate::auth::password;
use crate::domain::attempts::Kind;
use crate::domain::codes::{self, CodeOutcome, EMAIL_CODE};
use crate::domain::identifiers;
use crate::error::{ApiError, ApiResult};
use crate::form::Form;
use crate::ids;
use crate::mailer::Purpose;
use crate::model::{SignUp, SignUpStatus, User, Verification, VerificationStatus};
use crate::state::AppState;
use crate::store::{StoreError, Write, WriteBatch};
use crate::wire::{SignUpJson, PASSWORD_MIN_LENGTH};

/// Longest accepted password.
const PASSWORD_MAX_LENGTH: usize = 256;
/// Longest accepted first / last name.
const NAME_MAX_LENGTH: usize = 256;

/// Create a sign-up: complete at once, or waiting for email verification when the instance requires it.
pub async fn create(
    State(state): State<Arc<AppState>>,
    token: TokenHeader,
    activity: Activity,
    form: Form,
) -> ApiResult<Response> {
    let ip = activity.ip.as_str();
    let mut ctx = ClientCtx::load(&state, &token).await?;
    let now = ctx.now;
    // A caller without a client gets one now (persisted only on success), so its creations count from the first.
    let client_id = ctx.ensure(now).id.clone();
    rules::check_creation_limits(&state, &client_id, ip).await?;
    if state.settings().await?.single_session_mode {
        rules::check_can_add_session(&state, ctx.client.as_ref(), None, now).await?;
    }
    let email = identifiers::normalize_email(form.required("email_address")?)?;
    let password = form.required("password")?;
    let password_len = password.chars().count();
    if password_len < PASSWORD_MIN_LENGTH {
        return Err(ApiError::PasswordTooShort);
    }
    if password_len > PASSWORD_MAX_LENGTH {
        return Err(ApiError::invalid(
            "password",
            format!("password must be at most {PASSWORD_MAX_LENGTH} characters."),
        ));
    }
    let first_name = form
        .text("first_name", NAME_MAX_LENGTH)?
        .map(str::to_string);
    let last_name = form.text("last_name", NAME_MAX_LENGTH)?.map(str::to_string);
    if state.store.user_by_email(&email).await?.is_some() {
        return Err(ApiError::IdentifierExists);
    }
    let password_hash = password::hash(password.to_string()).await?;
    let sign_up = SignUp {
        id: ids::new_id("sua_"),
        client_id,
        email,
        password_hash: Some(password_hash),
        first_name,
        last_name,
        status: SignUpStatus::MissingRequirements,
        verification: None,
        created_user_id: None,
        created_session_id: None,
        created_at: now,
        updated_at: now,
    };
    if !state.settings().await?.email_verification_required {
        return complete(&state, &mut ctx, &activity, sign_up, false, now).await;
    }
    let sign_up = SignUp {
        verification: Some(Verification {
            status: VerificationStatus::Unverified,
            strategy: EMAIL_CODE.into(),
            attempts: 0,
            expire_at: None,
            code_hash: None,
        }),
        ..sign_up
    };
    let client = ctx.ensure(now);
    client.sign_up_id = Some(sign_up.id.clone());
    client.updated_at = now;
    let mut batch = WriteBatch::new();
    batch
        .push(ctx.client_write()?)
        .push(Write::SignUp(sign_up.clone()));
    state.store.apply(batch).await?;
    ctx.respond(&state, SignUpJson::from(&sign_up)).await
}

/// `strategy=email_code` (the default): send a verification code.
pub async fn prepare_verification(
    State(state): State<Arc<AppState>>,
    token: TokenHeader,
    Path(id): Path<String>,
    form: Form,
) -> ApiResult<Response> {
    let ctx = ClientCtx::load(&state, &token).await?;
    let now = ctx.now;
    let mut sign_up = own_open(&ctx, state.store.sign_up(&id).await?)?;
    check_strategy(&form)?;
    sign_up.verification =
        Some(rules::prepare_code(&state, &sign_up.email, Purpose::SignUp, now).await?);
    sign_up.updated_at = now;
    let mut batch = WriteBatch::new();
    batch.push(Write::SignUp(sign_up.clone()));
    state.store.apply(batch).await?;
    ctx.respond(&state, SignUpJson::from(&sign_up)).await
}

/// `code=…`: verify the email address and complete the sign-up.
pub async fn attempt_verification(
    State(state): State<Arc<AppState>>,
    token: TokenHeader,
    activity: Activity,
    Path(id): Path<String>,
    form: Form,
) -> ApiResult<Response> {
    let ip = activity.ip.as_str();
    let mut ctx = ClientCtx::load(&state, &token).await?;
    let now = ctx.now;
    let mut sign_up = own_open(&ctx, state.store.sign_up(&id).await?)?;
    check_strategy(&form)?;
    let code = form.required("code")?;
    let mut verification = sign_up
        .verification
        .clone()
        .filter(|v| v.code_hash.is_some())
        .ok_or_else(|| ApiError::VerificationFailed("No code was sent for this sign-up.".into()))?;
    rules::check_can_add_session(&state, ctx.client.as_ref(), None, now).await?;
    let attempt = rules::begin_attempt(&state, Kind::Code, &sign_up.email, ip).await?;
    let outcome = codes::check_code(&state.code_key, &mut verification, code, now);
    if outcome == CodeOutcome::Incorrect {
        attempt.failed();
    } else {
        attempt.succeeded(state.counters.as_ref()).await;
    }
    sign_up.verification = Some(verification);
    sign_up.updated_at = now;
    if outcome == CodeOutcome::Verified {
        return complete(&state, &mut ctx, &activity, sign_up, true, now).await;
    }
    let mut batch = WriteBatch::new();
    batch.push(Write::SignUp(sign_up));
    state.store.apply(batch).await?;
    Err(rules::code_error(outcome))
}

/// `strategy` is optional but must be `email_code` when given (also for `/v1/me` address verifications).
pub(super) fn check_strategy(form: &Form) -> ApiResult<()> {
    match form.get("strategy") {
        None | Some(EMAIL_CODE) => Ok(()),
        Some(_) => Err(ApiError::invalid(
            "strategy",
            "strategy must be email_code.",
        )),
    }
}

/// Create the user and a session in one transaction; the sign-up becomes complete.
async fn complete(
    state: &AppState,
    ctx: &mut ClientCtx,
    activity: &Activity,
    mut sign_up: SignUp,
    email_verified: bool,
    now: i64,
) -> ApiResult<Response> {
    let user = User {
        id: ids::new_id("user_"),
        email_id: ids::new_id("idn_"),
        email: sign_up.email.clone(),
        email_verified,
        other_emails: Vec::new(),
        first_name: sign_up.first_name.clone(),
        last_name: sign_up.last_name.clone(),
        password_hash: sign_up.password_hash.take(),
        created_at: now,
        updated_at: now,
    };
    let client = ctx.ensure(now);
    let session = rules::new_session(state, client, &user.id, activity, now);
    client.sign_up_id = None;
    sign_up.status = SignUpStatus::Complete;
    sign_up.created_user_id = Some(user.id.clone());
    sign_up.created_session_id = Some(session.id.clone());
    sign_up.updated_at = now;
    let mut batch = WriteBatch::new();
    batch
        .push(ctx.client_write()?)
        .push(Write::User(user))
        .push(Write::Session(session))
        .push(Write::SignUp(sign_up.clone()));
    match state.store.apply(batch).await {
        Ok(()) => ctx.respond(state, SignUpJson::from(&sign_up)).await,
        Err(StoreError::Conflict) => Err(ApiError::IdentifierExists),
        Err(e) => Err(e.into()),
    }
}
