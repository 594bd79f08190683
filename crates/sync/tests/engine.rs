//! The engine against a real SQLite file and the simulator on a random port.

use gong_timeline_store::{GongCallId, JobId};
use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use gong_timeline_domain::{JobStatus, RecordStatus, Trigger};
use gong_timeline_gong::ClientConfig;
use gong_timeline_gong_sim::{Limits, Scenario, SimConfig};
use gong_timeline_store::{JobFilter, RecordFilter, Store};
use gong_timeline_sync::scheduler::Scheduler;
use gong_timeline_sync::{progress, Engine, EngineOptions};
use support::World;

mod support;

const SCENARIO: &str = r#"{
  "users": [
    {"id": "1001", "email": "ann@us.example", "firstName": "Ann", "lastName": "Lee", "active": true}
  ],
  "calls": [
    {"id": "9001", "title": "Kickoff", "started": "2026-11-20T10:00:00Z", "duration": 600, "primaryUserId": "1001",
     "parties": [{"name": "Ann Lee", "email": "ann@us.example", "affiliation": "Internal", "userId": "1001"},
                 {"name": "Raj", "email": "raj@northwind.example", "affiliation": "External"}],
     "crm": [{"system": "Salesforce", "objects": [{"type": "Account", "id": "0015g00000XyZ12AAB"}]}]},
    {"id": "9002", "title": "Late owner", "started": "2026-11-21T10:00:00Z", "duration": 900, "primaryUserId": "1002",
     "parties": [{"name": "Bo Chan", "email": "bo@us.example", "affiliation": "Internal", "userId": "1002"},
                 {"name": "Raj", "email": "raj@northwind.example", "affiliation": "External"}]},
    {"id": "9003", "title": "Broken", "started": "2026-11-22T10:00:00Z", "primaryUserId": "1001",
     "crm": [{"system": "Salesforce", "objects": [{"type": "Account", "id": "0015g00000XyZ12AAB"}]}]},
    {"id": "9005", "title": "Private", "started": "2026-11-23T09:00:00Z", "primaryUserId": "1001", "isPrivate": true},
    {"id": "9004", "title": "Internal only", "started": "2026-11-22T12:00:00Z", "primaryUserId": "1001",
     "parties": [{"name": "Ann Lee", "email": "ann@us.example", "affiliation": "Internal", "userId": "1001"}]}
  ],
  "timeline": {
    "companies": [{"name": "Northwind", "crm_account_id": "0015g00000XyZ12AAB"}],
    "persons": [{"email": "raj@northwind.example", "name": "Raj", "company": "Northwind"}],
    "users": [{"email": "ann@us.example", "name": "Ann Lee", "license_type": "Full", "status": "active"}]
  }
}"#;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 4, 30, 0).unwrap()
}

async fn world() -> World {
    let config = SimConfig {
        scenario: Some(Scenario::from_json(SCENARIO).unwrap()),
        limits: Limits::off(),
        now: Some(now()),
        ..SimConfig::default()
    };
    support::world(config, now()).await
}

fn engine(store: &Arc<dyn Store>, at: DateTime<Utc>) -> Engine {
    let options = EngineOptions {
        gong: ClientConfig::default().without_limits().with_retries(
            2,
            std::time::Duration::from_millis(1),
            std::time::Duration::from_millis(5),
        ),
        clock: Arc::new(move || at),
        ..EngineOptions::default()
    };
    Engine::new(store.clone(), options)
}

async fn records(
    store: &Arc<dyn Store>,
    job_id: JobId,
) -> Vec<(GongCallId, RecordStatus, Option<String>)> {
    store
        .list_log_records(RecordFilter {
            job_id,
            ..RecordFilter::default()
        })
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.gong_call_id, r.status, r.message))
        .collect()
}

