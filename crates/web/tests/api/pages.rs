//! The admin pages render with a session, escape what they show, and page long lists.

use chrono::Utc;
use gong_timeline_domain::{RecordStatus, Trigger};
use gong_timeline_store::ConnectionId;
use gong_timeline_store::{import, Lease, NewLogRecord};

use crate::helpers::spawn_app;

#[tokio::test]
async fn every_page_renders_after_a_sync() {
    let app = spawn_app().await;
    let s = app.login().await;
    let id = app.basic_connection("acme").await;
    let job = app.sync(id).await["id"].as_i64().unwrap();
    let a = app.items("/activities?limit=1").await;
    let company = a[0]["company"]["id"].as_i64().unwrap();
    let activity = a[0]["id"].as_i64().unwrap();
    for path in [
        "/connectors".to_string(),
        format!("/connectors/{id}"),
        format!("/connectors/{id}/settings"),
        "/log?range=7d&status=Success".into(),
        format!("/log/jobs/{job}?status=Created"),
        format!("/users?connection_type=GONG_IO&connection={id}"),
        "/companies".into(),
        format!("/companies/{company}"),
        format!("/activities/{activity}"),
        "/tokens".into(),
    ] {
        let (status, body) = app.page(&s, &path).await;
        assert_eq!(status, 200, "{path}: {body}");
        assert!(body.contains("<h1>"), "{path}");
    }
    let (_, timeline) = app.page(&s, &format!("/companies/{company}")).await;
    assert!(timeline.contains("class=\"recording\"") && timeline.contains("Open the call in Gong"));
    let (_, fragment) = app
        .page(&s, &format!("/activities/{activity}/recording"))
        .await;
    assert!(fragment.contains("/media/"), "{fragment}");
}

#[tokio::test]
async fn a_deleted_recording_or_gong_down_shows_the_s5_message() {
    let app = spawn_app().await;
    let s = app.login().await;
    let id = app.basic_connection("acme").await;
    app.sync(id).await;
    let a = app.items("/activities?limit=2").await;
    let (first, second) = (&a[0], &a[1]);
    app.sim
        .controls()
        .delete_recording(first["gong_call_id"].as_str().unwrap());
    let (_, fragment) = app
        .page(&s, &format!("/activities/{}/recording", first["id"]))
        .await;
    assert!(
        fragment.contains("This Video/Meeting Link has failed to load."),
        "{fragment}"
    );
    app.sim.controls().set_down(true);
    let (_, fragment) = app
        .page(&s, &format!("/activities/{}/recording", second["id"]))
        .await;
    assert!(
        fragment.contains("This Video/Meeting Link has failed to load."),
        "{fragment}"
    );
}

#[tokio::test]
async fn titles_and_names_render_as_text() {
    let app = spawn_app().await;
    let s = app.login().await;
    let csv = "name,crm_account_id\n<script>alert('co')</script>,\n";
    app.store
        .import_companies(import::parse_companies(csv.as_bytes()).unwrap())
        .await
        .unwrap();
    let id = app.basic_connection("acme").await;
    let now = Utc::now();
    let job = app
        .store
        .try_start_job(
            ConnectionId::new(id),
            Trigger::Manual,
            Lease {
                owner: "t".into(),
                expires_at: now + chrono::Duration::minutes(5),
            },
            now,
        )
        .await
        .unwrap()
        .unwrap();
    app.store
        .add_log_records(
            job,
            vec![NewLogRecord {
                gong_call_id: "1".into(),
                title: Some("<script>alert('x')</script>".into()),
                meeting_date: None,
                status: RecordStatus::Failed,
                activity: None,
                message: Some("<b>m</b>".into()),
            }],
        )
        .await
        .unwrap();
    let (_, log) = app.page(&s, &format!("/log/jobs/{job}")).await;
    assert!(
        log.contains("&lt;script&gt;alert('x')&lt;/script&gt;") && !log.contains("<script>alert"),
        "{log}"
    );
    assert!(log.contains("&lt;b&gt;m&lt;/b&gt;"));
    let (_, companies) = app.page(&s, "/companies?q=script").await;
    assert!(
        companies.contains("&lt;script&gt;alert('co')") && !companies.contains("<script>alert")
    );
}

