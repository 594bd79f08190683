//! Stored meetings (M1–M4) through the real binary, counting Gong requests with the
//! simulator's counters (the ones `/_sim/stats` serves): repairs run from the store,
//! killed and paused writers, an import beside a sync.

use std::collections::BTreeSet;
use std::process::Stdio;
use std::time::Duration;

use gong_timeline_gong_sim::SimConfig;
use serde_json::Value;

use crate::helpers::{all, find, sim_config, wait_for, TestApp, CONNECTION};

const CALLS: &str = "POST /v2/calls/extensive";
const USERS: &str = "GET /v2/users";

/// 600 generated calls over 20 days: six pages of 100.
fn six_pages() -> SimConfig {
    SimConfig {
        calls: 600,
        days: 20,
        ..sim_config()
    }
}

fn call_ids(activities: &[Value]) -> BTreeSet<String> {
    activities
        .iter()
        .map(|a| a["gong_call_id"].as_str().expect("call id").to_string())
        .collect()
}

/// `sync --connection gong <extra> --format json`, exit code 0.
async fn sync_with(app: &TestApp, extra: &[&str]) -> Value {
    let mut args = vec!["sync", "--connection", CONNECTION, "--format", "json"];
    args.extend_from_slice(extra);
    app.json(&args).await
}

#[tokio::test]
async fn m2_a_filter_mistake_is_repaired_from_the_store_without_a_calls_request() {
    // Arrange: a sync with a filter that matches nothing skips every meeting.
    let app = TestApp::with_config(six_pages()).await;
    app.set_settings(&["--filter", "Company.industry = NoSuchIndustry"])
        .await;
    let mistaken = app.sync().await;
    assert_eq!(mistaken["created"], 0, "{mistaken}");
    let reference = app.twin().await;
    reference.sync().await;
    let eligible = call_ids(&reference.activities().await);
    assert!(eligible.len() > 100, "{} eligible", eligible.len());

    // Act: the filter is cleared and the stored meetings evaluated again.
    app.set_settings(&["--clear-filters"]).await;
    app.sim().controls().reset_stats();
    let repaired = sync_with(&app, &["--reevaluate"]).await;

    // Assert
    let stats = app.sim().controls().stats();
    assert_eq!(
        stats.count(CALLS),
        0,
        "no calls request: {:?}",
        stats.per_path
    );
    assert_eq!(
        stats.api_requests,
        stats.count(USERS),
        "{:?}",
        stats.per_path
    );
    assert_eq!(repaired["trigger"], "reevaluate", "{repaired}");
    assert_eq!(
        repaired["fetched"], 0,
        "nothing fetched from Gong: {repaired}"
    );
    assert_eq!(
        call_ids(&app.activities().await),
        eligible,
        "every eligible meeting is on the Timeline"
    );
    let records = app.records(&repaired["id"]).await;
    assert_eq!(all(&records, "status", "Created").len(), eligible.len());
    let again = sync_with(&app, &["--reevaluate"]).await;
    assert_eq!(
        again["created"], 0,
        "a second re-evaluation changes nothing: {again}"
    );
}

#[tokio::test]
async fn m2_changed_settings_are_applied_to_the_stored_meetings_by_the_next_sync() {
    // Arrange
    let app = TestApp::with_config(six_pages()).await;
    app.set_settings(&["--filter", "Company.industry = NoSuchIndustry"])
        .await;
    app.sync().await;
    let reference = app.twin().await;
    reference.sync().await;

    // Act: an ordinary sync after the settings changed.
    app.set_settings(&["--clear-filters"]).await;
    app.sim().controls().reset_stats();
    app.sync().await;

    // Assert: only the look-back window is read again; the rest comes from the store.
    let stats = app.sim().controls().stats();
    assert!(
        stats.count(CALLS) <= 2,
        "the 24-hour look-back only: {:?}",
        stats.per_path
    );
    assert_eq!(
        call_ids(&app.activities().await),
        call_ids(&reference.activities().await)
    );
}

