//! A sync survives what Gong does under load (429, 5xx bursts, downtime, a call
//! that does not parse) and a process killed mid-job (S8).

use std::collections::BTreeSet;
use std::process::Stdio;
use std::time::Duration;

use gong_timeline_gong_sim::{Limits, SimConfig};
use serde_json::{json, Value};

use crate::helpers::{find, sim_config, wait_for, TestApp, CONNECTION};

const RESYNC_CALLS: [&str; 3] = [
    "8100000000000000001",
    "8100000000000000002",
    "8100000000000000003",
];

fn call_ids(activities: &[Value]) -> BTreeSet<String> {
    activities
        .iter()
        .map(|a| a["gong_call_id"].as_str().expect("call id").to_string())
        .collect()
}

fn all_three(activities: &[Value]) {
    let expected: BTreeSet<String> = RESYNC_CALLS.iter().map(|s| s.to_string()).collect();
    assert_eq!(call_ids(activities), expected);
    assert_eq!(activities.len(), 3);
}

#[tokio::test]
async fn a_429_from_gong_during_a_sync_is_waited_out() {
    // Arrange: the server allows 1 request/s, the client paces at 3/s.
    let app = TestApp::with_scenario("resync.json").await;
    app.sim().controls().set_limits(Limits {
        enabled: true,
        per_second: 1,
        per_day: 10_000,
    });

    // Act
    let job = app.sync().await;

    // Assert
    assert!(
        app.sim().controls().stats().rate_limited >= 1,
        "the simulator answered 429 at least once"
    );
    assert_eq!(job["status"], "Success", "{job}");
    assert_eq!(job["created"], 3);
    all_three(&app.activities().await);
}

#[tokio::test]
async fn a_burst_of_503s_from_gong_is_retried() {
    // Arrange
    let app = TestApp::with_scenario("resync.json").await;
    app.sim().controls().fail_next(2, 503);

    // Act
    let job = app.sync().await;

    // Assert
    assert_eq!(app.sim().controls().stats().faults_injected, 2);
    assert_eq!(job["status"], "Success", "{job}");
    all_three(&app.activities().await);
}

#[tokio::test]
async fn a_short_gong_outage_is_ridden_out() {
    // Arrange
    let app = TestApp::with_scenario("resync.json").await;
    app.sim().controls().down_for(Duration::from_secs(1));

    // Act
    let job = app.sync().await;

    // Assert
    assert!(app.sim().controls().stats().faults_injected >= 1);
    assert_eq!(job["status"], "Success", "{job}");
    all_three(&app.activities().await);
}

