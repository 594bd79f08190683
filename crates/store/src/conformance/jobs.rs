//! Checks of jobs, leases, the execution log and exports.

use gong_timeline_domain::{JobStatus, RecordStatus, Trigger};

use super::fixtures::*;
use crate::records::*;
use crate::Store;

/// While a job runs under a live lease no second job of that connection starts,
/// even when both try at once; other connections are unaffected.
pub async fn one_job_per_connection_at_a_time(store: &dyn Store) {
    let a = connection(store, "A").await;
    let b = connection(store, "B").await;
    let (first, second) = tokio::join!(
        store.try_start_job(a.id, Trigger::Manual, lease("p1", 10), at(0)),
        store.try_start_job(a.id, Trigger::Schedule, lease("p2", 10), at(0)),
    );
    let started: Vec<JobId> = [first.expect("first"), second.expect("second")]
        .into_iter()
        .flatten()
        .collect();
    assert_eq!(started.len(), 1, "exactly one of two racing starts wins");
    let job = store
        .get_job(started[0])
        .await
        .expect("get")
        .expect("exists");
    assert_eq!(
        (job.status, job.connection.as_str()),
        (JobStatus::InProgress, "A")
    );
    assert!(job.finished_at.is_none() && job.lease_expires_at == Some(at(10)));
    let blocked = store
        .try_start_job(a.id, Trigger::Manual, lease("p3", 20), at(5))
        .await
        .expect("try");
    assert_eq!(blocked, None);
    assert!(store
        .try_start_job(b.id, Trigger::Manual, lease("p3", 20), at(5))
        .await
        .expect("b")
        .is_some());
    let owner = job.lease_owner.clone().expect("owner");
    assert!(store
        .heartbeat(
            job.id,
            Lease {
                owner: owner.clone(),
                expires_at: at(30)
            }
        )
        .await
        .expect("beat"));
    assert!(!store
        .heartbeat(job.id, lease("someone-else", 40))
        .await
        .expect("beat"));
    assert_eq!(
        store
            .try_start_job(a.id, Trigger::Manual, lease("p3", 40), at(20))
            .await
            .expect("try"),
        None
    );
    finish_job(store, job.id, JobStatus::Success, 21).await;
    assert!(!store
        .heartbeat(
            job.id,
            Lease {
                owner,
                expires_at: at(50)
            }
        )
        .await
        .expect("beat"));
    assert!(store
        .try_start_job(a.id, Trigger::Save, lease("p3", 40), at(22))
        .await
        .expect("try")
        .is_some());
}

/// A job In progress whose lease lapsed is marked Failed ("interrupted") and a new one starts.
pub async fn a_job_with_a_lapsed_lease_is_interrupted(store: &dyn Store) {
    let conn = connection(store, "A").await;
    let stale = start_job(store, conn.id, 0).await;
    let fresh = store
        .try_start_job(conn.id, Trigger::Schedule, lease("p2", 100), at(11))
        .await
        .expect("try")
        .expect("starts after the lease lapsed");
    let old = store.get_job(stale).await.expect("get").expect("exists");
    assert_eq!(old.status, JobStatus::Failed);
    assert_eq!(old.finished_at, Some(at(11)));
    assert!(
        old.message
            .as_deref()
            .unwrap_or("")
            .starts_with("interrupted"),
        "{:?}",
        old.message
    );
    assert!(old.lease_owner.is_none());
    let new = store.get_job(fresh).await.expect("get").expect("exists");
    assert_eq!(
        (new.status, new.trigger),
        (JobStatus::InProgress, Trigger::Schedule)
    );
}

