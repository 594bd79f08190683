//! The sink: a job's page commits, one store transaction each under the job's fence
//! (S8, M4). It needs only the store and the fence.
//!
//! One commit may be in flight while the next page is fetched and evaluated, so the
//! database writes and the rules run side by side. Pages that are ready while it
//! runs wait in a queue and are written together by the next commit, in one
//! transaction ([`Store::commit_pages`]), up to [`GROUP_CALLS`] calls: when pages
//! come faster than they commit (a backfill, a re-evaluation), a commit's fixed costs
//! are paid once for several pages; when they come slowly (Gong's rate limit), each
//! page still commits on its own as soon as it is ready.
//!
//! Where the store writes transactions side by side ([`Store::concurrent_commits`],
//! PostgreSQL), a second commit of other calls starts while the first runs
//! ([`Store::commit_pages_after`]): it writes its calls' rows meanwhile and commits
//! only after the first did, or not at all. Commits take effect in order; counts
//! move when a commit is settled (L1); and [`PageSink::settle`] ends every job.

use gong_timeline_store::GongCallId;
use std::collections::{HashSet, VecDeque};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use gong_timeline_store::{
    ConnectionId, EarlierCommit, EncodedMeeting, Fence, JobCounts, JobId, PageCommit, ResumeUpdate,
    Store, StoreError, WebhookDone,
};
use tokio::sync::watch;
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
    /// Commits running in the background, oldest first: at most
    /// [`Store::concurrent_commits`].
    in_flight: VecDeque<InFlight>,
    /// How many commits may be in flight.
    slots: usize,
    /// Pages ready while a commit was in flight, for the next one.
    queued: Group,
    /// The job's counts, of committed pages only; borrowed so that they outlive a
    /// panic of the job.
    counts: &'c mut JobCounts,
}

/// The most calls one commit writes when pages queue up behind it: ten of Gong's
/// pages. More would hold more evaluated pages in memory for little gain (measured
/// with `bench --calls 100000`: see the README's performance section).
pub const GROUP_CALLS: usize = 1_000;

/// Pages committed together: the calls they write and their counts.
#[derive(Default)]
struct Group {
    pages: Vec<PageCommit>,
    calls: HashSet<GongCallId>,
    counts: JobCounts,
}

impl Group {
    fn push(&mut self, page: PageCommit, counts: JobCounts, calls: Vec<GongCallId>) {
        self.pages.push(page);
        self.counts += counts;
        self.calls.extend(calls);
    }
}

/// A commit running in the background: the calls it writes, its counts, and how
/// far it got, for a commit started after it.
struct InFlight {
    calls: HashSet<GongCallId>,
    counts: JobCounts,
    commit: tokio::task::JoinHandle<Result<(), SyncError>>,
    progress: watch::Receiver<Progress>,
}

/// How far a commit got. A commit that panicked drops its sender, which reads as
/// begun and failed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Progress {
    Waiting,
    Begun,
    Ended { committed: bool },
}

/// A commit's place in its job's line: the progress of the commit before it, if
/// one is still running, and its own.
struct Turn {
    earlier: Option<watch::Receiver<Progress>>,
    mine: Arc<watch::Sender<Progress>>,
}

impl Turn {
    /// What the store waits on and reports to, for one attempt of the commit.
    fn attempt(&self) -> EarlierCommit {
        let mine = self.mine.clone();
        let begin: Box<dyn FnOnce() + Send> = Box::new(move || {
            mine.send_if_modified(|p| {
                let waiting = *p == Progress::Waiting;
                if waiting {
                    *p = Progress::Begun;
                }
                waiting
            });
        });
        let Some(earlier) = &self.earlier else {
            return EarlierCommit::none(begin);
        };
        let mut begun = earlier.clone();
        let mut ended = earlier.clone();
        EarlierCommit {
            begun: Box::pin(async move {
                let _ = begun.wait_for(|p| *p != Progress::Waiting).await;
            }),
            committed: Box::pin(async move {
                matches!(
                    ended
                        .wait_for(|p| matches!(p, Progress::Ended { .. }))
                        .await
                        .as_deref(),
                    Ok(Progress::Ended { committed: true })
                )
            }),
            begin,
        }
    }
}

