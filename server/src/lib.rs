//! Reference Frontend API server for clerk-wasm: axum + SQLite, argon2id passwords, RS256 session JWTs.
//! The wire format is Clerk's Frontend API in native/header mode; see `docs/server.md`.
#![deny(missing_docs)]

pub mod auth;
pub mod config;
pub mod domain;
pub mod error;
pub mod form;
pub mod ids;
pub mod listen;
pub mod locks;
pub mod mailer;
pub mod middleware;
pub mod model;
pub mod oauth;
pub mod rate_limit;
pub mod routes;
pub mod seed;
pub mod state;
pub mod store;
pub mod wire;

use std::future::Future;
use std::io::Write as _;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::http::{header, HeaderValue, Method};
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::auth::jwt::JwtKeys;
use crate::auth::key_ring::{KeyRing, KeyTiming};
use crate::auth::secret_key::SecretKey;
use crate::config::{Config, EmailVerification, SessionMode};
use crate::mailer::{DevMailer, Mailer};
use crate::model::InstanceSettings;
use crate::rate_limit::MemoryCounters;
use crate::state::{AppParts, AppState, Lifetimes, Limits, Origins};
use crate::store::pg::{is_postgres_url, PgStore};
use crate::store::sqlite::SqliteStore;
use crate::store::{Store, StoreError};

/// How long browsers may cache a CORS preflight answer.
const CORS_MAX_AGE: Duration = Duration::from_secs(600);

/// Why the server could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// Opening or migrating the database failed.
    #[error("database: {0}")]
    Store(#[from] StoreError),
    /// Keys, seeding or other setup failed.
    #[error("{0}")]
    Setup(String),
    /// Binding the listen address failed.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The OS error.
        source: std::io::Error,
    },
    /// Serving failed.
    #[error("server error: {0}")]
    Serve(std::io::Error),
}

/// A bound, ready-to-serve server.
pub struct Server {
    listener: tokio::net::TcpListener,
    state: Arc<AppState>,
    store: Arc<dyn Store>,
    config: Config,
    demo_users: Vec<&'static str>,
    /// One line per OpenID Connect provider: discovered, or unavailable and retried.
    provider_lines: Vec<String>,
    /// The address actually bound (the real port when `--addr` used port 0).
    pub local_addr: SocketAddr,
}

impl Server {
    /// Open the database, load or create keys and settings, seed demo users if asked, and bind.
    pub async fn bind(config: Config) -> Result<Self, StartupError> {
        let store: Arc<dyn Store> = if is_postgres_url(&config.database_url) {
            Arc::new(PgStore::open(&config.database_url).await?)
        } else {
            Arc::new(SqliteStore::open(&config.database_url).await?)
        };
        let settings = initial_settings(store.as_ref(), &config).await?;
        let (first_pem, secret_key) = instance_secrets(store.as_ref(), &config).await?;
        let jwt = KeyRing::open(
            store.clone(),
            &first_pem,
            KeyTiming {
                refresh_ms: i64::try_from(config.signing_key_refresh_ms).unwrap_or(i64::MAX),
                retention_ms: i64::try_from(config.signing_key_retention_ms).unwrap_or(i64::MAX),
            },
        )
        .await
        .map_err(StartupError::Setup)?;
        auth::password::warm_up().await;
        let demo_users = if config.seed_demo {
            seed::seed_demo_users(store.as_ref())
                .await
                .map_err(StartupError::Setup)?
        } else {
            Vec::new()
        };
        let listener = tokio::net::TcpListener::bind(config.addr)
            .await
            .map_err(|source| StartupError::Bind {
                addr: config.addr,
                source,
            })?;
        let local_addr = listener.local_addr().map_err(|source| StartupError::Bind {
            addr: config.addr,
            source,
        })?;
        let providers = Arc::new(
            oauth::provider::Providers::new(config.oauth_providers.clone())
                .map_err(StartupError::Setup)?,
        );
        let provider_lines = providers.discover_all().await;
        let dev_mailer = Arc::new(DevMailer::new());
        let state = Arc::new(AppState::new(AppParts {
            store: store.clone(),
            settings,
            jwt,
            secret_key,
            mailer: dev_mailer.clone() as Arc<dyn Mailer>,
            outbox: config.dev.then_some(dev_mailer),
            origins: Origins::new(config.allowed_origins.iter().cloned(), config.dev),
            issuer: config
                .public_url
                .clone()
                .unwrap_or_else(|| format!("http://{local_addr}")),
            limits: Limits {
                creations_per_client: config.rate_limit_client,
                creations_per_ip: config.rate_limit_ip,
                clients_per_ip: config.rate_limit_clients_ip,
            },
            // In the database when instances share it (their limits hold for all of them together), else in memory.
            counters: store
                .counters()
                .unwrap_or_else(|| Arc::new(MemoryCounters::new())),
            lifetimes: Lifetimes {
                session_ms: secs_to_ms(config.session_lifetime_secs),
                inactivity_ms: secs_to_ms(config.session_inactivity_secs),
                code_ms: secs_to_ms(config.code_ttl_secs),
            },
            providers,
        }));
        Ok(Self {
            listener,
            state,
            store,
            config,
            demo_users,
            provider_lines,
            local_addr,
        })
    }

