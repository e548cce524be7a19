//! The router: one module per area of the API.

pub mod backend;
pub mod client;
pub mod context;
pub mod dev;
pub mod environment;
pub mod extract;
pub mod me;
pub mod oauth;
pub mod render;
pub mod rules;
pub mod sessions;
pub mod sign_in;
pub mod sign_up;
pub mod static_files;
pub mod whoami;

use std::path::Path;
use std::sync::Arc;

use axum::routing::{any, get, patch, post};
use axum::Router;

use crate::error::ApiError;
use crate::state::AppState;

/// All routes; `dev` adds `/dev/outbox`.
pub fn router(state: Arc<AppState>, static_dir: &Path, pkg_dir: &Path, dev: bool) -> Router {
    let mut api = Router::new()
        .route("/v1/environment", get(environment::environment))
        .route("/.well-known/jwks.json", get(environment::jwks))
        .route("/healthz", get(environment::healthz))
        .route(
            "/v1/client",
            get(client::get).post(client::create).put(client::create),
        )
        .route(
            "/v1/client/sessions",
            axum::routing::delete(sessions::end_all),
        )
        .route("/v1/client/sessions/{id}/touch", post(sessions::touch))
        .route("/v1/client/sessions/{id}/remove", post(sessions::remove))
        .route("/v1/client/sessions/{id}/end", post(sessions::end))
        .route("/v1/client/sessions/{id}/tokens", post(sessions::tokens))
        .route("/v1/client/sign_ins", post(sign_in::create))
        .route("/v1/client/sign_ins/{id}", get(oauth::get))
        .route(oauth::CALLBACK_PATH, get(oauth::callback))
        .route(
            "/v1/client/sign_ins/{id}/prepare_first_factor",
            post(sign_in::prepare_first_factor),
        )
        .route(
            "/v1/client/sign_ins/{id}/attempt_first_factor",
            post(sign_in::attempt_first_factor),
        )
        .route("/v1/client/sign_ups", post(sign_up::create))
        .route(
            "/v1/client/sign_ups/{id}/prepare_verification",
            post(sign_up::prepare_verification),
        )
        .route(
            "/v1/client/sign_ups/{id}/attempt_verification",
            post(sign_up::attempt_verification),
        )
        .route("/v1/me", get(me::get).patch(me::update).delete(me::delete))
        .route("/v1/me/email_addresses", post(me::add_email))
        .route(
            "/v1/me/email_addresses/{id}",
            axum::routing::delete(me::remove_email),
        )
        .route(
            "/v1/me/email_addresses/{id}/prepare_verification",
            post(me::prepare_email_verification),
        )
        .route(
            "/v1/me/email_addresses/{id}/attempt_verification",
            post(me::attempt_email_verification),
        )
        .route("/v1/me/change_password", post(me::change_password))
        .route("/v1/me/sessions/active", get(me::active_sessions))
        .route("/v1/me/sessions/{id}/revoke", post(me::revoke))
        .route("/v1/users", get(backend::users))
        .route("/v1/sessions", get(backend::sessions))
        .route("/v1/sessions/{id}/revoke", post(backend::revoke))
        .route("/v1/instance", patch(backend::instance))
        .route(
            "/v1/instance/signing_keys",
            post(backend::rotate_signing_key),
        )
        .route("/api/whoami", get(whoami::whoami));
    if dev {
        api = api
            .route("/dev/outbox", get(dev::outbox))
            .route("/dev/stats", get(dev::stats));
    }
    // Unknown API paths are 404 whatever the method (not 405 from the static file service).
    for prefix in ["/v1", "/api", "/dev", "/.well-known"] {
        api = api.route(&format!("{prefix}/{{*rest}}"), any(not_found));
    }
    api.with_state(state)
        .merge(static_files::router(static_dir, pkg_dir))
}

/// 404 `resource_not_found`.
async fn not_found() -> ApiError {
    ApiError::NotFound
}
