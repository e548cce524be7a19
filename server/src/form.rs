//! The one form extractor: reads the (size-limited) body, checks the content type, decodes
//! `application/x-www-form-urlencoded` into a map and gives typed access with Clerk's form errors.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{header, HeaderMap};

use crate::error::{ApiError, ApiResult};

/// Largest accepted request body (16 KiB: forms here are a few short fields).
pub const BODY_LIMIT: usize = 16 * 1024;
/// The only accepted body content type.
const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";

/// Decoded form parameters (first occurrence of a name wins; unknown names are ignored by callers).
#[derive(Debug, Default, Clone)]
pub struct Form {
    params: HashMap<String, String>,
}

/// Whether `headers` declare a urlencoded form body.
pub fn is_form_content_type(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case(FORM_CONTENT_TYPE))
}

/// Decode a urlencoded string into pairs, strictly: `None` when the input or any decoded name or value is not
/// valid UTF-8, or a `%` escape is malformed (no lossy replacement characters).
pub fn decode_pairs(input: &[u8]) -> Option<Vec<(String, String)>> {
    std::str::from_utf8(input).ok()?;
    let mut pairs = Vec::new();
    for part in input.split(|&b| b == b'&').filter(|p| !p.is_empty()) {
        let mut kv = part.splitn(2, |&b| b == b'=');
        let name = kv.next().unwrap_or_default();
        let value = kv.next().unwrap_or_default();
        pairs.push((percent_decode(name)?, percent_decode(value)?));
    }
    Some(pairs)
}

/// Decode `+` and `%XX` escapes into a UTF-8 string.
fn percent_decode(input: &[u8]) -> Option<String> {
    let mut bytes = Vec::with_capacity(input.len());
    let mut iter = input.iter().copied();
    while let Some(b) = iter.next() {
        match b {
            b'+' => bytes.push(b' '),
            b'%' => {
                let hi = iter.next().and_then(hex_value)?;
                let lo = iter.next().and_then(hex_value)?;
                bytes.push(hi << 4 | lo);
            }
            other => bytes.push(other),
        }
    }
    String::from_utf8(bytes).ok()
}

/// The value of one hex digit.
fn hex_value(b: u8) -> Option<u8> {
    char::from(b)
        .to_digit(16)
        .and_then(|d| u8::try_from(d).ok())
}

/// Read a body up to [`BODY_LIMIT`]; 413 when larger.
pub async fn read_limited(body: axum::body::Body) -> ApiResult<Bytes> {
    axum::body::to_bytes(body, BODY_LIMIT).await.map_err(|err| {
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&err);
        while let Some(e) = source {
            if e.is::<http_body_util::LengthLimitError>() {
                return ApiError::BodyTooLarge;
            }
            source = e.source();
        }
        ApiError::ParamInvalid {
            param: None,
            reason: "The request body could not be read.".into(),
        }
    })
}

impl Form {
    /// Parse a body given its declared content type (an empty body may omit it).
    pub fn parse(is_form: bool, body: &[u8]) -> ApiResult<Self> {
        if body.is_empty() {
            return Ok(Self::default());
        }
        if !is_form {
            return Err(ApiError::ParamInvalid {
                param: None,
                reason: "Request bodies must be application/x-www-form-urlencoded.".into(),
            });
        }
        let pairs = decode_pairs(body).ok_or_else(|| ApiError::ParamInvalid {
            param: None,
            reason: "The request body is not a valid urlencoded form.".into(),
        })?;
        // A NUL character is refused in every value: PostgreSQL text cannot store one, and the two stores answer alike.
        if pairs.iter().any(|(_, v)| v.contains('\0')) {
            return Err(ApiError::ParamInvalid {
                param: None,
                reason: "Form values must not contain NUL characters.".into(),
            });
        }
        let mut params = HashMap::with_capacity(pairs.len());
        for (k, v) in pairs {
            params.entry(k).or_insert(v);
        }
        Ok(Self { params })
    }

    /// A non-empty parameter value.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.params
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// Whether the parameter was sent at all (possibly empty).
    pub fn has(&self, name: &str) -> bool {
        self.params.contains_key(name)
    }

