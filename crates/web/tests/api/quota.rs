//! Gong's quota (Q1, Q3, Q4) through the API, the pages and `/metrics`, checked
//! against the simulator's own count of the requests it served.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use chrono::Utc;
use serde_json::{json, Value};

use crate::helpers::{spawn_app, spawn_app_with, wait_until, Options, TestApp};

/// The simulator's `/v2` requests per endpoint (`POST /v2/calls/extensive` → `/v2/calls/extensive`).
fn sim_per_endpoint(app: &TestApp) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for (key, n) in app.sim.controls().stats().per_path {
        if let Some((_, path)) = key.split_once(' ').filter(|(_, p)| p.starts_with("/v2/")) {
            *out.entry(path.to_string()).or_default() += n;
        }
    }
    out
}

/// The usage report's requests per endpoint, over every day and purpose.
fn usage_per_endpoint(usage: &Value) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for row in usage["days"].as_array().expect("days") {
        *out.entry(row["endpoint"].as_str().unwrap().to_string())
            .or_default() += row["requests"].as_u64().unwrap();
    }
    out
}

/// The keys of `value` are exactly the documented schema's `properties`.
fn assert_documented(value: &Value, schema: &str) {
    let doc = gong_timeline_web::api::openapi::document();
    let documented: BTreeSet<&String> = doc["components"]["schemas"][schema]["properties"]
        .as_object()
        .unwrap_or_else(|| panic!("schema {schema}"))
        .keys()
        .collect();
    let keys: BTreeSet<&String> = value.as_object().expect("object").keys().collect();
    assert_eq!(keys, documented, "{schema}: {value}");
}

