//! W1–W3 through the real binary: `connection webhook` sets a connection up, `serve`
//! receives Gong's pushes (signed with a test key pair, as Gong's automation rule
//! signs them) and its worker brings each pushed call to the Timeline as a job with
//! trigger `webhook`; the slots stay as reconciliation.

use std::path::PathBuf;
use std::time::Duration;

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::helpers::{all, find, scenario_path, wait_for, TestApp, CONNECTION};

/// Calls of `tests/scenarios/meetings.json`.
const RENEWAL: &str = "7390156482217734615";
const QBR: &str = "7390156482217734616";
const PRIVATE: &str = "7390156482217734618";
/// Gong's `calls/extensive`, as the simulator counts it.
const CALLS: &str = "POST /v2/calls/extensive";

fn key_file(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../sync/src/webhooks/testdata")
        .join(name)
}

/// A JWT as Gong signs it: RS256 over `webhook_url` and `body_sha256`.
fn sign(url: &str, body: &[u8], expires_in: i64) -> String {
    let pem = std::fs::read(key_file("private.pem")).expect("the test private key");
    let key = jsonwebtoken::EncodingKey::from_rsa_pem(&pem).expect("an RSA key");
    let now = chrono::Utc::now().timestamp();
    let digest: String = Sha256::digest(body)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let claims = json!({
        "webhook_url": url, "body_sha256": digest, "iat": now, "exp": now + expires_in,
    });
    let header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
    jsonwebtoken::encode(&header, &claims, &key).expect("signed")
}

fn push_body(call: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({"isTest": false, "callData": {"metaData": {"id": call}}}))
        .expect("json")
}

/// `connection webhook --format json` without changes: the set-up as shown.
async fn shown(app: &TestApp, public_url: &str) -> Value {
    app.json(&[
        "connection",
        "webhook",
        "--name",
        CONNECTION,
        "--public-url",
        public_url,
        "--format",
        "json",
    ])
    .await
}

/// Sets the connection's webhook up (signed JWT unless `no_jwt`) for `public_url`;
/// returns the URL to paste into Gong.
async fn set_up(app: &TestApp, public_url: &str, no_jwt: bool) -> String {
    let key = key_file("public.pem");
    let mut args = vec![
        "connection",
        "webhook",
        "--name",
        CONNECTION,
        "--public-url",
        public_url,
        "--format",
        "json",
    ];
    if no_jwt {
        args.push("--no-jwt");
    } else {
        args.extend(["--public-key-file", key.to_str().expect("utf-8")]);
    }
    let view = app.json(&args).await;
    view["url"].as_str().expect("a URL").to_string()
}

async fn post(url: &str, body: Vec<u8>, jwt: Option<String>) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .body(body);
    if let Some(jwt) = jwt {
        request = request.header("authorization", format!("Bearer {jwt}"));
    }
    let response = request.send().await.expect("the server answers");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Pushes `call` signed for `url`; insists on 200.
async fn push(url: &str, call: &str) -> Value {
    let body = push_body(call);
    let jwt = sign(url, &body, 300);
    let (status, answer) = post(url, body, Some(jwt)).await;
    assert_eq!(status, 200, "{answer}");
    answer
}

/// The activities of one call.
async fn activities_of(app: &TestApp, call: &str) -> Vec<Value> {
    app.activities()
        .await
        .into_iter()
        .filter(|a| a["gong_call_id"] == call)
        .collect()
}

/// A synced app whose Gong then gains `new_calls`: the first sync (manual, so no slot
/// is due when `serve` starts) ran without them, as if Gong processed them after it.
async fn synced_before(new_calls: &[&str]) -> TestApp {
    let mut app = TestApp::with_scenario("meetings.json").await;
    let full = scenario_path("meetings.json");
    let mut scenario: Value =
        serde_json::from_str(&std::fs::read_to_string(&full).expect("scenario")).expect("json");
    scenario["calls"]
        .as_array_mut()
        .expect("calls")
        .retain(|c| !new_calls.iter().any(|id| c["id"] == *id));
    let before = app.write("before.json", &scenario.to_string());
    app.replace_scenario(std::path::Path::new(&before)).await;
    app.sync().await;
    app.replace_scenario(&full).await;
    app
}

