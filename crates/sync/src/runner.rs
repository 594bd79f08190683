//! The engine: starts a job under a lease (one per connection), hands it to
//! [`crate::job`] with its Gong client, lease keeper and page sink, and finishes it
//! with its status and counts (L1), whatever happened — a panic included.

use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use futures::FutureExt as _;
use gong_timeline_domain::{JobStatus, Trigger};
use gong_timeline_gong::{ClientConfig, ContentSelector, GongClient};
use gong_timeline_store::{
    Connection, ConnectionId, ConnectionStatus, Fence, GongUsage, JobCounts, JobFinish, JobId,
    Lease, Store, StoreError,
};
use tracing::Instrument;

pub use crate::clock::Clock;
use crate::job::{sink::PageSink, Job, JobRun};
pub use crate::job::{JobRequest, WEBHOOK_CALLS_PER_JOB};
use crate::lease::LeaseKeeper;
use crate::progress::{Progress, ProgressFn};
use crate::quota::Ledger;
use crate::{connect, settings, SyncError};

/// How many jobs of different connections one engine runs at once: per scheduler
/// pass, per take-over sweep.
pub const CONCURRENT_JOBS: usize = 4;

/// How the engine runs jobs.
#[derive(Clone)]
pub struct EngineOptions {
    /// Limits, retries and timeouts of every Gong client (the base URL is per connection).
    pub gong: ClientConfig,
    /// Who holds the leases of this process's jobs.
    pub lease_owner: String,
    /// How long a lease lasts without a heartbeat.
    pub lease_ttl: Duration,
    /// The clock.
    pub clock: Clock,
    /// Ask Gong for each call's AI content (highlights, outline, outcome, action
    /// items: S9). Always on in the product; `bench --without-content` turns it off to
    /// measure what the content costs.
    pub content: bool,
}

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions {
            gong: ClientConfig::default(),
            lease_owner: crate::lease::this_process(),
            lease_ttl: Duration::minutes(5),
            clock: Arc::new(Utc::now),
            content: true,
        }
    }
}

/// What a finished job reports.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct JobSummary {
    /// Job id.
    pub id: JobId,
    /// Connection name.
    pub connection: String,
    /// What started it.
    pub trigger: Trigger,
    /// Final status.
    pub status: JobStatus,
    /// Start.
    pub started_at: DateTime<Utc>,
    /// End.
    pub finished_at: DateTime<Utc>,
    /// Counts of meetings by outcome.
    #[serde(flatten)]
    pub counts: JobCounts,
    /// Why the job stopped early, when it did.
    pub message: Option<String>,
    /// What the job asked of Gong (`gong_requests`, `gong_rate_limited`).
    #[serde(flatten)]
    pub gong: GongUsage,
}

/// Runs sync jobs against a store.
#[derive(Clone)]
pub struct Engine {
    store: Arc<dyn Store>,
    options: EngineOptions,
    stats: Arc<EngineStats>,
}

/// Counters over every job this engine ran, for `/metrics`.
#[derive(Debug, Default)]
pub struct EngineStats {
    /// Gong API requests sent (retries included).
    pub gong_requests: AtomicU64,
    /// 429 answers from Gong.
    pub gong_rate_limited: AtomicU64,
    /// Jobs this engine ran to their end (any status).
    pub jobs: AtomicU64,
    /// Meetings those jobs handled (created, updated, skipped or failed).
    pub meetings: AtomicU64,
}

impl Engine {
    /// An engine over `store`.
    pub fn new(store: Arc<dyn Store>, options: EngineOptions) -> Engine {
        Engine {
            store,
            options,
            stats: Arc::default(),
        }
    }

