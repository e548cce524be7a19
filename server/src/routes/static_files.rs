//! Static files: `--static-dir` at `/`, `--pkg-dir` at `/pkg/` (`.wasm` served as `application/wasm`), compressed with
//! brotli or gzip when the browser accepts it (the SDK's wasm module is about a third of its size in brotli): from
//! the `.br`/`.gz` copies next to a file when present, else on the fly.

use std::path::Path;

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
}
