//! Connections, settings, sync, jobs, records, activities, exports.

use std::sync::atomic::Ordering;

use serde_json::{json, Value};

use crate::helpers::spawn_app;

/// An app with connection `acme` to the simulator, synced once: its id and the job.
async fn synced() -> (crate::helpers::TestApp, i64, Value) {
    let app = spawn_app().await;
    let id = app.basic_connection("acme").await;
    let job = app.sync(id).await;
    (app, id, job)
}

#[tokio::test]
async fn a_connection_is_listed_and_read_without_its_credentials() {
    let app = spawn_app().await;
    let id = app.basic_connection("acme").await;
    let list = app.items("/connections").await;
    assert_eq!(list[0]["name"], "acme");
    let text = serde_json::Value::from(list).to_string();
    assert!(
        !text.contains("sim-secret") && !text.contains("sim-access-key"),
        "no credential in responses: {text}"
    );
    let (status, one) = app.get(&format!("/connections/{id}")).await;
    assert_eq!((status, one["status"].as_str()), (200, Some("Authorised")));
}

#[tokio::test]
async fn a_manual_sync_is_a_job_found_by_connection_status_and_day() {
    let (app, id, job) = synced().await;
    assert_eq!(job["trigger"], "manual");
    assert!(job["created"].as_u64().unwrap() > 0, "{job}");
    assert!(
        job["created"].is_u64() && job.get("counts").is_none(),
        "flat counts: {job}"
    );
    let job_id = job["id"].as_i64().unwrap();
    let jobs = app
        .page_of(&format!(
            "/jobs?connection_id={id}&status=Success&status=Partial%20success"
        ))
        .await;
    assert_eq!(
        (
            jobs["items"].as_array().unwrap().len(),
            jobs["total"].as_u64()
        ),
        (1, Some(1)),
        "{jobs}"
    );
    let none = app.page_of("/jobs?status=Failed").await;
    assert_eq!(
        (none["items"].as_array().unwrap().len(), &none["next"]),
        (0, &json!(null))
    );
    // Days as the CLI takes them: today's job is within from=today&to=today.
    let today = chrono::Utc::now().date_naive();
    let todays = app
        .page_of(&format!("/jobs?connection_id={id}&from={today}&to={today}"))
        .await;
    assert_eq!(todays["total"].as_u64(), Some(1), "{todays}");
    let (status, same) = app.get(&format!("/jobs/{job_id}")).await;
    assert_eq!((status, same["id"].as_i64()), (200, Some(job_id)));
}

#[tokio::test]
async fn a_job_filter_that_does_not_parse_is_422_naming_the_parameter() {
    let app = spawn_app().await;
    let (status, bad) = app.get("/jobs?status=Done").await;
    assert_eq!(
        (status, bad["error"]["field"].as_str()),
        (422, Some("status"))
    );
    let (status, bad) = app.get("/jobs?from=notadate").await;
    assert_eq!(
        (status, bad["error"]["field"].as_str()),
        (422, Some("from")),
        "{bad}"
    );
    assert!(bad.to_string().contains("YYYY-MM-DD"), "{bad}");
}

#[tokio::test]
async fn a_jobs_records_page_by_cursor_and_a_cursor_belongs_to_its_job() {
    let (app, id, job) = synced().await;
    let job_id = job["id"].as_i64().unwrap();
    let page1 = app
        .page_of(&format!("/jobs/{job_id}/records?limit=5"))
        .await;
    let next = page1["next"].as_str().expect("more than 5 records");
    let page2 = app
        .page_of(&format!("/jobs/{job_id}/records?limit=5&cursor={next}"))
        .await;
    assert_eq!(page1["items"].as_array().unwrap().len(), 5);
    assert!(
        page2["items"][0]["id"].as_i64() > page1["items"][4]["id"].as_i64(),
        "page 2 starts after page 1: {page1} {page2}"
    );
    let (status, refused) = app
        .get(&format!("/jobs/{}/records?cursor={next}", job_id + 1000))
        .await;
    assert_eq!(status, 404, "no such job first: {refused}");
    let other = app.sync(id).await["id"].as_i64().unwrap();
    let (status, refused) = app
        .get(&format!("/jobs/{other}/records?cursor={next}"))
        .await;
    assert_eq!(
        (status, refused["error"]["field"].as_str()),
        (400, Some("cursor")),
        "another job's cursor: {refused}"
    );
}

#[tokio::test]
async fn a_jobs_records_add_up_to_its_counts_and_created_ones_name_their_activity() {
    let (app, _, job) = synced().await;
    let job_id = job["id"].as_i64().unwrap();
    let all = app
        .all_items(&format!("/jobs/{job_id}/records?limit=7"))
        .await;
    let count = |key: &str| job[key].as_u64().unwrap();
    assert_eq!(
        all.len() as u64,
        count("created") + count("updated") + count("skipped") + count("failed"),
        "{job}"
    );
    let created = app
        .all_items(&format!("/jobs/{job_id}/records?status=Created&limit=3"))
        .await;
    assert_eq!(created.len() as u64, count("created"));
    assert!(created
        .iter()
        .all(|r| r["status"] == "Created" && r["activity_id"].is_i64()));
}

