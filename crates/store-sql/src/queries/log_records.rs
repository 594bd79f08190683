//! The execution log's per-meeting records (L2): written with a page or on their
//! own, listed in the order written, counted by status.

use gong_timeline_domain::RecordStatus;
use gong_timeline_store::{
    ActivityId, ActivityRef, JobId, LogRecord, NewLogRecord, RecordCounts, RecordFilter, Result,
    Seek, StoreError,
};
use sqlx::QueryBuilder;

use super::dialect::{bulk, Conn, Db};

use super::error::Ctx;
use super::jobs::push_limit;
use super::Backend;
use crate::codec::{count, read_count, read_enum, read_ts_opt};

/// Inserts log records, resolving [`ActivityRef::Upsert`] against `upserted`.
pub(crate) async fn insert_records(
    conn: &mut Conn,
    job_id: JobId,
    records: &[NewLogRecord],
    upserted: &[ActivityId],
) -> Result<()> {
    let mut resolved = Vec::with_capacity(records.len());
    for record in records {
        let activity_id = match record.activity {
            None => None,
            Some(ActivityRef::Id(id)) => Some(id),
            Some(ActivityRef::Upsert(i)) => Some(*upserted.get(i).ok_or_else(|| {
                StoreError::Invalid(format!(
                    "log record of call {} points at upsert {i}, but the page has {} upserts",
                    record.gong_call_id,
                    upserted.len()
                ))
            })?),
        };
        resolved.push((record, activity_id));
    }
    if !resolved.is_empty() {
        bulk::insert_log_records(conn, job_id, &resolved).await?;
    }
    Ok(())
}

/// Adds records to their job's record counts: in the transaction that inserts them,
/// after the rows of its calls (the job's row is shared by its page commits).
pub(crate) async fn add_to_counts(
    conn: &mut Conn,
    job_id: JobId,
    records: &[NewLogRecord],
) -> Result<()> {
    let mut added = RecordCounts::default();
    for record in records {
        added.add(record.status, 1);
    }
    if added.total() > 0 {
        sqlx::query(
            "UPDATE jobs SET records_created = records_created + $1, records_updated = records_updated + $2, \
             records_skipped = records_skipped + $3, records_failed = records_failed + $4, \
             records_removed = records_removed + $6 WHERE id = $5",
        )
        .bind(count(added.created))
        .bind(count(added.updated))
        .bind(count(added.skipped))
        .bind(count(added.failed))
        .bind(job_id)
        .bind(count(added.removed))
        .execute(&mut *conn)
        .await
        .ctx("counting log records")?;
    }
    Ok(())
}

pub(crate) async fn add_records(
    store: &Backend,
    job_id: JobId,
    records: Vec<NewLogRecord>,
) -> Result<()> {
    let mut tx = store.write_tx("writing log records").await?;
    insert_records(&mut tx, job_id, &records, &[]).await?;
    add_to_counts(&mut tx, job_id, &records).await?;
    tx.commit().await.ctx("writing log records")
}

type RecordRow = (
    i64,
    i64,
    String,
    Option<String>,
    Option<String>,
    String,
    Option<i64>,
    Option<String>,
);

const RECORD_COLUMNS: &str =
    "id, job_id, gong_call_id, title, meeting_date, status, activity_id, message";

/// One keyset page: `WHERE job_id = ? [AND status = ?] AND id > ? ORDER BY id LIMIT ?`
/// is a range scan of `log_records(job_id, status, id)` (or `(job_id, id)`). Several
/// statuses are one such scan each, merged (`UNION ALL`), so a rare status deep in a
/// million records costs no more than a common one.
pub(crate) async fn list_records(store: &Backend, filter: RecordFilter) -> Result<Vec<LogRecord>> {
    let mut statuses = filter.statuses.clone();
    statuses.sort_by_key(|s| s.as_str());
    statuses.dedup();
    let backwards = matches!(filter.seek, Seek::Before(_));
    let order = if backwards {
        " ORDER BY id DESC"
    } else {
        " ORDER BY id"
    };
    let mut q: QueryBuilder<Db> = QueryBuilder::new("");
    let branch = |q: &mut QueryBuilder<Db>, statuses: &[RecordStatus]| {
        q.push(format!(
            "SELECT {RECORD_COLUMNS} FROM log_records WHERE job_id = "
        ))
        .push_bind(filter.job_id);
        match statuses {
            [] => {}
            [one] => {
                q.push(" AND status = ").push_bind(one.as_str());
            }
            many => {
                q.push(" AND status IN (");
                let mut list = q.separated(", ");
                for status in many {
                    list.push_bind(status.as_str());
                }
                q.push(")");
            }
        }
        match filter.seek {
            Seek::First => {}
            Seek::After(id) => {
                q.push(" AND id > ").push_bind(id);
            }
            Seek::Before(id) => {
                q.push(" AND id < ").push_bind(id);
            }
        }
    };
    if statuses.len() > 1 && filter.limit.is_some() {
        for (i, status) in statuses.iter().enumerate() {
            if i > 0 {
                q.push(" UNION ALL ");
            }
            q.push(format!("SELECT {RECORD_COLUMNS} FROM ("));
            branch(&mut q, std::slice::from_ref(status));
            q.push(order);
            push_limit(&mut q, filter.limit);
            q.push(format!(") AS s{i}"));
        }
    } else {
        branch(&mut q, &statuses);
    }
    q.push(order);
    push_limit(&mut q, filter.limit);
    let rows: Vec<RecordRow> = q
        .build_query_as()
        .fetch_all(&store.pool)
        .await
        .ctx("listing log records")?;
    let mut records = rows
        .into_iter()
        .map(
            |(id, job_id, gong_call_id, title, date, status, activity_id, message)| {
                Ok(LogRecord {
                    id: id.into(),
                    job_id: job_id.into(),
                    gong_call_id: gong_call_id.into(),
                    title,
                    meeting_date: read_ts_opt("log_records.meeting_date", date.as_deref())?,
                    status: read_enum("log_records.status", &status)?,
                    activity_id: activity_id.map(Into::into),
                    message,
                })
            },
        )
        .collect::<Result<Vec<_>>>()?;
    if backwards {
        records.reverse();
    }
    Ok(records)
}

/// The counts stored with the job (see [`add_to_counts`]).
pub(crate) async fn count_records(store: &Backend, job_id: JobId) -> Result<RecordCounts> {
    let row: Option<(i64, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT records_created, records_updated, records_skipped, records_failed, records_removed FROM jobs WHERE id = $1",
    )
    .bind(job_id)
    .fetch_optional(&store.pool)
    .await
    .ctx("counting log records")?;
    Ok(
        row.map_or_else(RecordCounts::default, |(c, u, s, f, r)| RecordCounts {
            created: read_count(c),
            updated: read_count(u),
            skipped: read_count(s),
            failed: read_count(f),
            removed: read_count(r),
        }),
    )
}
