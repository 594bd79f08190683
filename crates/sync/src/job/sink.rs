//! The sink: a job's page commits, one store transaction each under the job's fence
//! (S8, M4). It needs only the store and the fence.
//!
//! One commit may be in flight while the next page is fetched and evaluated, so the
//! database writes and the rules run side by side. Commits still happen one at a
//! time and in order; counts move when a commit is settled (L1); and
//! [`PageSink::settle`] ends every job.

use std::collections::HashSet;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use gong_timeline_store::{
    ConnectionId, Fence, JobCounts, JobId, PageCommit, ResumeUpdate, Store, StoreError,
    StoredMeeting, WebhookDone,
};
use tracing::Instrument;

use super::page::PagePlan;
use super::Job;
use crate::SyncError;

/// A job's page commits.
pub struct PageSink<'c> {
    store: Arc<dyn Store>,
    job_id: JobId,
    connection_id: ConnectionId,
    fence: Fence,
    now: DateTime<Utc>,
    in_flight: Option<InFlight>,
    /// The job's counts, of committed pages only; borrowed so that they outlive a
    /// panic of the job.
    counts: &'c mut JobCounts,
}

/// A page commit running in the background: the calls it writes and its counts.
struct InFlight {
    calls: HashSet<String>,
    counts: JobCounts,
    commit: tokio::task::JoinHandle<Result<(), SyncError>>,
}

/// What a commit writes besides the page's outcomes.
#[derive(Default)]
pub struct Extras {
    /// Meetings as fetched (M1).
    pub stored: Vec<StoredMeeting>,
    /// The checkpoint the commit moves to.
    pub checkpoint: Option<DateTime<Utc>>,
    /// The resume point.
    pub resume: ResumeUpdate,
    /// A reconciliation finished.
    pub reconciled_at: Option<DateTime<Utc>>,
    /// The settings a re-evaluation finished under.
    pub evaluated_settings: Option<i64>,
    /// Webhook queue entries the page handled.
    pub webhook_done: Option<WebhookDone>,
}

impl<'c> PageSink<'c> {
    /// The sink of a started job.
    pub fn new(store: Arc<dyn Store>, job: &Job, counts: &'c mut JobCounts) -> PageSink<'c> {
        PageSink {
            store,
            job_id: job.id,
            connection_id: job.connection.id,
            fence: job.fence.clone(),
            now: job.started_at,
            in_flight: None,
            counts,
        }
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// Whether the commit in flight writes one of these calls: what a page reads
    /// must then wait for it.
    pub fn in_flight_writes(&self, calls: &[String]) -> bool {
        self.in_flight
            .as_ref()
            .is_some_and(|f| calls.iter().any(|id| f.calls.contains(id)))
    }

    /// Waits for the page commit in flight, if any, and counts it (L1).
    pub async fn settle(&mut self) -> Result<(), SyncError> {
        let Some(in_flight) = self.in_flight.take() else {
            return Ok(());
        };
        crate::joined(in_flight.commit.await)?;
        *self.counts += in_flight.counts;
        Ok(())
    }

    /// Commits a page's plan with its extras, after the commit in flight. A page of
    /// `calls` goes on in the background; a pass's last commit (no calls) is written
    /// before this returns.
    pub async fn commit(
        &mut self,
        plan: PagePlan,
        extras: Extras,
        calls: Vec<String>,
    ) -> Result<(), SyncError> {
        let counts = plan.counts;
        let span = tracing::info_span!(
            "page_commit",
            meetings = calls.len(),
            created = counts.created,
            updated = counts.updated,
            skipped = counts.skipped,
            failed = counts.failed,
        );
        let page = self.page(plan, extras);
        self.settle().await?;
        let store = self.store.clone();
        let commit =
            async move { commit_waiting_for_locks(store.as_ref(), page).await }.instrument(span);
        if calls.is_empty() {
            commit.await?;
            *self.counts += counts;
            return Ok(());
        }
        // Counts come only from committed pages (L1): they move when it is settled.
        self.in_flight = Some(InFlight {
            calls: calls.into_iter().collect(),
            counts,
            commit: tokio::spawn(commit),
        });
        Ok(())
    }

    fn page(&self, plan: PagePlan, extras: Extras) -> PageCommit {
        PageCommit {
            job_id: self.job_id,
            connection_id: self.connection_id,
            upserts: plan.upserts,
            records: plan.records,
            retry_add: plan.retry_add,
            retry_remove: plan.retry_remove,
            removals: plan.removals,
            skip_marks: plan.skip_marks,
            unmark: plan.unmark,
            checkpoint: extras.checkpoint,
            counts_delta: plan.counts,
            now: self.now,
            meetings: extras.stored,
            fence: self.fence.clone(),
            resume: extras.resume,
            reconciled_at: extras.reconciled_at,
            evaluated_settings: extras.evaluated_settings,
            webhook_done: extras.webhook_done,
        }
    }
}

/// How many times a page commit meets a locked database before the job gives up.
/// Each attempt already waits the store's busy timeout (10 s for SQLite), so a
/// long import next to a running sync delays a page by up to a minute instead of
/// failing the job (measured: a 100,000-row import holds SQLite's lock ~11 s).
const LOCKED_ATTEMPTS: u32 = 6;

/// Commits a page, trying again while another writer (an import) holds the lock.
async fn commit_waiting_for_locks(store: &dyn Store, page: PageCommit) -> Result<(), SyncError> {
    let mut attempt = 1;
    loop {
        match store.commit_page(&page).await {
            Ok(_) => return Ok(()),
            Err(StoreError::Locked) if attempt < LOCKED_ATTEMPTS => {
                tracing::warn!(
                    attempt,
                    "The database is locked by another writer; trying the page again."
                );
                attempt += 1;
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            }
            Err(error) => return Err(error.into()),
        }
    }
}
