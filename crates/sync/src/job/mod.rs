//! A started job's work, as named stages: [`plan`] decides the passes (pure);
//! [`source`] yields each pass's batches (Gong's window pages, calls by id, stored
//! pages); [`writer`] takes a batch through conversion, the [`page`] evaluation
//! (pure) and U6 provisioning to the [`sink`], which commits it under the job's
//! fence. [`JobRun::run`] only wires them; the engine ([`crate::runner`]) starts and
//! finishes the job around it.

pub mod call_ids;
pub mod cursor;
pub mod page;
mod passes;
pub mod plan;
pub mod sink;
pub mod source;
pub mod writer;

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use gong_timeline_domain::outcome::reads_outcomes;
use gong_timeline_domain::quota::Purpose;
use gong_timeline_domain::Trigger;
use gong_timeline_gong::{ContentSelector, GongClient};
use gong_timeline_store::store::read_retry_pages;
use gong_timeline_store::{Checkpoint, Connection, ConnectionId, Fence, JobId, Store};
use tracing::Instrument;

use crate::clock::Clock;
use crate::context::SyncContext;
use crate::evaluate::load_context;
use crate::lease::LeaseKeeper;
use crate::progress::ProgressFn;
use crate::quota::Ledger;
use crate::settings::ValidSettings;
use crate::windows::{backfill_start, RETRY_DAYS};
use crate::{provision_job, SyncError};
use call_ids::RetryList;
use plan::{plan, Pass};
use sink::PageSink;
use writer::PageWriter;

/// The most queued webhook calls one job takes (ten requests of 100 ids).
pub const WEBHOOK_CALLS_PER_JOB: u32 = 1_000;

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

/// A started job: what it is for, and the lease it writes under.
#[derive(Debug, Clone)]
pub struct Job {
    /// Its id.
    pub id: JobId,
    /// The connection it syncs.
    pub connection: Connection,
    /// What was asked.
    pub request: JobRequest,
    /// Its start: "now" for every rule of the job.
    pub started_at: DateTime<Utc>,
    /// The lease owner and generation every write checks (S8).
    pub fence: Fence,
}

/// A job with what its passes run on.
pub(crate) struct JobRun<'a> {
    /// The job.
    pub job: &'a Job,
    /// What of each call Gong is asked for.
    pub selector: ContentSelector,
    /// The job's Gong client.
    pub client: &'a GongClient,
    /// The connection's quota ledger: every request is counted and admitted by it.
    pub ledger: &'a Arc<Ledger>,
    /// The job's lease, checked between batches.
    pub lease: &'a LeaseKeeper,
    /// When meetings are fetched.
    pub clock: &'a Clock,
    /// Where progress goes.
    pub progress: &'a ProgressFn,
}

/// What the passes start from.
struct Start {
    ctx: SyncContext,
    checkpoint: Checkpoint,
    retries: RetryList,
}

/// Retry entries read per page at a job's start.
const RETRY_PAGE: u32 = 2_000;

impl JobRun<'_> {
    /// Runs the job's passes, in the order [`plan`] gives, into `sink`. The caller
    /// settles the sink's last commit, whatever this returns.
    pub(crate) async fn run(
        &self,
        valid: ValidSettings,
        sink: &mut PageSink<'_>,
    ) -> Result<(), SyncError> {
        let settings = valid.settings.clone();
        let Start {
            ctx,
            checkpoint,
            retries,
        } = self.prepare(sink, valid).await?;
        let now = self.job.started_at;
        let (retry_ids, retrying) = retries.into_parts();
        let passes = plan(self.job.request, &checkpoint, &settings, now, retry_ids);
        let clock = self.clock.clone();
        let mut writer = PageWriter::new(sink, ctx, now, clock, retrying);
        for pass in passes {
            let span = tracing::info_span!("pass", pass = pass.name());
            self.pass(pass, &mut writer).instrument(span).await?;
            self.lease.check()?;
        }
        Ok(())
    }

    /// The job's client, its requests counted and admitted as `purpose`'s (Q2).
    fn gong(&self, purpose: Purpose) -> GongClient {
        self.ledger.client(self.client, purpose)
    }

    /// Runs one pass.
    async fn pass(&self, pass: Pass, writer: &mut PageWriter<'_, '_>) -> Result<(), SyncError> {
        match pass {
            Pass::Window { window, first } => {
                let purpose = plan::window_purpose(self.job.request, window, self.job.started_at);
                self.window(writer, window, first, purpose).await
            }
            Pass::LookBack(window) => self.look_back(writer, window).await,
            Pass::Reevaluate(reevaluation) => self.reevaluate(writer, reevaluation).await,
            Pass::Retries(ids) => self.retries(writer, ids).await,
            Pass::Pushed => self.pushed(writer).await,
            Pass::DeepCheck(plan) => self.deep_check(writer, plan).await,
            Pass::HubspotWarning { reconciled } => self.hubspot_warning(writer, reconciled).await,
            Pass::Transcripts => self.transcripts(writer).await,
        }
    }

    /// The job's context, retry list and checkpoint, after the company's call outcomes
    /// are read when a day old (S9; not in a re-evaluation), Gong's users are mapped
    /// (U1–U5) and what fell out of the backfill and of the retry span is pruned. A
    /// webhook batch does none of it and starts from no retry list (W2): its late
    /// owners are provisioned as its meetings meet them (U6).
    async fn prepare(&self, sink: &PageSink<'_>, valid: ValidSettings) -> Result<Start, SyncError> {
        let store = sink.store();
        let (connection_id, now) = (self.job.connection.id, self.job.started_at);
        if reads_outcomes(self.job.request.trigger) {
            let client = self.gong(Purpose::Settings);
            crate::outcomes::refresh(store.as_ref(), &client, connection_id, now).await?;
        }
        if self.job.request.trigger == Trigger::Webhook {
            return Ok(Start {
                ctx: load_context(store.as_ref(), connection_id, valid).await?,
                checkpoint: Checkpoint::default(),
                retries: RetryList::default(),
            });
        }
        let users = self.gong(Purpose::Users);
        provision_job::provision(store, &users, connection_id, now, self.progress).await?;
        let backfill_from = backfill_start(now, valid.settings.backfill_days);
        let ctx = load_context(store.as_ref(), connection_id, valid).await?;
        store
            .prune_stored_meetings(connection_id, backfill_from)
            .await?;
        let retry_since = now - Duration::days(RETRY_DAYS);
        store.prune_retries(connection_id, retry_since).await?;
        let retries = read_retry_list(store.as_ref(), connection_id, retry_since).await?;
        let checkpoint = store.get_checkpoint(connection_id).await?;
        Ok(Start {
            ctx,
            checkpoint,
            retries,
        })
    }
}

/// The connection's retry list, page by page (#25: read whole, its rows and entries
/// were a 50 MB spike at a million calls).
async fn read_retry_list(
    store: &dyn Store,
    connection_id: ConnectionId,
    since: DateTime<Utc>,
) -> Result<RetryList, SyncError> {
    let mut list = RetryList::default();
    read_retry_pages(store, connection_id, since, RETRY_PAGE, |page| {
        list.add(page)
    })
    .await?;
    Ok(list)
}
