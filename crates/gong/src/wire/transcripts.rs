//! The answer of `POST /v2/calls/transcript` (reference §6): per call, its monologues,
//! each a speaker id, a topic and sentences with times in milliseconds.

use serde::Deserialize;

use super::de::{null_default, opt_id};
use super::records::Records;

/// One page of transcripts.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TranscriptsPage {
    /// Paging.
    #[serde(default)]
    pub records: Records,
    /// One entry per call Gong has a transcript for.
    #[serde(default, deserialize_with = "null_default")]
    pub call_transcripts: Vec<CallTranscript>,
}

/// One call's transcript.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CallTranscript {
    /// The call's id.
    #[serde(default, deserialize_with = "opt_id")]
    pub call_id: Option<String>,
    /// Monologues, in the order they were said.
    #[serde(default, deserialize_with = "null_default")]
    pub transcript: Vec<Monologue>,
}

/// What one speaker said without interruption.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Monologue {
    /// Joins to the call's `parties[].speakerId`.
    #[serde(default, deserialize_with = "opt_id")]
    pub speaker_id: Option<String>,
    /// The monologue's topic.
    #[serde(default)]
    pub topic: Option<String>,
    /// Its sentences.
    #[serde(default, deserialize_with = "null_default")]
    pub sentences: Vec<Sentence>,
}

/// One sentence.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct Sentence {
    /// Milliseconds from the start of the call.
    #[serde(default)]
    pub start: Option<f64>,
    /// Milliseconds from the start of the call.
    #[serde(default)]
    pub end: Option<f64>,
    /// What was said.
    #[serde(default)]
    pub text: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_transcripts_page_parses_as_the_reference_spells_it() {
        let body = br#"{"requestId":"r1","records":{"totalRecords":1,"currentPageSize":1,"currentPageNumber":0},
            "callTranscripts":[{"callId":"7782342274025937895","transcript":[
              {"speakerId":"6432345678555530067","topic":"Pricing","sentences":[
                {"start":460230,"end":462343,"text":"No wait, I think we should check that out first."}]},
              {"speakerId":null,"topic":null,"sentences":null}]}]}"#;
        let page: TranscriptsPage = serde_json::from_slice(body).unwrap();
        let call = &page.call_transcripts[0];
        assert_eq!(call.call_id.as_deref(), Some("7782342274025937895"));
        assert_eq!(
            call.transcript[0].speaker_id.as_deref(),
            Some("6432345678555530067")
        );
        assert_eq!(call.transcript[0].sentences[0].start, Some(460230.0));
        assert!(call.transcript[1].sentences.is_empty());
        assert_eq!(page.records.total_records, Some(1));
    }
}
