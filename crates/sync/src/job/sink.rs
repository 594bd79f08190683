//! The sink: a job's page commits, one store transaction each under the job's fence
//! (S8, M4). It needs only the store and the fence.
//!
//! One commit may be in flight while the next page is fetched and evaluated, so the
//! database writes and the rules run side by side. Commits still happen one at a
//! time and in order; counts move when a commit is settled (L1); and
//! [`PageSink::settle`] ends every job.

use gong_timeline_store::GongCallId;
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
    calls: HashSet<GongCallId>,
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
    /// Calls deleted in Gong, forgotten (G1).
    pub forget: Vec<GongCallId>,
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
    pub fn in_flight_writes(&self, calls: &[GongCallId]) -> bool {
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
        calls: Vec<GongCallId>,
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
            forget: extras.forget,
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};
    use gong_timeline_domain::{RecordStatus, Trigger};
    use gong_timeline_store::{ConnectionStatus, Credentials, Lease, NewConnection, NewLogRecord};
    use gong_timeline_store_sql::SqliteStore;

    use crate::job::JobRequest;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 24, 4, 30, 0).unwrap()
    }

    /// A started job in a fresh SQLite store, held by "me".
    async fn started() -> (Arc<dyn Store>, Job, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&url).await.unwrap());
        let connection = store
            .create_connection(NewConnection {
                name: "acme".into(),
                base_url: "http://127.0.0.1:9".into(),
                credentials: Credentials::Basic {
                    access_key: "k".into(),
                    access_key_secret: "s".into(),
                },
                status: ConnectionStatus::Authorised,
                created_at: now(),
            })
            .await
            .unwrap();
        let lease = Lease {
            owner: "me".into(),
            expires_at: now() + Duration::minutes(5),
        };
        let id = store
            .try_start_job(connection.id, Trigger::Manual, lease, now())
            .await
            .unwrap()
            .unwrap();
        let generation = store.get_job(id).await.unwrap().unwrap().lease_generation;
        let job = Job {
            id,
            connection,
            request: JobRequest::new(Trigger::Manual),
            started_at: now(),
            fence: Fence {
                owner: "me".into(),
                generation,
            },
        };
        (store, job, dir)
    }

    /// A page that logs one call Failed.
    fn one_failure(id: &str) -> PagePlan {
        let mut plan = PagePlan::default();
        plan.records.push(NewLogRecord {
            gong_call_id: id.into(),
            title: None,
            meeting_date: None,
            status: RecordStatus::Failed,
            activity: None,
            message: Some("broken".into()),
        });
        plan.counts.fetched = 1;
        plan.counts.failed = 1;
        plan
    }

    #[tokio::test]
    async fn l1_a_page_counts_once_its_commit_is_settled() {
        let (store, job, _dir) = started().await;
        let mut counts = JobCounts::default();
        let mut sink = PageSink::new(store.clone(), &job, &mut counts);

        sink.commit(one_failure("c1"), Extras::default(), vec!["c1".into()])
            .await
            .unwrap();
        assert!(sink.in_flight_writes(&["c1".into()]));
        assert!(!sink.in_flight_writes(&["c2".into()]));
        sink.settle().await.unwrap();
        assert!(!sink.in_flight_writes(&["c1".into()]));
        assert_eq!(counts.failed, 1);
        let stored = store.get_job(job.id).await.unwrap().unwrap();
        assert_eq!(stored.counts.failed, 1, "committed with the page");
    }

    #[tokio::test]
    async fn s8_a_sink_whose_fence_is_stale_writes_nothing_and_counts_nothing() {
        let (store, mut job, _dir) = started().await;
        job.fence.generation += 1;
        let mut counts = JobCounts::default();
        let mut sink = PageSink::new(store.clone(), &job, &mut counts);

        sink.commit(one_failure("c1"), Extras::default(), vec!["c1".into()])
            .await
            .unwrap();
        let settled = sink.settle().await;

        assert!(matches!(settled, Err(e) if e.is_lease_lost()));
        assert_eq!(counts, JobCounts::default());
        let stored = store.get_job(job.id).await.unwrap().unwrap();
        assert_eq!(stored.counts, JobCounts::default());
    }
}
