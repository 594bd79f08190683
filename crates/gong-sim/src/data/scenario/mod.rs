//! Scenario files: explicit users, trackers and calls instead of generated ones, for
//! tests that want to read their data. The format is documented in the crate docs.

use std::collections::HashMap;
use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::SimError;

mod compile;
pub(crate) use compile::Compiled;

/// A scenario: the whole Gong account, spelled out.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Scenario {
    /// Gong users.
    #[serde(default)]
    pub users: Vec<ScenarioUser>,
    /// Tracker definitions (with their two admin toggles).
    #[serde(default)]
    pub trackers: Vec<ScenarioTracker>,
    /// Calls.
    #[serde(default)]
    pub calls: Vec<ScenarioCall>,
    /// Optional Timeline side, written by `write_timeline_csvs`.
    #[serde(default)]
    pub timeline: Option<ScenarioTimeline>,
}

/// A Gong user of a scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScenarioUser {
    /// Gong user id.
    pub id: String,
    /// Email.
    pub email: String,
    /// First name.
    #[serde(default)]
    pub first_name: String,
    /// Last name.
    #[serde(default)]
    pub last_name: String,
    /// Active in Gong (default true).
    #[serde(default = "yes")]
    pub active: bool,
    /// Job title.
    #[serde(default)]
    pub title: Option<String>,
}

/// A tracker of a scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScenarioTracker {
    /// Tracker name (calls refer to trackers by name).
    pub name: String,
    /// Tracker id; derived from the name when absent.
    #[serde(default)]
    pub id: Option<String>,
    /// `KEYWORD` (default) or `SMART`.
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    /// Keywords.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// "API request results" toggle (default true).
    #[serde(default = "yes", alias = "api_results")]
    pub api_results: bool,
    /// "Separate phrases" toggle (default true).
    #[serde(default = "yes", alias = "separate_phrases")]
    pub separate_phrases: bool,
}

/// A call of a scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScenarioCall {
    /// Gong call id.
    pub id: String,
    /// Title.
    #[serde(default)]
    pub title: String,
    /// Start time (RFC 3339).
    pub started: DateTime<Utc>,
    /// Duration, seconds.
    #[serde(default)]
    pub duration: u32,
    /// Private call.
    #[serde(default, alias = "is_private")]
    pub is_private: bool,
    /// Owner's Gong user id.
    #[serde(alias = "primary_user_id")]
    pub primary_user_id: String,
    /// Participants.
    #[serde(default)]
    pub parties: Vec<ScenarioParty>,
    /// Call-level CRM context.
    #[serde(default)]
    pub crm: Vec<ScenarioCrm>,
    /// Tracker hits (by tracker name).
    #[serde(default)]
    pub trackers: Vec<ScenarioTrackerHit>,
    /// Recording deleted: no media URLs.
    #[serde(default, alias = "recording_deleted")]
    pub recording_deleted: bool,
    /// Gong's brief.
    #[serde(default)]
    pub brief: Option<String>,
    /// Gong's key points.
    #[serde(default, alias = "key_points")]
    pub key_points: Vec<String>,
    /// Highlights, e.g. `[{"title": "Next steps", "items": ["Send the proposal"]}]`.
    #[serde(default)]
    pub highlights: Vec<ScenarioSection>,
    /// Outline, e.g. `[{"section": "Pricing", "items": ["Discount asked"]}]`.
    #[serde(default)]
    pub outline: Vec<ScenarioSection>,
    /// Call outcome: the name or id of one of the fixed outcomes
    /// (`GET /v2/call-outcomes`), e.g. `"Demo scheduled"`.
    #[serde(default, alias = "call_outcome")]
    pub call_outcome: Option<String>,
    /// Action items (`pointsOfInterest.actionItems`), said by the first speaker.
    #[serde(default, alias = "action_items")]
    pub action_items: Vec<String>,
    /// Transcript (`POST /v2/calls/transcript`); without it the call's transcript
    /// is empty.
    #[serde(default)]
    pub transcript: Vec<ScenarioMonologue>,
}

/// A highlights or outline section of a scenario call: `title` or `section` names it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScenarioSection {
    /// The title (highlights) or section name (outline).
    #[serde(alias = "section")]
    pub title: String,
    /// Item texts.
    #[serde(default)]
    pub items: Vec<String>,
}

/// One monologue of a scenario transcript.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScenarioMonologue {
    /// The party who speaks: its name or email.
    pub speaker: String,
    /// Topic.
    #[serde(default)]
    pub topic: Option<String>,
    /// Sentences, timed evenly over the call.
    pub sentences: Vec<String>,
}

/// A participant of a scenario call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScenarioParty {
    /// Name.
    #[serde(default)]
    pub name: Option<String>,
    /// Email.
    #[serde(default)]
    pub email: Option<String>,
    /// `Internal`, `External` or `Unknown`.
    pub affiliation: String,
    /// Gong user id.
    #[serde(default, alias = "user_id")]
    pub user_id: Option<String>,
}

/// CRM context of one system.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScenarioCrm {
    /// `Salesforce` or `HubSpot`.
    pub system: String,
    /// Objects.
    pub objects: Vec<ScenarioCrmObject>,
}

/// One CRM object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScenarioCrmObject {
    /// `Account`, `Contact`, `Opportunity`, ...
    #[serde(rename = "type")]
    pub object_type: String,
    /// CRM id.
    pub id: String,
    /// Optional `Name` field.
    #[serde(default)]
    pub name: Option<String>,
}

/// Tracker hits in a scenario call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScenarioTrackerHit {
    /// Tracker name (must be defined in `trackers`).
    pub name: String,
    /// Total hits.
    pub count: u32,
    /// Hits per phrase.
    #[serde(default)]
    pub phrases: Vec<ScenarioPhrase>,
}

/// One phrase's hits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioPhrase {
    /// Phrase.
    pub phrase: String,
    /// Hits.
    pub count: u32,
}

/// The Timeline side of a scenario, written verbatim as CSV rows.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioTimeline {
    /// companies.csv rows: `name,crm_account_id,industry,arr`.
    #[serde(default)]
    pub companies: Vec<HashMap<String, String>>,
    /// persons.csv rows: `email,name,company`.
    #[serde(default)]
    pub persons: Vec<HashMap<String, String>>,
    /// users.csv rows: `email,name,license_type,status,department`.
    #[serde(default)]
    pub users: Vec<HashMap<String, String>>,
}

fn yes() -> bool {
    true
}

impl Scenario {
    /// Reads a scenario file.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Scenario, SimError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| SimError::ReadScenario {
            path: path.display().to_string(),
            source,
        })?;
        Scenario::from_json(&text)
    }

    /// Parses a scenario and checks that its references resolve.
    pub fn from_json(text: &str) -> Result<Scenario, SimError> {
        let scenario: Scenario =
            serde_json::from_str(text).map_err(|e| SimError::Scenario(e.to_string()))?;
        scenario.compile()?;
        Ok(scenario)
    }

    /// Converts to the internal model: users, trackers and calls sorted by start.
    pub(crate) fn compile(&self) -> Result<Compiled, SimError> {
        compile::compile(self)
    }
}