    /// A required non-empty parameter, else `form_param_missing`.
    pub fn required(&self, name: &'static str) -> ApiResult<&str> {
        self.get(name).ok_or(ApiError::ParamMissing(name))
    }

    /// An optional text of at most `max_chars` characters, else `form_param_format_invalid`.
    pub fn text(&self, name: &'static str, max_chars: usize) -> ApiResult<Option<&str>> {
        match self.get(name) {
            Some(v) if v.chars().count() > max_chars => Err(ApiError::invalid(
                name,
                format!("{name} must be at most {max_chars} characters."),
            )),
            other => Ok(other),
        }
    }

    /// An optional `true` / `false`, else `form_param_format_invalid`.
    pub fn bool(&self, name: &'static str) -> ApiResult<Option<bool>> {
        match self.get(name) {
            None => Ok(None),
            Some(v) if v.eq_ignore_ascii_case("true") => Ok(Some(true)),
            Some(v) if v.eq_ignore_ascii_case("false") => Ok(Some(false)),
            Some(_) => Err(ApiError::invalid(
                name,
                format!("{name} must be true or false."),
            )),
        }
    }
}

impl<S: Send + Sync> FromRequest<S> for Form {
    type Rejection = ApiError;

    async fn from_request(req: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let is_form = is_form_content_type(req.headers());
        let body = read_limited(req.into_body()).await?;
        Self::parse(is_form, &body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn parses_urlencoded() {
        let form = Form::parse(
            true,
            b"identifier=ada%40example.com&password=a+b&empty=&identifier=other",
        )
        .expect("parse");
        assert_eq!(form.get("identifier"), Some("ada@example.com"));
        assert_eq!(form.get("password"), Some("a b"));
        assert_eq!(form.get("empty"), None);
        assert_eq!(
            form.required("missing").map_err(|e| e.code()),
            Err("form_param_missing")
        );
    }

    #[test]
    fn strict_decoding() {
        assert_eq!(
            decode_pairs(b"a=1&b=x%20y+z&c&=v&d=%C3%A9"),
            Some(vec![
                ("a".into(), "1".into()),
                ("b".into(), "x y z".into()),
                ("c".into(), String::new()),
                (String::new(), "v".into()),
                ("d".into(), "\u{e9}".into()),
            ])
        );
        assert_eq!(decode_pairs(b"a=%FF%FE"), None);
        assert_eq!(decode_pairs(b"a=%C3"), None);
        assert_eq!(decode_pairs(b"a=%zz"), None);
        assert_eq!(decode_pairs(b"a=%4"), None);
        assert_eq!(decode_pairs(b""), Some(vec![]));
    }

    #[test]
    fn empty_body_needs_no_content_type() {
        assert!(Form::parse(false, b"").is_ok());
        assert_eq!(
            Form::parse(false, b"{\"a\":1}")
                .map(|_| ())
                .map_err(|e| e.code()),
            Err("form_param_format_invalid")
        );
        assert_eq!(
            Form::parse(true, &[0x61, 0x3d, 0xff])
                .map(|_| ())
                .map_err(|e| e.code()),
            Err("form_param_format_invalid")
        );
    }

    #[test]
    fn typed_access() {
        let form = Form::parse(true, b"a=true&b=FALSE&c=yes&name=abcdef").expect("parse");
        assert_eq!(form.bool("a").ok(), Some(Some(true)));
        assert_eq!(form.bool("b").ok(), Some(Some(false)));
        assert!(form.bool("c").is_err());
        assert_eq!(form.bool("d").ok(), Some(None));
        assert!(form.text("name", 5).is_err());
        assert_eq!(form.text("name", 6).ok(), Some(Some("abcdef")));
    }

    #[test]
    fn content_type_detection() {
        let mut headers = HeaderMap::new();
        assert!(!is_form_content_type(&headers));
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("Application/X-WWW-Form-Urlencoded; charset=UTF-8"),
        );
        assert!(is_form_content_type(&headers));
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        assert!(!is_form_content_type(&headers));
    }
}
