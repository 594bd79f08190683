//! The page writer: one page of Gong calls through convert → stages → U6 provisioning
//! → one store transaction (activities, log records, retry list, checkpoint, counts).
//!
//! The checkpoint moves only with committed pages, and only while Gong's pages come in
//! start-time order; otherwise it moves once, at the end of the window (S7, S8).
//!
//! One page commit may be in flight while the next page is fetched and planned, so
//! the database writes and the rules run side by side. Commits still happen one at a
//! time and in order; a page that shares a call with the one in flight waits for it;
//! counts move when a commit is settled; and [`PageWriter::settle`] ends every job.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use gong_timeline_domain::meeting::{CrmSystem, Meeting};
use gong_timeline_domain::{Message, RecordStatus};
use gong_timeline_gong::{Call, GongError};
use gong_timeline_store::{
    ConnectionId, Fence, JobCounts, JobId, MeetingKey, MeetingSet, NewLogRecord, PageCommit, Pass,
    ResumePoint, ResumeUpdate, RetryEntry, Store, StoreError, StoredMeeting, WebhookDone,
};

use crate::context::SyncContext;
use crate::convert::meeting_from_call;
use crate::page::{PageInputs, PagePlan};
use crate::runner::Engine;
use crate::windows::Window;
use crate::{provision_job, SyncError};

/// Writes a job's pages.
pub struct PageWriter<'a> {
    engine: &'a Engine,
    job_id: JobId,
    fence: Fence,
    ctx: SyncContext,
    now: DateTime<Utc>,
    counts: &'a mut JobCounts,
    retrying: HashMap<String, String>,
    /// Call ids handled by the retry pass, not to be handled twice in one job.
    retried: HashSet<String>,
    /// Call ids fetched by a first window (resume, re-sync), when one runs before
    /// the re-evaluation: those meetings were just evaluated, with this context.
    fetched_first: Option<HashSet<String>>,
    newest_seen: Option<DateTime<Utc>>,
    in_order: bool,
    saw_hubspot: bool,
    window: Option<Window>,
    in_flight: Option<InFlight>,
}

/// A page commit running in the background: the calls it writes and its counts.
struct InFlight {
    calls: HashSet<String>,
    counts: JobCounts,
    commit: tokio::task::JoinHandle<Result<(), SyncError>>,
}

