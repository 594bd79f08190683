//! Day-two operations (#20): what is not on the Timeline and why (item 4), a running
//! job followed without a page reload (item 2), webhook batches that do not bury the
//! headline status (item 3), confirmations before revoking a token and making a new
//! webhook URL key (item 12), and error texts for people (item 13).

use chrono::Utc;
use gong_timeline_domain::{JobStatus, Trigger};
use gong_timeline_store::ConnectionId;
use gong_timeline_store::{JobCounts, JobFinish, Lease};
use serde_json::{json, Value};
use std::collections::BTreeSet;

use crate::helpers::{spawn_app, spawn_app_with, Options};

fn keys(v: &Value) -> BTreeSet<&str> {
    v.as_object()
        .unwrap_or_else(|| panic!("an object: {v}"))
        .keys()
        .map(String::as_str)
        .collect()
}

#[tokio::test]
async fn item4_meetings_not_on_the_timeline_by_reason_in_the_api_and_on_a_page_and_re_evaluated() {
    let app = spawn_app().await;
    let s = app.login().await;
    let id = app.basic_connection("acme").await;
    let (status, body) = app
        .api(
            reqwest::Method::PUT,
            &format!("/connections/{id}/settings"),
            Some(json!({"filters": ["Company.name = \"no such company\""]})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    app.wait_for_sync(id).await;

    let (status, groups) = app.get(&format!("/connections/{id}/pending")).await;
    assert_eq!(status, 200, "{groups}");
    let groups = groups.as_array().expect("the groups array").clone();
    let filtered = groups
        .iter()
        .find(|g| g["reason"] == "filtered_out")
        .unwrap_or_else(|| panic!("the filter skipped meetings: {groups:?}"));
    assert!(filtered["count"].as_u64().unwrap() > 0, "{filtered}");
    assert_eq!(
        keys(filtered),
        BTreeSet::from(["reason", "label", "count", "fix", "examples"])
    );
    assert_eq!(
        keys(&filtered["examples"][0]),
        BTreeSet::from(["gong_call_id", "title", "started", "message"])
    );
    let total: u64 = groups.iter().map(|g| g["count"].as_u64().unwrap()).sum();

    let (status, page) = app.page(&s, &format!("/connectors/{id}/pending")).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("id=\"pending-filtered-out\""), "{page}");
    assert!(page.contains(filtered["label"].as_str().unwrap()), "{page}");
    assert!(
        page.contains(&format!("href=\"/connectors/{id}/settings\"")),
        "the fix links to where it is made: {page}"
    );
    assert!(page.contains("id=\"reevaluate\""), "{page}");
    assert!(!page.contains("gong-timeline "), "no CLI advice: {page}");

    let (_, show) = app.page(&s, &format!("/connectors/{id}")).await;
    assert!(
        show.contains(&format!("{total} meetings not on the Timeline")),
        "the connection page links the count: {show}"
    );
    assert!(show.contains(&format!("href=\"/connectors/{id}/pending\"")));

    let (status, location, _) = app
        .form(&s, &format!("/connectors/{id}/reevaluate"), &[])
        .await;
    assert_eq!(
        (status, location.as_str()),
        (
            303,
            format!("/connectors/{id}/pending?reevaluate=started").as_str()
        )
    );
    let job = app.wait_for_sync(id).await;
    assert_eq!(job["trigger"], "reevaluate", "{job}");

    let (status, body) = app
        .post(&format!("/connections/{id}/reevaluate"), Value::Null)
        .await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(app.wait_for_sync(id).await["trigger"], "reevaluate");

    let (status, _) = app.get("/connections/999999/pending").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn item4_above_the_bound_the_connection_page_links_without_counting() {
    let app = spawn_app_with(Options {
        web: Some(std::sync::Arc::new(|web| web.pending_count_bound = 1)),
        ..Options::default()
    })
    .await;
    let s = app.login().await;
    let id = app.basic_connection("acme").await;
    let (status, body) = app
        .api(
            reqwest::Method::PUT,
            &format!("/connections/{id}/settings"),
            Some(json!({"filters": ["Company.name = \"no such company\""]})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    app.wait_for_sync(id).await;

    let (_, show) = app.page(&s, &format!("/connectors/{id}")).await;
    let link = show
        .split("id=\"pending-link\">")
        .nth(1)
        .and_then(|rest| rest.split("</a>").next())
        .unwrap_or_else(|| panic!("the link: {show}"));
    assert_eq!(link, "See meetings not on the Timeline");
    // The pending page itself still counts them all.
    let (status, page) = app.page(&s, &format!("/connectors/{id}/pending")).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("id=\"pending-filtered-out\""), "{page}");
}

#[tokio::test]
async fn item3_the_headline_is_the_last_sync_job_with_the_webhook_batches_since() {
    let app = spawn_app().await;
    let s = app.login().await;
    let id = app.basic_connection("acme").await;
    let manual = app.sync(id).await["id"].as_i64().unwrap();
    for _ in 0..3 {
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
        let finish = JobFinish {
            status: JobStatus::Failed,
            counts: JobCounts {
                fetched: 1,
                failed: 1,
                ..JobCounts::default()
            },
            finished_at: Utc::now(),
            message: None,
            gong: None,
            fence: None,
        };
        app.store.finish_job(job, finish).await.unwrap();
    }
    let (_, show) = app.page(&s, &format!("/connectors/{id}")).await;
    let (_, list) = app.page(&s, "/connectors").await;
    for (what, page) in [("connection page", &show), ("Connectors list", &list)] {
        assert!(
            page.contains(&format!("href=\"/log/jobs/{manual}\"")),
            "{what} heads with the manual job: {page}"
        );
        assert!(
            page.contains("3 webhook batches since, 3 meetings failed"),
            "{what}: {page}"
        );
        assert!(
            page.contains(&format!("/log?connection={id}&amp;trigger=webhook")),
            "{what} links the batches: {page}"
        );
    }
    assert!(
        show.contains("Meetings of the last 4 jobs"),
        "the chart's title says what it covers: {show}"
    );
}

#[tokio::test]
async fn item12_revoking_a_token_and_a_new_webhook_url_key_are_confirmed_first() {
    let app = spawn_app().await;
    let s = app.login().await;
    let (status, _, _) = app
        .form(&s, "/tokens", &[("name", "script"), ("scope", "read")])
        .await;
    assert_eq!(status, 200);
    let token = app
        .store
        .list_api_tokens()
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.name == "script")
        .unwrap();
    let (_, list) = app.page(&s, "/tokens").await;
    let confirm = format!("/tokens/{}/delete", token.id);
    assert!(
        list.contains(&format!("<a class=\"button danger\" href=\"{confirm}\"")),
        "Revoke leads to a confirmation: {list}"
    );
    let (status, page) = app.page(&s, &confirm).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("id=\"confirm-revoke\"") && page.contains("script"));
    assert!(
        app.store
            .list_api_tokens()
            .await
            .unwrap()
            .iter()
            .any(|t| t.id == token.id),
        "nothing revoked by looking"
    );
    let (status, _, _) = app.form(&s, &confirm, &[]).await;
    assert_eq!(status, 303);
    assert!(!app
        .store
        .list_api_tokens()
        .await
        .unwrap()
        .iter()
        .any(|t| t.id == token.id));

    let id = app.basic_connection("acme").await;
    let path = format!("/connections/{id}/webhook");
    let (status, made) = app.api(reqwest::Method::PUT, &path, Some(json!({}))).await;
    assert_eq!(status, 200, "{made}");
    let (_, show) = app.page(&s, &format!("/connectors/{id}")).await;
    let rotate = format!("/connectors/{id}/webhook/rotate");
    assert!(
        show.contains(&format!("href=\"{rotate}\"")),
        "New URL key leads to a confirmation: {show}"
    );
    let (status, page) = app.page(&s, &rotate).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("id=\"confirm-rotate\""), "{page}");
    assert!(page.contains(made["url"].as_str().unwrap()), "{page}");
    assert_eq!(
        app.get(&path).await.1["url"],
        made["url"],
        "not rotated yet"
    );
    let (status, _, _) = app
        .form(&s, &format!("/connectors/{id}/webhook"), &[("rotate", "1")])
        .await;
    assert_eq!(status, 303);
    assert_ne!(app.get(&path).await.1["url"], made["url"], "rotated");
}

