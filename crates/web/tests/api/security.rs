//! Hardening (issue #10): open redirects, log-in throttling, sessions ending on a
//! password reset, expiring API tokens, OAuth `state` bound to its session,
//! security headers, server timeouts, `/metrics` behind a token, `bearer` in any case.

use gong_timeline_store::ConnectionId;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{cookies, hidden, spawn_app, spawn_app_with, Options, TestApp, PASSWORD};

/// A fresh log-in form: (cookie, csrf).
async fn login_form(app: &TestApp, query: &str) -> (String, String, String) {
    login_form_at(app, &app.base, query).await
}

/// [`login_form`] of the server at `base`.
async fn login_form_at(app: &TestApp, base: &str, query: &str) -> (String, String, String) {
    let resp = app
        .http
        .get(format!("{base}/login{query}"))
        .send()
        .await
        .unwrap();
    let cookie = cookies(&resp);
    let html = resp.text().await.unwrap();
    (cookie, hidden(&html, "csrf"), html)
}

/// Posts the log-in form: (status, Location, Retry-After).
async fn log_in(app: &TestApp, password: &str, next: &str) -> (u16, String, Option<String>) {
    log_in_at(app, &app.base, password, next).await
}

/// [`log_in`] at the server at `base`.
async fn log_in_at(
    app: &TestApp,
    base: &str,
    password: &str,
    next: &str,
) -> (u16, String, Option<String>) {
    let (cookie, csrf, _) = login_form_at(app, base, "").await;
    let resp = app
        .http
        .post(format!("{base}/login"))
        .header("cookie", &cookie)
        .form(&[
            ("username", "admin"),
            ("password", password),
            ("csrf", csrf.as_str()),
            ("next", next),
        ])
        .send()
        .await
        .unwrap();
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    (
        resp.status().as_u16(),
        header("location").unwrap_or_default(),
        header("retry-after"),
    )
}

#[tokio::test]
async fn after_log_in_only_a_same_origin_path_is_followed() {
    let app = spawn_app().await;
    let (_, _, html) = login_form(&app, "?next=/%09/evil.example").await;
    assert_eq!(hidden(&html, "next"), "/connectors");
    for hostile in ["/\t/evil.example", "/\n/evil.example", "/\\evil.example"] {
        let (status, location, _) = log_in(&app, PASSWORD, hostile).await;
        assert_eq!(
            (status, location.as_str()),
            (303, "/connectors"),
            "{hostile:?}"
        );
    }
    let (status, location, _) = log_in(&app, PASSWORD, "/log?status=Failed").await;
    assert_eq!((status, location.as_str()), (303, "/log?status=Failed"));
}

#[tokio::test]
async fn repeated_wrong_passwords_are_throttled_even_for_the_right_one_until_the_wait_is_over() {
    let app = spawn_app().await;
    for _ in 0..30 {
        let (status, _, _) = log_in(&app, "wrong password", "/").await;
        assert!(status == 401 || status == 429, "{status}");
    }
    let (status, _, retry_after) = log_in(&app, PASSWORD, "/").await;
    assert_eq!(
        status, 429,
        "the right password is refused while locked out"
    );
    let wait: i64 = retry_after.expect("Retry-After").parse().unwrap();
    assert!(wait > 0);
    app.clock_offset.fetch_add(wait + 1, Ordering::SeqCst);
    let (status, _, _) = log_in(&app, PASSWORD, "/").await;
    assert_eq!(status, 303, "after the wait the right password works");
}

#[tokio::test]
async fn a_password_reset_ends_the_admins_sessions() {
    let app = spawn_app().await;
    let s = app.login().await;
    assert_eq!(app.page(&s, "/connectors").await.0, 200);
    let admin = app.store.admin_by_username("admin").await.unwrap().unwrap();
    let hash = gong_timeline_web::hash_password("a new long password").unwrap();
    app.store.set_admin_password(admin.id, &hash).await.unwrap();
    assert_eq!(app.page(&s, "/connectors").await.0, 303, "back to log-in");
}

