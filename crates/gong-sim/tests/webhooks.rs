//! The simulator playing Gong's webhook part, over real HTTP: the simulator on one
//! random port, a tiny axum receiver on another. Waits are on conditions with a
//! deadline, never fixed sleeps.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use gong_timeline_gong_sim::{start, Limits, SimConfig, SimHandle, SimStats, WebhookClaims};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use reqwest::Client;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// One request the receiver got.
#[derive(Debug, Clone)]
struct Received {
    authorization: Option<String>,
    content_type: Option<String>,
    body: Vec<u8>,
}

#[derive(Clone)]
struct Receiver {
    url: String,
    got: Arc<Mutex<Vec<Received>>>,
}

impl Receiver {
    fn all(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }
}

/// A receiver at `http://127.0.0.1:<port>/webhooks/gong/test-key` answering `status`.
async fn receiver(status: StatusCode) -> Receiver {
    let got: Arc<Mutex<Vec<Received>>> = Arc::default();
    let app = Router::new()
        .route(
            "/webhooks/gong/test-key",
            post(
                |State((got, status)): State<(Arc<Mutex<Vec<Received>>>, StatusCode)>,
                 headers: HeaderMap,
                 body: Bytes| async move {
                    let header = |name: &str| {
                        headers
                            .get(name)
                            .and_then(|v| v.to_str().ok())
                            .map(str::to_string)
                    };
                    got.lock().unwrap().push(Received {
                        authorization: header("authorization"),
                        content_type: header("content-type"),
                        body: body.to_vec(),
                    });
                    status
                },
            ),
        )
        .with_state((got.clone(), status));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!(
        "http://{}/webhooks/gong/test-key",
        listener.local_addr().unwrap()
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    Receiver { url, got }
}

async fn sim_for(url: Option<&str>) -> SimHandle {
    start(SimConfig {
        calls: 50,
        limits: Limits::off(),
        webhook_url: url.map(str::to_string),
        ..SimConfig::default()
    })
    .await
    .expect("simulator starts")
}

/// Polls `check` until it holds, failing after 10 s.
async fn wait_for<F, Fut>(what: &str, check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    gong_timeline_testing::wait_until(what, Duration::from_secs(10), check).await
}

async fn wait_for_stats(sim: &SimHandle, what: &str, check: impl Fn(&SimStats) -> bool) {
    let controls = sim.controls().clone();
    wait_for(what, || {
        let ok = check(&controls.stats());
        async move { ok }
    })
    .await;
}

async fn wait_for_deliveries(rx: &Receiver, n: usize) -> Vec<Received> {
    wait_for(&format!("{n} deliveries"), || {
        let ok = rx.all().len() >= n;
        async move { ok }
    })
    .await;
    rx.all()
}

async fn post_calls(sim: &SimHandle, body: Value) -> Value {
    Client::new()
        .post(format!("{}/v2/calls/extensive", sim.base_url()))
        .basic_auth("sim-access-key", Some("sim-secret"))
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

fn ids_of(page: &Value) -> Vec<String> {
    page["calls"]
        .as_array()
        .map(|calls| {
            calls
                .iter()
                .map(|c| c["metaData"]["id"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

async fn admin(sim: &SimHandle, path: &str, body: Value) -> reqwest::Response {
    Client::new()
        .post(format!("{}/_sim/{path}", sim.base_url()))
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// Verifies a delivery's token with the key the simulator publishes.
async fn verified_claims(sim: &SimHandle, got: &Received) -> WebhookClaims {
    let pem = Client::new()
        .get(format!("{}/_sim/webhook-public-key", sim.base_url()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----"));
    let key = DecodingKey::from_rsa_pem(pem.as_bytes()).unwrap();
    let token = got
        .authorization
        .as_deref()
        .and_then(|a| a.strip_prefix("Bearer "))
        .expect("Authorization: Bearer <JWT>");
    let mut validation = Validation::new(Algorithm::RS256);
    validation.required_spec_claims = ["exp".to_string(), "iat".to_string()].into();
    jsonwebtoken::decode::<WebhookClaims>(token, &key, &validation)
        .expect("the token verifies")
        .claims
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[tokio::test]
async fn a_new_call_is_served_by_id_and_by_time_window() {
    let sim = sim_for(None).await;
    let ids = sim.add_new_calls(2).unwrap();
    assert_eq!(ids.len(), 2);
    let initial: Vec<_> = (0..50).map(|i| sim.dataset().call_id(i).unwrap()).collect();
    assert!(ids.iter().all(|id| !initial.contains(id)));

    let by_id = post_calls(&sim, json!({"filter": {"callIds": ids}})).await;
    assert_eq!(ids_of(&by_id), ids);
    let now = chrono::Utc::now();
    let window = json!({"filter": {
        "fromDateTime": (now - chrono::Duration::hours(2)).to_rfc3339(),
        "toDateTime": now.to_rfc3339(),
    }});
    let in_window = ids_of(&post_calls(&sim, window).await);
    assert!(ids.iter().all(|id| in_window.contains(id)), "{in_window:?}");
    let later = json!({"filter": {"fromDateTime": now.to_rfc3339()}});
    let none = post_calls(&sim, later).await;
    assert!(ids_of(&none).is_empty());

    let one = Client::new()
        .get(format!("{}/v2/calls/{}", sim.base_url(), ids[0]))
        .basic_auth("sim-access-key", Some("sim-secret"))
        .send()
        .await
        .unwrap();
    assert_eq!(one.status(), StatusCode::OK);
    let dataset: Value = Client::new()
        .get(format!("{}/_sim/dataset", sim.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(dataset["calls"], 52);
}

#[tokio::test]
async fn a_new_calls_webhook_is_signed_over_its_url_and_raw_body() {
    let rx = receiver(StatusCode::OK).await;
    let sim = sim_for(Some(&rx.url)).await;
    let id = sim.add_new_calls(1).unwrap().remove(0);
    let got = wait_for_deliveries(&rx, 1).await.remove(0);

    assert_eq!(got.content_type.as_deref(), Some("application/json"));
    let claims = verified_claims(&sim, &got).await;
    assert_eq!(claims.webhook_url, rx.url);
    assert_eq!(claims.body_sha256, sha256_hex(&got.body));
    assert_eq!(claims.exp - claims.iat, 300);

    let body: Value = serde_json::from_slice(&got.body).unwrap();
    assert_eq!(body["isTest"], false);
    let mut call_data = body["callData"].clone();
    assert_eq!(call_data["metaData"]["id"], json!(id));
    // The same object the API gives with the product's selector (media aside:
    // its signed links carry their own expiry).
    let page = post_calls(
        &sim,
        json!({"filter": {"callIds": [id]}, "contentSelector": {
            "context": "Extended",
            "exposedFields": {"parties": true, "content": {"trackers": true, "brief": true, "keyPoints": true,
                              "highlights": true, "outline": true, "callOutcome": true, "pointsOfInterest": true}}
        }}),
    )
    .await;
    call_data.as_object_mut().unwrap().remove("media");
    assert_eq!(call_data, page["calls"][0]);
    wait_for_stats(&sim, "one webhook sent", |s| {
        s.new_calls == 1 && s.webhooks_sent == 1
    })
    .await;
}

#[tokio::test]
async fn the_test_ping_is_signed_the_same_way() {
    let rx = receiver(StatusCode::OK).await;
    let sim = sim_for(None).await;
    let refused = admin(&sim, "webhooks/test", json!({})).await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    let set = admin(&sim, "webhooks", json!({"url": rx.url})).await;
    assert_eq!(set.status(), StatusCode::OK);

    let answer: Value = admin(&sim, "webhooks/test", json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(answer, json!({"delivered": true, "status": 200}));
    let got = rx.all().remove(0);
    assert_eq!(
        serde_json::from_slice::<Value>(&got.body).unwrap(),
        json!({"isTest": true, "callData": {}})
    );
    let claims = verified_claims(&sim, &got).await;
    assert_eq!(claims.body_sha256, sha256_hex(&got.body));
    assert_eq!(sim.controls().stats().webhook_tests_sent, 1);
}

#[tokio::test]
async fn a_drop_rate_of_one_sends_nothing_while_the_calls_exist() {
    let rx = receiver(StatusCode::OK).await;
    let sim = sim_for(Some(&rx.url)).await;
    let faults = admin(&sim, "faults", json!({"webhook_drop_rate": 1.0})).await;
    let view: Value = faults.json().await.unwrap();
    assert_eq!(view["webhook_drop_rate"], 1.0);
    let ids = sim.add_new_calls(3).unwrap();
    assert_eq!(
        ids_of(&post_calls(&sim, json!({"filter": {"callIds": ids}})).await).len(),
        3
    );
    // Drops are decided when a call appears; a ping sent after them is the only
    // thing the receiver ever sees.
    assert_eq!(sim.controls().send_test_webhook().await.unwrap(), 200);
    let got = rx.all();
    assert_eq!(got.len(), 1);
    assert!(String::from_utf8_lossy(&got[0].body).contains("\"isTest\":true"));
    let stats = sim.controls().stats();
    assert_eq!((stats.webhooks_dropped, stats.webhooks_sent), (3, 0));
}

#[tokio::test]
async fn a_duplicated_webhook_arrives_twice() {
    let rx = receiver(StatusCode::OK).await;
    let sim = sim_for(Some(&rx.url)).await;
    sim.controls().set_webhook_duplicate_rate(1.0);
    sim.add_new_calls(1).unwrap();
    let got = wait_for_deliveries(&rx, 2).await;
    assert_eq!(got[0].body, got[1].body);
    wait_for_stats(&sim, "two sends", |s| {
        s.webhooks_sent == 2 && s.webhooks_duplicated == 1
    })
    .await;
}

#[tokio::test]
async fn a_refused_webhook_is_retried_then_counted_as_failed() {
    let rx = receiver(StatusCode::INTERNAL_SERVER_ERROR).await;
    let sim = sim_for(Some(&rx.url)).await;
    sim.add_new_calls(1).unwrap();
    wait_for_stats(&sim, "a failed delivery", |s| s.webhooks_failed == 1).await;
    let stats = sim.controls().stats();
    assert_eq!((stats.webhook_retries, stats.webhooks_sent), (3, 0));
    assert_eq!(rx.all().len(), 4);
}

#[tokio::test]
async fn a_tampered_body_no_longer_matches_its_hash() {
    let rx = receiver(StatusCode::OK).await;
    let sim = sim_for(Some(&rx.url)).await;
    admin(&sim, "faults", json!({"webhook_tamper_rate": 1.0})).await;
    sim.add_new_calls(1).unwrap();
    let got = wait_for_deliveries(&rx, 1).await.remove(0);
    let claims = verified_claims(&sim, &got).await;
    assert_ne!(claims.body_sha256, sha256_hex(&got.body));
    assert!(serde_json::from_slice::<Value>(&got.body).is_ok());
}

#[tokio::test]
async fn the_timer_makes_calls_at_its_rate_up_to_the_cap() {
    let rx = receiver(StatusCode::OK).await;
    let sim = start(SimConfig {
        calls: 50,
        limits: Limits::off(),
        webhook_url: Some(rx.url.clone()),
        new_calls_per_minute: 1_200.0,
        new_calls_max: Some(5),
        ..SimConfig::default()
    })
    .await
    .unwrap();
    wait_for_stats(&sim, "five sent", |s| s.webhooks_sent == 5).await;
    assert_eq!(sim.dataset().new_call_count(), 5);
    let ids: Vec<String> = rx
        .all()
        .iter()
        .map(|r| {
            let v: Value = serde_json::from_slice(&r.body).unwrap();
            v["callData"]["metaData"]["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let served = post_calls(&sim, json!({"filter": {"callIds": ids}})).await;
    assert_eq!(ids_of(&served).len(), 5);
    let stats: Value = Client::new()
        .get(format!("{}/_sim/stats", sim.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for key in [
        "total_requests",
        "new_calls",
        "webhooks_sent",
        "webhooks_dropped",
        "webhooks_duplicated",
        "webhooks_failed",
    ] {
        assert!(stats.get(key).is_some(), "{key}");
    }
}