/// Jobs list newest first and filter by start time, statuses and connection, with paging.
pub async fn jobs_filter_by_date_status_and_connection(store: &dyn Store) {
    let a = connection(store, "A").await;
    let b = connection(store, "B").await;
    let statuses = [
        JobStatus::Success,
        JobStatus::Failed,
        JobStatus::PartialSuccess,
        JobStatus::Success,
    ];
    let mut ids = Vec::new();
    for (i, status) in statuses.into_iter().enumerate() {
        let minute = i as i64 * 60;
        let id = start_job(store, a.id, minute).await;
        finish_job(store, id, status, minute + 1).await;
        ids.push(id);
    }
    let on_b = start_job(store, b.id, 500).await;
    let all = store.list_jobs(JobFilter::default()).await.expect("all");
    assert_eq!(
        all.iter().map(|j| j.id).collect::<Vec<_>>(),
        vec![on_b, ids[3], ids[2], ids[1], ids[0]]
    );
    let window = JobFilter {
        from: Some(at(60)),
        to: Some(at(180)),
        ..JobFilter::default()
    };
    let got: Vec<JobId> = store
        .list_jobs(window)
        .await
        .expect("window")
        .iter()
        .map(|j| j.id)
        .collect();
    assert_eq!(got, vec![ids[2], ids[1]]);
    let failing = JobFilter {
        statuses: vec![JobStatus::Failed, JobStatus::PartialSuccess],
        ..JobFilter::default()
    };
    let got: Vec<JobId> = store
        .list_jobs(failing)
        .await
        .expect("statuses")
        .iter()
        .map(|j| j.id)
        .collect();
    assert_eq!(got, vec![ids[2], ids[1]]);
    let running = JobFilter {
        statuses: vec![JobStatus::InProgress],
        ..JobFilter::default()
    };
    assert_eq!(store.list_jobs(running).await.expect("running").len(), 1);
    let of_a = JobFilter {
        connection_id: Some(a.id),
        ..JobFilter::default()
    };
    assert_eq!(store.count_jobs(&of_a).await.expect("count"), 4);
    assert_eq!(
        store
            .count_jobs(&JobFilter {
                statuses: vec![JobStatus::Failed, JobStatus::PartialSuccess],
                ..JobFilter::default()
            })
            .await
            .expect("count"),
        2
    );
    // Keyset pages of two, newest first: after the first page's last job, and back.
    let page = |seek| JobFilter {
        limit: Some(2),
        seek,
        ..of_a.clone()
    };
    let ids_of = |jobs: Vec<Job>| jobs.iter().map(|j| j.id).collect::<Vec<_>>();
    let first = store.list_jobs(page(Seek::First)).await.expect("page 1");
    assert_eq!(ids_of(first.clone()), vec![ids[3], ids[2]]);
    let second = store
        .list_jobs(page(Seek::After(first[1].key())))
        .await
        .expect("page 2");
    assert_eq!(ids_of(second.clone()), vec![ids[1], ids[0]]);
    assert!(store
        .list_jobs(page(Seek::After(second[1].key())))
        .await
        .expect("past the end")
        .is_empty());
    let back = store
        .list_jobs(page(Seek::Before(second[0].key())))
        .await
        .expect("back");
    assert_eq!(ids_of(back), vec![ids[3], ids[2]]);
}

/// Two jobs that started in the same microsecond still page apart (the id breaks the tie).
pub async fn job_pages_break_ties_by_id(store: &dyn Store) {
    let (a, b) = (connection(store, "A").await, connection(store, "B").await);
    let first = start_job(store, a.id, 0).await;
    let second = start_job(store, b.id, 0).await;
    let one = |seek| JobFilter {
        limit: Some(1),
        seek,
        ..JobFilter::default()
    };
    let top = store.list_jobs(one(Seek::First)).await.expect("top");
    assert_eq!(top[0].id, second);
    let next = store
        .list_jobs(one(Seek::After(top[0].key())))
        .await
        .expect("next");
    assert_eq!(next.iter().map(|j| j.id).collect::<Vec<_>>(), vec![first]);
    let back = store
        .list_jobs(one(Seek::Before(next[0].key())))
        .await
        .expect("back");
    assert_eq!(back.iter().map(|j| j.id).collect::<Vec<_>>(), vec![second]);
}

