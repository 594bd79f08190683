//! "Not on the Timeline" (#20 item 4) for the page and the API: a connection's
//! stored meetings of the backfill window without an activity, grouped by reason
//! (`gong_timeline_sync::pending`, evaluated locally: no Gong request), and the
//! re-evaluation that puts those that pass now on the Timeline.

use gong_timeline_domain::Trigger;
use gong_timeline_store::ConnectionId;
use gong_timeline_sync::pending::{self, Pending};
use gong_timeline_sync::windows::backfill_start;

use super::{lookup, runs};
use crate::error::ApiResult;
use crate::state::AppState;

/// The connection's stored meetings not on the Timeline, by reason.
pub async fn pending(state: &AppState, id: ConnectionId) -> ApiResult<Pending> {
    let connection = lookup::connection(state, id).await?;
    Ok(pending::pending(state.store.as_ref(), &connection, state.now()).await?)
}

/// How many stored meetings are not on the Timeline; `None` when they cannot be
/// evaluated now (settings that no longer hold) or the backfill window stores more
/// than [`crate::WebConfig::pending_count_bound`] meetings (a count would read them all on every view): a
/// page shows the link without a number.
pub async fn count(state: &AppState, id: ConnectionId) -> ApiResult<Option<u64>> {
    let connection = lookup::connection(state, id).await?;
    let now = state.now();
    let settings = state.store.get_settings(id).await?;
    let since = backfill_start(now, settings.backfill_days);
    // Meetings dated ahead of now (a clock's skew) count too, as the evaluation reads them.
    let stored = state
        .store
        .count_stored_meetings(id, since, now + chrono::Duration::days(366))
        .await?;
    if stored > state.config.pending_count_bound {
        tracing::debug!(
            connection_id = id.get(),
            stored,
            "Too many stored meetings to count those not on the Timeline on a page view."
        );
        return Ok(None);
    }
    match pending::pending(state.store.as_ref(), &connection, now).await {
        Ok(p) => Ok(Some(p.not_on_timeline)),
        Err(error) => {
            tracing::info!(connection_id = id.get(), %error, "Meetings not on the Timeline not counted.");
            Ok(None)
        }
    }
}

/// Starts the re-evaluation of the stored meetings under the current settings
/// (trigger `reevaluate`, no Gong request) in the background.
pub async fn reevaluate(state: &AppState, id: ConnectionId) -> ApiResult<()> {
    runs::start(state, id, Trigger::Reevaluate).await
}
