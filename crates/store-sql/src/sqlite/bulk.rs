//! SQLite's many-row statements: multi-row `VALUES` built with [`QueryBuilder`], and
//! look-ups by many ids. The SQL around them (columns, conflict clauses) is written
//! once in `queries`.
//!
//! A statement's text is what sqlx caches its prepared form by, and preparing a
//! statement of a hundred rows costs SQLite about as much as running it. So the
//! texts take few shapes whatever the count: rows go in chunks whose sizes are
//! powers of two ([`shaped`]), and a list of ids is one JSON array bound once and
//! read with `json_each`.

use gong_timeline_store::{
    ActivityId, ActivityUpsert, ConnectionId, EncodedMeeting, GongCallId, JobId, Result, RetryEntry,
};
use sqlx::{QueryBuilder, Sqlite, SqliteConnection, SqlitePool};

use super::queries::error::Ctx;
use super::queries::sql;
use crate::codec::{to_json, ts};

/// The most rows of one multi-row statement, a power of two far below SQLite's
/// bind limit (20 binds a row).
const ROWS: usize = 128;

/// `items` in chunks whose sizes are powers of two, none larger than `most` (a
/// power of two), largest first: a multi-row statement then has one of
/// `log2(most) + 1` texts, each prepared once per connection, instead of one per
/// row count. A page of 100 is three statements (64, 32, 4 rows).
fn shaped<T>(items: &[T], most: usize) -> impl Iterator<Item = &[T]> {
    debug_assert!(most.is_power_of_two());
    let mut rest = items;
    std::iter::from_fn(move || {
        let len = rest.len();
        if len == 0 {
            return None;
        }
        let (chunk, tail) = rest.split_at(most.min(1 << len.ilog2()));
        rest = tail;
        Some(chunk)
    })
}

const ACTIVITY_HASHES: &str =
    "SELECT json_group_array(json_array(gong_call_id, id, content_hash, activity_type)) FROM activities \
     WHERE gong_call_id IN (SELECT value FROM json_each(?))";
const SKIP_MARKS: &str =
    "SELECT json_group_array(json_array(gong_call_id, fingerprint)) FROM skip_marks \
     WHERE connection_id = ? AND gong_call_id IN (SELECT value FROM json_each(?))";

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
    for chunk in shaped(upserts, ROWS) {
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
    const IDS: &str = "SELECT json_group_array(json_array(external_id, id)) FROM activities \
         WHERE external_id IN (SELECT value FROM json_each(?))";
    let ids = to_json(&upserts.iter().map(|a| &a.external_id).collect::<Vec<_>>())?;
    let q = sqlx::query_scalar(IDS).bind(ids);
    json_rows(&mut *conn, q, "reading written activities").await
}

/// The rows of a `SELECT json_group_array(json_array(…))`: one row crosses from
/// SQLite's thread, whatever their number.
async fn json_rows<'c, 'q, T: serde::de::DeserializeOwned>(
    conn: impl sqlx::SqliteExecutor<'c>,
    q: sqlx::query::QueryScalar<'q, Sqlite, String, sqlx::sqlite::SqliteArguments<'q>>,
    context: &'static str,
) -> Result<Vec<T>> {
    let text: String = q.fetch_one(conn).await.ctx(context)?;
    serde_json::from_str(&text)
        .map_err(|e| gong_timeline_store::StoreError::corrupt(context, &text, e))
}

/// `(call id, activity id, content hash, activity type)` of the calls that have an
/// activity, whichever connection wrote it (S10).
pub(crate) async fn activity_hashes(
    pool: &SqlitePool,
    call_ids: &[GongCallId],
) -> Result<Vec<(GongCallId, i64, i64, String)>> {
    if call_ids.is_empty() {
        return Ok(Vec::new());
    }
    let q = sqlx::query_scalar(ACTIVITY_HASHES).bind(to_json(call_ids)?);
    json_rows(pool, q, "reading activity fingerprints").await
}

/// `(call id, fingerprint)` of the calls that have a skip mark.
pub(crate) async fn skip_marks(
    pool: &SqlitePool,
    connection_id: ConnectionId,
    call_ids: &[GongCallId],
) -> Result<Vec<(GongCallId, i64)>> {
    if call_ids.is_empty() {
        return Ok(Vec::new());
    }
    let q = sqlx::query_scalar(SKIP_MARKS)
        .bind(connection_id)
        .bind(to_json(call_ids)?);
    json_rows(pool, q, "reading skip marks").await
}

/// Deletes the rows of `table` (keyed by connection and Gong call id) of some calls.
pub(crate) async fn delete_calls(
    conn: &mut SqliteConnection,
    table: &'static str,
    connection_id: ConnectionId,
    call_ids: &[GongCallId],
    context: &'static str,
) -> Result<()> {
    if call_ids.is_empty() {
        return Ok(());
    }
    sqlx::query(&format!(
        "DELETE FROM {table} WHERE connection_id = ? \
         AND gong_call_id IN (SELECT value FROM json_each(?))"
    ))
    .bind(connection_id)
    .bind(to_json(call_ids)?)
    .execute(&mut *conn)
    .await
    .ctx(context)?;
    Ok(())
}

/// Inserts log records, each with its resolved activity id.
pub(crate) async fn insert_log_records(
    conn: &mut SqliteConnection,
    job_id: JobId,
    resolved: &[sql::ResolvedRecord<'_>],
) -> Result<()> {
    for chunk in shaped(resolved, ROWS) {
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
    for chunk in shaped(meetings, ROWS) {
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
    for chunk in shaped(entries, ROWS) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_go_in_chunks_of_few_sizes_in_order_and_none_is_lost() {
        for len in [0usize, 1, 2, 3, 99, 100, 128, 129, 1000, 1013] {
            let items: Vec<usize> = (0..len).collect();
            let chunks: Vec<&[usize]> = shaped(&items, ROWS).collect();
            assert_eq!(chunks.concat(), items, "{len} rows");
            for chunk in &chunks {
                assert!(
                    chunk.len().is_power_of_two() && chunk.len() <= ROWS,
                    "{len}"
                );
            }
            // Largest first, and only the largest repeats.
            let sizes: Vec<usize> = chunks.iter().map(|c| c.len()).collect();
            assert!(
                sizes.windows(2).all(|w| w[0] > w[1] || w[0] == ROWS),
                "{sizes:?}"
            );
        }
        let page: Vec<usize> = shaped(&[0u8; 100], ROWS).map(<[u8]>::len).collect();
        assert_eq!(page, [64, 32, 4]);
    }
}
