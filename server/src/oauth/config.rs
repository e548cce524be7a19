//! `--oauth-provider key=…,issuer=…,client_id=…,client_secret=…[,label=…]`.

use std::fmt;

/// Longest provider key (it becomes part of the strategy name `oauth_custom_<key>`).
const MAX_KEY_LEN: usize = 32;

/// One configured OpenID Connect provider.
#[derive(Clone, PartialEq, Eq)]
pub struct ProviderSpec {
    /// Short name: lowercase letters, digits, `_` and `-`; the strategy is `oauth_custom_<key>`.
    pub key: String,
    /// The issuer URL, exactly as the provider's discovery document and id_tokens give it.
    pub issuer: String,
    /// The client id registered at the provider.
    pub client_id: String,
    /// The client secret registered at the provider.
    pub client_secret: String,
    /// What sign-in buttons call it (default: the key).
    pub label: String,
}

impl ProviderSpec {
    /// `oauth_custom_<key>`.
    pub fn strategy(&self) -> String {
        format!("oauth_custom_{}", self.key)
    }
}

/// Never prints the client secret.
impl fmt::Debug for ProviderSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProviderSpec")
            .field("key", &self.key)
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &"…")
            .field("label", &self.label)
            .finish()
    }
}

/// Parse `key=…,issuer=…,client_id=…,client_secret=…[,label=…]` (clap's value parser of `--oauth-provider`).
pub fn parse_provider(value: &str) -> Result<ProviderSpec, String> {
    let (mut key, mut issuer, mut client_id, mut client_secret, mut label) =
        (None, None, None, None, None);
    for part in value.split(',') {
        let (name, v) = part
            .split_once('=')
            .ok_or_else(|| format!("{part:?} is not name=value"))?;
        let v = v.trim();
        let slot = match name.trim() {
            "key" => &mut key,
            "issuer" => &mut issuer,
            "client_id" => &mut client_id,
            "client_secret" => &mut client_secret,
            "label" => &mut label,
            other => return Err(format!("unknown field {other:?}")),
        };
        if slot.replace(v.to_string()).is_some() {
            return Err(format!("{} is given twice", name.trim()));
        }
    }
    let required = |v: Option<String>, name: &str| {
        v.filter(|v| !v.is_empty())
            .ok_or_else(|| format!("{name}=… is required"))
    };
    let key = required(key, "key")?;
    if key.len() > MAX_KEY_LEN
        || !key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
    {
        return Err(format!(
            "key must be 1 to {MAX_KEY_LEN} lowercase letters, digits, _ or -"
        ));
    }
    let issuer = required(issuer, "issuer")?;
    check_issuer(&issuer)?;
    Ok(ProviderSpec {
        label: label
            .filter(|l| !l.is_empty())
            .unwrap_or_else(|| key.clone()),
        key,
        issuer,
        client_id: required(client_id, "client_id")?,
        client_secret: required(client_secret, "client_secret")?,
    })
}

/// An issuer is an https URL without query or fragment; plain http only on this machine (tests, the demo).
fn check_issuer(issuer: &str) -> Result<(), String> {
    let url = url::Url::parse(issuer).map_err(|e| format!("issuer: {e}"))?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err("issuer must have no query or fragment".into());
    }
    if !is_allowed_endpoint(&url) {
        return Err("issuer must be an https URL (http only on 127.0.0.1 or localhost)".into());
    }
    Ok(())
}

/// Whether the server may send requests (with the client secret, or expecting keys) to `url`: https, or http on
/// the loopback interface.
pub fn is_allowed_endpoint(url: &url::Url) -> bool {
    match url.scheme() {
        "https" => url.host_str().is_some(),
        "http" => matches!(
            url.host(),
            Some(url::Host::Domain("localhost"))
                | Some(url::Host::Ipv4(std::net::Ipv4Addr::LOCALHOST))
                | Some(url::Host::Ipv6(std::net::Ipv6Addr::LOCALHOST))
        ),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_provider() {
        let p = parse_provider(
            "key=google,issuer=https://accounts.google.com,client_id=abc,client_secret=s3cret,label=Google",
        )
        .expect("parse");
        assert_eq!(p.key, "google");
        assert_eq!(p.issuer, "https://accounts.google.com");
        assert_eq!((p.client_id.as_str(), p.label.as_str()), ("abc", "Google"));
        assert_eq!(p.strategy(), "oauth_custom_google");
        assert!(!format!("{p:?}").contains("s3cret"));
        let p = parse_provider("key=demo,issuer=http://127.0.0.1:9000,client_id=a,client_secret=b")
            .expect("parse");
        assert_eq!(p.label, "demo");
    }

    #[test]
    fn refuses_bad_providers() {
        for bad in [
            "issuer=https://a.example,client_id=a,client_secret=b",
            "key=Bad Key,issuer=https://a.example,client_id=a,client_secret=b",
            "key=a,issuer=http://a.example,client_id=a,client_secret=b",
            "key=a,issuer=https://a.example?x=1,client_id=a,client_secret=b",
            "key=a,issuer=https://a.example,client_id=a",
            "key=a,issuer=https://a.example,client_id=a,client_secret=b,colour=red",
            "key=a,key=b,issuer=https://a.example,client_id=a,client_secret=b",
            "key=a,issuer=ftp://a.example,client_id=a,client_secret=b",
        ] {
            assert!(parse_provider(bad).is_err(), "{bad}");
        }
    }
}
