//! PostgreSQL's many-row statements: a column per array (`UNNEST`), so a statement's
//! text, and the plan prepared for it, are the same whatever the page's size; look-ups
//! by call id probe the index once per id (`LATERAL … LIMIT 1`). The SQL around them
//! (columns, conflict clauses) is written once in `queries`.

use std::sync::LazyLock;

use gong_timeline_store::{
    ActivityId, ActivityUpsert, ConnectionId, EncodedMeeting, GongCallId, JobId, Result,
    RetryEntry, UserId,
};
use sqlx::{PgConnection, PgPool};

use super::queries::error::Ctx;
use super::queries::sql;
use crate::codec::{ts, ts_opt};

/// Upserts activities; returns `(external id, id)` of each, in no particular order.
pub(crate) async fn upsert_activities(
    conn: &mut PgConnection,
    connection_id: ConnectionId,
    upserts: &[ActivityUpsert],
    now: &str,
) -> Result<Vec<(String, ActivityId)>> {
    // `$1`..`$16` and `$19` a column of the page each; the connection (`$17`) and
    // the time (`$18`).
    static UPSERT: LazyLock<String> = LazyLock::new(|| {
        format!(
            "{}SELECT e, $17, g, ty, su, d, du, n, au, co, ia, ea, tr, tm, ru, so, h, $18, $18, ct \
             FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], \
             $7::text[], $8::bigint[], $9::bigint[], $10::text[], $11::text[], $12::text[], $13::text[], \
             $14::text[], $15::text[], $16::bigint[], $19::text[]) \
             AS t(e, g, ty, su, d, du, n, au, co, ia, ea, tr, tm, ru, so, h, ct){} \
             RETURNING external_id, id",
            sql::ACTIVITY_INSERT,
            sql::ACTIVITY_CONFLICT
        )
    });
    let encoded = sql::encode_activities(upserts)?;
    let text = |f: fn(&ActivityUpsert) -> Option<&str>| upserts.iter().map(f).collect::<Vec<_>>();
    let int = |f: fn(&ActivityUpsert) -> Option<i64>| upserts.iter().map(f).collect::<Vec<_>>();
    let dates: Vec<String> = upserts.iter().map(|a| ts(a.date)).collect();
    sqlx::query_as(UPSERT.as_str())
        .bind(text(|a| Some(&a.external_id)))
        .bind(text(|a| Some(a.gong_call_id.as_str())))
        .bind(text(|a| Some(&a.activity_type)))
        .bind(text(|a| Some(&a.subject)))
        .bind(dates)
        .bind(int(|a| a.duration_seconds))
        .bind(text(|a| a.notes.as_deref()))
        .bind(int(|a| a.author_user_id.map(UserId::get)))
        .bind(int(|a| Some(a.company_id.get())))
        .bind(encoded.iter().map(|e| e.1.as_str()).collect::<Vec<_>>())
        .bind(encoded.iter().map(|e| e.2.as_str()).collect::<Vec<_>>())
        .bind(encoded.iter().map(|e| e.3.as_deref()).collect::<Vec<_>>())
        .bind(text(|a| a.trackers_message.as_deref()))
        .bind(text(|a| a.recording_url.as_deref()))
        .bind(text(|a| Some(&a.source)))
        .bind(int(|a| Some(a.content_hash)))
        .bind(connection_id)
        .bind(now)
        .bind(encoded.iter().map(|e| e.4.as_deref()).collect::<Vec<_>>())
        .fetch_all(conn)
        .await
        .ctx("writing activities")
}

/// Probes the call-id index once per call id (a `LATERAL` look-up per array
/// element, its `LIMIT 1` keeping it from being flattened into a join): the plan
/// cannot drift to "all rows, filtered", which a generic plan over stale statistics
/// picks for `gong_call_id IN (…)` while a first sync grows the table, and which
/// made every page scan it.
const HASHES: &str = "SELECT k.id, a.id, a.content_hash, a.activity_type \
     FROM unnest($1::text[]) AS k(id) CROSS JOIN LATERAL ( \
     SELECT id, content_hash, activity_type FROM activities \
     WHERE gong_call_id = k.id LIMIT 1) a";

/// `(call id, activity id, content hash, activity type)` of the calls that have an
/// activity, whichever connection wrote it (S10).
pub(crate) async fn activity_hashes(
    pool: &PgPool,
    call_ids: &[GongCallId],
) -> Result<Vec<(GongCallId, i64, i64, String)>> {
    sqlx::query_as(HASHES)
        .bind(call_ids)
        .fetch_all(pool)
        .await
        .ctx("reading activity fingerprints")
}

/// One primary-key probe per call id, as [`HASHES`].
const SKIP_MARKS: &str = "SELECT k.id, s.fingerprint FROM unnest($2::text[]) AS k(id) \
     CROSS JOIN LATERAL (SELECT fingerprint FROM skip_marks \
     WHERE connection_id = $1 AND gong_call_id = k.id LIMIT 1) s";

