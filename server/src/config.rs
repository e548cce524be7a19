//! Command-line flags, each with an environment-variable equivalent.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, ValueEnum};

/// `--session-mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SessionMode {
    /// Many sessions per client.
    Multi,
    /// One session per client.
    Single,
}

/// `--email-verification`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EmailVerification {
    /// Sign-ups verify their email with a code.
    Required,
    /// Sign-ups complete at once.
    Off,
}

/// Reference Frontend API server for clerk-wasm (axum + SQLite).
#[derive(Debug, Clone, Parser)]
#[command(name = "clerk-wasm-server", version, about)]
pub struct Config {
    /// Listen address; port 0 picks a free port.
    #[arg(long, env = "CLERK_ADDR", default_value = "127.0.0.1:8787")]
    pub addr: SocketAddr,
    /// Database URL, migrated on start: `sqlite://path` (the file created, with its folder) or `postgres://…` (several
    /// instances may share one PostgreSQL database; see "Running several instances" in docs/server.md).
    #[arg(
        long,
        env = "CLERK_DATABASE_URL",
        default_value = "sqlite://.data/dev.db"
    )]
    pub database_url: String,
    /// The origin clients reach the server at, used as `iss` of session JWTs (default: `http://<listen address>`).
    /// Instances behind one load balancer must all be given the same value.
    #[arg(long, env = "CLERK_PUBLIC_URL", value_parser = parse_public_url)]
    pub public_url: Option<String>,
    /// Folder of the generated RSA signing key (jwt_rsa.pem) and secret key (secret_key).
    #[arg(long, env = "CLERK_DATA_DIR", default_value = ".data")]
    pub data_dir: PathBuf,
    /// CORS origin allowed to call the API (repeatable; the env var is comma-separated).
    #[arg(
        long = "allowed-origin",
        env = "CLERK_ALLOWED_ORIGINS",
        value_delimiter = ','
    )]
    pub allowed_origins: Vec<String>,
    /// Folder served at `/`.
    #[arg(long, env = "CLERK_STATIC_DIR", default_value = "www")]
    pub static_dir: PathBuf,
    /// Folder served at `/pkg/`.
    #[arg(long, env = "CLERK_PKG_DIR", default_value = "pkg")]
    pub pkg_dir: PathBuf,
    /// Session mode; persisted (default: the stored value, else multi).
    #[arg(long, env = "CLERK_SESSION_MODE", value_enum)]
    pub session_mode: Option<SessionMode>,
    /// Whether sign-ups must verify their email; persisted (default: the stored value, else off).
    #[arg(long, env = "CLERK_EMAIL_VERIFICATION", value_enum)]
    pub email_verification: Option<EmailVerification>,
    /// Development mode: /dev/outbox, CORS for any http://127.0.0.1:* / http://localhost:* origin, secret key printed.
    #[arg(long, env = "CLERK_DEV")]
    pub dev: bool,
    /// Create three demo users (idempotent) and print their credentials.
    #[arg(long, env = "CLERK_SEED_DEMO")]
    pub seed_demo: bool,
    /// Backend API key (sk_test_… or sk_live_…); default: generated into <data-dir>/secret_key.
    #[arg(long, env = "CLERK_SECRET_KEY", hide_env_values = true, value_parser = parse_secret_key)]
    pub secret_key: Option<String>,
    /// A session expires this long after creation.
    #[arg(long, env = "CLERK_SESSION_LIFETIME_SECS", default_value_t = 604_800)]
    pub session_lifetime_secs: u64,
    /// A session is abandoned after this long without activity.
    #[arg(
        long,
        env = "CLERK_SESSION_INACTIVITY_SECS",
        default_value_t = 2_592_000
    )]
    pub session_inactivity_secs: u64,
    /// Lifetime of an email code.
    #[arg(long, env = "CLERK_CODE_TTL_SECS", default_value_t = 600)]
    pub code_ttl_secs: u64,
    /// Sign-in + sign-up creations allowed per client per 10 minutes.
    #[arg(long, env = "CLERK_RATE_LIMIT_CLIENT", default_value_t = 30)]
    pub rate_limit_client: usize,
    /// Sign-in + sign-up creations allowed per IP address per 10 minutes.
    #[arg(long, env = "CLERK_RATE_LIMIT_IP", default_value_t = 300)]
    pub rate_limit_ip: usize,
    /// Clients created by `POST /v1/client` per IP address per 10 minutes.
    #[arg(long, env = "CLERK_RATE_LIMIT_CLIENTS_IP", default_value_t = 300)]
    pub rate_limit_clients_ip: usize,
    /// A connection is closed when it has not sent a complete request head this long after opening (or after
    /// its previous answer).
    #[arg(long, env = "CLERK_HEADER_READ_TIMEOUT_SECS", default_value_t = 10)]
    pub header_read_timeout_secs: u64,
    /// Connections open at once; more wait in the listen backlog until one closes.
    #[arg(long, env = "CLERK_MAX_CONNECTIONS", default_value_t = 512)]
    pub max_connections: usize,
    /// Clients with no session and no sign-in or sign-up activity for this long are deleted (checked periodically).
    #[arg(long, env = "CLERK_EMPTY_CLIENT_TTL_SECS", default_value_t = 86_400)]
    pub empty_client_ttl_secs: u64,
    /// Per-request timeout.
    #[arg(long, env = "CLERK_REQUEST_TIMEOUT_SECS", default_value_t = 30)]
    pub request_timeout_secs: u64,
    /// How often an instance reloads the JWT signing keys from the database (to pick up a rotation made on another
    /// instance), in milliseconds.
    #[arg(long, env = "CLERK_SIGNING_KEY_REFRESH_MS", default_value_t = 5_000)]
    pub signing_key_refresh_ms: u64,
    /// How long a rotated-out JWT signing key stays published in the JWKS, in milliseconds: at least the token
    /// lifetime (60 s) plus the refresh interval, so every token it signed expires before it goes.
    #[arg(
        long,
        env = "CLERK_SIGNING_KEY_RETENTION_MS",
        default_value_t = 120_000
    )]
    pub signing_key_retention_ms: u64,
    /// OpenID Connect provider for social sign-in (repeatable):
    /// `key=<short name>,issuer=<issuer URL>,client_id=<id>,client_secret=<secret>[,label=<button text>]`.
    /// The environment variable holds the same list separated by `;`. Register `<public URL>/v1/oauth_callback` as
    /// the redirect URI at the provider.
    #[arg(
        long = "oauth-provider",
        env = "CLERK_OAUTH_PROVIDERS",
        value_delimiter = ';',
        hide_env_values = true,
        value_parser = crate::oauth::config::parse_provider
    )]
    pub oauth_providers: Vec<crate::oauth::config::ProviderSpec>,
}

