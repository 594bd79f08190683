//! The execution log L1, L2 and its .xlsx export (L4) through `log jobs|records|export`.

use calamine::{open_workbook, Data, Reader, Xlsx};
use serde_json::{json, Value};

use gong_timeline_gong_sim::SimConfig;

use crate::helpers::{array, find, sim_config, TestApp};

const FORMULA_TITLE: &str = "=HYPERLINK(\"http://evil.example\",\"click\")";
const FORMULA_CALL: &str = "7390156482217734619";
const INTERNAL_ONLY: &str = "7390156482217734620";
const PRIVATE: &str = "7390156482217734618";

fn keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = value
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    keys
}

fn has_keys(value: &Value, expected: &[&str]) {
    let keys = keys(value);
    for key in expected {
        assert!(keys.contains(key), "{key} missing from {value:#}");
    }
}

#[tokio::test]
async fn l1_a_job_is_listed_with_its_trigger_times_status_and_counts() {
    // Arrange: six meetings; one private, one without company.
    let app = TestApp::with_scenario("meetings.json").await;

    // Act
    app.sim().controls().reset_stats();
    let summary = app.sync().await;
    let served = app.sim().controls().stats();
    let jobs = app.jobs().await;

    // Assert
    assert_eq!(jobs.len(), 1);
    let job = &jobs[0];
    has_keys(
        job,
        &[
            "id",
            "connection",
            "trigger",
            "status",
            "started_at",
            "finished_at",
            "fetched",
            "created",
            "updated",
            "skipped",
            "failed",
            "gong_requests",
            "gong_rate_limited",
        ],
    );
    // What the job asked of Gong, as the simulator counted it.
    assert!(served.api_requests > 0, "{served:?}");
    assert_eq!(
        (&job["gong_requests"], &job["gong_rate_limited"]),
        (&json!(served.api_requests), &json!(served.rate_limited))
    );
    assert_eq!(summary["gong_requests"], job["gong_requests"]);
    let table = app.ok(&["log", "jobs"]).await;
    let row = table.lines().last().expect("the job's row");
    assert!(table.contains("gong_requests"), "{table}");
    assert!(
        row.trim_end().ends_with(&served.api_requests.to_string()),
        "the table shows the job's requests: {table}"
    );
    assert_eq!(job["id"], summary["id"]);
    assert_eq!(job["connection"], "gong");
    assert_eq!(job["trigger"], "manual");
    assert_eq!(job["status"], "Partial success");
    let counts: Vec<&Value> = ["fetched", "created", "updated", "skipped", "failed"]
        .iter()
        .map(|k| &job[*k])
        .collect();
    assert_eq!(
        counts,
        [&json!(6), &json!(4), &json!(0), &json!(1), &json!(1)]
    );
    let started: chrono::DateTime<chrono::Utc> = job["started_at"]
        .as_str()
        .expect("started")
        .parse()
        .expect("RFC 3339");
    let finished: chrono::DateTime<chrono::Utc> = job["finished_at"]
        .as_str()
        .expect("finished")
        .parse()
        .expect("RFC 3339");
    assert!(started <= finished);

    // Status filters use the SPEC spellings.
    let partial = app
        .json(&[
            "log",
            "jobs",
            "--status",
            "Partial success",
            "--format",
            "json",
        ])
        .await;
    assert_eq!(partial.as_array().map(Vec::len), Some(1));
    let success = app
        .json(&["log", "jobs", "--status", "Success", "--format", "json"])
        .await;
    assert_eq!(success, json!([]));
}

