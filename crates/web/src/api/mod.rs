//! The JSON API under `/api/v1`: one module per resource, the route table
//! ([`routes`]) that builds the router and that the OpenAPI test checks against
//! [`openapi::document`]. Every route but the document needs a Bearer API token
//! (or a session, with `X-CSRF-Token` on writes). Every list answers one page
//! `{items, total, next}` ([`crate::paging`]); items have the CLI's JSON
//! ([`gong_timeline_sync::views`]).

pub mod activities;
pub mod audit;
pub mod connections;
pub mod erasures;
pub mod imports;
pub mod jobs;
pub mod openapi;
pub mod quota;
pub mod users;

use crate::error::ApiError;
use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, patch, post, put, MethodRouter};
use axum::Router;

use crate::auth::require_api;
use crate::state::AppState;

/// Every authenticated route: (method, path under `/api/v1`, handler).
pub fn routes() -> Vec<(&'static str, &'static str, MethodRouter<AppState>)> {
    vec![
        ("get", "/connections", get(connections::list)),
        ("post", "/connections", post(connections::create)),
        ("get", "/connections/{id}", get(connections::show)),
        ("patch", "/connections/{id}", patch(connections::update)),
        ("delete", "/connections/{id}", delete(connections::delete)),
        (
            "post",
            "/connections/{id}/authorize",
            post(connections::authorize),
        ),
        (
            "get",
            "/connections/{id}/settings",
            get(connections::settings),
        ),
        (
            "put",
            "/connections/{id}/settings",
            put(connections::save_settings),
        ),
        (
            "post",
            "/connections/{id}/settings/preview",
            post(connections::preview_settings),
        ),
        (
            "get",
            "/connections/{id}/sync",
            get(connections::sync_status),
        ),
        (
            "post",
            "/connections/{id}/sync",
            post(connections::start_sync),
        ),
        (
            "post",
            "/connections/{id}/resync",
            post(connections::start_resync),
        ),
        (
            "get",
            "/connections/{id}/pending",
            get(connections::pending),
        ),
        (
            "post",
            "/connections/{id}/reevaluate",
            post(connections::reevaluate),
        ),
        (
            "get",
            "/connections/{id}/resync-estimate",
            get(quota::resync_estimate),
        ),
        ("get", "/connections/{id}/usage", get(quota::usage)),
        ("get", "/connections/{id}/quota", get(quota::quota)),
        ("put", "/connections/{id}/quota", put(quota::save_quota)),
        (
            "get",
            "/connections/{id}/webhook",
            get(connections::webhook),
        ),
        (
            "put",
            "/connections/{id}/webhook",
            put(connections::save_webhook),
        ),
        ("get", "/connections/{id}/users", get(users::list)),
        (
            "post",
            "/connections/{id}/users/{gong_user_id}/resolve",
            post(users::resolve),
        ),
        ("get", "/users", get(users::timeline_users)),
        ("put", "/accounts/{id}", put(users::change_account)),
        ("delete", "/accounts/{id}", delete(users::remove_sign_in)),
        (
            "post",
            "/imports/{kind}",
            post(imports::import).layer(axum::extract::DefaultBodyLimit::max(
                crate::limits::UPLOAD_LIMIT,
            )),
        ),
        ("get", "/jobs", get(jobs::list)),
        ("get", "/jobs/{id}", get(jobs::show)),
        ("get", "/jobs/{id}/records", get(jobs::records)),
        ("post", "/jobs/{id}/export", post(jobs::export)),
        ("get", "/activities", get(activities::list)),
        ("get", "/activities/{id}", get(activities::show)),
        (
            "get",
            "/activities/{id}/transcript",
            get(activities::transcript),
        ),
        ("get", "/companies", get(activities::companies)),
        ("get", "/erasures", get(erasures::list)),
        ("post", "/erasures", post(erasures::erase)),
        ("get", "/audit", get(audit::list)),
    ]
}

/// The API router.
pub fn router(state: AppState) -> Router<AppState> {
    let mut api = Router::new();
    for (_, path, handler) in routes() {
        api = api.route(path, handler);
    }
    api.route_layer(middleware::from_fn_with_state(state, require_api))
        .route("/openapi.json", get(openapi::serve))
        .fallback(|| async { ApiError::NotFound("no such API route".into()) })
        .layer(middleware::from_fn(json_rejections))
}

/// axum's own rejections (a body or query that does not parse) are plain text;
/// the API answers them in its error shape.
async fn json_rejections(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    let response = next.run(request).await;
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if is_json || !response.status().is_client_error() {
        return response;
    }
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 64 * 1024)
        .await
        .unwrap_or_default();
    let text = String::from_utf8_lossy(&bytes).trim().to_string();
    let message = crate::error::path_id_message(&path, &text).unwrap_or(text);
    let code = match status {
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::NOT_FOUND => "not_found",
        _ => "invalid",
    };
    let body = serde_json::json!({"error": {"code": code, "message": message}});
    (status, axum::Json(body)).into_response()
}
