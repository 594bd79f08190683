//! "Not on the Timeline" (#20 item 4) for the page and the API: a connection's
//! stored meetings of the backfill window without an activity, grouped by reason
//! (`gong_timeline_sync::pending`, evaluated locally: no Gong request), and the
//! re-evaluation that puts those that pass now on the Timeline.

use gong_timeline_domain::Trigger;
use gong_timeline_store::ConnectionId;
use gong_timeline_sync::pending::{self, Pending};

use super::{lookup, runs};
use crate::error::ApiResult;
use crate::state::AppState;

/// The connection's stored meetings not on the Timeline, by reason.
pub async fn pending(state: &AppState, id: ConnectionId) -> ApiResult<Pending> {
    let connection = lookup::connection(state, id).await?;
    Ok(pending::pending(state.store.as_ref(), &connection, state.now()).await?)
}

/// How many stored meetings are not on the Timeline; `None` when they cannot be
/// evaluated now (settings that no longer hold): a page shows the link without a count.
pub async fn count(state: &AppState, id: ConnectionId) -> ApiResult<Option<u64>> {
    let connection = lookup::connection(state, id).await?;
    match pending::pending(state.store.as_ref(), &connection, state.now()).await {
        Ok(p) => Ok(Some(p.not_on_timeline)),
        Err(error) => {
            tracing::info!(connection_id = id, %error, "Meetings not on the Timeline not counted.");
            Ok(None)
        }
    }
}

/// Starts the re-evaluation of the stored meetings under the current settings
/// (trigger `reevaluate`, no Gong request) in the background.
pub async fn reevaluate(state: &AppState, id: ConnectionId) -> ApiResult<()> {
    runs::start(state, id, Trigger::Reevaluate).await
}
