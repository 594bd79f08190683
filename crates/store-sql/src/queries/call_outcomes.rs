//! The company's call outcomes with their sentiment (S9), cached per connection: one
//! row each, the list as JSON, replaced whole when Gong is read again.

use gong_timeline_domain::outcome::{CallOutcomes, KnownOutcome};
use gong_timeline_store::{ConnectionId, Result};

use super::error::Ctx;
use super::Backend;
use crate::codec::{read_json, read_ts, to_json, ts};

pub(crate) async fn get(
    store: &Backend,
    connection_id: ConnectionId,
) -> Result<Option<CallOutcomes>> {
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT fetched_at, outcomes FROM call_outcomes WHERE connection_id = $1")
            .bind(connection_id)
            .fetch_optional(&store.pool)
            .await
            .ctx("reading the cached call outcomes")?;
    let Some((fetched_at, outcomes)) = row else {
        return Ok(None);
    };
    Ok(Some(CallOutcomes {
        fetched_at: read_ts("call_outcomes.fetched_at", &fetched_at)?,
        outcomes: read_json::<Vec<KnownOutcome>>("call_outcomes.outcomes", &outcomes)?,
    }))
}

pub(crate) async fn put(
    store: &Backend,
    connection_id: ConnectionId,
    outcomes: &CallOutcomes,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO call_outcomes (connection_id, fetched_at, outcomes) VALUES ($1, $2, $3) \
         ON CONFLICT(connection_id) DO UPDATE SET fetched_at = excluded.fetched_at, \
         outcomes = excluded.outcomes",
    )
    .bind(connection_id)
    .bind(ts(outcomes.fetched_at))
    .bind(to_json(&outcomes.outcomes)?)
    .execute(&store.pool)
    .await
    .ctx("caching the call outcomes")?;
    Ok(())
}