    /// Counters over the jobs this engine ran.
    pub fn stats(&self) -> &EngineStats {
        &self.stats
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// Limits, retries and timeouts of the engine's Gong clients.
    pub fn gong_config(&self) -> &ClientConfig {
        &self.options.gong
    }

    /// How long a job's lease lasts without a heartbeat.
    pub fn lease_ttl(&self) -> Duration {
        self.options.lease_ttl
    }

    /// Who holds the leases of this engine's jobs.
    pub fn lease_owner(&self) -> &str {
        &self.options.lease_owner
    }

    /// The current time of the engine's clock.
    pub fn now(&self) -> DateTime<Utc> {
        (self.options.clock)()
    }

    /// The connection, when a sync of it may start (C6): it exists, is authorised and
    /// is not disabled; otherwise why not and what to do.
    pub async fn can_sync(&self, connection_id: ConnectionId) -> Result<Connection, SyncError> {
        let connection = self
            .store
            .get_connection(connection_id)
            .await?
            .ok_or_else(|| SyncError::UnknownConnection(connection_id.to_string()))?;
        let enabled = self.store.get_settings(connection.id).await?.enabled;
        match ConnectionStatus::shown(connection.status, enabled).sync_refusal(&connection.name) {
            Some(why) => Err(SyncError::Refused(why)),
            None => Ok(connection),
        }
    }

    /// Runs one job of a connection now. Errors only when the job could not start;
    /// a job that started and then failed returns its summary with status Failed.
    pub async fn run_job(
        &self,
        connection_id: ConnectionId,
        trigger: Trigger,
        progress: &ProgressFn,
    ) -> Result<JobSummary, SyncError> {
        self.run_request(connection_id, JobRequest::new(trigger), progress)
            .await
    }

    /// Runs one job as requested: a sync, a re-evaluation, a re-sync from a date.
    pub async fn run_request(
        &self,
        connection_id: ConnectionId,
        request: JobRequest,
        progress: &ProgressFn,
    ) -> Result<JobSummary, SyncError> {
        let job = self.start(connection_id, request).await?;
        // An instrumented future, not an entered guard: the job's future stays `Send`
        // so servers can `tokio::spawn` it.
        let span = tracing::info_span!(
            "job",
            job_id = job.id.get(),
            connection = %job.connection.name,
            trigger = %request.trigger,
        );
        async {
            let mut counts = JobCounts::default();
            // The job's client, kept here so that its counts survive a panic.
            let mut client = None;
            // A panic anywhere in the job (a hostile number from Gong, a bug) must not
            // leave it "In progress" holding its lease: catch it here, where every
            // trigger passes (CLI, web, scheduler, webhooks), and finish it Failed.
            let run = async {
                progress(Progress::Started { job_id: job.id });
                self.run_started(&job, &mut counts, &mut client, progress)
                    .await
            };
            let outcome = AssertUnwindSafe(run)
                .catch_unwind()
                .await
                .unwrap_or_else(|panic| {
                    let what = panic_message(panic.as_ref());
                    tracing::error!(panic = %what, "The job panicked; finishing it Failed.");
                    Err(SyncError::Panicked(what))
                });
            // No client, no request.
            let gong = client.as_ref().map(usage).unwrap_or_default();
            self.stats
                .gong_requests
                .fetch_add(gong.requests, Ordering::Relaxed);
            self.stats
                .gong_rate_limited
                .fetch_add(gong.rate_limited, Ordering::Relaxed);
            let summary = self.finish(&job, counts, gong, outcome).await?;
            self.stats.jobs.fetch_add(1, Ordering::Relaxed);
            let c = summary.counts;
            let handled = c.created + c.updated + c.skipped + c.failed;
            self.stats.meetings.fetch_add(handled, Ordering::Relaxed);
            Ok(summary)
        }
        .instrument(span)
        .await
    }

    /// Starts a job of the connection under this engine's lease (one job per
    /// connection); a job whose process died on this host is released first.
    async fn start(
        &self,
        connection_id: ConnectionId,
        request: JobRequest,
    ) -> Result<Job, SyncError> {
        let trigger = request.trigger;
        let connection = self.can_sync(connection_id).await?;
        let started_at = self.now();
        let mut job_id = self
            .store
            .try_start_job(connection.id, trigger, self.lease(started_at), started_at)
            .await?;
        if job_id.is_none()
            && crate::lease::release_dead_jobs(self.store.as_ref(), connection.id, started_at)
                .await?
                > 0
        {
            job_id = self
                .store
                .try_start_job(connection.id, trigger, self.lease(started_at), started_at)
                .await?;
        }
        let id = job_id.ok_or_else(|| SyncError::AlreadyRunning(connection.name.clone()))?;
        let generation = self
            .store
            .get_job(id)
            .await?
            .map_or(0, |job| job.lease_generation);
        let fence = Fence {
            owner: self.options.lease_owner.clone(),
            generation,
        };
        Ok(Job {
            id,
            connection,
            request,
            started_at,
            fence,
        })
    }

    /// Ends a job: its status from its counts or its error (L1), the connection's
    /// status from what Gong answered, all fenced.
    async fn finish(
        &self,
        job: &Job,
        counts: JobCounts,
        gong: GongUsage,
        outcome: Result<(), SyncError>,
    ) -> Result<JobSummary, SyncError> {
        let (job_id, connection) = (job.id, &job.connection);
        if let Err(error) = &outcome {
            if error.is_lease_lost() {
                // Another process owns the job now: write nothing, not even its end.
                tracing::warn!(%error, "Lease lost; stopping without writing.");
                return Err(SyncError::LeaseLost(job_id));
            }
        }
        let (status, message) = match &outcome {
            Ok(()) => (
                JobStatus::from_counts(
                    counts.created + counts.updated + counts.skipped,
                    counts.failed,
                ),
                None,
            ),
            // Q2: a spent budget pauses the job; its pages are kept and the next
            // slot goes on where it stopped.
            Err(error) if let Some(resumes_at) = error.paused_until() => {
                tracing::info!(%error, "Job paused by the Gong quota.");
                let paused = gong_timeline_gong::GongError::Paused { resumes_at };
                (JobStatus::PartialSuccess, Some(paused.to_string()))
            }
            Err(error @ SyncError::TranscriptsRefused(_)) => {
                tracing::warn!(%error, "Job's transcripts refused.");
                (JobStatus::PartialSuccess, Some(error.to_string()))
            }
            Err(error) => {
                tracing::warn!(%error, "Job failed.");
                (JobStatus::Failed, Some(error.to_string()))
            }
        };
        let status_now = match &outcome {
            Err(e) if e.needs_reauthorization() => Some(ConnectionStatus::NeedsReauthorisation),
            Err(e) if e.unreachable() => Some(ConnectionStatus::Unreachable),
            // A job that got through Gong proves the credentials work again.
            Ok(()) | Err(SyncError::TranscriptsRefused(_))
                if connection.status != ConnectionStatus::Authorised =>
            {
                Some(ConnectionStatus::Authorised)
            }
            _ => None,
        };
        if let Some(status) = status_now {
            self.store
                .set_connection_status(connection.id, status)
                .await?;
        }
        let finished_at = self.now();
        let finish = JobFinish {
            status,
            counts,
            finished_at,
            message: message.clone(),
            gong: Some(gong),
            fence: Some(job.fence.clone()),
        };
        self.store
            .finish_job(job_id, finish)
            .await
            .map_err(|e| match e {
                StoreError::LeaseLost { job_id } => SyncError::LeaseLost(job_id),
                e => e.into(),
            })?;
        Ok(JobSummary {
            id: job_id,
            connection: connection.name.clone(),
            trigger: job.request.trigger,
            status,
            started_at: job.started_at,
            finished_at,
            counts,
            message,
            gong,
        })
    }

    fn lease(&self, now: DateTime<Utc>) -> Lease {
        Lease {
            owner: self.options.lease_owner.clone(),
            expires_at: now + self.options.lease_ttl,
        }
    }

    /// Runs a started job's passes ([`crate::job`]) with its client, lease keeper and
    /// page sink; the sink's last commit is settled whatever the passes did.
    async fn run_started(
        &self,
        job: &Job,
        counts: &mut JobCounts,
        client_slot: &mut Option<GongClient>,
        progress: &ProgressFn,
    ) -> Result<(), SyncError> {
        let store = &self.store;
        let types = store.list_activity_types().await?;
        let valid = settings::validate(store.get_settings(job.connection.id).await?, &types)?;
        let client = connect::client_for(store, &job.connection, &self.options.gong).await?;
        *client_slot = Some(client.clone());
        let ledger =
            Ledger::open(store.clone(), job.connection.id, self.options.clock.clone()).await?;
        let lease = LeaseKeeper::start(
            store.clone(),
            self.options.lease_owner.clone(),
            self.options.lease_ttl,
            self.options.clock.clone(),
            job.id,
        );
        let mut sink = PageSink::new(store.clone(), job, counts);
        let run = JobRun {
            job,
            selector: if self.options.content {
                ContentSelector::for_timeline()
            } else {
                ContentSelector::without_content()
            },
            client: &client,
            ledger: &ledger,
            lease: &lease,
            clock: &self.options.clock,
            progress,
        };
        let passes = AssertUnwindSafe(run.run(valid, &mut sink))
            .catch_unwind()
            .await;
        if let Err(error) = ledger.flush().await {
            tracing::warn!(%error, "The job's last Gong request counts could not be written.");
        }
        settled(passes, sink.settle().await)
    }
}

/// A job's passes (caught if they panicked) and the settling of its last page
/// commit, which runs whatever happened, so that no commit outlives its job and the
/// job's counts include it. A panic goes on once the commit is settled. Of two
/// errors the pass's wins, unless only the commit saw the lease lost: that decides
/// how the job ends (it writes nothing more). The other is logged.
fn settled(
    passes: std::thread::Result<Result<(), SyncError>>,
    settle: Result<(), SyncError>,
) -> Result<(), SyncError> {
    let passes = match passes {
        Ok(passes) => passes,
        Err(panic) => {
            if let Err(error) = &settle {
                tracing::warn!(%error, "The last page commit of a job that panicked failed.");
            }
            std::panic::resume_unwind(panic)
        }
    };
    match (passes, settle) {
        (Ok(()), settle) => settle,
        (Err(pass), Ok(())) => Err(pass),
        (Err(pass), Err(commit)) => {
            let (kept, dropped) = if commit.is_lease_lost() && !pass.is_lease_lost() {
                (commit, pass)
            } else {
                (pass, commit)
            };
            tracing::warn!(error = %dropped, "A second error in the same job.");
            Err(kept)
        }
    }
}

/// What a job's client asked of Gong so far.
fn usage(client: &GongClient) -> GongUsage {
    GongUsage {
        requests: client.requests_made(),
        rate_limited: client.rate_limited_answers(),
    }
}

/// The text of a caught panic.
fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gong_down() -> SyncError {
        SyncError::Cancelled
    }