#[tokio::test]
async fn settings_errors_show_next_to_their_field_and_save_starts_a_sync() {
    let app = spawn_app().await;
    let s = app.login().await;
    let id = app.basic_connection("acme").await;
    let path = format!("/connectors/{id}/settings");
    let (status, _, body) = app
        .form(
            &s,
            &path,
            &[
                ("enabled", "on"),
                ("activity_type", "Meeting"),
                ("field", "Company.industry"),
                ("op", "in"),
                ("value", ""),
            ],
        )
        .await;
    assert_eq!(status, 422);
    assert!(body.contains("id=\"filter-1-error\""), "{body}");
    let (status, _, body) = app.form(&s, &path, &[("activity_type", "Nope")]).await;
    assert_eq!(status, 422);
    assert!(body.contains("id=\"activity-type-error\""));
    let (status, location, _) = app
        .form(
            &s,
            &path,
            &[
                ("enabled", "on"),
                ("activity_type", "Call"),
                ("field", "Company.name"),
                ("op", "is not empty"),
                ("value", ""),
                ("field", ""),
                ("op", "="),
                ("value", ""),
            ],
        )
        .await;
    assert_eq!(
        (status, location.as_str()),
        (303, format!("/connectors/{id}?sync=started").as_str())
    );
    let (_, settings) = app.get(&format!("/connections/{id}/settings")).await;
    assert_eq!(
        settings["filters"],
        serde_json::json!(["Company.name is not empty"])
    );
    assert_eq!(app.wait_for_sync(id).await["trigger"], "save");
    let (_, page) = app.page(&s, &path).await;
    assert!(page.contains("Call (recommended)") && page.contains("Meeting (recommended)"));
}

/// The target of the link with this id, unescaped.
fn link(html: &str, id: &str) -> Option<String> {
    let at = html.find(&format!("id=\"{id}\""))?;
    let start = html[..at].rfind("href=\"")? + "href=\"".len();
    let end = start + html[start..].find('"')?;
    Some(html[start..end].replace("&amp;", "&"))
}

/// The call ids of a job page's record rows, in order.
fn calls(html: &str) -> Vec<String> {
    html.split("<tr class=\"record\"")
        .skip(1)
        .map(|row| {
            let start = row.find("data-call=\"").expect("a call id") + "data-call=\"".len();
            row[start..].split('"').next().unwrap().to_string()
        })
        .collect()
}

/// Follows one link (`next-page` or `prev-page`) from `path` to the end; returns
/// each page's calls and the pages' "Page N of M" labels.
async fn walk(
    app: &crate::helpers::TestApp,
    s: &crate::helpers::Session,
    path: &str,
    direction: &str,
) -> (Vec<Vec<String>>, Vec<String>, String) {
    let (mut pages, mut labels) = (Vec::new(), Vec::new());
    let mut at = path.to_string();
    loop {
        let (status, html) = app.page(s, &at).await;
        assert_eq!(status, 200, "{at}: {html}");
        pages.push(calls(&html));
        let label = html
            .split("Page ")
            .nth(1)
            .map(|l| l.split('<').next().unwrap().to_string())
            .unwrap_or_default();
        labels.push(label);
        match link(&html, direction) {
            Some(next) => at = next,
            None => return (pages, labels, at),
        }
        assert!(pages.len() < 100, "the pages end");
    }
}

