//! Erasing a person by email (G2) around the store's one transaction: the request
//! the CLI and the web both build, and asking a connection's Gong account to erase
//! the address too, then following it until Gong holds nothing more. Gong's own
//! documentation asks to delete the data in other systems first, so callers erase
//! here before they call [`erase_in_gong`].

use std::time::Duration;

use chrono::{DateTime, Utc};
use gong_timeline_domain::email::EmailError;
use gong_timeline_domain::Email;
use gong_timeline_gong::wire::privacy::EmailData;
use gong_timeline_gong::{GongClient, GongError};
use gong_timeline_store::ErasureRequest;

/// The first wait between two looks at what Gong still holds; it doubles up to
/// [`MAX_POLL`].
const FIRST_POLL: Duration = Duration::from_millis(500);
const MAX_POLL: Duration = Duration::from_secs(30);

/// An erasure request for `raw` (any spelling of the address).
pub fn request(
    raw: &str,
    requested_by: String,
    dry_run: bool,
    at: DateTime<Utc>,
) -> Result<ErasureRequest, EmailError> {
    Ok(ErasureRequest {
        email: Email::parse(raw)?,
        requested_by,
        dry_run,
        at,
    })
}

/// How an erasure in Gong ended.
#[derive(Debug, Clone, PartialEq)]
pub enum GongErasure {
    /// Gong holds nothing more with the address.
    Done,
    /// Gong still held this many calls when the wait ran out (it may take hours).
    Pending {
        /// Calls Gong still held.
        calls: usize,
    },
}

/// Asks Gong to erase `email`, calls `accepted` with Gong's request id, then looks
/// at what Gong still holds (backing off from 0.5 s to 30 s) until nothing or `wait`.
pub async fn erase_in_gong(
    client: &GongClient,
    email: &Email,
    wait: Duration,
    accepted: impl FnOnce(Option<&str>),
) -> Result<GongErasure, GongError> {
    let request_id = client.erase_data_for_email(email.as_str()).await?;
    accepted(request_id.as_deref());
    let deadline = tokio::time::Instant::now() + wait;
    let mut pause = FIRST_POLL;
    loop {
        let data: EmailData = client.data_for_email(email.as_str()).await?;
        if data.is_empty() {
            return Ok(GongErasure::Done);
        }
        if tokio::time::Instant::now() + pause > deadline {
            return Ok(GongErasure::Pending {
                calls: data.calls.len(),
            });
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(MAX_POLL);
    }
}
