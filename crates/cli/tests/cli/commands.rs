//! The CLI surface beyond sync rules: `demo --once`, the `sim` command on port 0, and
//! `--help` on every command.

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};

use crate::helpers::{sim_config, TestApp, CONNECTION};

#[tokio::test]
async fn demo_once_syncs_seeded_data_and_prints_what_happened() {
    // Arrange: --db names a new file, which the demo honours.
    let app = TestApp::new();

    // Act
    let stdout = app.ok(&["demo", "--once", "--calls", "60"]).await;

    // Assert
    assert!(stdout.contains("Job 1"), "{stdout}");
    assert!(stdout.contains("created"), "{stdout}");
    assert!(stdout.contains(" UTC, took "), "readable times: {stdout}");
    let activities = app.activities().await;
    assert!(!activities.is_empty(), "the --db database has activities");
    let again = app.fails(&["demo", "--once", "--calls", "60"]).await;
    assert!(
        again.stderr.contains("already exists"),
        "existing data is never overwritten: {again:#?}"
    );
}

#[tokio::test]
async fn the_sim_command_announces_its_url_on_port_0_and_serves_a_scenario() {
    // Arrange: `gong-timeline sim` in its own process.
    let app = TestApp::new();
    let scenario = app.rebased_scenario_file("resync.json");
    let csv_dir = app.dir.path().join("sim-csv");
    let mut sim = app
        .command(&[
            "sim",
            "--bind",
            "127.0.0.1:0",
            "--no-limits",
            "--scenario",
            scenario.to_str().expect("path"),
            "--write-csv",
            csv_dir.to_str().expect("path"),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the simulator starts");
    let mut lines = BufReader::new(sim.stdout.take().expect("stdout")).lines();
    let url = tokio::time::timeout(Duration::from_secs(20), async {
        while let Some(line) = lines.next_line().await.expect("read stdout") {
            if let Some(at) = line.find("listening on ") {
                return line[at + "listening on ".len()..].trim().to_string();
            }
        }
        panic!("the simulator exited without announcing its URL");
    })
    .await
    .expect("the simulator announces its URL");
    for what in ["companies", "persons", "users"] {
        let path = csv_dir.join(format!("{what}.csv"));
        app.ok(&["import", what, path.to_str().expect("path")])
            .await;
    }
    let config = sim_config();
    app.ok(&[
        "connection",
        "create",
        "--name",
        CONNECTION,
        "--base-url",
        &url,
        "--access-key",
        &config.access_key,
        "--access-key-secret",
        &config.access_secret,
    ])
    .await;

    // Act
    let job = app.sync().await;

    // Assert
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert_eq!(job["created"], 3, "{job}");
    sim.start_kill().expect("stop the simulator");
    sim.wait().await.expect("the simulator is reaped");
}

#[tokio::test]
async fn every_command_has_help() {
    let app = TestApp::new();
    let commands: [&[&str]; 24] = [
        &[],
        &["demo"],
        &["serve"],
        &["sync"],
        &["import"],
        &["import", "companies"],
        &["import", "persons"],
        &["import", "users"],
        &["import", "activity-types"],
        &["connection", "create"],
        &["connection", "authorize"],
        &["connection", "list"],
        &["connection", "webhook"],
        &["settings", "set"],
        &["settings", "show"],
        &["users", "gong"],
        &["users", "list"],
        &["users", "resolve"],
        &["log", "jobs"],
        &["log", "records"],
        &["log", "export"],
        &["activities"],
        &["sim"],
        &["companies", "list"],
    ];
    for command in commands {
        let mut args = command.to_vec();
        args.push("--help");
        let out = app.ok(&args).await;
        assert!(out.contains("Usage"), "{args:?}: {out}");
    }
}

#[tokio::test]
async fn commands_that_only_read_refuse_a_database_that_does_not_exist() {
    let mut app = TestApp::new();
    // A missing SQLite file, whatever store the suite runs on.
    app.db = format!("sqlite://{}", app.dir.path().join("t.db").display());
    for args in [
        vec!["log", "jobs"],
        vec!["activities"],
        vec!["connection", "list"],
        vec!["settings", "show", "--connection", "x"],
        vec!["users", "list"],
        vec!["sync", "--connection", "x"],
    ] {
        let run = app.fails(&args).await;
        assert!(
            run.stderr.contains("there is no database at"),
            "{args:?}: {run:#?}"
        );
        assert!(run.stderr.contains("t.db"), "names the path: {run:#?}");
        assert!(
            !run.stderr.contains('\u{1b}'),
            "no ANSI codes off a terminal: {run:#?}"
        );
    }
    let created: Vec<_> = std::fs::read_dir(app.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(created.is_empty(), "nothing was created: {created:?}");
}

#[tokio::test]
async fn sync_prints_the_per_reason_summary_with_readable_times() {
    let app = TestApp::with_scenario("resync.json").await;

    let out = app
        .ok(&["sync", "--connection", crate::helpers::CONNECTION])
        .await;

    assert!(out.contains("meetings fetched"), "{out}");
    assert!(out.contains(" UTC, took "), "{out}");
    assert!(
        out.contains(" API requests; 0 answered 429 Too Many Requests."),
        "{out}"
    );
    assert!(!out.contains("started_at"), "no key/value dump: {out}");
    assert!(out.contains("log records --job"), "{out}");
}
