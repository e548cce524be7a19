//! Parses the `new Clerk(keyOrFrontendApi)` argument into the frontend API origin and host.
//!
//! Accepted: a publishable key `pk_test_<base64("<host>$")>` / `pk_live_…` (padded or not), an origin
//! (`http://127.0.0.1:8787`, `https://clerk.example.com`, optional trailing `/`), or a bare host (ClerkJS v4's
//! `frontendApi`). Keys and bare hosts get `http` for `localhost`/`127.0.0.1` and `https` otherwise.

use super::b64;
use super::error::{codes, ClerkError, NO_HTTP_STATUS};

/// Longest argument considered (a key for a 253-character host is ~350 characters); longer is garbage.
pub const MAX_INPUT_LEN: usize = 1024;

/// Which kind of publishable key configured the SDK.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// `pk_test_…`: a development instance.
    Test,
    /// `pk_live_…`: a production instance.
    Live,
}

/// The frontend API the SDK talks to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontendApi {
    /// `scheme://host[:port]`, no trailing slash; requests go to `<origin>/v1/...`.
    pub origin: String,
    /// `host[:port]`, lower-case; namespaces storage keys.
    pub host: String,
    /// The key kind, when configured with a publishable key.
    pub key_kind: Option<KeyKind>,
}

impl FrontendApi {
    /// The base URL of the API: `<origin>/v1`.
    pub fn base_url(&self) -> String {
        format!("{}/v1", self.origin)
    }
}

/// An `invalid_publishable_key` error.
fn bad_key(why: &str) -> ClerkError {
    ClerkError::single(
        NO_HTTP_STATUS,
        codes::INVALID_PUBLISHABLE_KEY,
        format!("Invalid publishable key: {why}"),
    )
}

/// An `invalid_frontend_api` error.
fn bad_api(why: &str) -> ClerkError {
    ClerkError::single(
        NO_HTTP_STATUS,
        codes::INVALID_FRONTEND_API,
        format!("Invalid frontend API: {why} (expected pk_test_…/pk_live_…, an origin like https://clerk.example.com, or a host)"),
    )
}

/// Parses the constructor argument.
pub fn parse_frontend_api(input: &str) -> Result<FrontendApi, ClerkError> {
    let input = input.trim();
    if input.is_empty() {
        return Err(bad_api("it is empty"));
    }
    if input.len() > MAX_INPUT_LEN {
        return Err(bad_api("it is too long"));
    }
    if let Some((kind, rest)) = strip_key_prefix(input) {
        return parse_key(kind, rest);
    }
    if input.starts_with("pk_") {
        return Err(bad_key("it must start with pk_test_ or pk_live_"));
    }
    let lower = input.to_ascii_lowercase();
    let (scheme, rest) = match lower.split_once("://") {
        Some((s @ ("http" | "https"), rest)) => (Some(s), rest),
        Some((s, _)) => {
            return Err(bad_api(
                &["the scheme \"", s, "\" is not http or https"].concat(),
            ))
        }
        None => (None, lower.as_str()),
    };
    let host = rest.strip_suffix('/').unwrap_or(rest);
    let host = normalize_host(host).map_err(|why| bad_api(&why))?;
    let scheme = scheme.unwrap_or_else(|| default_scheme(&host));
    Ok(build(scheme, host, None))
}

/// Splits `pk_test_`/`pk_live_` off a key.
fn strip_key_prefix(input: &str) -> Option<(KeyKind, &str)> {
    input
        .strip_prefix("pk_test_")
        .map(|r| (KeyKind::Test, r))
        .or_else(|| input.strip_prefix("pk_live_").map(|r| (KeyKind::Live, r)))
}

/// Decodes the base64 part of a key: `<host>$`.
fn parse_key(kind: KeyKind, encoded: &str) -> Result<FrontendApi, ClerkError> {
    let bytes = b64::decode(encoded.as_bytes())
        .ok_or_else(|| bad_key("the part after pk_test_/pk_live_ is not base64"))?;
    let text = String::from_utf8(bytes).map_err(|_| bad_key("it does not decode to text"))?;
    let host = text
        .strip_suffix('$')
        .ok_or_else(|| bad_key("the decoded host does not end with $"))?;
    let host = normalize_host(&host.to_ascii_lowercase()).map_err(|why| bad_key(&why))?;
    Ok(build(default_scheme(&host), host, Some(kind)))
}

/// `http` for local hosts (the dev server has no TLS), `https` for everything else.
fn default_scheme(host: &str) -> &'static str {
    // A normalized host has at most one `:`, before the port.
    let name = host.split_once(':').map_or(host, |(name, _)| name);
    if name == "localhost" || name == "127.0.0.1" {
        "http"
    } else {
        "https"
    }
}

