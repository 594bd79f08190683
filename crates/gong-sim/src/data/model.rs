//! The simulator's internal model of a Gong account: users, trackers, companies and
//! calls, independent of how the API renders them (see `render`) and of where they
//! come from (the generator or a scenario file).

use chrono::{DateTime, Utc};
use serde::Serialize;

/// A Gong user (`/v2/users`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SimUser {
    /// Gong user id: 18-19 decimal digits.
    pub id: String,
    /// Primary email address.
    pub email: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Job title.
    pub title: Option<String>,
    /// Active in Gong.
    pub active: bool,
    /// When the user was created in Gong.
    pub created: DateTime<Utc>,
    /// The generator's role for this user (what the Timeline side holds for its
    /// email); `None` for scenario users.
    pub role: Option<UserRole>,
}

impl SimUser {
    /// "First Last".
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

/// What the generated Timeline `users.csv` holds for a Gong user's email; chosen so a
/// sync meets every rule U2-U6.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum UserRole {
    /// One active user with a paid license: maps directly.
    Normal,
    /// Full active + Viewer active: U3 resolves to the Full one.
    DuplicateResolvable,
    /// Two Full active users: U3 cannot decide, the mapping stays in Conflict.
    DuplicateConflict,
    /// Viewer active + Full inactive: active beats inactive.
    DuplicateActiveBeatsInactive,
    /// Internal Collaborator active + Viewer+Analytics active: paid beats unpaid.
    DuplicatePaidBeatsUnpaid,
    /// Only an inactive user (U4): the owner's meetings fail.
    InactiveOnly,
    /// Only an External-license user (U5): a new IC user is created.
    ExternalOnly,
    /// No Timeline user (U2/U6): an IC user is created.
    Missing,
    /// Inactive in Gong, active Full user in the Timeline.
    GongInactive,
}

/// A tracker definition and the two admin toggles that decide what the API returns.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimTracker {
    /// Tracker id.
    pub id: String,
    /// Tracker name.
    pub name: String,
    /// `KEYWORD` trackers have phrases; `SMART` ones never do.
    pub smart: bool,
    /// Keywords (phrases) of a keyword tracker.
    pub keywords: Vec<String>,
    /// "API request results": when off the tracker never appears in call content.
    pub api_results: bool,
    /// "Separate phrases": when on, hits are broken down in `phrases[]`.
    pub separate_phrases: bool,
}

/// Which CRM a context entry comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum CrmKind {
    /// Salesforce (18-character ids).
    Salesforce,
    /// HubSpot (numeric ids).
    HubSpot,
}

impl CrmKind {
    /// Gong's spelling of the system.
    pub fn as_str(self) -> &'static str {
        match self {
            CrmKind::Salesforce => "Salesforce",
            CrmKind::HubSpot => "HubSpot",
        }
    }
}

/// One CRM object linked to a call or a party.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimCrmObject {
    /// `Account`, `Opportunity`, `Contact`, ...
    pub object_type: String,
    /// The CRM id.
    pub object_id: String,
    /// `(name, value)` fields, sent with `context: Extended` only.
    pub fields: Vec<(String, serde_json::Value)>,
}

/// The CRM context of one system.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimContext {
    /// The CRM.
    pub system: CrmKind,
    /// Its objects.
    pub objects: Vec<SimCrmObject>,
}

/// Party affiliation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Affiliation {
    /// Of the Gong account's company.
    Internal,
    /// Outside person.
    External,
    /// Gong could not tell.
    Unknown,
}

/// One participant of a call.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimParty {
    /// Party id.
    pub id: String,
    /// Display name.
    pub name: Option<String>,
    /// Email address.
    pub email: Option<String>,
    /// Job title.
    pub title: Option<String>,
    /// Gong user id (internal Gong users only).
    pub user_id: Option<String>,
    /// Speaker id; `None` for people who did not speak.
    pub speaker_id: Option<String>,
    /// Affiliation.
    pub affiliation: Affiliation,
    /// The party's own CRM links (e.g. a Salesforce Contact).
    pub context: Vec<SimContext>,
}

/// One tracker's hits in a call, before the tracker's toggles are applied.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimTrackerHit {
    /// Index into the data set's tracker list.
    pub tracker: usize,
    /// Total hits.
    pub count: u32,
    /// Hits per phrase (keyword trackers).
    pub phrases: Vec<(String, u32)>,
    /// `(startTime seconds, speakerId)` of each hit.
    pub occurrences: Vec<(f64, Option<String>)>,
}

/// One call, complete; the renderer picks what the content selector asks for.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimCall {
    /// Gong call id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Scheduled start.
    pub scheduled: Option<DateTime<Utc>>,
    /// Actual start (the filter field).
    pub started: DateTime<Utc>,
    /// UTC offset, in seconds, used to render this call's times (real Gong answers
    /// in the account's local offset).
    pub utc_offset_secs: i32,
    /// Duration in seconds.
    pub duration: u32,
    /// Owner's Gong user id.
    pub primary_user_id: String,
    /// Private call.
    pub is_private: bool,
    /// Conferencing system, e.g. `Zoom`.
    pub system: String,
    /// Whether the recording has video.
    pub video: bool,
    /// Recording deleted: no media URLs.
    pub recording_deleted: bool,
    /// Participants.
    pub parties: Vec<SimParty>,
    /// Call-level CRM context.
    pub context: Vec<SimContext>,
    /// Tracker hits; empty when the call has no tracker data.
    pub trackers: Vec<SimTrackerHit>,
    /// Topics `(name, seconds)`.
    pub topics: Vec<(String, u32)>,
    /// Gong's brief.
    pub brief: Option<String>,
    /// Gong's key points.
    pub key_points: Vec<String>,
    /// AI content spelled out by a scenario; `None` for generated calls, whose
    /// outline, highlights, outcome, action items and transcript are generated
    /// from the seed and the call id when a request asks for them.
    pub authored: Option<Box<SimAuthored>>,
}

/// A scenario call's AI content and transcript: only what the file spells out is
/// sent (empty lists and `None` leave the section out).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SimAuthored {
    /// Highlights `(title, items)`, e.g. `("Next steps", [...])`.
    pub highlights: Vec<(String, Vec<String>)>,
    /// Outline `(section, items)`.
    pub outline: Vec<(String, Vec<String>)>,
    /// Index into [`crate::data::content::OUTCOMES`].
    pub call_outcome: Option<usize>,
    /// Action items `(speaker id, snippet)`.
    pub action_items: Vec<(Option<String>, String)>,
    /// Monologues `(speaker id, topic, sentences)`.
    pub transcript: Vec<(String, Option<String>, Vec<String>)>,
}
