//! The parts of a page commit beyond upserts and records: activities removed because
//! their meeting became private (S2), and the skip marks that make an unchanged skip
//! cost no log record; plus reading the marks back.

use std::collections::HashMap;

use gong_timeline_store::{ActivityId, ConnectionId, Result, SkipMark};
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

use crate::error::Ctx;
use crate::SqliteStore;

/// Rows per multi-row statement.
const CHUNK: usize = 200;

/// Replaces skip marks and deletes the marks of meetings no longer skipped.
pub(crate) async fn mark_skips(
    conn: &mut SqliteConnection,
    connection_id: ConnectionId,
    marks: &[SkipMark],
    unmark: &[String],
) -> Result<()> {
    for chunk in marks.chunks(CHUNK) {
        let mut q: QueryBuilder<Sqlite> =
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
    delete_calls(
        conn,
        "skip_marks",
        connection_id,
        unmark,
        "clearing skip marks",
    )
    .await?;
    Ok(())
}

/// Deletes the rows of `table` (keyed by connection and Gong call id) of some calls,
/// in chunks of one `IN (…)` statement each.
pub(crate) async fn delete_calls(
    conn: &mut SqliteConnection,
    table: &'static str,
    connection_id: ConnectionId,
    call_ids: &[String],
    context: &'static str,
) -> Result<()> {
    for chunk in call_ids.chunks(500) {
        let mut q: QueryBuilder<Sqlite> =
            QueryBuilder::new(format!("DELETE FROM {table} WHERE connection_id = "));
        q.push_bind(connection_id).push(" AND gong_call_id IN (");
        let mut list = q.separated(", ");
        for id in chunk {
            list.push_bind(id.clone());
        }
        q.push(")");
        q.build().execute(&mut *conn).await.ctx(context)?;
    }
    Ok(())
}

/// The skip marks of some call ids of a connection.
pub(crate) async fn skip_marks(
    store: &SqliteStore,
    connection_id: ConnectionId,
    call_ids: &[String],
) -> Result<HashMap<String, i64>> {
    let mut out = HashMap::new();
    for chunk in call_ids.chunks(500) {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
            "SELECT gong_call_id, fingerprint FROM skip_marks WHERE connection_id = ",
        );
        q.push_bind(connection_id).push(" AND gong_call_id IN (");
        let mut list = q.separated(", ");
        for id in chunk {
            list.push_bind(id);
        }
        q.push(")");
        let rows: Vec<(String, i64)> = q
            .build_query_as()
            .fetch_all(&store.pool)
            .await
            .ctx("reading skip marks")?;
        out.extend(rows);
    }
    Ok(out)
}

/// Deletes a connection's activities by id (log records keep their rows, without an id).
pub(crate) async fn remove_activities(
    conn: &mut SqliteConnection,
    connection_id: ConnectionId,
    ids: &[ActivityId],
) -> Result<()> {
    for chunk in ids.chunks(CHUNK) {
        let mut q: QueryBuilder<Sqlite> =
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
