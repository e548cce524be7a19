//! `clerk-wasm-baseline`: the benchmark's yardstick. A bare axum server on the same tokio runtime as the reference
//! server (multi-threaded, one worker per core) answering every `GET` with a fixed JSON body of `--get-bytes` bytes
//! and every other method with one of `--post-bytes` bytes: what serving an answer of that size costs on this
//! machine with no work behind it. `bench/server.mjs` shows each server figure also as a ratio to it.
//!
//! Prints `clerk-wasm-baseline listening on http://<addr>` once bound; runs until killed.
#![deny(missing_docs)]

use std::net::SocketAddr;

use axum::http::{header, Method};
use axum::response::IntoResponse;
use axum::Router;
use clap::Parser;

/// Command line.
#[derive(Debug, Parser)]
#[command(name = "clerk-wasm-baseline", about)]
struct Options {
    /// Listen address (port 0 picks a free one).
    #[arg(long, default_value = "127.0.0.1:0")]
    addr: SocketAddr,
    /// Size of the answer to `GET`, in bytes (at least 10).
    #[arg(long, default_value_t = 1024)]
    get_bytes: usize,
    /// Size of the answer to any other method, in bytes (at least 10).
    #[arg(long, default_value_t = 1024)]
    post_bytes: usize,
}

/// A JSON object of exactly `size` bytes (or 10, the smallest this shape allows): `{"pad":"xx…"}`.
fn body_of(size: usize) -> &'static str {
    let pad = size.saturating_sub(10);
    Box::leak(format!("{{\"pad\":\"{}\"}}", "x".repeat(pad)).into_boxed_str())
}

#[tokio::main]
async fn main() {
    let options = Options::parse();
    let get = body_of(options.get_bytes);
    let other = body_of(options.post_bytes);
    let app = Router::new().fallback(move |method: Method| async move {
        let body = if method == Method::GET { get } else { other };
        ([(header::CONTENT_TYPE, "application/json")], body).into_response()
    });
    let listener = match tokio::net::TcpListener::bind(options.addr).await {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!(
                "clerk-wasm-baseline: cannot listen on {}: {err}",
                options.addr
            );
            std::process::exit(1);
        }
    };
    let addr = listener.local_addr().unwrap_or(options.addr);
    println!("clerk-wasm-baseline listening on http://{addr}");
    if let Err(err) = axum::serve(listener, app).await {
        eprintln!("clerk-wasm-baseline: {err}");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_have_the_asked_size_and_are_json() {
        for size in [10, 11, 350, 2048] {
            let body = body_of(size);
            assert_eq!(body.len(), size);
            assert!(serde_json::from_str::<serde_json::Value>(body).is_ok());
        }
        assert_eq!(body_of(3).len(), 10);
    }
}
