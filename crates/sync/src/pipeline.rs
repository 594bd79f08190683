//! The page writer: one page of Gong calls through convert → stages → U6 provisioning
//! → one store transaction (activities, log records, retry list, checkpoint, counts).
//!
//! The checkpoint moves only with committed pages, and only while Gong's pages come in
//! start-time order; otherwise it moves once, at the end of the window (S7, S8).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use gong_timeline_domain::meeting::{CrmSystem, Meeting};
use gong_timeline_domain::{Message, RecordStatus};
use gong_timeline_gong::{Call, GongError};
use gong_timeline_store::{
    ConnectionId, Fence, JobCounts, JobId, NewLogRecord, PageCommit, ResumeUpdate, RetryEntry,
    StoredMeeting,
};

use crate::context::SyncContext;
use crate::convert::meeting_from_call;
use crate::page::{PageInputs, PagePlan};
use crate::runner::Engine;
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
    newest_seen: Option<DateTime<Utc>>,
    in_order: bool,
    saw_hubspot: bool,
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
            newest_seen: None,
            in_order: true,
            saw_hubspot: false,
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

    /// Handles and commits one page. `window` pages may move the checkpoint; retry
    /// pages (by call id) never do.
    pub async fn write_page(
        &mut self,
        calls: Vec<Result<Call, GongError>>,
        window: bool,
    ) -> Result<(), SyncError> {
        let store = self.engine.store().clone();
        let (meetings, broken) = self.convert(calls, window);
        let ids: Vec<String> = meetings.iter().map(|m| m.gong_call_id.clone()).collect();
        let fetched_at = self.engine.now();
        let stored: Vec<StoredMeeting> = meetings
            .iter()
            .map(|m| StoredMeeting::new(m.clone(), fetched_at))
            .collect();
        let (existing, skipped) = tokio::try_join!(
            store.activity_hashes(self.ctx.connection_id, &ids),
            store.skip_marks(self.ctx.connection_id, &ids),
        )?;
        let checkpoint = if window {
            self.advance(&meetings)
        } else {
            None
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
        self.add_broken(&mut plan, broken);
        if !owned_by_unknown.is_empty() {
            self.retry_unknown_owners(&mut plan, owned_by_unknown, &existing, &skipped)
                .await?;
        }
        if !window {
            self.retried.extend(ids);
        }
        let counts = plan.counts;
        store
            .commit_page(PageCommit {
                job_id: self.job_id,
                connection_id: self.ctx.connection_id,
                upserts: plan.upserts,
                records: plan.records,
                retry_add: plan.retry_add,
                retry_remove: plan.retry_remove,
                removals: plan.removals,
                skip_marks: plan.skip_marks,
                unmark: plan.unmark,
                checkpoint,
                counts_delta: plan.counts,
                now: self.now,
                meetings: stored,
                fence: self.fence.clone(),
                resume: ResumeUpdate::Keep,
                reconciled_at: None,
                evaluated_settings: None,
            })
            .await?;
        // Counts come only from committed pages.
        *self.counts += counts;
        Ok(())
    }

    /// Moves the checkpoint to the end of a fully handled window.
    pub async fn finish_window(&mut self, to: DateTime<Utc>) -> Result<(), SyncError> {
        self.engine
            .store()
            .commit_page(PageCommit {
                job_id: self.job_id,
                connection_id: self.ctx.connection_id,
                upserts: Vec::new(),
                records: Vec::new(),
                retry_add: Vec::new(),
                retry_remove: Vec::new(),
                removals: Vec::new(),
                skip_marks: Vec::new(),
                unmark: Vec::new(),
                checkpoint: Some(to),
                counts_delta: JobCounts::default(),
                now: self.now,
                meetings: Vec::new(),
                fence: self.fence.clone(),
                resume: ResumeUpdate::Keep,
                reconciled_at: None,
                evaluated_settings: None,
            })
            .await?;
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
                    self.saw_hubspot |= meeting
                        .crm_objects
                        .iter()
                        .any(|o| o.system == CrmSystem::HubSpot);
                    meetings.push(meeting);
                }
                Err(error) => broken.push(failed_record(
                    call.id(),
                    call.meta_data.title.clone(),
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