    #[test]
    fn s8_a_commit_that_lost_the_lease_decides_how_the_job_ends() {
        let ended = settled(
            Ok(Err(gong_down())),
            Err(SyncError::LeaseLost(JobId::new(3))),
        );
        assert!(matches!(ended, Err(SyncError::LeaseLost(id)) if id == JobId::new(3)));
    }

    #[test]
    fn l1_otherwise_the_pass_error_wins_and_a_clean_pass_reports_its_last_commit() {
        let ended = settled(Ok(Err(gong_down())), Err(SyncError::Panicked("x".into())));
        assert!(matches!(ended, Err(SyncError::Cancelled)));
        let ended = settled(Ok(Ok(())), Err(gong_down()));
        assert!(matches!(ended, Err(SyncError::Cancelled)));
        assert!(settled(Ok(Ok(())), Ok(())).is_ok());
    }

    #[test]
    fn a_panic_of_the_passes_goes_on_once_the_commit_is_settled() {
        let panic = std::panic::catch_unwind(|| panic!("a bug")).unwrap_err();
        let resumed =
            std::panic::catch_unwind(AssertUnwindSafe(|| settled(Err(panic), Ok(())))).unwrap_err();
        assert_eq!(panic_message(resumed.as_ref()), "a bug");
    }
}
