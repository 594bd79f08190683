//! Syncs started from the web (Initiate Sync, Save, the API): they run in the
//! background so the request returns at once; one per connection at a time.

use gong_timeline_domain::{JobStatus, Trigger};
use gong_timeline_store::{ConnectionId, Job, JobFilter};
use gong_timeline_sync::progress::Progress;
use gong_timeline_sync::JobRequest;
use serde::Serialize;

use chrono::{DateTime, Utc};
use gong_timeline_domain::audit::AuditAction;
use gong_timeline_sync::audit::Change;

use crate::auth::AdminSession;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Where a connection's syncing stands.
#[derive(Debug, Clone, Serialize)]
pub struct SyncStatus {
    /// The connection.
    pub connection_id: ConnectionId,
    /// True while a job is running (started here or by the scheduler).
    pub running: bool,
    /// The newest job, if any.
    pub last_job: Option<Job>,
    /// Meetings of the window read so far and Gong's total for it, while a sync
    /// started here runs and has read a page. (Pages only, not the API.)
    #[serde(skip)]
    pub progress: Option<(u64, Option<u64>)>,
}

/// Starts a job of `connection_id` in the background. A connection with a job
/// already running is a conflict.
pub async fn start(
    state: &AppState,
    connection_id: ConnectionId,
    trigger: Trigger,
) -> ApiResult<()> {
    start_request(state, connection_id, JobRequest::new(trigger)).await
}

/// [`start`] for any [`JobRequest`]: "Re-sync from Gong since …" is
/// `JobRequest::resync(from)` (trigger `resync`, bounded by the backfill).
pub async fn start_request(
    state: &AppState,
    connection_id: ConnectionId,
    request: JobRequest,
) -> ApiResult<()> {
    let connection = state.engine.can_sync(connection_id).await?;
    let already_running = || {
        ApiError::Conflict(format!(
            "a sync of '{}' is already running; wait for it to finish",
            connection.name
        ))
    };
    if status(state, connection_id).await?.running {
        return Err(already_running());
    }
    // The check above reads the store; this one closes the race between two clicks.
    if !state
        .inner
        .running
        .lock()
        .expect("running set")
        .insert(connection_id)
    {
        return Err(already_running());
    }
    spawn(state, connection_id, request);
    Ok(())
}

/// "Re-sync from Gong since `from`" (trigger `resync`, bounded by the backfill), in
/// the background; recorded in the audit log once started.
pub async fn resync(
    state: &AppState,
    connection_id: ConnectionId,
    from: DateTime<Utc>,
    by: &AdminSession,
) -> ApiResult<()> {
    start_request(state, connection_id, JobRequest::resync(from)).await?;
    let name = super::lookup::connection(state, connection_id).await?.name;
    let change = Change::new(AuditAction::Resynced, super::audit::connection(&name));
    super::audit::record(state, by, change.after(&serde_json::json!({"from": from}))).await;
    Ok(())
}

/// Runs the job on the runtime, keeping its progress for the page until it ends.
fn spawn(state: &AppState, connection_id: ConnectionId, request: JobRequest) {
    let engine = state.engine.clone();
    let inner = state.inner.clone();
    state.inner.tasks.spawn(async move {
        let seen = inner.clone();
        let progress = move |p: Progress| {
            if let Progress::Page { done, total } = p {
                let mut all = seen.progress.lock().expect("progress map");
                all.insert(connection_id, (done, total));
            }
        };
        let outcome = engine.run_request(connection_id, request, &progress).await;
        inner
            .progress
            .lock()
            .expect("progress map")
            .remove(&connection_id);
        match outcome {
            Ok(summary) => tracing::info!(
                job_id = summary.id.get(),
                status = %summary.status,
                "Background sync finished."
            ),
            Err(error) => tracing::warn!(connection_id = connection_id.get(), %error, "Background sync did not start."),
        }
        inner
            .running
            .lock()
            .expect("running set")
            .remove(&connection_id);
    });
}

/// Whether a sync of `connection_id` is running, and its newest job.
pub async fn status(state: &AppState, connection_id: ConnectionId) -> ApiResult<SyncStatus> {
    let last_job = state
        .store
        .list_jobs(JobFilter {
            connection_id: Some(connection_id),
            limit: Some(1),
            ..JobFilter::default()
        })
        .await?
        .into_iter()
        .next();
    let here = state
        .inner
        .running
        .lock()
        .expect("running set")
        .contains(&connection_id);
    let in_store = last_job
        .as_ref()
        .is_some_and(|j| j.status == JobStatus::InProgress);
    let progress = state
        .inner
        .progress
        .lock()
        .expect("progress map")
        .get(&connection_id)
        .copied();
    Ok(SyncStatus {
        connection_id,
        running: here || in_store,
        last_job,
        progress,
    })
}

/// The triggers of the jobs a connection's headline status is (#20 item 3): the
/// schedule's and an admin's, not a webhook batch of a few pushed calls nor a
/// retention job, which would bury it.
pub const HEADLINE_TRIGGERS: [Trigger; 5] = [
    Trigger::Schedule,
    Trigger::Manual,
    Trigger::Save,
    Trigger::Reevaluate,
    Trigger::Resync,
];

/// A connection's headline status: its newest scheduled or admin-started job, and
/// the webhook batches that ran after it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Headline {
    /// The newest job of [`HEADLINE_TRIGGERS`], if any.
    pub job: Option<Job>,
    /// Webhook batches started after it (all of them when there is none).
    pub webhook_batches: u64,
    /// Meetings those batches failed.
    pub webhook_failed: u64,
}

/// [`Headline`] of `connection_id`.
pub async fn headline(state: &AppState, connection_id: ConnectionId) -> ApiResult<Headline> {
    let job = state
        .store
        .list_jobs(JobFilter {
            connection_id: Some(connection_id),
            triggers: HEADLINE_TRIGGERS.to_vec(),
            limit: Some(1),
            ..JobFilter::default()
        })
        .await?
        .into_iter()
        .next();
    let batches = state
        .store
        .list_jobs(JobFilter {
            connection_id: Some(connection_id),
            triggers: vec![Trigger::Webhook],
            from: job.as_ref().map(|j| j.started_at),
            ..JobFilter::default()
        })
        .await?;
    let after = |b: &&Job| {
        job.as_ref()
            .is_none_or(|j| (b.started_at, b.id) > (j.started_at, j.id))
    };
    let since: Vec<&Job> = batches.iter().filter(after).collect();
    Ok(Headline {
        webhook_batches: since.len() as u64,
        webhook_failed: since.iter().map(|b| b.counts.failed).sum(),
        job,
    })
}
