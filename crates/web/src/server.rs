//! The HTTP server loop: accepts connections and serves the router on each with
//! timeouts, so a slow or silent client cannot hold connections open (slowloris).
//!
//! - **Header read / idle**: a connection must deliver a request's head within
//!   [`ServerTimeouts::header_read`]; the clock starts whenever the connection waits
//!   for a request, so it is also how long a kept-alive connection may sit idle.
//! - **Body**: reading a request body may pause at most [`ServerTimeouts::body`]
//!   between chunks (then 408).
//!
//! Each request carries the peer's [`ConnectInfo`] (the log-in throttle keys on it).
//! On shutdown the listener closes, connections finish their request in flight and
//! close, bounded by [`ServerTimeouts::shutdown`].

use std::future::Future;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tower::ServiceExt as _;

/// The server's timeouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerTimeouts {
    /// Time to receive a request's head; also the idle time of a kept-alive connection.
    pub header_read: Duration,
    /// Longest pause while reading a request body.
    pub body: Duration,
    /// How long shutdown waits for open connections.
    pub shutdown: Duration,
}

impl Default for ServerTimeouts {
    fn default() -> ServerTimeouts {
        ServerTimeouts {
            header_read: Duration::from_secs(15),
            body: Duration::from_secs(30),
            shutdown: Duration::from_secs(30),
        }
    }
}

/// Serves `app` on `listener` until `shutdown` completes.
pub async fn run(
    listener: TcpListener,
    app: Router,
    timeouts: ServerTimeouts,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = app.layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
        timeouts.body,
    ));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(timeouts.header_read);
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
        });
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
