//! `POST /v2/calls/extensive` and `GET /v2/calls/{id}`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;
use chrono::{DateTime, Utc};

use super::{json_response, Principal};
use crate::data::hash::hash_bytes;
use crate::data::DataSet;
use crate::error::ApiError;
use crate::paging::{Cursor, Plan, PAGE_SIZE};
use crate::render::{self, RenderCtx};
use crate::request_id::current_request_id;
use crate::state::SimState;
use crate::wire::calls::{CallEntry, CallsFilter, ExtensiveRequest, ExtensiveResponse};
use crate::wire::Records;

/// One page of calls.
pub async fn extensive(
    State(state): State<Arc<SimState>>,
    Extension(who): Extension<Principal>,
    body: Bytes,
) -> Result<Response, ApiError> {
    who.require("api:calls:read:extensive")?;
    let request: ExtensiveRequest = serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad_request(format!("Invalid request body: {e}")))?;
    // Gong rejects a body without the `filter` key; `{"filter":{}}` means everything.
    let filter = request
        .filter
        .ok_or_else(|| ApiError::bad_request("The 'filter' field is required"))?;
    let selector = request.content_selector.unwrap_or_default();
    if selector.exposed_fields.media {
        who.require("api:calls:read:media-url")?;
    }
    let ds = &state.dataset;
    let plan = plan(ds, &filter)?;
    let fingerprint = hash_bytes(state.key, &serde_json::to_vec(&filter).unwrap_or_default());
    let (pos, page, total) = match request.cursor.as_deref().filter(|c| !c.is_empty()) {
        None => (0, 0, plan.total(ds)),
        Some(text) => {
            let c = Cursor::decode(text, state.key)
                .ok_or_else(|| ApiError::bad_request("The cursor is invalid or has expired"))?;
            if c.fingerprint != fingerprint {
                return Err(ApiError::bad_request(
                    "The cursor does not belong to this filter; repeat the original request with the cursor",
                ));
            }
            (c.next, c.page, c.total)
        }
    };
    let (indices, next) = plan.page(ds, pos, PAGE_SIZE);
    if indices.is_empty() {
        return Err(ApiError::no_calls());
    }
    let cursor = next.map(|n| {
        Cursor {
            next: n,
            page: page + 1,
            total,
            fingerprint,
        }
        .encode(state.key)
    });
    let media = |c: &crate::data::model::SimCall| state.media_for(c);
    let ctx = RenderCtx {
        base_url: &state.base_url,
        workspace_id: ds.workspace_id(),
        trackers: ds.trackers(),
        media: &media,
    };
    let calls: Vec<CallEntry> = indices
        .iter()
        .filter_map(|i| ds.call(*i))
        .map(|call| {
            let broken = state.faults.is_malformed(&call.id);
            let data = render::call(call, &selector, &ctx);
            if broken {
                CallEntry::Broken(render::break_call(&data))
            } else {
                CallEntry::Ok(Box::new(data))
            }
        })
        .collect();
    Ok(json_response(&ExtensiveResponse {
        request_id: current_request_id(),
        records: Records {
            total_records: total,
            current_page_size: calls.len() as u64,
            current_page_number: page,
            cursor,
        },
        calls,
    }))
}

fn parse_time(field: &str, value: &Option<String>) -> Result<Option<DateTime<Utc>>, ApiError> {
    value
        .as_deref()
        .map(|v| {
            DateTime::parse_from_rfc3339(v)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|e| ApiError::bad_request(format!("Invalid {field} '{v}': {e}")))
        })
        .transpose()
}

/// Compiles a filter to index terms: the time window by binary search over start
/// times, call ids by decoding them, owners as a set.
pub fn plan(ds: &DataSet, filter: &CallsFilter) -> Result<Plan, ApiError> {
    let from = parse_time("fromDateTime", &filter.from_date_time)?;
    let to = parse_time("toDateTime", &filter.to_date_time)?;
    let lo = from.map_or(0, |t| ds.first_at_or_after(t));
    let mut hi = to.map_or(ds.call_count(), |t| ds.first_at_or_after(t));
    if filter
        .workspace_id
        .as_deref()
        .is_some_and(|w| w != ds.workspace_id())
    {
        hi = lo;
    }
    let hi = hi.max(lo);
    let ids = match &filter.call_ids {
        Some(ids) if ids.is_empty() => {
            return Err(ApiError::bad_request("callIds must not be an empty array"))
        }
        Some(ids) => {
            let mut found: Vec<u64> = ids
                .iter()
                .filter_map(|id| ds.index_of(id))
                .filter(|i| (lo..hi).contains(i))
                .collect();
            found.sort_unstable();
            found.dedup();
            Some(found)
        }
        None => None,
    };
    let owners = filter
        .primary_user_ids
        .as_ref()
        .filter(|o| !o.is_empty())
        .map(|o| o.iter().cloned().collect());
    Ok(Plan {
        lo,
        hi,
        ids,
        owners,
    })
}

/// `GET /v2/calls/{id}`: the call's metadata.
pub async fn one(
    State(state): State<Arc<SimState>>,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    who.require("api:calls:read:basic")?;
    let call = state.dataset.call_by_id(&id).ok_or_else(|| {
        ApiError::new(StatusCode::NOT_FOUND, format!("Call ID {id} was not found"))
    })?;
    let none = |_: &crate::data::model::SimCall| None;
    let ctx = RenderCtx {
        base_url: &state.base_url,
        workspace_id: state.dataset.workspace_id(),
        trackers: state.dataset.trackers(),
        media: &none,
    };
    let data = render::call(call, &Default::default(), &ctx);
    Ok(json_response(&serde_json::json!({
        "requestId": current_request_id(),
        "call": data.meta_data,
    })))
}