    /// The lines printed on standard output at start, in order.
    pub fn startup_lines(&self) -> Vec<String> {
        let mut lines = vec![format!(
            "clerk-wasm-server listening on http://{}",
            self.local_addr
        )];
        if self.config.dev {
            lines.push(format!("secret key: {}", self.state.secret_key.expose()));
        }
        for email in &self.demo_users {
            lines.push(format!("demo user: {email} / {}", seed::DEMO_PASSWORD));
        }
        lines.extend(self.provider_lines.iter().cloned());
        lines
    }

    /// Serve until `shutdown` resolves, then finish in-flight requests and close the database.
    pub async fn serve(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), StartupError> {
        let router = routes::router(
            self.state.clone(),
            &self.config.static_dir,
            &self.config.pkg_dir,
            self.config.dev,
        );
        let timeout = Duration::from_secs(self.config.request_timeout_secs.max(1));
        let app = ServiceBuilder::new()
            .layer(axum::middleware::from_fn(middleware::log_requests))
            .layer(axum::middleware::from_fn(middleware::finish_response))
            .layer(cors_layer(self.state.origins.clone()))
            .layer(axum::middleware::from_fn_with_state(
                timeout,
                middleware::timeout,
            ))
            .layer(CatchPanicLayer::custom(middleware::panic_response))
            .layer(axum::middleware::from_fn(
                middleware::reject_declared_oversize,
            ))
            .layer(axum::middleware::from_fn(middleware::method_override))
            .service(router);
        let limits = listen::ListenLimits {
            header_read_timeout: Duration::from_secs(self.config.header_read_timeout_secs.max(1)),
            max_connections: self.config.max_connections,
        };
        let purge = tokio::spawn(purge_empty_clients(
            self.store.clone(),
            Duration::from_secs(self.config.empty_client_ttl_secs.max(1)),
        ));
        let discovery = tokio::spawn(self.state.providers.clone().retry_discovery());
        listen::serve(self.listener, app, limits, shutdown).await;
        discovery.abort();
        purge.abort();
        self.store.close().await;
        Ok(())
    }
}

