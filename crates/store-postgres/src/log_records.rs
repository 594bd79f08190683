//! The execution log's per-meeting records (L2): written with a page or on their
//! own, listed in the order written, counted by status.

use gong_timeline_domain::RecordStatus;
use gong_timeline_store::{
    ActivityId, ActivityRef, JobId, LogRecord, NewLogRecord, RecordCounts, RecordFilter, Result,
    StoreError,
};
use sqlx::{PgConnection, Postgres, QueryBuilder};

use crate::codec::{read_count, read_enum, read_ts_opt, ts_opt};
use crate::error::Ctx;
use crate::jobs::push_page;
use crate::PgStore;

/// Rows per multi-row log record statement (7 binds a row).
const RECORD_CHUNK: usize = 500;

/// Inserts log records, resolving [`ActivityRef::Upsert`] against `upserted`.
pub(crate) async fn insert_records(
    conn: &mut PgConnection,
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
    for chunk in resolved.chunks(RECORD_CHUNK) {
        let mut q: QueryBuilder<Postgres> = QueryBuilder::new(
            "INSERT INTO log_records (job_id, gong_call_id, title, meeting_date, status, activity_id, message) ",
        );
        q.push_values(chunk, |mut row, (record, activity_id)| {
            row.push_bind(job_id)
                .push_bind(record.gong_call_id.clone())
                .push_bind(record.title.clone())
                .push_bind(ts_opt(record.meeting_date))
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

pub(crate) async fn add_records(
    store: &PgStore,
    job_id: JobId,
    records: Vec<NewLogRecord>,
) -> Result<()> {
    let mut tx = store.write_tx("writing log records").await?;
    insert_records(&mut tx, job_id, &records, &[]).await?;
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

pub(crate) async fn list_records(store: &PgStore, filter: RecordFilter) -> Result<Vec<LogRecord>> {
    let mut q: QueryBuilder<Postgres> = QueryBuilder::new(
        "SELECT id, job_id, gong_call_id, title, meeting_date, status, activity_id, message FROM log_records WHERE job_id = ",
    );
    q.push_bind(filter.job_id);
    if !filter.statuses.is_empty() {
        q.push(" AND status IN (");
        let mut list = q.separated(", ");
        for status in &filter.statuses {
            list.push_bind(status.as_str());
        }
        q.push(")");
    }
    q.push(" ORDER BY id");
    push_page(&mut q, filter.limit, filter.offset);
    let rows: Vec<RecordRow> = q
        .build_query_as()
        .fetch_all(&store.pool)
        .await
        .ctx("listing log records")?;
    rows.into_iter()
        .map(
            |(id, job_id, gong_call_id, title, date, status, activity_id, message)| {
                Ok(LogRecord {
                    id,
                    job_id,
                    gong_call_id,
                    title,
                    meeting_date: read_ts_opt("log_records.meeting_date", date.as_deref())?,
                    status: read_enum("log_records.status", &status)?,
                    activity_id,
                    message,
                })
            },
        )
        .collect()
}

pub(crate) async fn count_records(store: &PgStore, job_id: JobId) -> Result<RecordCounts> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT status, COUNT(*) FROM log_records WHERE job_id = $1 GROUP BY status",
    )
    .bind(job_id)
    .fetch_all(&store.pool)
    .await
    .ctx("counting log records")?;
    let mut counts = RecordCounts::default();
    for (status, n) in rows {
        counts.add(
            read_enum::<RecordStatus>("log_records.status", &status)?,
            read_count(n),
        );
    }
    Ok(counts)
}
