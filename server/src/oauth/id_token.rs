//! Verify an id_token with `jsonwebtoken`: signed by one of the provider's published keys with an asymmetric
//! algorithm, issued by the provider (`iss`), for this client (`aud`), not expired (`exp`), and carrying the nonce
//! of the sign-in it answers.

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{decode, decode_header, Algorithm, DecodingKey, Validation};
use serde::Deserialize;

/// Clock skew allowed between the provider and this server on `exp` (and `nbf`/`iat` when checked).
const LEEWAY_SECS: u64 = 60;

/// Algorithms accepted: public-key signatures only (an HMAC "signature" would be keyed with the client secret, and
/// `none` is no signature).
const ALGORITHMS: [Algorithm; 8] = [
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
];

/// The claims the server reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdClaims {
    /// The provider's stable id of the user.
    pub sub: String,
    /// Email address as the provider gives it (not normalised).
    pub email: Option<String>,
    /// Whether the provider verified it (`true` or the string `"true"`; anything else is no).
    pub email_verified: bool,
    /// `given_name`.
    pub given_name: Option<String>,
    /// `family_name`.
    pub family_name: Option<String>,
}

/// Why an id_token is refused (all of them are `oauth_id_token_invalid` to the browser; the text is for the log).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum IdTokenError {
    /// Not a JWT, or signed with an algorithm not accepted.
    #[error("malformed or unsupported token: {0}")]
    Malformed(String),
    /// No published key has the token's `kid`.
    #[error("no provider key {0:?}")]
    UnknownKey(Option<String>),
    /// Signature, `iss`, `aud`, `exp` or a required claim is wrong.
    #[error("token refused: {0}")]
    Invalid(String),
    /// The `nonce` is not the sign-in's.
    #[error("nonce mismatch")]
    NonceMismatch,
}

impl IdTokenError {
    /// Whether fetching the provider's keys again could help (a key rotation).
    pub fn is_unknown_key(&self) -> bool {
        matches!(self, Self::UnknownKey(_))
    }
}

#[derive(Deserialize)]
struct RawClaims {
    sub: String,
    nonce: Option<String>,
    email: Option<String>,
    email_verified: Option<serde_json::Value>,
    given_name: Option<String>,
    family_name: Option<String>,
}