#[tokio::test]
async fn q4_usage_after_a_sync_equals_the_simulators_own_count_per_endpoint() {
    // Arrange: a connection; what it spent being set up is counted apart.
    let app = spawn_app().await;
    let id = app.basic_connection("acme").await;
    let path = format!("/connections/{id}/usage");
    let (_, before) = app.get(&path).await;
    let before = usage_per_endpoint(&before);
    app.sim.controls().reset_stats();

    // Act
    let job = app.sync(id).await;
    assert_ne!(job["status"], "Failed", "{job}");
    let served = sim_per_endpoint(&app);
    let spent = || async {
        let (status, usage) = app.get(&path).await;
        assert_eq!(status, 200, "{usage}");
        let mut after = usage_per_endpoint(&usage);
        for (endpoint, n) in &before {
            *after.entry(endpoint.clone()).or_default() -= n;
        }
        after.retain(|_, n| *n > 0);
        (after, usage)
    };
    // The counts reach the store when the job ends; wait for them with a bound.
    wait_until(
        Duration::from_secs(10),
        "the counts to be stored",
        || async { spent().await.0 == served },
    )
    .await;

    // Assert
    let (after, usage) = spent().await;
    assert!(served.contains_key("/v2/calls/extensive"), "{served:?}");
    assert_eq!(after, served, "usage per endpoint = the simulator's count");
    assert_documented(&usage, "Usage");
    assert_eq!(usage["connection"], "acme");
    assert_eq!(usage["daily_budget"], 5000);
    assert_eq!(usage["share_percent"], 50.0);
    let total: u64 = usage_per_endpoint(&usage).values().sum();
    assert_eq!(usage["used_24h"], total, "{usage}");
    assert_eq!(usage["left"], 5000 - total, "{usage}");
    let lanes: Vec<&str> = usage["lanes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["lane"].as_str().unwrap())
        .collect();
    assert_eq!(lanes, ["first", "incremental", "checks", "history"]);
    assert!(usage["lanes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|l| l["paused_until"].is_null()));
    let purposes: BTreeSet<&str> = usage["days"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["purpose"].as_str().unwrap())
        .collect();
    assert!(purposes.contains("users"), "{purposes:?}");

    // Days out of range name the parameter; an unknown connection is the one 404.
    for bad in ["0", "401", "ten"] {
        let (status, body) = app.get(&format!("{path}?days={bad}")).await;
        assert_eq!(status, 400, "days={bad}: {body}");
    }
    let (status, body) = app.get(&format!("{path}?days=0")).await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (400, Some("days"))
    );
    let (status, body) = app.get("/connections/999999/usage").await;
    assert_eq!(status, 404, "{body}");
    assert_eq!(body["error"]["message"], "connection 999999 does not exist");
}

#[tokio::test]
async fn q1_the_budget_round_trips_and_a_refused_value_stores_nothing() {
    let app = spawn_app().await;
    let id = app.basic_connection("acme").await;
    let path = format!("/connections/{id}/quota");
    let put = |body: Value| app.api(reqwest::Method::PUT, &path, Some(body));

    let (status, defaults) = app.get(&path).await;
    assert_eq!(status, 200, "{defaults}");
    assert_eq!(
        defaults,
        json!({"daily_budget": 5000, "requests_per_second": 3.0})
    );
    assert_documented(&defaults, "Quota");

    let (status, saved) = put(json!({"daily_budget": 2000, "requests_per_second": 2.5})).await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(
        saved,
        json!({"daily_budget": 2000, "requests_per_second": 2.5})
    );
    let (status, partial) = put(json!({"requests_per_second": 1})).await;
    assert_eq!(status, 200, "{partial}");
    assert_eq!(
        partial,
        json!({"daily_budget": 2000, "requests_per_second": 1.0}),
        "a missing field keeps its value"
    );

    for (body, field) in [
        (json!({"daily_budget": 0}), "daily_budget"),
        (
            json!({"daily_budget": -3, "requests_per_second": 2}),
            "daily_budget",
        ),
        (json!({"daily_budget": "many"}), "daily_budget"),
        (
            json!({"daily_budget": 3000, "requests_per_second": 0}),
            "requests_per_second",
        ),
        (json!({"requests_per_second": 5000}), "requests_per_second"),
    ] {
        let (status, refused) = put(body.clone()).await;
        assert_eq!(
            (status, refused["error"]["field"].as_str()),
            (422, Some(field)),
            "{body}: {refused}"
        );
        assert_eq!(refused["error"]["code"], "invalid");
        let message = refused["error"]["message"].as_str().unwrap();
        assert!(message.contains("Nothing was saved"), "{message}");
    }
    let (_, kept) = app.get(&path).await;
    assert_eq!(
        kept,
        json!({"daily_budget": 2000, "requests_per_second": 1.0}),
        "nothing stored by a refused change"
    );
    let (_, usage) = app.get(&format!("/connections/{id}/usage")).await;
    assert_eq!(usage["daily_budget"], 2000);
    assert_eq!(usage["share_percent"], 20.0);

    let (status, _) = app.get("/connections/999999/quota").await;
    assert_eq!(status, 404);
    let (status, _) = app
        .api(
            reqwest::Method::PUT,
            "/connections/999999/quota",
            Some(json!({"daily_budget": 10})),
        )
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn q3_the_estimate_is_gongs_count_of_the_window_from_one_request() {
    // Arrange: enough calls for several pages.
    let app = spawn_app_with(Options {
        calls: 250,
        ..Options::default()
    })
    .await;
    let id = app.basic_connection("acme").await;
    let now = Utc::now();
    let from = (now - chrono::Duration::days(30)).date_naive();
    let from_start = from.and_hms_opt(0, 0, 0).unwrap().and_utc();
    let data = app.sim.dataset();
    let in_window = data.initial_count() - data.first_at_or_after(from_start);
    app.sim.controls().reset_stats();

    // Act
    let (status, estimate) = app
        .get(&format!("/connections/{id}/resync-estimate?from={from}"))
        .await;

    // Assert
    assert_eq!(status, 200, "{estimate}");
    assert_documented(&estimate, "Estimate");
    assert!(in_window > 100, "several pages: {in_window}");
    assert_eq!(estimate["calls"], in_window, "Gong's total: {estimate}");
    assert_eq!(
        estimate["requests"],
        in_window.div_ceil(100) + 1,
        "{estimate}"
    );
    assert!(estimate["days"].as_f64().unwrap() > 0.0, "{estimate}");
    let finishes: chrono::DateTime<Utc> =
        estimate["finishes_at"].as_str().unwrap().parse().unwrap();
    assert!(finishes >= now, "{estimate}");
    let served = app.sim.controls().stats();
    assert_eq!(served.api_requests, 1, "one request: {:?}", served.per_path);
    let (_, jobs) = app.get(&format!("/jobs?connection_id={id}")).await;
    assert_eq!(jobs["total"], 0, "nothing started: {jobs}");

    // The re-sync's own date rules; an unknown connection is the one 404.
    let path = format!("/connections/{id}/resync-estimate");
    let (status, body) = app.get(&format!("{path}?from=last%20week")).await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (422, Some("from"))
    );
    assert!(body.to_string().contains("is not a date"), "{body}");
    let next_year = (now + chrono::Duration::days(365)).date_naive();
    let (status, body) = app.get(&format!("{path}?from={next_year}")).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.to_string().contains("is after today"), "{body}");
    let (status, body) = app.get(&path).await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (400, Some("from"))
    );
    let (status, _) = app
        .get(&format!("/connections/999999/resync-estimate?from={from}"))
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn q4_metrics_show_each_connections_requests_by_purpose_and_its_budget() {
    let app = spawn_app().await;
    let id = app.basic_connection("acme").await;
    app.sync(id).await;
    let (status, _) = app
        .api(
            reqwest::Method::PUT,
            &format!("/connections/{id}/quota"),
            Some(json!({"daily_budget": 4000})),
        )
        .await;
    assert_eq!(status, 200);
    let (_, usage) = app.get(&format!("/connections/{id}/usage")).await;
    let used = usage["used_24h"].as_u64().unwrap();
    assert!(used > 0, "{usage}");

    let metrics = app
        .http
        .get(format!("{}/metrics", app.base))
        .bearer_auth(&app.token)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();

    for family in [
        "gong_timeline_gong_requests_24h",
        "gong_timeline_gong_budget_daily",
        "gong_timeline_gong_budget_left",
    ] {
        assert!(
            metrics.contains(&format!("# HELP {family} ")),
            "{family}: {metrics}"
        );
        assert!(
            metrics.contains(&format!("# TYPE {family} gauge\n")),
            "{family}: {metrics}"
        );
    }
    assert!(metrics.contains("gong_timeline_gong_budget_daily{connection=\"acme\"} 4000\n"));
    assert!(metrics.contains(&format!(
        "gong_timeline_gong_budget_left{{connection=\"acme\"}} {}\n",
        4000 - used
    )));
    let by_purpose: u64 = metrics
        .lines()
        .filter(|l| l.starts_with("gong_timeline_gong_requests_24h{connection=\"acme\""))
        .map(|l| l.rsplit(' ').next().unwrap().parse::<u64>().unwrap())
        .sum();
    assert_eq!(by_purpose, used, "{metrics}");
    let users = metrics
        .lines()
        .find(|l| {
            l.starts_with("gong_timeline_gong_requests_24h{connection=\"acme\",purpose=\"users\"}")
        })
        .expect("users line");
    assert!(!users.ends_with(" 0"), "{users}");
    assert!(metrics
        .contains("gong_timeline_gong_requests_24h{connection=\"acme\",purpose=\"backfill\"}"));
}

#[tokio::test]
async fn q4_the_usage_page_shows_the_budget_lanes_chart_and_gongs_columns() {
    let app = spawn_app().await;
    let s = app.login().await;
    let id = app.basic_connection("acme").await;
    app.sync(id).await;
    let (_, usage) = app.get(&format!("/connections/{id}/usage")).await;
    let first = &usage["days"][0];

    let (status, connection) = app.page(&s, &format!("/connectors/{id}")).await;
    assert_eq!(status, 200);
    assert!(
        connection.contains(&format!("href=\"/connectors/{id}/usage\"")),
        "linked from the connection: {connection}"
    );
    let (status, page) = app.page(&s, &format!("/connectors/{id}/usage")).await;

    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("5,000 of Gong&#39;s 10,000 requests a day (50 %), 3 per second")
            || page.contains("5,000 of Gong's 10,000 requests a day (50 %), 3 per second"),
        "{page}"
    );
    assert!(page.contains("id=\"used-24h\""), "{page}");
    assert!(page.contains("Backfill and re-syncs"), "{page}");
    assert!(page.contains("Spending"), "{page}");
    for header in ["Date (UTC)", "Purpose", "Endpoint", "Requests"] {
        assert!(
            page.contains(&format!("scope=\"col\">{header}</th>")),
            "{header}: {page}"
        );
    }
    let row = format!(
        "<td data-label=\"Date (UTC)\">{}</td><td data-label=\"Purpose\">{}</td><td data-label=\"Endpoint\"><code>{}</code></td><td class=\"num\" data-label=\"Requests\">{}</td>",
        first["day"].as_str().unwrap(),
        purpose_label(first["purpose"].as_str().unwrap()),
        first["endpoint"].as_str().unwrap(),
        first["requests"]
    );
    assert!(page.contains(&row), "{row} in {page}");
    let figure = page
        .split("<figure class=\"chart\" id=\"gong-usage-chart\">")
        .nth(1)
        .unwrap_or_else(|| panic!("no usage chart: {page}"));
    assert!(figure.contains("role=\"img\"") && figure.contains("<figcaption"));
    assert!(
        figure.contains("<table class=\"chart-table\">"),
        "a text alternative"
    );
    assert!(page.contains("name=\"csrf\""), "the form carries CSRF");
}

