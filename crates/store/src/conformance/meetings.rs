//! Checks of stored meetings (M1, M2), fenced writes and the resume point (M4).

use gong_timeline_domain::meeting::{Affiliation, Meeting, Party};
use gong_timeline_domain::{JobStatus, RecordStatus, Trigger};

use super::fixtures::*;
use crate::records::*;
use crate::{Store, StoreError};

/// A meeting of call `call` started at `at(minute)`.
pub fn meeting(call: &str, minute: i64) -> Meeting {
    Meeting {
        gong_call_id: call.into(),
        title: Some(format!("Call {call}")),
        started: at(minute),
        duration_seconds: Some(1800),
        url: Some(format!("https://gong.example/call?id={call}")),
        is_private: false,
        owner_gong_user_id: Some("g1".into()),
        parties: vec![Party {
            email: Some("ann@acme.com".into()),
            name: Some("Ann".into()),
            affiliation: Affiliation::External,
            gong_user_id: None,
        }],
        crm_objects: Vec::new(),
        trackers: None,
        brief: Some("Brief.".into()),
        key_points: vec!["Renewal".into()],
        details: Default::default(),
        speakers: Vec::new(),
    }
}

async fn list(store: &dyn Store, conn: ConnectionId, query: MeetingQuery) -> Vec<GongCallId> {
    store
        .list_stored_meetings(conn, query)
        .await
        .expect("list_stored_meetings")
        .into_iter()
        .map(|m| m.meeting.gong_call_id)
        .collect()
}

pub(super) fn query(which: MeetingSet, after: Option<MeetingKey>, limit: u32) -> MeetingQuery {
    MeetingQuery {
        since: at(0),
        until: None,
        which,
        after,
        limit,
    }
}

/// Meetings ride with their page: stored by (connection, call id), replaced when
/// fetched again, read back whole in (start, call id) keyset pages, filtered to those
/// not on the Timeline or on the retry list, and pruned by start. A private meeting
/// comes back without content.
pub async fn stored_meetings_ride_with_the_page(store: &dyn Store) {
    seed(store).await;
    let conn = connection(store, "A").await;
    let other = connection(store, "B").await;
    let acme = company_id(store, "Acme").await;
    let job = start_job(store, conn.id, 0).await;
    let mut secret = meeting("c4", 40);
    secret.is_private = true;
    let mut p = page(store, job, conn.id, 1).await;
    p.meetings = vec![
        EncodedMeeting::new(&meeting("c2", 20), at(1)),
        EncodedMeeting::new(&meeting("c1", 10), at(1)),
        EncodedMeeting::new(&meeting("c3", 20), at(1)),
        EncodedMeeting::new(&secret, at(1)),
    ];
    p.upserts = vec![upsert(conn.id, "c1", acme, 10, 1)];
    p.retry_add = vec![RetryEntry {
        gong_call_id: "c3".into(),
        message: "Account and Contact data not found for Company Resolution.".into(),
        failed_at: at(1),
    }];
    store.commit_page(&p).await.expect("commit");

    let all = store
        .list_stored_meetings(conn.id, query(MeetingSet::All, None, 10))
        .await
        .expect("list");
    let ids: Vec<&str> = all
        .iter()
        .map(|m| m.meeting.gong_call_id.as_str())
        .collect();
    assert_eq!(ids, ["c1", "c2", "c3", "c4"], "(start, call id) order");
    assert_eq!(all[0], StoredMeeting::new(meeting("c1", 10), at(1)));
    let private = &all[3].meeting;
    assert!(private.is_private && private.title.is_none() && private.parties.is_empty());
    assert!(private.brief.is_none() && private.url.is_none() && private.key_points.is_empty());
    assert_eq!(private.started, at(40));

    let first = list(store, conn.id, query(MeetingSet::All, None, 2)).await;
    assert_eq!(first, ["c1", "c2"]);
    let key = all[1].key();
    let rest = list(store, conn.id, query(MeetingSet::All, Some(key), 2)).await;
    assert_eq!(rest, ["c3", "c4"], "keyset: after (20, c2) comes (20, c3)");
    let window = MeetingQuery {
        since: at(15),
        until: Some(at(40)),
        ..query(MeetingSet::All, None, 10)
    };
    assert_eq!(list(store, conn.id, window).await, ["c2", "c3"]);
    assert_eq!(
        list(store, conn.id, query(MeetingSet::NotOnTimeline, None, 10)).await,
        ["c2", "c3", "c4"]
    );
    assert_eq!(
        list(store, conn.id, query(MeetingSet::Failed, None, 10)).await,
        ["c3"]
    );
    assert!(list(store, other.id, query(MeetingSet::All, None, 10))
        .await
        .is_empty());

    let mut renamed = meeting("c2", 20);
    renamed.title = Some("Renamed".into());
    let mut p = page(store, job, conn.id, 2).await;
    p.meetings = vec![EncodedMeeting::new(&renamed, at(2))];
    store.commit_page(&p).await.expect("commit");
    let again = store
        .list_stored_meetings(conn.id, query(MeetingSet::All, None, 10))
        .await
        .expect("list");
    assert_eq!(again.len(), 4, "replaced, not added");
    assert_eq!(again[1], StoredMeeting::new(renamed, at(2)));
    assert_ne!(again[1].fingerprint, all[1].fingerprint);

    assert_eq!(
        store
            .prune_stored_meetings(conn.id, at(20))
            .await
            .expect("prune"),
        1
    );
    assert_eq!(
        list(store, conn.id, query(MeetingSet::All, None, 10)).await,
        ["c2", "c3", "c4"]
    );

    // A call Gong moved to another start is one meeting, at its new place.
    let mut p = page(store, job, conn.id, 3).await;
    p.meetings = vec![EncodedMeeting::new(&meeting("c3", 45), at(3))];
    store.commit_page(&p).await.expect("commit");
    assert_eq!(
        list(store, conn.id, query(MeetingSet::All, None, 10)).await,
        ["c2", "c4", "c3"]
    );
    let counted = |conn, from, to| store.count_stored_meetings(conn, at(from), at(to));
    assert_eq!(
        counted(conn.id, 20, 45).await.expect("count"),
        2,
        "[since, until)"
    );
    assert_eq!(counted(conn.id, 0, 100).await.expect("count"), 3);
    assert_eq!(counted(other.id, 0, 100).await.expect("count"), 0);
}

