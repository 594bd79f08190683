//! Transcripts (S9): Gong's answer for a batch of calls turned into what the store
//! keeps, each speaker named from the call's stored parties. Pure; the job's
//! transcripts pass (`job::passes`) does the I/O around it.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use gong_timeline_domain::meeting::Meeting;
use gong_timeline_domain::transcript::{RawMonologue, Sentence, Transcript};
use gong_timeline_gong::wire::transcripts::{CallTranscript, Monologue};
use gong_timeline_store::{GongCallId, StoredTranscript, TranscriptWanted};

/// One stored transcript per wanted activity: Gong's, speakers named, or an empty
/// one when Gong sent none for the call (asked for again only as
/// [`AskAgain`](gong_timeline_domain::transcript::AskAgain) says). A call whose
/// stored meeting is gone keeps its words with unnamed speakers.
pub fn to_store(
    wanted: Vec<TranscriptWanted>,
    answers: Vec<CallTranscript>,
    fetched_at: DateTime<Utc>,
) -> Vec<StoredTranscript> {
    let mut by_call: HashMap<GongCallId, Vec<Monologue>> = answers
        .into_iter()
        .filter_map(|t| Some((GongCallId::new(t.call_id?.trim()), t.transcript)))
        .collect();
    wanted
        .into_iter()
        .map(|w| {
            let raw = by_call
                .remove(&w.gong_call_id)
                .unwrap_or_default()
                .into_iter()
                .map(raw_monologue)
                .collect();
            let transcript = match &w.meeting {
                Some(meeting) => Transcript::resolve(meeting, raw),
                // No parties: every word stays, no speaker is named.
                None => {
                    Transcript::resolve(&Meeting::bare(w.gong_call_id.clone(), fetched_at), raw)
                }
            };
            StoredTranscript {
                activity_id: w.activity_id,
                transcript,
                fetched_at,
            }
        })
        .collect()
}

fn raw_monologue(m: Monologue) -> RawMonologue {
    RawMonologue {
        speaker_id: m.speaker_id,
        topic: m.topic,
        sentences: m
            .sentences
            .into_iter()
            .map(|s| Sentence {
                start_ms: millis(s.start),
                end_ms: millis(s.end.or(s.start)),
                text: s.text.unwrap_or_default(),
            })
            .collect(),
    }
}

/// Gong's milliseconds (a JSON number) as whole milliseconds; none or negative is 0.
fn millis(ms: Option<f64>) -> u64 {
    ms.filter(|m| m.is_finite() && *m > 0.0)
        .map_or(0, |m| m.round() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use gong_timeline_domain::meeting::{Affiliation, Party, SpeakerLink};
    use gong_timeline_gong::wire::transcripts::Sentence as WireSentence;
    use gong_timeline_store::{ActivityId, ActivityKey};

    fn wanted(activity_id: i64, call: &str, named: bool) -> TranscriptWanted {
        let mut meeting = Meeting::bare(call, Utc::now());
        if named {
            meeting.parties = vec![Party {
                email: Some("raj@acme.example".into()),
                name: Some("Raj Patel".into()),
                affiliation: Affiliation::External,
                gong_user_id: None,
            }];
            meeting.speakers = vec![SpeakerLink {
                speaker_id: "s1".into(),
                party: 0,
            }];
        }
        let started = meeting.started;
        TranscriptWanted {
            activity_id: ActivityId::new(activity_id),
            key: ActivityKey {
                date: started,
                id: ActivityId::new(activity_id),
            },
            gong_call_id: call.into(),
            meeting: Some(meeting),
        }
    }

    fn answer(call: &str, text: &str) -> CallTranscript {
        CallTranscript {
            call_id: Some(call.into()),
            transcript: vec![Monologue {
                speaker_id: Some("s1".into()),
                topic: None,
                sentences: vec![WireSentence {
                    start: Some(1500.4),
                    end: None,
                    text: Some(text.into()),
                }],
            }],
        }
    }

    #[test]
    fn s9_each_wanted_call_gets_its_transcript_or_an_empty_one() {
        let stored = to_store(
            vec![wanted(1, "c1", true), wanted(2, "c2", true)],
            vec![
                answer("c1", "What about pricing?"),
                answer("zz", "Not asked."),
            ],
            Utc::now(),
        );
        assert_eq!(stored.len(), 2);
        let first = &stored[0].transcript.monologues[0];
        assert_eq!(first.speaker.display_name(), "Raj Patel");
        assert_eq!(first.sentences[0].start_ms, 1500);
        assert_eq!(first.sentences[0].end_ms, 1500, "no end: the start");
        assert!(stored[1].transcript.is_empty(), "Gong sent none for c2");
    }

    #[test]
    fn s9_without_a_stored_meeting_the_words_stay_and_the_speakers_are_unnamed() {
        let mut w = wanted(1, "c1", false);
        w.meeting = None;
        let stored = to_store(vec![w], vec![answer("c1", "Hello.")], Utc::now());
        let m = &stored[0].transcript.monologues[0];
        assert_eq!(m.speaker.display_name(), "Unknown speaker");
        assert_eq!(stored[0].transcript.text(), "Hello.");
    }
}
