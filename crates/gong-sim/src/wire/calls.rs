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
    /// Collaboration flags.
    #[serde(default)]
    pub collaboration: CollaborationFlags,
}

/// `exposedFields.content`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContentFlags {
    /// Structure (the call's agenda).
    #[serde(default)]
    pub structure: bool,
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
    /// Points of interest (action items).
    #[serde(default)]
    pub points_of_interest: bool,
    /// Outline.
    #[serde(default)]
    pub outline: bool,
    /// Highlights (next steps among them).
    #[serde(default)]
    pub highlights: bool,
    /// Call outcome.
    #[serde(default)]
    pub call_outcome: bool,
}

impl ContentFlags {
    /// Whether any content flag is set (then `content` is sent).
    pub fn any(&self) -> bool {
        self.structure
            || self.topics
            || self.trackers
            || self.brief
            || self.key_points
            || self.points_of_interest
            || self.outline
            || self.highlights
            || self.call_outcome
    }
}

/// `exposedFields.interaction`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InteractionFlags {
    /// Speakers.
    #[serde(default)]
    pub speakers: bool,
    /// Video statistics.
    #[serde(default)]
    pub video: bool,
    /// `interactionStats` (Gong's flag is `personInteractionStats`).
    #[serde(default, alias = "interactionStats")]
    pub person_interaction_stats: bool,
    /// Question counts.
    #[serde(default)]
    pub questions: bool,
}

impl InteractionFlags {
    /// Whether any interaction flag is set (then `interaction` is sent).
    pub fn any(&self) -> bool {
        self.speakers || self.video || self.person_interaction_stats || self.questions
    }
}

/// `exposedFields.collaboration`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CollaborationFlags {
    /// Public comments.
    #[serde(default)]
    pub public_comments: bool,
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
    /// With `collaboration.publicComments`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub collaboration: Option<Collaboration>,
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
    pub structure: Option<Vec<Topic>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topics: Option<Vec<Topic>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trackers: Option<Vec<Tracker>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub brief: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_points: Option<Vec<KeyPoint>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub points_of_interest: Option<PointsOfInterest>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outline: Option<Vec<OutlineSection>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub highlights: Option<Vec<Highlight>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub call_outcome: Option<CallOutcome>,
}

/// `content.pointsOfInterest`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PointsOfInterest {
    pub action_items: Vec<ActionItem>,
}

/// An action item; note Gong's spelling `speakerID`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ActionItem {
    pub snippet_start_time: f64,
    pub snippet_end_time: f64,
    #[serde(rename = "speakerID")]
    pub speaker_id: Option<String>,
    pub snippet: String,
}

/// An outline section.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OutlineSection {
    pub section: String,
    pub start_time: f64,
    pub duration: f64,
    pub items: Vec<OutlineItem>,
}

/// An outline item.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OutlineItem {
    pub text: String,
    pub start_time: f64,
}

/// A highlights section ("Next steps", ...).
#[derive(Debug, Serialize)]
pub struct Highlight {
    pub title: String,
    pub items: Vec<HighlightItem>,
}

/// A highlights item.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HighlightItem {
    pub text: String,
    pub start_times: Vec<f64>,
}

/// A call outcome (also the items of `GET /v2/call-outcomes`).
#[derive(Debug, Clone, Serialize)]
pub struct CallOutcome {
    pub id: &'static str,
    pub category: &'static str,
    pub name: &'static str,
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

/// `interaction`: only the keys whose flag is set.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Interaction {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speakers: Option<Vec<Speaker>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interaction_stats: Option<Vec<Stat>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub video: Option<Vec<VideoStat>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub questions: Option<Questions>,
}

/// A named measurement (`interactionStats[]` `{name, value}`).
#[derive(Debug, Serialize)]
pub struct Stat {
    pub name: &'static str,
    pub value: f64,
}

/// `interaction.video[]`: seconds per video kind.
#[derive(Debug, Serialize)]
pub struct VideoStat {
    pub name: &'static str,
    pub duration: f64,
}

/// `interaction.questions`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Questions {
    pub company_count: u32,
    pub non_company_count: u32,
}

/// `collaboration`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Collaboration {
    pub public_comments: Vec<Comment>,
}

/// A public comment.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Comment {
    pub id: String,
    pub audio_start_time: f64,
    pub audio_end_time: f64,
    pub commenter_user_id: String,
    pub comment: String,
    pub posted: String,
    pub in_reply_to: Option<String>,
    pub during_call: bool,
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
