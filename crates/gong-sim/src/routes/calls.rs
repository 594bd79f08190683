//! `POST /v2/calls/extensive`, `GET /v2/calls`, `GET /v2/calls/{id}`,
//! `POST /v2/calls/transcript` and `GET /v2/call-outcomes`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;
use serde_json::json;

use super::{json_response, query_param, Principal};
use crate::data::content;
use crate::data::model::SimCall;
use crate::error::ApiError;
use crate::paging::select;
use crate::render::{self, RenderCtx};
use crate::request_id::current_request_id;
use crate::state::SimState;
use crate::wire::calls::{
    CallEntry, CallsFilter, ContentSelector, ExtensiveRequest, ExtensiveResponse,
};
use crate::wire::transcript::{
    CallOutcomesResponse, CallTranscript, TranscriptRequest, TranscriptResponse,
};

fn no_media(_: &SimCall) -> Option<crate::wire::calls::Media> {
    None
}

/// A POST body of the calls endpoints, or Gong's 400.
fn request_body<T: serde::de::DeserializeOwned>(body: &Bytes) -> Result<T, ApiError> {
    serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("Invalid request body: {e}")))
}

/// Gong rejects a body without the `filter` key; `{"filter":{}}` means everything.
fn required_filter<F>(filter: Option<F>) -> Result<F, ApiError> {
    filter.ok_or_else(|| ApiError::bad_request("The 'filter' field is required"))
}

/// One page of calls with the content the selector asks for.
pub async fn extensive(
    State(state): State<Arc<SimState>>,
    Extension(who): Extension<Principal>,
    body: Bytes,
) -> Result<Response, ApiError> {
    who.require("api:calls:read:extensive")?;
    let request: ExtensiveRequest = request_body(&body)?;
    let filter = required_filter(request.filter)?;
    let selector = request.content_selector.unwrap_or_default();
    if selector.exposed_fields.media {
        who.require("api:calls:read:media-url")?;
    }
    let ds = &state.dataset;
    let sel = select(
        ds,
        state.key,
        &filter,
        request.cursor.as_deref(),
        state.gone(),
    )?;
    let media = |c: &SimCall| state.media_for(c);
    let ctx = RenderCtx {
        seed: state.dataset.seed(),
        base_url: &state.base_url,
        workspace_id: ds.workspace_id(),
        trackers: ds.trackers(),
        media: &media,
    };
    let calls: Vec<CallEntry> = sel
        .indices
        .iter()
        .filter_map(|i| ds.call(*i))
        .map(|c| state.privacy.as_now(c))
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
        records: sel.records(calls.len()),
        calls,
    }))
}

/// `GET /v2/calls?fromDateTime=…&toDateTime=…[&workspaceId=…][&cursor=…]`: metadata only.
pub async fn list(
    State(state): State<Arc<SimState>>,
    Extension(who): Extension<Principal>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    who.require("api:calls:read:basic")?;
    let filter = CallsFilter {
        from_date_time: query_param(&query, "fromDateTime"),
        to_date_time: query_param(&query, "toDateTime"),
        workspace_id: query_param(&query, "workspaceId"),
        ..CallsFilter::default()
    };
    let ds = &state.dataset;
    let cursor = query_param(&query, "cursor");
    let sel = select(ds, state.key, &filter, cursor.as_deref(), state.gone())?;
    let ctx = RenderCtx {
        seed: state.dataset.seed(),
        base_url: &state.base_url,
        workspace_id: ds.workspace_id(),
        trackers: ds.trackers(),
        media: &no_media,
    };
    let selector = ContentSelector::default();
    let calls: Vec<_> = sel
        .indices
        .iter()
        .filter_map(|i| ds.call(*i))
        .map(|c| state.privacy.as_now(c))
        .map(|c| render::call(c, &selector, &ctx).meta_data)
        .collect();
    Ok(json_response(&json!({
        "requestId": current_request_id(),
        "records": sel.records(calls.len()),
        "calls": calls,
    })))
}

/// `GET /v2/calls/{id}`: the call's metadata.
pub async fn one(
    State(state): State<Arc<SimState>>,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    who.require("api:calls:read:basic")?;
    let call = state
        .dataset
        .call_by_id(&id)
        .filter(|_| !state.is_gone(&id))
        .map(|c| state.privacy.as_now(c))
        .ok_or_else(|| {
            ApiError::new(StatusCode::NOT_FOUND, format!("Call ID {id} was not found"))
        })?;
    let ctx = RenderCtx {
        seed: state.dataset.seed(),
        base_url: &state.base_url,
        workspace_id: state.dataset.workspace_id(),
        trackers: state.dataset.trackers(),
        media: &no_media,
    };
    let data = render::call(call, &ContentSelector::default(), &ctx);
    Ok(json_response(&json!({
        "requestId": current_request_id(),
        "call": data.meta_data,
    })))
}

/// `POST /v2/calls/transcript`: one page (100 calls) of transcripts, paged and
/// filtered like `/v2/calls/extensive`; private calls have none and are left out.
pub async fn transcript(
    State(state): State<Arc<SimState>>,
    Extension(who): Extension<Principal>,
    body: Bytes,
) -> Result<Response, ApiError> {
    who.require("api:calls:read:transcript")?;
    let request: TranscriptRequest = request_body(&body)?;
    let filter = required_filter(request.filter)?;
    let ds = &state.dataset;
    let sel = select(
        ds,
        state.key,
        &filter,
        request.cursor.as_deref(),
        state.gone(),
    )?;
    let seed = ds.seed();
    let call_transcripts: Vec<CallTranscript> = sel
        .indices
        .iter()
        .filter_map(|i| ds.call(*i))
        .map(|c| state.privacy.as_now(c))
        .filter(|c| !c.is_private)
        .map(|c| CallTranscript {
            transcript: if state.faults.is_untranscribed(&c.id) {
                Vec::new()
            } else {
                content::transcript(seed, &c)
            },
            call_id: c.id,
        })
        .collect();
    Ok(json_response(&TranscriptResponse {
        request_id: current_request_id(),
        records: sel.records(call_transcripts.len()),
        call_transcripts,
    }))
}

/// `GET /v2/call-outcomes`: the company's call outcomes.
pub async fn outcomes(Extension(who): Extension<Principal>) -> Result<Response, ApiError> {
    who.require("api:call-outcomes:read")?;
    Ok(json_response(&CallOutcomesResponse {
        request_id: current_request_id(),
        call_outcomes: content::OUTCOMES.to_vec(),
        outcomes: content::dialer_outcomes(),
    }))
}