/// Bind, print the startup lines on standard output, and serve until `shutdown` resolves.
pub async fn run(
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), StartupError> {
    let server = Server::bind(config).await?;
    {
        let mut out = std::io::stdout().lock();
        for line in server.startup_lines() {
            let _ = writeln!(out, "{line}");
        }
        let _ = out.flush();
    }
    tracing::info!("listening on http://{}", server.local_addr);
    server.serve(shutdown).await
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut sig) => {
                sig.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

/// Name of the JWT signing key (PKCS#8 PEM) among a shared store's instance secrets.
const JWT_KEY_SECRET: &str = "jwt_rsa_pem";
/// Name of the backend secret key among a shared store's instance secrets.
const SECRET_KEY_SECRET: &str = "secret_key";

/// The first JWT signing key (PKCS#8 PEM; rotated keys live in the store, see [`KeyRing`]) and the backend secret
/// key: from the shared store when several instances may use it (the first instance creates them), else from files
/// in the data folder. `--secret-key` wins over both.
async fn instance_secrets(
    store: &dyn Store,
    config: &Config,
) -> Result<(String, SecretKey), StartupError> {
    if !store.is_shared() {
        let data_dir = config.data_dir.clone();
        let jwt = tokio::task::spawn_blocking(move || JwtKeys::load_or_create_pem(&data_dir))
            .await
            .map_err(|e| StartupError::Setup(format!("key task: {e}")))?
            .map_err(StartupError::Setup)?;
        let secret_key = SecretKey::load_or_create(config.secret_key.as_deref(), &config.data_dir)
            .map_err(StartupError::Setup)?;
        return Ok((jwt, secret_key));
    }
    let pem = store
        .instance_secret(JWT_KEY_SECRET, &JwtKeys::generate_pem)
        .await?;
    let secret_key = match config.secret_key.as_deref() {
        Some(given) => SecretKey::load_or_create(Some(given), &config.data_dir),
        None => {
            let stored = store
                .instance_secret(SECRET_KEY_SECRET, &|| Ok(SecretKey::generate()))
                .await?;
            SecretKey::from_stored(&stored)
        }
    }
    .map_err(StartupError::Setup)?;
    Ok((pem, secret_key))
}

/// Stored settings (or the defaults), overridden by the command line, then persisted.
async fn initial_settings(
    store: &dyn Store,
    config: &Config,
) -> Result<InstanceSettings, StartupError> {
    let mut settings = store.settings().await?.unwrap_or_default();
    if let Some(mode) = config.session_mode {
        settings.single_session_mode = mode == SessionMode::Single;
    }
    if let Some(v) = config.email_verification {
        settings.email_verification_required = v == EmailVerification::Required;
    }
    let mut batch = store::WriteBatch::new();
    batch.push(store::Write::Settings(settings));
    store.apply(batch).await?;
    Ok(settings)
}

/// The longest wait between two purges of empty clients.
const PURGE_INTERVAL_MAX: Duration = Duration::from_secs(3600);

/// Delete empty clients idle for `ttl`, every `ttl` (at most hourly), for ever.
async fn purge_empty_clients(store: Arc<dyn Store>, ttl: Duration) {
    let mut every = tokio::time::interval(ttl.min(PURGE_INTERVAL_MAX));
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let ttl_ms = i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX);
    loop {
        every.tick().await;
        match store
            .purge_empty_clients(ids::now_ms().saturating_sub(ttl_ms))
            .await
        {
            Ok(0) => {}
            Ok(n) => tracing::info!(clients = n, "purged empty clients"),
            Err(e) => tracing::warn!("purging empty clients: {e}"),
        }
    }
}

/// Seconds to milliseconds, saturating.
fn secs_to_ms(secs: u64) -> i64 {
    i64::try_from(secs).unwrap_or(i64::MAX).saturating_mul(1000)
}

/// CORS: allowed origins only, preflight answered, `Authorization` exposed, no credentials.
fn cors_layer(origins: Origins) -> CorsLayer {
    CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(move |origin: &HeaderValue, _| {
            origin.to_str().is_ok_and(|o| origins.is_allowed(o))
        }))
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
        .expose_headers([header::AUTHORIZATION, header::RETRY_AFTER])
        .max_age(CORS_MAX_AGE)
}
