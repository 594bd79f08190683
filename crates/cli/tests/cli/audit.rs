//! A4 from the command line: every admin change is an audit entry (who, when, from
//! where, before and after), secrets never; `audit` lists them newest first.

use std::collections::HashSet;

use serde_json::Value;

use crate::helpers::{sim_config, TestApp, CONNECTION};

#[tokio::test]
async fn a4_each_kind_of_cli_change_is_an_audit_entry_without_its_secrets() {
    // Arrange: a connection (created by the helper), then one change of each kind.
    let app = TestApp::with_config(sim_config()).await;
    let secret = sim_config().access_secret;
    app.ok(&[
        "settings",
        "set",
        "--connection",
        CONNECTION,
        "--backfill-days",
        "30",
    ])
    .await;
    app.ok(&[
        "settings",
        "set",
        "--connection",
        CONNECTION,
        "--daily-budget",
        "900",
    ])
    .await;
    app.ok(&["connection", "webhook", "--name", CONNECTION, "--no-jwt"])
        .await;
    app.ok(&[
        "connection",
        "update",
        "--name",
        CONNECTION,
        "--access-key",
        &sim_config().access_key,
        "--access-key-secret",
        &secret,
    ])
    .await;
    app.ok(&["erase", "--email", "nobody@nowhere.example"])
        .await;
    app.ok(&["connection", "delete", "--name", CONNECTION, "--yes"])
        .await;

    // Act
    let entries = app.json(&["audit", "--format", "json"]).await;
    let table = app.ok(&["audit"]).await;

    // Assert
    let entries = entries.as_array().expect("an array");
    let actions: Vec<&str> = entries
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for expected in [
        "connection deleted",
        "person erased",
        "connection updated",
        "webhook set up",
        "quota changed",
        "settings changed",
        "connection created",
        "records imported",
    ] {
        assert!(actions.contains(&expected), "{expected}: {actions:?}");
    }
    assert_eq!(actions[0], "connection deleted", "newest first");
    let ids: Vec<i64> = entries.iter().map(|e| e["id"].as_i64().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "{ids:?}");
    assert!(entries.iter().all(|e| e["channel"] == "cli"));
    assert!(entries
        .iter()
        .all(|e| e["actor"].as_str().unwrap().starts_with("cli:")));
    let settings = find(entries, "settings changed");
    assert_eq!(settings["before"]["backfill_days"], 90);
    assert_eq!(settings["after"]["backfill_days"], 30);
    let quota = find(entries, "quota changed");
    assert_eq!(quota["after"]["daily_budget"], 900);
    let updated = find(entries, "connection updated");
    assert_eq!(updated["after"]["key_replaced"], true);
    let all = serde_json::to_string(entries).unwrap();
    assert!(!all.contains(&secret), "no secret in the audit log");
    let kinds: HashSet<&str> = entries
        .iter()
        .filter(|e| e["action"] == "records imported")
        .map(|e| e["target"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains("companies") && kinds.contains("users"),
        "{kinds:?}"
    );
    assert!(
        table.contains("connection deleted") && table.contains("cli:"),
        "{table}"
    );
}

fn find<'a>(entries: &'a [Value], action: &str) -> &'a Value {
    entries
        .iter()
        .find(|e| e["action"] == action)
        .unwrap_or_else(|| panic!("no '{action}' entry"))
}
