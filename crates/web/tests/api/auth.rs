//! Authentication: Bearer tokens, sessions, CSRF, health and metrics.

use serde_json::Value;

use crate::helpers::spawn_app;

#[tokio::test]
async fn the_api_refuses_requests_without_a_valid_token_with_the_error_shape() {
    let app = spawn_app().await;
    for auth in [None, Some("Bearer nope")] {
        let mut req = app.http.get(format!("{}/api/v1/connections", app.base));
        if let Some(a) = auth {
            req = req.header("authorization", a);
        }
        let resp = req.send().await.unwrap();
        assert_eq!(resp.status().as_u16(), 401);
        let body: Value = resp.json().await.unwrap();
        assert_eq!(body["error"]["code"], "unauthorized");
        assert!(body["error"]["message"].is_string());
    }
    let (status, _) = app.get("/connections").await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn an_unknown_api_route_is_a_json_404() {
    let app = spawn_app().await;
    let (status, body) = app.get("/nothing-here").await;
    assert_eq!(status, 404);
    assert_eq!(body["error"]["code"], "not_found");
}

#[tokio::test]
async fn a_session_writes_to_the_api_only_with_its_csrf_header() {
    let app = spawn_app().await;
    let s = app.login().await;
    let url = format!("{}/api/v1/connections", app.base);
    let body = serde_json::json!({"name": "x", "kind": "basic", "base_url": app.sim.base_url(), "access_key": "sim-access-key", "access_key_secret": "sim-secret"});
    let refused = app
        .http
        .post(&url)
        .header("cookie", &s.cookie)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 403);
    let read = app
        .http
        .get(&url)
        .header("cookie", &s.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(read.status().as_u16(), 200);
    let ok = app
        .http
        .post(&url)
        .header("cookie", &s.cookie)
        .header("x-csrf-token", &s.csrf)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status().as_u16(), 201);
}

#[tokio::test]
async fn a_wrong_password_does_not_log_in_and_a_csrf_less_post_is_refused() {
    let app = spawn_app().await;
    let resp = app
        .http
        .get(format!("{}/login", app.base))
        .send()
        .await
        .unwrap();
    let cookie = crate::helpers::cookies(&resp);
    let csrf = crate::helpers::hidden(&resp.text().await.unwrap(), "csrf");
    let wrong = app
        .http
        .post(format!("{}/login", app.base))
        .header("cookie", &cookie)
        .form(&[("username", "admin"), ("password", "nope"), ("csrf", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status().as_u16(), 401);
    assert!(!crate::helpers::cookies(&wrong).contains("gt_session="));
    let no_csrf = app
        .http
        .post(format!("{}/login", app.base))
        .header("cookie", &cookie)
        .form(&[
            ("username", "admin"),
            ("password", crate::helpers::PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(no_csrf.status().as_u16(), 403);

    let s = app.login().await;
    let id = app.basic_connection("acme").await;
    let resp = app
        .http
        .post(format!("{}/connectors/{id}/sync", app.base))
        .header("cookie", &s.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.status().as_u16(),
        403,
        "a form without its CSRF token is refused"
    );
    let resp = app
        .http
        .post(format!("{}/connectors/{id}/sync", app.base))
        .header("cookie", &s.cookie)
        .form(&[("csrf", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 403);
    let (_, body) = app.get(&format!("/connections/{id}/sync")).await;
    assert!(body["last_job"].is_null(), "no sync was started");
}

#[tokio::test]
async fn pages_redirect_to_log_in_and_session_cookies_are_http_only_lax() {
    let app = spawn_app().await;
    let resp = app
        .http
        .get(format!("{}/log", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 303);
    assert_eq!(resp.headers()["location"], "/login?next=%2Flog");
    let resp = app
        .http
        .get(format!("{}/login", app.base))
        .send()
        .await
        .unwrap();
    let set = resp.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax"),
        "{set}"
    );
    let s = app.login().await;
    let (status, _, _) = app.form(&s, "/logout", &[]).await;
    assert_eq!(status, 303);
    let (status, _) = app.page(&s, "/connectors").await;
    assert_eq!(status, 303, "the session ended");
}

#[tokio::test]
async fn health_answers_without_a_login_and_metrics_with_a_token() {
    let app = spawn_app().await;
    let id = app.basic_connection("acme").await;
    app.sync(id).await;
    let health = app
        .http
        .get(format!("{}/healthz", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status().as_u16(), 200);
    let body = health.text().await.unwrap();
    assert!(body.starts_with("ok\n"), "{body}");
    assert!(body.contains("database: ok"), "{body}");
    assert!(
        body.contains(&format!(
            "replica: {}",
            gong_timeline_sync::lease::this_process()
        )),
        "the replica names itself: {body}"
    );
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
    for needle in [
        "gong_timeline_jobs{status=\"Success\"}",
        "gong_timeline_meetings_total{status=\"Created\"}",
        "gong_timeline_job_duration_seconds_count 1",
        "gong_timeline_activities ",
    ] {
        assert!(metrics.contains(needle), "{needle} in {metrics}");
    }
}
