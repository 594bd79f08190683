//! The design's plumbing: the stylesheet and script served as versioned files, the
//! viewport meta, no inline script or style, error pages inside the layout, and CSV
//! imports from the Imports page (all or nothing, every bad row listed).

use crate::helpers::{spawn_app, Session, TestApp};

/// A multipart upload of `csv` as `kind`, with or without the CSRF field.
async fn upload(app: &TestApp, s: &Session, kind: &str, csv: &str, csrf: bool) -> (u16, String) {
    let boundary = "gt-test-boundary";
    let mut body = String::new();
    if csrf {
        body += &format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{}\r\n",
            s.csrf
        );
    }
    body +=
        &format!("--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\n{kind}\r\n");
    body += &format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{kind}.csv\"\r\nContent-Type: text/csv\r\n\r\n{csv}\r\n--{boundary}--\r\n");
    let resp = app
        .http
        .post(format!("{}/imports", app.base))
        .header("cookie", &s.cookie)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

#[tokio::test]
async fn pages_use_the_served_stylesheet_and_script_and_no_inline_code() {
    let app = spawn_app().await;
    let s = app.login().await;
    let (status, body) = app.page(&s, "/connectors").await;
    assert_eq!(status, 200);
    assert!(
        body.contains(r#"<meta name="viewport" content="width=device-width, initial-scale=1">"#)
    );
    let css = body
        .split("href=\"/static/app.css?v=")
        .nth(1)
        .expect("stylesheet link");
    let version = &css[..12];
    assert!(
        !body.contains("<style") && !body.contains("style=\""),
        "no inline style"
    );
    assert!(!body.contains("<script>"), "no inline script");
    let resp = app
        .http
        .get(format!("{}/static/app.css?v={version}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/css"));
    assert!(resp.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("immutable"));
    assert!(resp
        .text()
        .await
        .unwrap()
        .contains("prefers-color-scheme: dark"));
    let js = app
        .http
        .get(format!("{}/static/app.js", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(js.status(), 200);
}

#[tokio::test]
async fn an_error_page_has_the_navigation_and_a_way_back() {
    let app = spawn_app().await;
    let s = app.login().await;
    for path in ["/no-such-page", "/connectors/9999"] {
        let (status, body) = app.page(&s, path).await;
        assert_eq!(status, 404, "{path}");
        assert!(body.contains("id=\"error\""), "{path}");
        assert!(
            body.contains("<nav aria-label=\"Main\">") && body.contains("href=\"/log\""),
            "{path}"
        );
        assert!(body.contains("Back to Connectors"), "{path}");
    }
}

#[tokio::test]
async fn an_import_with_bad_rows_lists_each_and_stores_nothing() {
    let app = spawn_app().await;
    let s = app.login().await;
    let before = app.store.list_companies().await.unwrap().len();
    let csv = "name,crm_account_id\nFresh Co,\n,0015\nFresh Co,\n";
    let (status, body) = upload(&app, &s, "companies", csv, true).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("2 bad rows"), "{body}");
    assert!(
        body.contains("data-row=\"3\"") && body.contains("data-row=\"4\""),
        "{body}"
    );
    assert!(
        body.contains("the name is empty") && body.contains("also on row 2"),
        "{body}"
    );
    assert_eq!(
        app.store.list_companies().await.unwrap().len(),
        before,
        "nothing stored"
    );

    let (status, body) = upload(
        &app,
        &s,
        "companies",
        "name,crm_account_id,tier\nFresh Co,,gold\n",
        true,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("1 added, 0 updated"), "{body}");
    assert_eq!(app.store.list_companies().await.unwrap().len(), before + 1);

    // A person's unknown company is a check of the store: the same listing.
    let (status, body) = upload(
        &app,
        &s,
        "persons",
        "email,name,company\na@x.io,A,Nobody Inc\n",
        true,
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body.contains("data-row=\"2\"") && body.contains("Nobody Inc"),
        "{body}"
    );

    let (status, _) = upload(&app, &s, "companies", "name\nSneaky\n", false).await;
    assert_eq!(status, 403, "an upload without the CSRF token is refused");
}

#[tokio::test]
async fn a_running_sync_shows_a_progress_bar_that_moves() {
    let app = crate::helpers::spawn_app_with(crate::helpers::Options {
        calls: 300,
        ..Default::default()
    })
    .await;
    let s = app.login().await;
    let id = app.basic_connection("slow").await;
    app.sim
        .controls()
        .set_latency(std::time::Duration::from_millis(150));
    let (status, _, _) = app.form(&s, &format!("/connectors/{id}/sync"), &[]).await;
    assert_eq!(status, 303);
    let mut seen = Vec::new();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let (_, body) = app.page(&s, &format!("/connectors/{id}")).await;
        if let Some(bar) = body.split("<progress id=\"sync-progress\"").nth(1) {
            assert!(
                !body.contains("http-equiv=\"refresh\""),
                "no reload that would erase typing"
            );
            assert!(
                body.contains(&format!("data-follow=\"/connectors/{id}/sync-status\"")),
                "the script follows the job: {body}"
            );
            let (_, fragment) = app.page(&s, &format!("/connectors/{id}/sync-status")).await;
            let fragment: serde_json::Value = serde_json::from_str(&fragment).unwrap();
            if fragment["running"] == true {
                assert!(
                    fragment["html"].as_str().unwrap().contains("Running"),
                    "{fragment}"
                );
            }
            let attr = |name: &str| {
                bar.split(&format!("{name}=\""))
                    .nth(1)
                    .and_then(|v| v.split('"').next())
                    .and_then(|v| v.parse::<u64>().ok())
            };
            if let (Some(value), Some(max)) = (attr("value"), attr("max")) {
                assert!(value <= max, "{value} of {max}");
                if seen.last() != Some(&value) {
                    seen.push(value);
                }
            }
        } else if !seen.is_empty() || tokio::time::Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(40)).await;
    }
    assert!(
        seen.len() >= 2,
        "a progress bar was shown and moved: {seen:?}"
    );
    assert!(
        seen.windows(2).all(|w| w[0] < w[1]),
        "it only moves forward: {seen:?}"
    );
    app.sim.controls().set_latency(std::time::Duration::ZERO);
    let job = app.wait_for_sync(id).await;
    let (_, fragment) = app.page(&s, &format!("/connectors/{id}/sync-status")).await;
    let fragment: serde_json::Value = serde_json::from_str(&fragment).unwrap();
    assert_eq!(fragment["running"], false, "{fragment}");
    assert!(
        fragment["html"]
            .as_str()
            .unwrap()
            .contains(&format!("href=\"/log/jobs/{}\"", job["id"])),
        "the finished job: {fragment}"
    );
    let (_, body) = app.page(&s, &format!("/connectors/{id}")).await;
    assert!(!body.contains("data-follow"), "nothing to follow: {body}");
}

