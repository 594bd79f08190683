//! The HTTP server loop: accepts connections and serves the router on each with
//! timeouts, so a slow or silent client cannot hold connections open (slowloris).
//!
//! - **Header read / idle**: a connection must deliver a request's head within
//!   [`ServerTimeouts::header_read`]; the clock starts whenever the connection waits
//!   for a request, so it is also how long a kept-alive connection may sit idle.
//! - **Body**: reading a request body may pause at most [`ServerTimeouts::body`]
//!   between chunks (then 408).
//! - **Request**: a request must be read and answered (up to its response's head)
//!   within [`ServerTimeouts::request`] in total (then 408), however slowly its body
//!   trickles in.
//! - **Connections**: at most [`ServerTimeouts::max_connections`] are served at once
//!   (fewer when the process may open fewer files: half its open-file limit). A few
//!   more ([`RESERVE`]) are kept for health checks: on those only `/healthz` is
//!   answered (anything else gets 503), with a short deadline and no keep-alive.
//!   Beyond that a connection is closed as soon as it is accepted, so slow clients
//!   can neither exhaust the file descriptors nor keep `/healthz` from answering.
//!
//! Each request carries the peer's [`ConnectInfo`] (the log-in throttle keys on it).
//! On shutdown the listener closes, connections finish their request in flight and
//! close, bounded by [`ServerTimeouts::shutdown`].

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt as _;

/// The server's timeouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerTimeouts {
    /// Time to receive a request's head; also the idle time of a kept-alive connection.
    pub header_read: Duration,
    /// Longest pause while reading a request body.
    pub body: Duration,
    /// Longest time to read a request and produce its response's head.
    pub request: Duration,
    /// Connections served at once, at most (health checks have [`RESERVE`] more).
    pub max_connections: usize,
    /// How long shutdown waits for open connections.
    pub shutdown: Duration,
}

impl Default for ServerTimeouts {
    fn default() -> ServerTimeouts {
        ServerTimeouts {
            header_read: Duration::from_secs(15),
            body: Duration::from_secs(30),
            request: Duration::from_secs(60),
            max_connections: 512,
            shutdown: Duration::from_secs(30),
        }
    }
}

/// Connections kept for health checks beyond [`ServerTimeouts::max_connections`].
pub const RESERVE: usize = 16;
/// Deadline of a connection in the reserve (header, request and answer).
const RESERVE_DEADLINE: Duration = Duration::from_secs(2);

/// The soft limit on open files of this process (Linux), when it can be read.
fn open_file_limit() -> Option<usize> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

/// The connection cap: the configured one, or half the open-file limit (leaving
/// files for the database, exports and the reserve) when that is lower.
fn connection_cap(configured: usize) -> usize {
    let by_files = open_file_limit().map_or(usize::MAX, |n| (n / 2).saturating_sub(RESERVE));
    configured.min(by_files).max(1)
}

/// The answer on a reserve connection: `/healthz` as usual, anything else 503.
async fn reserve_answer(app: Router, req: axum::extract::Request) -> axum::response::Response {
    use axum::response::IntoResponse as _;
    if req.uri().path() == "/healthz" {
        return match app.oneshot(req).await {
            Ok(response) => response,
            Err(never) => match never {},
        };
    }
    let message = "The server is busy: too many open connections. Try again shortly.";
    let mut response = (axum::http::StatusCode::SERVICE_UNAVAILABLE, message).into_response();
    response.headers_mut().insert(
        axum::http::header::RETRY_AFTER,
        axum::http::HeaderValue::from_static("2"),
    );
    response
}

/// Serves `app` on `listener` until `shutdown` completes.
pub async fn run(
    listener: TcpListener,
    app: Router,
    timeouts: ServerTimeouts,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = app
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
            timeouts.body,
        ))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            timeouts.request,
        ));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(timeouts.header_read);
    let mut reserve_http = hyper::server::conn::http1::Builder::new();
    reserve_http
        .timer(TokioTimer::new())
        .header_read_timeout(RESERVE_DEADLINE)
        .keep_alive(false);
    let slots = Arc::new(Semaphore::new(connection_cap(timeouts.max_connections)));
    let reserve = Arc::new(Semaphore::new(RESERVE));
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(error) => {
                    // Out of file descriptors and the like: wait a moment, go on.
                    tracing::warn!(%error, "Accepting a connection failed.");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let app = app.clone();
        if let Ok(slot) = slots.clone().try_acquire_owned() {
            let service = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
                let mut req = req.map(Body::new);
                req.extensions_mut().insert(ConnectInfo(peer));
                app.clone().oneshot(req)
            });
            let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
            tokio::spawn(async move {
                if let Err(error) = connection.await {
                    tracing::debug!(%error, %peer, "A connection ended with an error.");
                }
                drop(slot);
            });
        } else if let Ok(slot) = reserve.clone().try_acquire_owned() {
            let service = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
                let mut req = req.map(Body::new);
                req.extensions_mut().insert(ConnectInfo(peer));
                let app = app.clone();
                async move { Ok::<_, std::convert::Infallible>(reserve_answer(app, req).await) }
            });
            let connection = reserve_http.serve_connection(TokioIo::new(stream), service);
            tokio::spawn(async move {
                let _ = tokio::time::timeout(RESERVE_DEADLINE, connection).await;
                drop(slot);
            });
        } else {
            tracing::debug!(%peer, "A connection was closed at once: too many are open.");
            drop(stream);
        }
    }
    drop(listener);
    if tokio::time::timeout(timeouts.shutdown, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("Connections were still open at shutdown.");
    }
    Ok(())
}
