//! S10: one Gong account is synced by one connection. A second connection to the
//! same account is refused, naming the first, or replaces it with `--replace`
//! keeping its activities; deleting a connection and creating it again to the same
//! account updates the same activities instead of doubling them.

use std::collections::HashSet;

use serde_json::Value;

use crate::helpers::{array, sim_config, TestApp, CONNECTION};

fn create_args<'a>(name: &'a str, base_url: &'a str, replace: bool) -> Vec<String> {
    let config = sim_config();
    let mut args: Vec<String> = [
        "connection",
        "create",
        "--name",
        name,
        "--base-url",
        base_url,
        "--access-key",
        &config.access_key,
        "--access-key-secret",
        &config.access_secret,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if replace {
        args.push("--replace".into());
    }
    args
}

async fn create(app: &TestApp, name: &str, replace: bool) -> String {
    let base_url = app.sim().base_url().to_string();
    let args = create_args(name, &base_url, replace);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    app.ok(&args).await
}

async fn all_activities(app: &TestApp) -> Vec<Value> {
    app.activities().await
}

async fn sync(app: &TestApp, name: &str) -> Value {
    app.json(&["sync", "--connection", name, "--format", "json"])
        .await
}

/// Each call once, every activity of `connection`.
fn one_per_call(activities: &[Value], connection: &Value) {
    let calls: HashSet<&str> = activities
        .iter()
        .map(|a| a["gong_call_id"].as_str().expect("a call id"))
        .collect();
    assert_eq!(calls.len(), activities.len(), "no call twice");
    for a in activities {
        assert_eq!(&a["connection_id"], connection, "{a}");
        assert_eq!(
            a["external_id"].as_str(),
            Some(format!("gong:{}", a["gong_call_id"].as_str().unwrap()).as_str())
        );
    }
}

async fn connection_id(app: &TestApp, name: &str) -> Value {
    let list = array(app.json(&["connection", "list", "--format", "json"]).await);
    list.into_iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("connection {name}"))["id"]
        .clone()
}

#[tokio::test]
async fn s10_a_connection_deleted_and_created_again_updates_the_same_activities() {
    // Arrange: the test app's connection synced once.
    let app = TestApp::with_scenario("resync.json").await;
    app.sync().await;
    let before = all_activities(&app).await;
    assert!(!before.is_empty());

    // Act: deleted, created again to the same account, synced.
    app.ok(&["connection", "delete", "--name", CONNECTION, "--yes"])
        .await;
    create(&app, "again", false).await;
    let job = sync(&app, "again").await;

    // Assert: the same activities, now the new connection's; none created.
    let after = all_activities(&app).await;
    assert_eq!(after.len(), before.len(), "{job}");
    one_per_call(&after, &connection_id(&app, "again").await);
    assert_eq!(job["created"], 0, "{job}");
    let ids = |v: &[Value]| v.iter().map(|a| a["id"].clone()).collect::<Vec<_>>();
    let (mut b, mut a) = (ids(&before), ids(&after));
    b.sort_by_key(|v| v.as_i64());
    a.sort_by_key(|v| v.as_i64());
    assert_eq!(a, b, "updated in place");
}

#[tokio::test]
async fn s10_a_second_connection_to_one_account_is_refused_or_replaces_it_keeping_its_activities() {
    // Arrange
    let app = TestApp::with_scenario("resync.json").await;
    app.sync().await;
    let before = all_activities(&app).await;
    let base_url = app.sim().base_url().to_string();

    // Act: a second connection to the same simulator.
    let args = create_args("oauth-later", &base_url, false);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let refused = app.fails(&args).await;

    // Assert: refused, naming the first and what to do.
    assert_eq!(refused.code, Some(1), "{refused:#?}");
    let workspace = app.sim().dataset().workspace_id().to_string();
    assert!(
        refused.stderr.contains(&format!(
            "Connection '{CONNECTION}' already syncs this Gong account (workspace {workspace})"
        )),
        "{refused:#?}"
    );
    assert!(refused.stderr.contains("--replace"), "{refused:#?}");
    assert!(refused.stderr.contains("Nothing was saved"), "{refused:#?}");
    let names = array(app.json(&["connection", "list", "--format", "json"]).await);
    assert_eq!(names.len(), 1, "{names:?}");

    // Act: with --replace.
    let out = create(&app, "oauth-later", true).await;

    // Assert: the first is gone, its activities are the new one's, before and
    // after a sync, and nothing doubled.
    assert!(out.contains("oauth-later"), "{out}");
    assert!(out.contains("Replaced connection"), "{out}");
    let audit = array(app.json(&["audit", "--format", "json"]).await);
    let deleted = audit
        .iter()
        .find(|e| e["action"] == "connection deleted")
        .expect("the replaced connection is audited as deleted");
    assert_eq!(deleted["after"]["replaced_by"], "oauth-later", "{deleted}");
    assert_eq!(deleted["after"]["activities"], "kept", "{deleted}");
    let names = array(app.json(&["connection", "list", "--format", "json"]).await);
    assert_eq!(names.len(), 1, "{names:?}");
    let new = connection_id(&app, "oauth-later").await;
    let moved = all_activities(&app).await;
    assert_eq!(moved.len(), before.len());
    one_per_call(&moved, &new);
    let job = sync(&app, "oauth-later").await;
    assert_eq!(job["created"], 0, "{job}");
    let after = all_activities(&app).await;
    assert_eq!(after.len(), before.len());
    one_per_call(&after, &new);
}
