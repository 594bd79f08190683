//! Checks of the page commit, activities, the checkpoint and the retry list.

use gong_timeline_domain::meeting::{PhraseCount, Tracker};
use gong_timeline_domain::{LicenseType, RecordStatus};

use super::fixtures::*;
use crate::records::*;
use crate::{GongCallId, Store, StoreError};
use std::collections::HashSet;

/// A page inserts new activities, updates existing ones in place by external id,
/// links its log records to them and adds its counts to the job.
pub async fn commit_page_upserts_by_external_id(store: &dyn Store) {
    seed(store).await;
    let conn = connection(store, "A").await;
    let acme = company_id(store, "Acme").await;
    let job = start_job(store, conn.id, 0).await;
    let mut first = page(store, job, conn.id, 1).await;
    first.upserts = vec![
        upsert(conn.id, "c1", acme, 10, 111),
        upsert(conn.id, "c2", acme, 20, 222),
    ];
    first.records = vec![
        record("c1", RecordStatus::Created, Some(ActivityRef::Upsert(0))),
        record("c2", RecordStatus::Created, Some(ActivityRef::Upsert(1))),
        record("c3", RecordStatus::Skipped, None),
    ];
    first.counts_delta = JobCounts {
        fetched: 3,
        created: 2,
        skipped: 1,
        ..JobCounts::default()
    };
    let ids = store.commit_page(&first).await.expect("commit");
    assert_eq!(ids.len(), 2);
    assert_ne!(ids[0], ids[1]);

    let mut second = page(store, job, conn.id, 2).await;
    let mut changed = upsert(conn.id, "c1", acme, 10, 333);
    changed.subject = "Renamed".into();
    changed.activity_type = "Call".into();
    changed.trackers = Some(vec![Tracker {
        name: "Pricing".into(),
        count: 2,
        phrases: vec![PhraseCount {
            phrase: "discount".into(),
            count: 2,
        }],
    }]);
    second.upserts = vec![changed];
    second.records = vec![record(
        "c1",
        RecordStatus::Updated,
        Some(ActivityRef::Id(ids[0])),
    )];
    second.counts_delta = JobCounts {
        fetched: 1,
        updated: 1,
        ..JobCounts::default()
    };
    assert_eq!(
        store.commit_page(&second).await.expect("commit"),
        vec![ids[0]]
    );

    assert_eq!(
        store
            .count_activities(&of_connection(conn.id))
            .await
            .expect("count"),
        2
    );
    let got = store
        .get_activity(ids[0])
        .await
        .expect("get")
        .expect("exists");
    assert_eq!((got.subject.as_str(), got.content_hash), ("Renamed", 333));
    assert_eq!(
        got.activity_type, "Meeting",
        "an update keeps the type the activity was created with (M2)"
    );
    assert_eq!(
        got.trackers.as_ref().map(|t| t[0].phrases[0].count),
        Some(2)
    );
    assert_eq!((got.created_at, got.updated_at), (at(1), at(2)));
    assert_eq!(
        got.external_attendees[0].email.as_deref(),
        Some("ann@acme.com")
    );
    let by_ext = store.activity_by_external_id("gong:c2").await.expect("get");
    assert_eq!(by_ext.map(|a| a.id), Some(ids[1]));

    let calls: Vec<GongCallId> = vec!["c1".into(), "c2".into(), "c9".into()];
    let hashes = store.activity_hashes(&calls).await.expect("hashes");
    assert_eq!(hashes.len(), 2);
    assert_eq!(
        hashes["c1"],
        ActivityHash {
            activity_id: ids[0],
            content_hash: 333,
            activity_type: "Meeting".into(),
        }
    );

    let records = job_records(store, job).await;
    let linked: Vec<Option<ActivityId>> = records.iter().map(|r| r.activity_id).collect();
    assert_eq!(linked, vec![Some(ids[0]), Some(ids[1]), None, Some(ids[0])]);
    let job = store.get_job(job).await.expect("job").expect("exists");
    assert_eq!(
        job.counts,
        JobCounts {
            fetched: 4,
            created: 2,
            updated: 1,
            skipped: 1,
            failed: 0,
            removed: 0,
        }
    );
}

