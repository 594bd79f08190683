//! The HTTP surface: Gong's `/v2` API behind the gate (faults, auth, limits), the
//! OAuth pages, media links, and the `/_sim` admin endpoints for tests.

mod admin;
mod calls;
mod gate;
mod media;
mod oauth;
mod privacy;
mod settings;
mod users;

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

use crate::error::ApiError;
use crate::request_id;
use crate::state::SimState;

pub use gate::Principal;

/// Marks a response made by a fault switch, for the counters.
#[derive(Debug, Clone, Copy)]
pub struct Injected;

/// The whole simulator as an axum router.
pub fn app(state: Arc<SimState>) -> Router {
    let api = Router::new()
        .route("/v2/users", get(users::list))
        .route("/v2/users/{id}", get(users::one))
        .route("/v2/calls", get(calls::list))
        .route("/v2/calls/extensive", post(calls::extensive))
        .route("/v2/calls/transcript", post(calls::transcript))
        .route("/v2/call-outcomes", get(calls::outcomes))
        .route("/v2/calls/{id}", get(calls::one))
        .route("/v2/settings/trackers", get(settings::trackers))
        .route("/v2/workspaces", get(settings::workspaces))
        .route(
            "/v2/data-privacy/erase-data-for-email-address",
            post(privacy::erase),
        )
        .route(
            "/v2/data-privacy/data-for-email-address",
            get(privacy::data_for_email),
        )
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            gate::api_gate,
        ));
    Router::new()
        .route(
            "/oauth2/authorize",
            get(oauth::consent_page).post(oauth::decide),
        )
        .route("/oauth2/generate-customer-token", post(oauth::token))
        .route("/media/{call_id}/{file}", get(media::serve))
        .route("/call", get(media::call_page))
        .nest("/_sim", admin::router())
        .merge(api)
        .layer(middleware::from_fn_with_state(state.clone(), outer))
        .with_state(state)
}

async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "Not found")
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed")
}

/// Gives every request an id (task-local, `x-traceid` header) and counts it.
async fn outer(State(state): State<Arc<SimState>>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let admin = path.starts_with("/_sim");
    let api = path.starts_with("/v2/");
    let key = format!("{} {}", req.method(), normalise(path));
    if !admin {
        state.stats.request(key, api, Instant::now());
    }
    let id = request_id::new_request_id();
    let mut response = request_id::scope(id.clone(), next.run(req)).await;
    if !admin {
        let injected = response.extensions().get::<Injected>().is_some();
        state.stats.answer(response.status().as_u16(), injected);
    }
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-traceid", value);
    }
    response.headers_mut().insert(
        "x-gong-service-version",
        HeaderValue::from_static("PublicApiServer:sim"),
    );
    response
}

/// Replaces ids in a path with placeholders so counts group by endpoint.
fn normalise(path: &str) -> String {
    if let Some(rest) = path.strip_prefix("/media/") {
        let file = rest.rsplit('/').next().unwrap_or_default();
        return format!("/media/{{call_id}}/{file}");
    }
    path.split('/')
        .map(|seg| {
            if seg.len() >= 6 && seg.bytes().all(|b| b.is_ascii_digit()) {
                "{id}"
            } else {
                seg
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Query parameter `name` of a raw query string.
pub fn query_param(query: &Option<String>, name: &str) -> Option<String> {
    let q = query.as_deref()?;
    url::form_urlencoded::parse(q.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// A JSON answer with the right content type.
fn json_response<T: serde::Serialize>(value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(bytes) => (
            [(
                axum::http::header::CONTENT_TYPE,
                "application/json;charset=UTF-8",
            )],
            bytes,
        )
            .into_response(),
        Err(e) => ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn paths_group_by_endpoint() {
        assert_eq!(
            super::normalise("/v2/users/4417298830051620943"),
            "/v2/users/{id}"
        );
        assert_eq!(
            super::normalise("/v2/calls/extensive"),
            "/v2/calls/extensive"
        );
        assert_eq!(
            super::normalise("/media/123/audio.wav"),
            "/media/{call_id}/audio.wav"
        );
    }
}