#[tokio::test]
async fn u6_an_owner_gong_did_not_list_is_created_as_ic_and_retried_in_the_same_job() {
    let w = world().await;
    let summary = engine(&w.store, now())
        .run_job(w.connection_id, Trigger::Manual, &progress::ignore)
        .await
        .unwrap();

    let late: Vec<_> = records(&w.store, summary.id)
        .await
        .into_iter()
        .filter(|r| r.0 == "9002")
        .collect();
    assert_eq!(late.len(), 2, "{late:?}");
    assert_eq!(late[0].1, RecordStatus::Failed);
    assert_eq!(
        late[0].2.as_deref(),
        Some("Activity Author Bo Chan EmailId bo@us.example GongId 1002 not present in gong-timeline. Sync re-try will happen once the system creates a user with an IC license type.")
    );
    assert_eq!(late[1].1, RecordStatus::Created);
    let bo = w.store.users_by_email("bo@us.example").await.unwrap();
    assert_eq!(bo.len(), 1);
    assert_eq!(bo[0].license_type.to_string(), "Internal Collaborator");
    assert_eq!(summary.counts.created, 3);
}

#[tokio::test]
async fn a_malformed_call_is_logged_failed_by_id_and_the_job_goes_on() {
    let w = world().await;
    w.sim.controls().set_malformed_calls(["9003"]);
    let summary = engine(&w.store, now())
        .run_job(w.connection_id, Trigger::Manual, &progress::ignore)
        .await
        .unwrap();

    assert_eq!(summary.status, JobStatus::PartialSuccess);
    let broken: Vec<_> = records(&w.store, summary.id)
        .await
        .into_iter()
        .filter(|r| r.0 == "9003")
        .collect();
    assert_eq!(broken.len(), 1);
    assert_eq!(broken[0].1, RecordStatus::Failed);
    assert!(
        broken[0].2.as_deref().unwrap().contains("Gong call 9003"),
        "{broken:?}"
    );

    // The retry list heals it once Gong sends it whole again; 9004 still fails for the
    // same reason, which is neither logged again nor counted, so the job succeeds.
    w.sim.controls().reset_faults();
    let later = now() + chrono::Duration::minutes(5);
    let next = engine(&w.store, later)
        .run_job(w.connection_id, Trigger::Manual, &progress::ignore)
        .await
        .unwrap();
    assert_eq!(next.status, JobStatus::Success);
    assert_eq!(next.counts.created, 1, "{next:?}");
    assert_eq!(next.counts.failed, 0, "{next:?}");
    assert!(records(&w.store, next.id)
        .await
        .iter()
        .all(|r| r.0 != "9004"));
}

#[tokio::test]
async fn s6_run_due_syncs_an_enabled_connection_once_per_slot() {
    let w = world().await;
    let first = Scheduler::new(engine(&w.store, now()))
        .run_due(now())
        .await
        .unwrap();
    assert_eq!(first.len(), 1, "never synced: due");
    assert_eq!(first[0].trigger, Trigger::Schedule);

    let same_slot = now() + chrono::Duration::hours(3);
    assert!(Scheduler::new(engine(&w.store, same_slot))
        .run_due(same_slot)
        .await
        .unwrap()
        .is_empty());

    let next_slot = Utc.with_ymd_and_hms(2026, 11, 24, 8, 0, 1).unwrap();
    assert_eq!(
        Scheduler::new(engine(&w.store, next_slot))
            .run_due(next_slot)
            .await
            .unwrap()
            .len(),
        1
    );

    let mut settings = w.store.get_settings(w.connection_id).await.unwrap();
    settings.enabled = false;
    w.store
        .put_settings(w.connection_id, &settings)
        .await
        .unwrap();
    let later = Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 1).unwrap();
    assert!(
        Scheduler::new(engine(&w.store, later))
            .run_due(later)
            .await
            .unwrap()
            .is_empty(),
        "T1: toggle off"
    );
}

