//! The answer of `GET /v2/call-outcomes` (S9): the company's call outcomes, each with
//! the sentiment its admin gave it.
//!
//! Read as the reference describes a call outcome (`{id, category, name}`, the shape
//! of `content.callOutcome`, under `callOutcomes`) and as public clients read the
//! endpoint (`outcomes[] {callOutcome, displayOrder, connectStatus, sentiment,
//! category}`); either list may be missing. [`CallOutcomesResponse::outcomes`] merges
//! them by name.

use serde::Deserialize;

use super::calls::CallOutcome;
use super::de::{null_default, opt_id};

/// `GET /v2/call-outcomes`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CallOutcomesResponse {
    /// Gong's request id.
    #[serde(default, deserialize_with = "opt_id")]
    pub request_id: Option<String>,
    /// The outcomes as `content.callOutcome` carries them.
    #[serde(default, deserialize_with = "null_default")]
    pub call_outcomes: Vec<CallOutcome>,
    /// The outcomes with their sentiment.
    #[serde(default, deserialize_with = "null_default")]
    pub outcomes: Vec<OutcomeSetting>,
}

/// An outcome as the company set it up: its name and sentiment.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct OutcomeSetting {
    /// The outcome's name (a call's `content.callOutcome.name`).
    #[serde(default)]
    pub call_outcome: Option<String>,
    /// Its place in Gong's list.
    #[serde(default)]
    pub display_order: Option<i64>,
    /// E.g. `CONNECTED`.
    #[serde(default)]
    pub connect_status: Option<String>,
    /// `POSITIVE`, `NEUTRAL` or `NEGATIVE`.
    #[serde(default)]
    pub sentiment: Option<String>,
    /// E.g. `ANSWERED`.
    #[serde(default)]
    pub category: Option<String>,
}

/// One outcome of the merged list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedOutcome {
    /// Gong's id, when `callOutcomes` gave one.
    pub id: Option<String>,
    /// Its name.
    pub name: String,
    /// Its sentiment word as Gong sent it: `outcomes[].sentiment`, else the
    /// `callOutcomes[].category`.
    pub sentiment: Option<String>,
}

impl CallOutcomesResponse {
    /// Every named outcome once, `callOutcomes` first, in Gong's order; a name both
    /// lists have takes the id from the first and the sentiment from the second.
    pub fn outcomes(&self) -> Vec<ListedOutcome> {
        let mut listed: Vec<ListedOutcome> = self
            .call_outcomes
            .iter()
            .filter_map(|o| {
                Some(ListedOutcome {
                    id: o.id.clone(),
                    name: named(o.name.as_deref())?,
                    sentiment: o.category.clone(),
                })
            })
            .collect();
        for setting in &self.outcomes {
            let Some(name) = named(setting.call_outcome.as_deref()) else {
                continue;
            };
            let same = |o: &&mut ListedOutcome| o.name.eq_ignore_ascii_case(&name);
            match listed.iter_mut().find(same) {
                Some(o) => o.sentiment = setting.sentiment.clone().or(o.sentiment.take()),
                None => listed.push(ListedOutcome {
                    id: None,
                    name,
                    sentiment: setting.sentiment.clone(),
                }),
            }
        }
        listed
    }
}

/// A name, trimmed; `None` when empty.
fn named(name: Option<&str>) -> Option<String> {
    name.map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_shapes_merge_by_name_and_either_may_be_missing() {
        let body = r#"{
            "requestId": "r1",
            "callOutcomes": [
                {"id": 7310000000000000001, "category": "Positive", "name": "Demo scheduled"},
                {"id": "2", "category": "Neutral", "name": "No decision"},
                {"id": "3", "name": " "}
            ],
            "outcomes": [
                {"callOutcome": "demo scheduled", "displayOrder": 1, "sentiment": "POSITIVE", "category": "ANSWERED"},
                {"callOutcome": "Voicemail", "sentiment": "NEGATIVE"},
                {"callOutcome": null}
            ]
        }"#;
        let parsed: CallOutcomesResponse = serde_json::from_str(body).unwrap();
        let listed = parsed.outcomes();
        assert_eq!(
            listed,
            vec![
                ListedOutcome {
                    id: Some("7310000000000000001".into()),
                    name: "Demo scheduled".into(),
                    sentiment: Some("POSITIVE".into()),
                },
                ListedOutcome {
                    id: Some("2".into()),
                    name: "No decision".into(),
                    sentiment: Some("Neutral".into()),
                },
                ListedOutcome {
                    id: None,
                    name: "Voicemail".into(),
                    sentiment: Some("NEGATIVE".into()),
                },
            ]
        );
        let empty: CallOutcomesResponse = serde_json::from_str(r#"{"outcomes": null}"#).unwrap();
        assert!(empty.outcomes().is_empty());
    }
}
