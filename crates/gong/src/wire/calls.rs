//! Response models of `POST /v2/calls/extensive` (reference §5.2).
//!
//! Which keys appear depends on the content selector, so every section is optional or
//! defaults to empty; unknown keys are ignored because Gong adds fields without notice.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::de::{lenient_datetime, null_default, open_enum, opt_datetime, opt_i64, opt_id};

/// One call as `/v2/calls/extensive` returns it (`CallData`).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Call {
    /// The call's metadata; always present in real responses.
    #[serde(default)]
    pub meta_data: CallMetaData,
    /// CRM objects linked to the call (with `context` = Basic or Extended).
    #[serde(default, deserialize_with = "null_default")]
    pub context: Vec<CrmContext>,
    /// Participants (with `exposedFields.parties`); absent on imported calls.
    #[serde(default, deserialize_with = "null_default")]
    pub parties: Vec<Party>,
    /// Analysed content (with any `exposedFields.content.*` flag).
    #[serde(default)]
    pub content: Option<CallContent>,
    /// Interaction statistics, kept raw: the Timeline does not use them.
    #[serde(default)]
    pub interaction: Option<Value>,
    /// Public comments, kept raw: the Timeline does not use them.
    #[serde(default)]
    pub collaboration: Option<Value>,
    /// Signed media URLs (with `exposedFields.media`); they expire after 8 hours.
    #[serde(default)]
    pub media: Option<CallMedia>,
}

impl Call {
    /// The call id, or `""` when Gong omitted it.
    pub fn id(&self) -> &str {
        self.meta_data.id.as_deref().unwrap_or_default()
    }
}

open_enum! {
    /// `metaData.direction`.
    Direction { Inbound = "Inbound", Outbound = "Outbound", Conference = "Conference", Unknown = "Unknown" }
}
open_enum! {
    /// `metaData.scope`: whether outside people took part.
    CallScope { Internal = "Internal", External = "External", Unknown = "Unknown" }
}
open_enum! {
    /// `metaData.media`: what was recorded.
    MediaKind { Video = "Video", Audio = "Audio" }
}

/// `metaData` (`CallBasicData`).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CallMetaData {
    /// Gong call id (up to 20 digits, kept as text).
    #[serde(default, deserialize_with = "opt_id")]
    pub id: Option<String>,
    /// Deep link to the call in Gong (the recording page).
    #[serde(default)]
    pub url: Option<String>,
    /// Call title.
    #[serde(default)]
    pub title: Option<String>,
    /// Scheduled start; read leniently (only a fallback when `started` is missing).
    #[serde(default, deserialize_with = "lenient_datetime")]
    pub scheduled: Option<DateTime<Utc>>,
    /// Actual start; Gong's date filters apply to this.
    #[serde(default, deserialize_with = "opt_datetime")]
    pub started: Option<DateTime<Utc>>,
    /// Duration in seconds.
    #[serde(default, deserialize_with = "opt_i64")]
    pub duration: Option<i64>,
    /// The host user's Gong id (the call's owner).
    #[serde(default, deserialize_with = "opt_id")]
    pub primary_user_id: Option<String>,
    /// Inbound, Outbound, Conference or Unknown.
    #[serde(default)]
    pub direction: Option<Direction>,
    /// Source system, e.g. `Zoom`.
    #[serde(default)]
    pub system: Option<String>,
    /// Internal, External or Unknown.
    #[serde(default)]
    pub scope: Option<CallScope>,
    /// Video or Audio.
    #[serde(default)]
    pub media: Option<MediaKind>,
    /// ISO-639-2B language code, e.g. `eng`.
    #[serde(default)]
    pub language: Option<String>,
    /// Workspace id.
    #[serde(default, deserialize_with = "opt_id")]
    pub workspace_id: Option<String>,
    /// SDR disposition.
    #[serde(default)]
    pub sdr_disposition: Option<String>,
    /// Id given by the system that uploaded the call.
    #[serde(default)]
    pub client_unique_id: Option<String>,
    /// Metadata given at upload; documented as a string, kept as any JSON.
    #[serde(default)]
    pub custom_data: Option<Value>,
    /// Call purpose.
    #[serde(default)]
    pub purpose: Option<String>,
    /// Conference link.
    #[serde(default)]
    pub meeting_url: Option<String>,
    /// Private calls must not be synced (SPEC S2); absent means not private.
    #[serde(default, deserialize_with = "null_default")]
    pub is_private: bool,
    /// Calendar event id.
    #[serde(default)]
    pub calendar_event_id: Option<String>,
}

