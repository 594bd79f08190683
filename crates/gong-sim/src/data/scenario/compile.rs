//! Turns a [`Scenario`] into the internal model, checking its references (tracker
//! names, affiliations, CRM systems) so that a typo fails at load, not mid-test.

use chrono::{DateTime, Utc};

use super::Scenario;
use super::ScenarioCall;
use crate::data::content::{outcome_index, OUTCOMES};
use crate::data::hash::{hash_bytes, Stream};
use crate::data::model::*;
use crate::data::world::gong_id;
use crate::error::SimError;

/// A scenario in the internal model.
pub(crate) struct Compiled {
    pub users: Vec<SimUser>,
    pub trackers: Vec<SimTracker>,
    pub calls: Vec<SimCall>,
}

/// Converts a scenario to the internal model: users, trackers and calls sorted by start.
pub(crate) fn compile(s: &Scenario) -> Result<Compiled, SimError> {
    let users = s.users.iter().map(to_user).collect();
    let trackers: Vec<SimTracker> = s.trackers.iter().map(to_tracker).collect();
    let mut calls = s
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

fn to_user(u: &super::ScenarioUser) -> SimUser {
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

fn to_tracker(t: &super::ScenarioTracker) -> SimTracker {
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
        context,
        trackers: hits,
        topics: Vec::new(),
        brief: c.brief.clone(),
        key_points: c.key_points.clone(),
        authored: Some(Box::new(authored(c, &parties)?)),
        parties,
    })
}

/// The AI content and transcript a scenario call spells out.
fn authored(c: &ScenarioCall, parties: &[SimParty]) -> Result<SimAuthored, SimError> {
    let bad = |what: String| SimError::Scenario(format!("call {}: {what}", c.id));
    let sections = |list: &[super::ScenarioSection]| {
        list.iter()
            .map(|s| (s.title.clone(), s.items.clone()))
            .collect()
    };
    let call_outcome = c
        .call_outcome
        .as_deref()
        .map(|o| {
            outcome_index(o).ok_or_else(|| {
                let known: Vec<_> = OUTCOMES.iter().map(|o| o.name).collect();
                bad(format!(
                    "unknown callOutcome '{o}' (one of: {})",
                    known.join(", ")
                ))
            })
        })
        .transpose()?;
    let first_speaker = parties.iter().find_map(|p| p.speaker_id.clone());
    let transcript = c
        .transcript
        .iter()
        .map(|m| {
            let speaker = parties
                .iter()
                .find(|p| {
                    p.name.as_deref() == Some(m.speaker.as_str())
                        || p.email
                            .as_deref()
                            .is_some_and(|e| e.eq_ignore_ascii_case(&m.speaker))
                })
                .and_then(|p| p.speaker_id.clone())
                .ok_or_else(|| {
                    bad(format!(
                        "transcript speaker '{}' is not a party (name or email)",
                        m.speaker
                    ))
                })?;
            Ok((speaker, m.topic.clone(), m.sentences.clone()))
        })
        .collect::<Result<Vec<_>, SimError>>()?;
    Ok(SimAuthored {
        highlights: sections(&c.highlights),
        outline: sections(&c.outline),
        call_outcome,
        action_items: c
            .action_items
            .iter()
            .map(|t| (first_speaker.clone(), t.clone()))
            .collect(),
        transcript,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario(call: &str) -> String {
        format!(
            r#"{{"users": [{{"id": "1000000000000000001", "email": "a@x.example"}}],
                 "trackers": [{{"name": "Pricing", "keywords": ["price"]}}],
                 "calls": [{call}]}}"#
        )
    }

    #[test]
    fn calls_are_sorted_by_start_and_trackers_resolve_by_name() {
        let text = scenario(
            r#"{"id": "2", "started": "2025-03-04T10:00:00+02:00", "primaryUserId": "1000000000000000001",
                "trackers": [{"name": "Pricing", "count": 1}]},
               {"id": "1", "started": "2025-03-03T10:00:00Z", "primaryUserId": "1000000000000000001"}"#,
        );
        let compiled = Scenario::from_json(&text).unwrap().compile().unwrap();
        let ids: Vec<_> = compiled.calls.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["1", "2"]);
        assert_eq!(compiled.calls[1].trackers[0].tracker, 0);
        assert!(compiled.users[0].active, "users are active by default");
    }

    #[test]
    fn mistakes_are_named_at_load() {
        let undefined = scenario(
            r#"{"id": "9", "started": "2025-03-03T10:00:00Z", "primaryUserId": "1",
                "trackers": [{"name": "Nope", "count": 1}]}"#,
        );
        let err = Scenario::from_json(&undefined).unwrap_err().to_string();
        assert!(err.contains("call 9") && err.contains("Nope"), "{err}");
        let bad_party = scenario(
            r#"{"id": "9", "started": "2025-03-03T10:00:00Z", "primaryUserId": "1",
                "parties": [{"affiliation": "Friendly"}]}"#,
        );
        assert!(Scenario::from_json(&bad_party).is_err());
        let unknown_key = scenario(
            r#"{"id": "9", "started": "2025-03-03T10:00:00Z", "primaryUserId": "1", "color": 1}"#,
        );
        assert!(Scenario::from_json(&unknown_key)
            .unwrap_err()
            .to_string()
            .contains("color"));
    }
}
