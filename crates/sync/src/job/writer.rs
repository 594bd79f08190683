//! One batch through the stages: convert (Gong's calls → meetings, M1) → read what
//! the store has of them → evaluate ([`super::page`], pure) → provision late owners
//! (U6) → commit ([`super::sink`]). Also what a job remembers between batches: the
//! retry list as it stands, the calls already handled, where its window stands.

use gong_timeline_store::GongCallId;
use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use gong_timeline_domain::meeting::Meeting;
use gong_timeline_store::{
    ActivityHash, ConnectionId, EncodedMeeting, MeetingSet, ResumeUpdate, Store, StoredMeeting,
    WebhookDone,
};

use super::call_ids::{CallIdSet, RetryMessages};
use super::cursor::WindowCursor;
use super::page::{self, Page, PageInputs, PagePlan};
use super::sink::{Extras, PageSink};
use super::source::Calls;
use crate::clock::Clock;
use crate::context::SyncContext;
use crate::convert::convert_page;
use crate::windows::Window;
use crate::{provision_job, SyncError};

/// Writes a job's batches.
pub struct PageWriter<'s, 'c> {
    sink: &'s mut PageSink<'c>,
    ctx: SyncContext,
    /// The job's start.
    now: DateTime<Utc>,
    /// When fetched meetings were fetched.
    clock: Clock,
    /// The retry list as this job's pages leave it: call id → last message.
    retrying: RetryMessages,
    handled: Handled,
    cursor: WindowCursor,
    saw_hubspot: bool,
    /// The calls Gong returned in the window being read, as meetings and as calls
    /// that did not parse (G1 compares them with the window's stored meetings).
    seen: Seen,
}

/// What a window read returned.
#[derive(Default)]
pub struct Seen {
    /// Calls that became meetings (each one is stored, M1).
    pub meetings: CallIdSet,
    /// Calls that did not parse.
    pub broken: CallIdSet,
}

impl Seen {
    /// Whether Gong returned the call.
    pub fn contains(&self, gong_call_id: &str) -> bool {
        self.meetings.contains(gong_call_id) || self.broken.contains(gong_call_id)
    }
}

/// The calls a job handled, so that none has two outcomes in one job (L1).
#[derive(Default)]
struct Handled {
    /// Fetched by a first window (resume, re-sync), once one started: those meetings
    /// were just evaluated, with this context.
    first: Option<CallIdSet>,
    /// Read from the store by the re-evaluation, of the calls on the retry list: only
    /// the retry pass asks, and only about those (all of a million stored meetings
    /// took 18–27 MB here).
    evaluated: CallIdSet,
    /// Re-read by id from the retry list.
    retried: CallIdSet,
}

impl Handled {
    /// Notes the retry list's calls among meetings the re-evaluation read, before
    /// their commit takes healed ones off the list.
    fn note_evaluated(&mut self, meetings: &[Meeting], retrying: &RetryMessages) {
        let on_the_list = meetings
            .iter()
            .map(|m| m.gong_call_id.as_str())
            .filter(|id| retrying.contains(id));
        self.evaluated.extend(on_the_list);
    }
}

/// What the store has of a page's calls.
#[derive(Default)]
struct Stored {
    activities: HashMap<GongCallId, ActivityHash>,
    skip_marks: HashMap<GongCallId, i64>,
}

impl<'s, 'c> PageWriter<'s, 'c> {
    /// A writer over the job's sink, with its context and retry list.
    pub fn new(
        sink: &'s mut PageSink<'c>,
        ctx: SyncContext,
        now: DateTime<Utc>,
        clock: Clock,
        retrying: RetryMessages,
    ) -> PageWriter<'s, 'c> {
        PageWriter {
            sink,
            ctx,
            now,
            clock,
            retrying,
            handled: Handled::default(),
            cursor: WindowCursor::default(),
            saw_hubspot: false,
            seen: Seen::default(),
        }
    }