#[tokio::test]
async fn l2_every_meeting_is_a_record_and_records_without_an_activity_are_kept() {
    // Arrange
    let app = TestApp::with_scenario("meetings.json").await;

    // Act
    let job = app.sync().await;
    let records = app.records(&job["id"]).await;

    // Assert
    assert_eq!(records.len(), 6, "{records:#?}");
    for record in &records {
        has_keys(
            record,
            &[
                "job_id",
                "gong_call_id",
                "title",
                "meeting_date",
                "status",
                "activity_id",
                "message",
            ],
        );
        assert_eq!(record["job_id"], job["id"]);
    }
    let activities = app.activities().await;
    let formula = find(&records, "gong_call_id", FORMULA_CALL);
    assert_eq!(formula["status"], "Created");
    assert_eq!(formula["title"], FORMULA_TITLE);
    assert_eq!(
        formula["activity_id"],
        find(&activities, "gong_call_id", FORMULA_CALL)["id"]
    );
    let date: chrono::DateTime<chrono::Utc> = formula["meeting_date"]
        .as_str()
        .expect("date")
        .parse()
        .expect("RFC 3339");
    assert_eq!(date, app.at("2025-01-02T14:00:00Z"));
    let failed = find(&records, "gong_call_id", INTERNAL_ONLY);
    assert_eq!(
        (&failed["status"], &failed["activity_id"]),
        (&json!("Failed"), &Value::Null)
    );
    let skipped = find(&records, "gong_call_id", PRIVATE);
    assert_eq!(
        (&skipped["status"], &skipped["activity_id"]),
        (&json!("Skipped"), &Value::Null)
    );
    let job_id = job["id"].to_string();
    let only_failed = crate::helpers::array(
        app.json(&[
            "log", "records", "--job", &job_id, "--status", "Failed", "--format", "json",
        ])
        .await,
    );
    assert_eq!(only_failed.len(), 1);
    assert_eq!(only_failed[0]["gong_call_id"], INTERNAL_ONLY);
}

#[tokio::test]
async fn l4_export_writes_a_real_workbook_with_formula_like_titles_as_text() {
    // Arrange
    let app = TestApp::with_scenario("meetings.json").await;
    let job = app.sync().await;
    let records = app.records(&job["id"]).await;
    let path = app.dir.path().join("log.xlsx");
    let job_id = job["id"].to_string();

    // Act
    app.ok(&[
        "log",
        "export",
        "--job",
        &job_id,
        "--output",
        path.to_str().expect("path"),
    ])
    .await;

    // Assert
    let mut workbook: Xlsx<_> = open_workbook(&path).expect("a real .xlsx");
    let sheet = workbook.sheet_names()[0].clone();
    let range = workbook.worksheet_range(&sheet).expect("the sheet");
    let rows: Vec<&[Data]> = range.rows().collect();
    assert_eq!(
        rows.len(),
        records.len() + 1,
        "a header and one row per record"
    );
    let row = rows
        .iter()
        .find(|r| r.iter().any(|c| *c == Data::String(FORMULA_CALL.into())))
        .expect("the formula-titled meeting's row");
    assert!(
        row.contains(&Data::String(FORMULA_TITLE.into())),
        "the title is a string cell: {row:?}"
    );
    let formulas = workbook.worksheet_formula(&sheet).expect("formulas");
    assert!(
        formulas.used_cells().all(|(_, _, f)| f.is_empty()),
        "no cell is a formula"
    );
    let statuses: Vec<&Data> = rows[1..].iter().filter_map(|r| r.iter().find(|c| {
        matches!(c, Data::String(s) if ["Created", "Updated", "Skipped", "Failed"].contains(&s.as_str()))
    })).collect();
    assert_eq!(statuses.len(), records.len());
}

async fn jobs_listed(app: &TestApp, filter: &[&str]) -> usize {
    let mut args = vec!["log", "jobs", "--format", "json"];
    args.extend_from_slice(filter);
    app.json(&args).await.as_array().map_or(0, Vec::len)
}

#[tokio::test]
async fn log_jobs_filter_by_start_date() {
    // Arrange
    let app = TestApp::with_scenario("resync.json").await;
    let job = app.sync().await;
    let started: chrono::DateTime<chrono::Utc> = job["started_at"]
        .as_str()
        .expect("started_at")
        .parse()
        .expect("RFC 3339");
    let today = started.date_naive();
    let yesterday = (today - chrono::Days::new(1)).to_string();
    let tomorrow = (today + chrono::Days::new(1)).to_string();

    // Act + Assert
    assert_eq!(jobs_listed(&app, &["--from", &yesterday]).await, 1);
    assert_eq!(jobs_listed(&app, &["--from", &tomorrow]).await, 0);
    assert_eq!(
        jobs_listed(&app, &["--from", &yesterday, "--to", &yesterday]).await,
        0
    );
    assert_eq!(jobs_listed(&app, &["--to", &tomorrow]).await, 1);
    let run = app.fails(&["log", "jobs", "--from", "last week"]).await;
    assert!(run.stderr.contains("last week"), "{run:#?}");
}

