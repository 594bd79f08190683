//! Static files of the admin UI, compiled into the binary and served under
//! `/assets/`: the one stylesheet and the small scripts pages load.
//!
//! Pages load scripts and styles **only as files served from here** — no inline
//! `<script>` block, no `<style>` element, no `style=` attribute, no `on…=` handler —
//! because the Content-Security-Policy ([`crate::security`]) allows `script-src 'self'`
//! and `style-src 'self'` and nothing inline. A new script or stylesheet is a file in
//! `crates/web/assets/` plus one line in [`FILES`].

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

/// (file name, content type, content).
const FILES: &[(&str, &str, &str)] = &[
    (
        "app.css",
        "text/css; charset=utf-8",
        include_str!("../assets/app.css"),
    ),
    (
        "recordings.js",
        "text/javascript; charset=utf-8",
        include_str!("../assets/recordings.js"),
    ),
    (
        "settings.js",
        "text/javascript; charset=utf-8",
        include_str!("../assets/settings.js"),
    ),
];

/// `GET /assets/{file}`, no login needed (the log-in page uses the stylesheet).
pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new().route("/assets/{file}", get(file))
}

async fn file(Path(name): Path<String>) -> Response {
    match FILES.iter().find(|(n, _, _)| *n == name) {
        Some((_, content_type, body)) => (
            [
                (header::CONTENT_TYPE, *content_type),
                // Short: a new release's stylesheet reaches browsers within minutes.
                (header::CACHE_CONTROL, "public, max-age=300"),
            ],
            *body,
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "no such asset\n").into_response(),
    }
}
