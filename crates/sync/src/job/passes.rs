//! Each pass of [`super::plan::Pass`]: a source's batches into the writer, with the
//! progress events and lease checks between them.

use gong_timeline_store::GongCallId;
use std::collections::HashSet;

use chrono::{DateTime, Utc};
use gong_timeline_domain::quota::Purpose;
use gong_timeline_domain::transcript::{AskAgain, CALLS_PER_REQUEST};
use gong_timeline_domain::Trigger;
use gong_timeline_gong::{GongError, TRANSCRIPT_SCOPE};
use gong_timeline_store::{
    ConnectionId, DeepCheck, MeetingQuery, MeetingSet, Pass as StoredPass, ResumePoint,
    ResumeUpdate, Store, StoredMeeting,
};

use super::plan::{hubspot_warning, DeepCheckPlan, Reevaluation, DEEP_CHECK_CALLS_PER_JOB};
use super::source::{sent_bounds, ById, Calls, StoredPages, WindowPages, STORED_PAGE};
use super::writer::PageWriter;
use super::{JobRun, WEBHOOK_CALLS_PER_JOB};
use crate::progress::Progress;
use crate::transcripts;
use crate::windows::{look_back_settled, Window};
use crate::SyncError;

impl JobRun<'_> {
    /// Every page of a time window; each page records where to resume.
    pub(super) async fn window(
        &self,
        writer: &mut PageWriter<'_, '_>,
        window: Window,
        first: bool,
        purpose: Purpose,
    ) -> Result<(), SyncError> {
        writer.begin_window(window, first);
        let pages = WindowPages::new(&self.gong(purpose), window, &self.selector);
        self.write_pages(writer, pages, 0).await?;
        self.deleted_in_gong(writer, window).await?;
        writer.finish_window(window).await
    }

    /// The incremental window (S7): its first page alone, then the rest only when
    /// something may have turned up late ([`look_back_settled`]).
    pub(super) async fn look_back(
        &self,
        writer: &mut PageWriter<'_, '_>,
        window: Window,
    ) -> Result<(), SyncError> {
        writer.begin_window(window, false);
        let client = self.gong(Purpose::LookBack);
        let (store, connection_id) = (writer.store().clone(), writer.connection_id());
        // Counted over the bounds Gong is sent (whole seconds), after every earlier
        // page of this job is in the store.
        let (from, to) = sent_bounds(window);
        let count = || store.count_stored_meetings(connection_id, from, to);
        writer.settle().await?;
        let before = count().await?;
        let Some(first) = WindowPages::first(&client, window, &self.selector).await? else {
            // Gong has no call in the window: any stored there may be deleted.
            self.deleted_in_gong(writer, window).await?;
            return writer.finish_window(window).await;
        };
        let (total, cursor) = (first.total, first.cursor.clone());
        let done = first.calls.len() as u64;
        writer.write_window_page(first.calls).await?;
        self.page_progress(done, total);
        self.lease.check()?;
        if let Some(cursor) = cursor {
            // The first page must be in the store before it is counted again.
            writer.settle().await?;
            let after = count().await?;
            if look_back_settled(total, before, after) {
                tracing::info!(
                    calls = before,
                    "Gong has no call in the look-back that is not stored; the rest of it is not read again."
                );
                // Every call of the window is accounted for: say so, not "100 of 1,700".
                (self.progress)(Progress::Page {
                    done: before,
                    total: Some(before),
                });
            } else {
                let rest = WindowPages::after(&client, window, &self.selector, cursor);
                self.write_pages(writer, rest, done).await?;
                self.deleted_in_gong(writer, window).await?;
            }
        } else {
            self.deleted_in_gong(writer, window).await?;
        }
        writer.finish_window(window).await
    }

    /// G1, after a window was read whole: its stored meetings Gong did not return are
    /// asked for by id (100 a request); those Gong still does not return were deleted
    /// in Gong. A call Gong returns by id (its start moved) is written as fetched. Any
    /// failed request stops the job before anything is removed.
    async fn deleted_in_gong(
        &self,
        writer: &mut PageWriter<'_, '_>,
        window: Window,
    ) -> Result<(), SyncError> {
        writer.settle().await?;
        let (from, to) = sent_bounds(window);
        let (store, connection_id) = (writer.store().clone(), writer.connection_id());
        // Every meeting Gong returned is stored in the window: more stored meetings
        // than that is the only sign of a deleted call, and costs one count to see.
        let stored = store.count_stored_meetings(connection_id, from, to).await?;
        if stored <= writer.seen_in_window().meetings.len() as u64 {
            return Ok(());
        }
        let stored = stored_between(store.as_ref(), connection_id, from, to).await?;
        let seen = writer.seen_in_window();
        let suspects: Vec<StoredMeeting> = stored
            .into_iter()
            .filter(|m| !seen.contains(m.meeting.gong_call_id.as_str()))
            .collect();
        self.ask_again(writer, suspects).await
    }

    /// Writes a window's pages as they come; `done` meetings were written before.
    async fn write_pages(
        &self,
        writer: &mut PageWriter<'_, '_>,
        mut pages: WindowPages,
        mut done: u64,
    ) -> Result<(), SyncError> {
        while let Some(page) = pages.next().await? {
            done += page.calls.len() as u64;
            writer.write_window_page(page.calls).await?;
            self.page_progress(done, page.total);
            self.lease.check()?;
        }
        Ok(())
    }

    fn page_progress(&self, done: u64, total: Option<i64>) {
        let total = total.map(|t| t.max(0) as u64);
        (self.progress)(Progress::Page { done, total });
    }

    /// Stored meetings evaluated again, from the store alone (M2), each page with
    /// the resume point after it.
    pub(super) async fn reevaluate(
        &self,
        writer: &mut PageWriter<'_, '_>,
        pass: Reevaluation,
    ) -> Result<(), SyncError> {
        let Reevaluation {
            which,
            after,
            since,
            settings,
        } = pass;
        let store = writer.store().clone();
        let mut pages = StoredPages::new(store, writer.connection_id(), which, since, after);
        let mut done = 0u64;
        while let Some(page) = pages.next().await? {
            done += page.len() as u64;
            let resume = ResumeUpdate::Set(ResumePoint {
                pass: StoredPass::Reevaluate { which, settings },
                after: page.last().map(StoredMeeting::key),
            });
            writer.write_stored(page, which, resume).await?;
            (self.progress)(Progress::Evaluated { done });
        }
        writer.finish_reevaluation(settings).await
    }

    /// The retry list's calls that never became meetings, re-read by id: neither
    /// evaluated from the store nor fetched by a first window in this job.
    pub(super) async fn retries(
        &self,
        writer: &mut PageWriter<'_, '_>,
        ids: Vec<GongCallId>,
    ) -> Result<(), SyncError> {
        let ids = ids
            .into_iter()
            .filter(|id| !writer.handled_before_retries(id.as_str()))
            .collect();
        let client = self.gong(Purpose::Retry);
        let mut batches = ById::new(&client, ids, &self.selector);
        while let Some(batch) = batches.next().await? {
            writer.write_retried(batch.calls).await?;
            self.retried(batch.ids.len());
        }
        Ok(())
    }

    /// The calls Gong pushed (W2), oldest first, re-read by id; each batch leaves
    /// the queue with its page. New pushes wait for the next job.
    pub(super) async fn pushed(&self, writer: &mut PageWriter<'_, '_>) -> Result<(), SyncError> {
        let queued = writer
            .store()
            .queued_webhook_calls(writer.connection_id(), WEBHOOK_CALLS_PER_JOB)
            .await?;
        let ids = queued.into_iter().map(|q| q.gong_call_id).collect();
        let client = self.gong(Purpose::Webhook);
        let mut batches = ById::new(&client, ids, &self.selector);
        while let Some(batch) = batches.next().await? {
            let count = batch.ids.len();
            writer.write_pushed(batch.calls, batch.ids).await?;
            self.retried(count);
            self.lease.check()?;
        }
        Ok(())
    }

    /// G1's monthly deep check: the next slice (at most [`DEEP_CHECK_CALLS_PER_JOB`])
    /// of the window's stored meetings asked for by id; what Gong returns is written
    /// as fetched (a call made private since leaves the Timeline, S2), what it does
    /// not return was deleted there. The place reached is kept for the next job.
    pub(super) async fn deep_check(
        &self,
        writer: &mut PageWriter<'_, '_>,
        plan: DeepCheckPlan,
    ) -> Result<(), SyncError> {
        let (store, connection_id) = (writer.store().clone(), writer.connection_id());
        let now = self.job.started_at;
        let DeepCheckPlan {
            since,
            until,
            after,
            last,
        } = plan;
        writer.settle().await?;
        let query = MeetingQuery {
            since,
            until: Some(until),
            which: MeetingSet::All,
            after,
            limit: DEEP_CHECK_CALLS_PER_JOB,
        };
        let slice = store.list_stored_meetings(connection_id, query).await?;
        let finished = slice.len() < DEEP_CHECK_CALLS_PER_JOB as usize;
        let reached = slice.last().map(StoredMeeting::key);
        self.ask_again(writer, slice).await?;
        writer.settle().await?;
        let state = if finished {
            DeepCheck {
                checked_at: Some(now),
                after: None,
            }
        } else {
            DeepCheck {
                checked_at: Some(last),
                after: reached,
            }
        };
        Ok(store.set_deep_check(connection_id, &state).await?)
    }

    /// Asks Gong for stored meetings by id: what it returns is written as fetched,
    /// what it does not return was deleted in Gong.
    async fn ask_again(
        &self,
        writer: &mut PageWriter<'_, '_>,
        suspects: Vec<StoredMeeting>,
    ) -> Result<(), SyncError> {
        if suspects.is_empty() {
            return Ok(());
        }
        let ids = suspects
            .iter()
            .map(|m| m.meeting.gong_call_id.clone())
            .collect();
        let mut still = HashSet::new();
        let client = self.gong(Purpose::DeletionCheck);
        let mut batches = ById::new(&client, ids, &self.selector);
        while let Some(batch) = batches.next().await? {
            match returned_ids(&batch.calls) {
                Some(returned) => still.extend(returned),
                // A call Gong sent that names no id: keep the whole batch.
                None => still.extend(batch.ids),
            }
            writer.write_retried(batch.calls).await?;
            self.lease.check()?;
        }
        let gone: Vec<StoredMeeting> = suspects
            .into_iter()
            .filter(|m| !still.contains(&m.meeting.gong_call_id))
            .collect();
        if !gone.is_empty() {
            tracing::info!(
                calls = gone.len(),
                "Calls deleted in Gong leave the Timeline."
            );
        }
        writer.write_deleted(gone).await
    }

    fn retried(&self, count: usize) {
        (self.progress)(Progress::Retried {
            count: count as u64,
        });
    }

    /// S9: the transcripts of the connection's activities that have none, newest
    /// first, 100 calls a request, once every page of the job is in the store. Each
    /// asked-for call gets a stored transcript (an empty one when Gong has none), so
    /// the loop ends; the quota's lane stops it first when the history is long. A
    /// webhook batch makes one request at most.
    pub(super) async fn transcripts(
        &self,
        writer: &mut PageWriter<'_, '_>,
    ) -> Result<(), SyncError> {
        writer.settle().await?;
        let (store, connection_id) = (writer.store().clone(), writer.connection_id());
        let client = self.gong(Purpose::Transcripts);
        let batch = CALLS_PER_REQUEST as u32;
        // A webhook batch stays quick (W2): it fetches the newest 100 only, its own
        // calls among them; the history waits for the slot's job.
        let mut requests_left = match self.job.request.trigger {
            Trigger::Webhook => 1,
            _ => usize::MAX,
        };
        let mut fetched = 0usize;
        // Where the next batch goes on from: every activity before it was asked for
        // in this pass, so none is read past again (the store would otherwise skip
        // all of them for every batch: quadratic on a first pass over a backfill).
        let mut after = None;
        let again = AskAgain::at((self.clock)());
        while requests_left > 0 {
            requests_left -= 1;
            let wanted = store
                .transcripts_wanted(connection_id, again, after, batch)
                .await?;
            let Some(last) = wanted.last() else {
                break;
            };
            after = Some(last.key);
            let last_batch = wanted.len() < CALLS_PER_REQUEST;
            let ids: Vec<String> = wanted
                .iter()
                .map(|w| w.gong_call_id.as_str().to_owned())
                .collect();
            let answers = client.transcripts(&ids).await.map_err(refused)?;
            let stored = transcripts::to_store(wanted, answers, (self.clock)());
            fetched += stored.iter().filter(|t| !t.transcript.is_empty()).count();
            store.put_transcripts(&stored).await?;
            self.lease.check()?;
            if last_batch {
                break;
            }
        }
        if fetched > 0 {
            tracing::info!(transcripts = fetched, "Transcripts fetched.");
        }
        Ok(())
    }

    /// C3's warning, once every page of the job is in the store.
    pub(super) async fn hubspot_warning(
        &self,
        writer: &mut PageWriter<'_, '_>,
        reconciled: bool,
    ) -> Result<(), SyncError> {
        writer.settle().await?;
        let connection = &self.job.connection;
        let warning = hubspot_warning(connection.hubspot_warning, writer.saw_hubspot(), reconciled);
        if warning != connection.hubspot_warning {
            writer
                .store()
                .set_hubspot_warning(connection.id, warning)
                .await?;
        }
        Ok(())
    }
}

