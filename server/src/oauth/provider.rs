//! The configured providers at run time: discovery (at start, then retried in the background while a provider is
//! down), the authorization URL of a new sign-in, and the callback's code exchange and id_token verification.
//! Requests go only to the issuer's discovery document and the token and keys endpoints it names, never follow
//! redirects, and time out.

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use jsonwebtoken::jwk::JwkSet;
use oauth2::basic::{
    BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
    BasicTokenType,
};
use oauth2::{
    AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointNotSet, EndpointSet,
    ExtraTokenFields, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope,
    StandardRevocableToken, StandardTokenResponse, TokenUrl,
};
use serde::{Deserialize, Serialize};
use url::Url;

use super::config::{is_allowed_endpoint, ProviderSpec};
use super::id_token::{self, IdClaims, IdTokenError};

/// Every request to a provider gives up after this long: a slow provider must not hold a callback (or start-up)
/// for long, and the browser waiting on the callback is a person.
const HTTP_TIMEOUT: Duration = Duration::from_secs(10);
/// First wait before discovering a provider that was down again; doubled after each failure.
const RETRY_FIRST: Duration = Duration::from_millis(500);
/// Longest wait between two discovery attempts of a provider that stays down.
const RETRY_MAX: Duration = Duration::from_secs(30);
/// The keys are fetched again for an unknown `kid` (a key rotation) at most this often.
const JWKS_REFETCH_MIN: Duration = Duration::from_secs(60);
/// Largest discovery document or key set read (they are a few kilobytes).
const MAX_DOCUMENT_BYTES: usize = 256 * 1024;
/// The scopes asked for: the id_token with the user's email and names.
const SCOPES: [&str; 3] = ["openid", "email", "profile"];

/// What discovery found: the provider's endpoints and current keys.
struct Discovered {
    authorization_endpoint: Url,
    token_endpoint: Url,
    jwks_uri: Url,
    keys: JwkSet,
    keys_fetched: Instant,
}

/// One configured provider and what is known of it.
pub struct Provider {
    /// Its configuration.
    pub spec: ProviderSpec,
    discovered: RwLock<Option<Arc<Discovered>>>,
}

/// Why a provider request failed (the text is for the log).
#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    /// Not discovered yet: the provider was down at start and still is.
    #[error("provider not available yet")]
    Unavailable,
    /// A request to the provider failed or answered something unusable.
    #[error("{0}")]
    Request(String),
    /// The code exchange answered without an id_token.
    #[error("the token response has no id_token")]
    NoIdToken,
    /// The id_token was refused.
    #[error("id_token: {0}")]
    IdToken(#[from] IdTokenError),
}

/// A new sign-in's authorization request: the URL to send the browser to and the secrets to keep for the callback.
pub struct Authorization {
    /// The provider's authorization URL with `state`, `nonce` and the PKCE challenge.
    pub url: String,
    /// The `state` (keep its hash).
    pub state: String,
    /// The OpenID `nonce` the id_token must carry.
    pub nonce: String,
    /// The PKCE verifier for the code exchange.
    pub pkce_verifier: String,
}

/// The extra field of an OpenID Connect token response.
#[derive(Debug, Clone, Deserialize, Serialize)]
struct IdTokenField {
    id_token: Option<String>,
}
impl ExtraTokenFields for IdTokenField {}

/// An oauth2 client whose token responses carry the id_token, with the authorization and token endpoints set.
type OidcClient = oauth2::Client<
    BasicErrorResponse,
    StandardTokenResponse<IdTokenField, BasicTokenType>,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

/// All configured providers and the HTTP client that talks to them.
pub struct Providers {
    list: Vec<Arc<Provider>>,
    /// Built only when a provider is configured (it loads the system's root certificates).
    http: Option<reqwest::Client>,
}

/// The discovery document's fields used here.
#[derive(Deserialize)]
struct DiscoveryDocument {
    issuer: String,
    authorization_endpoint: String,
    token_endpoint: String,
    jwks_uri: String,
}

impl Providers {
    /// The providers of `specs` (none discovered yet); duplicate keys are refused.
    pub fn new(specs: Vec<ProviderSpec>) -> Result<Self, String> {
        for (i, spec) in specs.iter().enumerate() {
            if specs[..i].iter().any(|s| s.key == spec.key) {
                return Err(format!("--oauth-provider key {} is given twice", spec.key));
            }
        }
        let http = if specs.is_empty() {
            None
        } else {
            let client = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(HTTP_TIMEOUT)
                .connect_timeout(HTTP_TIMEOUT)
                .build()
                .map_err(|e| format!("HTTP client for the OpenID providers: {e}"))?;
            Some(client)
        };
        Ok(Self {
            list: specs
                .into_iter()
                .map(|spec| {
                    Arc::new(Provider {
                        spec,
                        discovered: RwLock::new(None),
                    })
                })
                .collect(),
            http,
        })
    }

