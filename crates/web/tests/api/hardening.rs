//! Hardening, round 3 (issue #19): one request must never take the server down.

use std::time::Duration;

use gong_timeline_store::Settings;
use serde_json::{json, Value};

use crate::helpers::{spawn_app, wait_until};

#[tokio::test]
async fn s1_a_100000_term_filter_logic_gets_422_naming_the_limit_and_the_server_keeps_answering() {
    // Arrange
    let app = spawn_app().await;
    let id = app.basic_connection("acme").await;
    let logic = vec!["1"; 100_000].join(" AND ");

    // Act
    let (status, body) = app
        .post(
            &format!("/connections/{id}/settings/preview"),
            json!({"filters": ["Company.name is not empty"], "filter_logic": logic}),
        )
        .await;

    // Assert
    assert_eq!(status, 422, "{body}");
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("at most 2000"), "{body}");
    let health = app.http.get(format!("{}/healthz", app.base)).send().await;
    assert!(health.is_ok_and(|r| r.status().is_success()));
}

#[tokio::test]
async fn s1_a_stored_logic_that_no_longer_validates_fails_its_job_not_the_process() {
    // Arrange: an over-long logic planted in the database, past every validation.
    let app = spawn_app().await;
    let id = app.basic_connection("acme").await;
    let settings = Settings {
        filters: vec!["Company.name is not empty".into()],
        filter_logic: Some(vec!["1"; 80_000].join(" OR ")),
        ..Settings::default()
    };
    app.store
        .put_settings(id, &settings)
        .await
        .expect("planted");

    // Act
    let (status, body) = app
        .post(&format!("/connections/{id}/sync"), Value::Null)
        .await;
    assert_eq!(status, 202, "{body}");
    let job = app.wait_for_sync(id).await;

    // Assert
    assert_eq!(job["status"], "Failed", "{job}");
    assert!(
        job.to_string()
            .contains("the filter logic is 399996 characters long: at most 2000"),
        "{job}"
    );
    wait_until(Duration::from_secs(5), "/healthz to answer", || async {
        let health = app.http.get(format!("{}/healthz", app.base)).send().await;
        health.is_ok_and(|r| r.status().is_success())
    })
    .await;
}
