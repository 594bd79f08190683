//! Gong's wire format → the domain's [`Meeting`]: the one place the engine reads
//! Gong's field names, so every rule downstream works on plain domain types.

use gong_timeline_store::GongCallId;
use std::collections::HashSet;

use chrono::{DateTime, Utc};
use gong_timeline_domain::meeting::{
    Affiliation, CallOutcome, CrmObject, CrmSystem, Highlight, Meeting, MeetingDetails,
    OutlineSection, Party, PhraseCount, SpeakerLink, Tracker,
};
use gong_timeline_domain::RecordStatus;
use gong_timeline_gong::{wire, GongError};
use gong_timeline_store::NewLogRecord;

/// Why a Gong call could not become a meeting.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConvertError {
    /// Gong sent a call without an id.
    #[error("Gong sent a call without an id (title: {title:?}); it cannot be synced.")]
    MissingId {
        /// The call's title, to find it in Gong.
        title: Option<String>,
    },
    /// Gong sent a call with neither a start nor a scheduled time.
    #[error("Gong call {call_id} has no start time; it cannot be placed on the Timeline.")]
    MissingStart {
        /// The call id.
        call_id: GongCallId,
    },
}

/// A page of Gong calls as meetings, and as Failed records the calls that cannot be.
#[derive(Debug, Default)]
pub struct ConvertedPage {
    /// The meetings, as kept (M1: a private one without its content).
    pub meetings: Vec<Meeting>,
    /// Calls that never became meetings (malformed, incomplete).
    pub broken: Vec<NewLogRecord>,
    /// Whether some meeting carried HubSpot CRM context (C3).
    pub saw_hubspot: bool,
}

/// Converts a page of calls. A call met twice (`already` handled it in this job, or
/// twice in one page) is converted once: one activity per meeting (S1), one upsert
/// per key in a transaction.
pub fn convert_page(
    calls: Vec<Result<wire::Call, GongError>>,
    already: impl Fn(&str) -> bool,
) -> ConvertedPage {
    let mut page = ConvertedPage {
        meetings: Vec::with_capacity(calls.len()),
        ..ConvertedPage::default()
    };
    let mut in_page = HashSet::with_capacity(calls.len());
    for call in calls {
        let call = match call {
            Ok(call) => call,
            Err(error) => {
                let id = error.call_id().unwrap_or_default();
                page.broken
                    .push(failed_record(id, None, None, error.to_string()));
                continue;
            }
        };
        if already(call.id()) || !in_page.insert(call.id().to_string()) {
            continue;
        }
        match identity(&call.meta_data) {
            Ok((gong_call_id, started)) => {
                let meeting = into_meeting(call, gong_call_id, started).keepable();
                page.saw_hubspot |= meeting
                    .crm_objects
                    .iter()
                    .any(|o| o.system == CrmSystem::HubSpot);
                page.meetings.push(meeting);
            }
            Err(error) => {
                let meta = call.meta_data;
                page.broken.push(failed_record(
                    meta.id.as_deref().unwrap_or_default(),
                    // A private call's title stays in Gong (M1), broken or not.
                    meta.title.filter(|_| !meta.is_private),
                    meta.started,
                    error.to_string(),
                ))
            }
        }
    }
    page
}

/// A Failed record for a call that never became a meeting.
fn failed_record(
    call_id: &str,
    title: Option<String>,
    started: Option<DateTime<Utc>>,
    message: String,
) -> NewLogRecord {
    NewLogRecord {
        gong_call_id: call_id.into(),
        title,
        meeting_date: started,
        status: RecordStatus::Failed,
        activity: None,
        message: Some(message),
    }
}

/// Converts one call of `/v2/calls/extensive`.
pub fn meeting_from_call(call: wire::Call) -> Result<Meeting, ConvertError> {
    let (gong_call_id, started) = identity(&call.meta_data)?;
    Ok(into_meeting(call, gong_call_id, started))
}

/// The call's id and start: without either it cannot be a meeting.
fn identity(meta: &wire::CallMetaData) -> Result<(String, DateTime<Utc>), ConvertError> {
    let gong_call_id = match meta.id.as_deref().map(str::trim) {
        Some(id) if !id.is_empty() => id.to_string(),
        _ => {
            return Err(ConvertError::MissingId {
                title: meta.title.clone(),
            })
        }
    };
    let started = meta
        .started
        .or(meta.scheduled)
        .ok_or_else(|| ConvertError::MissingStart {
            call_id: gong_call_id.as_str().into(),
        })?;
    Ok((gong_call_id, started))
}

