//! `GET /v2/settings/trackers` and `GET /v2/workspaces` (reference §8).

use serde::Serialize;

/// Trackers response: keyword trackers only, no `records`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TrackersResponse {
    pub request_id: String,
    pub keyword_trackers: Vec<KeywordTracker>,
}

/// A keyword tracker definition.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeywordTracker {
    pub tracker_id: String,
    pub tracker_name: String,
    pub workspace_id: String,
    pub language_keywords: Vec<LanguageKeywords>,
    pub affiliation: &'static str,
    pub part_of_question: bool,
    pub said_at: &'static str,
    pub said_at_interval: Option<u32>,
    pub said_at_unit: Option<String>,
    pub said_in_topics: Vec<String>,
    pub filter_query: String,
    pub created: String,
    pub creator_user_id: Option<String>,
    pub updated: String,
    pub updater_user_id: Option<String>,
}

/// Keywords of one language.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LanguageKeywords {
    pub language: &'static str,
    pub keywords: Vec<String>,
    pub include_related_forms: bool,
}

/// Workspaces response (no pagination).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkspacesResponse {
    pub request_id: String,
    pub workspaces: Vec<Workspace>,
}

/// A workspace.
#[derive(Debug, Serialize)]
pub struct Workspace {
    pub id: String,
    pub name: String,
    pub description: String,
}
