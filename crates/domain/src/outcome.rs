//! A call outcome's sentiment (S9): Gong's `GET /v2/call-outcomes` lists the company's
//! outcomes with the sentiment the admin gave each; an activity's outcome carries the
//! sentiment of the listed outcome of the same name.
//!
//! # Rules, as interpreted here
//! - **One request a day**: the list is cached per connection; a job reads it again
//!   only when the cache is missing or at least [`REFRESH_AFTER_HOURS`] old
//!   ([`CallOutcomes::due`]). A job that reads nothing from Gong (a re-evaluation,
//!   a retention purge) never reads it, nor does a webhook batch, which stays quick
//!   (W2): the slot's job reads it ([`reads_outcomes`]).
//! - **Join**: by id when both sides have one, else by name, trimmed and in any letter
//!   case ([`CallOutcomes::sentiment_of`]). An outcome the list does not have, or one
//!   listed without a sentiment, has none.
//! - **Sentiment** is one of [`Sentiment`]'s spellings in any case (`POSITIVE`,
//!   `positive`); another word is no sentiment.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::meeting::CallOutcome;
use crate::Trigger;

/// How old the cached list may get before a job reads it again.
pub const REFRESH_AFTER_HOURS: i64 = 24;

crate::spelled_enum!(
    /// The sentiment of a call outcome, as the admin set it up in Gong.
    Sentiment, "sentiment" {
        Positive => "Positive",
        Neutral => "Neutral",
        Negative => "Negative",
    }
);

impl Sentiment {
    /// A sentiment from Gong's word for it (any case); `None` for another word.
    pub fn from_gong(word: &str) -> Option<Sentiment> {
        word.parse().ok()
    }
}

/// One outcome of the company's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KnownOutcome {
    /// Gong's id, when the list gave one.
    #[serde(default)]
    pub id: Option<String>,
    /// E.g. "Demo scheduled".
    pub name: String,
    /// Its sentiment, when the list gave a known one.
    #[serde(default)]
    pub sentiment: Option<Sentiment>,
}

/// The company's call outcomes as last read from Gong, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallOutcomes {
    /// When the list was read (or last tried: a failed read waits a day too).
    pub fetched_at: DateTime<Utc>,
    /// The outcomes.
    pub outcomes: Vec<KnownOutcome>,
}

impl CallOutcomes {
    /// Whether a job at `now` reads the list again, given the cached one (if any).
    pub fn due(cached: Option<&CallOutcomes>, now: DateTime<Utc>) -> bool {
        cached.is_none_or(|c| now - c.fetched_at >= Duration::hours(REFRESH_AFTER_HOURS))
    }

    /// The sentiment of `outcome`: the listed outcome's of the same id, else of the
    /// same name.
    pub fn sentiment_of(&self, id: Option<&str>, name: &str) -> Option<Sentiment> {
        let by_id = id.and_then(|id| self.outcomes.iter().find(|o| o.id.as_deref() == Some(id)));
        let name = name.trim();
        by_id
            .or_else(|| {
                self.outcomes
                    .iter()
                    .find(|o| o.name.trim().eq_ignore_ascii_case(name))
            })
            .and_then(|o| o.sentiment)
    }
}

/// Whether a job of `trigger` reads the outcomes list (when it is due): a job that
/// reads a time window of calls does; a re-evaluation and a retention purge ask Gong
/// nothing, and a webhook batch stays quick.
pub fn reads_outcomes(trigger: Trigger) -> bool {
    !matches!(
        trigger,
        Trigger::Reevaluate | Trigger::Retention | Trigger::Webhook
    )
}

/// An activity's outcome: Gong's name and category, and the sentiment joined from
/// the company's list when the activity was evaluated.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityOutcome {
    /// E.g. "Demo scheduled".
    pub name: String,
    /// Gong's category of the outcome, as the call carried it.
    pub category: Option<String>,
    /// The outcome's sentiment from `GET /v2/call-outcomes`, when known.
    #[serde(default)]
    pub sentiment: Option<Sentiment>,
}