#[tokio::test]
async fn an_api_token_with_an_expiry_stops_working_and_shows_its_last_use() {
    let app = spawn_app().await;
    let s = app.login().await;
    let (status, _, page) = app
        .form(
            &s,
            "/tokens",
            &[("name", "short"), ("expires_in_days", "1")],
        )
        .await;
    assert_eq!(status, 200, "{page}");
    let start = page.find("id=\"new-token\">").expect("token shown") + 15;
    let token = page[start..].split('<').next().unwrap().to_string();
    let call = |token: String| {
        let app = &app;
        async move {
            app.http
                .get(format!("{}/api/v1/connections", app.base))
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(call(token.clone()).await, 200);
    let (_, list) = app.page(&s, "/tokens").await;
    let row = &list[list
        .find("<td data-label=\"Name\">short</td>")
        .expect("listed")..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(!row.contains('—'), "the token's last use is shown: {row}");
    assert!(row.contains(" UTC"), "{row}");
    app.clock_offset.fetch_add(2 * 86_400, Ordering::SeqCst);
    assert_eq!(call(token).await, 401, "expired");
    assert_eq!(
        call(app.token.clone()).await,
        200,
        "a token without expiry still works"
    );
}

#[tokio::test]
async fn an_oauth_callback_is_refused_in_another_session_than_the_one_that_started_it() {
    let app = spawn_app().await;
    let starter = app.login().await;
    let (status, _, state) = app.start_oauth(&starter).await;
    assert_eq!(status, 303);
    let victim = app.login().await;
    let resp = app
        .http
        .get(format!(
            "{}/oauth/callback?code=attacker-code&state={state}",
            app.base
        ))
        .header("cookie", &victim.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 422);
    let list = app.items("/connections").await;
    assert_ne!(list[0]["status"], "Authorised", "{list:?}");
}

#[tokio::test]
async fn every_answer_carries_security_headers_and_pages_have_no_inline_script_or_style() {
    let app = spawn_app().await;
    let id = app.basic_connection("acme").await;
    app.sync(id).await;
    let s = app.login().await;
    let company = app.store.list_companies().await.unwrap()[0].id;
    for path in [
        "/login".to_string(),
        "/connectors".to_string(),
        format!("/connectors/{id}/settings"),
        format!("/companies/{company}"),
        "/tokens".to_string(),
    ] {
        let resp = app
            .http
            .get(format!("{}{path}", app.base))
            .header("cookie", &s.cookie)
            .send()
            .await
            .unwrap();
        let h = resp.headers().clone();
        let csp = h["content-security-policy"].to_str().unwrap().to_string();
        assert!(
            csp.contains("script-src 'self'") && csp.contains("style-src 'self'"),
            "{csp}"
        );
        assert!(
            csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"),
            "{csp}"
        );
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["referrer-policy"], "no-referrer");
        assert_eq!(h["cache-control"], "no-store", "{path}");
        let html = resp.text().await.unwrap();
        assert!(
            !html.contains("<style") && !html.contains(" style="),
            "{path}: inline style"
        );
        assert!(!html.contains("<script>"), "{path}: inline script");
    }
    let css = app
        .http
        .get(format!("{}/static/app.css", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(css.status().as_u16(), 200);
    assert!(css.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/css"));
    let api = app
        .http
        .get(format!("{}/api/v1/connections", app.base))
        .bearer_auth(&app.token)
        .send()
        .await
        .unwrap();
    assert_eq!(api.headers()["cache-control"], "no-store");
}

/// Reads until the server closes the connection, at most `bound`; true if it did.
async fn closed_within(stream: &mut tokio::net::TcpStream, bound: Duration) -> bool {
    let mut buf = [0u8; 4096];
    let deadline = tokio::time::Instant::now() + bound;
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => continue,
            Err(_) => return false,
        }
    }
}

#[tokio::test]
async fn a_partial_request_and_an_idle_connection_are_closed_by_the_server() {
    let app = spawn_app_with(Options {
        web: Some(Arc::new(|web| {
            web.timeouts.header_read = Duration::from_millis(500);
        })),
        ..Options::default()
    })
    .await;
    let addr = app.base.trim_start_matches("http://").to_string();
    let mut slow = tokio::net::TcpStream::connect(&addr).await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    assert!(
        closed_within(&mut slow, Duration::from_secs(10)).await,
        "slowloris"
    );

    let mut idle = tokio::net::TcpStream::connect(&addr).await.unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    assert!(
        closed_within(&mut idle, Duration::from_secs(10)).await,
        "idle keep-alive"
    );
}

#[tokio::test]
async fn the_oauth_token_exchange_gives_up_on_a_silent_token_endpoint() {
    // A socket that accepts and never answers, as Gong's OAuth host.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let silent_url = format!("http://{}", silent.local_addr().unwrap());
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = silent.accept().await {
            held.push(stream);
        }
    });
    let url = silent_url.clone();
    let app = spawn_app_with(Options {
        web: Some(Arc::new(move |web| {
            web.oauth_base_url = url.clone();
            web.gong.timeout = Duration::from_millis(500);
            web.gong.connect_timeout = Duration::from_millis(500);
        })),
        ..Options::default()
    })
    .await;
    let s = app.login().await;
    let (_, authorize_url, state) = app.start_oauth(&s).await;
    assert!(authorize_url.starts_with(&silent_url), "{authorize_url}");
    let callback = app
        .http
        .get(format!("{}/oauth/callback?code=c&state={state}", app.base))
        .header("cookie", &s.cookie)
        .send();
    let resp = tokio::time::timeout(Duration::from_secs(20), callback)
        .await
        .expect("the token exchange has a timeout")
        .unwrap();
    assert_eq!(resp.status().as_u16(), 502);
}

#[tokio::test]
async fn metrics_need_a_token_and_the_bearer_scheme_is_case_insensitive() {
    let app = spawn_app().await;
    let url = format!("{}/metrics", app.base);
    let anonymous = app.http.get(&url).send().await.unwrap();
    assert_eq!(anonymous.status().as_u16(), 401);
    for scheme in ["Bearer", "bearer", "BEARER"] {
        let resp = app
            .http
            .get(&url)
            .header("authorization", format!("{scheme} {}", app.token))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), 200, "{scheme}");
    }
}

