//! A transcript as the store keeps it (S9): one per activity, compressed, with the
//! text a search reads.

use super::GongCallId;
use std::io::{Read as _, Write as _};

use chrono::{DateTime, Utc};
use flate2::{read::DeflateDecoder, write::DeflateEncoder, Compression};
use gong_timeline_domain::meeting::Meeting;
use gong_timeline_domain::transcript::Transcript;

use super::{ActivityId, ActivityKey};
use crate::error::StoreError;

/// The most a stored transcript may inflate to: far above any call (a two-hour
/// call's transcript is ~150 KB), so only a corrupt body reaches it.
const MAX_INFLATED: u64 = 64 * 1024 * 1024;

/// An activity whose call's transcript is still to be fetched.
#[derive(Debug, Clone, PartialEq)]
pub struct TranscriptWanted {
    /// The activity.
    pub activity_id: ActivityId,
    /// Its place in the newest-first list (where the next batch goes on from).
    pub key: ActivityKey,
    /// Its Gong call.
    pub gong_call_id: GongCallId,
    /// The call as stored, whose parties name the speakers; `None` when the stored
    /// meeting is gone (past the backfill window).
    pub meeting: Option<Meeting>,
}

/// An activity's transcript.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredTranscript {
    /// The activity it belongs to.
    pub activity_id: ActivityId,
    /// What was said; empty when Gong had no transcript for the call.
    pub transcript: Transcript,
    /// When it was fetched from Gong.
    pub fetched_at: DateTime<Utc>,
}

/// How much the stored transcripts take.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TranscriptStats {
    /// Transcripts stored, empty ones included.
    pub transcripts: u64,
    /// Of them, calls Gong had no transcript for.
    pub empty: u64,
    /// Compressed bytes of their bodies (the search index comes on top).
    pub body_bytes: u64,
}

impl StoredTranscript {
    /// The body an adapter stores: the transcript in postcard, deflated (text
    /// compresses about 3:1).
    pub fn body(&self) -> Vec<u8> {
        // Serializing plain owned data into a Vec cannot fail, nor can writing to one.
        let plain = postcard::to_allocvec(&self.transcript).unwrap_or_default();
        let mut encoder = DeflateEncoder::new(Vec::new(), Compression::default());
        let _ = encoder.write_all(&plain);
        encoder.finish().unwrap_or_default()
    }

    /// A transcript from the columns an adapter kept.
    pub fn from_stored(
        activity_id: ActivityId,
        body: &[u8],
        fetched_at: DateTime<Utc>,
    ) -> Result<StoredTranscript, StoreError> {
        let corrupt = |reason: String| StoreError::Corrupt {
            column: "transcripts.body",
            value: format!("{} bytes of activity {activity_id}", body.len()),
            reason,
        };
        let mut plain = Vec::new();
        DeflateDecoder::new(body)
            .take(MAX_INFLATED)
            .read_to_end(&mut plain)
            .map_err(|e| corrupt(e.to_string()))?;
        let transcript = postcard::from_bytes(&plain).map_err(|e| corrupt(e.to_string()))?;
        Ok(StoredTranscript {
            activity_id,
            transcript,
            fetched_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gong_timeline_domain::meeting::Affiliation;
    use gong_timeline_domain::transcript::{Monologue, Sentence, Speaker};

    fn stored() -> StoredTranscript {
        let sentence = |i: u64| Sentence {
            start_ms: i * 4000,
            end_ms: i * 4000 + 3500,
            text: "We need this to work with our single sign-on.".into(),
        };
        StoredTranscript {
            activity_id: ActivityId::new(7),
            transcript: Transcript {
                monologues: vec![Monologue {
                    speaker: Speaker {
                        name: Some("Raj Patel".into()),
                        affiliation: Affiliation::External,
                    },
                    topic: Some("Security".into()),
                    sentences: (0..50).map(sentence).collect(),
                }],
            },
            fetched_at: Utc::now(),
        }
    }

    #[test]
    fn s9_a_transcript_is_stored_compressed_and_reads_back() {
        let t = stored();
        let body = t.body();
        let plain = postcard::to_allocvec(&t.transcript).unwrap();
        assert!(
            body.len() * 3 < plain.len(),
            "{} vs {}",
            body.len(),
            plain.len()
        );
        let read = StoredTranscript::from_stored(ActivityId::new(7), &body, t.fetched_at).unwrap();
        assert_eq!(read, t);
    }

    #[test]
    fn a_corrupt_body_is_an_error_naming_the_activity() {
        let err = StoredTranscript::from_stored(ActivityId::new(7), b"not deflate", Utc::now())
            .unwrap_err();
        assert!(err.to_string().contains("activity 7"), "{err}");
    }
}