#[tokio::test]
async fn m2_a_missing_company_imported_heals_its_failed_meetings_without_a_calls_request() {
    // Arrange: a sync; pick a meeting that failed for want of a company.
    let app = TestApp::with_config(six_pages()).await;
    let first = app.sync().await;
    let records = app.records(&first["id"]).await;
    let lost = records
        .iter()
        .find(|r| {
            r["message"] == "Account and Contact data not found for Company Resolution."
                && app
                    .sim()
                    .dataset()
                    .call_by_id(r["gong_call_id"].as_str().unwrap_or_default())
                    .is_some_and(|c| c.context.iter().any(|x| !x.objects.is_empty()))
        })
        .unwrap_or_else(|| panic!("a meeting failed on company resolution: {records:#?}"));
    let call_id = lost["gong_call_id"].as_str().expect("call id").to_string();
    let call = app.sim().dataset().call_by_id(&call_id).expect("the call");
    let account = call
        .context
        .iter()
        .flat_map(|c| c.objects.iter())
        .find(|o| o.object_type == "Account")
        .expect("an Account in the call's context")
        .object_id
        .clone();

    // Act: the missing company is imported, then a re-evaluation runs.
    let csv = app.write(
        "latecomer.csv",
        &format!("name,crm_account_id,industry\nLatecomer Inc,{account},Software\n"),
    );
    app.ok(&["import", "companies", &csv]).await;
    app.sim().controls().reset_stats();
    let healed = sync_with(&app, &["--reevaluate"]).await;

    // Assert
    let stats = app.sim().controls().stats();
    assert_eq!(stats.count(CALLS), 0, "{:?}", stats.per_path);
    let records = app.records(&healed["id"]).await;
    assert_eq!(
        find(&records, "gong_call_id", call_id.as_str())["status"],
        "Created"
    );
    let activity = app
        .activities()
        .await
        .into_iter()
        .find(|a| a["gong_call_id"] == call_id.as_str())
        .expect("the healed meeting's activity");
    assert_eq!(activity["company"]["name"], "Latecomer Inc");
}

#[tokio::test]
async fn m2_a_resolved_conflict_heals_its_failed_meeting_without_a_calls_request() {
    // Arrange: Bob's two active Full users leave his mapping in Conflict.
    const BOB: &str = "4000000000000000002";
    const BOB_CALL: &str = "8300000000000000002";
    let app = TestApp::with_scenario("users.json").await;
    let first = app.sync().await;
    let failed = app.records(&first["id"]).await;
    assert_eq!(find(&failed, "gong_call_id", BOB_CALL)["status"], "Failed");
    let users = app.users().await;
    let bob_one = find(&users, "name", "Bob One")["id"].to_string();

    // Act
    app.ok(&[
        "users",
        "resolve",
        "--connection",
        CONNECTION,
        "--gong-user",
        BOB,
        "--user-id",
        &bob_one,
    ])
    .await;
    app.sim().controls().reset_stats();
    let healed = sync_with(&app, &["--reevaluate"]).await;

    // Assert
    let stats = app.sim().controls().stats();
    assert_eq!(stats.count(CALLS), 0, "{:?}", stats.per_path);
    let records = app.records(&healed["id"]).await;
    assert_eq!(
        find(&records, "gong_call_id", BOB_CALL)["status"],
        "Created"
    );
}

#[tokio::test]
async fn m3_a_sync_that_changes_nothing_reads_no_failed_meeting_again() {
    // Arrange
    let app = TestApp::with_config(six_pages()).await;
    let first = app.sync().await;
    assert!(first["failed"].as_u64().is_some_and(|n| n > 0), "{first}");

    // Act
    app.sim().controls().reset_stats();
    let second = app.sync().await;

    // Assert: one users page and the look-back window; no retry-by-id pages.
    let stats = app.sim().controls().stats();
    assert_eq!(stats.count(USERS), 1, "{:?}", stats.per_path);
    assert!(stats.count(CALLS) <= 2, "{:?}", stats.per_path);
    assert_eq!(
        (second["created"].clone(), second["failed"].clone()),
        (0.into(), 0.into()),
        "{second}"
    );
}

#[tokio::test]
async fn m3_sync_from_a_date_reads_gong_again_from_that_date_as_a_resync() {
    // Arrange
    let app = TestApp::with_config(six_pages()).await;
    app.sync().await;
    let from = (chrono::Utc::now() - chrono::Duration::days(10)).date_naive();

    // Act
    app.sim().controls().reset_stats();
    let resync = sync_with(&app, &["--from", &from.to_string()]).await;
    let too_far = sync_with(&app, &["--from", "2001-01-01"]).await;
    let noted = app
        .run(&["sync", "--connection", CONNECTION, "--from", "2001-01-01"])
        .await;
    assert!(
        noted.stderr.contains("is before the backfill window"),
        "{noted:#?}"
    );

    // Assert: about half the 20 days, so three or four pages (plus one page boundary).
    assert_eq!(resync["trigger"], "resync", "{resync}");
    assert_each_meeting_logged_once(&app.records(&resync["id"]).await, &resync);
    let fetched = resync["fetched"].as_u64().expect("fetched");
    assert!((250..=400).contains(&fetched), "{resync}");
    assert_eq!(too_far["trigger"], "resync");
    assert!(
        too_far["fetched"].as_u64().expect("fetched") <= 600,
        "bounded by the backfill: {too_far}"
    );
    let refused = app
        .fails(&["sync", "--connection", CONNECTION, "--from", "yesterday"])
        .await;
    assert!(refused.stderr.contains("--from"), "{refused:#?}");
    let next_year = (chrono::Utc::now() + chrono::Duration::days(365)).date_naive();
    let future = app
        .fails(&[
            "sync",
            "--connection",
            CONNECTION,
            "--from",
            &next_year.to_string(),
        ])
        .await;
    assert!(future.stderr.contains("is after today"), "{future:#?}");
}