/// Builds the result, dropping a port that is the scheme's default so one instance has one storage namespace.
fn build(scheme: &str, host: String, key_kind: Option<KeyKind>) -> FrontendApi {
    let default_port = if scheme == "http" { ":80" } else { ":443" };
    let host = host
        .strip_suffix(default_port)
        .map(str::to_string)
        .unwrap_or(host);
    FrontendApi {
        origin: format!("{scheme}://{host}"),
        host,
        key_kind,
    }
}

/// Validates a lower-cased `name[:port]`: DNS labels or an IPv4 address, and a port in 1..=65535 (written back
/// without leading zeros).
fn normalize_host(host: &str) -> Result<String, String> {
    let (name, port) = match host.split_once(':') {
        Some((name, port)) => (name, Some(port)),
        None => (host, None),
    };
    if name.is_empty() {
        return Err("the host is empty".into());
    }
    if name.len() > 253 {
        return Err("the host name is too long".into());
    }
    if !labels_ok(name) {
        return Err(["\"", name, "\" is not a valid host name"].concat());
    }
    let Some(port) = port else {
        return Ok(name.to_string());
    };
    match port_number(port) {
        Some(number) => Ok(format!("{name}:{number}")),
        None => Err(format!("\"{port}\" is not a valid port")),
    }
}

/// Whether `name` is dot-separated labels of 1 to 63 ASCII letters, digits and `-`, none starting or ending with
/// `-` (DNS names, and IPv4 addresses).
fn labels_ok(name: &str) -> bool {
    name.split('.').all(|label| {
        (1..=63).contains(&label.len())
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    })
}