#[tokio::test]
async fn a_call_gong_sends_malformed_fails_alone_and_names_itself() {
    // Arrange
    let app = TestApp::with_scenario("resync.json").await;
    app.sim()
        .controls()
        .set_malformed_calls(["8100000000000000002"]);

    // Act
    let job = app.sync().await;

    // Assert
    assert_eq!(job["status"], "Partial success", "{job}");
    assert_eq!(
        (&job["created"], &job["failed"]),
        (&json!(2), &json!(1)),
        "{job}"
    );
    let records = app.records(&job["id"]).await;
    let broken = find(&records, "gong_call_id", "8100000000000000002");
    assert_eq!(broken["status"], "Failed");
    assert!(
        broken["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{broken}"
    );
    assert_eq!(app.activities().await.len(), 2);
}

/// 600 generated calls over 20 days: six pages of 100.
fn kill_config() -> SimConfig {
    SimConfig {
        calls: 600,
        days: 20,
        ..sim_config()
    }
}

#[tokio::test]
async fn s8_a_sync_killed_mid_job_and_run_again_ends_with_every_meeting_exactly_once() {
    // Arrange: slow Gong down so the job is still running after its first page.
    let app = TestApp::with_config(kill_config()).await;
    app.sim().controls().set_latency(Duration::from_millis(150));
    let mut child = app
        .command(&["sync", "--connection", CONNECTION])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("sync starts");
    wait_for(
        "the first page to be committed",
        Duration::from_secs(30),
        || async {
            let jobs = app.jobs().await;
            jobs.first()
                .filter(|j| j["fetched"].as_u64().is_some_and(|n| n >= 100))
                .cloned()
        },
    )
    .await;

    // Act: kill -9, then sync again.
    child.start_kill().expect("kill the sync");
    child.wait().await.expect("the sync is reaped");
    let killed = app.jobs().await[0].clone();
    assert_eq!(
        killed["status"], "In progress",
        "the job was killed mid-way: {killed}"
    );
    let before = app.activities().await.len();
    assert!(
        before > 0 && before < 600,
        "{before} activities after the kill"
    );
    app.sim().controls().set_latency(Duration::ZERO);
    let resumed = app
        .run(&["sync", "--connection", CONNECTION, "--format", "json"])
        .await;

    // Assert
    assert!(
        resumed.success(),
        "the restart after a kill is refused: {resumed:#?}"
    );
    let activities = app.activities().await;
    let external: BTreeSet<&str> = activities
        .iter()
        .map(|a| a["external_id"].as_str().expect("external id"))
        .collect();
    assert_eq!(external.len(), activities.len(), "no external id twice");
    let jobs = app.jobs().await;
    let killed_after = find(&jobs, "id", killed["id"].clone());
    assert_eq!(killed_after["status"], "Failed", "{killed_after}");
    assert!(
        killed_after["message"]
            .as_str()
            .is_some_and(|m| m.to_lowercase().contains("interrupted")),
        "{killed_after}"
    );
    let resumed: Value = serde_json::from_str(&resumed.stdout).expect("a JSON summary");
    assert_ne!(resumed["status"], "Failed", "{resumed}");
    let reference = app.twin().await;
    reference.sync().await;
    assert_eq!(
        call_ids(&activities),
        call_ids(&reference.activities().await),
        "the same meetings as an uninterrupted sync"
    );
}

#[tokio::test]
async fn s7_a_job_that_fails_mid_way_resumes_from_its_checkpoint_without_duplicates_or_gaps() {
    // Arrange: 300 calls; the day's quota runs out after the call outcomes (S9), the
    // users page and one page.
    let app = TestApp::with_config(SimConfig {
        calls: 300,
        ..kill_config()
    })
    .await;
    app.sim().controls().set_limits(Limits {
        enabled: true,
        per_second: 100,
        per_day: 3,
    });
    // Gong's own quota spent mid-way pauses the job (Q2): Partial success, not Failed.
    let failed = app
        .json(&["sync", "--connection", CONNECTION, "--format", "json"])
        .await;
    assert_eq!(failed["status"], "Partial success", "{failed}");
    assert!(
        failed["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("Paused: Gong quota for today is spent; resumes at ")),
        "{failed}"
    );
    assert_eq!(failed["fetched"], 100, "one page was handled: {failed}");
    let kept = app.activities().await.len();
    assert!(kept > 0, "the committed pages are kept");

    // Act: the quota is raised and the connection synced again.
    app.sim().controls().set_limits(Limits::off());
    let resumed = app.sync().await;

    // Assert
    assert_ne!(resumed["status"], "Failed", "{resumed}");
    let activities = app.activities().await;
    let external: BTreeSet<&str> = activities
        .iter()
        .map(|a| a["external_id"].as_str().expect("external id"))
        .collect();
    assert_eq!(external.len(), activities.len(), "no external id twice");
    let reference = app.twin().await;
    reference.sync().await;
    assert_eq!(
        call_ids(&activities),
        call_ids(&reference.activities().await),
        "the same meetings as an uninterrupted sync"
    );
}

#[tokio::test]
async fn a_second_sync_of_a_connection_while_one_runs_is_refused() {
    // Arrange: a slow job in another process.
    let app = TestApp::with_config(kill_config()).await;
    app.sim().controls().set_latency(Duration::from_millis(150));
    let mut child = app
        .command(&["sync", "--connection", CONNECTION])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("sync starts");
    wait_for(
        "the first job to start",
        Duration::from_secs(30),
        || async { app.jobs().await.first().cloned() },
    )
    .await;

    // Act
    let second = app.run(&["sync", "--connection", CONNECTION]).await;

    // Assert
    child.start_kill().expect("stop the first sync");
    child.wait().await.expect("the sync is reaped");
    assert_ne!(second.code, Some(0), "{second:#?}");
    assert!(
        second.stderr.contains("already") && second.stderr.contains(CONNECTION),
        "{second:#?}"
    );
    assert_eq!(app.jobs().await.len(), 1, "no second job was started");
}

#[tokio::test]
async fn q2_gongs_own_daily_quota_spent_pauses_the_job_saying_when_it_goes_on() {
    // Arrange: the first request uses up the day's quota (another integration of the
    // company spent the rest): Gong answers 429 with a Retry-After of hours.
    let app = TestApp::with_scenario("resync.json").await;
    app.sim().controls().set_limits(Limits {
        enabled: true,
        per_second: 100,
        per_day: 1,
    });

    // Act
    let summary = app
        .json(&["sync", "--connection", CONNECTION, "--format", "json"])
        .await;

    // Assert: paused, never Failed; it goes on at the first four-hourly slot after
    // Gong's reset (the simulator's Retry-After runs to UTC midnight, rounded up).
    assert_eq!(summary["status"], "Partial success", "{summary}");
    let message = summary["message"].as_str().unwrap_or_default();
    let slot = message
        .strip_prefix("Paused: Gong quota for today is spent; resumes at ")
        .and_then(|rest| rest.strip_suffix(" UTC"))
        .unwrap_or_else(|| panic!("{summary}"));
    assert!(
        ["00:00", "04:00"].contains(&slot),
        "the first slot after midnight: {summary}"
    );
    assert_eq!(app.jobs().await[0]["message"], summary["message"]);
}

#[tokio::test]
async fn an_import_while_a_sync_runs_waits_for_the_database_and_succeeds() {
    // Arrange: a slow job in another process.
    let app = TestApp::with_config(kill_config()).await;
    app.sim().controls().set_latency(Duration::from_millis(100));
    let mut child = app
        .command(&["sync", "--connection", CONNECTION])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("sync starts");
    wait_for("the first page", Duration::from_secs(30), || async {
        let jobs = app.jobs().await;
        jobs.first()
            .filter(|j| j["fetched"].as_u64().is_some_and(|n| n >= 100))
            .cloned()
    })
    .await;

    // Act
    let csv = app.write(
        "more.csv",
        "name,crm_account_id,industry\nLatecomer,001999999999999,Software\n",
    );
    let imported = app.run(&["import", "companies", &csv]).await;
    let status = child.wait().await.expect("the sync finishes");

    // Assert
    assert!(imported.success(), "{imported:#?}");
    assert!(status.success(), "the sync finished too");
    let job = &app.jobs().await[0];
    assert!(
        job["status"] == "Success" || job["status"] == "Partial success",
        "{job}"
    );
    assert_eq!(job["fetched"], 600, "{job}");
}

#[tokio::test]
async fn an_outage_longer_than_a_handful_of_retries_is_ridden_out_showing_the_retries() {
    // Arrange: Gong down longer than the six attempts (~5 s) that used to be all.
    let app = TestApp::with_scenario("resync.json").await;
    app.sim().controls().down_for(Duration::from_secs(7));

    // Act
    let run = app
        .run(&[
            "--gong-retry-window",
            "60",
            "sync",
            "--connection",
            CONNECTION,
            "--format",
            "json",
        ])
        .await;

    // Assert
    assert!(run.success(), "{run:#?}");
    let job: Value = serde_json::from_str(&run.stdout).expect("a JSON summary");
    assert_eq!(job["status"], "Success", "{job}");
    assert!(
        run.stderr.contains("Gong unreachable, retrying in"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("giving up"), "{}", run.stderr);
    all_three(&app.activities().await);
}

#[tokio::test]
async fn past_the_retry_window_the_sync_fails_and_does_not_call_its_last_attempt_a_retry() {
    // Arrange: the tests' retry window is 3 s (GONG_TIMELINE_GONG_RETRY_WINDOW).
    let app = TestApp::with_scenario("resync.json").await;
    app.sim().controls().set_down(true);

    // Act
    let run = app
        .fails(&["sync", "--connection", CONNECTION, "--format", "json"])
        .await;

    // Assert
    let job: Value = serde_json::from_str(&run.stdout).expect("a JSON summary");
    assert_eq!(job["status"], "Failed", "{job}");
    let message = job["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("503") && message.contains("requestId"),
        "{message}"
    );
    let unreachable: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("Gong unreachable"))
        .collect();
    let last = unreachable.last().expect("the retries are shown");
    assert!(last.contains("giving up"), "{last}");
    assert_eq!(
        unreachable
            .iter()
            .filter(|l| l.contains("giving up"))
            .count(),
        1,
        "{unreachable:#?}"
    );
}
