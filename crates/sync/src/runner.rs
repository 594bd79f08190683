//! The job runner: starts a job under a lease (one per connection), runs the
//! pipeline — provision users, then the retry list and the time window page by page —
//! and finishes the job with its status and counts (L1).

use std::collections::HashSet;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use futures::stream::BoxStream;
use futures::{FutureExt as _, StreamExt};
use gong_timeline_domain::{JobStatus, Trigger};
use gong_timeline_gong::{
    CallsFilter, ClientConfig, ContentSelector, GongClient, GongError, LenientCallsPage,
};
use gong_timeline_store::{
    Checkpoint, Connection, ConnectionId, ConnectionStatus, Fence, GongUsage, JobCounts, JobFinish,
    JobId, Lease, MeetingKey, MeetingSet, Pass, ResumePoint, ResumeUpdate, Store, StoreError,
    StoredMeeting,
};
use tracing::Instrument;

use crate::evaluate::{self, StoredPages};
use crate::lease::LeaseKeeper;
use crate::pipeline::PageWriter;
use crate::progress::{Progress, ProgressFn};
use crate::windows::{plan_window, resync_window, Window, RETRY_DAYS};
use crate::{connect, provision_job, settings, windows, SyncError};

/// The most queued webhook calls one job takes (ten requests of 100 ids).
pub const WEBHOOK_CALLS_PER_JOB: u32 = 1_000;

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
            // The job's client, kept here so that its counts survive a panic.
            let mut client = None;
            // A panic anywhere in the job (a hostile number from Gong, a bug) must not
            // leave it "In progress" holding its lease: catch it here, where every
            // trigger passes (CLI, web, scheduler, webhooks), and finish it Failed.
            let run = async {
                progress(Progress::Started { job_id });
                self.run_started(
                    job_id,
                    &fence,
                    &connection,
                    request,
                    started_at,
                    &mut counts,
                    &mut client,
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
            // No client, no request.
            let gong = client.as_ref().map(usage).unwrap_or_default();
            self.stats
                .gong_requests
                .fetch_add(gong.requests, Ordering::Relaxed);
            self.stats
                .gong_rate_limited
                .fetch_add(gong.rate_limited, Ordering::Relaxed);
            let summary = self
                .finish(
                    job_id,
                    fence,
                    &connection,
                    trigger,
                    started_at,
                    counts,
                    gong,
                    outcome,
                )
                .await?;
            self.stats.jobs.fetch_add(1, Ordering::Relaxed);
            let c = summary.counts;
            let handled = c.created + c.updated + c.skipped + c.failed;
            self.stats.meetings.fetch_add(handled, Ordering::Relaxed);
            Ok(summary)
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
        gong: GongUsage,
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
            gong: Some(gong),
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
            gong,
        })
    }

    fn lease(&self, now: DateTime<Utc>) -> Lease {
        Lease {
            owner: self.options.lease_owner.clone(),
            expires_at: now + self.options.lease_ttl,
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn run_started(
        &self,
        job_id: JobId,
        fence: &Fence,
        connection: &Connection,
        request: JobRequest,
        now: DateTime<Utc>,
        counts: &mut JobCounts,
        client_slot: &mut Option<GongClient>,
        progress: &ProgressFn,
    ) -> Result<(), SyncError> {
        let store = &self.store;
        let types = store.list_activity_types().await?;
        let valid = settings::validate(store.get_settings(connection.id).await?, &types)?;
        let client = connect::client_for(store, connection, &self.options.gong).await?;
        *client_slot = Some(client.clone());
        let lease = LeaseKeeper::start(self.store.clone(), self.options.clone(), job_id);
        let outcome = self
            .sync_with(
                &client, &lease, job_id, fence, connection, request, now, valid, counts, progress,
            )
            .await;
        outcome
    }

    /// The pipeline proper (M2, M3): provision users; resume an interrupted window
    /// (or re-sync from a date); re-evaluate stored meetings locally; re-read by id
    /// only the calls that never became meetings; then the window.
    #[allow(clippy::too_many_arguments)]
    async fn sync_with(
        &self,
        client: &GongClient,
        lease: &LeaseKeeper,
        job_id: JobId,
        fence: &Fence,
        connection: &Connection,
        request: JobRequest,
        now: DateTime<Utc>,
        valid: settings::ValidSettings,
        counts: &mut JobCounts,
        progress: &ProgressFn,
    ) -> Result<(), SyncError> {
        let store = &self.store;
        if request.trigger == Trigger::Webhook {
            let mut ctx = provision_job::load_context(store, connection.id).await?;
            evaluate::apply_settings(&mut ctx, valid);
            let mut writer = PageWriter::new(self, job_id, fence.clone(), ctx, now, counts);
            let drained =
                AssertUnwindSafe(self.drain_webhook_queue(client, lease, &mut writer, progress))
                    .catch_unwind()
                    .await;
            return settled(drained, writer.settle().await);
        }
        let mut ctx = provision_job::provision(store, client, connection.id, now, progress).await?;
        let settings_fp = evaluate::settings_fingerprint(&valid.settings);
        let backfill_from = windows::backfill_start(now, valid.settings.backfill_days);
        let window_settings = valid.settings.clone();
        evaluate::apply_settings(&mut ctx, valid);
        store
            .prune_stored_meetings(connection.id, backfill_from)
            .await?;
        store
            .prune_retries(connection.id, now - Duration::days(RETRY_DAYS))
            .await?;
        let retries = store
            .list_retries(connection.id, now - Duration::days(RETRY_DAYS))
            .await?;
        let checkpoint = store.get_checkpoint(connection.id).await?;

        let mut writer = PageWriter::new(self, job_id, fence.clone(), ctx, now, counts);
        writer.set_retrying(
            retries
                .iter()
                .map(|r| (r.gong_call_id.clone(), r.last_message.clone()))
                .collect(),
        );
        let first = first_window(request, &checkpoint, backfill_from, now);
        let passes = AssertUnwindSafe(async {
            if request.trigger != Trigger::Reevaluate {
                if let Some(window) = first {
                    writer.note_fetched_first();
                    self.fetch_window(client, lease, &mut writer, window, progress)
                        .await?;
                }
            }
            let (which, after) = reevaluation(request.trigger, &checkpoint, settings_fp);
            let evaluated = self
                .reevaluate(
                    &mut writer,
                    which,
                    after,
                    backfill_from,
                    settings_fp,
                    progress,
                )
                .await?;
            lease.check()?;
            if request.trigger == Trigger::Reevaluate {
                return Ok(());
            }
            // What never became a meeting: neither evaluated from the store nor
            // fetched again by a first window (resume, re-sync) in this job.
            let broken: Vec<String> = retries
                .into_iter()
                .map(|r| r.gong_call_id)
                .filter(|id| !evaluated.contains(id) && !writer.fetched_first(id))
                .collect();
            self.refetch_by_id(client, &mut writer, broken, progress)
                .await?;
            // Only a whole pass over the reconciliation span may clear C3's warning: a
            // resumed window saw only its tail, an incremental one only the look-back.
            let mut reconciled =
                request.resync_from.is_some() && first.is_some_and(|w| w.reconciles);
            if first.is_none() {
                let window = plan_window(now, &checkpoint, &window_settings);
                reconciled = window.reconciles;
                if window.reconciles {
                    self.fetch_window(client, lease, &mut writer, window, progress)
                        .await?;
                } else {
                    self.fetch_look_back(client, lease, &mut writer, window, progress)
                        .await?;
                }
            }
            writer.settle().await?;
            let warning =
                hubspot_warning(connection.hubspot_warning, writer.saw_hubspot(), reconciled);
            if warning != connection.hubspot_warning {
                store.set_hubspot_warning(connection.id, warning).await?;
            }
            Ok::<(), SyncError>(())
        })
        .catch_unwind()
        .await;
        settled(passes, writer.settle().await)
    }

    /// Fetches a time window page by page; each page records where to resume.
    async fn fetch_window(
        &self,
        client: &GongClient,
        lease: &LeaseKeeper,
        writer: &mut PageWriter<'_>,
        window: Window,
        progress: &ProgressFn,
    ) -> Result<(), SyncError> {
        writer.begin_window(window);
        let filter = CallsFilter::window(window.from, window.to);
        let pages = client.calls_extensive_lenient(filter, ContentSelector::for_timeline());
        write_pages(pages, lease, writer, 0, progress).await?;
        writer.finish_window(window).await
    }

    /// The incremental window (S7): its first page alone, then the rest only when
    /// something may have turned up late ([`windows::look_back_settled`]).
    async fn fetch_look_back(
        &self,
        client: &GongClient,
        lease: &LeaseKeeper,
        writer: &mut PageWriter<'_>,
        window: Window,
        progress: &ProgressFn,
    ) -> Result<(), SyncError> {
        writer.begin_window(window);
        let store = &self.store;
        let connection_id = writer.connection_id();
        let filter = CallsFilter::window(window.from, window.to);
        // Counted over the bounds Gong is sent (whole seconds), after every earlier
        // page of this job is in the store.
        let (from, to) = filter.sent_bounds();
        let count = || async {
            store
                .count_stored_meetings(
                    connection_id,
                    from.unwrap_or(window.from),
                    to.unwrap_or(window.to),
                )
                .await
        };
        writer.settle().await?;
        let before = count().await?;
        let selector = ContentSelector::for_timeline();
        let Some(first) = client
            .calls_extensive_lenient_first(filter.clone(), selector.clone())
            .await?
        else {
            return writer.finish_window(window).await;
        };
        let (total, cursor) = (first.records.total_records, first.records.cursor.clone());
        let first = futures::stream::iter([Ok(first)]).boxed();
        let done = write_pages(first, lease, writer, 0, progress).await?;
        if let Some(cursor) = cursor {
            // The first page must be in the store before it is counted again.
            writer.settle().await?;
            let after = count().await?;
            if windows::look_back_settled(total, before, after) {
                tracing::info!(
                    calls = before,
                    "Gong has no call in the look-back that is not stored; the rest of it is not read again."
                );
                // Every call of the window is accounted for: say so, not "100 of 1,700".
                progress(Progress::Page {
                    done: before,
                    total: Some(before),
                });
            } else {
                let pages = client.calls_extensive_lenient_from(filter, selector, cursor);
                write_pages(pages, lease, writer, done, progress).await?;
            }
        }
        writer.finish_window(window).await
    }

    /// Evaluates stored meetings again, from the store alone (M2). Returns the call
    /// ids evaluated.
    #[allow(clippy::too_many_arguments)]
    async fn reevaluate(
        &self,
        writer: &mut PageWriter<'_>,
        which: MeetingSet,
        after: Option<MeetingKey>,
        since: DateTime<Utc>,
        settings_fp: i64,
        progress: &ProgressFn,
    ) -> Result<HashSet<String>, SyncError> {
        let mut evaluated = HashSet::new();
        let mut pages = StoredPages::new(
            self.store.clone(),
            writer.connection_id(),
            which,
            since,
            after,
        );
        let mut done = 0u64;
        while let Some(page) = pages.next().await? {
            done += page.len() as u64;
            let after = page.last().map(StoredMeeting::key);
            let meetings: Vec<_> = page.into_iter().map(|m| m.meeting).collect();
            evaluated.extend(meetings.iter().map(|m| m.gong_call_id.clone()));
            let resume = ResumeUpdate::Set(ResumePoint {
                pass: Pass::Reevaluate {
                    which,
                    settings: settings_fp,
                },
                after,
            });
            writer.write_stored(meetings, which, resume).await?;
            progress(Progress::Evaluated { done });
        }
        writer.finish_reevaluation(settings_fp).await?;
        Ok(evaluated)
    }

    /// The calls Gong pushed (W2), oldest first, re-read by id in batches of 100 (one
    /// request each) and written like any page; each batch leaves the queue with its
    /// page. New pushes wait for the next job.
    async fn drain_webhook_queue(
        &self,
        client: &GongClient,
        lease: &LeaseKeeper,
        writer: &mut PageWriter<'_>,
        progress: &ProgressFn,
    ) -> Result<(), SyncError> {
        let queued = self
            .store
            .queued_webhook_calls(writer.connection_id(), WEBHOOK_CALLS_PER_JOB)
            .await?;
        let ids: Vec<String> = queued.into_iter().map(|q| q.gong_call_id).collect();
        for chunk in ids.chunks(100) {
            let mut pages = client.calls_extensive_lenient(
                CallsFilter::ids(chunk.iter().cloned()),
                ContentSelector::for_timeline(),
            );
            let mut calls = Vec::new();
            while let Some(page) = pages.next().await {
                calls.extend(page?.items);
            }
            writer.write_pushed(calls, chunk.to_vec()).await?;
            progress(Progress::Retried {
                count: chunk.len() as u64,
            });
            lease.check()?;
        }
        Ok(())
    }

    /// Calls that never became meetings (they failed to parse or were incomplete),
    /// re-read by call id: the only meetings Gong is asked for twice (M3).
    async fn refetch_by_id(
        &self,
        client: &GongClient,
        writer: &mut PageWriter<'_>,
        ids: Vec<String>,
        progress: &ProgressFn,
    ) -> Result<(), SyncError> {
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

/// Writes a window's pages as they come; `done` meetings were written before.
/// Returns how many have been written with them.
async fn write_pages(
    mut pages: BoxStream<'static, Result<LenientCallsPage, GongError>>,
    lease: &LeaseKeeper,
    writer: &mut PageWriter<'_>,
    mut done: u64,
    progress: &ProgressFn,
) -> Result<u64, SyncError> {
    while let Some(page) = pages.next().await {
        let page = page?;
        let total = page.records.total_records.map(|t| t.max(0) as u64);
        done += page.items.len() as u64;
        writer.write_page(page.items, true).await?;
        progress(Progress::Page { done, total });
        lease.check()?;
    }
    Ok(done)
}

/// What a job asks for besides its trigger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobRequest {
    /// What started it.
    pub trigger: Trigger,
    /// Re-read Gong from this time (trigger `resync`), bounded by the backfill.
    pub resync_from: Option<DateTime<Utc>>,
}

impl JobRequest {
    /// A job of this trigger.
    pub fn new(trigger: Trigger) -> JobRequest {
        JobRequest {
            trigger,
            resync_from: None,
        }
    }

    /// An explicit re-read from Gong since `from` (trigger `resync`).
    pub fn resync(from: DateTime<Utc>) -> JobRequest {
        JobRequest {
            trigger: Trigger::Resync,
            resync_from: Some(from),
        }
    }
}

/// C3's warning after a job: on as soon as a meeting carries HubSpot context; off
/// only when a whole reconciliation pass saw none.
fn hubspot_warning(current: bool, saw_hubspot: bool, reconciled: bool) -> bool {
    saw_hubspot || (current && !reconciled)
}

/// The window a job fetches before anything else: a re-sync's, or the rest of an
/// interrupted window, resumed after its last committed page (M4).
fn first_window(
    request: JobRequest,
    checkpoint: &Checkpoint,
    backfill_from: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Option<Window> {
    if let Some(from) = request.resync_from {
        return Some(resync_window(now, from, backfill_from));
    }
    match &checkpoint.resume {
        Some(ResumePoint {
            pass: Pass::Fetch {
                from, reconciles, ..
            },
            after,
        }) => Some(Window {
            from: after
                .as_ref()
                .map_or(*from, |key| key.started)
                .max(backfill_from)
                .min(now),
            to: now,
            reconciles: *reconciles,
        }),
        _ => None,
    }
}

/// Which stored meetings a job re-evaluates, and after which key (M2, M4): an
/// explicit re-evaluation or changed settings take every meeting not on the
/// Timeline; otherwise the failed ones, which an import, a new IC user or a
/// resolved conflict may heal. An interrupted re-evaluation under the same settings
/// resumes where it stopped.
fn reevaluation(
    trigger: Trigger,
    checkpoint: &Checkpoint,
    settings_fp: i64,
) -> (MeetingSet, Option<MeetingKey>) {
    if let Some(ResumePoint {
        pass: Pass::Reevaluate { which, settings },
        after,
    }) = &checkpoint.resume
    {
        if *settings == settings_fp {
            return (*which, after.clone());
        }
    }
    let changed = checkpoint.evaluated_settings != Some(settings_fp);
    if trigger == Trigger::Reevaluate || changed {
        (MeetingSet::NotOnTimeline, None)
    } else {
        (MeetingSet::Failed, None)
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
    use super::hubspot_warning;

    #[test]
    fn c3_the_warning_comes_on_with_any_hubspot_context() {
        assert!(hubspot_warning(false, true, false));
        assert!(hubspot_warning(true, true, true));
    }

    #[test]
    fn c3_an_incremental_sync_without_hubspot_keeps_the_warning() {
        assert!(hubspot_warning(true, false, false));
        assert!(!hubspot_warning(false, false, false));
    }

    #[test]
    fn c3_only_a_whole_reconciliation_without_hubspot_clears_it() {
        assert!(!hubspot_warning(true, false, true));
    }
}
