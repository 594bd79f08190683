//! The server-rendered admin UI: one module per page group, each a set of handlers
//! that extract, call the store / `service` / sync, and render with maud; a handler
//! returns [`error::PageResult`], so a failure is the error page inside the layout.

pub mod assets;
pub mod audit;
pub mod charts;
pub mod connectors;
pub mod error;
pub mod guard;
pub mod imports;
pub mod insights;
pub mod layout;
pub mod log;
pub mod login;
pub mod oauth;
pub mod paging;
pub mod privacy;
pub mod settings;
mod sso;
pub mod timeline;
pub mod tokens;
pub mod users;

use axum::extract::DefaultBodyLimit;
use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;

use crate::auth::require_api;
use crate::error::ApiError;
use crate::state::AppState;
use guard::require_admin;

/// The pages behind the log-in (`require_admin`: session + CSRF on every form).
pub fn router(state: AppState) -> Router<AppState> {
    let protected = Router::new()
        .route("/", get(home))
        .route("/logout", post(login::logout))
        .route(
            "/connectors",
            get(connectors::list).post(connectors::create),
        )
        .route("/connectors/{id}", get(connectors::show))
        .route("/connectors/{id}/authorize", post(connectors::authorize))
        .route("/connectors/{id}/sync", post(connectors::initiate_sync))
        .route("/connectors/{id}/resync", post(connectors::resync))
        .route(
            "/connectors/{id}/resync/estimate",
            post(connectors::resync_estimate),
        )
        .route("/connectors/{id}/usage", get(connectors::usage))
        .route("/connectors/{id}/pending", get(connectors::pending))
        .route(
            "/connectors/{id}/sync-status",
            get(connectors::sync_fragment),
        )
        .route("/connectors/{id}/reevaluate", post(connectors::reevaluate))
        .route("/connectors/{id}/quota", post(connectors::save_quota))
        .route("/connectors/{id}/update", post(connectors::update))
        .route("/connectors/{id}/webhook", post(connectors::save_webhook))
        .route(
            "/connectors/{id}/webhook/rotate",
            get(connectors::confirm_rotate),
        )
        .route(
            "/connectors/{id}/delete",
            get(connectors::confirm_delete).post(connectors::delete),
        )
        .route(
            "/connectors/{id}/settings",
            get(settings::show).post(settings::save),
        )
        .route("/oauth/callback", get(oauth::callback))
        .route("/log", get(log::jobs))
        .route("/log/jobs/{id}", get(log::job))
        .route("/log/jobs/{id}/export", post(log::export))
        .route("/users", get(users::list))
        .route("/users/timeline", get(users::timeline_users))
        .route("/users/timeline/{id}/access", post(users::grant))
        .route("/users/accounts/{id}/role", post(users::change_role))
        .route(
            "/users/accounts/{id}/remove",
            get(users::confirm_remove).post(users::remove_sign_in),
        )
        .route(
            "/users/{connection}/resolve/{gong_user_id}",
            get(users::resolve_page).post(users::resolve),
        )
        .route("/companies", get(timeline::companies))
        .route("/companies/{id}", get(timeline::timeline))
        .route("/activities", get(timeline::search))
        .route("/activities/{id}", get(timeline::activity))
        .route("/activities/{id}/recording", get(timeline::recording))
        .route("/activities/{id}/transcript", get(timeline::transcript))
        .route("/tokens", get(tokens::list).post(tokens::create))
        .route(
            "/tokens/{id}/delete",
            get(tokens::confirm_delete).post(tokens::delete),
        )
        .route("/privacy", get(privacy::show))
        .route("/audit", get(audit::show))
        .route("/privacy/erase", post(privacy::erase))
        .route_layer(middleware::from_fn_with_state(state.clone(), require_admin));
    // Uploads take up to UPLOAD_LIMIT, set outside the guard so that its CSRF check
    // reads the form under the same limit as the handler.
    let uploads = Router::new()
        .route("/imports", get(imports::page_get).post(imports::upload))
        .route_layer(middleware::from_fn_with_state(state.clone(), require_admin))
        .layer(DefaultBodyLimit::max(crate::limits::UPLOAD_LIMIT));
    // A download link works with a session or a Bearer token.
    let downloads = Router::new()
        .route("/exports/{token}", get(log::download))
        .route_layer(middleware::from_fn_with_state(state, require_api));
    Router::new()
        .route("/login", get(login::page).post(login::submit))
        .route("/auth/oidc/start", get(sso::start))
        .route("/auth/oidc/callback", get(sso::callback))
        .route("/static/app.css", get(assets::css))
        .route("/static/app.js", get(assets::js))
        .merge(protected)
        .merge(uploads)
        .merge(downloads)
        .fallback(error::not_found)
        .layer(middleware::from_fn(page_rejections))
}

/// `GET /`: an admin's first page is Connectors; a reader's (A1) the Timeline.
async fn home(axum::Extension(s): axum::Extension<crate::auth::AdminSession>) -> Redirect {
    if s.role == gong_timeline_store::Role::Admin {
        Redirect::to("/connectors")
    } else {
        Redirect::to("/companies")
    }
}

/// axum's own rejections (an id in the address that is not a number, a query or
/// form that does not parse, a visit to a form's address) are plain text; a page
/// shows them inside the layout, with a way back. JSON answers are left alone.
async fn page_rejections(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    let response = next.run(request).await;
    let plain = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_none_or(|v| v.as_bytes().starts_with(b"text/plain"));
    let status = response.status();
    if !plain || !status.is_client_error() {
        return response;
    }
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, 64 * 1024)
        .await
        .unwrap_or_default();
    let text = String::from_utf8_lossy(&bytes).trim().to_string();
    let message = if status == StatusCode::METHOD_NOT_ALLOWED {
        "This address answers a form's button, not a visit: go back and use the page's buttons."
            .to_string()
    } else if status == StatusCode::PAYLOAD_TOO_LARGE {
        "The file is too large to upload; split it into smaller files and upload each.".to_string()
    } else if let Some(id) = crate::error::path_id_message(&path, &text) {
        format!("{id}. Check the address, or go back and use the page's links.")
    } else if text.is_empty() {
        format!("The request was refused ({status}).")
    } else {
        format!("{text}. Check the address, or go back and use the page's links and forms.")
    };
    let mut page = error::PageError(ApiError::BadRequest(message)).into_response();
    *page.status_mut() = status;
    // Keep what the rejection said besides its body (a 405's `Allow`).
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            page.headers_mut().insert(name.clone(), value.clone());
        }
    }
    page
}