/// What a commit writes besides the page's outcomes.
#[derive(Default)]
pub struct Extras {
    /// Meetings as fetched (M1).
    pub stored: Vec<EncodedMeeting>,
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
            slots: store.concurrent_commits().max(1),
            store,
            job_id: job.id,
            connection_id: job.connection.id,
            fence: job.fence.clone(),
            now: job.started_at,
            in_flight: VecDeque::new(),
            queued: Group::default(),
            counts,
        }
    }

    /// This sink with `slots` commits in flight at most, whatever the store says:
    /// the order and failure rules of side-by-side commits, tested on SQLite.
    #[cfg(test)]
    fn with_slots(mut self, slots: usize) -> Self {
        self.slots = slots;
        self
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// Whether a page not yet committed (in flight or queued) writes one of these
    /// calls: what a page reads must then wait for it.
    pub fn in_flight_writes(&self, calls: &[GongCallId]) -> bool {
        let writes = |written: &HashSet<GongCallId>| calls.iter().any(|id| written.contains(id));
        self.in_flight.iter().any(|f| writes(&f.calls)) || writes(&self.queued.calls)
    }

    /// Waits for the commits in flight, if any, then commits the queued pages: every
    /// page handed to the sink is then in the store and counted (L1).
    pub async fn settle(&mut self) -> Result<(), SyncError> {
        while !self.in_flight.is_empty() {
            self.settle_oldest().await?;
        }
        if self.queued.pages.is_empty() {
            return Ok(());
        }
        let group = std::mem::take(&mut self.queued);
        commit_waiting_for_locks(self.store.as_ref(), &group.pages, None).await?;
        *self.counts += group.counts;
        Ok(())
    }

    /// Waits for the oldest commit in flight and counts it.
    async fn settle_oldest(&mut self) -> Result<(), SyncError> {
        let Some(oldest) = self.in_flight.pop_front() else {
            return Ok(());
        };
        // Pages after a failed (or panicked) commit are never written: the job
        // resumes before them.
        let queued = std::mem::take(&mut self.queued);
        if let Err(error) = joined_commit(oldest.commit).await {
            // The commits after it wrote nothing (they waited for it): wait for
            // them to roll back, and report the first failure.
            for later in std::mem::take(&mut self.in_flight) {
                let _ = joined_commit(later.commit).await;
            }
            return Err(error);
        }
        self.queued = queued;
        *self.counts += oldest.counts;
        Ok(())
    }

    /// Counts the commits in flight that have finished, oldest first.
    async fn settle_finished(&mut self) -> Result<(), SyncError> {
        while self
            .in_flight
            .front()
            .is_some_and(|f| f.commit.is_finished())
        {
            self.settle_oldest().await?;
        }
        Ok(())
    }

    /// Whether the queued pages may start committing now: a slot is free and they
    /// write none of the calls of the commits in flight.
    fn may_start_queued(&self) -> bool {
        self.in_flight.len() < self.slots
            && self
                .in_flight
                .iter()
                .all(|f| f.calls.is_disjoint(&self.queued.calls))
    }

    /// Commits a page's plan with its extras, after the pages handed before it. A
    /// page of `calls` goes on in the background: at once when a commit slot is
    /// free, else with the next one (queued; the caller waits only when
    /// [`GROUP_CALLS`] are queued). A pass's last commit (no calls) is written
    /// before this returns.
    pub async fn commit(
        &mut self,
        plan: PagePlan,
        extras: Extras,
        calls: Vec<GongCallId>,
    ) -> Result<(), SyncError> {
        let counts = plan.counts;
        let page = self.page(plan, extras);
        if calls.is_empty() {
            self.settle().await?;
            commit_waiting_for_locks(self.store.as_ref(), std::slice::from_ref(&page), None)
                .await?;
            *self.counts += counts;
            return Ok(());
        }
        self.queued.push(page, counts, calls);
        self.settle_finished().await?;
        if !self.may_start_queued() {
            if self.queued.calls.len() < GROUP_CALLS {
                return Ok(());
            }
            while !self.may_start_queued() {
                self.settle_oldest().await?;
            }
        }
        self.start_queued();
        Ok(())
    }

    /// Starts committing the queued pages in the background, after the commits in
    /// flight.
    fn start_queued(&mut self) {
        let group = std::mem::take(&mut self.queued);
        let span = tracing::info_span!(
            "page_commit",
            pages = group.pages.len(),
            meetings = group.calls.len(),
            created = group.counts.created,
            updated = group.counts.updated,
            skipped = group.counts.skipped,
            failed = group.counts.failed,
        );
        let store = self.store.clone();
        let Group {
            pages,
            calls,
            counts,
        } = group;
        let (mine, progress) = watch::channel(Progress::Waiting);
        let turn = Turn {
            earlier: self.in_flight.back().map(|f| f.progress.clone()),
            mine: Arc::new(mine),
        };
        let in_turn = self.slots > 1;
        let commit = async move {
            let result =
                commit_waiting_for_locks(store.as_ref(), &pages, in_turn.then_some(&turn)).await;
            turn.mine.send_replace(Progress::Ended {
                committed: result.is_ok(),
            });
            result
        }
        .instrument(span);
        self.in_flight.push_back(InFlight {
            calls,
            counts,
            commit: tokio::spawn(commit),
            progress,
        });
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

/// A commit's result; a panic inside it carries on here.
async fn joined_commit(
    commit: tokio::task::JoinHandle<Result<(), SyncError>>,
) -> Result<(), SyncError> {
    crate::joined(commit.await)
}

/// Commits pages, in their `turn` where commits run side by side, trying again
/// while another writer (an import, or a deadlock PostgreSQL broke) is in the way.
async fn commit_waiting_for_locks(
    store: &dyn Store,
    pages: &[PageCommit],
    turn: Option<&Turn>,
) -> Result<(), SyncError> {
    let mut attempt = 1;
    loop {
        let result = match turn {
            Some(turn) => store.commit_pages_after(pages, turn.attempt()).await,
            None => store.commit_pages(pages).await,
        };
        match result {
            Ok(()) => return Ok(()),
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

    /// Holds SQLite's write lock from a connection of its own until dropped or
    /// committed: the sink's commits wait on it (the store's busy timeout).
    async fn hold_write_lock(dir: &tempfile::TempDir) -> sqlx::SqliteConnection {
        use sqlx::Connection;
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
        sqlx::query("BEGIN IMMEDIATE")
            .execute(&mut conn)
            .await
            .unwrap();
        conn
    }

    async fn records_of(store: &Arc<dyn Store>, job: &Job) -> Vec<String> {
        let filter = gong_timeline_store::RecordFilter {
            job_id: job.id,
            ..Default::default()
        };
        let records = store.list_log_records(filter).await.unwrap();
        records
            .into_iter()
            .map(|r| r.gong_call_id.to_string())
            .collect()
    }

    /// The job's log holds a Failed record of each of `calls` (in any order), and
    /// its stored counts say so.
    async fn assert_committed(store: &Arc<dyn Store>, job: &Job, calls: &[&str]) {
        let mut written = records_of(store, job).await;
        written.sort();
        assert_eq!(written, calls);
        let stored = store.get_job(job.id).await.unwrap().unwrap();
        assert_eq!(stored.counts.failed, calls.len() as u64);
    }

    #[tokio::test]
    async fn m4_pages_ready_while_a_commit_runs_wait_for_the_next_and_count_once_settled() {
        let (store, job, dir) = started().await;
        let mut counts = JobCounts::default();
        let mut sink = PageSink::new(store.clone(), &job, &mut counts);
        let lock = hold_write_lock(&dir).await;

        // The first page's commit waits on the lock; the next two are queued behind
        // it, and handing them over does not wait.
        let handed = async {
            for id in ["c1", "c2", "c3"] {
                sink.commit(one_failure(id), Extras::default(), vec![id.into()])
                    .await
                    .unwrap();
            }
        };
        tokio::time::timeout(std::time::Duration::from_secs(5), handed)
            .await
            .expect("pages are handed over while the first commit waits");
        assert!(sink.in_flight_writes(&["c1".into()]), "in flight");
        assert!(sink.in_flight_writes(&["c3".into()]), "queued");
        assert!(records_of(&store, &job).await.is_empty());

        sqlx::Connection::close(lock).await.unwrap();
        sink.settle().await.unwrap();
        assert!(!sink.in_flight_writes(&["c3".into()]));
        drop(sink);
        assert_eq!(counts.failed, 3);
        assert_committed(&store, &job, &["c1", "c2", "c3"]).await;
    }

    #[tokio::test]
    async fn m4_pages_queued_behind_a_commit_that_failed_are_never_written() {
        let (store, job, dir) = started().await;
        let mut counts = JobCounts::default();
        let mut sink = PageSink::new(store.clone(), &job, &mut counts);
        let lock = hold_write_lock(&dir).await;

        sink.commit(refused(&job, "c1"), Extras::default(), vec!["c1".into()])
            .await
            .unwrap();
        sink.commit(one_failure("c2"), Extras::default(), vec!["c2".into()])
            .await
            .unwrap();
        sqlx::Connection::close(lock).await.unwrap();

        assert!(
            sink.settle().await.is_err(),
            "the first page's commit failed"
        );
        sink.settle().await.expect("nothing is left to write");
        drop(sink);
        assert_eq!(counts, JobCounts::default());
        assert!(records_of(&store, &job).await.is_empty());
    }

    /// Hands the sink a page logging each call Failed, one after the other.
    async fn hand_failures(sink: &mut PageSink<'_>, ids: &[&str]) {
        for id in ids {
            sink.commit(one_failure(id), Extras::default(), vec![(*id).into()])
                .await
                .unwrap();
        }
    }

    /// A page whose activity names a company that does not exist: the store
    /// refuses it.
    fn refused(job: &Job, id: &str) -> PagePlan {
        let mut plan = one_failure(id);
        let company = gong_timeline_store::CompanyId::new(987_654);
        plan.upserts
            .push(gong_timeline_store::conformance::fixtures::upsert(
                job.connection.id,
                id,
                company,
                10,
                1,
            ));
        plan
    }

    #[tokio::test]
    async fn m4_with_two_commit_slots_pages_of_other_calls_commit_side_by_side_and_count_in_order()
    {
        let (store, job, dir) = started().await;
        let mut counts = JobCounts::default();
        let mut sink = PageSink::new(store.clone(), &job, &mut counts).with_slots(2);
        let lock = hold_write_lock(&dir).await;

        // Pages of other calls start at once.
        hand_failures(&mut sink, &["c1", "c2"]).await;
        assert_eq!(sink.in_flight.len(), 2, "c1 and c2 in flight");
        assert!(records_of(&store, &job).await.is_empty());
        sqlx::Connection::close(lock).await.unwrap();
        sink.settle().await.unwrap();
        assert_eq!(records_of(&store, &job).await.len(), 2);

        // A page of a call in flight waits for it, queued, though a slot is free.
        let lock = hold_write_lock(&dir).await;
        hand_failures(&mut sink, &["c3", "c3"]).await;
        assert_eq!(sink.in_flight.len(), 1, "the first c3 in flight");
        assert_eq!(sink.queued.pages.len(), 1, "the second c3 queued");
        sqlx::Connection::close(lock).await.unwrap();
        sink.settle().await.unwrap();
        drop(sink);
        assert_eq!(counts.failed, 4);
        assert_committed(&store, &job, &["c1", "c2", "c3", "c3"]).await;
    }

    #[tokio::test]
    async fn m4_with_two_commit_slots_a_page_after_a_failed_one_is_never_written() {
        let (store, job, dir) = started().await;
        let mut counts = JobCounts::default();
        let mut sink = PageSink::new(store.clone(), &job, &mut counts).with_slots(2);
        let lock = hold_write_lock(&dir).await;

        sink.commit(refused(&job, "c1"), Extras::default(), vec!["c1".into()])
            .await
            .unwrap();
        hand_failures(&mut sink, &["c2", "c3"]).await;
        assert_eq!(sink.in_flight.len(), 2, "c1 and c2 in flight, c3 queued");
        sqlx::Connection::close(lock).await.unwrap();

        let first = sink.settle().await;
        assert!(
            matches!(&first, Err(e) if !e.to_string().contains("the page before it failed")),
            "the first page's own failure is reported: {first:?}"
        );
        sink.settle().await.expect("nothing is left to write");
        drop(sink);
        assert_eq!(counts, JobCounts::default());
        assert!(records_of(&store, &job).await.is_empty());
    }

    #[tokio::test]
    async fn a_commit_in_turn_waits_for_the_earlier_one_to_begin_and_to_end() {
        use futures::FutureExt;
        let line = |earlier: Option<&Turn>| Turn {
            earlier: earlier.map(|t| t.mine.subscribe()),
            mine: Arc::new(watch::channel(Progress::Waiting).0),
        };
        let first = line(None);
        let second = line(Some(&first));
        let earlier = first.attempt();
        let mut later = second.attempt();

        assert!((&mut later.begun).now_or_never().is_none(), "not begun yet");
        (earlier.begin)();
        assert!((&mut later.begun).now_or_never().is_some(), "begun");
        assert!(
            (&mut later.committed).now_or_never().is_none(),
            "still running"
        );
        first.mine.send_replace(Progress::Ended { committed: true });
        assert!(later.committed.await);
        (later.begin)();
        assert!(*second.mine.borrow() == Progress::Begun);
        assert!(
            second.attempt().committed.await,
            "a second attempt reads the same"
        );

        // A commit that ended without saying (it panicked) reads as begun and failed.
        let third = line(None);
        let after_third = line(Some(&third)).attempt();
        drop(third);
        after_third.begun.await;
        assert!(!after_third.committed.await);
    }
}
