//! `POST /webhooks/gong/{key}` (W1): Gong's automation-rule webhook. No session and
//! no CSRF token: the URL key (and, when set up, Gong's signed JWT) authenticates.
//! The call id is queued durably before the answer; the worker does the rest.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use gong_timeline_sync::webhooks::{accept, authenticate, Received, Rejected};
use serde_json::json;

use crate::state::AppState;

/// Bodies over this are refused with 413 (a call object is a few kB).
pub const BODY_LIMIT: usize = 5 * 1024 * 1024;

/// The webhook route; it reads at most [`BODY_LIMIT`] of a body, once authenticated.
pub fn router() -> Router<AppState> {
    Router::new().route("/webhooks/gong/{key}", post(webhook))
}

async fn webhook(
    State(state): State<AppState>,
    Path(key): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    // Authenticated first, so that a stranger's body is never buffered (401 unread).
    let authenticated =
        match authenticate(&state.store, &state.config.public_url, &key, authorization).await {
            Ok(authenticated) => authenticated,
            Err(rejected) => return refuse(&state, rejected),
        };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
    let too_large = || {
        tracing::warn!("Webhook body over {BODY_LIMIT} bytes; nothing stored.");
        let limit_mb = BODY_LIMIT / (1024 * 1024);
        let error = format!("the body is over {limit_mb} MB");
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            Json(json!({ "error": error })),
        )
            .into_response()
    };
    if declared.is_some_and(|n| n > BODY_LIMIT) {
        return too_large();
    }
    let body = match axum::body::to_bytes(body, BODY_LIMIT).await {
        Ok(body) => body,
        // Without a length, reading stops at the limit; with one, the body was cut short.
        Err(_) if declared.is_none() => return too_large(),
        Err(error) => {
            tracing::warn!(%error, "Webhook body cut short; nothing stored.");
            let error = format!("the body was cut short: {error}");
            return (StatusCode::BAD_REQUEST, Json(json!({ "error": error }))).into_response();
        }
    };
    let received = accept(&state.store, authenticated, &body, state.now()).await;
    match received {
        Ok(Received::Queued {
            connection_id,
            gong_call_id,
            duplicate,
        }) => {
            if !duplicate {
                state.webhook_waker().notify_one();
            }
            tracing::info!(connection_id = connection_id.get(), %gong_call_id, duplicate, "Webhook call queued.");
            let status = if duplicate { "duplicate" } else { "queued" };
            (
                StatusCode::OK,
                Json(json!({ "status": status, "call_id": gong_call_id })),
            )
                .into_response()
        }
        Ok(Received::Test { connection_id }) => {
            tracing::info!(
                connection_id = connection_id.get(),
                "Webhook test received."
            );
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
