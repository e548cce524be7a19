//! The backend API secret key (`sk_test_…`): given on the command line or generated once into the data folder.

use std::path::Path;

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::ids;

/// File name of the generated key inside the data folder.
pub const SECRET_KEY_FILE: &str = "secret_key";

/// The secret key; compared in constant time.
#[derive(Clone)]
pub struct SecretKey {
    value: String,
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(…)")
    }
}

/// Shortest accepted text after the prefix: 32 random bytes written in base64url (hex takes 64 characters). A
/// shorter key is refused at start: the backend API key opens every account.
pub const MIN_KEY_CHARS: usize = 43;

/// Whether `key` has an accepted prefix and at least [`MIN_KEY_CHARS`] printable characters after it.
pub fn is_well_formed(key: &str) -> bool {
    ["sk_test_", "sk_live_"].iter().any(|p| {
        key.strip_prefix(p).is_some_and(|rest| {
            rest.len() >= MIN_KEY_CHARS && rest.bytes().all(|b| b.is_ascii_graphic())
        })
    })
}

impl SecretKey {
    /// A new random key.
    pub fn generate() -> String {
        format!("sk_test_{}", ids::hex(&ids::random_bytes::<32>()))
    }

    /// A key read from a shared store, checked like one given on the command line.
    pub fn from_stored(value: &str) -> Result<Self, String> {
        if is_well_formed(value) {
            Ok(Self {
                value: value.to_string(),
            })
        } else {
            Err("the stored secret key is not well formed".into())
        }
    }

    /// Use `given`, or read `<data_dir>/secret_key`, or generate and save a new one there.
    pub fn load_or_create(given: Option<&str>, data_dir: &Path) -> Result<Self, String> {
        if let Some(key) = given {
            return if is_well_formed(key) {
                Ok(Self {
                    value: key.to_string(),
                })
            } else {
                Err(format!(
                    "the secret key must start with sk_test_ or sk_live_ followed by at least {MIN_KEY_CHARS} characters (32 random bytes)"
                ))
            };
        }
        let path = data_dir.join(SECRET_KEY_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let key = text.trim();
                if is_well_formed(key) {
                    Ok(Self {
                        value: key.to_string(),
                    })
                } else {
                    Err(format!(
                        "{} does not hold a valid secret key",
                        path.display()
                    ))
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = Self::generate();
                super::write_private_file(&path, format!("{key}\n").as_bytes())
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
                Ok(Self { value: key })
            }
            Err(e) => Err(format!("cannot read {}: {e}", path.display())),
        }
    }

    /// A 32-byte key for `purpose`, derived from this key (SHA-256 of the purpose and the key): stable across
    /// restarts, different per purpose, and unknown to whoever has the database but not the key.
    pub fn derive_key(&self, purpose: &str) -> [u8; 32] {
        let mut hasher = Sha256::new();
        hasher.update(b"clerk-wasm-server key derivation\0");
        hasher.update(purpose.as_bytes());
        hasher.update(b"\0");
        hasher.update(self.value.as_bytes());
        hasher.finalize().into()
    }

    /// The key itself (for printing in dev mode).
    pub fn expose(&self) -> &str {
        &self.value
    }

    /// Whether `candidate` is the key; hashes first so the comparison is constant-time regardless of length.
    pub fn matches(&self, candidate: &str) -> bool {
        Sha256::digest(candidate.as_bytes())
            .ct_eq(&Sha256::digest(self.value.as_bytes()))
            .into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_once_then_reused() {
        let dir =
            std::env::temp_dir().join(format!("sk-test-{}", ids::hex(&ids::random_bytes::<8>())));
        let first = SecretKey::load_or_create(None, &dir).expect("generate");
        assert!(first.expose().starts_with("sk_test_") && first.expose().len() == 8 + 64);
        let second = SecretKey::load_or_create(None, &dir).expect("reload");
        assert_eq!(first.expose(), second.expose());
        assert!(second.matches(first.expose()));
        assert!(!second.matches("sk_test_nope"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn given_key_must_be_well_formed() {
        let long = "x".repeat(MIN_KEY_CHARS);
        let ok = |k: &str| SecretKey::load_or_create(Some(k), Path::new("/nonexistent")).is_ok();
        assert!(ok(&format!("sk_live_{long}")));
        assert!(!ok(&format!("pk_test_{long}")));
        assert!(
            !ok(&format!("sk_test_{}", &long[1..])),
            "one character short"
        );
        assert!(!ok("sk_live_x"));
        assert!(SecretKey::load_or_create(Some("sk_test_"), Path::new("/nonexistent")).is_err());
    }
}
