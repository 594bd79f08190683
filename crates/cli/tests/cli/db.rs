//! `db copy`: a deployment moved to the other store (SQLite → PostgreSQL when the suite
//! runs on SQLite, PostgreSQL → SQLite when it runs on PostgreSQL).

use crate::helpers::TestApp;

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
