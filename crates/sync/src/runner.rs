//! The job runner: starts a job under a lease (one per connection), runs the
//! pipeline — provision users, then the retry list and the time window page by page —
//! and finishes the job with its status and counts (L1).

use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use futures::{FutureExt as _, StreamExt};
use gong_timeline_domain::{JobStatus, Trigger};
use gong_timeline_gong::{CallsFilter, ClientConfig, ContentSelector, GongClient};
use gong_timeline_store::{
    Connection, ConnectionId, ConnectionStatus, Fence, JobCounts, JobFinish, JobId, Lease, Store,
    StoreError,
};
use tracing::Instrument;

use crate::lease::LeaseKeeper;
use crate::pipeline::PageWriter;
use crate::progress::{Progress, ProgressFn};
use crate::windows::{plan_window, RETRY_DAYS};
use crate::{connect, provision_job, settings, SyncError};

/// Where "now" comes from; tests pass a fixed clock.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

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
}

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions {
            gong: ClientConfig::default(),
            lease_owner: crate::lease::this_process(),
            lease_ttl: Duration::minutes(5),
            clock: Arc::new(Utc::now),
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
        let job_id = job_id.ok_or_else(|| SyncError::AlreadyRunning(connection.name.clone()))?;
        let generation = self
            .store
            .get_job(job_id)
            .await?
            .map_or(0, |job| job.lease_generation);
        let fence = Fence {
            owner: self.options.lease_owner.clone(),
            generation,
        };
        // An instrumented future, not an entered guard: the job's future stays `Send`
        // so servers can `tokio::spawn` it.
        let span = tracing::info_span!("job", job_id, connection = %connection.name);
        async {
            let mut counts = JobCounts::default();
            // A panic anywhere in the job (a hostile number from Gong, a bug) must not
            // leave it "In progress" holding its lease: catch it here, where every
            // trigger passes (CLI, web, scheduler, webhooks), and finish it Failed.
            let run = async {
                progress(Progress::Started { job_id });
                self.run_started(
                    job_id,
                    &fence,
                    &connection,
                    started_at,
                    &mut counts,
                    progress,
                )
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
            self.finish(
                job_id,
                fence,
                &connection,
                trigger,
                started_at,
                counts,
                outcome,
            )
            .await
        }
        .instrument(span)
        .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn finish(
        &self,
        job_id: JobId,
        fence: Fence,
        connection: &Connection,
        trigger: Trigger,
        started_at: DateTime<Utc>,
        counts: JobCounts,
        outcome: Result<(), SyncError>,
    ) -> Result<JobSummary, SyncError> {
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
            Err(error) => {
                tracing::warn!(%error, "Job failed.");
                (JobStatus::Failed, Some(error.to_string()))
            }
        };
        let status_now = match &outcome {
            Err(e) if e.needs_reauthorization() => Some(ConnectionStatus::NeedsReauthorisation),
            Err(e) if e.unreachable() => Some(ConnectionStatus::Unreachable),
            // A job that got through Gong proves the credentials work again.
            Ok(()) if connection.status != ConnectionStatus::Authorised => {
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
            fence: Some(fence),
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
            trigger,
            status,
            started_at,
            finished_at,
            counts,
            message,
        })
    }

    fn lease(&self, now: DateTime<Utc>) -> Lease {
        Lease {
            owner: self.options.lease_owner.clone(),
            expires_at: now + self.options.lease_ttl,
        }
    }

    async fn run_started(
        &self,
        job_id: JobId,
        fence: &Fence,
        connection: &Connection,
        now: DateTime<Utc>,
        counts: &mut JobCounts,
        progress: &ProgressFn,
    ) -> Result<(), SyncError> {
        let store = &self.store;
        let types = store.list_activity_types().await?;
        let valid = settings::validate(store.get_settings(connection.id).await?, &types)?;
        let client = connect::client_for(store, connection, &self.options.gong).await?;
        let lease = LeaseKeeper::start(self.store.clone(), self.options.clone(), job_id);
        let outcome = self
            .sync_with(
                &client, &lease, job_id, fence, connection, now, valid, counts, progress,
            )
            .await;
        self.stats
            .gong_requests
            .fetch_add(client.requests_made(), Ordering::Relaxed);
        self.stats
            .gong_rate_limited
            .fetch_add(client.rate_limited_answers(), Ordering::Relaxed);
        outcome
    }

    /// The pipeline proper: provision users, the retry list, then the window.
    #[allow(clippy::too_many_arguments)]
    async fn sync_with(
        &self,
        client: &GongClient,
        lease: &LeaseKeeper,
        job_id: JobId,
        fence: &Fence,
        connection: &Connection,
        now: DateTime<Utc>,
        valid: settings::ValidSettings,
        counts: &mut JobCounts,
        progress: &ProgressFn,
    ) -> Result<(), SyncError> {
        let store = &self.store;
        let mut ctx = provision_job::provision(store, client, connection.id, now, progress).await?;
        ctx.activity_type = valid.settings.activity_type.clone();
        ctx.filter_text = match &valid.settings.filter_logic {
            Some(logic) => format!("{} with logic {logic}", valid.settings.filters.join("; ")),
            None => valid.settings.filters.join(" AND "),
        };
        ctx.filter = valid.filter;

        let mut writer = PageWriter::new(self, job_id, fence.clone(), ctx, now, counts);
        self.run_retries(client, &mut writer, progress).await?;
        let checkpoint = store.get_checkpoint(connection.id).await?;
        let window = plan_window(now, &checkpoint, &valid.settings);
        let filter = CallsFilter::window(window.from, window.to);
        let mut pages = client.calls_extensive_lenient(filter, ContentSelector::for_timeline());
        let mut done = 0u64;
        while let Some(page) = pages.next().await {
            let page = page?;
            let total = page.records.total_records.map(|t| t.max(0) as u64);
            done += page.items.len() as u64;
            writer.write_page(page.items, true).await?;
            progress(Progress::Page { done, total });
            lease.check()?;
        }
        writer.finish_window(window.to).await?;
        if window.reconciles {
            store.set_last_reconciled(connection.id, now).await?;
        }
        if writer.saw_hubspot() != connection.hubspot_warning {
            store
                .set_hubspot_warning(connection.id, writer.saw_hubspot())
                .await?;
        }
        Ok(())
    }

    /// Meetings that failed at earlier syncs, by call id (within 30 days).
    async fn run_retries(
        &self,
        client: &GongClient,
        writer: &mut PageWriter<'_>,
        progress: &ProgressFn,
    ) -> Result<(), SyncError> {
        let connection_id = writer.connection_id();
        let now = writer.now();
        self.store
            .prune_retries(connection_id, now - Duration::days(RETRY_DAYS))
            .await?;
        let due = self
            .store
            .list_retries(connection_id, now - Duration::days(RETRY_DAYS))
            .await?;
        let ids: Vec<String> = due.iter().map(|r| r.gong_call_id.clone()).collect();
        writer.set_retrying(
            due.into_iter()
                .map(|r| (r.gong_call_id, r.last_message))
                .collect(),
        );
        for chunk in ids.chunks(100) {
            let mut pages = client.calls_extensive_lenient(
                CallsFilter::ids(chunk.iter().cloned()),
                ContentSelector::for_timeline(),
            );
            while let Some(page) = pages.next().await {
                writer.write_page(page?.items, false).await?;
            }
            progress(Progress::Retried {
                count: chunk.len() as u64,
            });
        }
        Ok(())
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