/// Finishing sets status, final counts, message, and the connection's last sync.
pub async fn finishing_a_job_sets_counts_and_last_sync(store: &dyn Store) {
    let conn = connection(store, "A").await;
    let job = start_job(store, conn.id, 0).await;
    let counts = JobCounts {
        fetched: 10,
        created: 5,
        updated: 2,
        skipped: 2,
        failed: 1,
        removed: 3,
    };
    let finish = JobFinish {
        status: JobStatus::PartialSuccess,
        counts,
        finished_at: at(3),
        message: Some("one failed".into()),
        gong: None,
        fence: None,
    };
    store.finish_job(job, finish).await.expect("finish");
    let got = store.get_job(job).await.expect("get").expect("exists");
    assert_eq!(
        (got.status, got.counts, got.finished_at),
        (JobStatus::PartialSuccess, counts, Some(at(3)))
    );
    assert_eq!(got.message.as_deref(), Some("one failed"));
    assert!(got.lease_owner.is_none() && got.lease_expires_at.is_none());
    let conn = store
        .get_connection(conn.id)
        .await
        .expect("get")
        .expect("exists");
    assert_eq!(conn.last_sync_at, Some(at(3)));
    let bad = JobFinish {
        status: JobStatus::InProgress,
        counts,
        finished_at: at(4),
        message: None,
        gong: None,
        fence: None,
    };
    assert!(store.finish_job(job, bad.clone()).await.is_err());
    assert!(store
        .finish_job(
            JobId::new(9999),
            JobFinish {
                status: JobStatus::Success,
                ..bad
            }
        )
        .await
        .is_err());
}

/// A job keeps what it asked of Gong: unknown while it runs, the requests and 429s
/// its finish gave, read back by one job and by the list alike; a finish that
/// knows nothing (a dead process's job, ended by another) leaves them unknown.
pub async fn a_finished_job_keeps_its_gong_requests_and_429s(store: &dyn Store) {
    let conn = connection(store, "A").await;
    let job = start_job(store, conn.id, 0).await;
    let running = store.get_job(job).await.expect("get").expect("exists");
    assert_eq!(running.gong, None, "unknown while the job runs");
    let used = GongUsage {
        requests: 1234,
        rate_limited: 56,
    };
    let finish = JobFinish {
        status: JobStatus::Success,
        counts: JobCounts::default(),
        finished_at: at(3),
        message: None,
        gong: Some(used),
        fence: None,
    };
    store.finish_job(job, finish.clone()).await.expect("finish");
    let got = store.get_job(job).await.expect("get").expect("exists");
    assert_eq!(got.gong, Some(used));

    let dead = start_job(store, conn.id, 10).await;
    store
        .finish_job(
            dead,
            JobFinish {
                status: JobStatus::Failed,
                gong: None,
                finished_at: at(12),
                ..finish.clone()
            },
        )
        .await
        .expect("finish");
    let zero = start_job(store, conn.id, 20).await;
    let nothing_asked = GongUsage::default();
    store
        .finish_job(
            zero,
            JobFinish {
                gong: Some(nothing_asked),
                finished_at: at(22),
                ..finish
            },
        )
        .await
        .expect("finish");
    let listed: Vec<(JobId, Option<GongUsage>)> = store
        .list_jobs(JobFilter::default())
        .await
        .expect("list")
        .into_iter()
        .map(|j| (j.id, j.gong))
        .collect();
    assert_eq!(
        listed,
        vec![(zero, Some(nothing_asked)), (dead, None), (job, Some(used))],
        "zero requests is a known zero, not unknown"
    );
}