/// A CSV of `rows` companies, each row 256 bytes.
fn big_companies_csv(rows: usize) -> String {
    let filler = "x".repeat(256 - 40);
    let mut csv = String::from("name,crm_account_id,notes\n");
    for i in 0..rows {
        csv += &format!("Upload Test Company {i:08},,{filler}\n");
    }
    csv
}

#[tokio::test]
async fn one_upload_limit_of_16_mb_for_the_imports_page_and_the_api_named_when_exceeded() {
    let app = spawn_app().await;
    let s = app.login().await;
    // 3 MB: over axum's 2 MB default, which the page refused as a missing CSRF token.
    let (status, body) = upload(&app, &s, "companies", &big_companies_csv(12_000), true).await;
    assert_eq!(
        status,
        200,
        "a 3 MB upload is taken: {}",
        &body[..body.len().min(400)]
    );
    let (status, json) = app.import("companies", &big_companies_csv(12_000)).await;
    assert_eq!(status, 200, "the API takes a 3 MB file: {json}");

    // 17 MB: over the limit, on both, with a message naming it; nothing stored.
    let before = app.store.list_companies().await.unwrap().len();
    let huge = big_companies_csv(70_000);
    assert!(huge.len() > 16 << 20);
    let (status, body) = upload(&app, &s, "companies", &huge, true).await;
    assert_eq!(status, 413);
    assert!(body.contains("larger than 16 MB"), "{body}");
    assert!(!body.contains("CSRF"), "{body}");
    let (status, json) = app.import("companies", &huge).await;
    assert_eq!(status, 413, "{json}");
    assert_eq!(json["error"]["code"], "too_large", "{json}");
    assert!(
        json["error"]["message"]
            .as_str()
            .unwrap()
            .contains("larger than 16 MB"),
        "{json}"
    );
    assert_eq!(app.store.list_companies().await.unwrap().len(), before);
}
