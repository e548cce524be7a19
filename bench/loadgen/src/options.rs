//! The command line, and the request target it describes.

use std::time::Duration;

use bytes::Bytes;
use clap::Parser;
use http_body_util::Full;
use hyper::header::{HeaderName, HeaderValue, HOST};
use hyper::{HeaderMap, Method, Request, Uri};

/// HTTP/1.1 keep-alive load generator: `--connections` connections, each sending requests back to back for
/// `--duration` seconds after a `--warmup` that is left out of the figures. Prints one JSON object on stdout.
#[derive(Debug, Clone, Parser)]
#[command(name = "clerk-wasm-loadgen", version, about)]
pub struct Options {
    /// Target URL (`http://host:port/path?query`; plain HTTP only).
    #[arg(long)]
    pub url: String,
    /// Another URL of the same request on another server (repeatable): the connections are spread round-robin over
    /// `--url` and these, as a load balancer would spread them over instances.
    #[arg(long = "also-url")]
    pub also_urls: Vec<String>,
    /// Request method.
    #[arg(long, default_value = "GET", value_parser = parse_method)]
    pub method: Method,
    /// A request header, `Name: value` (repeatable).
    #[arg(long = "header", short = 'H', value_parser = parse_header)]
    pub headers: Vec<(HeaderName, HeaderValue)>,
    /// Request body, sent as is (set a matching `--header 'Content-Type: …'`).
    #[arg(long)]
    pub body: Option<String>,
    /// Concurrent keep-alive connections.
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub connections: u32,
    /// Measured run time, in seconds (fractions allowed).
    #[arg(long, default_value = "10", value_parser = parse_positive_seconds)]
    pub duration: Duration,
    /// Warm-up before the measured run, in seconds; its requests are not counted.
    #[arg(long, default_value = "1", value_parser = parse_seconds)]
    pub warmup: Duration,
    /// Runtime worker threads (1 = a single-threaded runtime, leaving the other cores to the server).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub threads: u16,
}

/// What every connection sends, prepared once.
#[derive(Debug, Clone)]
pub struct Target {
    /// `host:port` to connect to.
    pub connect_to: String,
    /// Origin-form request target (path and query).
    pub path_and_query: Uri,
    /// Method.
    pub method: Method,
    /// Headers, `Host` included.
    pub headers: HeaderMap,
    /// Body (possibly empty).
    pub body: Bytes,
}

impl Target {
    /// The targets of `--url` and every `--also-url`, in that order.
    pub fn all_from_options(options: &Options) -> Result<Vec<Self>, String> {
        std::iter::once(&options.url)
            .chain(&options.also_urls)
            .map(|url| Self::for_url(options, url))
            .collect()
    }

    /// Check the URL and assemble the request parts from the options (`--url` only).
    #[cfg(test)]
    pub fn from_options(options: &Options) -> Result<Self, String> {
        Self::for_url(options, &options.url)
    }

    /// Check `url` and assemble the request to it from the options.
    fn for_url(options: &Options, url: &str) -> Result<Self, String> {
        let uri: Uri = url
            .parse()
            .map_err(|e| format!("--url {:?} is not a URL: {e}", url))?;
        match uri.scheme_str() {
            Some(s) if s.eq_ignore_ascii_case("http") => {}
            Some(other) => return Err(format!("--url: only http:// is supported, not {other}://")),
            None => {
                return Err(format!(
                    "--url {:?} needs a scheme (http://host:port/path)",
                    url
                ))
            }
        }
        let authority = uri
            .authority()
            .ok_or_else(|| format!("--url {:?} has no host", url))?;
        if authority.as_str().contains('@') {
            return Err("--url: user information (user@host) is not supported".into());
        }
        if authority.host().is_empty() {
            return Err(format!("--url {:?} has no host", url));
        }
        let connect_to = format!(
            "{}:{}",
            authority.host(),
            authority.port_u16().unwrap_or(80)
        );
        let path_and_query: Uri = uri
            .path_and_query()
            .map_or("/", |pq| pq.as_str())
            .parse()
            .map_err(|e| format!("--url: bad path: {e}"))?;
        let mut headers = HeaderMap::new();
        for (name, value) in &options.headers {
            headers.append(name.clone(), value.clone());
        }
        if !headers.contains_key(HOST) {
            let host = HeaderValue::from_str(authority.as_str())
                .map_err(|e| format!("--url: bad host: {e}"))?;
            headers.insert(HOST, host);
        }
        let body = options.body.clone().map(Bytes::from).unwrap_or_default();
        Ok(Self {
            connect_to,
            path_and_query,
            method: options.method.clone(),
            headers,
            body,
        })
    }

    /// A fresh request (requests are consumed when sent).
    pub fn request(&self) -> Request<Full<Bytes>> {
        let mut request = Request::new(Full::new(self.body.clone()));
        *request.method_mut() = self.method.clone();
        *request.uri_mut() = self.path_and_query.clone();
        *request.headers_mut() = self.headers.clone();
        request
    }
}

/// `--method`: any valid token, upper-cased (`get` → `GET`).
fn parse_method(value: &str) -> Result<Method, String> {
    Method::from_bytes(value.trim().to_ascii_uppercase().as_bytes())
        .map_err(|_| format!("{value:?} is not an HTTP method"))
}