/// Verify `token` against `keys`, expecting `issuer`, the audience `client_id` and `nonce`.
pub fn verify(
    token: &str,
    keys: &JwkSet,
    issuer: &str,
    client_id: &str,
    nonce: &str,
) -> Result<IdClaims, IdTokenError> {
    let header = decode_header(token).map_err(|e| IdTokenError::Malformed(e.to_string()))?;
    if !ALGORITHMS.contains(&header.alg) {
        return Err(IdTokenError::Malformed(format!(
            "algorithm {:?}",
            header.alg
        )));
    }
    let jwk = match &header.kid {
        Some(kid) => keys.find(kid),
        // Without a kid, only a provider with one key is unambiguous.
        None if keys.keys.len() == 1 => keys.keys.first(),
        None => None,
    }
    .ok_or_else(|| IdTokenError::UnknownKey(header.kid.clone()))?;
    let key = DecodingKey::from_jwk(jwk).map_err(|e| IdTokenError::Malformed(e.to_string()))?;
    let mut validation = Validation::new(header.alg);
    validation.set_issuer(&[issuer]);
    validation.set_audience(&[client_id]);
    validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    validation.leeway = LEEWAY_SECS;
    let claims = decode::<RawClaims>(token, &key, &validation)
        .map_err(|e| IdTokenError::Invalid(e.to_string()))?
        .claims;
    if claims.nonce.as_deref() != Some(nonce) {
        return Err(IdTokenError::NonceMismatch);
    }
    let email_verified = match &claims.email_verified {
        Some(serde_json::Value::Bool(b)) => *b,
        Some(serde_json::Value::String(s)) => s == "true",
        _ => false,
    };
    Ok(IdClaims {
        sub: claims.sub,
        email: claims.email,
        email_verified,
        given_name: claims.given_name,
        family_name: claims.family_name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::jwt::JwtKeys;
    use jsonwebtoken::{encode, EncodingKey, Header};

    const ISSUER: &str = "https://idp.example";

    struct Provider {
        pem: String,
        keys: JwkSet,
        kid: String,
    }

    fn provider() -> Provider {
        let pem = JwtKeys::generate_pem().expect("key");
        let jwt = JwtKeys::from_pem(&pem).expect("key");
        let keys: JwkSet = serde_json::from_value(jwt.jwks()).expect("jwks");
        Provider {
            kid: jwt.kid().to_string(),
            pem,
            keys,
        }
    }

    fn sign(p: &Provider, claims: serde_json::Value) -> String {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(p.kid.clone());
        let key = EncodingKey::from_rsa_pem(p.pem.as_bytes()).expect("pem");
        encode(&header, &claims, &key).expect("sign")
    }

    fn claims(overrides: serde_json::Value) -> serde_json::Value {
        let now = crate::ids::now_ms() / 1000;
        let mut c = serde_json::json!({
            "iss": ISSUER, "aud": "client-1", "sub": "u1", "exp": now + 300, "iat": now,
            "nonce": "n-1", "email": "Ada@Example.com", "email_verified": true, "given_name": "Ada",
        });
        if let (Some(c), Some(o)) = (c.as_object_mut(), overrides.as_object()) {
            for (k, v) in o {
                c.insert(k.clone(), v.clone());
            }
        }
        c
    }

    #[test]
    fn a_good_token_gives_its_claims() {
        let p = provider();
        let got = verify(
            &sign(&p, claims(serde_json::json!({}))),
            &p.keys,
            ISSUER,
            "client-1",
            "n-1",
        )
        .expect("valid");
        assert_eq!(got.sub, "u1");
        assert_eq!(got.email.as_deref(), Some("Ada@Example.com"));
        assert!(got.email_verified);
        assert_eq!(got.given_name.as_deref(), Some("Ada"));
    }

    #[test]
    fn each_wrong_claim_is_refused() {
        let p = provider();
        let now = crate::ids::now_ms() / 1000;
        for (what, overrides) in [
            ("issuer", serde_json::json!({"iss": "https://evil.example"})),
            ("audience", serde_json::json!({"aud": "someone-else"})),
            ("expiry", serde_json::json!({"exp": now - 3600})),
        ] {
            let token = sign(&p, claims(overrides));
            assert!(
                matches!(
                    verify(&token, &p.keys, ISSUER, "client-1", "n-1"),
                    Err(IdTokenError::Invalid(_))
                ),
                "{what}"
            );
        }
        let token = sign(&p, claims(serde_json::json!({"nonce": "other"})));
        assert_eq!(
            verify(&token, &p.keys, ISSUER, "client-1", "n-1"),
            Err(IdTokenError::NonceMismatch)
        );
    }

    #[test]
    fn another_key_or_a_forged_algorithm_is_refused() {
        let p = provider();
        let other = provider();
        let token = sign(&other, claims(serde_json::json!({})));
        assert!(
            verify(&token, &p.keys, ISSUER, "client-1", "n-1").is_err_and(|e| e.is_unknown_key())
        );
        // Same kid, another key: the signature fails.
        let mut forged = Provider {
            kid: p.kid.clone(),
            pem: other.pem.clone(),
            keys: other.keys.clone(),
        };
        let token = sign(&forged, claims(serde_json::json!({})));
        assert!(matches!(
            verify(&token, &p.keys, ISSUER, "client-1", "n-1"),
            Err(IdTokenError::Invalid(_))
        ));
        // HS256 keyed with anything is refused before any key is used.
        forged.kid = p.kid.clone();
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(p.kid.clone());
        let token = encode(
            &header,
            &claims(serde_json::json!({})),
            &EncodingKey::from_secret(b"client-secret"),
        )
        .expect("sign");
        assert!(matches!(
            verify(&token, &p.keys, ISSUER, "client-1", "n-1"),
            Err(IdTokenError::Malformed(_))
        ));
        assert!(matches!(
            verify("not.a.jwt", &p.keys, ISSUER, "client-1", "n-1"),
            Err(IdTokenError::Malformed(_))
        ));
    }
}
