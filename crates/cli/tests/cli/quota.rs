//! Q1, Q3, Q4 from the command line: the budget set and shown, the usage report
//! against the simulator's own counts, and a re-sync's estimate for one request.

use crate::helpers::{sim_config, TestApp, CONNECTION};

/// Requests the simulator served on `/v2/` endpoints.
fn api_requests(app: &TestApp) -> u64 {
    app.sim().controls().stats().api_requests
}

#[tokio::test]
async fn q4_usage_after_a_sync_is_what_the_simulator_served_per_endpoint() {
    // Arrange
    let app = TestApp::with_config(sim_config()).await;
    app.sync().await;
    let stats = app.sim().controls().stats();

    // Act
    let report = app
        .json(&["usage", "--connection", CONNECTION, "--format", "json"])
        .await;
    let table = app.ok(&["usage", "--connection", CONNECTION]).await;

    // Assert
    assert_eq!(report["daily_budget"], 5000, "{report}");
    assert_eq!(report["used_24h"], stats.api_requests, "{report}");
    assert_eq!(report["left"], 5000 - stats.api_requests, "{report}");
    let rows = report["days"].as_array().expect("days");
    for row in rows {
        let get = ["/v2/users", "/v2/workspaces", "/v2/call-outcomes"]
            .contains(&row["endpoint"].as_str().unwrap());
        let method = if get { "GET" } else { "POST" };
        let path = format!("{method} {}", row["endpoint"].as_str().unwrap());
        let served = stats.per_path.get(&path).copied().unwrap_or(0);
        let counted: u64 = rows
            .iter()
            .filter(|r| r["endpoint"] == row["endpoint"])
            .map(|r| r["requests"].as_u64().unwrap())
            .sum();
        assert_eq!(counted, served, "{path}: {report}");
    }
    let purposes: Vec<&str> = rows
        .iter()
        .map(|r| r["purpose"].as_str().unwrap())
        .collect();
    assert!(
        purposes.contains(&"users") && purposes.contains(&"backfill"),
        "{purposes:?}"
    );
    assert!(
        table.contains("Date (UTC)") && table.contains("Backfill"),
        "{table}"
    );
}

#[tokio::test]
async fn q1_a_budget_is_checked_before_anything_is_saved_then_shown() {
    let app = TestApp::with_config(sim_config()).await;
    let refused = app
        .fails(&[
            "settings",
            "set",
            "--connection",
            CONNECTION,
            "--backfill-days",
            "30",
            "--daily-budget",
            "0",
        ])
        .await;
    assert!(refused.stderr.contains("daily budget"), "{refused:#?}");
    let show = || {
        app.json(&[
            "settings",
            "show",
            "--connection",
            CONNECTION,
            "--format",
            "json",
        ])
    };
    let kept = show().await;
    assert_eq!(kept["daily_budget"], 5000, "{kept}");
    assert_eq!(kept["backfill_days"], 90, "nothing saved: {kept}");

    app.ok(&[
        "settings",
        "set",
        "--connection",
        CONNECTION,
        "--daily-budget",
        "1200",
        "--requests-per-second",
        "1.5",
    ])
    .await;

    let saved = show().await;
    assert_eq!(saved["daily_budget"], 1200, "{saved}");
    assert_eq!(saved["requests_per_second"], 1.5, "{saved}");
}

#[tokio::test]
async fn q3_a_resync_estimate_spends_one_request_and_counts_gongs_calls() {
    // Arrange: the simulator's 1,000 calls span 60 days, inside the 90-day backfill.
    let app = TestApp::with_config(sim_config()).await;
    let from = (chrono::Utc::now() - chrono::Duration::days(80))
        .date_naive()
        .to_string();
    let before = api_requests(&app);

    // Act
    let estimate = app
        .json(&[
            "sync",
            "--connection",
            CONNECTION,
            "--from",
            &from,
            "--dry-run",
            "--format",
            "json",
        ])
        .await;

    // Assert
    assert_eq!(api_requests(&app), before + 1, "one request");
    assert_eq!(estimate["calls"], 1000, "{estimate}");
    assert_eq!(
        estimate["requests"], 11,
        "ten pages and Gong's users: {estimate}"
    );
    assert!(estimate["finishes_at"].is_string(), "{estimate}");
    let jobs = app.json(&["log", "jobs", "--format", "json"]).await;
    assert_eq!(jobs.as_array().unwrap().len(), 0, "nothing synced: {jobs}");
    let usage = app
        .json(&["usage", "--connection", CONNECTION, "--format", "json"])
        .await;
    assert_eq!(usage["days"][0]["purpose"], "setup", "{usage}");
}
