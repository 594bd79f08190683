//! `POST /v2/calls/extensive`: request body and response shapes (reference §5).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Records;

/// The request body. `filter` is required; a missing one is a 400.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExtensiveRequest {
    /// Cursor from the previous page.
    #[serde(default)]
    pub cursor: Option<String>,
    /// The filter (required key).
    #[serde(default)]
    pub filter: Option<CallsFilter>,
    /// What to include.
    #[serde(default)]
    pub content_selector: Option<ContentSelector>,
}

/// Call filter. Serialised back only to fingerprint cursors.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CallsFilter {
    /// Inclusive lower bound on start time.
    #[serde(default)]
    pub from_date_time: Option<String>,
    /// Exclusive upper bound on start time.
    #[serde(default)]
    pub to_date_time: Option<String>,
    /// Workspace.
    #[serde(default)]
    pub workspace_id: Option<String>,
    /// Call ids (non-empty when given).
    #[serde(default)]
    pub call_ids: Option<Vec<String>>,
    /// Owner ids.
    #[serde(default)]
    pub primary_user_ids: Option<Vec<String>>,
}

/// Context level.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum ContextLevel {
    /// No context (default).
    #[default]
    None,
    /// Links only.
    Basic,
    /// Links and fields.
    Extended,
}

/// `contentSelector`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContentSelector {
    /// Context level.
    #[serde(default)]
    pub context: ContextLevel,
    /// Timing (`Now`, `TimeOfCall`); only echoed.
    #[serde(default)]
    pub context_timing: Option<Vec<String>>,
    /// Which optional keys to expose.
    #[serde(default)]
    pub exposed_fields: ExposedFields,
}

/// `exposedFields`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExposedFields {
    /// Parties.
    #[serde(default)]
    pub parties: bool,
    /// Media URLs.
    #[serde(default)]
    pub media: bool,
    /// Content flags.
    #[serde(default)]
    pub content: ContentFlags,
    /// Interaction flags.
    #[serde(default)]
    pub interaction: InteractionFlags,
}

/// `exposedFields.content`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContentFlags {
    /// Topics.
    #[serde(default)]
    pub topics: bool,
    /// Trackers.
    #[serde(default)]
    pub trackers: bool,
    /// Tracker occurrences.
    #[serde(default)]
    pub tracker_occurrences: bool,
    /// Brief.
    #[serde(default)]
    pub brief: bool,
    /// Key points.
    #[serde(default)]
    pub key_points: bool,
}

/// `exposedFields.interaction`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InteractionFlags {
    /// Speakers.
    #[serde(default)]
    pub speakers: bool,
}

/// The response.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExtensiveResponse {
    /// Request id.
    pub request_id: String,
    /// Paging.
    pub records: Records,
    /// Calls.
    pub calls: Vec<CallEntry>,
}

/// A call as sent: normally typed, or deliberately broken by a fault switch.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum CallEntry {
    /// A well-formed call.
    Ok(Box<CallData>),
    /// A call whose JSON is valid but type-wise wrong.
    Broken(Value),
}

/// One call.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CallData {
    /// Always present.
    pub meta_data: MetaData,
    /// With a context selector.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<Vec<Context>>,
    /// With `exposedFields.parties`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parties: Option<Vec<Party>>,
    /// With any content flag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<Content>,
    /// With any interaction flag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interaction: Option<Interaction>,
    /// With `exposedFields.media`, when the recording exists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub media: Option<Media>,
}

/// `metaData` (CallBasicData).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MetaData {
    pub id: String,
    pub url: String,
    pub title: String,
    pub scheduled: Option<String>,
    pub started: String,
    pub duration: u32,
    pub primary_user_id: String,
    pub direction: &'static str,
    pub system: String,
    pub scope: &'static str,
    pub media: &'static str,
    pub language: &'static str,
    pub workspace_id: String,
    pub sdr_disposition: Option<String>,
    pub client_unique_id: Option<String>,
    pub custom_data: Option<String>,
    pub purpose: Option<String>,
    pub meeting_url: String,
    pub is_private: bool,
    pub calendar_event_id: String,
}

/// A CRM context entry.
#[derive(Debug, Serialize)]
pub struct Context {
    pub system: &'static str,
    pub objects: Vec<CrmObject>,
}

/// A CRM object.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CrmObject {
    pub object_type: String,
    pub object_id: String,
    /// Only with `Extended`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<Field>>,
    pub timing: &'static str,
}

/// A CRM field.
#[derive(Debug, Serialize)]
pub struct Field {
    pub name: String,
    pub value: Value,
}

/// A party.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Party {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    pub speaker_id: Option<String>,
    /// Party CRM links, with a context selector.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<Vec<Context>>,
    pub affiliation: &'static str,
    pub methods: Vec<&'static str>,
}

/// `content`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Content {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topics: Option<Vec<Topic>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trackers: Option<Vec<Tracker>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub brief: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_points: Option<Vec<KeyPoint>>,
}

/// A topic.
#[derive(Debug, Serialize)]
pub struct Topic {
    pub name: String,
    pub duration: u32,
}

/// A key point.
#[derive(Debug, Serialize)]
pub struct KeyPoint {
    pub text: String,
}

/// A tracker's hits in a call.
#[derive(Debug, Serialize)]
pub struct Tracker {
    pub id: String,
    pub name: String,
    pub count: u32,
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// With `trackerOccurrences` (empty when phrases are separated).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub occurrences: Option<Vec<Occurrence>>,
    pub phrases: Vec<Phrase>,
}

/// One phrase's hits.
#[derive(Debug, Serialize)]
pub struct Phrase {
    pub count: u32,
    pub phrase: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub occurrences: Option<Vec<Occurrence>>,
}

/// One hit.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Occurrence {
    pub start_time: f64,
    pub speaker_id: Option<String>,
}

/// `interaction`.
#[derive(Debug, Serialize)]
pub struct Interaction {
    pub speakers: Vec<Speaker>,
}

/// A speaker.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Speaker {
    pub id: String,
    pub user_id: Option<String>,
    pub talk_time: f64,
}

/// `media`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Media {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audio_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub video_url: Option<String>,
}