/// The token a form on the tokens page makes with `scope`.
async fn token_of_scope(app: &TestApp, s: &crate::helpers::Session, scope: &str) -> String {
    let name = format!("{scope} token");
    let (status, _, page) = app
        .form(s, "/tokens", &[("name", name.as_str()), ("scope", scope)])
        .await;
    assert_eq!(status, 200, "{page}");
    let start = page.find("id=\"new-token\">").expect("token shown") + 15;
    let listed = &page[page
        .find(&format!("<td data-label=\"Name\">{name}</td>"))
        .expect("listed")..];
    assert!(
        listed.contains(&format!(">{scope}</td>")),
        "the scope is shown: {listed}"
    );
    page[start..].split('<').next().unwrap().to_string()
}

#[tokio::test]
async fn sec8_a_metrics_token_reads_metrics_only_and_a_read_token_changes_nothing() {
    let app = spawn_app().await;
    let s = app.login().await;
    let metrics = token_of_scope(&app, &s, "metrics").await;
    let read = token_of_scope(&app, &s, "read").await;
    let call = |method: reqwest::Method, path: &str, token: &str| {
        let request = app
            .http
            .request(method, format!("{}{path}", app.base))
            .bearer_auth(token)
            .json(&serde_json::json!({}));
        async move {
            let resp = request.send().await.unwrap();
            (resp.status().as_u16(), resp.text().await.unwrap())
        }
    };
    use reqwest::Method;
    assert_eq!(call(Method::GET, "/metrics", &metrics).await.0, 200);
    let (status, body) = call(Method::GET, "/api/v1/jobs", &metrics).await;
    assert_eq!(status, 403, "{body}");
    assert!(
        body.contains("scope is 'metrics'") && body.contains("/metrics only"),
        "{body}"
    );
    assert_eq!(call(Method::GET, "/api/v1/jobs", &read).await.0, 200);
    assert_eq!(call(Method::GET, "/metrics", &read).await.0, 200);
    let connection = app.basic_connection("scoped").await;
    let (status, body) = call(
        Method::POST,
        &format!("/api/v1/connections/{connection}/sync"),
        &read,
    )
    .await;
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("scope is 'read'"), "{body}");
    let (status, body) = call(
        Method::DELETE,
        &format!("/api/v1/connections/{connection}"),
        &read,
    )
    .await;
    assert_eq!(status, 403, "{body}");
    assert!(
        app.store
            .get_connection(ConnectionId::new(connection))
            .await
            .unwrap()
            .is_some(),
        "nothing deleted"
    );
    // The full-rights token of the tests still changes things.
    let (status, body) = call(
        Method::POST,
        &format!("/api/v1/connections/{connection}/sync"),
        &app.token,
    )
    .await;
    assert!(status < 300, "{status} {body}");

    let (status, _, page) = app
        .form(&s, "/tokens", &[("name", "bad"), ("scope", "root")])
        .await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("read, metrics or admin"), "{page}");
}

#[tokio::test]
async fn sec2_replicas_share_the_failed_log_in_counts() {
    let mut app = spawn_app().await;
    let other = app.replica().await;
    for _ in 0..6 {
        let (status, _, _) = log_in(&app, "wrong password", "/").await;
        assert_eq!(status, 401);
    }
    let (status, _, retry) = log_in_at(&app, &other, "wrong password", "/").await;
    assert_eq!(status, 429, "the other replica saw the six failures");
    assert!(retry.is_some());
}
