//! `GET /api/whoami`: what an app server does with a session JWT (written to be copied): take the token from
//! `Authorization: Bearer …` (scheme in any case), pick the key by the header's `kid`, refuse any `crit` extension
//! (none is understood), verify RS256, `iss`, `exp` and `nbf`, and when `azp` is present, require an allowed origin.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::Json;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Verify `Authorization: Bearer <jwt>` and answer `{"user_id", "session_id"}`.
pub async fn whoami(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
) -> ApiResult<Json<serde_json::Value>> {
    let jwt = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(bearer_token)
        .ok_or(ApiError::AuthenticationInvalid)?;
    if has_crit(jwt) {
        return Err(ApiError::AuthenticationInvalid);
    }
    let claims = state
        .jwt
        .verify(jwt, &state.issuer)
        .await
        .ok_or(ApiError::AuthenticationInvalid)?;
    if claims
        .azp
        .as_deref()
        .is_some_and(|azp| !state.origins.is_allowed(azp))
    {
        return Err(ApiError::AuthenticationInvalid);
    }
    Ok(Json(
        serde_json::json!({ "user_id": claims.sub, "session_id": claims.sid }),
    ))
}

/// The token of a `Bearer` credential; the scheme is case-insensitive (RFC 9110 §11.1).
fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Whether the JWT header lists critical extensions (RFC 7515 §4.1.11): this verifier understands none, so any
/// `crit` (or an unreadable header) means the token must be refused.
fn has_crit(jwt: &str) -> bool {
    let Some(header) = jwt.split('.').next() else {
        return true;
    };
    let Ok(bytes) = URL_SAFE_NO_PAD.decode(header) else {
        return true;
    };
    match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(serde_json::Value::Object(map)) => map.contains_key("crit"),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_scheme_in_any_case() {
        assert_eq!(bearer_token("Bearer abc"), Some("abc"));
        assert_eq!(bearer_token("bearer abc"), Some("abc"));
        assert_eq!(bearer_token("BEARER  abc "), Some("abc"));
        assert_eq!(bearer_token("Basic abc"), None);
        assert_eq!(bearer_token("Bearer "), None);
        assert_eq!(bearer_token("abc"), None);
    }

    #[test]
    fn crit_is_refused() {
        let enc = |v: &str| URL_SAFE_NO_PAD.encode(v);
        assert!(!has_crit(&format!("{}.x.y", enc(r#"{"alg":"RS256"}"#))));
        assert!(has_crit(&format!(
            "{}.x.y",
            enc(r#"{"alg":"RS256","crit":["exp"]}"#)
        )));
        assert!(has_crit("%%%.x.y"));
    }
}
