//! Client tokens: `<client_id>.<secret>`, a 256-bit base64url secret of which only the SHA-256 is stored.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::ids;

/// Longest token we bother to parse (id + separator + 43-char secret, with margin).
const MAX_TOKEN_LEN: usize = 256;

/// A parsed (not yet verified) client token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientToken {
    /// The client id part.
    pub client_id: String,
    /// The secret part.
    pub secret: String,
}

impl ClientToken {
    /// Parse an `Authorization` header value (`<id>.<secret>`, optionally prefixed with `Bearer `).
    pub fn parse(header: &str) -> Option<Self> {
        let value = header.trim();
        let value = value.strip_prefix("Bearer ").unwrap_or(value).trim();
        if value.is_empty() || value.len() > MAX_TOKEN_LEN {
            return None;
        }
        let (client_id, secret) = value.split_once('.')?;
        let id_ok = client_id
            .strip_prefix("client_")
            .is_some_and(|r| !r.is_empty() && r.bytes().all(|b| b.is_ascii_alphanumeric()));
        let secret_ok = !secret.is_empty()
            && secret
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        (id_ok && secret_ok).then(|| Self {
            client_id: client_id.to_string(),
            secret: secret.to_string(),
        })
    }

    /// A fresh token for `client_id`.
    pub fn generate(client_id: &str) -> Self {
        Self {
            client_id: client_id.to_string(),
            secret: URL_SAFE_NO_PAD.encode(ids::random_bytes::<32>()),
        }
    }

    /// The header value.
    pub fn encode(&self) -> String {
        format!("{}.{}", self.client_id, self.secret)
    }

    /// Hex SHA-256 of the secret, as stored.
    pub fn secret_hash(&self) -> String {
        ids::hex(&Sha256::digest(self.secret.as_bytes()))
    }

    /// Whether the secret matches `stored_hash` (constant-time comparison).
    pub fn matches(&self, stored_hash: &str) -> bool {
        self.secret_hash()
            .as_bytes()
            .ct_eq(stored_hash.as_bytes())
            .into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generate_parse_and_match() {
        let token = ClientToken::generate("client_abc123");
        let encoded = token.encode();
        assert_eq!(token.secret.len(), 43);
        let parsed = ClientToken::parse(&encoded).expect("parses");
        assert_eq!(parsed, token);
        assert!(parsed.matches(&token.secret_hash()));
        assert!(!ClientToken::generate("client_abc123").matches(&token.secret_hash()));
        assert_eq!(
            ClientToken::parse(&format!("Bearer {encoded}")),
            Some(token)
        );
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "",
            "client_abc",
            "client_.x",
            "sess_abc.xyz",
            "client_abc.",
            "client_abc.x y",
            "client_a b.c",
        ] {
            assert_eq!(ClientToken::parse(bad), None, "{bad}");
        }
        assert_eq!(
            ClientToken::parse(&format!("client_a.{}", "x".repeat(300))),
            None
        );
    }
}
