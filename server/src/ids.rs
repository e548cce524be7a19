//! Random identifiers, secrets and the clock.

use rand::distributions::Alphanumeric;
use rand::Rng;

/// Length of the random part of a resource id (27 alphanumerics ≈ 160 bits, like Clerk's ids).
const ID_RANDOM_LEN: usize = 27;

/// A fresh resource id: `prefix` (e.g. `"sess_"`) followed by random alphanumerics.
pub fn new_id(prefix: &str) -> String {
    let random: String = rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(ID_RANDOM_LEN)
        .map(char::from)
        .collect();
    format!("{prefix}{random}")
}

/// A trace id for an error response.
pub fn trace_id() -> String {
    let bytes: [u8; 16] = rand::thread_rng().gen();
    hex(&bytes)
}

/// `n` cryptographically random bytes (thread_rng is a CSPRNG seeded from the OS).
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut out = [0u8; N];
    rand::thread_rng().fill(&mut out[..]);
    out
}

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// A six-digit one-time code, uniformly distributed.
pub fn one_time_code() -> String {
    format!("{:06}", rand::thread_rng().gen_range(0..1_000_000u32))
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_prefix_and_length() {
        let id = new_id("sess_");
        assert!(id.starts_with("sess_"));
        assert_eq!(id.len(), 5 + ID_RANDOM_LEN);
        assert!(id[5..].chars().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(new_id("sess_"), new_id("sess_"));
    }

    #[test]
    fn codes_are_six_digits() {
        for _ in 0..100 {
            let code = one_time_code();
            assert_eq!(code.len(), 6);
            assert!(code.chars().all(|c| c.is_ascii_digit()));
        }
    }

    #[test]
    fn hex_encodes() {
        assert_eq!(hex(&[0, 15, 255]), "000fff");
    }
}
