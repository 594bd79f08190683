//! [`RequestGate`]: a quota kept outside the client (in the store, shared by every
//! replica) that admits each request the client sends, or pauses them until a time.
//!
//! The client knows nothing of why a request is sent; a caller tags a clone of the
//! client with a gate ([`crate::GongClient::gated`]) per purpose, and the gate counts
//! and decides.

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;

/// Admits the requests of a gated client.
pub trait RequestGate: Send + Sync {
    /// Admits one request to `endpoint` (e.g. `/v2/calls/extensive`) — a retry is a
    /// request too — or says until when requests of this gate must wait.
    fn admit<'a>(&'a self, endpoint: &'static str) -> BoxFuture<'a, Result<(), GateClosed>>;
}

/// A gate that admits nothing more for now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GateClosed {
    /// When requests may go on.
    pub resumes_at: DateTime<Utc>,
}
