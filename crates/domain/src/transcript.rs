//! A call's transcript as the Timeline keeps it (S9): who said what, when, with each
//! speaker named from the call's parties, and the plain text a search reads.
//!
//! Gong names speakers by an id that joins to `parties[].speakerId`; the name and
//! side (internal or external) are resolved once, when the transcript is fetched, so
//! the stored transcript reads on its own.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::meeting::{Affiliation, Meeting};

/// Calls per `POST /v2/calls/transcript` request: Gong's page size.
pub const CALLS_PER_REQUEST: usize = 100;

/// When an empty transcript is asked for again. Gong transcribes a call some time
/// after it ends, so a call fetched soon after (a webhook batch, the first slot after
/// the call) often has none yet. An empty transcript is asked for again by a later
/// sync once it is [`AskAgain::AFTER`] old, while its call is younger than
/// [`AskAgain::WITHIN`]; after that it stays empty (a call nobody spoke in, or not
/// recorded, never gets one), so each such call takes one place of a 100-call request
/// at most once every three hours, for three days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AskAgain {
    /// Empty transcripts fetched before this are asked for again...
    pub empty_fetched_before: DateTime<Utc>,
    /// ...when their call started at or after this.
    pub calls_since: DateTime<Utc>,
}

impl AskAgain {
    /// How old an empty transcript is before it is asked for again: the next
    /// four-hourly slot after the one that stored it.
    pub const AFTER: TimeDelta = TimeDelta::hours(3);
    /// How old a call may be for its empty transcript to be asked for again.
    pub const WITHIN: TimeDelta = TimeDelta::days(3);

    /// The rule as it applies at `now`.
    pub fn at(now: DateTime<Utc>) -> AskAgain {
        AskAgain {
            empty_fetched_before: now - Self::AFTER,
            calls_since: now - Self::WITHIN,
        }
    }

    /// Whether an empty transcript fetched at `fetched_at`, for a call that started
    /// at `started`, is asked for again (what the store's query decides, in SQL).
    pub fn applies(&self, started: DateTime<Utc>, fetched_at: DateTime<Utc>) -> bool {
        fetched_at < self.empty_fetched_before && started >= self.calls_since
    }
}

/// What was said in a call, monologue by monologue. Empty when Gong has none (no
/// one spoke, or the recording was not transcribed yet): kept as such so the call
/// is not asked for again, but while [`AskAgain`] says so.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transcript {
    /// In the order they were said.
    pub monologues: Vec<Monologue>,
}

/// What one speaker said without interruption.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Monologue {
    /// Who spoke.
    pub speaker: Speaker,
    /// Gong's topic of the monologue, if any.
    pub topic: Option<String>,
    /// The sentences, in order.
    pub sentences: Vec<Sentence>,
}

/// A speaker as the Timeline shows one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Speaker {
    /// The party's name, else its email address; `None` when the call names no party
    /// for the speaker id.
    pub name: Option<String>,
    /// Which side the speaker is on.
    pub affiliation: Affiliation,
}

/// One sentence, with its times from the start of the call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sentence {
    /// Milliseconds from the start of the call.
    pub start_ms: u64,
    /// Milliseconds from the start of the call.
    pub end_ms: u64,
    /// What was said.
    pub text: String,
}

/// One monologue as Gong sends it, before its speaker is named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawMonologue {
    /// Joins to the call's `parties[].speakerId`.
    pub speaker_id: Option<String>,
    /// Gong's topic.
    pub topic: Option<String>,
    /// The sentences.
    pub sentences: Vec<Sentence>,
}

impl Speaker {
    /// The speaker behind `speaker_id` in `meeting`: the party's name (or email), or
    /// an unnamed speaker of unknown side.
    pub fn of(meeting: &Meeting, speaker_id: Option<&str>) -> Speaker {
        match speaker_id.and_then(|id| meeting.speaker(id)) {
            Some(party) => Speaker {
                name: party
                    .name
                    .clone()
                    .filter(|n| !n.trim().is_empty())
                    .or_else(|| party.email.clone()),
                affiliation: party.affiliation,
            },
            None => Speaker {
                name: None,
                affiliation: Affiliation::Unknown,
            },
        }
    }

    /// The name shown: the party's, else "Unknown speaker".
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or("Unknown speaker")
    }
}

impl Transcript {
    /// The transcript of `meeting` from Gong's monologues, each speaker named from the
    /// meeting's parties. Blank sentences are dropped, and so are monologues left
    /// without any. A private meeting keeps none (M1).
    pub fn resolve(meeting: &Meeting, raw: Vec<RawMonologue>) -> Transcript {
        if meeting.is_private {
            return Transcript::default();
        }
        let monologues = raw
            .into_iter()
            .filter_map(|m| {
                let sentences: Vec<Sentence> = m
                    .sentences
                    .into_iter()
                    .filter(|s| !s.text.trim().is_empty())
                    .collect();
                (!sentences.is_empty()).then(|| Monologue {
                    speaker: Speaker::of(meeting, m.speaker_id.as_deref()),
                    topic: m.topic.filter(|t| !t.trim().is_empty()),
                    sentences,
                })
            })
            .collect();
        Transcript { monologues }
    }

