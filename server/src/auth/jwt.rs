//! Session JWTs: an RSA 2048 key generated once into the data folder, RS256 signing and verification, the JWKS.

use std::path::Path;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding};
use rsa::traits::PublicKeyParts;
use rsa::RsaPrivateKey;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::ids;

/// File name of the signing key inside the data folder.
pub const KEY_FILE: &str = "jwt_rsa.pem";
/// RSA modulus size.
const KEY_BITS: usize = 2048;
/// Session JWT lifetime: short, so a revoked session stops working within a minute even for offline verifiers.
pub const TOKEN_LIFETIME_SECS: i64 = 60;

/// Claims of a session JWT.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SessionClaims {
    /// Frontend API origin.
    pub iss: String,
    /// User id.
    pub sub: String,
    /// Session id.
    pub sid: String,
    /// Issued at (Unix seconds).
    pub iat: i64,
    /// Not before (Unix seconds).
    pub nbf: i64,
    /// Expiry (Unix seconds).
    pub exp: i64,
    /// Authorized party: the requesting origin, when allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub azp: Option<String>,
}

/// The signing key and its public half.
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    kid: String,
    n: String,
    e: String,
}

impl JwtKeys {
    /// A new RSA private key as PKCS#8 PEM.
    pub fn generate_pem() -> Result<String, String> {
        let key = RsaPrivateKey::new(&mut rand::thread_rng(), KEY_BITS)
            .map_err(|e| format!("RSA keygen: {e}"))?;
        key.to_pkcs8_pem(LineEnding::LF)
            .map(|pem| pem.to_string())
            .map_err(|e| format!("PEM encoding: {e}"))
    }

    /// Keys from a PKCS#8 PEM private key (as stored by [`generate_pem`](Self::generate_pem)).
    pub fn from_pem(pem: &str) -> Result<Self, String> {
        let key = RsaPrivateKey::from_pkcs8_pem(pem).map_err(|e| format!("invalid key: {e}"))?;
        Self::from_key(&key)
    }

    /// Read `<data_dir>/jwt_rsa.pem`, or generate and save it (PKCS#8 PEM, mode 0600).
    pub fn load_or_create(data_dir: &Path) -> Result<Self, String> {
        Self::from_pem(&Self::load_or_create_pem(data_dir)?)
    }

    /// The PEM of `<data_dir>/jwt_rsa.pem`, generated and saved first if missing.
    pub fn load_or_create_pem(data_dir: &Path) -> Result<String, String> {
        let path = data_dir.join(KEY_FILE);
        match std::fs::read_to_string(&path) {
            Ok(pem) => {
                RsaPrivateKey::from_pkcs8_pem(&pem)
                    .map_err(|e| format!("{}: invalid key: {e}", path.display()))?;
                Ok(pem)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                tracing::info!("generating RSA signing key into {}", path.display());
                let pem = Self::generate_pem()?;
                super::write_private_file(&path, pem.as_bytes())
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
                Ok(pem)
            }
            Err(e) => Err(format!("cannot read {}: {e}", path.display())),
        }
    }

    /// Build from an RSA private key.
    fn from_key(key: &RsaPrivateKey) -> Result<Self, String> {
        let der = key
            .to_pkcs1_der()
            .map_err(|e| format!("DER encoding: {e}"))?;
        let modulus = key.n().to_bytes_be();
        let n = URL_SAFE_NO_PAD.encode(&modulus);
        let e = URL_SAFE_NO_PAD.encode(key.e().to_bytes_be());
        let decoding =
            DecodingKey::from_rsa_components(&n, &e).map_err(|e| format!("public key: {e}"))?;
        let kid = ids::hex(&Sha256::digest(&modulus))
            .chars()
            .take(16)
            .collect();
        Ok(Self {
            encoding: EncodingKey::from_rsa_der(der.as_bytes()),
            decoding,
            kid,
            n,
            e,
        })
    }

    /// The key id in the JWT header and the JWKS.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The public key as one JWK.
    pub fn jwk(&self) -> serde_json::Value {
        serde_json::json!({ "kty": "RSA", "use": "sig", "alg": "RS256", "kid": self.kid, "n": self.n, "e": self.e })
    }

    /// A JWKS document with this key alone.
    pub fn jwks(&self) -> serde_json::Value {
        serde_json::json!({ "keys": [self.jwk()] })
    }

    /// Sign claims (RS256, `kid` in the header).
    pub fn issue(&self, claims: &SessionClaims) -> Result<String, String> {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.encoding)
            .map_err(|e| format!("JWT signing: {e}"))
    }

    /// Claims for a session token issued at `now_secs`.
    pub fn claims(
        iss: &str,
        user_id: &str,
        session_id: &str,
        azp: Option<String>,
        now_secs: i64,
    ) -> SessionClaims {
        SessionClaims {
            iss: iss.to_string(),
            sub: user_id.to_string(),
            sid: session_id.to_string(),
            iat: now_secs,
            nbf: now_secs,
            exp: now_secs + TOKEN_LIFETIME_SECS,
            azp,
        }
    }

    /// Verify the key (the header's `kid` must name this server's key), the signature (RS256 only), `exp`, `nbf` and
    /// `iss`; `None` for anything invalid.
    pub fn verify(&self, token: &str, issuer: &str) -> Option<SessionClaims> {
        let header = jsonwebtoken::decode_header(token).ok()?;
        if header.kid.as_deref() != Some(self.kid.as_str()) {
            return None;
        }
        let mut validation = Validation::new(Algorithm::RS256);
        validation.leeway = 0;
        validation.validate_nbf = true;
        validation.set_issuer(&[issuer]);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "sub"]);
        jsonwebtoken::decode::<SessionClaims>(token, &self.decoding, &validation)
            .ok()
            .map(|data| data.claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_verify_and_reload() {
        let dir =
            std::env::temp_dir().join(format!("jwt-test-{}", ids::hex(&ids::random_bytes::<8>())));
        let keys = JwtKeys::load_or_create(&dir).expect("generate");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.join(KEY_FILE))
                .expect("key file")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert_eq!(keys.kid().len(), 16);
        let now = ids::now_ms() / 1000;
        let claims = JwtKeys::claims("http://127.0.0.1:1", "user_1", "sess_1", None, now);
        let jwt = keys.issue(&claims).expect("sign");
        assert_eq!(
            keys.verify(&jwt, "http://127.0.0.1:1"),
            Some(claims.clone())
        );
        assert_eq!(keys.verify(&jwt, "http://evil"), None);
        let reloaded = JwtKeys::load_or_create(&dir).expect("reload");
        assert_eq!(reloaded.kid(), keys.kid());
        assert!(reloaded.verify(&jwt, "http://127.0.0.1:1").is_some());
        let expired = JwtKeys::claims("http://127.0.0.1:1", "user_1", "sess_1", None, now - 120);
        assert_eq!(
            keys.verify(&keys.issue(&expired).expect("sign"), "http://127.0.0.1:1"),
            None
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