/// Log records list in the order written, filter by statuses, page, and count.
pub async fn log_records_page_and_filter(store: &dyn Store) {
    let conn = connection(store, "A").await;
    let job = start_job(store, conn.id, 0).await;
    let statuses = [
        RecordStatus::Skipped,
        RecordStatus::Failed,
        RecordStatus::Skipped,
        RecordStatus::Failed,
        RecordStatus::Skipped,
    ];
    let records: Vec<NewLogRecord> = statuses
        .iter()
        .enumerate()
        .map(|(i, s)| NewLogRecord {
            message: Some(format!("m{i}")),
            ..record(&format!("c{i}"), *s, None)
        })
        .collect();
    store.add_log_records(job, records).await.expect("add");
    let all = store
        .list_log_records(RecordFilter {
            job_id: job,
            ..RecordFilter::default()
        })
        .await
        .expect("all");
    assert_eq!(
        all.iter()
            .map(|r| r.gong_call_id.as_str())
            .collect::<Vec<_>>(),
        ["c0", "c1", "c2", "c3", "c4"]
    );
    assert_eq!(
        (all[1].status, all[1].message.as_deref(), all[1].activity_id),
        (RecordStatus::Failed, Some("m1"), None)
    );
    assert_eq!(all[0].meeting_date, Some(at(5)));
    let failed = RecordFilter {
        job_id: job,
        statuses: vec![RecordStatus::Failed],
        ..RecordFilter::default()
    };
    assert_eq!(
        store.list_log_records(failed).await.expect("failed").len(),
        2
    );
    let calls = |records: Vec<LogRecord>| {
        records
            .into_iter()
            .map(|r| r.gong_call_id)
            .collect::<Vec<_>>()
    };
    let paged = |seek, statuses: Vec<RecordStatus>| RecordFilter {
        job_id: job,
        statuses,
        limit: Some(2),
        seek,
    };
    let got = store
        .list_log_records(paged(Seek::After(all[1].id), Vec::new()))
        .await
        .expect("paged");
    assert_eq!(calls(got), ["c2", "c3"]);
    let got = store
        .list_log_records(paged(Seek::Before(all[4].id), Vec::new()))
        .await
        .expect("the page before");
    assert_eq!(calls(got), ["c2", "c3"], "the page before, in write order");
    let got = store
        .list_log_records(paged(Seek::Before(all[1].id), Vec::new()))
        .await
        .expect("the first page, backwards");
    assert_eq!(calls(got), ["c0"]);
    let skipped = vec![RecordStatus::Skipped];
    let got = store
        .list_log_records(paged(Seek::After(all[0].id), skipped.clone()))
        .await
        .expect("one status");
    assert_eq!(calls(got), ["c2", "c4"]);
    let got = store
        .list_log_records(paged(Seek::Before(all[4].id), skipped))
        .await
        .expect("one status, backwards");
    assert_eq!(calls(got), ["c0", "c2"]);
    // Several statuses (each its own index range, merged), a status given twice.
    let both = vec![
        RecordStatus::Skipped,
        RecordStatus::Failed,
        RecordStatus::Skipped,
    ];
    let got = store
        .list_log_records(paged(Seek::After(all[0].id), both.clone()))
        .await
        .expect("two statuses");
    assert_eq!(calls(got), ["c1", "c2"]);
    let got = store
        .list_log_records(paged(Seek::After(all[2].id), both.clone()))
        .await
        .expect("two statuses, page 2");
    assert_eq!(calls(got), ["c3", "c4"]);
    let got = store
        .list_log_records(paged(Seek::Before(all[3].id), both))
        .await
        .expect("two statuses, backwards");
    assert_eq!(calls(got), ["c1", "c2"]);
    let counts = store.count_log_records(job).await.expect("count");
    assert_eq!(
        (
            counts.skipped,
            counts.failed,
            counts.created,
            counts.total()
        ),
        (3, 2, 0, 5)
    );
}

/// A job's exports that still download are listed newest first: an expired one
/// (at `now` exactly, too), one whose file was deleted and another job's are not.
pub async fn a_jobs_live_exports_are_listed_newest_first(store: &dyn Store) {
    let conn = connection(store, "A").await;
    let job = start_job(store, conn.id, 0).await;
    finish_job(store, job, JobStatus::Success, 1).await;
    let other = start_job(store, conn.id, 2).await;
    let new = |job_id: JobId, token: &str, created: i64, expires: i64| NewExport {
        job_id,
        path: format!("/tmp/{token}.xlsx"),
        token: token.to_string(),
        created_at: at(created),
        expires_at: at(expires),
    };
    let create = |n: NewExport| async move { store.create_export(n).await.expect("create") };
    let first = create(new(job, "first", 0, 100)).await;
    let second = create(new(job, "second", 5, 200)).await;
    let expired = create(new(job, "expired", 1, 50)).await;
    let deleted = create(new(job, "deleted", 2, 300)).await;
    store
        .mark_export_file_deleted(deleted.id)
        .await
        .expect("mark");
    create(new(other, "other", 3, 300)).await;

    let listed = store.list_job_exports(job, at(50)).await.expect("list");
    assert_eq!(
        listed,
        vec![second.clone(), first],
        "newest first; expired at now and deleted ones left out: {expired:?}"
    );
    let later = store.list_job_exports(job, at(150)).await.expect("list");
    assert_eq!(later, vec![second]);
    assert!(store
        .list_job_exports(job, at(200))
        .await
        .expect("list")
        .is_empty());
    assert!(store
        .list_job_exports(JobId::new(9999), at(0))
        .await
        .expect("an unknown job has none")
        .is_empty());
}

