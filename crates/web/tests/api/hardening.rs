//! Hardening, round 3 (issue #19): one request must never take the server down.

use gong_timeline_store::ConnectionId;
use std::sync::Arc;
use std::time::Duration;

use gong_timeline_store::Settings;
use gong_timeline_web::WebConfig;
use serde_json::{json, Value};

use crate::helpers::{cookies, hidden, spawn_app, spawn_app_with, wait_until, Options, TestApp};

#[tokio::test]
async fn sec1_a_100000_term_filter_logic_gets_422_naming_the_limit_and_the_server_keeps_answering()
{
    // Arrange
    let app = spawn_app().await;
    let id = app.basic_connection("acme").await;
    let logic = vec!["1"; 100_000].join(" AND ");

    // Act
    let (status, body) = app
        .post(
            &format!("/connections/{id}/settings/preview"),
            json!({"filters": ["Company.name is not empty"], "filter_logic": logic}),
        )
        .await;

    // Assert
    assert_eq!(status, 422, "{body}");
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("at most 2000"), "{body}");
    let health = app.http.get(format!("{}/healthz", app.base)).send().await;
    assert!(health.is_ok_and(|r| r.status().is_success()));
}

#[tokio::test]
async fn sec1_a_stored_logic_that_no_longer_validates_fails_its_job_not_the_process() {
    // Arrange: an over-long logic planted in the database, past every validation.
    let app = spawn_app().await;
    let id = app.basic_connection("acme").await;
    let settings = Settings {
        filters: vec!["Company.name is not empty".into()],
        filter_logic: Some(vec!["1"; 80_000].join(" OR ")),
        ..Settings::default()
    };
    app.store
        .put_settings(ConnectionId::new(id), &settings)
        .await
        .expect("planted");

    // Act
    let (status, body) = app
        .post(&format!("/connections/{id}/sync"), Value::Null)
        .await;
    assert_eq!(status, 202, "{body}");
    let job = app.wait_for_sync(id).await;

    // Assert
    assert_eq!(job["status"], "Failed", "{job}");
    assert!(
        job.to_string()
            .contains("the filter logic is 399996 characters long: at most 2000"),
        "{job}"
    );
    wait_until(Duration::from_secs(5), "/healthz to answer", || async {
        let health = app.http.get(format!("{}/healthz", app.base)).send().await;
        health.is_ok_and(|r| r.status().is_success())
    })
    .await;
}

/// The log-in form's cookie and CSRF token.
async fn login_form(app: &TestApp) -> (String, String) {
    let resp = app
        .http
        .get(format!("{}/login", app.base))
        .send()
        .await
        .unwrap();
    let cookie = cookies(&resp);
    let html = resp.text().await.unwrap();
    (cookie, hidden(&html, "csrf"))
}

/// `n` log-ins with a wrong password sent at once (forms fetched first): each
/// answer's status and body.
async fn parallel_log_ins(
    app: &TestApp,
    n: usize,
    username: impl Fn(usize) -> String,
) -> Vec<(u16, String)> {
    let mut forms = Vec::new();
    for i in 0..n {
        forms.push((username(i), login_form(app).await));
    }
    let mut set = tokio::task::JoinSet::new();
    for (user, (cookie, csrf)) in forms {
        let (http, url) = (app.http.clone(), format!("{}/login", app.base));
        set.spawn(async move {
            let resp = http
                .post(url)
                .header("cookie", cookie)
                .form(&[
                    ("username", user.as_str()),
                    ("password", "wrong password"),
                    ("csrf", csrf.as_str()),
                    ("next", "/"),
                ])
                .send()
                .await
                .unwrap();
            (
                resp.status().as_u16(),
                resp.text().await.unwrap_or_default(),
            )
        });
    }
    set.join_all().await
}

#[tokio::test]
async fn sec2_forty_parallel_wrong_log_ins_get_no_more_tries_than_serial_ones() {
    let app = spawn_app().await;

    let answers = parallel_log_ins(&app, 40, |_| "admin".to_string()).await;

    // Let through: checked (401) or waiting too long for a password check (503).
    let statuses: Vec<u16> = answers.iter().map(|(s, _)| *s).collect();
    let through = statuses.iter().filter(|s| **s == 401 || **s == 503).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(through, 6, "the serial limit: {statuses:?}");
    assert_eq!(refused, 34, "{statuses:?}");
}

#[tokio::test]
async fn sec2_log_ins_beyond_the_concurrent_password_checks_get_503_saying_why() {
    let app = spawn_app_with(Options {
        web: Some(Arc::new(|c: &mut WebConfig| {
            c.login_throttle.concurrent_checks = 1;
            c.login_throttle.check_wait = Duration::from_millis(1);
        })),
        ..Options::default()
    })
    .await;

    let answers = parallel_log_ins(&app, 12, |i| format!("user{i}")).await;

    let statuses: Vec<u16> = answers.iter().map(|(s, _)| *s).collect();
    let busy: Vec<_> = answers.iter().filter(|(s, _)| *s == 503).collect();
    assert!(!busy.is_empty(), "{statuses:?}");
    assert!(
        busy[0]
            .1
            .contains("The server is busy checking other log-ins"),
        "{}",
        busy[0].1
    );
    assert!(
        statuses.iter().all(|s| *s == 401 || *s == 503),
        "{statuses:?}"
    );
}

#[tokio::test]
async fn an_oauth_token_answer_over_1_mib_is_refused_naming_the_limit() {
    // A token endpoint that answers 200 with a 10 MB body.
    let huge = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let huge_url = format!("http://{}", huge.local_addr().unwrap());
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
        while let Ok((mut stream, _)) = huge.accept().await {
            tokio::spawn(async move {
                let mut request = [0u8; 4096];
                let _ = stream.read(&mut request).await;
                let size = 10 * 1024 * 1024;
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {size}\r\n\r\n"
                );
                let _ = stream.write_all(head.as_bytes()).await;
                let chunk = vec![b' '; 64 * 1024];
                for _ in 0..size / chunk.len() {
                    if stream.write_all(&chunk).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    let url = huge_url.clone();
    let app = spawn_app_with(Options {
        web: Some(Arc::new(move |web: &mut WebConfig| {
            web.oauth_base_url = url.clone();
        })),
        ..Options::default()
    })
    .await;
    let s = app.login().await;
    let (_, _, state) = app.start_oauth(&s).await;

    let resp = app
        .http
        .get(format!("{}/oauth/callback?code=c&state={state}", app.base))
        .header("cookie", &s.cookie)
        .send()
        .await
        .unwrap();

    let status = resp.status().as_u16();
    let body = resp.text().await.unwrap();
    assert_eq!(status, 502);
    assert!(
        body.contains("over 1 MiB"),
        "{}",
        &body[..body.len().min(2000)]
    );
}