/// Validate `--public-url`: an http(s) origin; a trailing `/` is dropped.
fn parse_public_url(value: &str) -> Result<String, String> {
    let origin = value.trim().trim_end_matches('/');
    let rest = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && !host.contains(['/', '?', '#', ' ']) => {
            Ok(origin.to_string())
        }
        _ => Err("must be an origin such as https://auth.example.com".into()),
    }
}

/// Validate `--secret-key`.
fn parse_secret_key(value: &str) -> Result<String, String> {
    if crate::auth::secret_key::is_well_formed(value) {
        Ok(value.to_string())
    } else {
        Err(format!(
            "must start with sk_test_ or sk_live_ followed by at least {} characters (32 random bytes)",
            crate::auth::secret_key::MIN_KEY_CHARS
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults() {
        let c = Config::try_parse_from(["clerk-wasm-server"]).expect("parse");
        assert_eq!(c.addr.to_string(), "127.0.0.1:8787");
        assert_eq!(c.session_lifetime_secs, 604_800);
        assert!(!c.dev && c.session_mode.is_none() && c.allowed_origins.is_empty());
    }

    #[test]
    fn flags() {
        let c = Config::try_parse_from([
            "x",
            "--addr",
            "127.0.0.1:0",
            "--dev",
            "--session-mode",
            "single",
            "--allowed-origin",
            "http://a",
            "--allowed-origin",
            "http://b",
            "--secret-key",
            "sk_test_0123456789abcdef0123456789abcdef0123456789abcdef",
        ])
        .expect("parse");
        assert_eq!(c.session_mode, Some(SessionMode::Single));
        assert_eq!(c.allowed_origins, ["http://a", "http://b"]);
        assert!(c.dev);
        assert!(Config::try_parse_from(["x", "--secret-key", "nope"]).is_err());
        let c = Config::try_parse_from([
            "x",
            "--oauth-provider",
            "key=a,issuer=https://a.example,client_id=1,client_secret=2",
            "--oauth-provider",
            "key=b,issuer=http://127.0.0.1:9,client_id=1,client_secret=2,label=B",
        ])
        .expect("parse");
        let keys: Vec<&str> = c.oauth_providers.iter().map(|p| p.key.as_str()).collect();
        assert_eq!(keys, ["a", "b"]);
        assert!(Config::try_parse_from(["x", "--oauth-provider", "key=a"]).is_err());
        assert!(Config::try_parse_from(["x", "--secret-key", "sk_test_short"]).is_err());
        let c =
            Config::try_parse_from(["x", "--public-url", "https://auth.example/"]).expect("parse");
        assert_eq!(c.public_url.as_deref(), Some("https://auth.example"));
        for bad in [
            "auth.example",
            "https://",
            "https://a.example/path",
            "ftp://a.example",
        ] {
            assert!(
                Config::try_parse_from(["x", "--public-url", bad]).is_err(),
                "{bad}"
            );
        }
    }
}