/// `(call id, fingerprint)` of the calls that have a skip mark.
pub(crate) async fn skip_marks(
    pool: &PgPool,
    connection_id: ConnectionId,
    call_ids: &[GongCallId],
) -> Result<Vec<(GongCallId, i64)>> {
    sqlx::query_as(SKIP_MARKS)
        .bind(connection_id)
        .bind(call_ids)
        .fetch_all(pool)
        .await
        .ctx("reading skip marks")
}

/// Deletes the rows of `table` (keyed by connection and Gong call id) of some calls.
pub(crate) async fn delete_calls(
    conn: &mut PgConnection,
    table: &'static str,
    connection_id: ConnectionId,
    call_ids: &[GongCallId],
    context: &'static str,
) -> Result<()> {
    sqlx::query(&format!(
        "DELETE FROM {table} WHERE connection_id = $1 AND gong_call_id = ANY($2)"
    ))
    .bind(connection_id)
    .bind(call_ids)
    .execute(conn)
    .await
    .ctx(context)?;
    Ok(())
}

/// Inserts log records, each with its resolved activity id, in the order given.
pub(crate) async fn insert_log_records(
    conn: &mut PgConnection,
    job_id: JobId,
    resolved: &[sql::ResolvedRecord<'_>],
) -> Result<()> {
    static INSERT: LazyLock<String> = LazyLock::new(|| {
        format!(
            "{}SELECT $1, c, t, d, s, a, m \
             FROM UNNEST($2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[]) \
             WITH ORDINALITY AS r(c, t, d, s, a, m, n) ORDER BY n",
            sql::LOG_RECORD_INSERT
        )
    });
    let calls: Vec<&str> = resolved
        .iter()
        .map(|(r, _)| r.gong_call_id.as_str())
        .collect();
    let titles: Vec<Option<&str>> = resolved.iter().map(|(r, _)| r.title.as_deref()).collect();
    let dates: Vec<Option<String>> = resolved
        .iter()
        .map(|(r, _)| ts_opt(r.meeting_date))
        .collect();
    let statuses: Vec<&str> = resolved.iter().map(|(r, _)| r.status.as_str()).collect();
    let activities: Vec<Option<i64>> = resolved
        .iter()
        .map(|(_, a)| a.map(ActivityId::get))
        .collect();
    let messages: Vec<Option<&str>> = resolved.iter().map(|(r, _)| r.message.as_deref()).collect();
    sqlx::query(INSERT.as_str())
        .bind(job_id)
        .bind(calls)
        .bind(titles)
        .bind(dates)
        .bind(statuses)
        .bind(activities)
        .bind(messages)
        .execute(conn)
        .await
        .ctx("writing log records")?;
    Ok(())
}

/// Inserts or replaces fetched meetings.
pub(crate) async fn upsert_meetings(
    conn: &mut PgConnection,
    connection_id: ConnectionId,
    meetings: &[EncodedMeeting],
) -> Result<()> {
    static UPSERT: LazyLock<String> = LazyLock::new(|| {
        format!(
            "{}SELECT $1, * FROM UNNEST($2::text[], $3::text[], $4::bigint[], $5::text[], $6::bytea[]){}",
            sql::MEETING_INSERT,
            sql::MEETING_CONFLICT
        )
    });
    let calls: Vec<&str> = meetings.iter().map(|m| m.gong_call_id.as_str()).collect();
    let started: Vec<String> = meetings.iter().map(|m| ts(m.started)).collect();
    let fingerprints: Vec<i64> = meetings.iter().map(|m| m.fingerprint).collect();
    let fetched: Vec<String> = meetings.iter().map(|m| ts(m.fetched_at)).collect();
    let bodies: Vec<&[u8]> = meetings.iter().map(EncodedMeeting::body).collect();
    sqlx::query(UPSERT.as_str())
        .bind(connection_id)
        .bind(calls)
        .bind(started)
        .bind(fingerprints)
        .bind(fetched)
        .bind(bodies)
        .execute(conn)
        .await
        .ctx("keeping fetched meetings")?;
    Ok(())
}

/// Adds failed meetings to the retry list (or counts one more attempt). Each call
/// once: PostgreSQL refuses to update one row twice in a statement.
pub(crate) async fn add_retries(
    conn: &mut PgConnection,
    connection_id: ConnectionId,
    entries: &[&RetryEntry],
) -> Result<()> {
    static INSERT: LazyLock<String> = LazyLock::new(|| {
        format!(
            "{}SELECT $1, id, at, at, 1, message FROM UNNEST($2::text[], $3::text[], $4::text[]) \
             AS t(id, at, message){}",
            sql::RETRY_INSERT,
            sql::RETRY_CONFLICT
        )
    });
    let ids: Vec<&str> = entries.iter().map(|e| e.gong_call_id.as_str()).collect();
    let ats: Vec<String> = entries.iter().map(|e| ts(e.failed_at)).collect();
    let messages: Vec<&str> = entries.iter().map(|e| e.message.as_str()).collect();
    sqlx::query(INSERT.as_str())
        .bind(connection_id)
        .bind(ids)
        .bind(ats)
        .bind(messages)
        .execute(conn)
        .await
        .ctx("adding to the retry list")?;
    Ok(())
}