#[tokio::test]
async fn l2_a_job_page_pages_by_keyset_forwards_and_back_with_and_without_a_status_filter() {
    let app = crate::helpers::spawn_app_with(crate::helpers::Options {
        calls: 180,
        ..Default::default()
    })
    .await;
    let s = app.login().await;
    let id = app.basic_connection("acme").await;
    let job = app.sync(id).await["id"].as_i64().unwrap();
    let records = app
        .all_items(&format!("/jobs/{job}/records?limit=500"))
        .await;
    let every: Vec<String> = records
        .iter()
        .map(|r| r["gong_call_id"].as_str().unwrap().to_string())
        .collect();
    assert!(
        every.len() > 100,
        "more than two pages of 50: {}",
        every.len()
    );

    let start = format!("/log/jobs/{job}");
    let (pages, labels, last) = walk(&app, &s, &start, "next-page").await;
    let pages_n = every.len().div_ceil(50);
    assert_eq!(pages.concat(), every, "every record once, in write order");
    assert!(pages[..pages.len() - 1].iter().all(|p| p.len() == 50));
    assert_eq!(labels[0], format!("1 of {pages_n}"));
    assert_eq!(labels.last().unwrap(), &format!("{pages_n} of {pages_n}"));
    assert!(last.contains("after="), "{last}");
    assert!(!last.contains("offset"), "{last}");

    // Previous from the last page walks back over the same pages.
    let (back, back_labels, first) = walk(&app, &s, &last, "prev-page").await;
    let mut forward = pages.clone();
    forward.reverse();
    assert_eq!(back, forward, "Previous shows the pages Next showed");
    assert_eq!(back_labels.last().unwrap(), &format!("1 of {pages_n}"));
    assert!(
        first.contains("before="),
        "Previous pages by keyset: {first}"
    );

    // A status filter pages the same way over the matching records only.
    let created_or_skipped: Vec<String> = records
        .iter()
        .filter(|r| r["status"] == "Skipped" || r["status"] == "Created")
        .map(|r| r["gong_call_id"].as_str().unwrap().to_string())
        .collect();
    assert!(
        !created_or_skipped.is_empty() && created_or_skipped.len() < every.len(),
        "the filter keeps some records, not all"
    );
    let filtered = format!("{start}?status=Skipped&status=Created");
    let (pages, labels, last) = walk(&app, &s, &filtered, "next-page").await;
    assert_eq!(pages.concat(), created_or_skipped);
    assert!(
        last.contains("status=Skipped") && last.contains("status=Created"),
        "{last}"
    );
    let n = created_or_skipped.len().div_ceil(50);
    assert_eq!(labels[0], format!("1 of {n}"));
    let (back, _, _) = walk(&app, &s, &last, "prev-page").await;
    assert_eq!(back.concat().len(), created_or_skipped.len());

    // A damaged cursor is a 400 page inside the layout.
    let (status, bad) = app.page(&s, &format!("{start}?after=bogus")).await;
    assert_eq!(status, 400, "{bad}");
    assert!(
        bad.contains("href=\"/connectors\"") && bad.contains("damaged"),
        "{bad}"
    );
}

#[tokio::test]
async fn the_log_filters_jobs_by_date() {
    let app = crate::helpers::spawn_app().await;
    let s = app.login().await;
    let id = app.basic_connection("acme").await;
    let job = app.sync(id).await["id"].as_i64().unwrap();
    let (_, filtered) = app
        .page(&s, "/log?range=custom&from=2000-01-01&to=2000-01-02")
        .await;
    assert!(filtered.contains("id=\"no-jobs\""));
    let (_, today) = app.page(&s, "/log?range=today").await;
    assert!(today.contains(&format!("href=\"/log/jobs/{job}\"")));
}

#[tokio::test]
async fn t5_a_refused_save_keeps_every_row_and_shows_the_typed_error_next_to_its_row() {
    let app = spawn_app().await;
    let s = app.login().await;
    let id = app.basic_connection("acme").await;
    let path = format!("/connectors/{id}/settings");
    let (_, page) = app.page(&s, &path).await;
    assert!(
        page.contains("Company.arr (number)"),
        "field types shown: {page}"
    );
    let rows = [
        ("enabled", "on"),
        ("activity_type", "Meeting"),
        ("field", "Company.industry"),
        ("op", "!="),
        ("value", "Retail"),
        ("field", "Company.arr"),
        ("op", ">"),
        ("value", "abc"),
    ];

    let (status, _, body) = app.form(&s, &path, &rows).await;

    assert_eq!(status, 422, "{body}");
    let error_at = body
        .find("id=\"filter-2-error\"")
        .expect("the error beside row 2");
    let row_2 = body.find("id=\"filter-row-2\"").expect("row 2");
    let row_3 = body.find("id=\"filter-row-3\"").unwrap_or(body.len());
    assert!(row_2 < error_at && error_at < row_3, "inside row 2: {body}");
    assert!(body.contains("Company.arr is a number field"), "{body}");
    assert!(
        body.contains("value=\"Retail\""),
        "row 1's value kept: {body}"
    );
    assert!(
        body.contains("<option value=\"!=\" selected>"),
        "row 1's operator kept: {body}"
    );
    assert!(body.contains("value=\"abc\""), "row 2's value kept: {body}");
    let (_, settings) = app.get(&format!("/connections/{id}/settings")).await;
    assert_eq!(settings["filters"], serde_json::json!([]), "nothing saved");
    let (_, sync) = app.get(&format!("/connections/{id}/sync")).await;
    assert!(sync["last_job"].is_null(), "no sync started: {sync}");

    // + adds a row and × removes one, keeping the others as typed, saving nothing.
    let mut add = rows.to_vec();
    add.push(("intent", "add-row"));
    let (status, _, body) = app.form(&s, &path, &add).await;
    assert_eq!(status, 200);
    assert!(
        body.contains("id=\"filter-row-3\"") && body.contains("value=\"abc\""),
        "{body}"
    );
    let mut remove = rows.to_vec();
    remove.push(("intent", "remove-1"));
    let (status, _, body) = app.form(&s, &path, &remove).await;
    assert_eq!(status, 200);
    assert!(
        !body.contains("value=\"abc\"") && body.contains("value=\"Retail\""),
        "{body}"
    );

    // A doubled operator is refused, not stored as `!= = Retail`.
    let doubled = [
        ("activity_type", "Meeting"),
        ("field", "Company.industry"),
        ("op", "!="),
        ("value", "= Retail"),
    ];
    let (status, _, body) = app.form(&s, &path, &doubled).await;
    assert_eq!(status, 422);
    assert!(body.contains("one operator per filter"), "{body}");
}

