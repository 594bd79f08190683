//! Stored meetings (M1): written with their page, read back in keyset pages for a
//! local re-evaluation (M2), pruned past the backfill window.

use chrono::{DateTime, Utc};
use gong_timeline_store::{
    ConnectionId, EncodedMeeting, LowerBound, MeetingQuery, MeetingSet, Result, StoredMeeting,
};
use sqlx::QueryBuilder;

use super::dialect::{bulk, Conn, Db};

use super::error::Ctx;
use super::Backend;
use crate::codec::{read_ts, ts};

/// Inserts or replaces a page's fetched meetings.
pub(crate) async fn upsert(
    conn: &mut Conn,
    connection_id: ConnectionId,
    meetings: &[EncodedMeeting],
) -> Result<()> {
    if meetings.is_empty() {
        return Ok(());
    }
    bulk::upsert_meetings(conn, connection_id, meetings).await?;
    Ok(())
}

/// The test of [`MeetingSet::NotOnTimeline`]: one probe of the unique call-id index
/// per stored meeting (the plan test in `sqlite/mod.rs` checks it).
pub(crate) const NOT_ON_TIMELINE: &str = " AND (NOT EXISTS (SELECT 1 FROM activities a \
     WHERE a.connection_id = m.connection_id AND a.gong_call_id = m.gong_call_id)) IS TRUE";

pub(crate) async fn list(
    store: &Backend,
    connection_id: ConnectionId,
    query: MeetingQuery,
) -> Result<Vec<StoredMeeting>> {
    let mut q: QueryBuilder<Db> = QueryBuilder::new(
        "SELECT m.fingerprint, m.fetched_at, m.body FROM stored_meetings m WHERE m.connection_id = ",
    );
    q.push_bind(connection_id);
    if let Some(until) = query.until {
        q.push(" AND m.started < ").push_bind(ts(until));
    }
    match query.lower_bound() {
        LowerBound::Since(since) => {
            q.push(" AND m.started >= ").push_bind(ts(since));
        }
        LowerBound::After(after) => {
            q.push(" AND (m.started, m.gong_call_id) > (")
                .push_bind(ts(after.started))
                .push(", ")
                .push_bind(after.gong_call_id.clone())
                .push(")");
        }
    }
    // `(…) IS TRUE` keeps each test a per-row probe of the other table's key (a
    // SubPlan) under the ordered keyset scan, which stops at the page's LIMIT. A bare
    // EXISTS becomes a semi-join, and over the stale statistics of a table a first
    // sync is filling the planner joins every row and sorts them, for every page.
    match query.which {
        MeetingSet::All => {}
        MeetingSet::NotOnTimeline => {
            q.push(NOT_ON_TIMELINE);
        }
        MeetingSet::Failed => {
            q.push(
                " AND (EXISTS (SELECT 1 FROM retry_list r WHERE r.connection_id = m.connection_id \
                 AND r.gong_call_id = m.gong_call_id)) IS TRUE",
            );
        }
    }
    q.push(" ORDER BY m.started, m.gong_call_id LIMIT ")
        .push_bind(i64::from(query.limit));
    let rows: Vec<(i64, String, Vec<u8>)> = q
        .build_query_as()
        .fetch_all(&store.pool)
        .await
        .ctx("reading stored meetings")?;
    rows.into_iter()
        .map(|(fingerprint, fetched_at, body)| {
            StoredMeeting::from_stored(
                &body,
                fingerprint,
                read_ts("stored_meetings.fetched_at", &fetched_at)?,
            )
        })
        .collect()
}

pub(crate) async fn count(
    store: &Backend,
    connection_id: ConnectionId,
    since: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<u64> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM stored_meetings WHERE connection_id = $1 AND started >= $2 AND started < $3",
    )
    .bind(connection_id)
    .bind(ts(since))
    .bind(ts(until))
    .fetch_one(&store.pool)
    .await
    .ctx("counting stored meetings")?;
    Ok(n.max(0) as u64)
}

pub(crate) async fn prune(
    store: &Backend,
    connection_id: ConnectionId,
    before: DateTime<Utc>,
) -> Result<u64> {
    let done = sqlx::query("DELETE FROM stored_meetings WHERE connection_id = $1 AND started < $2")
        .bind(connection_id)
        .bind(ts(before))
        .execute(&store.pool)
        .await
        .ctx("pruning stored meetings")?;
    Ok(done.rows_affected())
}