open_enum! {
    /// `context[].system`: the CRM a context entry comes from.
    CrmSystem {
        Salesforce = "Salesforce",
        /// Not supported for company resolution (SPEC C3).
        HubSpot = "HubSpot",
        MicrosoftDynamic = "MicrosoftDynamic",
        Generic = "Generic"
    }
}

/// One CRM's objects linked to a call or a party.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CrmContext {
    /// The CRM.
    #[serde(default)]
    pub system: Option<CrmSystem>,
    /// Linked objects.
    #[serde(default, deserialize_with = "null_default")]
    pub objects: Vec<CrmObject>,
}

/// A CRM object (Account, Opportunity, Contact, Lead, ...).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CrmObject {
    /// Object type as Gong spells it, e.g. `Account`.
    #[serde(default)]
    pub object_type: Option<String>,
    /// The CRM's id, e.g. an 18-character Salesforce id.
    #[serde(default, deserialize_with = "opt_id")]
    pub object_id: Option<String>,
    /// Fields (only with `context` = Extended).
    #[serde(default, deserialize_with = "null_default")]
    pub fields: Vec<CrmField>,
    /// `Now` or `TimeOfCall`.
    #[serde(default)]
    pub timing: Option<String>,
}

/// A CRM field; the value is any JSON (numbers for amounts, strings for names).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
pub struct CrmField {
    /// Field name, e.g. `Name`.
    #[serde(default)]
    pub name: Option<String>,
    /// Field value.
    #[serde(default)]
    pub value: Value,
}

open_enum! {
    /// `parties[].affiliation`.
    Affiliation { Internal = "Internal", External = "External", Unknown = "Unknown" }
}

/// A call participant.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Party {
    /// Party id.
    #[serde(default, deserialize_with = "opt_id")]
    pub id: Option<String>,
    /// Email, when known.
    #[serde(default)]
    pub email_address: Option<String>,
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
    /// Job title.
    #[serde(default)]
    pub title: Option<String>,
    /// Gong user id; only for Gong users (and missing for some of them).
    #[serde(default, deserialize_with = "opt_id")]
    pub user_id: Option<String>,
    /// Speaker id; `null` for people who did not speak.
    #[serde(default, deserialize_with = "opt_id")]
    pub speaker_id: Option<String>,
    /// The party's CRM links (Contact, User, Lead).
    #[serde(default, deserialize_with = "null_default")]
    pub context: Vec<CrmContext>,
    /// Internal, External or Unknown.
    #[serde(default)]
    pub affiliation: Option<Affiliation>,
    /// `Invitee` and/or `Attendee`.
    #[serde(default, deserialize_with = "null_default")]
    pub methods: Vec<String>,
    /// Phone number.
    #[serde(default)]
    pub phone_number: Option<String>,
}

/// `content`: only the sub-keys the selector asked for are present.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CallContent {
    /// Trackers that reached the API (SPEC S4: may be empty).
    #[serde(default, deserialize_with = "null_default")]
    pub trackers: Vec<Tracker>,
    /// Topics with durations.
    #[serde(default, deserialize_with = "null_default")]
    pub topics: Vec<NamedDuration>,
    /// Call structure with durations.
    #[serde(default, deserialize_with = "null_default")]
    pub structure: Vec<NamedDuration>,
    /// Gong's summary of the call.
    #[serde(default)]
    pub brief: Option<String>,
    /// Key points.
    #[serde(default, deserialize_with = "null_default")]
    pub key_points: Vec<KeyPoint>,
    /// Highlights (next steps among them), each a title and items.
    #[serde(default, deserialize_with = "null_default")]
    pub highlights: Vec<Highlight>,
    /// The call's outline: sections and their items.
    #[serde(default, deserialize_with = "null_default")]
    pub outline: Vec<OutlineSection>,
    /// The call's outcome.
    #[serde(default)]
    pub call_outcome: Option<CallOutcome>,
    /// Points of interest: action items.
    #[serde(default)]
    pub points_of_interest: Option<PointsOfInterest>,
}

/// `content.highlights[]`: a titled list, e.g. "Next steps".
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
pub struct Highlight {
    /// Its title.
    #[serde(default)]
    pub title: Option<String>,
    /// Its items.
    #[serde(default, deserialize_with = "null_default")]
    pub items: Vec<HighlightItem>,
}