#[tokio::test]
async fn activities_read_in_the_clis_shape_newest_first_by_company() {
    let (app, _, job) = synced().await;
    let job_id = job["id"].as_i64().unwrap();
    let created = app
        .all_items(&format!("/jobs/{job_id}/records?status=Created&limit=50"))
        .await;
    let activity = created[0]["activity_id"].as_i64().unwrap();
    let (status, a) = app.get(&format!("/activities/{activity}")).await;
    assert_eq!(status, 200);
    assert_eq!(
        a["type"], "Meeting",
        "the CLI's shape: `type`, not `activity_type`: {a}"
    );
    let company = a["company"]["id"].as_i64().unwrap();
    let of_company = app
        .all_items(&format!("/activities?company_id={company}&limit=2"))
        .await;
    assert!(!of_company.is_empty() && of_company.iter().all(|x| x["company"]["id"] == company));
    let dates: Vec<&str> = of_company
        .iter()
        .map(|x| x["date"].as_str().unwrap())
        .collect();
    assert!(
        dates.windows(2).all(|w| w[0] >= w[1]),
        "newest first: {dates:?}"
    );
    let companies = app.all_items("/companies?limit=7").await;
    assert!(companies.len() > 10);
    let (status, missing) = app.get("/activities/999999").await;
    assert_eq!(
        (status, missing["error"]["code"].as_str()),
        (404, Some("not_found"))
    );
}

#[tokio::test]
async fn a_second_sync_while_one_runs_is_a_conflict_or_finished() {
    let app = spawn_app().await;
    let id = app.basic_connection("acme").await;
    let (first, _) = app
        .post(&format!("/connections/{id}/sync"), json!(null))
        .await;
    let (second, body) = app
        .post(&format!("/connections/{id}/sync"), json!(null))
        .await;
    assert_eq!(first, 202);
    assert!(second == 409 || second == 202, "{second} {body}");
    if second == 409 {
        assert_eq!(body["error"]["code"], "conflict");
    }
    app.wait_for_sync(id).await;
}

#[tokio::test]
async fn settings_are_validated_naming_the_field_then_saved_with_a_sync() {
    let app = spawn_app().await;
    let id = app.basic_connection("acme").await;
    let (status, settings) = app.get(&format!("/connections/{id}/settings")).await;
    assert_eq!(
        (status, settings["activity_type"].as_str()),
        (200, Some("Meeting"))
    );
    let path = format!("/connections/{id}/settings");
    let (status, err) = app
        .api(
            reqwest::Method::PUT,
            &path,
            Some(json!({"activity_type": "Nope"})),
        )
        .await;
    assert_eq!(
        (status, err["error"]["field"].as_str()),
        (422, Some("activity_type")),
        "{err}"
    );
    let (status, err) = app
        .api(
            reqwest::Method::PUT,
            &path,
            Some(json!({"filters": ["Company.industry ~ x"]})),
        )
        .await;
    assert_eq!(
        (status, err["error"]["field"].as_str()),
        (422, Some("filters.1")),
        "{err}"
    );
    let (status, saved) = app
        .api(
            reqwest::Method::PUT,
            &path,
            Some(json!({"activity_type": "call", "filters": ["Company.name is not empty"]})),
        )
        .await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(saved["activity_type"], "Call");
    let job = app.wait_for_sync(id).await;
    assert_eq!(job["trigger"], "save");
}

#[tokio::test]
async fn an_access_key_connection_to_a_host_that_is_not_gong_is_refused() {
    let app = spawn_app().await;
    let (status, body) = app.post("/connections", json!({"name": "evil", "kind": "basic", "base_url": "http://169.254.169.254", "access_key": "k", "access_key_secret": "s"})).await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (422, Some("base_url")),
        "{body}"
    );
    let (status, body) = app.post("/connections", json!({"name": "", "kind": "basic", "base_url": app.sim.base_url(), "access_key": "k", "access_key_secret": "s"})).await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (422, Some("name"))
    );
}

#[tokio::test]
async fn an_api_export_keeps_only_the_records_of_the_statuses_asked_for() {
    // Arrange: a job with Failed records among others.
    let app = spawn_app().await;
    let id = app.basic_connection("acme").await;
    let job = app.sync(id).await["id"].as_i64().unwrap();

    // Act
    let (status, export) = app
        .post(&format!("/jobs/{job}/export?status=Failed"), json!(null))
        .await;
    let (refused, _) = app
        .post(&format!("/jobs/{job}/export?status=Lost"), json!(null))
        .await;

    // Assert: every row of the workbook is a Failed record; an unknown status is
    // refused as the records list refuses it.
    assert_eq!((status, refused), (201, 422), "{export}");
    let url = format!("{}{}", app.base, export["url"].as_str().unwrap());
    let bytes = app
        .http
        .get(&url)
        .bearer_auth(&app.token)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let file = app.export_dir.join("failed.xlsx");
    std::fs::write(&file, &bytes).unwrap();
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&file).unwrap();
    let range = book.worksheet_range("Execution log").unwrap();
    let statuses: Vec<String> = range.rows().skip(1).map(|r| r[4].to_string()).collect();
    assert!(!statuses.is_empty());
    assert!(statuses.iter().all(|s| s == "Failed"), "{statuses:?}");
}

