//! `POST /v2/data-privacy/erase-data-for-email-address` and
//! `GET /v2/data-privacy/data-for-email-address` (see [`crate::privacy`]).

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::response::Response;
use axum::Extension;
use serde_json::json;

use super::{json_response, query_param, Principal};
use crate::data::model::SimCall;
use crate::error::ApiError;
use crate::privacy::{mentions, ERASE_CALL_LIMIT};
use crate::render::timestamp;
use crate::request_id::current_request_id;
use crate::state::SimState;

/// The `emailAddress` query parameter, required and non-empty.
fn email_param(query: &Option<String>) -> Result<String, ApiError> {
    query_param(query, "emailAddress")
        .map(|e| e.trim().to_string())
        .filter(|e| !e.is_empty())
        .ok_or_else(|| ApiError::bad_request("The 'emailAddress' query parameter is required"))
}

/// The calls (index, call) that still have a party with `email`.
fn calls_of(state: &SimState, email: &str) -> Vec<(u64, SimCall)> {
    let ds = &state.dataset;
    let gone = state.gone().unwrap_or_default();
    (0..ds.call_count())
        .filter(|i| !gone.contains(i))
        .filter_map(|i| ds.call(i).map(|c| (i, c)))
        .filter(|(_, c)| mentions(c, email))
        .collect()
}

/// Accepts an erasure, unless it would delete more than [`ERASE_CALL_LIMIT`] calls.
pub async fn erase(
    State(state): State<Arc<SimState>>,
    Extension(who): Extension<Principal>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    who.require("api:data-privacy:delete")?;
    let email = email_param(&query)?;
    let indices: Vec<u64> = calls_of(&state, &email)
        .into_iter()
        .map(|(i, _)| i)
        .collect();
    let calls = indices.len();
    if calls > ERASE_CALL_LIMIT {
        return Err(ApiError::bad_request(format!(
            "Data integrity protection: erasing this address would delete {calls} calls, more than the \
             {ERASE_CALL_LIMIT} allowed in one request. Contact help@gong.io to erase it"
        )));
    }
    state.privacy.accept(indices, state.now());
    Ok(json_response(&json!({ "requestId": current_request_id() })))
}

/// What Gong still holds for an address: its calls (emails, meetings and CRM data
/// are not simulated and always empty).
pub async fn data_for_email(
    State(state): State<Arc<SimState>>,
    Extension(who): Extension<Principal>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    who.require("api:data-privacy:read")?;
    let email = email_param(&query)?;
    let calls: Vec<_> = calls_of(&state, &email)
        .into_iter()
        .map(|(_, c)| {
            json!({
                "id": c.id,
                "title": c.title,
                "started": timestamp(c.started, c.utc_offset_secs),
            })
        })
        .collect();
    Ok(json_response(&json!({
        "requestId": current_request_id(),
        "emails": [],
        "calls": calls,
        "meetings": [],
        "customerData": [],
    })))
}
