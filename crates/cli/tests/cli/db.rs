//! `db copy`: a deployment moved to the other store (SQLite → PostgreSQL when the suite
//! runs on SQLite, PostgreSQL → SQLite when it runs on PostgreSQL).

use crate::helpers::{sim_config, TestApp};

/// `(table, source, target)` from the counts `db copy` prints.
fn counts(stdout: &str) -> Vec<(String, i64, i64)> {
    stdout
        .lines()
        .skip_while(|l| !l.starts_with("table"))
        .skip(1)
        .map_while(|l| {
            let parts: Vec<&str> = l.split_whitespace().collect();
            match parts.as_slice() {
                [table, source, target, ..] => Some((
                    table.to_string(),
                    source.parse().ok()?,
                    target.parse().ok()?,
                )),
                _ => None,
            }
        })
        .collect()
}

#[tokio::test]
async fn db_copy_moves_a_deployment_with_equal_counts_and_a_sync_on_the_copy_changes_nothing() {
    // Arrange: a synced deployment.
    let mut app = TestApp::with_scenario("resync.json").await;
    let first = app.sync().await;
    assert_eq!(first["created"], 3, "{first}");
    let activities = app.activities().await;
    let jobs = app.jobs().await;
    assert!(
        jobs[0]["gong_requests"].as_u64().is_some_and(|n| n > 0),
        "the job kept its Gong requests: {:?}",
        jobs[0]
    );
    let Some(target) = app.other_store_db("copy.db") else {
        return;
    };
    let source = app.db.clone();

    // Act
    let stdout = app
        .ok(&["db", "copy", "--from", &source, "--to", &target])
        .await;

    // Assert: every table has its rows on both sides.
    let counts = counts(&stdout);
    for table in [
        "connections",
        "activities",
        "log_records",
        "jobs",
        "users",
        "stored_meetings",
    ] {
        let row = counts
            .iter()
            .find(|(t, _, _)| t == table)
            .unwrap_or_else(|| panic!("no count of {table}: {stdout}"));
        assert_eq!(row.1, row.2, "{stdout}");
        assert!(row.1 > 0, "{table} was populated: {stdout}");
    }
    app.db = target.clone();
    assert_eq!(
        app.activities().await,
        activities,
        "the same activities, ids included"
    );
    assert_eq!(
        app.jobs().await,
        jobs,
        "the same execution log, Gong requests and 429s included"
    );

    // A sync on the copy reads the sealed credentials and changes nothing.
    let again = app.sync().await;
    assert_eq!(again["status"], "Success", "{again}");
    assert_eq!(
        (again["created"].as_u64(), again["updated"].as_u64()),
        (Some(0), Some(0)),
        "{again}"
    );
    assert_eq!(app.activities().await, activities);

    // A target that is no longer empty is refused, and left as it was.
    let refused = app
        .fails(&["db", "copy", "--from", &source, "--to", &target])
        .await;
    assert!(
        refused.output().contains("not empty"),
        "{}",
        refused.output()
    );
    assert_eq!(app.activities().await, activities);
}

#[tokio::test]
async fn s9_db_copy_carries_transcripts_and_rebuilds_their_search_index() {
    // Arrange: transcripts fetched and searchable on the source.
    let mut app = TestApp::with_config(sim_config()).await;
    app.set_settings(&["--transcripts", "true"]).await;
    app.sync().await;
    let id = app.activities().await[0]["id"].to_string();
    let args = [
        "activities",
        "--transcript",
        id.as_str(),
        "--format",
        "json",
    ];
    let transcript = app.json(&args).await;
    let sentence = transcript["monologues"][0]["sentences"][0]["text"]
        .as_str()
        .expect("a sentence")
        .to_string();
    let Some(target) = app.other_store_db("transcripts.db") else {
        return;
    };
    let source = app.db.clone();

    // Act
    app.ok(&["db", "copy", "--from", &source, "--to", &target])
        .await;

    // Assert: the same transcript, found by its words on the other database.
    app.db = target;
    assert_eq!(app.json(&args).await, transcript);
    let found = app
        .json(&["activities", "--search", &sentence, "--format", "json"])
        .await;
    let ids: Vec<String> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].to_string())
        .collect();
    assert!(
        ids.contains(&id),
        "'{sentence}' finds activity {id} on the copy"
    );
}

/// `gong-timeline --db <db> <args>` in the test's folder with no key in the
/// environment: each SQLite file keeps its key in its `.key` file.
async fn run_keyless(app: &TestApp, db: &str, args: &[&str]) -> std::process::Output {
    tokio::process::Command::new(crate::helpers::BIN)
        .arg("--db")
        .arg(db)
        .args(args)
        .current_dir(app.dir.path())
        .env_remove("GONG_TIMELINE_SECRET_KEY")
        .env_remove("GONG_TIMELINE_DB")
        .stdin(std::process::Stdio::null())
        .output()
        .await
        .expect("the binary runs")
}

#[tokio::test]
async fn db_copy_between_two_sqlite_files_keeps_the_key_so_the_copy_syncs() {
    // Arrange: a deployment whose key lives in its key file.
    let app = TestApp::with_scenario("resync.json").await;
    if std::env::var("GONG_TIMELINE_TEST_STORE").is_ok_and(|v| v == "postgres") {
        return; // SQLite files only.
    }
    let folder = app.dir.path();
    let source = format!("sqlite://{}", folder.join("keyed.db").display());
    let target = format!("sqlite://{}", folder.join("copy.db").display());
    let config = crate::helpers::sim_config();
    let created = run_keyless(
        &app,
        &source,
        &[
            "connection",
            "create",
            "--name",
            "keyed",
            "--base-url",
            app.sim().base_url(),
            "--access-key",
            &config.access_key,
            "--access-key-secret",
            &config.access_secret,
        ],
    )
    .await;
    assert!(created.status.success(), "{created:?}");

    // Act
    let copied = run_keyless(
        &app,
        &source,
        &["db", "copy", "--from", &source, "--to", &target],
    )
    .await;

    // Assert: the copy has the source's key beside it, and reads its credentials.
    assert!(copied.status.success(), "{copied:?}");
    assert_eq!(
        std::fs::read_to_string(folder.join("copy.db.key")).expect("the copy's key file"),
        std::fs::read_to_string(folder.join("keyed.db.key")).expect("the source's key file")
    );
    // (No companies were imported: the meetings fail, but Gong was read.)
    let synced = run_keyless(&app, &target, &["sync", "--connection", "keyed"]).await;
    let report = String::from_utf8_lossy(&synced.stdout);
    assert!(report.contains("3 meetings fetched"), "{synced:?}");

    // A target with another key is refused before anything is copied.
    let other = format!("sqlite://{}", folder.join("other.db").display());
    let csv = folder.join("one.csv");
    std::fs::write(&csv, "name,crm_account_id\nOther Co,0013600000OtherAA\n").expect("csv");
    let made = run_keyless(
        &app,
        &other,
        &["import", "companies", &csv.display().to_string()],
    )
    .await;
    assert!(made.status.success(), "{made:?}");
    let refused = run_keyless(
        &app,
        &source,
        &["db", "copy", "--from", &source, "--to", &other],
    )
    .await;
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success());
    assert!(
        stderr.contains("another credentials key") && stderr.contains("nothing was copied"),
        "{stderr}"
    );
    let listed = run_keyless(&app, &other, &["connection", "list", "--format", "json"]).await;
    assert_eq!(
        String::from_utf8_lossy(&listed.stdout).trim(),
        "[]",
        "{listed:?}"
    );
}