    /// True when nothing was said.
    pub fn is_empty(&self) -> bool {
        self.monologues.is_empty()
    }

    /// Everything said, one sentence a line: what a search reads.
    pub fn text(&self) -> String {
        let lines = self
            .monologues
            .iter()
            .flat_map(|m| m.sentences.iter().map(|s| s.text.trim()));
        lines.collect::<Vec<_>>().join("\n")
    }

    /// Sentences in the transcript.
    pub fn sentence_count(&self) -> usize {
        self.monologues.iter().map(|m| m.sentences.len()).sum()
    }
}

/// `ms` as the clock a reader sees beside a line: `m:ss`, or `h:mm:ss` past an hour.
pub fn timestamp(ms: u64) -> String {
    let seconds = ms / 1000;
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meeting::{Party, SpeakerLink};

    #[test]
    fn s9_an_empty_transcript_is_asked_again_after_three_hours_for_three_days() {
        let now = DateTime::parse_from_rfc3339("2026-12-07T12:00:00Z")
            .unwrap()
            .to_utc();
        let again = AskAgain::at(now);
        let hours = |h: i64| now - TimeDelta::hours(h);
        // (call started, empty transcript fetched, asked again?)
        for (started, fetched, expected) in [
            (hours(5), hours(4), true),
            (hours(5), hours(3), false),
            (hours(5), hours(1), false),
            (hours(72), hours(4), true),
            (hours(73), hours(4), false),
            (hours(200), hours(100), false),
        ] {
            assert_eq!(
                again.applies(started, fetched),
                expected,
                "started {started}, fetched {fetched}"
            );
        }
    }

    fn meeting() -> Meeting {
        let mut m = crate::testing::meeting();
        m.parties = vec![
            Party {
                email: Some("ann@us.example".into()),
                name: Some("Ann Rep".into()),
                affiliation: Affiliation::Internal,
                gong_user_id: Some("11".into()),
            },
            Party {
                email: Some("raj@acme.example".into()),
                name: None,
                affiliation: Affiliation::External,
                gong_user_id: None,
            },
        ];
        m.speakers = vec![
            SpeakerLink {
                speaker_id: "s1".into(),
                party: 0,
            },
            SpeakerLink {
                speaker_id: "s2".into(),
                party: 1,
            },
            // A link past the parties names no one.
            SpeakerLink {
                speaker_id: "s9".into(),
                party: 9,
            },
        ];
        m
    }

    fn said(speaker: Option<&str>, texts: &[&str]) -> RawMonologue {
        RawMonologue {
            speaker_id: speaker.map(str::to_owned),
            topic: Some("Pricing".into()),
            sentences: texts
                .iter()
                .zip(0u64..)
                .map(|(t, i)| Sentence {
                    start_ms: i * 1000,
                    end_ms: i * 1000 + 900,
                    text: (*t).into(),
                })
                .collect(),
        }
    }

    #[test]
    fn s9_speakers_are_named_from_the_parties_with_their_side() {
        let t = Transcript::resolve(
            &meeting(),
            vec![
                said(Some("s1"), &["Hello."]),
                said(Some("s2"), &["What does it cost?"]),
                said(Some("s9"), &["Hm."]),
                said(None, &["Hi."]),
            ],
        );
        let speakers: Vec<(&str, Affiliation)> = t
            .monologues
            .iter()
            .map(|m| (m.speaker.display_name(), m.speaker.affiliation))
            .collect();
        assert_eq!(
            speakers,
            [
                ("Ann Rep", Affiliation::Internal),
                ("raj@acme.example", Affiliation::External),
                ("Unknown speaker", Affiliation::Unknown),
                ("Unknown speaker", Affiliation::Unknown),
            ]
        );
    }

    #[test]
    fn s9_blank_sentences_and_empty_monologues_are_dropped() {
        let t = Transcript::resolve(
            &meeting(),
            vec![said(Some("s1"), &["  ", "Right."]), said(Some("s2"), &[""])],
        );
        assert_eq!(t.monologues.len(), 1);
        assert_eq!(t.text(), "Right.");
        assert_eq!(t.sentence_count(), 1);
    }

    #[test]
    fn m1_a_private_meeting_keeps_no_transcript() {
        let mut m = meeting();
        m.is_private = true;
        let t = Transcript::resolve(&m, vec![said(Some("s1"), &["Secret."])]);
        assert!(t.is_empty());
    }

    #[test]
    fn timestamps_read_as_a_clock() {
        assert_eq!(timestamp(0), "0:00");
        assert_eq!(timestamp(65_400), "1:05");
        assert_eq!(timestamp(3_725_000), "1:02:05");
    }
}