/// A writer whose job was taken over (lease lapsed, another process started the
/// next job: a higher generation) writes nothing — no activity, record, meeting,
/// count or checkpoint — and cannot finish the job; the new writer can.
pub async fn a_writer_that_lost_its_lease_writes_nothing(store: &dyn Store) {
    seed(store).await;
    let conn = connection(store, "A").await;
    let acme = company_id(store, "Acme").await;
    let old = store
        .try_start_job(conn.id, Trigger::Manual, lease("p1", 10), at(0))
        .await
        .expect("start")
        .expect("started");
    let old_fence = fence(store, old).await;
    let taken = store
        .try_start_job(conn.id, Trigger::Schedule, lease("p2", 30), at(20))
        .await
        .expect("take over")
        .expect("started after the lease lapsed");
    let new_fence = fence(store, taken).await;
    assert!(new_fence.generation > old_fence.generation);

    let mut late = page(store, taken, conn.id, 21).await;
    late.job_id = old;
    late.fence = old_fence.clone();
    late.upserts = vec![upsert(conn.id, "c1", acme, 10, 1)];
    late.records = vec![record(
        "c1",
        RecordStatus::Created,
        Some(ActivityRef::Upsert(0)),
    )];
    late.meetings = vec![EncodedMeeting::new(&meeting("c1", 10), at(21))];
    late.checkpoint = Some(at(10));
    late.counts_delta = JobCounts {
        fetched: 1,
        created: 1,
        ..JobCounts::default()
    };
    let err = store.commit_page(&late).await.unwrap_err();
    assert!(
        matches!(err, StoreError::LeaseLost { job_id } if job_id == old),
        "{err}"
    );
    assert_eq!(
        store
            .count_activities(&ActivityFilter::default())
            .await
            .expect("count"),
        0
    );
    assert!(store
        .list_stored_meetings(conn.id, query(MeetingSet::All, None, 10))
        .await
        .expect("list")
        .is_empty());
    let old_job = store.get_job(old).await.expect("get").expect("exists");
    assert_eq!(old_job.counts, JobCounts::default());
    assert_eq!(
        old_job.status,
        JobStatus::Failed,
        "interrupted by the take-over"
    );
    assert_eq!(
        store
            .get_checkpoint(conn.id)
            .await
            .expect("cp")
            .last_meeting_started,
        None
    );
    let finish = JobFinish {
        status: JobStatus::Success,
        counts: late.counts_delta,
        finished_at: at(22),
        message: None,
        gong: Some(GongUsage {
            requests: 9,
            rate_limited: 1,
        }),
        fence: Some(old_fence.clone()),
    };
    assert!(matches!(
        store.finish_job(old, finish.clone()).await,
        Err(StoreError::LeaseLost { .. })
    ));
    let old_job = store.get_job(old).await.expect("get").expect("exists");
    assert_eq!(
        (old_job.status, old_job.gong),
        (JobStatus::Failed, None),
        "the late finish changed nothing, its Gong usage included"
    );

    // The same owner with a stale generation is fenced out too.
    let mut stale = page(store, taken, conn.id, 21).await;
    stale.fence.generation = old_fence.generation;
    assert!(matches!(
        store.commit_page(&stale).await,
        Err(StoreError::LeaseLost { .. })
    ));

    let mut ok = late;
    ok.job_id = taken;
    ok.fence = new_fence.clone();
    store
        .commit_page(&ok)
        .await
        .expect("the new writer commits");
    store
        .finish_job(
            taken,
            JobFinish {
                fence: Some(new_fence),
                ..finish
            },
        )
        .await
        .expect("the new writer finishes");
    let job = store.get_job(taken).await.expect("get").expect("exists");
    assert_eq!((job.status, job.counts.created), (JobStatus::Success, 1));
    assert_eq!(job.gong, finish.gong, "the live writer's usage is kept");
}

