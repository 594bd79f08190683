//! `/_sim/...`: the fault switches and counters over HTTP, for tests that drive the
//! real binary. Admin requests are not counted in the stats and need no credentials.
//! Also the simulator's webhook side: new calls on demand, the public key, the URL
//! and rate, the test ping.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use crate::config::Limits;
use crate::controls::Controls;
use crate::error::ApiError;
use crate::faults::FaultUpdate;
use crate::state::SimState;
use crate::webhook::DeliveryError;

type S = State<Arc<SimState>>;

/// The admin routes.
pub fn router() -> Router<Arc<SimState>> {
    Router::new()
        .route("/stats", get(stats))
        .route("/stats/reset", post(reset_stats))
        .route("/faults", get(faults).post(update_faults))
        .route("/faults/reset", post(reset_faults))
        .route("/tokens/revoke", post(revoke))
        .route("/tokens/expire", post(expire))
        .route("/recordings/{call_id}/delete", post(delete_recording))
        .route("/deleted-calls", post(delete_calls))
        .route("/limits", get(limits).post(set_limits))
        .route("/clock", post(clock))
        .route("/dataset", get(dataset))
        .route("/calls/{index}", get(call_at))
        .route("/calls/new", post(new_calls))
        .route("/webhook-public-key", get(public_key))
        .route("/webhooks", get(webhooks).post(set_webhooks))
        .route("/webhooks/test", post(test_webhook))
}

fn controls(state: &Arc<SimState>) -> Controls {
    Controls::new(state.clone())
}

fn parse<T: for<'de> Deserialize<'de>>(body: &Bytes) -> Result<T, ApiError> {
    serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("Invalid admin request: {e}")))
}

async fn stats(State(s): S) -> Response {
    Json(s.stats.snapshot()).into_response()
}

async fn reset_stats(State(s): S) -> StatusCode {
    s.stats.reset();
    StatusCode::NO_CONTENT
}

async fn faults(State(s): S) -> Response {
    Json(controls(&s).faults()).into_response()
}

async fn update_faults(State(s): S, body: Bytes) -> Result<Response, ApiError> {
    let update: FaultUpdate = parse(&body)?;
    let c = controls(&s);
    c.update_faults(update);
    Ok(Json(c.faults()).into_response())
}

async fn reset_faults(State(s): S) -> StatusCode {
    s.faults.reset();
    StatusCode::NO_CONTENT
}

async fn revoke(State(s): S) -> StatusCode {
    controls(&s).revoke_all_tokens();
    StatusCode::NO_CONTENT
}

async fn expire(State(s): S) -> StatusCode {
    controls(&s).expire_access_tokens();
    StatusCode::NO_CONTENT
}

async fn delete_recording(State(s): S, Path(call_id): Path<String>) -> StatusCode {
    controls(&s).delete_recording(&call_id);
    StatusCode::NO_CONTENT
}

/// `{"ids": ["…", …]}`: deletes those calls from Gong.
async fn delete_calls(State(s): S, body: Bytes) -> Result<StatusCode, ApiError> {
    #[derive(serde::Deserialize)]
    struct Ids {
        ids: Vec<String>,
    }
    let Ids { ids } = parse(&body)?;
    controls(&s).delete_calls(ids);
    Ok(StatusCode::NO_CONTENT)
}

async fn limits(State(s): S) -> Response {
    Json(s.limiter.limits()).into_response()
}

async fn set_limits(State(s): S, body: Bytes) -> Result<Response, ApiError> {
    let limits: Limits = parse(&body)?;
    s.limiter.set(limits);
    Ok(Json(limits).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Advance {
    advance_secs: u64,
}

async fn clock(State(s): S, body: Bytes) -> Result<Response, ApiError> {
    let a: Advance = parse(&body)?;
    s.advance_clock(std::time::Duration::from_secs(a.advance_secs));
    Ok(Json(json!({ "now": s.now().to_rfc3339() })).into_response())
}

async fn dataset(State(s): S) -> Response {
    let ds = &s.dataset;
    let (from, to) = ds.window();
    Json(json!({
        "seed": ds.seed(),
        "calls": ds.call_count(),
        "users": ds.users().len(),
        "trackers": ds.trackers().len(),
        "companies": ds.companies().len(),
        "windowStart": from.to_rfc3339(),
        "windowEnd": to.to_rfc3339(),
        "workspaceId": ds.workspace_id(),
        "baseUrl": s.base_url,
    }))
    .into_response()
}

async fn call_at(State(s): S, Path(index): Path<u64>) -> Result<Response, ApiError> {
    let call = s
        .dataset
        .call(index)
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, format!("No call at index {index}")))?;
    Ok(Json(json!({
        "index": index,
        "id": call.id,
        "title": call.title,
        "started": call.started.to_rfc3339(),
        "primaryUserId": call.primary_user_id,
        "isPrivate": call.is_private,
        "recordingDeleted": s.recording_deleted(&call),
        "trackers": call.trackers.len(),
    }))
    .into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewCalls {
    #[serde(default = "one")]
    count: u64,
}

fn one() -> u64 {
    1
}

/// Calls per request at most, so one request cannot exhaust memory.
const MAX_NEW_CALLS: u64 = 100_000;

async fn new_calls(State(s): S, body: Bytes) -> Result<Response, ApiError> {
    let req: NewCalls = if body.is_empty() {
        NewCalls { count: 1 }
    } else {
        parse(&body)?
    };
    if req.count > MAX_NEW_CALLS {
        return Err(ApiError::bad_request(format!(
            "count must be at most {MAX_NEW_CALLS}"
        )));
    }
    let ids = controls(&s)
        .add_new_calls(req.count)
        .map_err(|e| ApiError::new(StatusCode::CONFLICT, e.to_string()))?;
    Ok(Json(json!({ "ids": ids })).into_response())
}

async fn public_key(State(s): S) -> Response {
    (
        [(axum::http::header::CONTENT_TYPE, "application/x-pem-file")],
        s.webhooks.key().public_pem().to_string(),
    )
        .into_response()
}

fn webhook_view(s: &SimState) -> Response {
    Json(json!({
        "url": s.webhooks.url(),
        "new_calls_per_minute": s.arrivals.per_minute(),
    }))
    .into_response()
}

async fn webhooks(State(s): S) -> Response {
    webhook_view(&s)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WebhookUpdate {
    /// A URL, or an empty string to stop sending.
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    new_calls_per_minute: Option<f64>,
}

async fn set_webhooks(State(s): S, body: Bytes) -> Result<Response, ApiError> {
    let update: WebhookUpdate = parse(&body)?;
    if let Some(url) = update.url {
        if !url.is_empty() && url::Url::parse(&url).is_err() {
            return Err(ApiError::bad_request(format!(
                "Invalid webhook URL '{url}'"
            )));
        }
        s.webhooks.set_url(Some(url));
    }
    if let Some(rate) = update.new_calls_per_minute {
        s.arrivals.set_per_minute(rate);
    }
    Ok(webhook_view(&s))
}

async fn test_webhook(State(s): S) -> Response {
    match controls(&s).send_test_webhook().await {
        Ok(status) => Json(json!({ "delivered": true, "status": status })).into_response(),
        Err(DeliveryError::NoUrl) => {
            ApiError::new(StatusCode::CONFLICT, DeliveryError::NoUrl.to_string()).into_response()
        }
        Err(error) => (
            StatusCode::BAD_GATEWAY,
            Json(json!({ "delivered": false, "error": error.to_string() })),
        )
            .into_response(),
    }
}