/// A page that fails anywhere writes nothing: no activity, record, retry entry,
/// count or checkpoint move.
pub async fn commit_page_is_all_or_nothing(store: &dyn Store) {
    seed(store).await;
    let conn = connection(store, "A").await;
    let acme = company_id(store, "Acme").await;
    let job = start_job(store, conn.id, 0).await;
    let blank = page(store, job, conn.id, 1).await;
    let full = |bad: ActivityUpsert, link: ActivityRef| {
        let mut p = blank.clone();
        p.upserts = vec![upsert(conn.id, "c1", acme, 10, 1), bad];
        p.records = vec![
            record("c1", RecordStatus::Created, Some(ActivityRef::Upsert(0))),
            record("c2", RecordStatus::Created, Some(link)),
        ];
        p.retry_add = vec![RetryEntry {
            gong_call_id: "c7".into(),
            message: "boom".into(),
            failed_at: at(1),
        }];
        p.checkpoint = Some(at(30));
        p.counts_delta = JobCounts {
            fetched: 2,
            created: 2,
            ..JobCounts::default()
        };
        p
    };
    let no_company = upsert(conn.id, "c2", CompanyId::new(987_654), 20, 2);
    assert!(store
        .commit_page(&full(no_company, ActivityRef::Upsert(1)))
        .await
        .is_err());
    let dangling = upsert(conn.id, "c2", acme, 20, 2);
    assert!(store
        .commit_page(&full(dangling, ActivityRef::Upsert(5)))
        .await
        .is_err());

    assert_eq!(
        store
            .count_activities(&ActivityFilter::default())
            .await
            .expect("count"),
        0
    );
    let records = job_records(store, job).await;
    assert!(records.is_empty());
    assert!(retries(store, conn.id, at(-100)).await.is_empty());
    assert_eq!(
        store.get_checkpoint(conn.id).await.expect("checkpoint"),
        Checkpoint::default()
    );
    let job = store.get_job(job).await.expect("job").expect("exists");
    assert_eq!(job.counts, JobCounts::default());
}

/// Several pages commit in one transaction, in order: a later page updates what an
/// earlier one created, and the counts and checkpoint add up. A group with a failing
/// page, or under a stale fence, writes none of its pages.
pub async fn commit_pages_writes_a_group_in_order_or_nothing(store: &dyn Store) {
    seed(store).await;
    let conn = connection(store, "A").await;
    let acme = company_id(store, "Acme").await;
    let job = start_job(store, conn.id, 0).await;
    let blank = page(store, job, conn.id, 1).await;
    let written = |call: &str, minute: i64, subject: &str, status: RecordStatus| {
        let mut p = blank.clone();
        let mut activity = upsert(conn.id, call, acme, minute, minute);
        activity.subject = subject.into();
        p.upserts = vec![activity];
        p.records = vec![record(call, status, Some(ActivityRef::Upsert(0)))];
        p.checkpoint = Some(at(minute));
        p.counts_delta = JobCounts {
            fetched: 1,
            created: u64::from(status == RecordStatus::Created),
            updated: u64::from(status == RecordStatus::Updated),
            ..JobCounts::default()
        };
        p
    };
    let activities = || async {
        store
            .list_activities(ActivityFilter::default())
            .await
            .expect("list")
    };

    // A failing page (its company does not exist) takes the group's others with it.
    let mut failing = written("c9", 40, "Broken", RecordStatus::Created);
    failing.upserts[0].company_id = CompanyId::new(987_654);
    let group = [written("c1", 10, "First", RecordStatus::Created), failing];
    assert!(store.commit_pages(&group).await.is_err());
    assert!(activities().await.is_empty());

    // So does a stale fence.
    let mut stale = [written("c1", 10, "First", RecordStatus::Created)];
    stale[0].fence.generation += 1;
    assert!(matches!(
        store.commit_pages(&stale).await,
        Err(StoreError::LeaseLost { .. })
    ));
    assert!(activities().await.is_empty());

    let group = [
        written("c1", 10, "First", RecordStatus::Created),
        written("c2", 20, "Second", RecordStatus::Created),
        written("c1", 30, "First, renamed", RecordStatus::Updated),
    ];
    store.commit_pages(&group).await.expect("commit");
    let mut subjects: Vec<String> = activities().await.into_iter().map(|a| a.subject).collect();
    subjects.sort();
    assert_eq!(subjects, ["First, renamed", "Second"]);
    let records = job_records(store, job).await;
    assert_eq!(records.len(), 3);
    let first = records.iter().filter(|r| r.gong_call_id == "c1");
    let ids: std::collections::HashSet<_> = first.map(|r| r.activity_id).collect();
    assert_eq!(ids.len(), 1, "both of c1's records name its one activity");
    let job = store.get_job(job).await.expect("job").expect("exists");
    assert_eq!(
        job.counts,
        JobCounts {
            fetched: 3,
            created: 2,
            updated: 1,
            ..JobCounts::default()
        }
    );
    let checkpoint = store.get_checkpoint(conn.id).await.expect("checkpoint");
    assert_eq!(checkpoint.last_meeting_started, Some(at(30)));
}

