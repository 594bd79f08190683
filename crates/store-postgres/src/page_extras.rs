//! The parts of a page commit beyond upserts and records: activities removed because
//! their meeting became private (S2), and the skip marks that make an unchanged skip
//! cost no log record; plus reading the marks back.

use std::collections::HashMap;

use gong_timeline_store::{ActivityId, ConnectionId, Result, SkipMark};
use sqlx::{PgConnection, Postgres, QueryBuilder};

use crate::error::Ctx;
use crate::PgStore;

/// Rows per multi-row statement.
const CHUNK: usize = 200;

/// Replaces skip marks and deletes the marks of meetings no longer skipped.
pub(crate) async fn mark_skips(
    conn: &mut PgConnection,
    connection_id: ConnectionId,
    marks: &[SkipMark],
    unmark: &[String],
) -> Result<()> {
    for chunk in marks.chunks(CHUNK) {
        let mut q: QueryBuilder<Postgres> =
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
    for chunk in unmark.chunks(CHUNK) {
        let mut q: QueryBuilder<Postgres> =
            QueryBuilder::new("DELETE FROM skip_marks WHERE connection_id = ");
        q.push_bind(connection_id).push(" AND gong_call_id IN (");
        let mut list = q.separated(", ");
        for id in chunk {
            list.push_bind(id.clone());
        }
        q.push(")");
        q.build()
            .execute(&mut *conn)
            .await
            .ctx("clearing skip marks")?;
    }
    Ok(())
}

/// One primary-key probe per call id (see `activities::HASHES` for why `LATERAL`;
/// its `LIMIT 1` keeps the planner from flattening the probes into a join).
const SKIP_MARKS: &str = "SELECT k.id, s.fingerprint FROM unnest($2::text[]) AS k(id) \
     CROSS JOIN LATERAL (SELECT fingerprint FROM skip_marks \
     WHERE connection_id = $1 AND gong_call_id = k.id LIMIT 1) s";

/// The skip marks of some call ids of a connection.
pub(crate) async fn skip_marks(
    store: &PgStore,
    connection_id: ConnectionId,
    call_ids: &[String],
) -> Result<HashMap<String, i64>> {
    let rows: Vec<(String, i64)> = sqlx::query_as(SKIP_MARKS)
        .bind(connection_id)
        .bind(call_ids)
        .fetch_all(&store.pool)
        .await
        .ctx("reading skip marks")?;
    Ok(rows.into_iter().collect())
}

/// Deletes a connection's activities by id (log records keep their rows, without an id).
pub(crate) async fn remove_activities(
    conn: &mut PgConnection,
    connection_id: ConnectionId,
    ids: &[ActivityId],
) -> Result<()> {
    for chunk in ids.chunks(CHUNK) {
        let mut q: QueryBuilder<Postgres> =
            QueryBuilder::new("DELETE FROM activities WHERE connection_id = ");
        q.push_bind(connection_id).push(" AND id IN (");
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
