//! The parts of a page commit beyond upserts and records: activities removed because
//! their meeting became private (S2), and the skip marks that make an unchanged skip
//! cost no log record; plus reading the marks back.

use gong_timeline_store::GongCallId;
use std::collections::HashMap;

use gong_timeline_store::{ActivityId, ConnectionId, Result, SkipMark};
use sqlx::QueryBuilder;

use super::dialect::{bulk, Conn, Db};

use super::error::Ctx;
use super::Backend;

/// Rows per multi-row statement.
const CHUNK: usize = 200;

/// Replaces skip marks and deletes the marks of meetings no longer skipped.
pub(crate) async fn mark_skips(
    conn: &mut Conn,
    connection_id: ConnectionId,
    marks: &[SkipMark],
    unmark: &[GongCallId],
) -> Result<()> {
    for chunk in marks.chunks(CHUNK) {
        let mut q: QueryBuilder<Db> =
            QueryBuilder::new("INSERT INTO skip_marks (connection_id, gong_call_id, fingerprint) ");
        q.push_values(chunk, |mut row, m| {
            row.push_bind(connection_id)
                .push_bind(m.gong_call_id.clone())
                .push_bind(m.fingerprint);
        });
        q.push(" ON CONFLICT(connection_id, gong_call_id) DO UPDATE SET fingerprint = excluded.fingerprint");
        q.build()
            .execute(&mut *conn)
            .await
            .ctx("marking skipped meetings")?;
    }
    if !unmark.is_empty() {
        bulk::delete_calls(
            conn,
            "skip_marks",
            connection_id,
            unmark,
            "clearing skip marks",
        )
        .await?;
    }
    Ok(())
}

/// The skip marks of some call ids of a connection.
pub(crate) async fn skip_marks(
    store: &Backend,
    connection_id: ConnectionId,
    call_ids: &[GongCallId],
) -> Result<HashMap<GongCallId, i64>> {
    let rows = bulk::skip_marks(&store.pool, connection_id, call_ids).await?;
    Ok(rows.into_iter().collect())
}

/// Deletes activities by id (log records keep their rows, without an id). The ids
/// are those [`super::activities::hashes`] found by call id: the activity of a call
/// may have been written by a connection this one replaced (S10).
pub(crate) async fn remove_activities(conn: &mut Conn, ids: &[ActivityId]) -> Result<()> {
    for chunk in ids.chunks(CHUNK) {
        let mut q: QueryBuilder<Db> = QueryBuilder::new("DELETE FROM activities WHERE id IN (");
        let mut list = q.separated(", ");
        for id in chunk {
            list.push_bind(*id);
        }
        q.push(")");
        q.build()
            .execute(&mut *conn)
            .await
            .ctx("removing activities of private meetings")?;
    }
    Ok(())
}

/// Forgets calls deleted in Gong (G1): their stored meetings, skip marks and retry
/// entries.
pub(crate) async fn forget_calls(
    conn: &mut Conn,
    connection_id: ConnectionId,
    calls: &[GongCallId],
) -> Result<()> {
    if calls.is_empty() {
        return Ok(());
    }
    for table in ["stored_meetings", "skip_marks", "retry_list"] {
        bulk::delete_calls(
            conn,
            table,
            connection_id,
            calls,
            "forgetting calls deleted in Gong",
        )
        .await?;
    }
    Ok(())
}