/// The page's label of a purpose.
fn purpose_label(purpose: &str) -> &'static str {
    let p: gong_timeline_domain::quota::Purpose = purpose.parse().unwrap();
    p.label()
}

#[tokio::test]
async fn q1_the_budget_form_saves_and_a_refused_value_shows_beside_its_box_with_what_was_typed() {
    let app = spawn_app().await;
    let s = app.login().await;
    let id = app.basic_connection("acme").await;
    let path = format!("/connectors/{id}/quota");

    let (status, _, body) = app
        .form(
            &s,
            &path,
            &[("daily_budget", "12abc"), ("requests_per_second", "2")],
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("id=\"quota-daily-budget-error\""), "{body}");
    assert!(
        body.contains("value=\"12abc\""),
        "the value is kept: {body}"
    );
    assert!(body.contains("Nothing was saved"), "{body}");
    let (_, kept) = app.get(&format!("/connections/{id}/quota")).await;
    assert_eq!(kept["daily_budget"], 5000);

    let (status, location, _) = app
        .form(
            &s,
            &path,
            &[("daily_budget", "2,500"), ("requests_per_second", "1.5")],
        )
        .await;
    assert_eq!(
        (status, location.as_str()),
        (303, format!("/connectors/{id}/usage?saved=1").as_str())
    );
    let (_, saved) = app.get(&format!("/connections/{id}/quota")).await;
    assert_eq!(
        saved,
        json!({"daily_budget": 2500, "requests_per_second": 1.5})
    );
    let (_, page) = app.page(&s, &location).await;
    assert!(page.contains("id=\"quota-saved\""), "{page}");

    // Without the CSRF token nothing changes.
    let resp = app
        .http
        .post(format!("{}{path}", app.base))
        .header("cookie", &s.cookie)
        .form(&[("daily_budget", "10")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 403);
    let (_, unchanged) = app.get(&format!("/connections/{id}/quota")).await;
    assert_eq!(unchanged["daily_budget"], 2500);
}

#[tokio::test]
async fn q3_the_connection_page_shows_the_estimate_before_the_re_sync_starts() {
    let app = spawn_app().await;
    let s = app.login().await;
    let id = app.basic_connection("acme").await;
    let (_, page) = app.page(&s, &format!("/connectors/{id}")).await;
    assert!(page.contains("id=\"resync-estimate\""), "{page}");
    let from = (Utc::now() - chrono::Duration::days(20))
        .date_naive()
        .to_string();

    let (status, _, estimate) = app
        .form(
            &s,
            &format!("/connectors/{id}/resync/estimate"),
            &[("from", &from)],
        )
        .await;

    assert_eq!(status, 200, "{estimate}");
    for id in [
        "estimate-calls",
        "estimate-requests",
        "estimate-days",
        "estimate-finish",
    ] {
        assert!(
            estimate.contains(&format!("id=\"{id}\"")),
            "{id}: {estimate}"
        );
    }
    let (_, jobs) = app.get(&format!("/jobs?connection_id={id}")).await;
    assert_eq!(jobs["total"], 0, "nothing started before the confirmation");
    assert!(
        estimate.contains(&format!("name=\"from\" value=\"{from}\"")),
        "{estimate}"
    );
    assert!(estimate.contains("id=\"confirm-resync\""), "{estimate}");

    let (status, location, _) = app
        .form(&s, &format!("/connectors/{id}/resync"), &[("from", &from)])
        .await;
    assert_eq!(
        (status, location.as_str()),
        (303, format!("/connectors/{id}?sync=started").as_str())
    );
    let job = app.wait_for_sync(id).await;
    assert_eq!(job["trigger"], "resync", "{job}");

    let (status, _, body) = app
        .form(
            &s,
            &format!("/connectors/{id}/resync/estimate"),
            &[("from", "soon")],
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("is not a date"), "{body}");
}