/// The meeting of a call whose identity is known. The call is taken whole, so its
/// texts move into the meeting instead of being copied (content doubled the copies).
fn into_meeting(call: wire::Call, gong_call_id: String, started: DateTime<Utc>) -> Meeting {
    let meta = call.meta_data;
    let speakers = speakers(&call.parties);
    let content = call.content;
    let mut meeting = Meeting {
        gong_call_id: gong_call_id.into(),
        title: meta.title,
        started,
        duration_seconds: meta.duration,
        url: meta.url,
        is_private: meta.is_private,
        owner_gong_user_id: meta.primary_user_id,
        parties: call.parties.into_iter().map(party).collect(),
        crm_objects: crm_objects(call.context),
        trackers: None,
        brief: None,
        key_points: Vec::new(),
        details: MeetingDetails {
            scope: meta.scope.as_ref().map(|s| s.as_str().to_owned()),
            direction: meta.direction.as_ref().map(|d| d.as_str().to_owned()),
            system: meta.system,
            workspace_id: meta.workspace_id,
            ..MeetingDetails::default()
        },
        speakers,
    };
    if let Some(content) = content {
        add_content(&mut meeting, content);
    }
    meeting
}

/// Gong's content of the call, moved into the meeting.
fn add_content(meeting: &mut Meeting, content: wire::CallContent) {
    meeting.trackers = Some(content.trackers.into_iter().filter_map(tracker).collect());
    meeting.brief = content.brief;
    meeting.key_points = content
        .key_points
        .into_iter()
        .filter_map(|k| k.text)
        .collect();
    let details = &mut meeting.details;
    details.highlights = highlights(content.highlights);
    details.action_items = content
        .points_of_interest
        .map(|p| texts(p.action_items.into_iter().map(|a| a.snippet)))
        .unwrap_or_default();
    details.outcome = content.call_outcome.and_then(outcome);
    details.outline = outline(content.outline);
}

/// Each party that spoke, by its speaker id (to name a transcript's speakers).
fn speakers(parties: &[wire::Party]) -> Vec<SpeakerLink> {
    parties
        .iter()
        .zip(0u32..)
        .filter_map(|(p, party)| {
            let speaker_id = p.speaker_id.as_deref()?.trim();
            (!speaker_id.is_empty()).then(|| SpeakerLink {
                speaker_id: speaker_id.to_owned(),
                party,
            })
        })
        .collect()
}

/// Texts that are not blank, trimmed.
fn texts(items: impl IntoIterator<Item = Option<String>>) -> Vec<String> {
    items.into_iter().flatten().filter_map(trimmed).collect()
}

/// The text without surrounding blanks; `None` when nothing is left. Moved as it is
/// when there is nothing to trim, as Gong's texts almost always are.
fn trimmed(text: String) -> Option<String> {
    let t = text.trim();
    if t.is_empty() {
        None
    } else if t.len() == text.len() {
        Some(text)
    } else {
        Some(t.to_owned())
    }
}

fn highlights(highlights: Vec<wire::Highlight>) -> Vec<Highlight> {
    highlights
        .into_iter()
        .map(|h| Highlight {
            title: h.title.unwrap_or_default(),
            items: texts(h.items.into_iter().map(|i| i.text)),
        })
        .filter(|h| !h.items.is_empty())
        .collect()
}

fn outcome(o: wire::CallOutcome) -> Option<CallOutcome> {
    let name = trimmed(o.name?)?;
    Some(CallOutcome {
        name,
        category: o.category.filter(|c| !c.trim().is_empty()),
    })
}

fn outline(outline: Vec<wire::OutlineSection>) -> Vec<OutlineSection> {
    outline
        .into_iter()
        .map(|s| OutlineSection {
            section: s.section.unwrap_or_default(),
            items: texts(s.items.into_iter().map(|i| i.text)),
        })
        .filter(|s| !s.section.is_empty() || !s.items.is_empty())
        .collect()
}

fn party(p: wire::Party) -> Party {
    Party {
        email: p.email_address,
        name: p.name,
        affiliation: match p.affiliation {
            Some(wire::Affiliation::Internal) => Affiliation::Internal,
            Some(wire::Affiliation::External) => Affiliation::External,
            _ => Affiliation::Unknown,
        },
        gong_user_id: p.user_id,
    }
}

