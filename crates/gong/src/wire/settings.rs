//! Response models of `GET /v2/settings/trackers` and `GET /v2/workspaces` (reference §8).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::de::{null_default, opt_datetime, opt_id};

/// A keyword tracker definition. The "API request results" / "Separate phrases" toggles
/// are not exposed by Gong, so they are not here either.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct KeywordTracker {
    /// Tracker id (the same id calls carry in `content.trackers[].id`).
    #[serde(default, deserialize_with = "opt_id")]
    pub tracker_id: Option<String>,
    /// Tracker name.
    #[serde(default)]
    pub tracker_name: Option<String>,
    /// Workspace id.
    #[serde(default, deserialize_with = "opt_id")]
    pub workspace_id: Option<String>,
    /// Keywords per language.
    #[serde(default, deserialize_with = "null_default")]
    pub language_keywords: Vec<LanguageKeywords>,
    /// `Anyone`, `Company` or `NonCompany`.
    #[serde(default)]
    pub affiliation: Option<String>,
    /// Only when part of a question.
    #[serde(default)]
    pub part_of_question: Option<bool>,
    /// `Anytime`, `First` or `Last`.
    #[serde(default)]
    pub said_at: Option<String>,
    /// A JSON document carried as a string.
    #[serde(default)]
    pub filter_query: Option<String>,
    /// Created at.
    #[serde(default, deserialize_with = "opt_datetime")]
    pub created: Option<DateTime<Utc>>,
    /// Creator; `null` for built-in trackers.
    #[serde(default, deserialize_with = "opt_id")]
    pub creator_user_id: Option<String>,
    /// Updated at.
    #[serde(default, deserialize_with = "opt_datetime")]
    pub updated: Option<DateTime<Utc>>,
    /// Last updater.
    #[serde(default, deserialize_with = "opt_id")]
    pub updater_user_id: Option<String>,
}

/// Keywords of one language.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct LanguageKeywords {
    /// ISO-639-2B code or `mul`.
    #[serde(default)]
    pub language: Option<String>,
    /// The keywords.
    #[serde(default, deserialize_with = "null_default")]
    pub keywords: Vec<String>,
    /// Whether related word forms count.
    #[serde(default)]
    pub include_related_forms: Option<bool>,
}

/// A Gong workspace.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
pub struct Workspace {
    /// Workspace id.
    #[serde(default, deserialize_with = "opt_id")]
    pub id: Option<String>,
    /// Name.
    #[serde(default)]
    pub name: Option<String>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
}

/// `GET /v2/settings/trackers` body.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TrackersResponse {
    #[serde(default, deserialize_with = "null_default")]
    pub keyword_trackers: Vec<KeywordTracker>,
}

/// `GET /v2/workspaces` body.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct WorkspacesResponse {
    #[serde(default, deserialize_with = "null_default")]
    pub workspaces: Vec<Workspace>,
}