/// A commit started while the job's earlier one runs writes nothing until that one
/// has committed, and nothing at all when it failed; two such commits of other
/// calls, run side by side, both land, in order.
pub async fn a_commit_after_an_earlier_one_waits_for_its_outcome(store: &dyn Store) {
    seed(store).await;
    let conn = connection(store, "A").await;
    let acme = company_id(store, "Acme").await;
    let job = start_job(store, conn.id, 0).await;
    let blank = page(store, job, conn.id, 1).await;
    let written = |call: &str, minute: i64| {
        let mut p = blank.clone();
        p.upserts = vec![upsert(conn.id, call, acme, minute, minute)];
        p.records = vec![record(
            call,
            RecordStatus::Created,
            Some(ActivityRef::Upsert(0)),
        )];
        p.checkpoint = Some(at(minute));
        p.counts_delta = JobCounts {
            fetched: 1,
            created: 1,
            ..JobCounts::default()
        };
        p
    };
    let calls = || async {
        let mut calls: Vec<String> = store
            .list_activities(ActivityFilter::default())
            .await
            .expect("list")
            .into_iter()
            .map(|a| a.gong_call_id.as_str().to_owned())
            .collect();
        calls.sort();
        calls
    };
    let created = || async {
        let job = store.get_job(job).await.expect("job").expect("exists");
        job.counts.created
    };

    // The earlier commit failed: nothing of this one is written.
    let failed = after(Box::pin(async { false }), Box::new(|| ()));
    let result = store.commit_pages_after(&[written("c1", 10)], failed).await;
    assert!(
        matches!(result, Err(StoreError::EarlierCommitFailed)),
        "{result:?}"
    );
    assert!(calls().await.is_empty());
    assert_eq!(created().await, 0);

    // Until the earlier commit's outcome is known, nothing of this one shows.
    let (settled, outcome) = tokio::sync::oneshot::channel::<bool>();
    let (began, begun) = tokio::sync::oneshot::channel::<()>();
    let earlier = after(
        Box::pin(async move { outcome.await.unwrap_or(false) }),
        Box::new(move || {
            let _ = began.send(());
        }),
    );
    let later = [written("c2", 20)];
    let waiting = store.commit_pages_after(&later, earlier);
    let meanwhile = async {
        begun
            .await
            .expect("the commit says when it holds its connection");
        assert!(
            calls().await.is_empty(),
            "nothing shows before the earlier commit"
        );
        assert_eq!(created().await, 0);
        settled
            .send(true)
            .expect("the commit waits for the outcome");
    };
    let (result, ()) = tokio::join!(waiting, meanwhile);
    result.expect("commits once the earlier one did");
    assert_eq!(calls().await, ["c2"]);

    // Side by side, as a job's sink runs them, in the order that could go wrong:
    // the later commit has written its calls' rows and waits when the earlier one
    // runs, which must not wait on any of them.
    let (waits, waiting) = tokio::sync::oneshot::channel::<()>();
    let (settled, outcome) = tokio::sync::oneshot::channel::<bool>();
    let first = [written("c3", 30)];
    let second = [written("c4", 40)];
    let earlier = after(
        Box::pin(async move {
            let _ = waits.send(());
            outcome.await.unwrap_or(false)
        }),
        Box::new(|| ()),
    );
    let run_first = async {
        waiting
            .await
            .expect("the later commit waits for the earlier one");
        let bound = std::time::Duration::from_secs(30);
        let result = tokio::time::timeout(bound, store.commit_pages(&first))
            .await
            .expect("the earlier commit is not kept waiting by the later one's rows");
        let _ = settled.send(result.is_ok());
        result
    };
    let (b, a) = tokio::join!(store.commit_pages_after(&second, earlier), run_first);
    a.expect("first");
    b.expect("second");
    assert_eq!(calls().await, ["c2", "c3", "c4"]);
    assert_eq!(created().await, 3);
    let checkpoint = store.get_checkpoint(conn.id).await.expect("checkpoint");
    assert_eq!(checkpoint.last_meeting_started, Some(at(40)));
}

