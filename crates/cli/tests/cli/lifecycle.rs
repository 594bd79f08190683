//! C5, C6: connections checked with Gong before they are stored, changed, deleted
//! (keeping activities and the log), and syncs refused while a connection cannot sync.

use serde_json::Value;

use crate::helpers::{array, find, sim_config, TestApp, CONNECTION};

async fn connections(app: &TestApp) -> Vec<Value> {
    array(app.json(&["connection", "list", "--format", "json"]).await)
}

fn create_args<'a>(
    name: &'a str,
    base_url: &'a str,
    key: &'a str,
    secret: &'a str,
) -> Vec<&'a str> {
    vec![
        "connection",
        "create",
        "--name",
        name,
        "--base-url",
        base_url,
        "--access-key",
        key,
        "--access-key-secret",
        secret,
    ]
}

#[tokio::test]
async fn c5_a_refused_access_key_is_not_stored_and_says_why() {
    // Arrange
    let app = TestApp::with_scenario("resync.json").await;
    let base_url = app.sim().base_url().to_string();
    let key = sim_config().access_key;

    // Act
    let run = app
        .fails(&create_args("badkey", &base_url, &key, "wrong-secret"))
        .await;

    // Assert
    assert_eq!(run.code, Some(1), "{run:#?}");
    assert!(
        run.stderr.contains("Gong refused the access key"),
        "{run:#?}"
    );
    assert!(run.stderr.contains("Nothing was saved"), "{run:#?}");
    assert!(!run.output().contains("wrong-secret"), "C4: {run:#?}");
    let names: Vec<Value> = connections(&app)
        .await
        .iter()
        .map(|c| c["name"].clone())
        .collect();
    assert_eq!(names, [Value::from(CONNECTION)]);
}

#[tokio::test]
async fn c5_an_unreachable_base_url_is_refused_naming_it() {
    let app = TestApp::with_scenario("resync.json").await;
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
    let url = format!("http://{}", closed.local_addr().expect("addr"));
    drop(closed);
    let config = sim_config();

    let run = app
        .fails(&create_args(
            "down",
            &url,
            &config.access_key,
            &config.access_secret,
        ))
        .await;

    assert!(run.stderr.contains("Could not reach Gong"), "{run:#?}");
    assert!(run.stderr.contains("Check the base URL"), "{run:#?}");
    assert_eq!(connections(&app).await.len(), 1);
}

#[tokio::test]
async fn c5_a_connection_is_renamed_and_deleted_keeping_activities_and_the_log() {
    // Arrange: a synced connection.
    let app = TestApp::with_scenario("resync.json").await;
    let job = app.sync().await;
    let activities = app.activities().await.len();
    assert!(activities > 0);

    // Act: rename it.
    app.ok(&[
        "connection",
        "update",
        "--name",
        CONNECTION,
        "--new-name",
        "renamed",
    ])
    .await;
    let listed = connections(&app).await;
    let renamed = find(&listed, "name", "renamed");
    assert_eq!(renamed["status"], "Authorised");
    assert_eq!(renamed["auth"], "Basic");
    assert_eq!(renamed["last_job"]["id"], job["id"]);
    assert_eq!(renamed["last_job"]["status"], job["status"]);
    assert!(renamed["base_url"].as_str().is_some());

    // Deleting needs a confirmation when nobody can answer a prompt.
    let refused = app
        .fails(&["connection", "delete", "--name", "renamed"])
        .await;
    assert!(refused.stderr.contains("--yes"), "{refused:#?}");
    assert!(refused.stderr.contains("activities"), "{refused:#?}");
    assert_eq!(connections(&app).await.len(), 1);

    let out = app
        .ok(&["connection", "delete", "--name", "renamed", "--yes"])
        .await;

    // Assert
    assert!(out.contains("execution log are kept"), "{out}");
    assert!(connections(&app).await.is_empty());
    assert_eq!(app.activities().await.len(), activities);
    let jobs = app.jobs().await;
    let kept = find(&jobs, "id", job["id"].clone());
    assert!(
        kept["connection"]
            .as_str()
            .unwrap_or_default()
            .starts_with("renamed (deleted"),
        "{kept}"
    );
    let gone = app.fails(&["sync", "--connection", "renamed"]).await;
    assert!(gone.stderr.contains("there is no connection"), "{gone:#?}");
    // The name is free again, and Gong's key is checked again.
    let config = sim_config();
    app.ok(&create_args(
        "renamed",
        app.sim().base_url(),
        &config.access_key,
        &config.access_secret,
    ))
    .await;
}

#[tokio::test]
async fn c6_a_disabled_connection_refuses_a_sync_saying_what_to_do() {
    let app = TestApp::with_scenario("resync.json").await;
    app.set_settings(&["--enabled", "false"]).await;

    let run = app.fails(&["sync", "--connection", CONNECTION]).await;

    assert!(run.stderr.contains("disabled"), "{run:#?}");
    assert!(run.stderr.contains("--enabled true"), "{run:#?}");
    assert!(app.jobs().await.is_empty(), "no job was started");
    let listed = connections(&app).await;
    assert_eq!(find(&listed, "name", CONNECTION)["status"], "Disabled");
}

#[tokio::test]
async fn c6_a_connection_gong_cannot_be_reached_for_lists_as_unreachable() {
    let app = TestApp::with_scenario("resync.json").await;
    app.sim().controls().set_down(true);

    let run = app
        .fails(&["sync", "--connection", CONNECTION, "--format", "json"])
        .await;

    let summary: Value = serde_json::from_str(&run.stdout).expect("a JSON summary");
    assert_eq!(summary["status"], "Failed");
    let listed = connections(&app).await;
    let c = find(&listed, "name", CONNECTION);
    assert_eq!(c["status"], "Unreachable", "{c}");
    assert_eq!(c["last_job"]["message"], summary["message"], "{c}");
    app.sim().controls().set_down(false);
    app.sync().await;
    let listed = connections(&app).await;
    assert_eq!(find(&listed, "name", CONNECTION)["status"], "Authorised");
}

#[tokio::test]
async fn c5_a_name_that_differs_only_in_case_is_taken() {
    // Arrange: the test app's connection is "gong".
    let app = TestApp::with_scenario("resync.json").await;
    let base_url = app.sim().base_url().to_string();
    let config = sim_config();

    // Act
    let twin = app
        .fails(&create_args(
            "GONG",
            &base_url,
            &config.access_key,
            &config.access_secret,
        ))
        .await;
    let renamed = app
        .ok(&[
            "connection",
            "update",
            "--name",
            CONNECTION,
            "--new-name",
            "Gong",
        ])
        .await;

    // Assert: refused naming the one it clashes with; renaming itself is fine.
    assert!(
        twin.stderr
            .contains("a connection named 'gong' already exists"),
        "{twin:#?}"
    );
    assert!(!renamed.is_empty());
    let names: Vec<Value> = connections(&app)
        .await
        .iter()
        .map(|c| c["name"].clone())
        .collect();
    assert_eq!(names, [Value::from("Gong")]);
}