/// A transcripts request's failure: the transcript scope missing is
/// [`SyncError::TranscriptsRefused`] (the meetings stay synced), any other a failure.
fn refused(error: GongError) -> SyncError {
    match &error {
        GongError::MissingScope { scope, .. } if scope == TRANSCRIPT_SCOPE => {
            SyncError::TranscriptsRefused(error)
        }
        _ => error.into(),
    }
}

/// The stored meetings of a connection that started in `[from, to)`.
async fn stored_between(
    store: &dyn Store,
    connection_id: ConnectionId,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<StoredMeeting>, SyncError> {
    let mut all = Vec::new();
    let mut after = None;
    loop {
        let page = store
            .list_stored_meetings(
                connection_id,
                MeetingQuery {
                    since: from,
                    until: Some(to),
                    which: MeetingSet::All,
                    after: after.clone(),
                    limit: STORED_PAGE,
                },
            )
            .await?;
        let Some(last) = page.last() else {
            return Ok(all);
        };
        after = Some(last.key());
        all.extend(page);
    }
}

/// The ids of the calls in a by-id answer; `None` when one of them (a call that did
/// not parse) names none.
fn returned_ids(calls: &Calls) -> Option<HashSet<GongCallId>> {
    calls
        .iter()
        .map(|call| match call {
            Ok(call) => call.meta_data.id.as_deref().map(GongCallId::from),
            Err(error) => error.call_id().map(GongCallId::from),
        })
        .collect()
}
