//! C5, C6 through the API and the pages: the key checked at create, PATCH, DELETE
//! (activities and the log kept), syncs refused with what to do, Save with the
//! toggle off saving without a sync, an abandoned OAuth create resumable and deletable.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::spawn_app;

#[tokio::test]
async fn a_refused_access_key_stores_nothing_and_names_the_field() {
    let app = spawn_app().await;

    let (status, body) = app
        .post(
            "/connections",
            json!({"name": "badkey", "kind": "basic", "base_url": app.sim.base_url(),
                "access_key": "sim-access-key", "access_key_secret": "wrong"}),
        )
        .await;

    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["field"], "access_key", "{body}");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("Gong refused the access key"), "{message}");
    assert!(!message.contains("wrong"), "C4: {message}");
    let list = app.page_of("/connections").await;
    assert_eq!(
        list,
        json!({"items": [], "total": 0, "next": null}),
        "nothing stored"
    );
}

#[tokio::test]
async fn patch_renames_and_rekeys_and_delete_keeps_activities_and_jobs() {
    let app = spawn_app().await;
    let id = app.basic_connection("acme").await;
    let job = app.sync(id).await;
    let activities = app
        .store
        .count_activities(&Default::default())
        .await
        .unwrap();
    assert!(activities > 0);

    let (status, refused) = app
        .api(
            Method::PATCH,
            &format!("/connections/{id}"),
            Some(json!({"access_key": "sim-access-key", "access_key_secret": "nope"})),
        )
        .await;
    assert_eq!(
        (status, refused["error"]["field"].as_str()),
        (422, Some("access_key"))
    );
    let (status, renamed) = app
        .api(
            Method::PATCH,
            &format!("/connections/{id}"),
            Some(json!({"name": "acme-eu", "access_key": "sim-access-key", "access_key_secret": "sim-secret"})),
        )
        .await;
    assert_eq!(status, 200, "{renamed}");
    assert_eq!(renamed["name"], "acme-eu");
    assert_eq!(renamed["status"], "Authorised");
    assert_eq!(renamed["auth"], "Basic");
    assert_eq!(renamed["last_job"]["id"], job["id"]);

    let (status, _) = app
        .api(Method::DELETE, &format!("/connections/{id}"), None)
        .await;

    assert_eq!(status, 204);
    let (status, _) = app.get(&format!("/connections/{id}")).await;
    assert_eq!(status, 404);
    assert_eq!(
        app.store
            .count_activities(&Default::default())
            .await
            .unwrap(),
        activities
    );
    let (status, kept) = app.get(&format!("/jobs/{}", job["id"])).await;
    assert_eq!(status, 200, "{kept}");
    assert!(
        kept["connection"]
            .as_str()
            .unwrap()
            .starts_with("acme-eu (deleted"),
        "{kept}"
    );
    let again = app.basic_connection("acme-eu").await;
    assert_ne!(again, id, "the name is free again");
}

#[tokio::test]
async fn a_disabled_connection_refuses_a_sync_and_save_with_the_toggle_off_does_not_sync() {
    let app = spawn_app().await;
    let id = app.basic_connection("acme").await;

    let (status, saved) = app
        .api(
            Method::PUT,
            &format!("/connections/{id}/settings"),
            Some(json!({"enabled": false})),
        )
        .await;
    assert_eq!(status, 200, "{saved}");
    let (_, sync) = app.get(&format!("/connections/{id}/sync")).await;
    assert_eq!(
        sync["last_job"],
        Value::Null,
        "Save with the toggle off starts no job"
    );
    let (_, one) = app.get(&format!("/connections/{id}")).await;
    assert_eq!(one["status"], "Disabled");

    let (status, refused) = app
        .post(&format!("/connections/{id}/sync"), Value::Null)
        .await;

    assert_eq!(status, 409, "{refused}");
    let message = refused["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("disabled") && message.contains("Sync Gong Meetings"),
        "{message}"
    );
    let (_, sync) = app.get(&format!("/connections/{id}/sync")).await;
    assert_eq!(sync["last_job"], Value::Null, "no Failed job either");
}

