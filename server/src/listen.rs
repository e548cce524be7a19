//! The accept loop: HTTP/1.1 connections with a header read timeout, a cap on open connections, and accept errors
//! (running out of file descriptors) answered by backing off instead of stopping or spinning.

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, Response};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::{Service, ServiceExt as _};

/// How long the loop waits before accepting again after an accept error (descriptors exhausted, …): long enough
/// not to spin, short enough to recover as soon as connections close.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);
/// How long a graceful shutdown waits for open connections to finish.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);
/// `EMFILE` and `ENFILE` (Linux, macOS and the BSDs agree): the process / system ran out of file descriptors.
const FD_EXHAUSTED: [i32; 2] = [24, 23];

/// Connection limits.
#[derive(Debug, Clone, Copy)]
pub struct ListenLimits {
    /// A connection that has not sent a complete request head this long after it opened (or after its previous
    /// answer) is closed.
    pub header_read_timeout: Duration,
    /// Connections open at once; further ones wait in the kernel's backlog until one closes.
    pub max_connections: usize,
}

/// Serve `app` on `listener` until `shutdown` resolves, then let open connections finish (up to a grace period).
pub async fn serve<S>(
    listener: TcpListener,
    app: S,
    limits: ListenLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) where
    S: Service<Request<Body>, Response = Response<Body>, Error = Infallible>
        + Clone
        + Send
        + Sync
        + 'static,
    S::Future: Send + 'static,
{
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    let http = Arc::new(http);
    tokio::pin!(shutdown);
    let mut logged_exhaustion = false;
    loop {
        let permit = tokio::select! {
            () = &mut shutdown => break,
            permit = slots.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
        };
        let accepted = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => accepted,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => {
                logged_exhaustion = false;
                accepted
            }
            Err(e) => {
                let exhausted = e.raw_os_error().is_some_and(|c| FD_EXHAUSTED.contains(&c));
                if !exhausted {
                    tracing::warn!("accept error: {e}");
                } else if !logged_exhaustion {
                    tracing::error!("accept error: {e}; backing off until connections close");
                    logged_exhaustion = true;
                }
                drop(permit);
                tokio::time::sleep(ACCEPT_BACKOFF).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let service = app.clone().map_request(move |req: Request<Incoming>| {
            let mut req = req.map(Body::new);
            req.extensions_mut().insert(ConnectInfo(peer));
            req
        });
        let conn = http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            // Errors here are the peer's (reset, timeout, malformed head): nothing to do but close.
            let _ = conn.await;
            drop(permit);
        });
    }
    drop(listener);
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("connections still open after the shutdown grace period");
    }
}
