//! Recordings loaded live from Gong when an activity is viewed (S5): Gong's media
//! URLs expire, so they are never stored. One client per connection is kept so
//! that its rate limiter spans requests.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use gong_timeline_domain::quota::Purpose;
use gong_timeline_gong::{CallMedia, GongClient};
use gong_timeline_store::{Activity, ConnectionStatus};
use gong_timeline_sync::quota::{counted_client, Ledger};

use crate::state::AppState;

/// How long loading a recording retries an unreachable Gong.
const MEDIA_OUTAGE_WINDOW: std::time::Duration = std::time::Duration::from_secs(5);

/// A connection's media client and the quota ledger that counts its requests (Q4).
type Counted = (GongClient, Arc<Ledger>);

async fn client(state: &AppState, activity: &Activity) -> Result<Counted, String> {
    let mut clients = state.inner.media_clients.lock().await;
    if let Some(client) = clients.get(&activity.connection_id) {
        return Ok(client.clone());
    }
    let connection = state
        .store
        .get_connection(activity.connection_id)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("the activity's connection was deleted")?;
    // A page waits for Gong seconds, not a sync's outage window.
    let config = state
        .config
        .gong
        .clone()
        .with_outage_window(MEDIA_OUTAGE_WINDOW.min(state.config.gong.outage_window));
    let client = counted_client(&state.store, &connection, &config, Purpose::Media)
        .await
        .map_err(|e| e.to_string())?;
    clients.insert(activity.connection_id, client.clone());
    Ok(client)
}

/// Why a recording did not load: the reason logged, and whether it is because Gong
/// no longer accepts the connection's authorisation (#20 item 7), which the page says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordingFailure {
    /// For the log.
    pub reason: String,
    /// The connection needs re-authorisation (or new access-key credentials).
    pub needs_reauthorisation: bool,
}

impl From<String> for RecordingFailure {
    fn from(reason: String) -> RecordingFailure {
        RecordingFailure {
            reason,
            needs_reauthorisation: false,
        }
    }
}

impl From<&str> for RecordingFailure {
    fn from(reason: &str) -> RecordingFailure {
        reason.to_string().into()
    }
}

/// The recording's fresh media URLs; `Err` when Gong is down, the recording was
/// deleted, or the connection cannot be used (the page shows S5's message, and says
/// when the connection needs re-authorisation).
pub async fn recording(
    state: &AppState,
    activity: &Activity,
) -> Result<CallMedia, RecordingFailure> {
    let (client, ledger) = match client(state, activity).await {
        Ok(client) => client,
        Err(reason) => return Err(with_status(state, activity, reason).await),
    };
    state.inner.gong_requests.fetch_add(1, Ordering::Relaxed);
    let outcome = match client.call_media(activity.gong_call_id.as_str()).await {
        Ok(Some(media)) => Ok(media),
        Ok(None) => Err("Gong has no recording of this call (deleted?)".into()),
        Err(error) if error.needs_reauthorization() => Err(RecordingFailure {
            reason: error.to_string(),
            needs_reauthorisation: true,
        }),
        Err(error) => Err(with_status(state, activity, error.to_string()).await),
    };
    if let Err(error) = ledger.flush().await {
        tracing::warn!(%error, "The media request's count could not be written.");
    }
    if let Err(failure) = &outcome {
        state.inner.gong_failures.fetch_add(1, Ordering::Relaxed);
        let reason = &failure.reason;
        tracing::warn!(activity_id = activity.id.get(), %reason, "A recording failed to load.");
    }
    outcome
}

/// A failure, marked as needing re-authorisation when the connection's stored
/// status says so (its token could not even be refreshed, say).
async fn with_status(state: &AppState, activity: &Activity, reason: String) -> RecordingFailure {
    let needs = matches!(
        state.store.get_connection(activity.connection_id).await,
        Ok(Some(c)) if c.status == ConnectionStatus::NeedsReauthorisation
    );
    RecordingFailure {
        reason,
        needs_reauthorisation: needs,
    }
}
