//! SQLite's many-row statements: multi-row `VALUES` and `IN (…)` lists built with
//! [`QueryBuilder`], in chunks that stay far below SQLite's bind limit. The SQL
//! around them (columns, conflict clauses) is written once in `queries`.

use gong_timeline_store::{
    ActivityId, ActivityUpsert, ConnectionId, EncodedMeeting, GongCallId, JobId, Result, RetryEntry,
};
use sqlx::{QueryBuilder, Sqlite, SqliteConnection, SqlitePool};

use super::queries::error::Ctx;
use super::queries::sql;
use crate::codec::ts;

/// Rows per multi-row statement: one statement per page of 100 meetings, far below
/// SQLite's bind limit (20 binds a row).
const ROWS: usize = 200;
/// Ids per `IN (…)` list.
const IDS: usize = 500;

const ACTIVITY_HASHES: &str =
    "SELECT json_group_array(json_array(gong_call_id, id, content_hash, activity_type)) FROM activities";
const SKIP_MARKS: &str =
    "SELECT json_group_array(json_array(gong_call_id, fingerprint)) FROM skip_marks";

/// Upserts activities; returns `(external id, id)` of each, in no particular order.
///
/// Without `RETURNING`: sqlx hands each row of a result from SQLite's thread to the
/// caller's as a message of its own (a thread wake-up each, a third of the commit's
/// time in profiles), so the ids come back as one JSON row instead.
pub(crate) async fn upsert_activities(
    conn: &mut SqliteConnection,
    connection_id: ConnectionId,
    upserts: &[ActivityUpsert],
    now: &str,
) -> Result<Vec<(String, ActivityId)>> {
    for chunk in upserts.chunks(ROWS) {
        let encoded = sql::encode_activities(chunk)?;
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(sql::ACTIVITY_INSERT);
        q.push_values(
            encoded,
            |mut row, (a, internal, external, trackers, content)| {
                row.push_bind(a.external_id.as_str())
                    .push_bind(connection_id)
                    .push_bind(a.gong_call_id.as_str())
                    .push_bind(a.activity_type.as_str())
                    .push_bind(a.subject.as_str())
                    .push_bind(ts(a.date))
                    .push_bind(a.duration_seconds)
                    .push_bind(a.notes.as_deref())
                    .push_bind(a.author_user_id)
                    .push_bind(a.company_id)
                    .push_bind(internal)
                    .push_bind(external)
                    .push_bind(trackers)
                    .push_bind(a.trackers_message.as_deref())
                    .push_bind(a.recording_url.as_deref())
                    .push_bind(a.source.as_str())
                    .push_bind(a.content_hash)
                    .push_bind(now)
                    .push_bind(now)
                    .push_bind(content);
            },
        );
        q.push(sql::ACTIVITY_CONFLICT);
        q.build()
            .execute(&mut *conn)
            .await
            .ctx("writing activities")?;
    }
    let mut out = Vec::with_capacity(upserts.len());
    for chunk in upserts.chunks(IDS) {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
            "SELECT json_group_array(json_array(external_id, id)) FROM activities WHERE external_id IN (",
        );
        let mut list = q.separated(", ");
        for a in chunk {
            list.push_bind(a.external_id.as_str());
        }
        q.push(")");
        out.extend(
            json_rows::<(String, ActivityId)>(&mut *conn, q, "reading written activities").await?,
        );
    }
    Ok(out)
}

/// The rows of a `SELECT json_group_array(json_array(…))`: one row crosses from
/// SQLite's thread, whatever their number.
async fn json_rows<'c, T: serde::de::DeserializeOwned>(
    conn: impl sqlx::SqliteExecutor<'c>,
    mut q: QueryBuilder<'_, Sqlite>,
    context: &'static str,
) -> Result<Vec<T>> {
    let text: String = q.build_query_scalar().fetch_one(conn).await.ctx(context)?;
    serde_json::from_str(&text)
        .map_err(|e| gong_timeline_store::StoreError::corrupt(context, &text, e))
}

/// `(call id, activity id, content hash, activity type)` of the calls that have an
/// activity, whichever connection wrote it (S10).
pub(crate) async fn activity_hashes(
    pool: &SqlitePool,
    call_ids: &[GongCallId],
) -> Result<Vec<(GongCallId, i64, i64, String)>> {
    let mut out = Vec::with_capacity(call_ids.len());
    for chunk in call_ids.chunks(IDS) {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(ACTIVITY_HASHES);
        q.push(" WHERE gong_call_id IN (");
        let mut list = q.separated(", ");
        for id in chunk {
            list.push_bind(id.clone());
        }
        q.push(")");
        out.extend(json_rows(pool, q, "reading activity fingerprints").await?);
    }
    Ok(out)
}

