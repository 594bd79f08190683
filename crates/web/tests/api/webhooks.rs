//! The Gong webhook through the API and the connection page (#12 items 3 and 4): set
//! up, mode changes, key rotation, and what the page and `/metrics` show once Gong
//! pushed a test and a call and the worker brought the call to the Timeline.

use std::time::Duration;

use gong_timeline_sync::webhooks::{WebhookWorker, WorkerOptions};
use gong_timeline_web::api::openapi::document;
use serde_json::{json, Value};

use crate::helpers::spawn_app;

const PUBLIC_KEY: &str = include_str!("../../../sync/src/webhooks/testdata/public.pem");

async fn push(url: &str, body: Value) -> (u16, Value) {
    let resp = reqwest::Client::new()
        .post(url)
        .json(&body)
        .send()
        .await
        .expect("answers");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_webhook_is_set_up_changed_and_rotated_through_the_api() {
    // Arrange
    let app = spawn_app().await;
    let id = app.basic_connection("acme").await;
    let path = format!("/connections/{id}/webhook");

    // Act
    let (before, _) = app.get(&path).await;
    let (made_status, made) = app.api(reqwest::Method::PUT, &path, Some(json!({}))).await;
    let (bad_status, bad) = app
        .api(
            reqwest::Method::PUT,
            &path,
            Some(json!({"mode": "signed_jwt", "public_key": "nope"})),
        )
        .await;
    let (_, signed) = app
        .api(
            reqwest::Method::PUT,
            &path,
            Some(json!({"mode": "signed_jwt", "public_key": PUBLIC_KEY})),
        )
        .await;
    let (_, rotated) = app
        .api(reqwest::Method::PUT, &path, Some(json!({"rotate": true})))
        .await;
    let (old_status, _) = push(made["url"].as_str().unwrap(), json!({"isTest": true})).await;

    // Assert
    assert_eq!(before, 404);
    assert_eq!(made_status, 200, "{made}");
    assert_eq!(made["mode"], "url_key");
    let url = made["url"].as_str().unwrap();
    assert!(
        url.starts_with(&format!("{}/webhooks/gong/", app.base)),
        "{url}"
    );
    let schema = &document()["components"]["schemas"]["Webhook"]["properties"];
    let keys: Vec<&String> = made.as_object().unwrap().keys().collect();
    let documented: Vec<&String> = schema.as_object().unwrap().keys().collect();
    assert_eq!(
        keys.iter().collect::<std::collections::BTreeSet<_>>(),
        documented.iter().collect::<std::collections::BTreeSet<_>>()
    );
    assert_eq!(bad_status, 422, "{bad}");
    assert_eq!(bad["error"]["field"], "public_key", "{bad}");
    assert_eq!(signed["mode"], "signed_jwt", "{signed}");
    assert_eq!(signed["url"], made["url"], "a new mode keeps the URL");
    assert_eq!(rotated["mode"], "signed_jwt", "rotation keeps the mode");
    assert_ne!(rotated["url"], made["url"]);
    assert_eq!(old_status, 401, "the old URL stops working");
}

#[tokio::test]
async fn the_connection_page_shows_the_url_the_last_test_and_the_freshness() {
    // Arrange
    let app = spawn_app().await;
    let id = app.basic_connection("acme").await;
    let session = app.login().await;
    let (saved, location, _) = app
        .form(
            &session,
            &format!("/connectors/{id}/webhook"),
            &[("mode", "url_key")],
        )
        .await;
    assert_eq!(saved, 303);
    assert!(location.contains("webhook=saved"), "{location}");
    let (_, view) = app.get(&format!("/connections/{id}/webhook")).await;
    let url = view["url"].as_str().unwrap().to_string();
    let call = app.sim.dataset().call_id(0).expect("a call");
    let engine = gong_timeline_sync::Engine::new(app.store.clone(), Default::default());
    let options = WorkerOptions {
        batch_delay: Duration::ZERO,
        ..WorkerOptions::default()
    };
    let mut worker = WebhookWorker::new(engine, Default::default(), options);

    // Act
    let (test, _) = push(&url, json!({"isTest": true, "callData": {}})).await;
    let (queued, answer) = push(
        &url,
        json!({"isTest": false, "callData": {"metaData": {"id": call}}}),
    )
    .await;
    worker.tick().await.expect("a batch");
    let (_, page) = app.page(&session, &format!("/connectors/{id}")).await;
    let metrics = app
        .http
        .get(format!("{}/metrics", app.base))
        .bearer_auth(&app.token)
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");

    // Assert
    assert_eq!((test, queued), (200, 200), "{answer}");
    assert!(page.contains(&url), "the page shows the URL");
    assert!(page.contains("Test received at"), "the page shows the test");
    assert!(page.contains("p95"), "the page shows the freshness");
    assert!(page.contains("over 1 calls"), "one call came by webhook");
    let activities = app.items("/activities").await;
    assert!(activities
        .iter()
        .any(|a| a["gong_call_id"] == call.as_str()));
    assert!(
        metrics
            .contains("gong_timeline_webhook_delay_seconds{connection=\"acme\",quantile=\"0.95\"}"),
        "{metrics}"
    );
    assert!(
        metrics.contains("gong_timeline_webhook_queued{connection=\"acme\"} 0"),
        "{metrics}"
    );
}
