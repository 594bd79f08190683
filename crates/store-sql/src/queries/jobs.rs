//! Jobs and their leases (L1).
//!
//! At most one job per connection is running: a partial unique index on
//! `jobs(connection_id) WHERE finished_at IS NULL` enforces it whatever replica
//! tries, and [`try_start`] first locks the connection's row (`FOR NO KEY UPDATE`:
//! page commits, whose foreign keys share-lock it, are not held up), so
//! replicas offering to run one connection take turns and exactly one starts it.

use chrono::{DateTime, Utc};
use gong_timeline_domain::{JobStatus, Trigger};
use gong_timeline_store::{
    ConnectionId, Fence, GongUsage, Job, JobCounts, JobFilter, JobFinish, JobId, Lease, Result,
    Seek, StoreError,
};
use sqlx::QueryBuilder;

use super::dialect::{self, Conn, Db};

use super::error::{db_error, is_unique_violation, Ctx};
use super::Backend;
use crate::codec::{count, read_count, read_enum, read_ts, read_ts_opt, ts};

/// The message of a job found In progress with a lapsed lease.
pub(crate) const INTERRUPTED: &str = "interrupted: the process running this job stopped before it finished; the next job resumed from the checkpoint";

const JOB_COLUMNS: &str = "j.id, j.connection_id, c.name AS connection, j.trigger_kind, j.status, j.started_at, \
     j.finished_at, j.fetched, j.created, j.updated, j.skipped, j.failed, j.removed, j.message, j.gong_requests, j.gong_rate_limited, j.lease_owner, j.lease_expires_at, j.lease_generation";

#[derive(sqlx::FromRow)]
struct JobRecord {
    id: i64,
    connection_id: i64,
    connection: String,
    trigger_kind: String,
    status: String,
    started_at: String,
    finished_at: Option<String>,
    fetched: i64,
    created: i64,
    updated: i64,
    skipped: i64,
    failed: i64,
    removed: i64,
    message: Option<String>,
    gong_requests: Option<i64>,
    gong_rate_limited: Option<i64>,
    lease_owner: Option<String>,
    lease_expires_at: Option<String>,
    lease_generation: i64,
}

impl JobRecord {
    fn into_job(self) -> Result<Job> {
        Ok(Job {
            id: self.id.into(),
            connection_id: self.connection_id.into(),
            connection: self.connection,
            trigger: read_enum("jobs.trigger_kind", &self.trigger_kind)?,
            status: read_enum("jobs.status", &self.status)?,
            started_at: read_ts("jobs.started_at", &self.started_at)?,
            finished_at: read_ts_opt("jobs.finished_at", self.finished_at.as_deref())?,
            counts: JobCounts {
                fetched: read_count(self.fetched),
                created: read_count(self.created),
                updated: read_count(self.updated),
                skipped: read_count(self.skipped),
                failed: read_count(self.failed),
                removed: read_count(self.removed),
            },
            message: self.message,
            gong: match (self.gong_requests, self.gong_rate_limited) {
                (Some(requests), Some(rate_limited)) => Some(GongUsage {
                    requests: read_count(requests),
                    rate_limited: read_count(rate_limited),
                }),
                _ => None,
            },
            lease_owner: self.lease_owner,
            lease_expires_at: read_ts_opt(
                "jobs.lease_expires_at",
                self.lease_expires_at.as_deref(),
            )?,
            lease_generation: self.lease_generation,
        })
    }
}