#[tokio::test]
async fn item13_an_id_that_is_not_a_number_is_said_in_words_on_pages_and_in_the_api() {
    let app = spawn_app().await;
    let s = app.login().await;
    for (path, words) in [
        ("/log/jobs/abc", "Job id must be a number, not 'abc'"),
        ("/connectors/abc/pending", "Connection id must be a number"),
        ("/activities/x1", "Activity id must be a number"),
    ] {
        let (status, page) = app.page(&s, path).await;
        assert_eq!(status, 400, "{path}");
        assert!(page.contains(words), "{path}: {page}");
        assert!(!page.contains("Cannot parse"), "{path}: {page}");
    }
    let (status, body) = app.get("/jobs/abc").await;
    assert_eq!(status, 400);
    assert_eq!(
        body["error"]["message"], "Job id must be a number, not 'abc'",
        "{body}"
    );
}

#[tokio::test]
async fn item9_the_connector_form_defaults_the_base_url_says_url_errors_in_words_and_names_access_keys(
) {
    let app = spawn_app().await;
    let s = app.login().await;

    // The form: Gong's public API filled in, the key fields under "Access key only".
    let (status, page) = app.page(&s, "/connectors").await;
    assert_eq!(status, 200);
    assert!(
        page.contains("id=\"base-url\" value=\"https://api.gong.io\""),
        "{page}"
    );
    assert!(page.contains("https://us-12345.api.gong.io"), "{page}");
    let fieldset = page
        .find("id=\"access-key-fields\"")
        .expect("the access-key fieldset");
    let rest = &page[fieldset..];
    assert!(rest.contains("<legend>Access key only</legend>"), "{rest}");
    for field in [
        "id=\"base-url\"",
        "id=\"access-key\"",
        "id=\"access-key-secret\"",
    ] {
        let at = rest.find(field).expect(field);
        assert!(
            at < rest.find("</fieldset>").unwrap(),
            "{field} in the fieldset"
        );
    }
    let js = app
        .http
        .get(format!("{}/static/app.js", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        js.contains("access-key-fields"),
        "app.js hides them for OAuth"
    );

    // A URL the url crate cannot read, in words.
    let (status, _, body) = app
        .form(
            &s,
            "/connectors",
            &[
                ("name", "k"),
                ("kind", "basic"),
                ("base_url", "us-12345.api.gong.io"),
                ("access_key", "sim-access-key"),
                ("access_key_secret", "sim-secret"),
            ],
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body.contains("Enter a full URL starting with https://"),
        "{body}"
    );
    assert!(!body.contains("relative URL"), "{body}");
    let (status, refused) = app
        .post(
            "/connections",
            json!({"name": "k", "kind": "access_key", "base_url": "api.gong.io",
                "access_key": "a", "access_key_secret": "b"}),
        )
        .await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(refused["error"]["field"], "base_url", "{refused}");
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Enter a full URL starting with https://"),
        "{refused}"
    );

    // "Access key", never "Basic", on the list and the connection's page.
    let id = app.basic_connection("acme").await;
    let (_, list) = app.page(&s, "/connectors").await;
    assert!(
        list.contains("<td data-label=\"Type\">Access key</td>"),
        "{list}"
    );
    assert!(!list.contains(">Basic<"), "{list}");
    let (_, shown) = app.page(&s, &format!("/connectors/{id}")).await;
    assert!(
        shown.contains("id=\"connection-kind\">Access key<"),
        "{shown}"
    );
    assert!(!shown.contains("Basic"), "{shown}");
}
