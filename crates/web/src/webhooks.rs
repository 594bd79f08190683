//! `POST /webhooks/gong/{key}` (W1): Gong's automation-rule webhook. No session and
//! no CSRF token: the URL key (and, when set up, Gong's signed JWT) authenticates.
//! The call id is queued durably before the answer; the worker does the rest.

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use gong_timeline_sync::webhooks::{receive, Received, Rejected};
use serde_json::json;

use crate::AppState;

/// Bodies over this are refused with 413 (a call object is a few kB).
pub const BODY_LIMIT: usize = 5 * 1024 * 1024;

/// The webhook route, with its own body limit.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/webhooks/gong/{key}", post(webhook))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
}

async fn webhook(
    State(state): State<AppState>,
    Path(key): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let received = receive(
        &state.store,
        &state.config.public_url,
        &key,
        authorization,
        &body,
        state.now(),
    )
    .await;
    match received {
        Ok(Received::Queued {
            connection_id,
            gong_call_id,
            duplicate,
        }) => {
            if !duplicate {
                state.webhook_waker().notify_one();
            }
            tracing::info!(connection_id, %gong_call_id, duplicate, "Webhook call queued.");
            let status = if duplicate { "duplicate" } else { "queued" };
            (
                StatusCode::OK,
                Json(json!({ "status": status, "call_id": gong_call_id })),
            )
                .into_response()
        }
        Ok(Received::Test { connection_id }) => {
            tracing::info!(connection_id, "Webhook test received.");
            (StatusCode::OK, Json(json!({ "status": "test received" }))).into_response()
        }
        Err(rejected) => refuse(&state, rejected),
    }
}

fn refuse(state: &AppState, rejected: Rejected) -> Response {
    let status = match &rejected {
        r if r.is_unauthorised() => StatusCode::UNAUTHORIZED,
        Rejected::BadBody(_) => StatusCode::BAD_REQUEST,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    if status == StatusCode::UNAUTHORIZED {
        state
            .inner
            .webhook_refused
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        tracing::warn!(reason = %rejected, "Webhook refused (401); nothing stored.");
    } else {
        tracing::warn!(reason = %rejected, "Webhook not taken; nothing stored.");
    }
    (status, Json(json!({ "error": rejected.to_string() }))).into_response()
}
