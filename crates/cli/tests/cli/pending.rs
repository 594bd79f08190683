//! #20: `meetings pending` says which stored meetings are not on the Timeline and why,
//! with the fix, after a sync whose status alone hides them.

use serde_json::Value;

use crate::helpers::{sim_config, TestApp, CONNECTION};

fn count_of(groups: &[Value], reason: &str) -> u64 {
    groups
        .iter()
        .find(|g| g["reason"] == reason)
        .map_or(0, |g| g["count"].as_u64().unwrap())
}

#[tokio::test]
async fn meetings_pending_groups_what_is_not_on_the_timeline_by_reason_with_the_fix() {
    // Arrange: a first sync of the simulator's calls; some fail, some are skipped.
    let app = TestApp::with_config(sim_config()).await;
    let job = app.sync().await;
    let records = app.records(&job["id"]).await;
    let private = records
        .iter()
        .filter(|r| r["message"] == "Private meeting: not synced.")
        .count() as u64;

    // Act
    let groups = app
        .json(&[
            "meetings",
            "pending",
            "--connection",
            CONNECTION,
            "--format",
            "json",
        ])
        .await;
    let table = app
        .ok(&["meetings", "pending", "--connection", CONNECTION])
        .await;

    // Assert
    let groups = groups.as_array().expect("an array of groups");
    let total: u64 = groups.iter().map(|g| g["count"].as_u64().unwrap()).sum();
    let off = job["skipped"].as_u64().unwrap() + job["failed"].as_u64().unwrap();
    assert_eq!(total, off, "{job}\n{groups:?}");
    assert_eq!(count_of(groups, "private"), private);
    let unknown = count_of(groups, "unknown_company");
    assert!(
        unknown > 0,
        "the simulator's calls include unknown companies: {groups:?}"
    );
    for group in groups {
        assert!(!group["fix"].as_str().unwrap().is_empty(), "{group}");
        let examples = group["examples"].as_array().unwrap();
        assert!(!examples.is_empty() && examples.len() <= 5, "{group}");
    }
    let counts: Vec<u64> = groups
        .iter()
        .map(|g| g["count"].as_u64().unwrap())
        .collect();
    assert!(
        counts.windows(2).all(|w| w[0] >= w[1]),
        "largest first: {counts:?}"
    );
    assert!(
        table.contains(&format!(
            "{off} stored meetings of '{CONNECTION}' are not on the Timeline"
        )),
        "{table}"
    );
    assert!(table.contains("Fix: Import the companies"), "{table}");
}