fn crm_objects(contexts: Vec<wire::CrmContext>) -> Vec<CrmObject> {
    let mut out = Vec::new();
    for context in contexts {
        let system = match context.system {
            Some(wire::CrmSystem::Salesforce) => CrmSystem::Salesforce,
            Some(wire::CrmSystem::HubSpot) => CrmSystem::HubSpot,
            Some(other) => CrmSystem::Other(other.as_str().to_string()),
            None => CrmSystem::Other(String::new()),
        };
        for object in context.objects {
            let (Some(object_type), Some(object_id)) = (object.object_type, object.object_id)
            else {
                continue;
            };
            out.push(CrmObject {
                system: system.clone(),
                object_type,
                object_id,
            });
        }
    }
    out
}

/// A tracker without a name cannot be shown. One without a count (Gong sent `null`)
/// counts as often as its phrases were heard; without phrases, zero times.
fn tracker(t: wire::Tracker) -> Option<Tracker> {
    let name = t.name?;
    let phrases: Vec<PhraseCount> = t
        .phrases
        .into_iter()
        .filter_map(|p| {
            Some(PhraseCount {
                phrase: p.phrase?,
                count: p.count.unwrap_or(0).max(0),
            })
        })
        .collect();
    let heard = phrases
        .iter()
        .map(|p| p.count)
        .fold(0i64, i64::saturating_add);
    Some(Tracker {
        name,
        count: t.count.map_or(heard, |c| c.max(0)),
        phrases,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(json: serde_json::Value) -> wire::Call {
        serde_json::from_value(json).expect("valid call")
    }

    #[test]
    fn a_full_call_becomes_a_meeting() {
        let c = call(serde_json::json!({
            "metaData": {"id": "7782342274025937895", "title": "QBR", "started": "2026-06-10T21:50:07.428+02:00",
                         "duration": 1800, "url": "https://app.gong.io/call?id=7782342274025937895",
                         "primaryUserId": "234", "isPrivate": false},
            "parties": [{"emailAddress": "a@acme.com", "name": "Ann", "affiliation": "External"},
                        {"emailAddress": "me@us.com", "name": "Me", "affiliation": "Internal", "userId": "234"}],
            "context": [{"system": "Salesforce", "objects": [{"objectType": "Account", "objectId": "0013600000AbCdE"}]},
                        {"system": "HubSpot", "objects": [{"objectType": "Company", "objectId": "99"}]}],
            "content": {"trackers": [{"name": "Pricing", "count": 3, "phrases": [{"phrase": "discount", "count": 2}]}],
                        "brief": "We talked.", "keyPoints": [{"text": "Renewal in May"}]}
        }));
        let m = meeting_from_call(c).unwrap();
        assert_eq!(m.gong_call_id, "7782342274025937895");
        assert_eq!(m.started.to_rfc3339(), "2026-06-10T19:50:07.428+00:00");
        assert_eq!(m.owner_gong_user_id.as_deref(), Some("234"));
        assert_eq!(m.parties[0].affiliation, Affiliation::External);
        assert_eq!(m.crm_objects.len(), 2);
        assert_eq!(m.crm_objects[1].system, CrmSystem::HubSpot);
        let trackers = m.trackers.unwrap();
        assert_eq!(
            trackers[0].phrases[0],
            PhraseCount {
                phrase: "discount".into(),
                count: 2
            }
        );
        assert_eq!(m.key_points, vec!["Renewal in May".to_string()]);
    }

    #[test]
    fn t6_and_23_the_calls_own_fields_and_content_are_kept() {
        let c = call(serde_json::json!({
            "metaData": {"id": "1", "started": "2026-06-10T21:50:07Z", "scope": "External",
                         "direction": "Conference", "system": "Zoom", "workspaceId": "55"},
            "content": {
                "highlights": [
                    {"title": "Next steps", "items": [{"text": "Send the proposal", "startTimes": [12.5]}, {"text": " "}]},
                    {"title": "Pain points", "items": [{"text": "Manual exports"}]},
                    {"title": "Empty", "items": []}
                ],
                "pointsOfInterest": {"actionItems": [
                    {"snippetStartTime": 30, "snippetEndTime": 40, "speakerID": "6432", "snippet": "Book the review"}
                ]},
                "callOutcome": {"id": "3", "category": "Positive", "name": "Demo scheduled"},
                "outline": [{"section": "Pricing", "startTime": 0, "duration": 60,
                             "items": [{"text": "Three-year discount", "startTime": 5}]}]
            }
        }));
        let m = meeting_from_call(c).unwrap();
        let d = &m.details;
        assert_eq!(
            (
                d.scope.as_deref(),
                d.direction.as_deref(),
                d.system.as_deref(),
                d.workspace_id.as_deref()
            ),
            (
                Some("External"),
                Some("Conference"),
                Some("Zoom"),
                Some("55")
            )
        );
        assert_eq!(d.next_steps(), ["Send the proposal"]);
        assert_eq!(d.highlights.len(), 2, "an empty highlight is dropped");
        assert_eq!(d.action_items, ["Book the review"]);
        let outcome = d.outcome.as_ref().unwrap();
        assert_eq!(
            (outcome.name.as_str(), outcome.category.as_deref()),
            ("Demo scheduled", Some("Positive"))
        );
        assert_eq!(d.outline[0].section, "Pricing");
        assert_eq!(d.outline[0].items, ["Three-year discount"]);
    }

    #[test]
    fn a_tracker_without_a_count_counts_its_phrases() {
        let c = call(serde_json::json!({
            "metaData": {"id": "1", "started": "2026-06-10T21:50:07Z"},
            "content": {"trackers": [{"name": "Pricing", "count": null,
                "phrases": [{"phrase": "discount", "count": 2}, {"phrase": "price", "count": 3}]}]}
        }));
        let trackers = meeting_from_call(c).unwrap().trackers.unwrap();
        assert_eq!(trackers[0].count, 5);
    }

    #[test]
    fn s4_a_call_without_content_has_no_tracker_data() {
        let c =
            call(serde_json::json!({"metaData": {"id": "1", "started": "2026-06-10T21:50:07Z"}}));
        let m = meeting_from_call(c).unwrap();
        assert_eq!(m.trackers, None);
        assert!(m.parties.is_empty() && m.crm_objects.is_empty());
    }

    #[test]
    fn calls_without_id_or_start_are_refused_with_a_reason() {
        let no_id = call(
            serde_json::json!({"metaData": {"title": "x", "started": "2026-06-10T21:50:07Z"}}),
        );
        assert!(matches!(
            meeting_from_call(no_id),
            Err(ConvertError::MissingId { .. })
        ));
        let no_start = call(serde_json::json!({"metaData": {"id": "5"}}));
        let err = meeting_from_call(no_start).unwrap_err();
        assert!(
            err.to_string().contains("Gong call 5 has no start time"),
            "{err}"
        );
    }

    #[test]
    fn s1_m1_c3_a_page_converts_each_call_once_and_logs_those_that_cannot_be_meetings() {
        let ok = |id: &str| {
            Ok(call(serde_json::json!({
                "metaData": {"id": id, "started": "2026-06-10T21:50:07Z"},
                "context": [{"system": "HubSpot", "objects": [{"objectType": "Company", "objectId": "9"}]}]
            })))
        };
        let private_without_start = Ok(call(serde_json::json!({
            "metaData": {"id": "p1", "title": "Secret", "isPrivate": true}
        })));
        let malformed = Err(GongError::Decode {
            endpoint: "/v2/calls/extensive".into(),
            call_id: Some("m1".into()),
            path: "metaData.started".into(),
            message: "invalid date".into(),
        });
        let calls = vec![
            ok("a"),
            ok("b"),
            ok("a"),
            private_without_start,
            malformed,
            ok("done"),
        ];

        let page = convert_page(calls, |id| id == "done");

        let ids: Vec<_> = page
            .meetings
            .iter()
            .map(|m| m.gong_call_id.as_str())
            .collect();
        assert_eq!(
            ids,
            ["a", "b"],
            "once each, and not what the job handled already"
        );
        assert!(page.saw_hubspot);
        let broken: Vec<_> = page
            .broken
            .iter()
            .map(|r| (r.gong_call_id.as_str(), r.title.as_deref()))
            .collect();
        assert_eq!(
            broken,
            [("p1", None), ("m1", None)],
            "a private title stays in Gong"
        );
        assert!(page.broken.iter().all(|r| r.status == RecordStatus::Failed));
    }
}