#[tokio::test]
async fn l3_the_log_filters_by_connection_refuses_an_inverted_range_and_answers_bad_parameters_with_400(
) {
    let app = spawn_app().await;
    let s = app.login().await;
    // One simulator is one Gong account: beta replaces alpha (S10), whose job stays.
    let a = app.basic_connection("alpha").await;
    app.sync(a).await;
    let b = app.replacing_connection("beta").await;
    app.sync(b).await;

    let (status, only_b) = app.page(&s, &format!("/log?connection={b}")).await;
    assert_eq!(status, 200);
    assert_eq!(only_b.matches("<tr class=\"job\"").count(), 1, "{only_b}");
    assert!(
        only_b.contains(">beta<") && !only_b.contains("<td>alpha</td>"),
        "{only_b}"
    );

    let (status, inverted) = app
        .page(&s, "/log?range=custom&from=2025-02-01&to=2025-01-01")
        .await;
    assert_eq!(status, 422);
    assert!(inverted.contains("id=\"filter-error\""), "{inverted}");
    assert!(
        inverted.contains("ends (2025-01-01) before it starts"),
        "{inverted}"
    );

    let (status, bad) = app.page(&s, "/log?page=abc").await;
    assert_eq!(status, 400);
    assert!(
        bad.contains("href=\"/connectors\""),
        "inside the layout: {bad}"
    );
    assert!(!bad.contains("Failed to deserialize"), "{bad}");
    assert!(bad.contains("page"), "names the parameter: {bad}");

    // axum's own rejections are pages too, with their status.
    for (path, status) in [
        ("/connectors/abc", 400),
        ("/log/jobs/abc", 400),
        ("/companies?page=-1", 400),
        ("/logout", 405),
    ] {
        let (got, page) = app.page(&s, path).await;
        assert_eq!(got, status, "{path}: {page}");
        assert!(
            page.contains("href=\"/connectors\""),
            "{path} inside the layout: {page}"
        );
    }
}

#[tokio::test]
async fn m3_the_connection_page_re_syncs_from_gong_since_a_date() {
    let app = crate::helpers::spawn_app().await;
    let s = app.login().await;
    let id = app.basic_connection("acme").await;
    app.sync(id).await;
    let (_, page) = app.page(&s, &format!("/connectors/{id}")).await;
    assert!(page.contains("Re-sync from Gong since"), "{page}");
    let path = format!("/connectors/{id}/resync");

    let (status, _, body) = app.form(&s, &path, &[("from", "last week")]).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("is not a date"), "{body}");
    let next_year = (chrono::Utc::now() + chrono::Duration::days(365)).date_naive();
    let (status, _, body) = app
        .form(&s, &path, &[("from", &next_year.to_string())])
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("is after today"), "{body}");
    let (_, jobs) = app.get(&format!("/jobs?connection_id={id}")).await;
    assert_eq!(
        jobs["items"].as_array().map(Vec::len),
        Some(1),
        "nothing started: {jobs}"
    );

    let since = (chrono::Utc::now() - chrono::Duration::days(3)).date_naive();
    let (status, location, _) = app.form(&s, &path, &[("from", &since.to_string())]).await;
    assert_eq!(
        (status, location.as_str()),
        (303, format!("/connectors/{id}?sync=started").as_str())
    );
    let job = app.wait_for_sync(id).await;
    assert_eq!(job["trigger"], "resync", "{job}");
    assert_ne!(job["status"], "Failed", "{job}");
}

