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
//! Modules import one way, lowest first: `state`, `error`, `limits`, `server`
//! (configuration and plain types) → `security`, `auth` (who is signed in, roles) →
//! `service` (the rules pages and API share) → `api`, `ui` (handlers; `paging`,
//! `metrics` and `webhooks` sit beside them). No import goes back up, and `api`
//! never imports `ui`.
//!
//! - [`state`]: [`AppState`] (store, engine, [`WebConfig`], clock) and in-process
//!   bookkeeping (single sign-ons under way, the provider's keys).
//! - [`error`]: [`ApiError`], the one error type, with a status per variant.
//! - [`limits`]: the most a form, an upload or an import body may carry.
//! - [`auth`]: argon2 passwords, session cookies with CSRF tokens, Bearer API tokens,
//!   single sign-on (OpenID Connect), what each role may reach.
//! - [`service`]: every rule pages and API share — connections (one look-up, one
//!   create), settings (preview, Save), user mappings and search, imports,
//!   background syncs, the OAuth flow, Gong host checks (no SSRF), webhooks, .xlsx
//!   exports with expiry, live recordings, API tokens. Nothing in it renders.
//! - [`ui`]: the pages, one module per resource; [`ui::error::PageError`] renders a
//!   failure as the error page inside the layout.
//! - [`api`]: `/api/v1`, one module per resource, and `openapi`; it uses `service`,
//!   never `ui`.
//! - [`paging`]: keyset pages of every list (`{items, total, next}`, opaque cursors).
//! - [`metrics`]: `/healthz`, `/metrics` (behind an API token, or public on a
//!   separate address with [`serve_metrics`]).
//! - [`security`]: security headers on every response; URIs as logs show them.
//! - [`webhooks`]: `POST /webhooks/gong/{key}`, Gong's pushes, queued for the worker.
//! - [`server`]: the accept loop with header-read/idle and body timeouts.
#![forbid(unsafe_code)]

pub mod api;
pub mod auth;
pub mod error;
pub mod limits;
pub mod metrics;
pub mod paging;
pub mod security;
pub mod server;
pub mod service;
pub mod state;
pub mod ui;
pub mod webhooks;

use std::future::Future;
use std::time::Duration;

use axum::http::Request;
use axum::routing::get;
use axum::{middleware, Router};
use tokio::net::TcpListener;

pub use auth::secret::hash_password;
pub use error::ApiError;
pub use server::ServerTimeouts;
pub use state::{AppState, OAuthApp, OidcConfig, RoleSource, WebConfig};

/// The whole application: pages, API, health, metrics (with an API token) and assets.
pub fn app(state: AppState) -> Router {
    let metrics = Router::new()
        .route("/metrics", get(metrics::metrics))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            auth::require_api,
        ));
    let headers = security::SecurityHeaders::new(&state.config);
    Router::new()
        .route("/healthz", get(metrics::healthz))
        .merge(metrics)
        .nest("/api/v1", api::router(state.clone()))
        .merge(webhooks::router())
        .merge(ui::router(state.clone()))
        .layer(middleware::from_fn_with_state(headers, security::headers))
        .layer(
            tower_http::trace::TraceLayer::new_for_http().make_span_with(
                |req: &Request<axum::body::Body>| {
                    let uri = security::redact_uri(req.uri());
                    tracing::debug_span!("request", method = %req.method(), %uri)
                },
            ),
        )
        .with_state(state)
}

/// `/metrics` and `/healthz` without log-in, for a separate address that only the
/// monitoring system reaches (`serve --metrics-bind`).
pub fn metrics_app(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(metrics::healthz))
        .route("/metrics", get(metrics::metrics))
        .with_state(state)
}

/// Serves [`metrics_app`] on `listener` until `shutdown` completes.
pub async fn serve_metrics(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let timeouts = state.config.timeouts;
    server::run(listener, metrics_app(state), timeouts, shutdown).await
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
    auth::secret::warm_up().await;
    let timeouts = state.config.timeouts;
    let result = server::run(listener, app(state.clone()), timeouts, shutdown).await;
    purger.abort();
    if !state
        .wait_for_background_syncs(Duration::from_secs(300))
        .await
    {
        tracing::warn!("A background sync was still running at shutdown.");
    }
    result
}