impl<'a> PageWriter<'a> {
    /// A writer for a started job.
    pub fn new(
        engine: &'a Engine,
        job_id: JobId,
        fence: Fence,
        ctx: SyncContext,
        now: DateTime<Utc>,
        counts: &'a mut JobCounts,
    ) -> PageWriter<'a> {
        PageWriter {
            engine,
            job_id,
            fence,
            ctx,
            now,
            counts,
            retrying: HashMap::new(),
            retried: HashSet::new(),
            fetched_first: None,
            newest_seen: None,
            in_order: true,
            saw_hubspot: false,
            window: None,
            in_flight: None,
        }
    }

    /// The connection being synced.
    pub fn connection_id(&self) -> ConnectionId {
        self.ctx.connection_id
    }

    /// The job's start.
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// True when some meeting carried HubSpot CRM context (C3).
    pub fn saw_hubspot(&self) -> bool {
        self.saw_hubspot
    }

    /// The call ids on the retry list at the job's start, with their last message.
    pub fn set_retrying(&mut self, ids: HashMap<String, String>) {
        self.retrying = ids;
    }

    /// Notes the calls the pages from here on fetch, until the re-evaluation: it
    /// skips them (one outcome per meeting in a job, L1), and so does the re-read
    /// by id.
    pub fn note_fetched_first(&mut self) {
        self.fetched_first = Some(HashSet::new());
    }

    /// Whether this job's first window fetched the call.
    pub fn fetched_first(&self, gong_call_id: &str) -> bool {
        self.fetched_first
            .as_ref()
            .is_some_and(|ids| ids.contains(gong_call_id))
    }

    /// Starts a time window: its pages record where a killed job resumes (M4).
    pub fn begin_window(&mut self, window: Window) {
        self.window = Some(window);
    }

    /// Handles and commits one page fetched from Gong, keeping its meetings (M1).
    /// `window` pages may move the checkpoint and the resume point; pages by call id
    /// never do.
    pub async fn write_page(
        &mut self,
        calls: Vec<Result<Call, GongError>>,
        window: bool,
    ) -> Result<(), SyncError> {
        let (meetings, broken) = self.convert(calls, window);
        if let Some(ids) = &mut self.fetched_first {
            ids.extend(meetings.iter().map(|m| m.gong_call_id.clone()));
            ids.extend(broken.iter().map(|r| r.gong_call_id.clone()));
        }
        let fetched_at = self.engine.now();
        let stored: Vec<StoredMeeting> = meetings
            .iter()
            .map(|m| StoredMeeting::new(m.clone(), fetched_at))
            .collect();
        let mut extras = Extras {
            stored,
            ..Extras::default()
        };
        if window {
            extras.checkpoint = self.advance(&meetings);
            if let (Some(w), Some(_)) = (self.window, extras.checkpoint) {
                let after = meetings
                    .iter()
                    .map(|m| MeetingKey {
                        started: m.started,
                        gong_call_id: m.gong_call_id.clone(),
                    })
                    .max();
                extras.resume = ResumeUpdate::Set(ResumePoint {
                    pass: Pass::Fetch {
                        from: w.from,
                        to: w.to,
                        reconciles: w.reconciles,
                    },
                    after,
                });
            }
        } else {
            self.retried
                .extend(meetings.iter().map(|m| m.gong_call_id.clone()));
        }
        self.commit(meetings, broken, extras, true).await
    }

    /// Waits for the page commit in flight, if any, and counts it (L1). Every job
    /// ends with it, whether its pages went well or not.
    pub async fn settle(&mut self) -> Result<(), SyncError> {
        let Some(in_flight) = self.in_flight.take() else {
            return Ok(());
        };
        crate::joined(in_flight.commit.await)?;
        *self.counts += in_flight.counts;
        Ok(())
    }

    /// Handles and commits one page of calls re-read because Gong pushed them (W2):
    /// their queue entries leave the queue in the same transaction, whether Gong
    /// returned them or not (a call Gong no longer has is left to the slots, W3).
    pub async fn write_pushed(
        &mut self,
        calls: Vec<Result<Call, GongError>>,
        queued: Vec<String>,
    ) -> Result<(), SyncError> {
        let (meetings, broken) = self.convert(calls, false);
        let fetched_at = self.engine.now();
        let extras = Extras {
            stored: meetings
                .iter()
                .map(|m| StoredMeeting::new(m.clone(), fetched_at))
                .collect(),
            webhook_done: Some(WebhookDone {
                gong_call_ids: queued,
                at: fetched_at,
            }),
            ..Extras::default()
        };
        self.commit(meetings, broken, extras, true).await
    }

    /// Evaluates stored meetings again (M2) and commits the outcomes that changed,
    /// with the re-evaluation's resume point.
    ///
    /// `which` is the set they were read from: meetings read as not on the Timeline
    /// have no activity to look up (this job holds the connection's lease, so none
    /// was written since).
    pub async fn write_stored(
        &mut self,
        mut meetings: Vec<Meeting>,
        which: MeetingSet,
        resume: ResumeUpdate,
    ) -> Result<(), SyncError> {
        let extras = Extras {
            resume,
            no_activities: which == MeetingSet::NotOnTimeline,
            ..Extras::default()
        };
        if let Some(fetched) = &self.fetched_first {
            meetings.retain(|m| !fetched.contains(&m.gong_call_id));
        }
        self.commit(meetings, Vec::new(), extras, false).await
    }

    /// Ends a re-evaluation: the stored meetings now reflect `settings`.
    pub async fn finish_reevaluation(&mut self, settings: i64) -> Result<(), SyncError> {
        let extras = Extras {
            resume: ResumeUpdate::Clear,
            evaluated_settings: Some(settings),
            ..Extras::default()
        };
        self.commit(Vec::new(), Vec::new(), extras, false).await
    }

    /// Moves the checkpoint to the end of a fully handled window and clears its
    /// resume point; a reconciling window records the reconciliation too.
    pub async fn finish_window(&mut self, window: Window) -> Result<(), SyncError> {
        let extras = Extras {
            checkpoint: Some(window.to),
            resume: ResumeUpdate::Clear,
            reconciled_at: window.reconciles.then_some(self.now),
            ..Extras::default()
        };
        self.window = None;
        self.commit(Vec::new(), Vec::new(), extras, false).await
    }

    /// Plans a page (U6 owners provisioned on the way) and commits it in one
    /// transaction under the job's fence. Counts move only once it is committed.
    async fn commit(
        &mut self,
        meetings: Vec<Meeting>,
        broken: Vec<NewLogRecord>,
        extras: Extras,
        fetched: bool,
    ) -> Result<(), SyncError> {
        let store = self.engine.store().clone();
        let ids: Vec<String> = meetings.iter().map(|m| m.gong_call_id.clone()).collect();
        let overlaps = self
            .in_flight
            .as_ref()
            .is_some_and(|f| ids.iter().any(|id| f.calls.contains(id)));
        if overlaps || ids.is_empty() {
            // What this page reads must include what the page in flight writes; a
            // pass's last commit (no meetings) comes after every page.
            self.settle().await?;
        }
        let (existing, skipped) = if ids.is_empty() {
            (HashMap::new(), HashMap::new())
        } else {
            let activities = async {
                if extras.no_activities {
                    return Ok(HashMap::new());
                }
                store.activity_hashes(self.ctx.connection_id, &ids).await
            };
            tokio::try_join!(activities, store.skip_marks(self.ctx.connection_id, &ids),)?
        };
        let owned_by_unknown;
        let mut plan = {
            let inputs = PageInputs {
                existing: &existing,
                skipped: &skipped,
                retrying: &self.retrying,
                now: self.now,
            };
            let mut plan = PagePlan::build(meetings, &self.ctx, &inputs);
            owned_by_unknown = std::mem::take(&mut plan.unknown_owners);
            plan
        };
        if !fetched {
            // Meetings evaluated from the store were not fetched from Gong.
            plan.counts.fetched = 0;
        }
        self.add_broken(&mut plan, broken);
        if !owned_by_unknown.is_empty() {
            self.retry_unknown_owners(&mut plan, owned_by_unknown, &existing, &skipped)
                .await?;
        }
        self.track_retries(&plan);
        let counts = plan.counts;
        let page = PageCommit {
            job_id: self.job_id,
            connection_id: self.ctx.connection_id,
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
        };
        if ids.is_empty() {
            commit_waiting_for_locks(store.as_ref(), page).await?;
            *self.counts += counts;
            return Ok(());
        }
        self.settle().await?;
        // Counts come only from committed pages (L1): they move when it is settled.
        self.in_flight = Some(InFlight {
            calls: ids.into_iter().collect(),
            counts,
            commit: tokio::spawn(
                async move { commit_waiting_for_locks(store.as_ref(), page).await },
            ),
        });
        Ok(())
    }

    /// U6: provisions the owners, logs the failure the seed describes for owners that
    /// had to be created, and handles their meetings again in this same job.
    async fn retry_unknown_owners(
        &mut self,
        plan: &mut PagePlan,
        owned: Vec<(gong_timeline_domain::messages::GongPerson, Meeting)>,
        existing: &HashMap<String, gong_timeline_store::ActivityHash>,
        skipped: &HashMap<String, i64>,
    ) -> Result<(), SyncError> {
        let owners: Vec<_> = owned.iter().map(|(o, _)| o.clone()).collect();
        let created =
            provision_job::provision_owners(self.engine.store(), &mut self.ctx, &owners, self.now)
                .await?;
        let inputs = PageInputs {
            existing,
            skipped,
            retrying: &self.retrying,
            now: self.now,
        };
        for (owner, meeting) in owned {
            if created.contains(&owner.gong_user_id) {
                plan.note_author_created(&meeting, owner.clone());
            }
            plan.handle(meeting, &self.ctx, &inputs);
        }
        // An owner that still cannot be mapped (no usable email) fails for good this time.
        for (owner, meeting) in std::mem::take(&mut plan.unknown_owners) {
            plan.fail(&meeting, Message::AuthorNotPresent(owner), true, &inputs);
        }
        Ok(())
    }

    /// Keeps the retry list this writer compares against as the page leaves it: a
    /// meeting the re-evaluation just failed, then fetched again by the window after
    /// it in the same job, is a repeat of the same failure (L1), not a second one.
    fn track_retries(&mut self, plan: &PagePlan) {
        for healed in &plan.retry_remove {
            self.retrying.remove(healed);
        }
        for entry in &plan.retry_add {
            self.retrying
                .insert(entry.gong_call_id.clone(), entry.message.clone());
        }
    }

    /// Calls that never became meetings: Failed, and retried by id at later syncs
    /// when they have one; a repeat of the same failure is neither logged nor counted.
    fn add_broken(&self, plan: &mut PagePlan, broken: Vec<NewLogRecord>) {
        plan.counts.fetched += broken.len() as u64;
        for record in broken {
            let message = record.message.clone().unwrap_or_default();
            if self.retrying.get(&record.gong_call_id) == Some(&message) {
                continue;
            }
            plan.counts.failed += 1;
            if !record.gong_call_id.is_empty() {
                plan.retry_add.push(RetryEntry {
                    gong_call_id: record.gong_call_id.clone(),
                    message,
                    failed_at: self.now,
                });
            }
            plan.records.push(record);
        }
    }

    /// Converts Gong calls; calls that cannot be meetings become Failed records.
    fn convert(
        &mut self,
        calls: Vec<Result<Call, GongError>>,
        window: bool,
    ) -> (Vec<Meeting>, Vec<NewLogRecord>) {
        let mut meetings = Vec::with_capacity(calls.len());
        let mut broken = Vec::new();
        let mut in_page = HashSet::with_capacity(calls.len());
        for call in calls {
            let call = match call {
                Ok(call) => call,
                Err(error) => {
                    broken.push(failed_record(
                        error.call_id().unwrap_or_default(),
                        None,
                        None,
                        error.to_string(),
                    ));
                    continue;
                }
            };
            // A call met twice (retried already, or twice in one page) is handled once:
            // one activity per meeting (S1), one upsert per key in a transaction.
            if (window && self.retried.contains(call.id()))
                || !in_page.insert(call.id().to_string())
            {
                continue;
            }
            match meeting_from_call(&call) {
                Ok(meeting) => {
                    let meeting = meeting.keepable();
                    self.saw_hubspot |= meeting
                        .crm_objects
                        .iter()
                        .any(|o| o.system == CrmSystem::HubSpot);
                    meetings.push(meeting);
                }
                Err(error) => broken.push(failed_record(
                    call.id(),
                    // A private call's title stays in Gong (M1), broken or not.
                    call.meta_data
                        .title
                        .clone()
                        .filter(|_| !call.meta_data.is_private),
                    call.meta_data.started,
                    error.to_string(),
                )),
            }
        }
        (meetings, broken)
    }

    /// The checkpoint this page may move to: its newest start, while pages arrive in
    /// start-time order.
    fn advance(&mut self, meetings: &[Meeting]) -> Option<DateTime<Utc>> {
        let oldest = meetings.iter().map(|m| m.started).min()?;
        let newest = meetings.iter().map(|m| m.started).max()?;
        if self.newest_seen.is_some_and(|seen| oldest < seen) {
            self.in_order = false;
        }
        self.newest_seen = Some(self.newest_seen.map_or(newest, |seen| seen.max(newest)));
        self.in_order.then_some(newest)
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

/// What a commit writes besides the page's outcomes.
#[derive(Default)]
struct Extras {
    stored: Vec<StoredMeeting>,
    checkpoint: Option<DateTime<Utc>>,
    resume: ResumeUpdate,
    reconciled_at: Option<DateTime<Utc>>,
    evaluated_settings: Option<i64>,
    webhook_done: Option<WebhookDone>,
    /// The page's meetings are known to have no activity yet.
    no_activities: bool,
}

/// A Failed record for a call that never became a meeting.
fn failed_record(
    call_id: &str,
    title: Option<String>,
    started: Option<DateTime<Utc>>,
    message: String,
) -> NewLogRecord {
    NewLogRecord {
        gong_call_id: call_id.to_string(),
        title,
        meeting_date: started,
        status: RecordStatus::Failed,
        activity: None,
        message: Some(message),
    }
}
