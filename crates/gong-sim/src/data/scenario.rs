//! Scenario files: explicit users, trackers and calls instead of generated ones, for
//! tests that want to read their data. The format is documented in the crate docs.

use std::collections::HashMap;
use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::hash::{hash_bytes, Stream};
use super::model::*;
use super::world::gong_id;
use crate::error::SimError;

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
        let users = self.users.iter().map(to_user).collect();
        let trackers: Vec<SimTracker> = self.trackers.iter().map(to_tracker).collect();
        let mut calls = self
            .calls
            .iter()
            .map(|c| to_call(c, &trackers))
            .collect::<Result<Vec<_>, _>>()?;
        calls.sort_by_key(|c| c.started);
        Ok(Compiled {
            users,
            trackers,
            calls,
        })
    }
}

/// A scenario in the internal model.
pub(crate) struct Compiled {
    pub users: Vec<SimUser>,
    pub trackers: Vec<SimTracker>,
    pub calls: Vec<SimCall>,
}

fn to_user(u: &ScenarioUser) -> SimUser {
    SimUser {
        id: u.id.clone(),
        email: u.email.clone(),
        first_name: u.first_name.clone(),
        last_name: u.last_name.clone(),
        title: u.title.clone(),
        active: u.active,
        created: DateTime::<Utc>::UNIX_EPOCH + chrono::Duration::days(19_000),
        role: None,
    }
}

fn to_tracker(t: &ScenarioTracker) -> SimTracker {
    let smart = t
        .kind
        .as_deref()
        .is_some_and(|k| k.eq_ignore_ascii_case("smart"));
    SimTracker {
        id: t
            .id
            .clone()
            .unwrap_or_else(|| gong_id(hash_bytes(1, t.name.as_bytes()), Stream::Company, 0)),
        name: t.name.clone(),
        smart,
        keywords: t.keywords.clone(),
        api_results: t.api_results,
        separate_phrases: t.separate_phrases && !smart,
    }
}

fn to_call(c: &ScenarioCall, trackers: &[SimTracker]) -> Result<SimCall, SimError> {
    let bad = |what: String| SimError::Scenario(format!("call {}: {what}", c.id));
    let parties = c
        .parties
        .iter()
        .enumerate()
        .map(|(k, p)| {
            let affiliation = match p.affiliation.to_ascii_lowercase().as_str() {
                "internal" => Affiliation::Internal,
                "external" => Affiliation::External,
                "unknown" => Affiliation::Unknown,
                other => return Err(bad(format!("unknown affiliation '{other}'"))),
            };
            let pid = gong_id(hash_bytes(2, c.id.as_bytes()), Stream::Call, k as u64);
            Ok(SimParty {
                id: pid.clone(),
                name: p.name.clone(),
                email: p.email.clone(),
                title: None,
                user_id: p.user_id.clone(),
                speaker_id: Some(pid),
                affiliation,
                context: Vec::new(),
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let context = c
        .crm
        .iter()
        .map(|x| {
            let system = match x.system.to_ascii_lowercase().as_str() {
                "salesforce" => CrmKind::Salesforce,
                "hubspot" => CrmKind::HubSpot,
                other => return Err(bad(format!("unknown CRM system '{other}'"))),
            };
            let objects = x
                .objects
                .iter()
                .map(|o| SimCrmObject {
                    object_type: o.object_type.clone(),
                    object_id: o.id.clone(),
                    fields: o
                        .name
                        .iter()
                        .map(|n| ("Name".to_string(), serde_json::json!(n)))
                        .collect(),
                })
                .collect();
            Ok(SimContext { system, objects })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let hits = c
        .trackers
        .iter()
        .map(|h| {
            let t = trackers
                .iter()
                .position(|t| t.name == h.name)
                .ok_or_else(|| bad(format!("tracker '{}' is not defined in trackers", h.name)))?;
            Ok(SimTrackerHit {
                tracker: t,
                count: h.count,
                phrases: h
                    .phrases
                    .iter()
                    .map(|p| (p.phrase.clone(), p.count))
                    .collect(),
                occurrences: Vec::new(),
            })
        })
        .collect::<Result<Vec<_>, SimError>>()?;
    Ok(SimCall {
        id: c.id.clone(),
        title: c.title.clone(),
        scheduled: Some(c.started),
        started: c.started,
        utc_offset_secs: 0,
        duration: c.duration,
        primary_user_id: c.primary_user_id.clone(),
        is_private: c.is_private,
        system: "Zoom".into(),
        video: true,
        recording_deleted: c.recording_deleted,
        parties,
        context,
        trackers: hits,
        topics: Vec::new(),
        brief: c.brief.clone(),
        key_points: c.key_points.clone(),
    })
}