/// A job's record counts are stored with it: a page's records count in the page's
/// transaction, records added on their own count too, another job keeps its own,
/// and the job's final counts (meetings, not records) leave them alone.
pub async fn record_counts_are_stored_with_the_job(store: &dyn Store) {
    let conn = connection(store, "A").await;
    let job = start_job(store, conn.id, 0).await;
    let mut p = page(store, job, conn.id, 1).await;
    p.records = vec![
        record("p1", RecordStatus::Failed, None),
        record("p2", RecordStatus::Skipped, None),
        record("p3", RecordStatus::Failed, None),
    ];
    store.commit_page(&p).await.expect("commit");
    store
        .add_log_records(job, vec![record("x1", RecordStatus::Skipped, None)])
        .await
        .expect("add");
    let counts = store.count_log_records(job).await.expect("count");
    assert_eq!(
        (
            counts.failed,
            counts.skipped,
            counts.created,
            counts.total()
        ),
        (2, 2, 0, 4)
    );
    assert_eq!(counts.matching(&[RecordStatus::Failed]), 2);
    assert_eq!(counts.matching(&[]), 4);
    let finish = JobFinish {
        status: JobStatus::Failed,
        counts: JobCounts {
            fetched: 3,
            failed: 1,
            ..JobCounts::default()
        },
        finished_at: at(2),
        message: None,
        fence: None,
        gong: None,
    };
    store.finish_job(job, finish).await.expect("finish");
    assert_eq!(store.count_log_records(job).await.expect("count"), counts);
    let other = start_job(store, conn.id, 10).await;
    assert_eq!(
        store.count_log_records(other).await.expect("count"),
        RecordCounts::default()
    );
    assert_eq!(
        store
            .count_log_records(JobId::new(9999))
            .await
            .expect("no such job"),
        RecordCounts::default()
    );
}

/// Exports are found by token, listed once expired, and keep their row after the file goes.
pub async fn exports_outlive_their_files(store: &dyn Store) {
    let conn = connection(store, "A").await;
    let job = start_job(store, conn.id, 0).await;
    let new = |token: &str, expires: i64| NewExport {
        job_id: job,
        path: format!("/tmp/{token}.xlsx"),
        token: token.to_string(),
        created_at: at(0),
        expires_at: at(expires),
    };
    let old = store
        .create_export(new("tok-old", 10))
        .await
        .expect("create");
    let young = store
        .create_export(new("tok-young", 1000))
        .await
        .expect("create");
    assert!(
        store.create_export(new("tok-old", 10)).await.is_err(),
        "tokens are unique"
    );
    assert_eq!(
        store.export_by_token("tok-young").await.expect("get"),
        Some(young.clone())
    );
    let expired = store.list_expired_exports(at(100)).await.expect("expired");
    assert_eq!(
        expired.iter().map(|e| e.id).collect::<Vec<_>>(),
        vec![old.id]
    );
    store.mark_export_file_deleted(old.id).await.expect("mark");
    assert!(store
        .list_expired_exports(at(100))
        .await
        .expect("expired")
        .is_empty());
    let kept = store
        .export_by_token("tok-old")
        .await
        .expect("get")
        .expect("row kept");
    assert!(kept.file_deleted && kept.expires_at == at(10));
    store.delete_export(old.id).await.expect("delete");
    assert!(store
        .export_by_token("tok-old")
        .await
        .expect("get")
        .is_none());
}
