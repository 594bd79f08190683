//! `POST /v2/calls/transcript` and `GET /v2/call-outcomes` (reference §6).

use serde::{Deserialize, Serialize};

use super::calls::{CallOutcome, CallsFilter};
use super::Records;

/// The request body: `filter` is required, like `/v2/calls/extensive`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TranscriptRequest {
    /// Cursor from the previous page.
    #[serde(default)]
    pub cursor: Option<String>,
    /// `{fromDateTime?, toDateTime?, workspaceId?, callIds?}`.
    #[serde(default)]
    pub filter: Option<CallsFilter>,
}

/// The response.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TranscriptResponse {
    /// Request id.
    pub request_id: String,
    /// Paging.
    pub records: Records,
    /// One entry per call on the page (private calls left out).
    pub call_transcripts: Vec<CallTranscript>,
}

/// One call's transcript.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CallTranscript {
    /// Call id.
    pub call_id: String,
    /// Monologues in order.
    pub transcript: Vec<Monologue>,
}

/// What one speaker said without interruption.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Monologue {
    /// Joins to `parties[].speakerId`.
    pub speaker_id: String,
    /// Topic of the monologue (may be null).
    pub topic: Option<String>,
    /// Sentences.
    pub sentences: Vec<Sentence>,
}

/// One sentence; times in milliseconds from the start of the call.
#[derive(Debug, Serialize)]
pub struct Sentence {
    /// Start, ms.
    pub start: u64,
    /// End, ms.
    pub end: u64,
    /// Text.
    pub text: String,
}

/// `GET /v2/call-outcomes`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CallOutcomesResponse {
    /// Request id.
    pub request_id: String,
    /// The outcomes a call's `content.callOutcome` takes.
    pub call_outcomes: Vec<CallOutcome>,
    /// The same outcomes in the Dialer shape public clients read (`outcomes[]`
    /// `{callOutcome, displayOrder, connectStatus, sentiment, category}`).
    pub outcomes: Vec<DialerOutcome>,
}

/// An outcome as public Gong clients read `GET /v2/call-outcomes` (Nango, gong CLI).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DialerOutcome {
    /// The outcome's name.
    pub call_outcome: &'static str,
    /// 1-based order.
    pub display_order: u32,
    /// `CONNECTED`.
    pub connect_status: &'static str,
    /// `POSITIVE`, `NEUTRAL` or `NEGATIVE`.
    pub sentiment: &'static str,
    /// `ANSWERED`.
    pub category: &'static str,
}