/// The resume point is set, kept and cleared by page commits, beside the end of a
/// reconciliation and the fingerprint of the settings last evaluated against.
pub async fn resume_point_rides_with_the_page(store: &dyn Store) {
    let conn = connection(store, "A").await;
    let job = start_job(store, conn.id, 0).await;
    let point = ResumePoint {
        pass: Pass::Fetch {
            from: at(-100),
            to: at(0),
            reconciles: true,
        },
        after: Some(MeetingKey {
            started: at(-50),
            gong_call_id: "c9".into(),
        }),
    };
    let mut p = page(store, job, conn.id, 1).await;
    p.resume = ResumeUpdate::Set(point.clone());
    p.checkpoint = Some(at(-50));
    store.commit_page(&p).await.expect("commit");
    let cp = store.get_checkpoint(conn.id).await.expect("cp");
    assert_eq!(cp.resume, Some(point.clone()));
    assert_eq!(cp.last_meeting_started, Some(at(-50)));

    store
        .commit_page(&page(store, job, conn.id, 2).await)
        .await
        .expect("keep");
    assert_eq!(
        store.get_checkpoint(conn.id).await.expect("cp").resume,
        Some(point)
    );

    let reevaluating = ResumePoint {
        pass: Pass::Reevaluate {
            which: MeetingSet::NotOnTimeline,
            settings: -7,
        },
        after: None,
    };
    let mut p = page(store, job, conn.id, 3).await;
    p.resume = ResumeUpdate::Set(reevaluating.clone());
    store.commit_page(&p).await.expect("commit");
    assert_eq!(
        store.get_checkpoint(conn.id).await.expect("cp").resume,
        Some(reevaluating)
    );

    let mut p = page(store, job, conn.id, 4).await;
    p.resume = ResumeUpdate::Clear;
    p.reconciled_at = Some(at(4));
    p.evaluated_settings = Some(-7);
    store.commit_page(&p).await.expect("commit");
    let cp = store.get_checkpoint(conn.id).await.expect("cp");
    assert_eq!(
        cp,
        Checkpoint {
            last_meeting_started: Some(at(-50)),
            last_reconciled_at: Some(at(4)),
            resume: None,
            evaluated_settings: Some(-7),
            deep_check: DeepCheck::default(),
        }
    );
    // The deep check's place is kept beside, and the page left it alone.
    let state = DeepCheck {
        checked_at: Some(at(5)),
        after: Some(MeetingKey {
            started: at(-60),
            gong_call_id: "c9".into(),
        }),
    };
    store
        .set_deep_check(conn.id, &state)
        .await
        .expect("deep check");
    assert_eq!(
        store.get_checkpoint(conn.id).await.unwrap().deep_check,
        state
    );
}

/// A page forgets calls deleted in Gong (G1): their stored meetings, skip marks and
/// retry entries go with the page, other calls' stay.
pub async fn a_page_forgets_calls_deleted_in_gong(store: &dyn Store) {
    seed(store).await;
    let conn = connection(store, "A").await;
    let job = start_job(store, conn.id, 0).await;
    let mut p = page(store, job, conn.id, 1).await;
    p.meetings = vec![
        EncodedMeeting::new(&meeting("c1", 10), at(1)),
        EncodedMeeting::new(&meeting("c2", 20), at(1)),
    ];
    p.skip_marks = vec![SkipMark {
        gong_call_id: "c1".into(),
        fingerprint: 7,
    }];
    p.retry_add = vec![RetryEntry {
        gong_call_id: "c1".into(),
        message: "Account and Contact data not found for Company Resolution.".into(),
        failed_at: at(1),
    }];
    store.commit_page(&p).await.expect("commit");

    let mut forget = page(store, job, conn.id, 2).await;
    forget.forget = vec!["c1".into()];
    store.commit_page(&forget).await.expect("commit");

    let left = list(store, conn.id, query(MeetingSet::All, None, 10)).await;
    assert_eq!(left, ["c2"]);
    assert!(store
        .skip_marks(conn.id, &["c1".into()])
        .await
        .unwrap()
        .is_empty());
    assert!(retries(store, conn.id, at(0)).await.is_empty());
}