#[tokio::test]
async fn an_export_downloads_for_30_days_then_answers_410_and_its_file_is_gone() {
    let app = spawn_app().await;
    let id = app.basic_connection("acme").await;
    let job = app.sync(id).await["id"].as_i64().unwrap();
    let (status, export) = app.post(&format!("/jobs/{job}/export"), json!(null)).await;
    assert_eq!(status, 201, "{export}");
    let url = format!("{}{}", app.base, export["url"].as_str().unwrap());
    let resp = app
        .http
        .get(&url)
        .bearer_auth(&app.token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let signed_out = |accept: &'static str| {
        let request = app.http.get(&url).header("accept", accept);
        async move { request.send().await.unwrap() }
    };
    let browser = signed_out("text/html,application/xhtml+xml").await;
    let token = export["url"].as_str().unwrap().rsplit('/').next().unwrap();
    let location = browser
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert_eq!(browser.status().as_u16(), 303, "{location}");
    assert!(
        location.starts_with("/login?next=") && location.contains(token),
        "a signed-out browser is sent to log in, then back: {location}"
    );
    assert_eq!(signed_out("application/json").await.status().as_u16(), 401);
    let bytes = resp.bytes().await.unwrap();
    let file = app.export_dir.join("downloaded.xlsx");
    std::fs::write(&file, &bytes).unwrap();
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&file).unwrap();
    let range = book.worksheet_range("Execution log").unwrap();
    assert_eq!(
        range.get((0, 1)),
        Some(&calamine::Data::String("Gong call id".into()))
    );
    assert!(range.height() > 1);
    std::fs::remove_file(&file).unwrap();
    let files = || std::fs::read_dir(&app.export_dir).unwrap().count();
    assert_eq!(files(), 1);

    app.clock_offset.store(29 * 86_400, Ordering::SeqCst);
    let still = app
        .http
        .get(&url)
        .bearer_auth(&app.token)
        .send()
        .await
        .unwrap();
    assert_eq!(still.status().as_u16(), 200, "still valid on day 29");
    app.clock_offset.store(30 * 86_400 + 60, Ordering::SeqCst);
    let gone = app
        .http
        .get(&url)
        .bearer_auth(&app.token)
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status().as_u16(), 410);
    let body: serde_json::Value = gone.json().await.unwrap();
    assert_eq!(body["error"]["code"], "gone");
    assert_eq!(files(), 0, "the expired file was deleted");
    let again = app
        .http
        .get(&url)
        .bearer_auth(&app.token)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status().as_u16(), 410);
    let unknown = app
        .http
        .get(format!("{}/exports/nope", app.base))
        .bearer_auth(&app.token)
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status().as_u16(), 404);
}

#[tokio::test]
async fn settings_keep_an_absent_filter_logic_and_clear_a_null_one() {
    let app = spawn_app().await;
    let id = app.basic_connection("acme").await;
    let path = format!("/connections/{id}/settings");
    let put = |body: Value| {
        let (app, path) = (&app, &path);
        async move {
            let (status, saved) = app.api(reqwest::Method::PUT, path, Some(body)).await;
            assert_eq!(status, 200, "{saved}");
            app.wait_for_sync(id).await;
            saved
        }
    };

    let either = json!({"filters": ["Company.name is not empty", "Company.name contains a"], "filter_logic": "1 OR 2"});
    assert_eq!(put(either).await["filter_logic"], "1 OR 2");
    let kept = put(json!({"enabled": true})).await;
    let cleared = put(json!({"filter_logic": null})).await;

    assert_eq!(kept["filter_logic"], "1 OR 2", "absent keeps it: {kept}");
    assert_eq!(
        cleared["filter_logic"],
        Value::Null,
        "null clears it: {cleared}"
    );
    assert_eq!(cleared["filters"].as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn m3_the_api_re_syncs_from_gong_since_a_day_and_refuses_a_bad_or_future_one() {
    let app = spawn_app().await;
    let id = app.basic_connection("acme").await;
    app.sync(id).await;
    let path = format!("/connections/{id}/resync");
    let next_year = (chrono::Utc::now() + chrono::Duration::days(365)).date_naive();

    let (bad, bad_body) = app.post(&path, json!({"from": "last week"})).await;
    let (future, future_body) = app
        .post(&path, json!({"from": next_year.to_string()}))
        .await;
    let since = (chrono::Utc::now() - chrono::Duration::days(3)).date_naive();
    let (started, status) = app.post(&path, json!({"from": since.to_string()})).await;

    assert_eq!(
        (bad, bad_body["error"]["field"].as_str()),
        (422, Some("from")),
        "{bad_body}"
    );
    assert_eq!(future, 422, "{future_body}");
    assert!(
        future_body.to_string().contains("is after today"),
        "{future_body}"
    );
    assert_eq!(started, 202, "{status}");
    let job = app.wait_for_sync(id).await;
    assert_eq!(job["trigger"], "resync", "{job}");
}