/// The turn of a commit after one that has begun and resolves `committed`; `begin`
/// hears when this one holds its connection.
fn after(
    committed: std::pin::Pin<Box<dyn std::future::Future<Output = bool> + Send>>,
    begin: Box<dyn FnOnce() + Send>,
) -> crate::EarlierCommit {
    crate::EarlierCommit {
        begun: Box::pin(std::future::ready(())),
        committed,
        begin,
    }
}

/// The checkpoint moves only forward; reconciliation time is kept beside it.
pub async fn checkpoint_only_moves_forward(store: &dyn Store) {
    let conn = connection(store, "A").await;
    let job = start_job(store, conn.id, 0).await;
    assert_eq!(
        store.get_checkpoint(conn.id).await.expect("empty"),
        Checkpoint::default()
    );
    for (minute, expect) in [(50, 50), (20, 50), (70, 70)] {
        let mut p = page(store, job, conn.id, 1).await;
        p.checkpoint = Some(at(minute));
        store.commit_page(&p).await.expect("commit");
        let got = store.get_checkpoint(conn.id).await.expect("checkpoint");
        assert_eq!(got.last_meeting_started, Some(at(expect)));
    }
    store
        .set_last_reconciled(conn.id, at(99))
        .await
        .expect("reconciled");
    let got = store.get_checkpoint(conn.id).await.expect("checkpoint");
    assert_eq!(
        got,
        Checkpoint {
            last_meeting_started: Some(at(70)),
            last_reconciled_at: Some(at(99)),
            ..Checkpoint::default()
        }
    );
    let other = connection(store, "B").await;
    store
        .set_last_reconciled(other.id, at(5))
        .await
        .expect("reconciled");
    assert_eq!(
        store
            .get_checkpoint(other.id)
            .await
            .expect("b")
            .last_meeting_started,
        None
    );
}

/// Failed calls are added once per (connection, call), bumped on each failure,
/// listed while young, removed when handled and pruned when old.
pub async fn retry_list_bumps_lists_and_prunes(store: &dyn Store) {
    let conn = connection(store, "A").await;
    let job = start_job(store, conn.id, 0).await;
    let entry = |call: &str, minute: i64| RetryEntry {
        gong_call_id: call.into(),
        message: format!("failed at {minute}"),
        failed_at: at(minute),
    };
    let mut p = page(store, job, conn.id, 1).await;
    p.retry_add = vec![entry("old", 0), entry("c1", 10), entry("c2", 20)];
    store.commit_page(&p).await.expect("commit");
    let mut p = page(store, job, conn.id, 2).await;
    p.retry_add = vec![entry("c1", 30)];
    p.retry_remove = vec!["c2".into(), "never-there".into()];
    store.commit_page(&p).await.expect("commit");
    let young = retries(store, conn.id, at(5)).await;
    assert_eq!(young.len(), 1);
    let c1 = &young[0];
    assert_eq!((c1.gong_call_id.as_str(), c1.attempts), ("c1", 2));
    assert_eq!((c1.first_failed_at, c1.last_failed_at), (at(10), at(30)));
    assert_eq!(c1.last_message, "failed at 30");
    assert_eq!(retries(store, conn.id, at(-1)).await.len(), 2);
    assert_eq!(store.prune_retries(conn.id, at(5)).await.expect("prune"), 1);
    store
        .remove_retries(conn.id, &["c1".into()])
        .await
        .expect("remove");
    assert!(retries(store, conn.id, at(-1)).await.is_empty());
}