    /// The providers, in configuration order.
    pub fn all(&self) -> &[Arc<Provider>] {
        &self.list
    }

    /// The provider whose strategy is `strategy` (`oauth_custom_<key>`).
    pub fn by_strategy(&self, strategy: &str) -> Option<&Arc<Provider>> {
        let key = strategy.strip_prefix("oauth_custom_")?;
        self.by_key(key)
    }

    /// The provider with this key.
    pub fn by_key(&self, key: &str) -> Option<&Arc<Provider>> {
        self.list.iter().find(|p| p.spec.key == key)
    }

    /// The HTTP client (present whenever a provider is).
    fn http(&self) -> Result<&reqwest::Client, ProviderError> {
        self.http
            .as_ref()
            .ok_or_else(|| ProviderError::Request("no HTTP client".into()))
    }

    /// Discover every provider once, together; returns one line per provider saying how it went.
    pub async fn discover_all(&self) -> Vec<String> {
        let Ok(http) = self.http() else {
            return Vec::new();
        };
        let mut tasks = tokio::task::JoinSet::new();
        for provider in &self.list {
            let (provider, http) = (provider.clone(), http.clone());
            tasks.spawn(async move {
                let result = provider.discover(&http).await;
                (provider, result)
            });
        }
        let mut lines = Vec::new();
        while let Some(Ok((provider, result))) = tasks.join_next().await {
            let spec = &provider.spec;
            lines.push(match result {
                Ok(()) => format!(
                    "oauth provider {}: {} ({})",
                    spec.key, spec.issuer, spec.label
                ),
                Err(e) => {
                    tracing::warn!(provider = %spec.key, "discovery failed: {e}");
                    format!(
                        "oauth provider {}: {} unavailable ({e}); retrying in the background",
                        spec.key, spec.issuer
                    )
                }
            });
        }
        lines.sort();
        lines
    }

    /// Keep discovering the providers that are not yet, with growing pauses, until all are (for ever).
    pub async fn retry_discovery(self: Arc<Self>) {
        let Ok(http) = self.http() else { return };
        let mut pause = RETRY_FIRST;
        loop {
            let pending: Vec<_> = self
                .list
                .iter()
                .filter(|p| !p.is_available())
                .cloned()
                .collect();
            if pending.is_empty() {
                return;
            }
            tokio::time::sleep(pause).await;
            for provider in pending {
                match provider.discover(http).await {
                    Ok(()) => tracing::info!(provider = %provider.spec.key, "provider discovered"),
                    Err(e) => {
                        tracing::debug!(provider = %provider.spec.key, "discovery failed: {e}")
                    }
                }
            }
            pause = (pause * 2).min(RETRY_MAX);
        }
    }

    /// Begin a sign-in at `provider`: a fresh state, nonce and PKCE pair, and the URL with them. `login_hint` (the
    /// app's `oidc_login_hint`) is passed on as OpenID Connect's `login_hint`: which account the provider should
    /// offer or pre-fill.
    pub fn authorize(
        &self,
        provider: &Provider,
        redirect_uri: &str,
        login_hint: Option<&str>,
    ) -> Result<Authorization, ProviderError> {
        let found = provider.discovered().ok_or(ProviderError::Unavailable)?;
        let client = provider.client(&found, redirect_uri)?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let nonce = CsrfToken::new_random().secret().clone();
        let mut request = client
            .authorize_url(CsrfToken::new_random)
            .add_scopes(SCOPES.iter().map(|s| Scope::new(s.to_string())))
            .add_extra_param("nonce", nonce.clone())
            .set_pkce_challenge(challenge);
        if let Some(hint) = login_hint {
            request = request.add_extra_param("login_hint", hint.to_string());
        }
        let (url, state) = request.url();
        Ok(Authorization {
            url: url.to_string(),
            state: state.secret().clone(),
            nonce,
            pkce_verifier: verifier.secret().clone(),
        })
    }

    /// The callback's work: exchange `code` (with the PKCE verifier) at the token endpoint and verify the id_token
    /// it returns for `nonce`. An unknown signing key makes the keys be fetched again once (a key rotation).
    pub async fn exchange(
        &self,
        provider: &Provider,
        redirect_uri: &str,
        code: &str,
        pkce_verifier: &str,
        nonce: &str,
    ) -> Result<IdClaims, ProviderError> {
        let found = provider.discovered().ok_or(ProviderError::Unavailable)?;
        let client = provider.client(&found, redirect_uri)?;
        let response = client
            .exchange_code(AuthorizationCode::new(code.to_string()))
            .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.to_string()))
            .request_async(self.http()?)
            .await
            .map_err(|e| ProviderError::Request(format!("code exchange: {}", describe(&e))))?;
        let token = response
            .extra_fields()
            .id_token
            .clone()
            .ok_or(ProviderError::NoIdToken)?;
        let spec = &provider.spec;
        match id_token::verify(&token, &found.keys, &spec.issuer, &spec.client_id, nonce) {
            Err(e) if e.is_unknown_key() && found.keys_fetched.elapsed() >= JWKS_REFETCH_MIN => {
                let keys = fetch_json::<JwkSet>(self.http()?, &found.jwks_uri).await?;
                let claims = id_token::verify(&token, &keys, &spec.issuer, &spec.client_id, nonce);
                provider.set_discovered(Discovered {
                    authorization_endpoint: found.authorization_endpoint.clone(),
                    token_endpoint: found.token_endpoint.clone(),
                    jwks_uri: found.jwks_uri.clone(),
                    keys,
                    keys_fetched: Instant::now(),
                });
                Ok(claims?)
            }
            result => Ok(result?),
        }
    }
}

