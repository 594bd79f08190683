//! What a job leaves behind for later visits: its Gong requests and 429s (the job
//! JSON, its OpenAPI schema, the connection page's chart) and its .xlsx links (the
//! job page lists them until they expire).

use std::collections::BTreeSet;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use serde_json::{json, Value};

use crate::helpers::{spawn_app, spawn_app_with, Options};

/// The simulator's request counters, read from `/_sim/stats`.
async fn sim_stats(base: &str) -> Value {
    reqwest::get(format!("{base}/_sim/stats"))
        .await
        .expect("stats")
        .json()
        .await
        .expect("stats JSON")
}

#[tokio::test]
async fn a_job_keeps_the_gong_requests_and_429s_the_simulator_served_and_the_connection_page_charts_them(
) {
    // Arrange: a connection; the simulator answers the job's first request with a 429.
    let app = spawn_app().await;
    let s = app.login().await;
    let id = app.basic_connection("acme").await;
    let sim = app.sim.base_url();
    let reset = reqwest::Client::new()
        .post(format!("{sim}/_sim/stats/reset"))
        .send()
        .await
        .unwrap();
    assert!(reset.status().is_success());
    app.sim.controls().fail_next(1, 429);

    // Act
    let job = app.sync(id).await;

    // Assert: the job's numbers are the simulator's.
    let served = sim_stats(&sim).await;
    let requests = served["api_requests"].as_u64().expect("api_requests");
    assert!(requests > 1, "{served}");
    assert_eq!(served["rate_limited"], 1, "{served}");
    let job_id = job["id"].as_i64().unwrap();
    let (status, shown) = app.get(&format!("/jobs/{job_id}")).await;
    assert_eq!(status, 200);
    assert_eq!(
        (&shown["gong_requests"], &shown["gong_rate_limited"]),
        (&json!(requests), &json!(1)),
        "{shown}"
    );
    // The API's job has exactly the fields its OpenAPI schema documents.
    let doc = gong_timeline_web::api::openapi::document();
    let documented: BTreeSet<&String> = doc["components"]["schemas"]["Job"]["properties"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    let served_keys: BTreeSet<&String> = shown.as_object().unwrap().keys().collect();
    assert_eq!(served_keys, documented);

    // The connection page draws them, with the numbers in the table behind the chart.
    let (status, page) = app.page(&s, &format!("/connectors/{id}")).await;
    assert_eq!(status, 200);
    let figure = page
        .split("<figure class=\"chart\" id=\"connection-gong-requests\">")
        .nth(1)
        .and_then(|rest| rest.split("</figure>").next())
        .unwrap_or_else(|| panic!("no Gong requests chart: {page}"));
    assert!(figure.contains("<figcaption id=\"connection-gong-requests-title\">Gong requests and 429s of the recent jobs</figcaption>"));
    assert!(figure.contains("role=\"img\""));
    let row = format!(
        "<tr><th scope=\"row\">#{job_id}</th><td class=\"num\" data-label=\"Answered\">{}</td><td class=\"num\" data-label=\"429 Too Many Requests\">1</td><td class=\"num\" data-label=\"Requests\">{requests}</td></tr>",
        requests - 1
    );
    assert!(figure.contains(&row), "{row} in {figure}");
}

/// The `export` token of the job page a UI export redirected to.
fn token_of(location: &str) -> String {
    url::Url::parse(&format!("http://x{location}"))
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "export")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| panic!("no export token in {location}"))
}

#[tokio::test]
async fn the_job_page_lists_its_download_links_on_later_visits_until_they_expire() {
    // Arrange: a job and two downloads of it, a day apart (sessions outlive the
    // clock's jumps).
    let app = spawn_app_with(Options {
        web: Some(Arc::new(|web| web.session_ttl = chrono::Duration::days(60))),
        ..Options::default()
    })
    .await;
    let s = app.login().await;
    let id = app.basic_connection("acme").await;
    let job = app.sync(id).await["id"].as_i64().unwrap();
    let path = format!("/log/jobs/{job}");
    let (status, location, _) = app
        .form(&s, &format!("{path}/export"), &[("status", "Failed")])
        .await;
    assert_eq!(status, 303, "{location}");
    let first = token_of(&location);
    app.clock_offset.store(86_400, Ordering::SeqCst);
    let (_, location, _) = app.form(&s, &format!("{path}/export"), &[]).await;
    let second = token_of(&location);

    // Act: a later visit, with nothing in the URL about a download.
    let (status, page) = app.page(&s, &path).await;

    // Assert: both links are listed, newest first, each with its expiry.
    assert_eq!(status, 200);
    let list = page
        .split("<ul class=\"downloads\" id=\"downloads\"")
        .nth(1)
        .and_then(|rest| rest.split("</ul>").next())
        .unwrap_or_else(|| panic!("no list of downloads: {page}"));
    let at = |token: &str| {
        list.find(&format!("href=\"/exports/{token}\""))
            .unwrap_or_else(|| panic!("{token} is not listed: {list}"))
    };
    assert!(at(&second) < at(&first), "newest first: {list}");
    assert_eq!(list.matches("works until ").count(), 2, "{list}");
    assert!(
        !page.contains("data-autodownload"),
        "a later visit downloads nothing"
    );
    let listed = app
        .http
        .get(format!("{}/exports/{first}", app.base))
        .header("cookie", &s.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.status().as_u16(), 200, "a listed link downloads");

    // 30 days after the first download its link is no longer listed; then neither is.
    app.clock_offset.store(30 * 86_400 + 60, Ordering::SeqCst);
    let (_, page) = app.page(&s, &path).await;
    assert!(
        page.contains(&format!("href=\"/exports/{second}\"")),
        "{page}"
    );
    assert!(
        !page.contains(&format!("/exports/{first}")),
        "expired: {page}"
    );
    app.clock_offset.store(31 * 86_400 + 60, Ordering::SeqCst);
    let (_, page) = app.page(&s, &path).await;
    assert!(!page.contains("id=\"downloads\""), "{page}");
    assert!(!page.contains("/exports/"), "no expired link is listed");
    // The redirect a download left in the history: it says the link expired.
    let (status, page) = app.page(&s, &format!("{path}?export={first}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("This download link expired"), "{page}");
    assert!(!page.contains("data-autodownload"), "{page}");
}