impl ActivityOutcome {
    /// A meeting's outcome, its sentiment not yet known.
    pub fn of(outcome: &CallOutcome) -> ActivityOutcome {
        ActivityOutcome {
            name: outcome.name.clone(),
            category: outcome.category.clone(),
            sentiment: None,
        }
    }

    /// With the sentiment `list` gives its name (none without a list).
    pub fn with_sentiment(mut self, list: Option<&CallOutcomes>) -> ActivityOutcome {
        self.sentiment = list.and_then(|l| l.sentiment_of(None, &self.name));
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(hours: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap() + Duration::hours(hours)
    }

    fn known(id: Option<&str>, name: &str, sentiment: Option<Sentiment>) -> KnownOutcome {
        KnownOutcome {
            id: id.map(str::to_owned),
            name: name.into(),
            sentiment,
        }
    }

    fn list() -> CallOutcomes {
        CallOutcomes {
            fetched_at: at(0),
            outcomes: vec![
                known(Some("1"), "Demo scheduled", Some(Sentiment::Positive)),
                known(Some("2"), "Closed lost", Some(Sentiment::Negative)),
                known(None, "Voicemail", None),
            ],
        }
    }

    #[test]
    fn s9_the_list_is_read_again_only_once_a_day_old() {
        assert!(CallOutcomes::due(None, at(0)));
        let cached = list();
        assert!(!CallOutcomes::due(Some(&cached), at(0)));
        assert!(!CallOutcomes::due(Some(&cached), at(23)));
        assert!(CallOutcomes::due(Some(&cached), at(24)));
    }

    #[test]
    fn s9_no_outcomes_request_in_a_reevaluation_a_purge_or_a_webhook_batch() {
        assert!(!reads_outcomes(Trigger::Reevaluate));
        assert!(!reads_outcomes(Trigger::Retention));
        assert!(!reads_outcomes(Trigger::Webhook));
        for t in [
            Trigger::Schedule,
            Trigger::Manual,
            Trigger::Save,
            Trigger::Resync,
        ] {
            assert!(reads_outcomes(t), "{t}");
        }
    }

    #[test]
    fn s9_the_sentiment_joins_by_id_else_by_name_in_any_case() {
        let l = list();
        assert_eq!(
            l.sentiment_of(Some("2"), "Demo scheduled"),
            Some(Sentiment::Negative)
        );
        assert_eq!(
            l.sentiment_of(None, " demo SCHEDULED "),
            Some(Sentiment::Positive)
        );
        assert_eq!(
            l.sentiment_of(Some("9"), "Closed lost"),
            Some(Sentiment::Negative)
        );
        assert_eq!(l.sentiment_of(None, "Voicemail"), None);
        assert_eq!(l.sentiment_of(None, "Unlisted"), None);
    }

    #[test]
    fn s9_an_activity_outcome_takes_its_sentiment_from_the_list() {
        let meeting = CallOutcome {
            name: "Closed lost".into(),
            category: Some("Lost".into()),
        };
        let outcome = ActivityOutcome::of(&meeting).with_sentiment(Some(&list()));
        assert_eq!(outcome.sentiment, Some(Sentiment::Negative));
        assert_eq!(outcome.category.as_deref(), Some("Lost"));
        assert_eq!(
            ActivityOutcome::of(&meeting).with_sentiment(None).sentiment,
            None
        );
    }

    #[test]
    fn s9_gong_spells_sentiments_in_capitals() {
        assert_eq!(Sentiment::from_gong("POSITIVE"), Some(Sentiment::Positive));
        assert_eq!(Sentiment::from_gong("neutral"), Some(Sentiment::Neutral));
        assert_eq!(Sentiment::from_gong("ANSWERED"), None);
    }

    #[test]
    fn s9_an_outcome_stored_before_sentiments_still_reads() {
        let old: ActivityOutcome =
            serde_json::from_str(r#"{"name":"No decision","category":"Neutral"}"#).unwrap();
        assert_eq!(old.sentiment, None);
    }
}