/// An oauth2 request error without the response body (which may echo secrets).
fn describe<RE: std::error::Error + 'static, T: oauth2::ErrorResponse + 'static>(
    e: &oauth2::RequestTokenError<RE, T>,
) -> String {
    match e {
        oauth2::RequestTokenError::ServerResponse(r) => format!("provider refused: {r}"),
        oauth2::RequestTokenError::Request(e) => format!("request failed: {e}"),
        oauth2::RequestTokenError::Parse(e, _) => format!("unreadable response: {e}"),
        oauth2::RequestTokenError::Other(e) => e.clone(),
    }
}

impl Provider {
    /// Whether discovery succeeded (sign-ins can start).
    pub fn is_available(&self) -> bool {
        self.discovered().is_some()
    }

    fn discovered(&self) -> Option<Arc<Discovered>> {
        self.discovered
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    fn set_discovered(&self, found: Discovered) {
        *self.discovered.write().unwrap_or_else(|p| p.into_inner()) = Some(Arc::new(found));
    }

    /// Read the discovery document and the keys it names.
    async fn discover(&self, http: &reqwest::Client) -> Result<(), ProviderError> {
        let base = self.spec.issuer.trim_end_matches('/');
        let url = endpoint(&format!("{base}/.well-known/openid-configuration"))?;
        let doc: DiscoveryDocument = fetch_json(http, &url).await?;
        if doc.issuer != self.spec.issuer {
            return Err(ProviderError::Request(format!(
                "the discovery document names the issuer {:?}",
                doc.issuer
            )));
        }
        let jwks_uri = endpoint(&doc.jwks_uri)?;
        let keys = fetch_json::<JwkSet>(http, &jwks_uri).await?;
        self.set_discovered(Discovered {
            authorization_endpoint: endpoint(&doc.authorization_endpoint)?,
            token_endpoint: endpoint(&doc.token_endpoint)?,
            jwks_uri,
            keys,
            keys_fetched: Instant::now(),
        });
        Ok(())
    }

    fn client(&self, found: &Discovered, redirect_uri: &str) -> Result<OidcClient, ProviderError> {
        let redirect = RedirectUrl::new(redirect_uri.to_string())
            .map_err(|e| ProviderError::Request(format!("redirect URI: {e}")))?;
        Ok(
            oauth2::Client::new(ClientId::new(self.spec.client_id.clone()))
                .set_client_secret(ClientSecret::new(self.spec.client_secret.clone()))
                .set_auth_uri(AuthUrl::from_url(found.authorization_endpoint.clone()))
                .set_token_uri(TokenUrl::from_url(found.token_endpoint.clone()))
                .set_redirect_uri(redirect),
        )
    }
}

/// A provider endpoint URL, refused unless https (or http on this machine).
fn endpoint(raw: &str) -> Result<Url, ProviderError> {
    let url = Url::parse(raw).map_err(|e| ProviderError::Request(format!("{raw:?}: {e}")))?;
    if !is_allowed_endpoint(&url) {
        return Err(ProviderError::Request(format!(
            "{raw:?} is not an https URL"
        )));
    }
    Ok(url)
}

/// GET `url` and parse its JSON body (a success status and at most [`MAX_DOCUMENT_BYTES`] required).
async fn fetch_json<T: serde::de::DeserializeOwned>(
    http: &reqwest::Client,
    url: &Url,
) -> Result<T, ProviderError> {
    let failed = |e: String| ProviderError::Request(format!("{url}: {e}"));
    let response = http
        .get(url.clone())
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .map_err(|e| failed(e.to_string()))?;
    if !response.status().is_success() {
        return Err(failed(format!("status {}", response.status())));
    }
    if response
        .content_length()
        .is_some_and(|n| n > MAX_DOCUMENT_BYTES as u64)
    {
        return Err(failed("too large".into()));
    }
    let body = response.bytes().await.map_err(|e| failed(e.to_string()))?;
    if body.len() > MAX_DOCUMENT_BYTES {
        return Err(failed("too large".into()));
    }
    serde_json::from_slice(&body).map_err(|e| failed(e.to_string()))
}
