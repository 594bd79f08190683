//! Recordings loaded live from Gong when an activity is viewed (S5): Gong's media
//! URLs expire, so they are never stored. One client per connection is kept so
//! that its rate limiter spans requests.

use std::sync::atomic::Ordering;

use gong_timeline_gong::{CallMedia, GongClient};
use gong_timeline_store::Activity;

use crate::state::AppState;

/// How long loading a recording retries an unreachable Gong.
const MEDIA_OUTAGE_WINDOW: std::time::Duration = std::time::Duration::from_secs(5);

async fn client(state: &AppState, activity: &Activity) -> Result<GongClient, String> {
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
    let client = gong_timeline_sync::connect::client_for(&state.store, &connection, &config)
        .await
        .map_err(|e| e.to_string())?;
    clients.insert(activity.connection_id, client.clone());
    Ok(client)
}

/// The recording's fresh media URLs; `Err` when Gong is down, the recording was
/// deleted, or the connection cannot be used (the page shows S5's message).
pub async fn recording(state: &AppState, activity: &Activity) -> Result<CallMedia, String> {
    let client = client(state, activity).await?;
    state.inner.gong_requests.fetch_add(1, Ordering::Relaxed);
    let outcome = match client.call_media(&activity.gong_call_id).await {
        Ok(Some(media)) => Ok(media),
        Ok(None) => Err("Gong has no recording of this call (deleted?)".to_string()),
        Err(error) => Err(error.to_string()),
    };
    if let Err(reason) = &outcome {
        state.inner.gong_failures.fetch_add(1, Ordering::Relaxed);
        tracing::warn!(activity_id = activity.id, %reason, "A recording failed to load.");
    }
    outcome
}
