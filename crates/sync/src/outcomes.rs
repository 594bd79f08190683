//! The company's call outcomes with their sentiment (S9): read from Gong at the start
//! of a job when the cached list is a day old, at most one request a day per
//! connection, counted as [`Purpose::Settings`](gong_timeline_domain::quota::Purpose).
//!
//! The sentiment only adds to an activity's outcome, so a refusal of this endpoint
//! alone (a connection authorised without `api:call-outcomes:read`, another 4xx, an
//! answer that does not parse) is logged and waits a day like a read, keeping the list
//! it had: the job goes on. What would stop the job's next request anyway (refused
//! credentials, Gong down, the quota spent) stops it here, as it would there.

use chrono::{DateTime, Utc};
use gong_timeline_domain::outcome::{CallOutcomes, KnownOutcome, Sentiment};
use gong_timeline_gong::wire::outcomes::ListedOutcome;
use gong_timeline_gong::{GongClient, GongError};
use gong_timeline_store::{ConnectionId, Store};

use crate::SyncError;

/// Reads the list from Gong with `client` when the cached one is due at `now`, and
/// caches it. Returns whether a request was made.
pub async fn refresh(
    store: &dyn Store,
    client: &GongClient,
    connection_id: ConnectionId,
    now: DateTime<Utc>,
) -> Result<bool, SyncError> {
    let cached = store.get_call_outcomes(connection_id).await?;
    if !CallOutcomes::due(cached.as_ref(), now) {
        return Ok(false);
    }
    let outcomes = match client.call_outcomes().await {
        Ok(listed) => listed.into_iter().map(known).collect(),
        Err(e) if refused_here(&e) => {
            tracing::warn!(error = %e, "Gong refused the call outcomes; outcomes show no sentiment until it is read again tomorrow.");
            cached.map(|c| c.outcomes).unwrap_or_default()
        }
        Err(e) => return Err(e.into()),
    };
    let list = CallOutcomes {
        fetched_at: now,
        outcomes,
    };
    store.put_call_outcomes(connection_id, &list).await?;
    Ok(true)
}

/// A refusal of this endpoint alone: the rest of the job's requests may still work.
fn refused_here(e: &GongError) -> bool {
    matches!(
        e,
        GongError::MissingScope { .. } | GongError::Api { .. } | GongError::Decode { .. }
    )
}

/// An outcome of Gong's list as the domain keeps it.
fn known(listed: ListedOutcome) -> KnownOutcome {
    KnownOutcome {
        id: listed.id,
        sentiment: listed.sentiment.as_deref().and_then(Sentiment::from_gong),
        name: listed.name,
    }
}
