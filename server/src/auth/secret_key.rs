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

/// Whether `key` has an accepted prefix and some text after it.
pub fn is_well_formed(key: &str) -> bool {
    ["sk_test_", "sk_live_"]
        .iter()
        .any(|p| key.strip_prefix(p).is_some_and(|rest| !rest.is_empty()))
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
                Err("the secret key must start with sk_test_ or sk_live_".into())
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
        assert!(SecretKey::load_or_create(Some("sk_live_x"), Path::new("/nonexistent")).is_ok());
        assert!(SecretKey::load_or_create(Some("pk_test_x"), Path::new("/nonexistent")).is_err());
        assert!(SecretKey::load_or_create(Some("sk_test_"), Path::new("/nonexistent")).is_err());
    }
}