/// The retry list reads in pages of the call id's order, after a given call, only
/// entries first failed since the given time, and only the connection's own.
pub async fn retry_list_reads_in_pages_by_call_id(store: &dyn Store) {
    let conn = connection(store, "A").await;
    let other = connection(store, "B").await;
    for (conn, minute) in [(conn.id, 0), (other.id, 1)] {
        let job = start_job(store, conn, minute).await;
        let mut p = page(store, job, conn, 1).await;
        p.retry_add = ["c3", "c1", "old", "c2"]
            .into_iter()
            .map(|call| RetryEntry {
                gong_call_id: call.into(),
                message: format!("{call} failed"),
                failed_at: at(if call == "old" { 0 } else { 10 }),
            })
            .collect();
        store.commit_page(&p).await.expect("commit");
    }
    let ids = |page: Vec<RetryItem>| {
        page.into_iter()
            .map(|r| (r.gong_call_id.to_string(), r.last_message))
            .collect::<Vec<_>>()
    };
    let first = store
        .retry_page(conn.id, at(5), None, 2)
        .await
        .expect("first page");
    assert_eq!(
        ids(first),
        [
            ("c1".to_string(), "c1 failed".to_string()),
            ("c2".to_string(), "c2 failed".to_string())
        ]
    );
    let rest = store
        .retry_page(conn.id, at(5), Some("c2".into()), 2)
        .await
        .expect("next page");
    assert_eq!(ids(rest), [("c3".to_string(), "c3 failed".to_string())]);
    let with_old = store
        .retry_page(conn.id, at(-1), Some("c3".into()), 2)
        .await
        .expect("last page");
    assert_eq!(
        ids(with_old),
        [("old".to_string(), "old failed".to_string())]
    );
}

/// Activities of a company list newest first, paged, with company and author joined.
pub async fn activities_list_newest_first_with_company_and_author(store: &dyn Store) {
    seed(store).await;
    let conn = connection(store, "A").await;
    let acme = company_id(store, "Acme").await;
    let globex = company_id(store, "Globex").await;
    let kim = store.users_by_email("kim@us.io").await.expect("kim")[0].clone();
    let job = start_job(store, conn.id, 0).await;
    let mut p = page(store, job, conn.id, 1).await;
    for (i, minute) in [30, 10, 20].into_iter().enumerate() {
        let mut a = upsert(conn.id, &format!("a{i}"), acme, minute, 1);
        a.author_user_id = Some(kim.id);
        p.upserts.push(a);
    }
    p.upserts.push(upsert(conn.id, "g0", globex, 40, 1));
    store.commit_page(&p).await.expect("commit");
    let of_acme = ActivityFilter {
        company_id: Some(acme),
        ..ActivityFilter::default()
    };
    let list = store.list_activities(of_acme.clone()).await.expect("list");
    assert_eq!(
        list.iter()
            .map(|a| a.gong_call_id.as_str())
            .collect::<Vec<_>>(),
        ["a0", "a2", "a1"]
    );
    let first = &list[0];
    assert_eq!(
        (
            first.company.name.as_str(),
            first.company.crm_account_id.as_deref()
        ),
        ("Acme", Some("001A"))
    );
    let author = first.author.as_ref().expect("author");
    assert_eq!(
        (author.email.as_str(), author.license_type),
        ("kim@us.io", LicenseType::InternalCollaborator)
    );
    let page = |seek| ActivityFilter {
        limit: Some(1),
        seek,
        ..of_acme.clone()
    };
    let second = store
        .list_activities(page(Seek::After(list[0].key())))
        .await
        .expect("paged");
    assert_eq!(second[0].gong_call_id, "a2");
    let back = store
        .list_activities(page(Seek::Before(second[0].key())))
        .await
        .expect("the page before");
    assert_eq!(back[0].gong_call_id, "a0");
    assert!(store
        .list_activities(page(Seek::After(list[2].key())))
        .await
        .expect("past the end")
        .is_empty());
    assert_eq!(store.count_activities(&of_acme).await.expect("count"), 3);
    let all = store
        .list_activities(ActivityFilter::default())
        .await
        .expect("all");
    assert_eq!(all.len(), 4);
    assert_eq!(all[0].gong_call_id, "g0");
    assert!(all[0].author.is_none());
}