/// `--header 'Name: value'`.
pub fn parse_header(value: &str) -> Result<(HeaderName, HeaderValue), String> {
    let (name, val) = value
        .split_once(':')
        .ok_or_else(|| format!("{value:?} is not `Name: value`"))?;
    let name = HeaderName::from_bytes(name.trim().as_bytes())
        .map_err(|_| format!("{:?} is not a header name", name.trim()))?;
    let val = HeaderValue::from_str(val.trim())
        .map_err(|_| format!("the value of {name} has characters a header cannot carry"))?;
    Ok((name, val))
}

/// Seconds as a non-negative decimal number.
pub fn parse_seconds(value: &str) -> Result<Duration, String> {
    let secs: f64 = value
        .trim()
        .parse()
        .map_err(|_| format!("{value:?} is not a number of seconds"))?;
    Duration::try_from_secs_f64(secs)
        .map_err(|_| format!("{value:?} is not a usable number of seconds"))
}

/// Seconds, more than zero.
fn parse_positive_seconds(value: &str) -> Result<Duration, String> {
    let duration = parse_seconds(value)?;
    if duration.is_zero() {
        return Err("the duration must be more than 0 seconds".into());
    }
    Ok(duration)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Options, clap::Error> {
        Options::try_parse_from(std::iter::once("clerk-wasm-loadgen").chain(args.iter().copied()))
    }

    #[test]
    fn defaults() {
        let o = parse(&["--url", "http://127.0.0.1:8787/v1/client"]).expect("parses");
        assert_eq!(o.method, Method::GET);
        assert_eq!(o.connections, 64);
        assert_eq!(o.duration, Duration::from_secs(10));
        assert_eq!(o.warmup, Duration::from_secs(1));
        assert_eq!(o.threads, 1);
        assert!(o.headers.is_empty() && o.body.is_none());
    }

    #[test]
    fn all_options() {
        let o = parse(&[
            "--url",
            "http://localhost:9/x?_is_native=1",
            "--method",
            "post",
            "--header",
            "Authorization: client_a.b",
            "-H",
            "content-type:application/x-www-form-urlencoded",
            "--body",
            "a=1",
            "--connections",
            "8",
            "--duration",
            "0.5",
            "--warmup",
            "0",
            "--threads",
            "2",
        ])
        .expect("parses");
        assert_eq!(o.method, Method::POST);
        assert_eq!(o.headers.len(), 2);
        assert_eq!(o.headers[0].0, "authorization");
        assert_eq!(o.headers[0].1, "client_a.b");
        assert_eq!(o.headers[1].1, "application/x-www-form-urlencoded");
        assert_eq!((o.connections, o.threads), (8, 2));
        assert_eq!(o.duration, Duration::from_millis(500));
        assert!(o.warmup.is_zero());
        let target = Target::from_options(&o).expect("target");
        assert_eq!(target.connect_to, "localhost:9");
        assert_eq!(target.path_and_query.to_string(), "/x?_is_native=1");
        assert_eq!(
            target.headers.get(HOST).map(|v| v.as_bytes()),
            Some(&b"localhost:9"[..])
        );
        assert_eq!(target.body, Bytes::from_static(b"a=1"));
        let request = target.request();
        assert_eq!(request.method(), Method::POST);
        assert_eq!(request.headers().len(), 3);
    }

    #[test]
    fn header_values_keep_inner_colons() {
        let (name, value) = parse_header("X-Thing:  a:b c ").expect("parses");
        assert_eq!(
            (name.as_str(), value.to_str().ok()),
            ("x-thing", Some("a:b c"))
        );
        assert!(parse_header("no colon").is_err());
        assert!(parse_header(": empty name").is_err());
        assert!(parse_header("bad name: x").is_err());
        assert!(parse_header("X: line\nbreak").is_err());
    }

    #[test]
    fn refuses_bad_numbers() {
        let url = ["--url", "http://127.0.0.1:1/"];
        for bad in [
            &["--connections", "0"][..],
            &["--duration", "0"],
            &["--duration", "-1"],
            &["--duration", "ten"],
            &["--warmup", "NaN"],
            &["--threads", "0"],
            &["--method", "G ET"],
        ] {
            assert!(parse(&[&url[..], bad].concat()).is_err(), "{bad:?}");
        }
        assert!(parse(&[]).is_err(), "--url is required");
    }

    #[test]
    fn refuses_urls_it_cannot_serve() {
        for (url, why) in [
            ("https://127.0.0.1/", "only http://"),
            ("127.0.0.1:80", "scheme"),
            ("/v1/client", "scheme"),
            ("http://user@127.0.0.1/", "user information"),
            ("not a url", "not a URL"),
        ] {
            let o = parse(&["--url", url]).expect("clap accepts any string");
            let err = Target::from_options(&o).expect_err(url);
            assert!(err.contains(why), "{url}: {err}");
        }
        let o = parse(&["--url", "http://[::1]/"]).expect("parses");
        let target = Target::from_options(&o).expect("IPv6 literal");
        assert_eq!(target.connect_to, "[::1]:80");
        assert_eq!(target.path_and_query.to_string(), "/");
    }

    #[test]
    fn explicit_host_header_wins() {
        let o =
            parse(&["--url", "http://127.0.0.1:1/", "-H", "Host: example.test"]).expect("parses");
        let target = Target::from_options(&o).expect("target");
        assert_eq!(target.headers.get_all(HOST).iter().count(), 1);
        assert_eq!(
            target.headers.get(HOST).map(|v| v.as_bytes()),
            Some(&b"example.test"[..])
        );
    }
}