#[tokio::test]
async fn s6_a_slot_another_replica_claimed_is_not_synced_again() {
    // Arrange: another process claimed this slot for the connection (and its job may
    // have finished or not).
    let w = world().await;
    let slot = gong_timeline_domain::schedule::latest_slot_at_or_before(now());
    assert!(w
        .store
        .claim_schedule_slot(w.connection_id, slot)
        .await
        .unwrap());

    // Act
    let ran = Scheduler::new(engine(&w.store, now()))
        .run_due(now())
        .await
        .unwrap();

    // Assert
    assert!(ran.is_empty(), "{ran:?}");
    assert!(w
        .store
        .list_jobs(JobFilter::default())
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn s6_two_schedulers_at_one_slot_run_one_job() {
    let w = world().await;
    let (first, second) = (
        Scheduler::new(engine(&w.store, now())),
        Scheduler::new(engine(&w.store, now())),
    );
    let (a, b) = tokio::join!(first.run_due(now()), second.run_due(now()));
    assert_eq!(a.unwrap().len() + b.unwrap().len(), 1);
    assert_eq!(
        w.store.list_jobs(JobFilter::default()).await.unwrap().len(),
        1
    );
}

#[test]
fn a_job_future_is_send_so_servers_can_spawn_it() {
    fn assert_send<T: Send>(_: &T) {}
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let w = world().await;
        let engine = engine(&w.store, now());
        let job = engine.run_job(w.connection_id, Trigger::Manual, &progress::ignore);
        assert_send(&job);
        job.await.unwrap();
    });
}

#[tokio::test]
async fn engine_stats_count_gong_requests_and_429s_for_metrics() {
    let w = world().await;
    w.sim.controls().fail_next(1, 429);
    let engine = engine(&w.store, now());
    engine
        .run_job(w.connection_id, Trigger::Manual, &progress::ignore)
        .await
        .unwrap();
    let stats = engine.stats();
    let requests = stats
        .gong_requests
        .load(std::sync::atomic::Ordering::Relaxed);
    assert!(requests >= 3, "users page, the 429, calls page: {requests}");
    assert_eq!(
        stats
            .gong_rate_limited
            .load(std::sync::atomic::Ordering::Relaxed),
        1
    );
}

#[tokio::test]
async fn a_job_records_the_gong_requests_and_429s_the_simulator_served_it() {
    // Arrange: the simulator answers the job's first request with a 429.
    let w = world().await;
    w.sim.controls().reset_stats();
    w.sim.controls().fail_next(1, 429);

    // Act
    let summary = engine(&w.store, now())
        .run_job(w.connection_id, Trigger::Manual, &progress::ignore)
        .await
        .unwrap();

    // Assert: the job's numbers are the simulator's, in the summary and the log.
    let served = w.sim.controls().stats();
    assert!(served.api_requests >= 3, "{served:?}");
    let expected = gong_timeline_store::GongUsage {
        requests: served.api_requests,
        rate_limited: served.rate_limited,
    };
    assert_eq!(served.rate_limited, 1);
    assert_eq!(summary.gong, expected);
    let job = w.store.get_job(summary.id).await.unwrap().unwrap();
    assert_eq!(job.gong, Some(expected));
}

#[tokio::test]
async fn a_job_that_panics_is_finished_failed_and_releases_its_lease() {
    let w = world().await;
    let e = engine(&w.store, now());
    // The progress callback runs inside the job: a panic there stands for any panic.
    let panicking = |p: progress::Progress| {
        if matches!(p, progress::Progress::Page { .. }) {
            panic!("boom in a page");
        }
    };
    let summary = e
        .run_job(w.connection_id, Trigger::Manual, &panicking)
        .await
        .expect("the panic is caught and the job finished");
    assert_eq!(summary.status, JobStatus::Failed);
    let message = summary.message.unwrap_or_default();
    assert!(message.contains("boom in a page"), "{message}");
    let job = w.store.get_job(summary.id).await.unwrap().unwrap();
    assert_eq!(job.status, JobStatus::Failed);
    // The page commit in flight when it panicked was settled first: what the job
    // counts is what its committed pages wrote (L1; U6 logs a meeting twice and
    // counts its final outcome once).
    let written = records(&w.store, summary.id).await;
    let meetings: std::collections::HashSet<&str> =
        written.iter().map(|(call, _, _)| call.as_str()).collect();
    let counted = job.counts.created + job.counts.updated + job.counts.skipped + job.counts.failed;
    assert!(counted > 0, "{:?}", job.counts);
    assert_eq!(
        counted,
        meetings.len() as u64,
        "{:?} vs {written:?}",
        job.counts
    );
    assert!(
        job.gong.is_some_and(|g| g.requests > 0),
        "the requests sent before the panic are kept: {:?}",
        job.gong
    );
    let next = e
        .run_job(w.connection_id, Trigger::Manual, &progress::ignore)
        .await
        .expect("the lease was released: the next job starts");
    assert_ne!(next.id, summary.id);
}