/// The finished webhook jobs, once there is one (within 30 s).
async fn finished_webhook_jobs(app: &TestApp) -> Vec<Value> {
    wait_for(
        "a finished webhook job",
        Duration::from_secs(30),
        || async {
            let jobs = webhook_jobs(app).await;
            (!jobs.is_empty()).then_some(jobs)
        },
    )
    .await
}

async fn webhook_jobs(app: &TestApp) -> Vec<Value> {
    app.jobs()
        .await
        .into_iter()
        .filter(|j| j["trigger"] == "webhook" && j["status"] != "In progress")
        .collect()
}

#[tokio::test]
async fn w1_a_signed_webhook_brings_its_call_to_the_timeline_as_a_webhook_job() {
    // Arrange
    let app = synced_before(&[RENEWAL]).await;
    let serve = app.serve_process(&["--webhook-batch-seconds", "0.2"]).await;
    let url = set_up(&app, &serve.base, false).await;
    app.sim().controls().reset_stats();

    // Act
    let answer = push(&url, RENEWAL).await;

    // Assert
    assert_eq!(answer["status"], "queued", "{answer}");
    let jobs = finished_webhook_jobs(&app).await;
    assert_eq!(jobs.len(), 1, "{jobs:?}");
    assert_eq!(jobs[0]["created"], 1, "{}", jobs[0]);
    assert_eq!(jobs[0]["status"], "Success", "{}", jobs[0]);
    let activity = &activities_of(&app, RENEWAL).await[0];
    assert_eq!(activity["subject"], "Northwind | renewal", "{activity}");
    let records = app.records(&jobs[0]["id"]).await;
    find(&records, "gong_call_id", RENEWAL);
    let stats = app.sim().controls().stats();
    assert_eq!(
        stats.count(CALLS),
        1,
        "one calls request: {:?}",
        stats.per_path
    );
    assert_eq!(
        stats.api_requests, 1,
        "no users paging for a webhook batch: {:?}",
        stats.per_path
    );
    let view = shown(&app, &serve.base).await;
    assert_eq!(view["mode"], "signed_jwt", "{view}");
    assert!(view["last_received_at"].is_string(), "{view}");
    assert_eq!(view["freshness"]["calls"], 1, "{view}");
    assert!(
        view["freshness"]["p95_seconds"].as_f64().is_some(),
        "{view}"
    );
}

#[tokio::test]
async fn w1_bad_authentication_gets_401_and_stores_nothing() {
    // Arrange
    let app = TestApp::with_scenario("meetings.json").await;
    let web = app.serve_web().await;
    let url = set_up(&app, web.base(), false).await;
    let body = push_body(RENEWAL);
    let other_url = format!("{}/webhooks/gong/another-key", web.base());
    let tampered = push_body(QBR);

    // Act
    let cases: Vec<(&str, String, Vec<u8>, Option<String>)> = vec![
        ("missing header", url.clone(), body.clone(), None),
        (
            "tampered body",
            url.clone(),
            tampered,
            Some(sign(&url, &body, 300)),
        ),
        (
            "wrong URL claim",
            url.clone(),
            body.clone(),
            Some(sign(&other_url, &body, 300)),
        ),
        (
            "expired token",
            url.clone(),
            body.clone(),
            Some(sign(&url, &body, -600)),
        ),
        (
            "not a JWT",
            url.clone(),
            body.clone(),
            Some("abc.def.ghi".into()),
        ),
        (
            "unknown key",
            other_url.clone(),
            body.clone(),
            Some(sign(&other_url, &body, 300)),
        ),
    ];
    let mut answers = Vec::new();
    for (what, target, body, jwt) in cases {
        answers.push((what, post(&target, body, jwt).await));
    }
    // Refused before the body is read: a stranger cannot make the server buffer
    // 6 MB (that would be a 413). The server may close before the client has sent
    // it all; the refusal counter says it was a 401 either way.
    let refused = || web.metric("gong_timeline_webhooks_refused_total");
    let before = refused().await;
    for target in [&other_url, &url] {
        let unread = reqwest::Client::new()
            .post(target)
            .body(vec![b' '; 6 * 1024 * 1024])
            .send()
            .await
            .map(|r| r.status().as_u16());
        assert!(matches!(unread, Ok(401) | Err(_)), "{target}: {unread:?}");
    }
    assert_eq!(refused().await - before, 2.0, "both refused as 401, unread");

    // Assert
    for (what, (status, answer)) in &answers {
        assert_eq!(*status, 401, "{what}: {answer}");
        assert!(answer["error"].is_string(), "{what}: {answer}");
    }
    let store = app.open_store().await;
    assert!(store.webhook_backlogs().await.expect("queue").is_empty());
    let connection = store
        .connection_by_name(CONNECTION)
        .await
        .expect("read")
        .expect("there");
    let webhook = store
        .get_webhook(connection.id)
        .await
        .expect("read")
        .expect("set up");
    assert_eq!(webhook.last_received_at, None);
    assert!(app.jobs().await.is_empty());
}

