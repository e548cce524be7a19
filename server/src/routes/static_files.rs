//! Static files: `--static-dir` at `/`, `--pkg-dir` at `/pkg/` (`.wasm` served as `application/wasm`), compressed with
//! brotli or gzip when the browser accepts it (the SDK's wasm module is about a third of its size in brotli): from
//! the `.br`/`.gz` copies next to a file when present, else on the fly.

use std::path::Path;

use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;

/// A router serving the two folders; everything not found is a 404 (made JSON by the middleware).
pub fn router(static_dir: &Path, pkg_dir: &Path) -> Router {
    Router::new()
        // `npm run build` writes `.br`/`.gz` copies of the script-tag files (brotli at quality 11 is too slow to do per
        // request); other files, and those when the copies are missing, are compressed on the fly below.
        .nest_service(
            "/pkg",
            ServeDir::new(pkg_dir)
                .precompressed_br()
                .precompressed_gzip(),
        )
        .fallback_service(ServeDir::new(static_dir))
        .layer(CompressionLayer::new().br(true).gzip(true))
        .layer(axum::middleware::from_fn(hide_dotfiles))
}

/// 404 for any path with a segment starting with a dot (`.git`, `.env`, `.br` copies' hidden siblings, …), also when
/// the dot is percent-encoded: such files are never meant to be served.
async fn hide_dotfiles(req: Request, next: Next) -> Response {
    if is_dotfile_path(req.uri().path()) {
        return StatusCode::NOT_FOUND.into_response();
    }
    next.run(req).await
}

/// Whether a segment of `path` starts with `.` or `%2e`.
fn is_dotfile_path(path: &str) -> bool {
    path.split('/').any(|segment| {
        segment.starts_with('.')
            || segment
                .get(..3)
                .is_some_and(|p| p.eq_ignore_ascii_case("%2e"))
    })
}

#[cfg(test)]
mod tests {
    use super::is_dotfile_path;

    #[test]
    fn dotfiles() {
        for hidden in [
            "/.env",
            "/.git/config",
            "/pkg/.secret",
            "/%2Egit/HEAD",
            "/a/%2e%2e/b",
        ] {
            assert!(is_dotfile_path(hidden), "{hidden}");
        }
        for shown in ["/", "/index.html", "/pkg/x.wasm", "/a.b/c"] {
            assert!(!is_dotfile_path(shown), "{shown}");
        }
    }
}
