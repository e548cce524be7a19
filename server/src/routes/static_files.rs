//! Static files: `--static-dir` at `/`, `--pkg-dir` at `/pkg/` (`.wasm` served as `application/wasm`).

use std::path::Path;

use axum::Router;
use tower_http::services::ServeDir;

/// A router serving the two folders; everything not found is a 404 (made JSON by the middleware).
pub fn router(static_dir: &Path, pkg_dir: &Path) -> Router {
    Router::new()
        .nest_service("/pkg", ServeDir::new(pkg_dir))
        .fallback_service(ServeDir::new(static_dir))
}
