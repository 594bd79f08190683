//! C1: an OAuth connection authorised from the terminal (`connection authorize`), its
//! tokens refreshed before they are used, and a revoked grant failing the job.

use std::process::Stdio;
use std::time::Duration;

use gong_timeline_gong::reqwest;
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::helpers::{find, sim_config, TestApp};

const OAUTH: &str = "oauth";

/// What the admin's browser and the terminal saw of one `connection authorize`.
struct Authorisation {
    /// The status and text of the page the redirect tab got.
    page: (u16, String),
    /// The status and text a tab with another `state` got first.
    stray: (u16, String),
    output: std::process::Output,
}

/// Runs `connection authorize` and plays the Gong admin who clicks Allow.
async fn authorise(app: &TestApp) {
    let done = authorise_with(app, "allow").await;
    assert!(
        done.output.status.success(),
        "authorize failed: {}",
        String::from_utf8_lossy(&done.output.stderr)
    );
    assert_eq!(done.page.0, 200, "{:?}", done.page);
    assert!(done.page.1.contains("is authorised"), "{:?}", done.page);
}

/// Runs `connection authorize`, sends it a stray redirect (another `state`), then
/// plays the Gong admin who answers `decision` (allow, deny).
async fn authorise_with(app: &TestApp, decision: &str) -> Authorisation {
    let config = sim_config();
    let mut child = app
        .command(&[
            "connection",
            "authorize",
            "--name",
            OAUTH,
            "--oauth-url",
            app.sim().base_url(),
            "--client-id",
            &config.client_id,
            "--client-secret",
            &config.client_secret,
            "--listen",
            "127.0.0.1:0",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("authorize starts");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let consent_url = tokio::time::timeout(Duration::from_secs(20), async {
        while let Some(line) = lines.next_line().await.expect("read stdout") {
            if line.contains("/oauth2/authorize") {
                return line.trim().to_string();
            }
        }
        panic!("authorize exited without printing the consent URL");
    })
    .await
    .expect("the consent URL is printed");
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("http client");
    let page = http
        .get(&consent_url)
        .send()
        .await
        .expect("consent page")
        .text()
        .await
        .expect("page text");
    assert!(page.contains("Allow"), "{page}");
    let answer = http
        .post(&consent_url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("decision={decision}"))
        .send()
        .await
        .expect("the admin's answer");
    let callback = answer
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .expect("Gong redirects to the callback")
        .to_string();
    let stray_url = callback
        .split('?')
        .next()
        .expect("callback path")
        .to_string()
        + "?code=forged&state=not-this-one";
    let stray = text_of(http.get(&stray_url).send().await.expect("a stray tab")).await;
    let page = text_of(http.get(&callback).send().await.expect("the callback")).await;
    let output = tokio::time::timeout(Duration::from_secs(20), child.wait_with_output())
        .await
        .expect("authorize finishes")
        .expect("authorize exits");
    Authorisation {
        page,
        stray,
        output,
    }
}

async fn text_of(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    (status, response.text().await.expect("page text"))
}

#[tokio::test]
async fn c1_a_stray_redirect_is_refused_and_the_real_one_still_authorises() {
    // Arrange
    let app = TestApp::with_scenario("resync.json").await;

    // Act
    let done = authorise_with(&app, "allow").await;

    // Assert
    assert_eq!(done.stray.0, 400, "{:?}", done.stray);
    assert!(done.output.status.success(), "{:?}", done.output);
    assert!(done.page.1.contains("is authorised"), "{:?}", done.page);
    assert_eq!(connection(&app, OAUTH).await["status"], "Authorised");
}

#[tokio::test]
async fn c1_a_refused_consent_tells_the_browser_and_the_terminal_and_stores_nothing() {
    // Arrange
    let app = TestApp::with_scenario("resync.json").await;

    // Act
    let done = authorise_with(&app, "deny").await;

    // Assert
    assert_eq!(done.page.0, 400, "{:?}", done.page);
    assert!(
        done.page.1.contains("was not authorised"),
        "{:?}",
        done.page
    );
    assert!(!done.output.status.success(), "{:?}", done.output);
    let stderr = String::from_utf8_lossy(&done.output.stderr);
    assert!(stderr.contains("access_denied"), "{stderr}");
    assert_ne!(connection(&app, OAUTH).await["status"], "Authorised");
}

async fn connection(app: &TestApp, name: &str) -> Value {
    let list = crate::helpers::array(app.json(&["connection", "list", "--format", "json"]).await);
    find(&list, "name", name).clone()
}

#[tokio::test]
async fn c1_an_oauth_connection_authorised_from_the_terminal_syncs_and_refreshes_its_token() {
    // Arrange
    let app = TestApp::with_scenario("resync.json").await;
    authorise(&app).await;

    // Act
    let first = app
        .json(&["sync", "--connection", OAUTH, "--format", "json"])
        .await;
    let token_calls = || {
        app.sim()
            .controls()
            .stats()
            .count("POST /oauth2/generate-customer-token")
    };
    let before_refresh = token_calls();
    app.sim().controls().expire_access_tokens();
    let second = app
        .json(&["sync", "--connection", OAUTH, "--format", "json"])
        .await;

    // Assert
    let oauth = connection(&app, OAUTH).await;
    assert_eq!(oauth["auth"], "OAuth", "{oauth}");
    assert_eq!(oauth["status"], "Authorised", "{oauth}");
    assert_eq!(first["created"], 3, "{first}");
    assert_eq!(second["status"], "Success", "{second}");
    assert!(
        token_calls() > before_refresh,
        "the expired token was refreshed: {:?}",
        app.sim().controls().stats().per_path
    );
    let listing = app.ok(&["connection", "list", "--format", "json"]).await;
    assert!(
        !listing.contains(&sim_config().client_secret),
        "C4: {listing}"
    );
}

#[tokio::test]
async fn c1_a_revoked_grant_fails_the_job_exits_non_zero_and_asks_to_reauthorise() {
    // Arrange
    let app = TestApp::with_scenario("resync.json").await;
    authorise(&app).await;
    app.sim().controls().revoke_all_tokens();
    app.sim().controls().expire_access_tokens();

    // Act
    let run = app
        .fails(&["sync", "--connection", OAUTH, "--format", "json"])
        .await;

    // Assert
    let summary: Value = serde_json::from_str(&run.stdout).expect("a JSON summary");
    assert_eq!(summary["status"], "Failed", "{summary}");
    assert!(
        summary["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{summary}"
    );
    let oauth = connection(&app, OAUTH).await;
    assert_ne!(oauth["status"], "Authorised", "{oauth}");
    assert!(app.activities().await.is_empty());
}
