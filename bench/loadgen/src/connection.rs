//! One keep-alive connection sending requests back to back until the run ends, reconnecting after a failure.

use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::{self, SendRequest};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

use crate::options::Target;
use crate::stats::Tally;

/// Longest wait for one TCP connect: far above loopback's microseconds, short enough to retry a dead server.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Longest wait for one answer (body included). Far above any latency worth measuring; a stuck request becomes a
/// counted error instead of stalling the run.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Pause after a failed connect, so a refused port is not hammered in a tight loop.
const RECONNECT_PAUSE: Duration = Duration::from_millis(100);

/// When counting starts (end of the warm-up) and when no new request is sent.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    /// Requests sent from this instant on are counted.
    pub measure_from: Instant,
    /// No request is sent from this instant on.
    pub end: Instant,
}

/// Why a request got no answer.
#[derive(Debug, thiserror::Error)]
enum Failure {
    /// TCP connect failed.
    #[error("connect to {0} failed: {1}")]
    Connect(String, std::io::Error),
    /// TCP connect took too long.
    #[error("connect to {0} timed out")]
    ConnectTimeout(String),
    /// HTTP/1.1 handshake, send or receive failed.
    #[error("HTTP error: {0}")]
    Http(#[from] hyper::Error),
    /// No complete answer within [`REQUEST_TIMEOUT`].
    #[error("no answer within {} s", REQUEST_TIMEOUT.as_secs())]
    Timeout,
}

/// Run one connection through `window`; returns what it saw in the measured part.
pub async fn run(target: &Target, window: Window) -> Tally {
    let mut tally = Tally::default();
    'connection: while Instant::now() < window.end {
        let mut sender = match connect(target).await {
            Ok(sender) => sender,
            Err(failure) => {
                if Instant::now() >= window.measure_from {
                    tally.failure(failure);
                }
                tokio::time::sleep(RECONNECT_PAUSE).await;
                continue;
            }
        };
        loop {
            let started = Instant::now();
            if started >= window.end {
                break 'connection;
            }
            let result = tokio::time::timeout(REQUEST_TIMEOUT, exchange(&mut sender, target)).await;
            let counted = started >= window.measure_from;
            match result {
                Ok(Ok(status)) if counted => tally.answer(status, started.elapsed()),
                Ok(Ok(_)) => {}
                Ok(Err(failure)) => {
                    if counted {
                        tally.failure(failure);
                    }
                    continue 'connection;
                }
                Err(_) => {
                    if counted {
                        tally.failure(Failure::Timeout);
                    }
                    continue 'connection;
                }
            }
        }
    }
    tally
}

/// Open a TCP connection (no Nagle delay) and do the HTTP/1.1 handshake; the connection is driven by its own task.
async fn connect(target: &Target) -> Result<SendRequest<Full<Bytes>>, Failure> {
    let stream = tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(&target.connect_to))
        .await
        .map_err(|_| Failure::ConnectTimeout(target.connect_to.clone()))?
        .map_err(|e| Failure::Connect(target.connect_to.clone(), e))?;
    stream
        .set_nodelay(true)
        .map_err(|e| Failure::Connect(target.connect_to.clone(), e))?;
    let (sender, connection) = http1::handshake(TokioIo::new(stream)).await?;
    // Its errors reach the sender as failed requests; nothing else to do with them here.
    tokio::spawn(async move {
        let _ = connection.await;
    });
    Ok(sender)
}

/// Send one request and read the whole answer (so the connection can carry the next one); its status code.
async fn exchange(sender: &mut SendRequest<Full<Bytes>>, target: &Target) -> Result<u16, Failure> {
    sender.ready().await?;
    let response = sender.send_request(target.request()).await?;
    let status = response.status().as_u16();
    response.into_body().collect().await?;
    Ok(status)
}
