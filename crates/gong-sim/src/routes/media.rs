//! Media links (signed, expiring after the configured lifetime, 8 hours by default;
//! the file is a generated WAV, see [`crate::wav`])
//! and the call page that `metaData.url` points at.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Path, RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};

use super::query_param;
use crate::error::ApiError;
use crate::state::SimState;

/// `GET /media/{call_id}/{file}?Expires=…&Signature=…`.
pub async fn serve(
    State(state): State<Arc<SimState>>,
    Path((call_id, file)): Path<(String, String)>,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    if state.faults.is_down(Instant::now()) {
        return Err(ApiError::injected(StatusCode::SERVICE_UNAVAILABLE));
    }
    let expires = query_param(&q, "Expires").and_then(|e| e.parse::<i64>().ok());
    let signature = query_param(&q, "Signature");
    let Some(expires) = expires
        .filter(|e| signature.as_deref() == Some(&state.media_signature(&call_id, &file, *e)))
    else {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "Invalid media link signature",
        ));
    };
    if state.now().timestamp() >= expires {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "Media link has expired",
        ));
    }
    let call = state
        .dataset
        .call_by_id(&call_id)
        .filter(|c| !state.recording_deleted(c))
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "Recording not found"))?;
    match file.as_str() {
        "audio.wav" => {}
        "video.wav" if call.video => {}
        _ => return Err(ApiError::new(StatusCode::NOT_FOUND, "Recording not found")),
    }
    let body = crate::wav::recording(&call.id);
    Ok(([(header::CONTENT_TYPE, "audio/wav")], body).into_response())
}

/// `GET /call?id=…`: a minimal call page (the non-expiring link of `metaData.url`).
pub async fn call_page(State(state): State<Arc<SimState>>, RawQuery(q): RawQuery) -> Response {
    let id = query_param(&q, "id").unwrap_or_default();
    match state.dataset.call_by_id(&id) {
        Some(call) => Html(format!(
            "<!doctype html><title>Gong call</title><h1>{}</h1><p>Call {} started {}</p>",
            call.title.replace('<', "&lt;"),
            call.id,
            call.started.to_rfc3339()
        ))
        .into_response(),
        None => (
            StatusCode::NOT_FOUND,
            Html("<!doctype html><p>Call not found.</p>"),
        )
            .into_response(),
    }
}
