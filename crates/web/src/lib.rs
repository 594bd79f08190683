//! The web layer of gong-timeline: the server-rendered admin UI, the JSON API under
//! `/api/v1` (with its OpenAPI document), `/healthz` and `/metrics`.
//!
//! ```no_run
//! # async fn demo(state: gong_timeline_web::AppState) -> std::io::Result<()> {
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! gong_timeline_web::serve(listener, state, async { let _ = tokio::signal::ctrl_c().await; }).await
//! # }
//! ```
//!
//! # Layout
//! - [`state`]: [`AppState`] (store, engine, [`WebConfig`], clock) and in-process
//!   bookkeeping.
//! - [`error`]: [`ApiError`], the one error type, with a status per variant.
//! - [`auth`]: argon2 passwords, session cookies with CSRF tokens, Bearer API tokens.
//! - [`service`]: what pages and API share — background syncs, the OAuth flow, Gong
//!   host checks (no SSRF), .xlsx exports with expiry, live recordings.
//! - [`ui`]: the pages, one module per resource.
//! - [`api`]: `/api/v1`, one module per resource, and `openapi`.
//! - [`metrics`]: `/healthz`, `/metrics`.

pub mod api;
pub mod auth;
pub mod error;
pub mod metrics;
pub mod service;
pub mod state;
pub mod ui;

use std::future::Future;
use std::time::Duration;

use axum::routing::get;
use axum::Router;
use tokio::net::TcpListener;

pub use auth::secret::hash_password;
pub use error::ApiError;
pub use state::{AppState, OAuthApp, WebConfig};

/// The whole application: pages, API, health and metrics.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(metrics::healthz))
        .route("/metrics", get(metrics::metrics))
        .nest("/api/v1", api::router(state.clone()))
        .merge(ui::router(state.clone()))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}

/// Serves [`app`] on `listener` until `shutdown` completes, then waits (up to five
/// minutes) for syncs started from the web to finish. Expired exports are purged
/// hourly.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let purger = {
        let state = state.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(3600));
            loop {
                tick.tick().await;
                service::exports::purge_expired(&state).await;
            }
        })
    };
    let result = axum::serve(listener, app(state.clone()))
        .with_graceful_shutdown(shutdown)
        .await;
    purger.abort();
    if !state
        .wait_for_background_syncs(Duration::from_secs(300))
        .await
    {
        tracing::warn!("A background sync was still running at shutdown.");
    }
    result
}