#[tokio::test]
async fn m4_a_killed_backfill_resumes_without_fetching_a_committed_page_again() {
    // Arrange: slow Gong down so the first backfill is still running after 3 pages.
    let app = TestApp::with_config(six_pages()).await;
    app.sim().controls().set_latency(Duration::from_millis(200));
    let mut child = app
        .command(&["sync", "--connection", CONNECTION])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("sync starts");
    wait_for("three committed pages", Duration::from_secs(60), || async {
        let jobs = app.jobs().await;
        jobs.first()
            .filter(|j| j["fetched"].as_u64().is_some_and(|n| n >= 300))
            .cloned()
    })
    .await;
    child.start_kill().expect("kill -9 the sync");
    child.wait().await.expect("reaped");
    let committed = app.jobs().await[0]["fetched"].as_u64().expect("fetched");

    // Act
    app.sim().controls().set_latency(Duration::ZERO);
    app.sim().controls().reset_stats();
    let resumed = app.sync().await;

    // Assert: the pages left, plus at most the page boundary read again.
    let stats = app.sim().controls().stats();
    let left = (600 - committed).div_ceil(100);
    assert!(
        stats.count(CALLS) <= left + 1,
        "{committed} committed, {} calls pages read to resume: {:?}",
        stats.count(CALLS),
        stats.per_path
    );
    assert!(resumed["fetched"].as_u64().expect("fetched") <= 600 - committed + 100);
    assert_each_meeting_logged_once(&app.records(&resumed["id"]).await, &resumed);
    let reference = app.twin().await;
    reference.sync().await;
    let activities = app.activities().await;
    assert_eq!(
        call_ids(&activities).len(),
        activities.len(),
        "no meeting twice"
    );
    assert_eq!(
        call_ids(&activities),
        call_ids(&reference.activities().await)
    );
}

/// One outcome per meeting in a job, and the job's counts are its records (L1): a
/// meeting a window just handled is not handled again by the re-evaluation after
/// it. (U6's failure before its owner is created is a note, not an outcome.)
fn assert_each_meeting_logged_once(records: &[Value], job: &Value) {
    let written: BTreeSet<&str> = records
        .iter()
        .filter(|r| r["status"] == "Created" || r["status"] == "Updated")
        .filter_map(|r| r["gong_call_id"].as_str())
        .collect();
    let outcomes: Vec<&Value> = records
        .iter()
        .filter(|r| {
            r["status"] != "Failed"
                || !written.contains(r["gong_call_id"].as_str().unwrap_or_default())
        })
        .collect();
    let distinct: BTreeSet<&str> = outcomes
        .iter()
        .filter_map(|r| r["gong_call_id"].as_str())
        .collect();
    assert_eq!(
        distinct.len(),
        outcomes.len(),
        "a meeting logged twice: {records:#?}"
    );
    for (count, status) in [
        ("created", "Created"),
        ("failed", "Failed"),
        ("skipped", "Skipped"),
    ] {
        let logged = outcomes.iter().filter(|r| r["status"] == status).count() as u64;
        assert_eq!(job[count].as_u64(), Some(logged), "{count} of {job}");
    }
}

