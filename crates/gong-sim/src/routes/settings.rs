//! `GET /v2/settings/trackers` (keyword trackers only) and `GET /v2/workspaces`.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;

use super::{json_response, query_param, Principal};
use crate::error::ApiError;
use crate::render::timestamp;
use crate::request_id::current_request_id;
use crate::state::SimState;
use crate::wire::settings::*;

/// Tracker definitions. The two admin toggles are not exposed here, as in Gong.
pub async fn trackers(
    State(state): State<Arc<SimState>>,
    Extension(who): Extension<Principal>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    who.require("api:settings:trackers:read")?;
    let ds = &state.dataset;
    if query_param(&query, "workspaceId").is_some_and(|w| w != ds.workspace_id()) {
        return Err(ApiError::new(StatusCode::NOT_FOUND, "Workspace not found"));
    }
    let created = timestamp(ds.window().0, 0);
    let keyword_trackers = ds
        .trackers()
        .iter()
        .filter(|t| !t.smart)
        .map(|t| KeywordTracker {
            tracker_id: t.id.clone(),
            tracker_name: t.name.clone(),
            workspace_id: ds.workspace_id().to_string(),
            language_keywords: vec![LanguageKeywords {
                language: "eng",
                keywords: t.keywords.clone(),
                include_related_forms: false,
            }],
            affiliation: "Anyone",
            part_of_question: false,
            said_at: "Anytime",
            said_at_interval: None,
            said_at_unit: None,
            said_in_topics: Vec::new(),
            filter_query: "{}".into(),
            created: created.clone(),
            creator_user_id: None,
            updated: created.clone(),
            updater_user_id: None,
        })
        .collect();
    Ok(json_response(&TrackersResponse {
        request_id: current_request_id(),
        keyword_trackers,
    }))
}

/// The account's single workspace.
pub async fn workspaces(
    State(state): State<Arc<SimState>>,
    Extension(who): Extension<Principal>,
) -> Result<Response, ApiError> {
    who.require("api:workspaces:read")?;
    Ok(json_response(&WorkspacesResponse {
        request_id: current_request_id(),
        workspaces: vec![Workspace {
            id: state.dataset.workspace_id().to_string(),
            name: "Initial workspace".into(),
            description: "The built-in workspace".into(),
        }],
    }))
}
