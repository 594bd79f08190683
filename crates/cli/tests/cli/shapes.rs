//! One shape per entity: what `--format json` prints and what `/api/v1` answers are
//! the same objects, key for key and value for value. The binary and the web app
//! read one database.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::helpers::{TestApp, CONNECTION};

/// Items by their identity (`key`), with the set of keys each has.
fn by(items: &[Value], key: &str) -> BTreeMap<String, Value> {
    items
        .iter()
        .map(|i| (i[key].to_string(), i.clone()))
        .collect()
}

fn keys(item: &Value) -> BTreeSet<String> {
    item.as_object()
        .unwrap_or_else(|| panic!("an object: {item}"))
        .keys()
        .cloned()
        .collect()
}

/// The CLI's items and the API's are the same: the same identities, each with the
/// same keys (nested objects too, through the values) and the same values.
fn assert_same(entity: &str, cli: &[Value], api: &[Value], id: &str) {
    assert!(!cli.is_empty(), "{entity}: the CLI lists some");
    let (cli, api) = (by(cli, id), by(api, id));
    assert_eq!(
        cli.keys().collect::<Vec<_>>(),
        api.keys().collect::<Vec<_>>(),
        "{entity}: the same {id}s"
    );
    for (k, c) in &cli {
        let a = &api[k];
        assert_eq!(keys(c), keys(a), "{entity} {id} {k}: the same keys");
        assert_eq!(c, a, "{entity} {id} {k}: the same values");
    }
}

#[tokio::test]
async fn every_entity_has_the_same_json_in_the_cli_and_the_api() {
    let app = TestApp::with_scenario("users.json").await;
    let job = app.sync().await;
    let web = app.serve_web().await;
    let connection = app.json(&["connection", "list", "--format", "json"]).await;
    let connection_id = connection[0]["id"].as_i64().expect("a connection id");
    let job_id = job["id"].as_i64().expect("a job id");

    let jobs = app.jobs().await;
    assert_same("job", &jobs, &web.all("/jobs").await, "id");
    for counts in ["fetched", "created", "updated", "skipped", "failed"] {
        assert!(jobs[0][counts].is_u64(), "flat counts: {}", jobs[0]);
    }
    assert_same(
        "log record",
        &app.records(&job["id"]).await,
        &web.all(&format!("/jobs/{job_id}/records")).await,
        "id",
    );
    let activities = app.activities().await;
    assert_same("activity", &activities, &web.all("/activities").await, "id");
    assert!(activities.iter().all(|a| a.get("type").is_some()), "`type`");
    assert_same(
        "connection",
        connection.as_array().expect("an array"),
        &web.all("/connections").await,
        "id",
    );
    assert_same("user", &app.users().await, &web.all("/users").await, "id");
    assert_same(
        "Gong user",
        &app.gong_users().await,
        &web.all(&format!("/connections/{connection_id}/users"))
            .await,
        "gong_user_id",
    );
    let companies = app.json(&["companies", "list", "--format", "json"]).await;
    assert_same(
        "company",
        companies.as_array().expect("an array"),
        &web.all("/companies").await,
        "id",
    );
    let one = &activities[0];
    let single = web.get(&format!("/activities/{}", one["id"])).await;
    assert_eq!(&single, one, "GET /activities/{{id}} is the listed object");
    let single = web.get(&format!("/jobs/{job_id}")).await;
    assert_eq!(single, jobs[0], "GET /jobs/{{id}} is the listed object");
    assert_eq!(CONNECTION, connection[0]["name"]);
}