#[tokio::test]
async fn w1_a_test_ping_is_noted_and_an_oversized_body_refused_and_nothing_synced() {
    // Arrange
    let app = TestApp::with_scenario("meetings.json").await;
    let web = app.serve_web().await;
    let url = set_up(&app, web.base(), true).await;

    // Act
    let ping = serde_json::to_vec(&json!({"isTest": true, "callData": {}})).expect("json");
    let (ping_status, ping_answer) = post(&url, ping, None).await;
    let huge = vec![b' '; 5 * 1024 * 1024 + 1];
    let (huge_status, _) = post(&url, huge, None).await;
    let (bad_status, bad_answer) = post(&url, b"{\"callData\":{}}".to_vec(), None).await;

    // Assert
    assert_eq!(ping_status, 200, "{ping_answer}");
    assert_eq!(ping_answer["status"], "test received");
    assert_eq!(huge_status, 413);
    assert_eq!(bad_status, 400, "{bad_answer}");
    let view = shown(&app, web.base()).await;
    assert!(view["last_test_at"].is_string(), "{view}");
    assert_eq!(view["last_received_at"], Value::Null, "{view}");
    assert_eq!(view["queued"], 0, "{view}");
    assert!(app.jobs().await.is_empty());
    assert!(app.activities().await.is_empty());
}

#[tokio::test]
async fn w2_a_call_pushed_twice_and_also_fetched_by_a_slot_is_one_activity() {
    // Arrange
    let app = synced_before(&[QBR]).await;
    let serve = app.serve_process(&["--webhook-batch-seconds", "0.2"]).await;
    let url = set_up(&app, &serve.base, true).await;

    // Act
    let (first, _) = post(&url, push_body(QBR), None).await;
    let (_, second) = post(&url, push_body(QBR), None).await;
    finished_webhook_jobs(&app).await;
    let (_, after) = post(&url, push_body(QBR), None).await;
    let slot = app.sync().await;

    // Assert
    assert_eq!(first, 200);
    assert_eq!(second["status"], "duplicate", "{second}");
    assert_eq!(after["status"], "duplicate", "processed once: {after}");
    assert_eq!(activities_of(&app, QBR).await.len(), 1);
    assert_eq!(
        (&slot["created"], &slot["updated"]),
        (&json!(0), &json!(0)),
        "the slot finds QBR on the Timeline already: {slot}"
    );
    assert_eq!(webhook_jobs(&app).await.len(), 1);
}

#[tokio::test]
async fn w2_a_queue_left_by_a_kill_is_processed_after_the_restart() {
    // Arrange: a worker that waits ten minutes for a batch, so the calls stay queued.
    let app = synced_before(&[RENEWAL, QBR]).await;
    let mut serve = app.serve_process(&["--webhook-batch-seconds", "600"]).await;
    let url = set_up(&app, &serve.base, true).await;
    for call in [RENEWAL, QBR] {
        let (status, answer) = post(&url, push_body(call), None).await;
        assert_eq!(status, 200, "{answer}");
    }

    // Act
    serve.kill().await;
    let restarted = app
        .serve_process_at(&serve.base, &["--webhook-batch-seconds", "0.2"])
        .await;

    // Assert
    let jobs = finished_webhook_jobs(&app).await;
    assert_eq!(jobs[0]["created"], 2, "{}", jobs[0]);
    assert_eq!(activities_of(&app, RENEWAL).await.len(), 1);
    assert_eq!(activities_of(&app, QBR).await.len(), 1);
    drop(restarted);
}