fn signal(pid: u32, sig: &str) {
    let status = std::process::Command::new("kill")
        .args([sig, &pid.to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success(), "kill {sig} {pid}");
}

#[tokio::test]
async fn m4_a_writer_paused_past_its_lease_writes_nothing_after_waking() {
    // Arrange: a slow sync with a 2-second lease, paused (SIGSTOP) after a page.
    let app = TestApp::with_config(six_pages()).await;
    app.sim().controls().set_latency(Duration::from_millis(300));
    let paused = app
        .command(&["sync", "--connection", CONNECTION, "--lease-seconds", "2"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sync starts");
    let pid = paused.id().expect("a pid");
    let first = wait_for("a committed page", Duration::from_secs(60), || async {
        let jobs = app.jobs().await;
        jobs.first()
            .filter(|j| j["fetched"].as_u64().is_some_and(|n| n >= 100))
            .cloned()
    })
    .await;
    signal(pid, "-STOP");

    // Act: another process takes the job over once the lease lapsed and finishes it;
    // then the paused one wakes up.
    app.sim().controls().set_latency(Duration::ZERO);
    let taken = wait_for("a take-over", Duration::from_secs(60), || async {
        let run = app
            .run(&["sync", "--connection", CONNECTION, "--format", "json"])
            .await;
        run.success()
            .then(|| serde_json::from_str::<Value>(&run.stdout).expect("JSON"))
    })
    .await;
    let records_before = app.records(&first["id"]).await.len();
    let activities_before = app.activities().await.len();
    signal(pid, "-CONT");
    let woke = paused
        .wait_with_output()
        .await
        .expect("the paused sync ends");

    // Assert
    let stderr = String::from_utf8_lossy(&woke.stderr);
    assert!(!woke.status.success(), "the woken writer stops: {stderr}");
    assert!(stderr.contains("lease"), "a clear message: {stderr}");
    assert_eq!(app.records(&first["id"]).await.len(), records_before);
    assert_eq!(app.activities().await.len(), activities_before);
    let jobs = app.jobs().await;
    let old = find(&jobs, "id", first["id"].clone());
    assert_eq!(
        old["status"], "Failed",
        "interrupted by the take-over: {old}"
    );
    assert_ne!(taken["status"], "Failed", "{taken}");
    let reference = app.twin().await;
    reference.sync().await;
    let activities = app.activities().await;
    assert_eq!(
        call_ids(&activities),
        call_ids(&reference.activities().await)
    );
}

#[tokio::test]
async fn m4_an_import_of_100000_rows_beside_a_running_sync_lets_both_finish() {
    // Arrange: a slow sync in another process, and a large companies file.
    let app = TestApp::with_config(six_pages()).await;
    let mut csv = String::from("name,crm_account_id,industry\n");
    for i in 0..100_000 {
        csv.push_str(&format!("Bulk {i},0019{i:011},Software\n"));
    }
    let path = app.write("bulk.csv", &csv);
    app.sim().controls().set_latency(Duration::from_millis(300));
    let mut child = app
        .command(&["sync", "--connection", CONNECTION])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("sync starts");
    wait_for("the first page", Duration::from_secs(60), || async {
        let jobs = app.jobs().await;
        jobs.first()
            .filter(|j| j["fetched"].as_u64().is_some_and(|n| n >= 100))
            .cloned()
    })
    .await;

    // Act
    let imported = app.run(&["import", "companies", &path]).await;
    let synced = child.wait().await.expect("the sync ends");

    // Assert
    assert!(imported.success(), "{imported:#?}");
    assert!(synced.success(), "the sync finished too");
    let job = &app.jobs().await[0];
    assert_eq!(job["fetched"], 600, "{job}");
    assert_ne!(job["status"], "Failed", "{job}");
}

#[tokio::test]
async fn bench_repairs_the_filter_mistake_from_the_store_with_no_calls_request() {
    // Arrange: a small bench, so that what is checked is the outcome, not the speed.
    let app = TestApp::new();

    // Act
    let out = app.ok(&["bench", "--calls", "1500"]).await;

    // Assert: the re-evaluation asked Gong for the users page only, and the
    // meetings the filters had skipped are all on the Timeline now.
    let line: Value = serde_json::from_str(out.trim()).expect("one JSON line");
    assert_eq!(line["reevaluate_requests"], 1, "{line}");
    let created = line["created"].as_u64().unwrap();
    let filtered = line["filtered_created"].as_u64().unwrap();
    let reevaluated = line["reevaluated_created"].as_u64().unwrap();
    assert!(filtered > 0 && reevaluated > 0, "{line}");
    assert_eq!(filtered + reevaluated, created, "{line}");
    assert!(
        line["reevaluated_meetings"].as_u64().unwrap() >= reevaluated,
        "{line}"
    );
    assert!(
        line["reevaluate_meetings_per_second"].as_f64().unwrap() > 0.0,
        "{line}"
    );
    // Memory: the run's peak covers each phase's, and a simulator is resident.
    let bytes = |key: &str| {
        line[key]
            .as_u64()
            .unwrap_or_else(|| panic!("{key}: {line}"))
    };
    let peak = bytes("peak_rss_bytes");
    for phase in ["sync_peak_rss_bytes", "reevaluate_peak_rss_bytes"] {
        assert!(bytes(phase) > 0 && bytes(phase) <= peak, "{phase}: {line}");
    }
    assert!(bytes("simulator_rss_bytes") < peak, "{line}");
}

#[tokio::test]
async fn s9_content_costs_no_gong_request_bench_without_content_says_what_it_costs() {
    // Arrange
    let app = TestApp::new();

    // Act
    let with: Value = serde_json::from_str(app.ok(&["bench", "--calls", "800"]).await.trim())
        .expect("one JSON line");
    let without = app
        .ok(&["bench", "--calls", "800", "--without-content"])
        .await;
    let without: Value = serde_json::from_str(without.trim()).expect("one JSON line");

    // Assert: the same requests (content comes in the same request); less stored.
    assert_eq!(
        (&with["content"], &without["content"]),
        (&Value::Bool(true), &Value::Bool(false))
    );
    assert_eq!(
        with["gong_requests"], without["gong_requests"],
        "{with} {without}"
    );
    // The stored bytes are measured on SQLite only (the bench's footprint of the file).
    let bytes = |v: &Value| v["store_bytes_per_meeting"].as_f64();
    if let (Some(with_bytes), Some(without_bytes)) = (bytes(&with), bytes(&without)) {
        assert!(with_bytes > without_bytes, "{with} {without}");
    }
}

#[tokio::test]
async fn s9_bench_with_transcripts_costs_one_request_per_100_activities() {
    // Arrange
    let app = TestApp::new();

    // Act
    let bench = |extra: &'static [&'static str]| {
        let app = &app;
        async move {
            let args = [&["bench", "--calls", "800"][..], extra].concat();
            let out = app.ok(&args).await;
            serde_json::from_str::<Value>(out.trim()).expect("one JSON line")
        }
    };
    let with = bench(&["--transcripts"]).await;
    let without = bench(&[]).await;

    // Assert: every activity's transcript, 100 a request, and nothing else extra.
    let number = |v: &Value, key: &str| v[key].as_u64().unwrap_or_else(|| panic!("{key}: {v}"));
    assert_eq!(with["transcripts"], Value::Bool(true), "{with}");
    let created = number(&with, "created");
    assert!(created > 300, "{with}");
    let requests = number(&with, "transcript_requests");
    assert_eq!(requests, created.div_ceil(100), "{with}");
    assert_eq!(number(&without, "transcript_requests"), 0, "{without}");
    assert_eq!(
        number(&with, "gong_requests"),
        number(&without, "gong_requests") + requests,
        "{with} {without}"
    );
    assert!(
        with["transcript_bytes_per_1000_calls"].as_f64().unwrap() > 0.0,
        "{with}"
    );
}

/// 3,000 calls over 5 days: the 24-hour look-back holds about six pages.
fn busy_look_back() -> SimConfig {
    SimConfig {
        calls: 3000,
        days: 5,
        ..sim_config()
    }
}

#[tokio::test]
async fn m3_a_look_back_with_nothing_new_costs_one_calls_request() {
    // Arrange
    let app = TestApp::with_config(busy_look_back()).await;
    let first = app.sync().await;
    assert_eq!(first["fetched"], 3000, "{first}");

    // Act: a sync right after the first.
    app.sim().controls().reset_stats();
    let second = app.sync().await;

    // Assert: Gong's count of the look-back matched the stored meetings after its
    // first page, so the other pages were not read again.
    let stats = app.sim().controls().stats();
    assert_eq!(
        (stats.count(USERS), stats.count(CALLS)),
        (1, 1),
        "{:?}",
        stats.per_path
    );
    assert_eq!(second["fetched"], 100, "{second}");
    assert_eq!(
        (&second["created"], &second["failed"]),
        (&0.into(), &0.into())
    );
}

#[tokio::test]
async fn m3_a_call_gong_finished_processing_late_makes_the_look_back_read_in_full() {
    // Arrange: a synced account, then a call that started before that sync but only
    // now finished processing (the simulator dates it back by its duration and a
    // processing delay).
    let app = TestApp::with_config(busy_look_back()).await;
    app.sync().await;
    let late = app.sim().controls().add_new_calls(1).expect("a new call");
    app.sim().controls().reset_stats();

    // Act
    let second = app.sync().await;

    // Assert: the counts differed, so the whole look-back was read, and the late call
    // is on the Timeline (or logged, if its company cannot be resolved).
    let stats = app.sim().controls().stats();
    assert!(stats.count(CALLS) > 2, "{:?}", stats.per_path);
    let records = app.records(&second["id"]).await;
    let logged = find(&records, "gong_call_id", late[0].as_str());
    assert!(
        ["Created", "Failed", "Skipped"].contains(&logged["status"].as_str().unwrap_or("")),
        "{logged}"
    );
}