#[tokio::test]
async fn log_jobs_filter_by_trigger() {
    // Arrange: a manual sync, then a retention job (its meetings are older than a day).
    let app = TestApp::with_config(SimConfig {
        calls: 50,
        days: 5,
        ..sim_config()
    })
    .await;
    app.sync().await;
    app.ok(&["retention", "--days", "1"]).await;

    // Act
    let triggers = |args: &'static [&'static str]| {
        let app = &app;
        async move {
            let mut all = vec!["log", "jobs", "--format", "json"];
            all.extend_from_slice(args);
            array(app.json(&all).await)
                .iter()
                .map(|j| j["trigger"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        }
    };

    // Assert
    assert_eq!(triggers(&["--trigger", "retention"]).await, ["retention"]);
    assert_eq!(triggers(&["--trigger", "manual"]).await, ["manual"]);
    assert_eq!(
        triggers(&["--trigger", "manual", "--trigger", "retention"])
            .await
            .len(),
        2
    );
    assert!(triggers(&["--trigger", "webhook"]).await.is_empty());
    let run = app.fails(&["log", "jobs", "--trigger", "hourly"]).await;
    assert!(run.stderr.contains("hourly"), "{run:#?}");
}

#[tokio::test]
async fn log_records_of_an_unknown_job_are_refused_with_a_hint() {
    let app = TestApp::new();
    let types = app.write("types.csv", "name,scope,active\nDemo,global,true\n");
    app.ok(&["import", "activity-types", &types]).await;

    let run = app
        .fails(&["log", "records", "--job", "42", "--format", "json"])
        .await;

    assert!(run.stderr.contains("42"), "{run:#?}");
}

#[tokio::test]
async fn l3_log_jobs_filters_by_connection_and_refuses_an_inverted_range() {
    // Arrange: two connections, each to its own Gong account (S10), each synced once.
    let app = TestApp::with_scenario("resync.json").await;
    let config = crate::helpers::sim_config();
    let other = crate::helpers::Sim::start(gong_timeline_gong_sim::SimConfig {
        account: 1,
        calls: 5,
        ..config.clone()
    })
    .await;
    app.ok(&[
        "connection",
        "create",
        "--name",
        "second",
        "--base-url",
        other.base_url(),
        "--access-key",
        &config.access_key,
        "--access-key-secret",
        &config.access_secret,
    ])
    .await;
    app.sync().await;
    // Its meetings fail (the other account's companies are not imported): a job all the same.
    app.run(&["sync", "--connection", "second"]).await;

    // Act
    let second = crate::helpers::array(
        app.json(&["log", "jobs", "--connection", "second", "--format", "json"])
            .await,
    );
    let inverted = app
        .fails(&["log", "jobs", "--from", "2025-02-01", "--to", "2025-01-01"])
        .await;
    let unknown = app.fails(&["log", "jobs", "--connection", "nope"]).await;

    // Assert
    assert_eq!(second.len(), 1, "{second:?}");
    assert_eq!(second[0]["connection"], "second");
    assert_eq!(app.jobs().await.len(), 2);
    assert!(inverted.stderr.contains("before --from"), "{inverted:#?}");
    assert!(unknown.stderr.contains("known connections"), "{unknown:#?}");
}

#[tokio::test]
async fn l4_an_export_into_a_missing_folder_fails_at_once_saying_so() {
    // Arrange
    let app = TestApp::with_scenario("meetings.json").await;
    let job = app.sync().await;
    let path = app.dir.path().join("no-such-folder").join("log.xlsx");

    // Act
    let run = app
        .fails(&[
            "log",
            "export",
            "--job",
            &job["id"].to_string(),
            "--output",
            path.to_str().expect("path"),
        ])
        .await;

    // Assert
    assert!(
        run.stderr.contains("check that its folder exists"),
        "{run:#?}"
    );
    assert!(!path.exists());
}
