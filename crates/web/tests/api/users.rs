//! User mappings: list, resolve a conflict, the retried meeting.

use serde_json::{json, Value};

use crate::helpers::spawn_app_with;
use crate::helpers::Options;

/// Job records of calls whose owner was in conflict.
async fn conflict_failures(app: &crate::helpers::TestApp, job: i64) -> Vec<Value> {
    let (_, records) = app
        .get(&format!("/jobs/{job}/records?status=Failed&limit=500"))
        .await;
    records
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| {
            r["message"]
                .as_str()
                .unwrap_or_default()
                .contains("matches several users")
        })
        .cloned()
        .collect()
}

#[tokio::test]
async fn resolving_a_conflict_maps_the_user_and_the_next_sync_retries_its_meetings() {
    let app = spawn_app_with(Options {
        calls: 300,
        ..Options::default()
    })
    .await;
    let id = app.basic_connection("acme").await;
    let job = app.sync(id).await["id"].as_i64().unwrap();
    let (status, users) = app.get(&format!("/connections/{id}/users")).await;
    assert_eq!(status, 200);
    let conflict = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["status"] == "Conflict")
        .expect("a conflict")
        .clone();
    let suggested = conflict["suggested"].as_array().unwrap();
    assert!(suggested.len() >= 2, "{conflict}");
    let failed = conflict_failures(&app, job).await;
    assert!(!failed.is_empty(), "some meetings failed on the conflict");

    let gong_user = conflict["gong_user_id"].as_str().unwrap();
    let path = format!("/connections/{id}/users/{gong_user}/resolve");
    let (status, err) = app.post(&path, json!({"user_id": 999999})).await;
    assert_eq!(
        (status, err["error"]["field"].as_str()),
        (422, Some("user_id"))
    );
    let pick = suggested[0]["id"].as_i64().unwrap();
    let (status, resolved) = app.post(&path, json!({"user_id": pick})).await;
    assert_eq!(status, 200, "{resolved}");
    assert_eq!(
        (resolved["status"].as_str(), resolved["manual"].as_bool()),
        (Some("Mapped"), Some(true))
    );
    assert_eq!(resolved["user"]["id"].as_i64(), Some(pick));

    let job2 = app.sync(id).await["id"].as_i64().unwrap();
    let (_, records) = app.get(&format!("/jobs/{job2}/records?limit=500")).await;
    let retried = &failed[0]["gong_call_id"];
    let now = records
        .as_array()
        .unwrap()
        .iter()
        .find(|r| &r["gong_call_id"] == retried)
        .expect("the meeting was retried");
    assert_eq!(now["status"], "Created", "{now}");
    assert!(conflict_failures(&app, job2)
        .await
        .iter()
        .all(|r| r["gong_call_id"] != *retried));
}