/// A page's removals delete those activities in the page's transaction; the log
/// records that pointed at them stay, without an activity id (S2: a meeting made
/// private leaves the Timeline).
pub async fn commit_page_removes_activities_and_keeps_their_records(store: &dyn Store) {
    seed(store).await;
    let conn = connection(store, "A").await;
    let acme = company_id(store, "Acme").await;
    let job = start_job(store, conn.id, 0).await;
    let mut first = page(store, job, conn.id, 1).await;
    first.upserts = vec![
        upsert(conn.id, "c1", acme, 10, 1),
        upsert(conn.id, "c2", acme, 20, 2),
    ];
    first.records = vec![record(
        "c1",
        RecordStatus::Created,
        Some(ActivityRef::Upsert(0)),
    )];
    let ids = store.commit_page(&first).await.expect("commit");

    let mut second = page(store, job, conn.id, 2).await;
    second.removals = vec![ids[0]];
    second.records = vec![record("c1", RecordStatus::Skipped, None)];
    store.commit_page(&second).await.expect("commit removal");

    assert!(store.get_activity(ids[0]).await.expect("get").is_none());
    assert!(store.get_activity(ids[1]).await.expect("get").is_some());
    let records = job_records(store, job).await;
    assert_eq!(records.len(), 2);
    assert_eq!(
        records[0].activity_id, None,
        "the old record survives without an id"
    );
}

/// Skip marks are kept per (connection, call), replaced by a later skip, removed on
/// unmark, and read back by call id.
pub async fn skip_marks_are_replaced_and_removed_in_the_page(store: &dyn Store) {
    let conn = connection(store, "A").await;
    let job = start_job(store, conn.id, 0).await;
    let mark = |call: &str, fingerprint| SkipMark {
        gong_call_id: call.into(),
        fingerprint,
    };
    let mut first = page(store, job, conn.id, 1).await;
    first.skip_marks = vec![mark("c1", 11), mark("c2", 22)];
    store.commit_page(&first).await.expect("commit");
    let mut second = page(store, job, conn.id, 2).await;
    second.skip_marks = vec![mark("c1", 12)];
    second.unmark = vec!["c2".into(), "never-marked".into()];
    store.commit_page(&second).await.expect("commit");

    let ids: [GongCallId; 3] = ["c1".into(), "c2".into(), "c3".into()];
    let marks = store.skip_marks(conn.id, &ids).await.expect("marks");
    assert_eq!(marks.len(), 1);
    assert_eq!(marks.get("c1"), Some(&12));
}

/// #20 item 11: a search finds activities by subject, notes, attendees and trackers,
/// ignoring case; LIKE's wildcards in the text are literal; the count agrees.
pub async fn activities_are_searched_by_subject_notes_attendees_and_trackers(store: &dyn Store) {
    seed(store).await;
    let conn = connection(store, "A").await;
    let acme = company_id(store, "Acme").await;
    let job = start_job(store, conn.id, 0).await;
    let mut p = page(store, job, conn.id, 1).await;
    let mut renewal = upsert(conn.id, "s1", acme, 10, 1);
    renewal.subject = "Renewal QBR".into();
    let mut briefed = upsert(conn.id, "s2", acme, 20, 1);
    briefed.notes = Some("Discussed 50% discount".into());
    let mut attended = upsert(conn.id, "s3", acme, 30, 1);
    attended.external_attendees[0].email = Some("zoe@Northwind.example".into());
    let mut tracked = upsert(conn.id, "s4", acme, 40, 1);
    tracked.trackers = Some(vec![Tracker {
        name: "Competitors".into(),
        count: 2,
        phrases: Vec::new(),
    }]);
    p.upserts = vec![renewal, briefed, attended, tracked];
    store.commit_page(&p).await.expect("commit");
    let search = |text: &str| ActivityFilter {
        search: Some(text.to_string()),
        ..ActivityFilter::default()
    };
    for (text, expected) in [
        ("renewal qbr", vec!["s1"]),
        ("50% disc", vec!["s2"]),
        ("NORTHWIND", vec!["s3"]),
        ("competitor", vec!["s4"]),
        ("%", vec!["s2"]),
        ("_", Vec::new()),
        ("call s", vec!["s4", "s3", "s2"]),
    ] {
        let found = store.list_activities(search(text)).await.expect("search");
        let ids: Vec<&str> = found.iter().map(|a| a.gong_call_id.as_str()).collect();
        assert_eq!(ids, expected, "search '{text}'");
        let count = store.count_activities(&search(text)).await.expect("count");
        assert_eq!(count, expected.len() as u64, "count '{text}'");
    }
}