/// `(call id, fingerprint)` of the calls that have a skip mark.
pub(crate) async fn skip_marks(
    pool: &SqlitePool,
    connection_id: ConnectionId,
    call_ids: &[GongCallId],
) -> Result<Vec<(GongCallId, i64)>> {
    let mut out = Vec::with_capacity(call_ids.len());
    for chunk in call_ids.chunks(IDS) {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(SKIP_MARKS);
        push_calls(&mut q, connection_id, chunk);
        out.extend(json_rows(pool, q, "reading skip marks").await?);
    }
    Ok(out)
}

/// Deletes the rows of `table` (keyed by connection and Gong call id) of some calls.
pub(crate) async fn delete_calls(
    conn: &mut SqliteConnection,
    table: &'static str,
    connection_id: ConnectionId,
    call_ids: &[GongCallId],
    context: &'static str,
) -> Result<()> {
    for chunk in call_ids.chunks(IDS) {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(format!("DELETE FROM {table} "));
        push_calls(&mut q, connection_id, chunk);
        q.build().execute(&mut *conn).await.ctx(context)?;
    }
    Ok(())
}

/// ` WHERE connection_id = ? AND gong_call_id IN (?, …)`.
fn push_calls(q: &mut QueryBuilder<Sqlite>, connection_id: ConnectionId, calls: &[GongCallId]) {
    q.push(" WHERE connection_id = ")
        .push_bind(connection_id)
        .push(" AND gong_call_id IN (");
    let mut list = q.separated(", ");
    for id in calls {
        list.push_bind(id.clone());
    }
    q.push(")");
}

/// Inserts log records, each with its resolved activity id.
pub(crate) async fn insert_log_records(
    conn: &mut SqliteConnection,
    job_id: JobId,
    resolved: &[sql::ResolvedRecord<'_>],
) -> Result<()> {
    for chunk in resolved.chunks(ROWS) {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(sql::LOG_RECORD_INSERT);
        q.push_values(chunk, |mut row, (record, activity_id)| {
            row.push_bind(job_id)
                .push_bind(record.gong_call_id.clone())
                .push_bind(record.title.clone())
                .push_bind(crate::codec::ts_opt(record.meeting_date))
                .push_bind(record.status.as_str())
                .push_bind(*activity_id)
                .push_bind(record.message.clone());
        });
        q.build()
            .execute(&mut *conn)
            .await
            .ctx("writing log records")?;
    }
    Ok(())
}

/// Inserts or replaces fetched meetings.
pub(crate) async fn upsert_meetings(
    conn: &mut SqliteConnection,
    connection_id: ConnectionId,
    meetings: &[EncodedMeeting],
) -> Result<()> {
    for chunk in meetings.chunks(ROWS) {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(sql::MEETING_INSERT);
        q.push_values(chunk, |mut row, m| {
            row.push_bind(connection_id)
                .push_bind(m.gong_call_id.as_str())
                .push_bind(ts(m.started))
                .push_bind(m.fingerprint)
                .push_bind(ts(m.fetched_at))
                .push_bind(m.body());
        });
        q.push(sql::MEETING_CONFLICT);
        q.build()
            .execute(&mut *conn)
            .await
            .ctx("keeping fetched meetings")?;
    }
    Ok(())
}

/// Adds failed meetings to the retry list (or counts one more attempt).
pub(crate) async fn add_retries(
    conn: &mut SqliteConnection,
    connection_id: ConnectionId,
    entries: &[&RetryEntry],
) -> Result<()> {
    for chunk in entries.chunks(ROWS) {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(sql::RETRY_INSERT);
        q.push_values(chunk, |mut row, entry| {
            let at = ts(entry.failed_at);
            row.push_bind(connection_id)
                .push_bind(entry.gong_call_id.clone())
                .push_bind(at.clone())
                .push_bind(at)
                .push("1")
                .push_bind(entry.message.clone());
        });
        q.push(sql::RETRY_CONFLICT);
        q.build()
            .execute(&mut *conn)
            .await
            .ctx("adding to the retry list")?;
    }
    Ok(())
}