/// One item of a highlight.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct HighlightItem {
    /// The text.
    #[serde(default)]
    pub text: Option<String>,
    /// Where in the call it was said, in seconds.
    #[serde(default, deserialize_with = "null_default")]
    pub start_times: Vec<f64>,
}

/// `content.outline[]`: a section of the call.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct OutlineSection {
    /// Its name.
    #[serde(default)]
    pub section: Option<String>,
    /// Its start, in seconds.
    #[serde(default)]
    pub start_time: Option<f64>,
    /// Its length, in seconds.
    #[serde(default)]
    pub duration: Option<f64>,
    /// What was said in it.
    #[serde(default, deserialize_with = "null_default")]
    pub items: Vec<OutlineItem>,
}

/// One item of an outline section.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct OutlineItem {
    /// The text.
    #[serde(default)]
    pub text: Option<String>,
    /// When, in seconds.
    #[serde(default)]
    pub start_time: Option<f64>,
}

/// `content.callOutcome`, and an entry of `GET /v2/call-outcomes`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
pub struct CallOutcome {
    /// Its id.
    #[serde(default, deserialize_with = "opt_id")]
    pub id: Option<String>,
    /// Its category (e.g. the sentiment the admin gave it).
    #[serde(default)]
    pub category: Option<String>,
    /// Its name, e.g. "Demo scheduled".
    #[serde(default)]
    pub name: Option<String>,
}

/// `content.pointsOfInterest`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PointsOfInterest {
    /// Action items said in the call.
    #[serde(default, deserialize_with = "null_default")]
    pub action_items: Vec<ActionItem>,
}

/// One action item.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ActionItem {
    /// Start of the snippet, in seconds.
    #[serde(default)]
    pub snippet_start_time: Option<f64>,
    /// End of the snippet, in seconds.
    #[serde(default)]
    pub snippet_end_time: Option<f64>,
    /// Who said it (Gong spells it `speakerID`).
    #[serde(default, rename = "speakerID", deserialize_with = "opt_id")]
    pub speaker_id: Option<String>,
    /// What was said.
    #[serde(default)]
    pub snippet: Option<String>,
}

open_enum! {
    /// `trackers[].type`.
    TrackerType { Keyword = "KEYWORD", Smart = "SMART" }
}

/// A tracker's hits in one call.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Tracker {
    /// Tracker id.
    #[serde(default, deserialize_with = "opt_id")]
    pub id: Option<String>,
    /// Tracker name.
    #[serde(default)]
    pub name: Option<String>,
    /// Total hits in the call.
    #[serde(default, deserialize_with = "opt_i64")]
    pub count: Option<i64>,
    /// KEYWORD or SMART.
    #[serde(default, rename = "type")]
    pub tracker_type: Option<TrackerType>,
    /// Hits (empty when phrases are separated).
    #[serde(default, deserialize_with = "null_default")]
    pub occurrences: Vec<Occurrence>,
    /// Per-phrase hits of keyword trackers with "Separate phrases" on.
    #[serde(default, deserialize_with = "null_default")]
    pub phrases: Vec<TrackerPhrase>,
}

/// Hits of one phrase of a keyword tracker.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TrackerPhrase {
    /// Hits of this phrase.
    #[serde(default, deserialize_with = "opt_i64")]
    pub count: Option<i64>,
    /// Where it was said.
    #[serde(default, deserialize_with = "null_default")]
    pub occurrences: Vec<Occurrence>,
    /// The phrase.
    #[serde(default)]
    pub phrase: Option<String>,
}

/// One hit: when, and who said it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Occurrence {
    /// Seconds from the start of the call.
    #[serde(default)]
    pub start_time: Option<f64>,
    /// Speaker id.
    #[serde(default, deserialize_with = "opt_id")]
    pub speaker_id: Option<String>,
}

/// A topic or structure part with its duration in seconds.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
pub struct NamedDuration {
    /// Name.
    #[serde(default)]
    pub name: Option<String>,
    /// Seconds.
    #[serde(default)]
    pub duration: Option<f64>,
}

/// A key point of the call.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
pub struct KeyPoint {
    /// The text.
    #[serde(default)]
    pub text: Option<String>,
}

/// Signed media URLs, valid for 8 hours: fetch them when needed, never store them.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CallMedia {
    /// Audio download URL.
    #[serde(default)]
    pub audio_url: Option<String>,
    /// Video download URL.
    #[serde(default)]
    pub video_url: Option<String>,
}