#[tokio::test]
async fn pages_show_status_and_reason_fix_the_key_and_delete_after_confirmation() {
    let app = spawn_app().await;
    let s = app.login().await;
    let (status, _, body) = app
        .form(
            &s,
            "/connectors",
            &[
                ("name", "badkey"),
                ("kind", "basic"),
                ("base_url", &app.sim.base_url()),
                ("access_key", "sim-access-key"),
                ("access_key_secret", "wrong"),
            ],
        )
        .await;
    assert_eq!(status, 422);
    assert!(body.contains("Gong refused the access key"), "{body}");
    assert!(!body.contains("is ready"), "{body}");
    assert!(app.store.list_connections().await.unwrap().is_empty());

    let id = app.basic_connection("acme").await;
    app.sim.controls().fail_next(1, 401);
    app.sync(id).await;
    let (_, page) = app.page(&s, &format!("/connectors/{id}")).await;
    assert!(page.contains("Needs re-authorisation"), "{page}");
    assert!(
        page.contains("id=\"job-message\""),
        "the job's reason shows: {page}"
    );
    let (_, list) = app.page(&s, "/connectors").await;
    assert!(
        list.contains("Gong refused"),
        "the list shows the reason: {list}"
    );

    let (status, location, _) = app
        .form(
            &s,
            &format!("/connectors/{id}/update"),
            &[
                ("name", "acme"),
                ("base_url", ""),
                ("access_key", "sim-access-key"),
                ("access_key_secret", "sim-secret"),
            ],
        )
        .await;
    assert_eq!(
        (status, location.as_str()),
        (303, format!("/connectors/{id}?updated=1").as_str())
    );
    let (_, page) = app.page(&s, &location).await;
    assert!(page.contains("status-authorised"), "{page}");

    let (_, confirm) = app.page(&s, &format!("/connectors/{id}/delete")).await;
    assert!(confirm.contains("execution log are kept"), "{confirm}");
    let (status, _, done) = app.form(&s, &format!("/connectors/{id}/delete"), &[]).await;
    assert_eq!(status, 200, "{done}");
    assert!(done.contains("was deleted"), "{done}");
    assert!(app.store.list_connections().await.unwrap().is_empty());
}

#[tokio::test]
async fn the_settings_preview_counts_stored_meetings_and_refuses_a_bad_filter() {
    let app = spawn_app().await;
    let id = app.basic_connection("acme").await;
    app.sync(id).await;
    let path = format!("/connections/{id}/settings/preview");

    let (status, all) = app.post(&path, json!({})).await;
    let (_, none) = app
        .post(
            &path,
            json!({"filters": ["Company.name = \"no such company\""]}),
        )
        .await;
    let (status_bad, bad) = app
        .post(
            &path,
            json!({"filters": ["Company.name is not empty", "Company.arr > abc"]}),
        )
        .await;

    assert_eq!(status, 200, "{all}");
    let n = |v: &Value, k: &str| v[k].as_u64().unwrap();
    assert!(n(&all, "stored") > 0 && n(&all, "pass") > 0, "{all}");
    assert_eq!(n(&none, "pass"), 0, "{none}");
    assert_eq!(
        n(&none, "filtered_out"),
        n(&all, "pass"),
        "every meeting that passed without filters is filtered out: {none}"
    );
    assert_eq!(
        (status_bad, bad["error"]["field"].as_str()),
        (422, Some("filters.2"))
    );
    let (_, saved) = app.get(&format!("/connections/{id}/settings")).await;
    assert_eq!(saved["filters"], json!([]), "nothing saved");
}

#[tokio::test]
async fn a_csv_import_through_the_api_is_all_or_nothing_and_lists_its_bad_rows() {
    let app = spawn_app().await;
    let before = app.store.list_users().await.unwrap().len();
    let send = |kind: &'static str, body: &'static str| {
        app.http
            .post(format!("{}/api/v1/imports/{kind}", app.base))
            .bearer_auth(&app.token)
            .header("content-type", "text/csv")
            .body(body)
            .send()
    };

    let refused = send(
        "users",
        "email,name,license_type,status\nok@example.com,Ok,Full,active\nnot-an-email,Bad,Full,active\nx@example.com,Bad Status,Full,sleeping\n",
    )
    .await
    .unwrap();
    assert_eq!(refused.status().as_u16(), 422);
    let body: Value = refused.json().await.unwrap();
    let rows = body["error"]["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2, "{body}");
    assert_eq!(
        (rows[0]["row"].as_u64(), rows[0]["column"].as_str()),
        (Some(3), Some("email"))
    );
    assert_eq!(rows[1]["value"], "sleeping", "{body}");
    assert_eq!(
        app.store.list_users().await.unwrap().len(),
        before,
        "nothing stored"
    );

    let done = send(
        "companies",
        "name,crm_account_id,seats:number\nNewCo,00N1,12\n",
    )
    .await
    .unwrap();
    assert_eq!(done.status().as_u16(), 200);
    let counts: Value = done.json().await.unwrap();
    assert_eq!(counts["inserted"], 1, "{counts}");
    let unknown = send("widgets", "a\n").await.unwrap();
    assert_eq!(unknown.status().as_u16(), 404);
}