pub(crate) async fn try_start(
    store: &Backend,
    connection_id: ConnectionId,
    trigger: Trigger,
    lease: Lease,
    now: DateTime<Utc>,
) -> Result<Option<JobId>> {
    const CTX: &str = "starting a job";
    let mut tx = store.write_tx(CTX).await?;
    let exists: Option<i64> = sqlx::query_scalar(&format!(
        "SELECT id FROM connections WHERE id = $1{}",
        dialect::LOCK_ROW
    ))
    .bind(connection_id)
    .fetch_optional(&mut *tx)
    .await
    .ctx(CTX)?;
    if exists.is_none() {
        return Err(StoreError::not_found("connection", connection_id));
    }
    let running: Option<(i64, Option<String>)> = sqlx::query_as(
        "SELECT id, lease_expires_at FROM jobs WHERE connection_id = $1 AND finished_at IS NULL",
    )
    .bind(connection_id)
    .fetch_optional(&mut *tx)
    .await
    .ctx(CTX)?;
    if let Some((id, expires)) = running {
        let expires = read_ts_opt("jobs.lease_expires_at", expires.as_deref())?;
        if expires.is_some_and(|at| at > now) {
            return Ok(None);
        }
        sqlx::query(
            "UPDATE jobs SET status = $1, finished_at = $2, message = $3, lease_owner = NULL, lease_expires_at = NULL WHERE id = $4",
        )
        .bind(JobStatus::Failed.as_str())
        .bind(ts(now))
        .bind(INTERRUPTED)
        .bind(id)
        .execute(&mut *tx)
        .await
        .ctx(CTX)?;
        tracing::warn!(
            job_id = id,
            connection_id = connection_id.get(),
            "Marked an interrupted job as failed."
        );
    }
    // The next generation of this connection's leases: a take-over fences out the
    // writer it replaces, whatever that writer still believes.
    let inserted = sqlx::query_scalar(
        "INSERT INTO jobs (connection_id, trigger_kind, status, started_at, lease_owner, lease_expires_at, lease_generation) \
         VALUES ($1, $2, $3, $4, $5, $6, 1 + COALESCE((SELECT MAX(lease_generation) FROM jobs WHERE connection_id = $1), 0)) RETURNING id",
    )
    .bind(connection_id)
    .bind(trigger.as_str())
    .bind(JobStatus::InProgress.as_str())
    .bind(ts(now))
    .bind(&lease.owner)
    .bind(ts(lease.expires_at))
    .fetch_one(&mut *tx)
    .await;
    let id: i64 = match inserted {
        Ok(id) => id,
        Err(e) if is_unique_violation(&e) => return Ok(None),
        Err(e) if matches!(&e, sqlx::Error::Database(db) if db.is_foreign_key_violation()) => {
            return Err(StoreError::not_found("connection", connection_id))
        }
        Err(e) => return Err(db_error(CTX, e)),
    };
    tx.commit().await.ctx(CTX)?;
    Ok(Some(id.into()))
}

pub(crate) async fn heartbeat(store: &Backend, job_id: JobId, lease: Lease) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE jobs SET lease_expires_at = $1 WHERE id = $2 AND finished_at IS NULL AND lease_owner = $3",
    )
    .bind(ts(lease.expires_at))
    .bind(job_id)
    .bind(&lease.owner)
    .execute(&store.pool)
    .await
    .ctx("renewing a job's lease")?;
    Ok(done.rows_affected() > 0)
}

pub(crate) async fn finish(store: &Backend, job_id: JobId, finish: JobFinish) -> Result<()> {
    const CTX: &str = "finishing a job";
    if finish.status == JobStatus::InProgress {
        return Err(StoreError::Invalid(format!(
            "job {job_id} cannot finish In progress"
        )));
    }
    let mut tx = store.write_tx(CTX).await?;
    // Lock order as in `try_start` (connection, then job): a take-over racing this
    // finish waits instead of deadlocking.
    dialect::lock_connection_of_job(&mut tx, job_id).await?;
    if let Some(fence) = &finish.fence {
        check_fence(&mut tx, job_id, fence).await?;
    }
    let c = finish.counts;
    let finished: Option<(i64, String)> = sqlx::query_as(
        "UPDATE jobs SET status = $1, finished_at = $2, message = $3, fetched = $4, created = $5, updated = $6, \
         skipped = $7, failed = $8, gong_requests = $9, gong_rate_limited = $10, lease_owner = NULL, lease_expires_at = NULL, \
         removed = $12 WHERE id = $11 RETURNING connection_id, trigger_kind",
    )
    .bind(finish.status.as_str())
    .bind(ts(finish.finished_at))
    .bind(&finish.message)
    .bind(count(c.fetched))
    .bind(count(c.created))
    .bind(count(c.updated))
    .bind(count(c.skipped))
    .bind(count(c.failed))
    .bind(finish.gong.map(|g| count(g.requests)))
    .bind(finish.gong.map(|g| count(g.rate_limited)))
    .bind(job_id)
    .bind(count(c.removed))
    .fetch_optional(&mut *tx)
    .await
    .ctx(CTX)?;
    let (connection, trigger) = finished.ok_or_else(|| StoreError::not_found("job", job_id))?;
    // A webhook batch or a retention job is no sync of the window: the slots must
    // still run (W3), and "last sync" must stay true.
    let trigger: Trigger = read_enum("jobs.trigger_kind", &trigger)?;
    if !trigger.syncs_the_window() {
        return tx.commit().await.ctx(CTX);
    }
    sqlx::query("UPDATE connections SET last_sync_at = $1 WHERE id = $2")
        .bind(ts(finish.finished_at))
        .bind(connection)
        .execute(&mut *tx)
        .await
        .ctx(CTX)?;
    tx.commit().await.ctx(CTX)
}

/// Fails with [`StoreError::LeaseLost`] unless the job is still running under this
/// fence's owner and generation. Called inside the write's own transaction; the job's
/// row stays locked until it commits, so no take-over slips in between check and write.
pub(crate) async fn check_fence(conn: &mut Conn, job_id: JobId, fence: &Fence) -> Result<()> {
    let held: Option<i64> = sqlx::query_scalar(&format!(
        "SELECT id FROM jobs WHERE id = $1 AND finished_at IS NULL AND lease_owner = $2 \
         AND lease_generation = $3{}",
        dialect::LOCK_ROW
    ))
    .bind(job_id)
    .bind(&fence.owner)
    .bind(fence.generation)
    .fetch_optional(conn)
    .await
    .ctx("checking the job's lease")?;
    match held {
        Some(_) => Ok(()),
        None => Err(StoreError::LeaseLost { job_id }),
    }
}