#[tokio::test]
async fn the_log_and_the_api_filter_jobs_by_trigger() {
    // Arrange: one manual job.
    let app = spawn_app().await;
    let s = app.login().await;
    let id = app.basic_connection("acme").await;
    let job = app.sync(id).await["id"].as_i64().unwrap();

    // Act
    let manual = app.items("/jobs?trigger=manual").await;
    let pushed = app.items("/jobs?trigger=webhook&trigger=retention").await;
    let (bad_status, bad) = app.get("/jobs?trigger=hourly").await;
    let (_, page_manual) = app.page(&s, "/log?trigger=manual").await;
    let (_, page_webhook) = app.page(&s, "/log?trigger=webhook").await;
    let (_, page_bad) = app.page(&s, "/log?trigger=hourly").await;

    // Assert
    assert_eq!(manual.len(), 1, "{manual:?}");
    assert_eq!(manual[0]["id"], job);
    assert!(pushed.is_empty(), "{pushed:?}");
    assert_eq!(
        (bad_status, &bad["error"]["field"]),
        (422, &serde_json::json!("trigger"))
    );
    assert!(page_manual.contains(&format!("href=\"/log/jobs/{job}\"")));
    assert!(
        page_manual.contains(r#"<option value="manual" selected>"#),
        "the choice is kept"
    );
    assert!(page_webhook.contains("No job matches these filters."));
    assert!(page_bad.contains("hourly"), "the refused trigger is named");
}

#[tokio::test]
async fn t6_meeting_fields_are_listed_with_help_and_saved_or_refused_naming_the_field() {
    let app = spawn_app().await;
    let s = app.login().await;
    let id = app.basic_connection("acme").await;
    let path = format!("/connectors/{id}/settings");
    let (_, page) = app.page(&s, &path).await;
    for (field, ty) in gong_timeline_domain::filter::MEETING_FIELDS {
        assert!(
            page.contains(&format!(
                "<option value=\"Meeting.{field}\">Meeting.{field} ({ty})"
            )),
            "Meeting.{field} offered with its type: {page}"
        );
    }
    assert!(
        page.contains("id=\"meeting-filter-help\"")
            && page.contains("Meeting.title not contains interview"),
        "{page}"
    );

    let (status, _, body) = app
        .form(
            &s,
            &path,
            &[
                ("activity_type", "Meeting"),
                ("field", "Meeting.duration_seconds"),
                ("op", ">"),
                ("value", "long"),
            ],
        )
        .await;
    assert_eq!(status, 422, "{body}");
    let error = body
        .split("id=\"filter-1-error\">")
        .nth(1)
        .and_then(|rest| rest.split("</span>").next())
        .unwrap_or_else(|| panic!("the error beside row 1: {body}"));
    assert!(error.contains("Meeting.duration_seconds"), "{error}");
    let (status, refused) = app
        .api(
            reqwest::Method::PUT,
            &format!("/connections/{id}/settings"),
            Some(serde_json::json!({"filters": ["Meeting.duration_seconds > long"]})),
        )
        .await;
    assert_eq!(
        (status, refused["error"]["field"].as_str()),
        (422, Some("filters.1")),
        "{refused}"
    );
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Meeting.duration_seconds"),
        "{refused}"
    );

    let (status, location, body) = app
        .form(
            &s,
            &path,
            &[
                ("activity_type", "Meeting"),
                ("field", "Meeting.title"),
                ("op", "not contains"),
                ("value", "interview"),
            ],
        )
        .await;
    assert_eq!(status, 303, "{body}");
    assert_eq!(location, format!("/connectors/{id}?updated=1"));
    let (_, settings) = app.get(&format!("/connections/{id}/settings")).await;
    assert_eq!(
        settings["filters"],
        serde_json::json!(["Meeting.title not contains interview"])
    );
}

/// A finished webhook batch of `id` with one meeting, failed or created.
async fn webhook_batch(app: &crate::helpers::TestApp, id: i64, failed: bool) -> i64 {
    use gong_timeline_domain::JobStatus;
    use gong_timeline_store::{JobCounts, JobFinish};
    let now = Utc::now();
    let lease = Lease {
        owner: "t".into(),
        expires_at: now + chrono::Duration::minutes(5),
    };
    let job = app
        .store
        .try_start_job(ConnectionId::new(id), Trigger::Webhook, lease, now)
        .await
        .unwrap()
        .expect("a webhook batch");
    let counts = JobCounts {
        fetched: 1,
        created: u64::from(!failed),
        failed: u64::from(failed),
        ..JobCounts::default()
    };
    let finish = JobFinish {
        status: if failed {
            JobStatus::Failed
        } else {
            JobStatus::Success
        },
        counts,
        finished_at: Utc::now(),
        message: None,
        gong: None,
        fence: None,
    };
    app.store.finish_job(job, finish).await.unwrap();
    job.get()
}