    /// True when some meeting carried HubSpot CRM context (C3).
    pub fn saw_hubspot(&self) -> bool {
        self.saw_hubspot
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn Store> {
        self.sink.store()
    }

    /// The connection being synced.
    pub fn connection_id(&self) -> ConnectionId {
        self.ctx.connection_id
    }

    /// Whether this job handled the call before its retry pass: evaluated it from
    /// the store, or fetched it by a first window.
    pub fn handled_before_retries(&self, gong_call_id: &str) -> bool {
        self.handled.evaluated.contains(gong_call_id)
            || self
                .handled
                .first
                .as_ref()
                .is_some_and(|ids| ids.contains(gong_call_id))
    }

    /// Starts a time window: its pages record where a killed job resumes (M4). The
    /// calls of a `first` window are noted, until the re-evaluation: it skips them,
    /// and so does the re-read by id.
    pub fn begin_window(&mut self, window: Window, first: bool) {
        if first {
            self.handled.first = Some(CallIdSet::default());
        }
        self.seen = Seen::default();
        self.cursor.begin(window);
    }

    /// A page of a time window, fetched from Gong: kept (M1), evaluated, committed;
    /// it may move the checkpoint and the resume point.
    pub async fn write_window_page(&mut self, calls: Calls) -> Result<(), SyncError> {
        let retried = &self.handled.retried;
        // Calls this job re-read by id before are left out of the page, but Gong
        // returned them and they are stored: they count as seen (G1).
        self.seen.meetings.extend(
            calls
                .iter()
                .filter_map(|c| c.as_ref().ok().map(|c| c.id()))
                .filter(|id| retried.contains(id)),
        );
        let page = convert_page(calls, |id| retried.contains(id));
        self.saw_hubspot |= page.saw_hubspot;
        self.seen
            .meetings
            .extend(page.meetings.iter().map(|m| m.gong_call_id.as_str()));
        self.seen
            .broken
            .extend(page.broken.iter().map(|r| r.gong_call_id.as_str()));
        if let Some(ids) = &mut self.handled.first {
            ids.extend(page.meetings.iter().map(|m| m.gong_call_id.as_str()));
            ids.extend(page.broken.iter().map(|r| r.gong_call_id.as_str()));
        }
        let mut extras = fetched(&page.meetings, (self.clock)());
        if let Some((checkpoint, resume)) = self.cursor.page(&page.meetings) {
            extras.checkpoint = Some(checkpoint);
            extras.resume = ResumeUpdate::Set(resume);
        }
        let page = Page {
            meetings: page.meetings,
            broken: page.broken,
            fetched: true,
        };
        self.commit(page, extras, true).await
    }

    /// Calls of the retry list re-read by id: kept and evaluated like a window's,
    /// without moving the checkpoint; a window later in the job skips them.
    pub async fn write_retried(&mut self, calls: Calls) -> Result<(), SyncError> {
        let page = convert_page(calls, |_| false);
        self.saw_hubspot |= page.saw_hubspot;
        self.handled
            .retried
            .extend(page.meetings.iter().map(|m| m.gong_call_id.as_str()));
        let extras = fetched(&page.meetings, (self.clock)());
        let page = Page {
            meetings: page.meetings,
            broken: page.broken,
            fetched: true,
        };
        self.commit(page, extras, true).await
    }

    /// Calls re-read because Gong pushed them (W2): their queue entries leave the
    /// queue in the same transaction, whether Gong returned them or not (a call Gong
    /// no longer has is left to the slots, W3).
    pub async fn write_pushed(
        &mut self,
        calls: Calls,
        queued: Vec<GongCallId>,
    ) -> Result<(), SyncError> {
        let page = convert_page(calls, |_| false);
        self.saw_hubspot |= page.saw_hubspot;
        let at = (self.clock)();
        let mut extras = fetched(&page.meetings, at);
        extras.webhook_done = Some(WebhookDone {
            gong_call_ids: queued,
            at,
        });
        let page = Page {
            meetings: page.meetings,
            broken: page.broken,
            fetched: true,
        };
        self.commit(page, extras, true).await
    }

    /// Stored meetings evaluated again (M2), committed with the re-evaluation's
    /// resume point; those a first window fetched in this job are left out.
    ///
    /// `which` is the set they were read from: meetings read as not on the Timeline
    /// have no activity to look up (this job holds the connection's lease, so none
    /// was written since).
    pub async fn write_stored(
        &mut self,
        page: Vec<StoredMeeting>,
        which: MeetingSet,
        resume: ResumeUpdate,
    ) -> Result<(), SyncError> {
        let mut meetings: Vec<Meeting> = page.into_iter().map(|m| m.meeting).collect();
        self.handled.note_evaluated(&meetings, &self.retrying);
        if let Some(first) = &self.handled.first {
            meetings.retain(|m| !first.contains(m.gong_call_id.as_str()));
        }
        let extras = Extras {
            resume,
            ..Extras::default()
        };
        let page = Page {
            meetings,
            ..Page::default()
        };
        let look_up = which != MeetingSet::NotOnTimeline;
        self.commit(page, extras, look_up).await
    }

    /// Ends a re-evaluation: the stored meetings now reflect `settings`.
    pub async fn finish_reevaluation(&mut self, settings: i64) -> Result<(), SyncError> {
        let extras = Extras {
            resume: ResumeUpdate::Clear,
            evaluated_settings: Some(settings),
            ..Extras::default()
        };
        self.commit(Page::default(), extras, false).await
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
        self.cursor.end();
        self.commit(Page::default(), extras, false).await
    }

    /// The calls Gong returned in the window read last.
    pub fn seen_in_window(&self) -> &Seen {
        &self.seen
    }

    /// Calls deleted in Gong (G1): each one's activity leaves the Timeline, its
    /// stored meeting, skip mark and retry entry go, and a Removed record says
    /// "Deleted in Gong" (no title for a private meeting: none was kept, M1).
    pub async fn write_deleted(&mut self, gone: Vec<StoredMeeting>) -> Result<(), SyncError> {
        if gone.is_empty() {
            return Ok(());
        }
        let ids: Vec<GongCallId> = gone
            .iter()
            .map(|m| m.meeting.gong_call_id.clone())
            .collect();
        self.sink.settle().await?;
        let activities = self.read(&ids, true).await?.activities;
        let plan = page::deleted_in_gong(gone, &activities);
        for id in &ids {
            self.retrying.remove(id.as_str());
        }
        let extras = Extras {
            forget: ids.clone(),
            ..Extras::default()
        };
        self.sink.commit(plan, extras, ids).await
    }

    /// Waits for the page commit in flight, if any.
    pub async fn settle(&mut self) -> Result<(), SyncError> {
        self.sink.settle().await
    }

    /// Reads what the store has of the page (its activities only when they may
    /// exist), evaluates it, provisions late owners (U6) and commits it.
    async fn commit(
        &mut self,
        page: Page,
        extras: Extras,
        look_up_activities: bool,
    ) -> Result<(), SyncError> {
        let ids: Vec<GongCallId> = page
            .meetings
            .iter()
            .map(|m| m.gong_call_id.clone())
            .collect();
        if ids.is_empty() || self.sink.in_flight_writes(&ids) {
            // What this page reads must include what the page in flight writes; a
            // pass's last commit (no meetings) comes after every page.
            self.sink.settle().await?;
        }
        let stored = self.read(&ids, look_up_activities).await?;
        let inputs = PageInputs {
            existing: &stored.activities,
            skipped: &stored.skip_marks,
            retrying: &self.retrying,
            now: self.now,
        };
        let mut plan = page::evaluate(page, &self.ctx, &inputs);
        if !plan.unknown_owners.is_empty() {
            self.provision_owners(&mut plan, &stored).await?;
        }
        self.track_retries(&plan);
        self.sink.commit(plan, extras, ids).await
    }

    /// What the store has of these calls: activities (when `activities`) and skip
    /// marks, read side by side.
    async fn read(&self, ids: &[GongCallId], activities: bool) -> Result<Stored, SyncError> {
        if ids.is_empty() {
            return Ok(Stored::default());
        }
        let store = self.sink.store();
        let connection_id = self.ctx.connection_id;
        let activities = async {
            if !activities {
                return Ok(HashMap::new());
            }
            store.activity_hashes(ids).await
        };
        let (activities, skip_marks) =
            tokio::try_join!(activities, store.skip_marks(connection_id, ids))?;
        Ok(Stored {
            activities,
            skip_marks,
        })
    }

    /// U6: provisions the owners the page waits for, then evaluates their meetings
    /// again in this same job.
    async fn provision_owners(
        &mut self,
        plan: &mut PagePlan,
        stored: &Stored,
    ) -> Result<(), SyncError> {
        let owners: Vec<_> = plan.unknown_owners.iter().map(|(o, _)| o.clone()).collect();
        let created =
            provision_job::provision_owners(self.sink.store(), &mut self.ctx, &owners, self.now)
                .await?;
        let inputs = PageInputs {
            existing: &stored.activities,
            skipped: &stored.skip_marks,
            retrying: &self.retrying,
            now: self.now,
        };
        plan.owners_provisioned(&created, &self.ctx, &inputs);
        Ok(())
    }

    /// Keeps the retry list this writer compares against as the page leaves it: a
    /// meeting the re-evaluation just failed, then fetched again by the window after
    /// it in the same job, is a repeat of the same failure (L1), not a second one.
    fn track_retries(&mut self, plan: &PagePlan) {
        for healed in &plan.retry_remove {
            self.retrying.remove(healed.as_str());
        }
        for entry in &plan.retry_add {
            self.retrying
                .set(entry.gong_call_id.as_str(), &entry.message);
        }
    }
}

/// The meetings of a page fetched at `at`, to keep (M1).
fn fetched(meetings: &[Meeting], at: DateTime<Utc>) -> Extras {
    Extras {
        stored: meetings
            .iter()
            .map(|m| EncodedMeeting::new(m, at))
            .collect(),
        ..Extras::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meeting(id: &str) -> Meeting {
        Meeting::bare(id, DateTime::UNIX_EPOCH)
    }

    #[test]
    fn l1_the_re_evaluation_remembers_only_the_retry_lists_calls() {
        let retrying: RetryMessages = [("c2", "Company not found.")].into_iter().collect();
        let mut handled = Handled::default();
        handled.note_evaluated(&[meeting("c1"), meeting("c2"), meeting("c3")], &retrying);
        assert!(handled.evaluated.contains("c2"));
        assert_eq!(handled.evaluated.len(), 1, "c1 and c3 are not on the list");
    }
}