/// Adds a page's counts to its job (inside the page's transaction).
pub(crate) async fn add_counts(conn: &mut Conn, job_id: JobId, c: JobCounts) -> Result<()> {
    sqlx::query(
        "UPDATE jobs SET fetched = fetched + $1, created = created + $2, updated = updated + $3, \
         skipped = skipped + $4, failed = failed + $5, removed = removed + $7 WHERE id = $6",
    )
    .bind(count(c.fetched))
    .bind(count(c.created))
    .bind(count(c.updated))
    .bind(count(c.skipped))
    .bind(count(c.failed))
    .bind(job_id)
    .bind(count(c.removed))
    .execute(conn)
    .await
    .ctx("counting a page")?;
    Ok(())
}

pub(crate) async fn get(store: &Backend, id: JobId) -> Result<Option<Job>> {
    let sql = format!("SELECT {JOB_COLUMNS} FROM jobs j JOIN connections c ON c.id = j.connection_id WHERE j.id = $1");
    let row: Option<JobRecord> = sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(&store.pool)
        .await
        .ctx("reading a job")?;
    row.map(JobRecord::into_job).transpose()
}

pub(crate) async fn list(store: &Backend, filter: JobFilter) -> Result<Vec<Job>> {
    let mut q: QueryBuilder<Db> = QueryBuilder::new(format!(
        "SELECT {JOB_COLUMNS} FROM jobs j JOIN connections c ON c.id = j.connection_id WHERE 1 = 1"
    ));
    push_filter(&mut q, &filter);
    // Newest first: (started_at, id) descending; the page before runs the other way
    // and is turned round below.
    let backwards = matches!(filter.seek, Seek::Before(_));
    match filter.seek {
        Seek::First => {}
        Seek::After(k) => {
            q.push(" AND (j.started_at, j.id) < (")
                .push_bind(ts(k.started_at))
                .push(", ")
                .push_bind(k.id)
                .push(")");
        }
        Seek::Before(k) => {
            q.push(" AND (j.started_at, j.id) > (")
                .push_bind(ts(k.started_at))
                .push(", ")
                .push_bind(k.id)
                .push(")");
        }
    }
    q.push(if backwards {
        " ORDER BY j.started_at, j.id"
    } else {
        " ORDER BY j.started_at DESC, j.id DESC"
    });
    push_limit(&mut q, filter.limit);
    let rows: Vec<JobRecord> = q
        .build_query_as()
        .fetch_all(&store.pool)
        .await
        .ctx("listing jobs")?;
    let mut jobs = rows
        .into_iter()
        .map(JobRecord::into_job)
        .collect::<Result<Vec<_>>>()?;
    if backwards {
        jobs.reverse();
    }
    Ok(jobs)
}

pub(crate) async fn count_jobs(store: &Backend, filter: &JobFilter) -> Result<u64> {
    let mut q: QueryBuilder<Db> = QueryBuilder::new("SELECT COUNT(*) FROM jobs j WHERE 1 = 1");
    push_filter(&mut q, filter);
    let n: i64 = q
        .build_query_scalar()
        .fetch_one(&store.pool)
        .await
        .ctx("counting jobs")?;
    Ok(read_count(n))
}

/// The `WHERE` conditions of a job filter (after `WHERE 1 = 1`).
fn push_filter(q: &mut QueryBuilder<Db>, filter: &JobFilter) {
    if let Some(from) = filter.from {
        q.push(" AND j.started_at >= ").push_bind(ts(from));
    }
    if let Some(to) = filter.to {
        q.push(" AND j.started_at < ").push_bind(ts(to));
    }
    if let Some(connection) = filter.connection_id {
        q.push(" AND j.connection_id = ").push_bind(connection);
    }
    if !filter.statuses.is_empty() {
        q.push(" AND j.status IN (");
        let mut list = q.separated(", ");
        for status in &filter.statuses {
            list.push_bind(status.as_str());
        }
        q.push(")");
    }
    if !filter.triggers.is_empty() {
        q.push(" AND j.trigger_kind IN (");
        let mut list = q.separated(", ");
        for trigger in &filter.triggers {
            list.push_bind(trigger.as_str());
        }
        q.push(")");
    }
}

/// `LIMIT n`; no limit is the largest one (both databases read it as such, where
/// SQLite has no `LIMIT NULL` and PostgreSQL no `LIMIT -1`).
pub(crate) fn push_limit(q: &mut QueryBuilder<Db>, limit: Option<u32>) {
    q.push(" LIMIT ")
        .push_bind(limit.map_or(i64::MAX, i64::from));
}