#[tokio::test]
async fn item3_webhook_batches_of_an_hour_are_one_row_of_the_log_that_opens_to_each_batch() {
    // Arrange: a manual job, then four webhook batches (one failed) in a row.
    let app = spawn_app().await;
    let s = app.login().await;
    let id = app.basic_connection("acme").await;
    let manual = app.sync(id).await["id"].as_i64().unwrap();
    let mut batches = Vec::new();
    for failed in [false, true, false, false] {
        batches.push(webhook_batch(&app, id, failed).await);
    }
    // The four may straddle an hour: then they are two rows, counted together.
    let hours: std::collections::BTreeSet<_> = app
        .items("/jobs?trigger=webhook")
        .await
        .iter()
        .map(|j| j["started_at"].as_str().unwrap()[..13].to_string())
        .collect();

    // Act
    let (_, log) = app.page(&s, "/log").await;

    // Assert
    let groups = log.matches("<details class=\"webhook-batches\">").count();
    assert_eq!(groups, hours.len(), "one row per hour: {log}");
    if groups == 1 {
        assert!(
            log.contains("4 webhook batches, 4 meetings, 1 failed"),
            "{log}"
        );
    }
    assert_eq!(
        log.matches("<li class=\"job\"").count(),
        4,
        "each batch listed"
    );
    for job in &batches {
        assert!(log.contains(&format!("href=\"/log/jobs/{job}\"")), "{log}");
    }
    assert!(
        log.contains(&format!(
            "<td data-label=\"Job\"><a href=\"/log/jobs/{manual}\">{manual}</a></td><td data-label=\"Connection\">acme</td><td data-label=\"Trigger\">manual</td>"
        )),
        "the manual job keeps its own row, its cells labelled: {log}"
    );
}

#[tokio::test]
async fn item6_settings_that_no_longer_hold_stay_flagged_on_the_settings_and_connection_pages_until_fixed(
) {
    // Arrange: a filter on the numeric arr, saved.
    let app = spawn_app().await;
    let s = app.login().await;
    let id = app.basic_connection("acme").await;
    let settings = format!("/connections/{id}/settings");
    let put = |filters: serde_json::Value| {
        app.api(
            reqwest::Method::PUT,
            &settings,
            Some(serde_json::json!({ "filters": filters })),
        )
    };
    let (status, body) = put(serde_json::json!(["Company.arr > 5"])).await;
    assert_eq!(status, 200, "{body}");
    let pages = [
        format!("/connectors/{id}/settings"),
        format!("/connectors/{id}"),
    ];
    for path in &pages {
        let (_, page) = app.page(&s, path).await;
        assert!(!page.contains("settings-no-longer-hold"), "{path}: {page}");
    }

    // Act: an import declares arr text; the filter no longer holds.
    let (status, body) = app
        .import(
            "companies",
            "name,crm_account_id,arr:text\nArr Text,0013600000ArrTxtAA,n/a\n",
        )
        .await;
    assert_eq!(status, 200, "{body}");

    // Assert: both pages say so (twice: it stays), the settings page beside filter 1.
    for _ in 0..2 {
        for path in &pages {
            let (status, page) = app.page(&s, path).await;
            assert_eq!(status, 200, "{path}");
            assert!(
                page.contains("id=\"settings-no-longer-hold\"") && page.contains("filter 1"),
                "{path}: {page}"
            );
        }
    }
    let (_, settings_page) = app.page(&s, &pages[0]).await;
    assert!(
        settings_page.contains("id=\"filter-1-error\""),
        "{settings_page}"
    );
    let (_, connection_page) = app.page(&s, &pages[1]).await;
    assert!(
        connection_page.contains(&format!(
            "href=\"/connectors/{id}/settings\" id=\"fix-settings\""
        )),
        "{connection_page}"
    );

    // Fixed: the warning goes.
    let (status, body) = put(serde_json::json!(["Company.arr = n/a"])).await;
    assert_eq!(status, 200, "{body}");
    for path in &pages {
        let (_, page) = app.page(&s, path).await;
        assert!(!page.contains("settings-no-longer-hold"), "{path}: {page}");
    }
}