#[tokio::test]
async fn w2_a_private_call_pushed_is_skipped_as_in_s2() {
    // Arrange
    let app = synced_before(&[PRIVATE]).await;
    let serve = app.serve_process(&["--webhook-batch-seconds", "0.2"]).await;
    let url = set_up(&app, &serve.base, false).await;

    // Act
    push(&url, PRIVATE).await;

    // Assert
    let jobs = finished_webhook_jobs(&app).await;
    assert_eq!(jobs[0]["skipped"], 1, "{}", jobs[0]);
    let records = app.records(&jobs[0]["id"]).await;
    let skipped = all(&records, "gong_call_id", PRIVATE);
    assert_eq!(skipped.len(), 1, "{records:?}");
    assert_eq!(skipped[0]["status"], "Skipped");
    assert!(activities_of(&app, PRIVATE).await.is_empty());
}

#[tokio::test]
async fn connection_webhook_refuses_bad_input_with_what_to_do_and_rotates_the_key() {
    // Arrange
    let app = TestApp::with_scenario("meetings.json").await;
    let public = "http://127.0.0.1:8080";
    let first = set_up(&app, public, true).await;
    let private = key_file("private.pem");
    let private = private.to_str().expect("utf-8");

    // Act
    let missing_file = app
        .fails(&[
            "connection",
            "webhook",
            "--name",
            CONNECTION,
            "--public-key-file",
            "nope.pem",
        ])
        .await;
    let a_private_key = app
        .fails(&[
            "connection",
            "webhook",
            "--name",
            CONNECTION,
            "--public-key-file",
            private,
        ])
        .await;
    let bad_url = app
        .fails(&[
            "connection",
            "webhook",
            "--name",
            CONNECTION,
            "--public-url",
            "ftp://x",
        ])
        .await;
    let unknown = app
        .fails(&["connection", "webhook", "--name", "nope"])
        .await;
    let shown_again = set_up(&app, public, true).await;
    let rotated = app
        .ok(&[
            "connection",
            "webhook",
            "--name",
            CONNECTION,
            "--public-url",
            public,
            "--rotate",
        ])
        .await;

    // Assert
    assert!(
        missing_file
            .output()
            .contains("cannot read the public key file nope.pem"),
        "{}",
        missing_file.output()
    );
    assert!(
        a_private_key.output().contains("this is a private key"),
        "{}",
        a_private_key.output()
    );
    assert!(
        bad_url.output().contains("--public-url 'ftp://x'"),
        "{}",
        bad_url.output()
    );
    assert!(unknown.output().contains("nope"), "{}", unknown.output());
    assert_eq!(shown_again, first, "showing the set-up keeps its URL");
    let new_url = rotated.lines().next().expect("the URL first");
    assert!(
        new_url.starts_with("http://127.0.0.1:8080/webhooks/gong/"),
        "{rotated}"
    );
    assert_ne!(new_url, first);
    assert!(rotated.contains("the old URL no longer works"), "{rotated}");
    let view = shown(&app, public).await;
    assert_eq!(view["mode"], "url_key", "{view}");
}

#[tokio::test]
async fn bench_webhooks_prints_one_json_line_with_the_contracts_keys() {
    // Arrange: a few calls, fast, so that the line is checked, not the figures.
    let app = TestApp::new();

    // Act
    let out = app
        .ok(&[
            "bench",
            "--webhooks",
            "--calls",
            "12",
            "--rate",
            "20",
            "--drop-rate",
            "0.25",
        ])
        .await;

    // Assert
    let line: Value = serde_json::from_str(out.trim()).expect("one JSON line");
    for key in [
        "store",
        "calls",
        "seconds",
        "meetings_per_second",
        "peak_rss_bytes",
        "gong_requests",
        "nochange_requests",
        "reevaluate_seconds",
        "reevaluate_requests",
        "reevaluate_meetings_per_second",
        "store_bytes_per_meeting",
        "webhook_p50_seconds",
        "webhook_p95_seconds",
    ] {
        assert!(line.get(key).is_some(), "{key} missing from {line}");
    }
    assert_eq!(line["calls"], 12);
    assert_eq!(
        line["webhooks_sent"].as_u64().unwrap() + line["webhooks_dropped"].as_u64().unwrap(),
        12,
        "{line}"
    );
    assert_eq!(line["missing_after_reconciliation"], 0, "{line}");
    assert!(
        line["webhook_p95_seconds"].as_f64().unwrap() > 0.0,
        "{line}"
    );
}
