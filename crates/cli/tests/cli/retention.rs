//! G3: a retention period purges activities and stored meetings older than it, as a
//! logged job; `serve --retention-days` does it at every slot.

use std::time::Duration;

use chrono::{DateTime, Utc};
use gong_timeline_gong_sim::SimConfig;
use serde_json::Value;

use crate::helpers::{sim_config, wait_for, TestApp};

/// 300 calls over the last 20 days.
fn twenty_days() -> SimConfig {
    SimConfig {
        calls: 300,
        days: 20,
        ..sim_config()
    }
}

fn date(activity: &Value) -> DateTime<Utc> {
    activity["date"]
        .as_str()
        .expect("a date")
        .parse()
        .expect("RFC 3339")
}

#[tokio::test]
async fn g3_retention_purges_exactly_what_is_older_and_logs_one_job() {
    // Arrange
    let app = TestApp::with_config(twenty_days()).await;
    app.sync().await;
    let before = app.activities().await;
    let cutoff = Utc::now() - chrono::Duration::days(10);
    let older = before.iter().filter(|a| date(a) < cutoff).count() as u64;
    assert!(
        older > 0 && (older as usize) < before.len(),
        "{older} of {}",
        before.len()
    );

    // Act
    let purged = app
        .json(&["retention", "--days", "10", "--format", "json"])
        .await;
    let again = app.ok(&["retention", "--days", "10"]).await;

    // Assert
    let job = &purged["jobs"][0];
    // A meeting may cross the cutoff between the two clocks: allow that one.
    let removed = job["activities"].as_u64().expect("a count");
    assert!(
        removed == older || removed == older + 1,
        "{purged}; expected {older}"
    );
    let after = app.activities().await;
    assert_eq!(after.len() as u64, before.len() as u64 - removed);
    let cutoff: DateTime<Utc> = purged["cutoff"].as_str().unwrap().parse().unwrap();
    assert!(
        after.iter().all(|a| date(a) >= cutoff),
        "nothing older stays"
    );
    assert!(job["stored_meetings"].as_u64() >= Some(removed), "{purged}");
    let jobs = app.jobs().await;
    let logged = jobs
        .iter()
        .find(|j| j["trigger"] == "retention")
        .expect("a retention job");
    assert_eq!(logged["status"], "Success", "{logged}");
    assert!(
        logged["message"].as_str().unwrap().starts_with(&format!(
            "Retention of 10 days: removed {removed} activities"
        )),
        "{logged}"
    );
    assert!(again.contains("nothing to purge"), "{again}");
    assert_eq!(
        app.jobs().await.len(),
        jobs.len(),
        "nothing to purge makes no job"
    );
}

#[tokio::test]
async fn g3_a_retention_of_zero_days_is_refused_saying_the_range() {
    let app = TestApp::with_config(twenty_days()).await;
    let run = app.fails(&["retention", "--days", "0"]).await;
    assert!(
        run.stderr.contains("from 1 to 3650 days (got 0)"),
        "{run:#?}"
    );
}

#[tokio::test]
async fn g3_serve_purges_when_it_starts_then_at_every_slot_of_run_at_slots() {
    // Arrange
    let app = TestApp::with_config(twenty_days()).await;
    app.sync().await;

    // Act
    let _serve = app.serve_process(&["--retention-days", "5"]).await;

    // Assert
    let job = wait_for("a retention job", Duration::from_secs(30), || async {
        app.jobs()
            .await
            .into_iter()
            .find(|j| j["trigger"] == "retention" && j["status"] != "In progress")
    })
    .await;
    assert_eq!(job["status"], "Success", "{job}");
    let cutoff = Utc::now() - chrono::Duration::days(5);
    let slack = chrono::Duration::minutes(1);
    assert!(app
        .activities()
        .await
        .iter()
        .all(|a| date(a) >= cutoff - slack));
}