/// A port in 1..=65535 written as ASCII digits only (no sign, no spaces; leading zeros allowed).
fn port_number(port: &str) -> Option<u16> {
    if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    port.parse::<u16>().ok().filter(|&n| n != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds a key the way Clerk does: base64 of `<host>$`.
    fn key(prefix: &str, host: &str, padded: bool) -> String {
        format!(
            "{prefix}{}",
            b64::encode(format!("{host}$").as_bytes(), false, padded)
        )
    }

    #[test]
    fn test_key_for_local_server_is_http() {
        let api = parse_frontend_api(&key("pk_test_", "127.0.0.1:8787", false)).unwrap();
        assert_eq!(api.origin, "http://127.0.0.1:8787");
        assert_eq!(api.host, "127.0.0.1:8787");
        assert_eq!(api.key_kind, Some(KeyKind::Test));
        assert_eq!(api.base_url(), "http://127.0.0.1:8787/v1");
        let api = parse_frontend_api(&key("pk_test_", "localhost:3000", true)).unwrap();
        assert_eq!(api.origin, "http://localhost:3000");
    }

    #[test]
    fn live_key_for_public_host_is_https_padded_or_not() {
        for padded in [false, true] {
            let api = parse_frontend_api(&key("pk_live_", "clerk.example.com", padded)).unwrap();
            assert_eq!(api.origin, "https://clerk.example.com");
            assert_eq!(api.host, "clerk.example.com");
            assert_eq!(api.key_kind, Some(KeyKind::Live));
        }
        // A real-looking Clerk key: base64("clerk.example.com$") with padding.
        assert_eq!(
            parse_frontend_api("pk_live_Y2xlcmsuZXhhbXBsZS5jb20k")
                .unwrap()
                .host,
            "clerk.example.com"
        );
    }

    #[test]
    fn origins_and_bare_hosts() {
        let cases = [
            (
                "http://127.0.0.1:8787",
                "http://127.0.0.1:8787",
                "127.0.0.1:8787",
            ),
            (
                "https://clerk.example.com",
                "https://clerk.example.com",
                "clerk.example.com",
            ),
            (
                "https://clerk.example.com/",
                "https://clerk.example.com",
                "clerk.example.com",
            ),
            (
                "  HTTPS://Clerk.Example.COM  ",
                "https://clerk.example.com",
                "clerk.example.com",
            ),
            (
                "https://clerk.example.com:443",
                "https://clerk.example.com",
                "clerk.example.com",
            ),
            (
                "http://clerk.example.com",
                "http://clerk.example.com",
                "clerk.example.com",
            ),
            (
                "clerk.example.com",
                "https://clerk.example.com",
                "clerk.example.com",
            ),
            ("localhost:8787", "http://localhost:8787", "localhost:8787"),
            ("127.0.0.1:8787", "http://127.0.0.1:8787", "127.0.0.1:8787"),
            ("localhost", "http://localhost", "localhost"),
        ];
        for (input, origin, host) in cases {
            let api = parse_frontend_api(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(
                (api.origin.as_str(), api.host.as_str(), api.key_kind),
                (origin, host, None),
                "{input}"
            );
        }
    }

    #[test]
    fn host_labels() {
        let long = "a".repeat(63);
        let too_long = "a".repeat(64);
        let good = [
            "a",
            "a.b",
            "a-b.c",
            "0.0.0.0",
            "xn--bcher-kva.example",
            "a1-2b.c-d.e",
            long.as_str(),
        ];
        let bad = [
            "",
            ".",
            "a.",
            ".a",
            "a..b",
            "-a",
            "a-",
            "a.-b",
            "a-.b",
            "a_b",
            "a b",
            "é",
            "a:b",
            too_long.as_str(),
        ];
        for name in good {
            assert!(labels_ok(name), "{name}");
        }
        for name in bad {
            assert!(!labels_ok(name), "{name}");
        }
        assert!(labels_ok(&format!("{long}.{long}")) && !labels_ok(&format!("{long}.{too_long}")));
        // The rule written with `split`, against every short name over a small alphabet.
        let by_split = |name: &str| {
            name.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            })
        };
        let mut names = vec![String::new()];
        for _ in 0..5 {
            let longer: Vec<String> = names
                .iter()
                .flat_map(|n| ["a", "Z", "7", "-", ".", "_"].map(|c| format!("{n}{c}")))
                .collect();
            for name in &longer {
                assert_eq!(labels_ok(name), by_split(name), "{name:?}");
            }
            names = longer;
        }
    }

    #[test]
    fn ports_are_written_without_leading_zeros_and_bounded() {
        let cases = [
            ("http://h.com:08787", Some("http://h.com:8787")),
            ("h.com:0000001", Some("https://h.com:1")),
            ("h.com:65535", Some("https://h.com:65535")),
            ("https://h.com:00443", Some("https://h.com")),
            ("http://localhost:0080", Some("http://localhost")),
            ("h.com:65536", None),
            ("h.com:000000000065536", None),
            ("h.com:99999999999999999999999", None),
            ("h.com:0000", None),
            ("h.com:1:2", None),
            ("h.com:-1", None),
            ("h.com: 80", None),
        ];
        for (input, origin) in cases {
            let parsed = parse_frontend_api(input);
            assert_eq!(
                parsed.as_ref().ok().map(|a| a.origin.as_str()),
                origin,
                "{input}"
            );
        }
        let api = parse_frontend_api(&key("pk_test_", "localhost:03000", false)).unwrap();
        assert_eq!(
            (api.origin.as_str(), api.host.as_str()),
            ("http://localhost:3000", "localhost:3000")
        );
    }

    #[test]
    fn garbage_keys_are_invalid_publishable_key() {
        let cases = [
            "pk_test_".to_string(),
            "pk_test_!!!!".to_string(),
            "pk_test_Zg".to_string(),                       // "f": no $
            key("pk_test_", "", false),                     // "$": empty host
            key("pk_test_", "exa mple.com", false),         // space in host
            key("pk_test_", "example.com/path", false),     // path
            key("pk_live_", "example.com:0", false),        // port 0
            key("pk_live_", "example.com:99999", false),    // port out of range
            "pk_test_/w".to_string(),                       // decodes to a non-UTF-8 byte
            "pk_prod_Y2xlcmsuZXhhbXBsZS5jb20k".to_string(), // unknown kind
        ];
        for input in cases {
            let e = parse_frontend_api(&input).unwrap_err();
            assert_eq!(e.code(), "invalid_publishable_key", "{input}");
            assert_eq!(e.status, 0);
        }
    }

    #[test]
    fn garbage_origins_are_invalid_frontend_api() {
        let long = "a".repeat(MAX_INPUT_LEN + 1);
        let cases = [
            "",
            "   ",
            "ftp://example.com",
            "https://",
            "https://example.com/v1",
            "https://user@example.com",
            "https://example.com?x=1",
            "https://-bad-.com",
            "https://a..b",
            "http://[::1]:8787",
            "https://e.com:",
            "https://e.com:80a",
            "https://e.com:+80",
            "sk_test_abc",
            "not a url",
            "https://exämple.com",
            &long,
        ];
        for input in cases {
            let e = parse_frontend_api(input).unwrap_err();
            assert_eq!(e.code(), "invalid_frontend_api", "{input}");
        }
    }
}
