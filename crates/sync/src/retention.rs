//! The retention job (G3): a connection's activities and stored meetings older than
//! the retention period are purged in bounded batches and logged as one job
//! (trigger `retention`) whose message gives the counts. Nothing to purge, no job: a
//! job every slot saying "removed 0" would bury the log.

use chrono::{DateTime, Duration, Utc};
use gong_timeline_domain::retention::Retention;
use gong_timeline_domain::{JobStatus, Trigger};
use gong_timeline_store::{
    Connection, JobCounts, JobFinish, JobId, Lease, PurgeCounts, Store, StoreError,
};

use crate::SyncError;

/// Rows of each kind one transaction removes.
const BATCH: u32 = 1000;
/// How long the retention job's lease lasts: its batches are short transactions.
const LEASE: Duration = Duration::minutes(10);

/// What one retention job removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetentionRun {
    /// The job that logged it.
    pub job_id: JobId,
    /// Rows removed.
    pub removed: PurgeCounts,
    /// What started before this was removed.
    pub cutoff: DateTime<Utc>,
}

/// Purges what of `connection` is older than `retention` at `now`. `None` when there
/// was nothing to purge, or when another job of the connection runs (the next slot
/// purges then).
pub async fn run(
    store: &dyn Store,
    connection: &Connection,
    retention: Retention,
    owner: &str,
    now: DateTime<Utc>,
) -> Result<Option<RetentionRun>, SyncError> {
    let cutoff = retention.cutoff(now);
    if store.count_before(connection.id, cutoff).await?.is_empty() {
        return Ok(None);
    }
    let lease = Lease {
        owner: owner.to_string(),
        expires_at: now + LEASE,
    };
    let Some(job_id) = store
        .try_start_job(connection.id, Trigger::Retention, lease, now)
        .await?
    else {
        return Ok(None);
    };
    let purged = purge(store, connection, cutoff).await;
    let (status, message) = match &purged {
        Ok(removed) => (JobStatus::Success, message(retention, cutoff, removed)),
        Err(error) => (
            JobStatus::Failed,
            format!("Retention stopped: {error}. What was removed stays removed; the next slot goes on."),
        ),
    };
    store
        .finish_job(
            job_id,
            JobFinish {
                status,
                counts: JobCounts::default(),
                finished_at: Utc::now(),
                message: Some(message),
                gong: None,
                fence: None,
            },
        )
        .await?;
    Ok(Some(RetentionRun {
        job_id,
        removed: purged?,
        cutoff,
    }))
}

async fn purge(
    store: &dyn Store,
    connection: &Connection,
    cutoff: DateTime<Utc>,
) -> Result<PurgeCounts, StoreError> {
    let mut removed = PurgeCounts::default();
    loop {
        let batch = store.purge_before(connection.id, cutoff, BATCH).await?;
        if batch.is_empty() {
            return Ok(removed);
        }
        removed.activities += batch.activities;
        removed.stored_meetings += batch.stored_meetings;
        tracing::info!(
            connection = %connection.name,
            activities = batch.activities,
            stored_meetings = batch.stored_meetings,
            "Retention batch purged."
        );
    }
}

/// The job's message: the policy, the cutoff and the counts.
pub fn message(retention: Retention, cutoff: DateTime<Utc>, removed: &PurgeCounts) -> String {
    format!(
        "Retention of {} days: removed {} activities and {} stored meetings that started before {} UTC.",
        retention.as_days(),
        removed.activities,
        removed.stored_meetings,
        cutoff.format("%Y-%m-%d %H:%M")
    )
}

/// Runs the retention job of every connection now and at every slot after, until
/// `shutdown` (`serve` does, beside the scheduler). Replicas may all do it: one job
/// per connection runs at a time, and the others then find nothing to purge.
pub async fn run_at_every_slot(
    store: std::sync::Arc<dyn Store>,
    retention: Retention,
    shutdown: impl std::future::Future<Output = ()>,
) {
    let owner = crate::lease::this_process();
    crate::scheduler::run_at_slots(Utc::now, shutdown, |now| {
        let store = store.clone();
        let owner = owner.clone();
        async move {
            if let Err(error) = run_all(store.as_ref(), retention, &owner, now).await {
                tracing::warn!(%error, "Retention pass failed; trying again at the next slot.");
            }
        }
    })
    .await;
}

/// The retention job of every connection, one after another.
pub async fn run_all(
    store: &dyn Store,
    retention: Retention,
    owner: &str,
    now: DateTime<Utc>,
) -> Result<Vec<(Connection, RetentionRun)>, SyncError> {
    let mut runs = Vec::new();
    for connection in store.list_connections().await? {
        if let Some(run) = run(store, &connection, retention, owner, now).await? {
            tracing::info!(connection = %connection.name, job = run.job_id.get(), "{}", message(retention, run.cutoff, &run.removed));
            runs.push((connection, run));
        }
    }
    // Q4's request counts are kept as long as what they were spent on.
    let pruned = store.prune_gong_requests(retention.cutoff(now)).await?;
    if pruned > 0 {
        tracing::info!(
            rows = pruned,
            "Gong request counts older than the retention period pruned."
        );
    }
    Ok(runs)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn the_message_names_the_policy_the_cutoff_and_the_counts() {
        let cutoff = Utc.with_ymd_and_hms(2023, 12, 7, 0, 0, 0).unwrap();
        let removed = PurgeCounts {
            activities: 3,
            stored_meetings: 2,
        };
        assert_eq!(
            message(Retention::default(), cutoff, &removed),
            "Retention of 1095 days: removed 3 activities and 2 stored meetings that started before 2023-12-07 00:00 UTC."
        );
    }
}