/// #23: an activity's content (next steps, action items, outcome with its sentiment,
/// outline) is kept and read back; one without content reads as empty.
pub async fn activity_content_is_kept_and_read_back(store: &dyn Store) {
    use gong_timeline_domain::meeting::OutlineSection;
    use gong_timeline_domain::outcome::{ActivityOutcome, Sentiment};
    use gong_timeline_domain::ActivityContent;
    seed(store).await;
    let conn = connection(store, "A").await;
    let acme = company_id(store, "Acme").await;
    let job = start_job(store, conn.id, 0).await;
    let mut p = page(store, job, conn.id, 1).await;
    let content = ActivityContent {
        next_steps: vec!["Send the proposal".into()],
        action_items: vec!["Book the security review".into()],
        outcome: Some(ActivityOutcome {
            name: "Demo scheduled".into(),
            category: Some("Positive".into()),
            sentiment: Some(Sentiment::Positive),
        }),
        outline: vec![OutlineSection {
            section: "Pricing".into(),
            items: vec!["Discount for three years".into()],
        }],
    };
    let mut with = upsert(conn.id, "k1", acme, 10, 1);
    with.content = content.clone();
    p.upserts = vec![with, upsert(conn.id, "k2", acme, 20, 1)];
    store.commit_page(&p).await.expect("commit");
    let all = store
        .list_activities(of_connection(conn.id))
        .await
        .expect("list");
    let by_call = |id: &str| all.iter().find(|a| a.gong_call_id == id).expect("activity");
    assert_eq!(by_call("k1").content, content);
    assert!(by_call("k2").content.is_empty());
}

/// A page of any size writes every row, and reads by many call ids find every one:
/// stores write and read in chunks, and a row must not fall between two of them.
pub async fn a_page_of_any_size_writes_and_reads_every_row(store: &dyn Store) {
    seed(store).await;
    let conn = connection(store, "A").await;
    let acme = company_id(store, "Acme").await;
    let job = start_job(store, conn.id, 0).await;
    let calls: Vec<String> = (0..301).map(|n| format!("c{n:03}")).collect();
    let failed: Vec<GongCallId> = (0..131).map(|n| format!("f{n:03}").into()).collect();
    let mut p = page(store, job, conn.id, 1).await;
    for (i, call) in calls.iter().enumerate() {
        p.upserts.push(upsert(conn.id, call, acme, 10, i as i64));
        p.records.push(record(
            call,
            RecordStatus::Created,
            Some(ActivityRef::Upsert(i)),
        ));
        p.meetings.push(EncodedMeeting::new(
            &super::meetings::meeting(call, 10),
            at(1),
        ));
        p.skip_marks.push(SkipMark {
            gong_call_id: format!("s{i:03}").into(),
            fingerprint: i as i64,
        });
    }
    p.retry_add = failed
        .iter()
        .map(|id| RetryEntry {
            gong_call_id: id.clone(),
            message: "Account and Contact data not found for Company Resolution.".into(),
            failed_at: at(1),
        })
        .collect();
    let ids = store.commit_page(&p).await.expect("commit");
    assert_eq!(ids.len(), 301);
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), 301, "one id each");

    let mut asked: Vec<GongCallId> = calls.iter().map(|c| c.as_str().into()).collect();
    asked.push("unknown".into());
    let hashes = store.activity_hashes(&asked).await.expect("hashes");
    assert_eq!(
        hashes.len(),
        301,
        "every written call, and not the unknown one"
    );
    for (i, call) in asked.iter().take(301).enumerate() {
        assert_eq!(hashes[call].activity_id, ids[i], "{call}");
        assert_eq!(hashes[call].content_hash, i as i64, "{call}");
    }
    let records = job_records(store, job).await;
    assert_eq!(records.len(), 301);
    assert!(records.iter().all(|r| r.activity_id.is_some()));
    let since = at(0);
    let until = at(60);
    let stored = store.count_stored_meetings(conn.id, since, until).await;
    assert_eq!(stored.expect("count"), 301);
    assert_eq!(retries(store, conn.id, at(0)).await.len(), 131);
    let marked: Vec<GongCallId> = (0..301).map(|i| format!("s{i:03}").into()).collect();
    let marks = store.skip_marks(conn.id, &marked).await.expect("marks");
    assert_eq!(marks.len(), 301);
    assert_eq!(marks[&marked[300]], 300);

    // Removing as many again leaves none.
    let mut q = page(store, job, conn.id, 2).await;
    q.retry_remove = failed;
    q.unmark = marked.clone();
    store.commit_page(&q).await.expect("commit removals");
    assert!(retries(store, conn.id, at(0)).await.is_empty());
    assert!(store
        .skip_marks(conn.id, &marked)
        .await
        .expect("marks")
        .is_empty());
}
