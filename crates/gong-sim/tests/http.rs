//! The simulator over real HTTP on a random port, driven with reqwest.

use std::time::Duration;

use gong_timeline_gong_sim::{start, Limits, Scenario, SimConfig, SimHandle};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

const FIXTURE: &str = include_str!("fixtures/scenario.json");

async fn sim(calls: u64) -> SimHandle {
    start(SimConfig {
        calls,
        limits: Limits::off(),
        ..SimConfig::default()
    })
    .await
    .expect("simulator starts")
}

async fn post_calls(sim: &SimHandle, body: Value) -> reqwest::Response {
    Client::new()
        .post(format!("{}/v2/calls/extensive", sim.base_url()))
        .basic_auth("sim-access-key", Some("sim-secret"))
        .json(&body)
        .send()
        .await
        .expect("request")
}

#[tokio::test]
async fn paging_1050_calls_gives_11_pages_without_loss_or_duplicates() {
    let sim = sim(1_050).await;
    let mut ids = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut body = json!({"filter": {}});
        if let Some(c) = &cursor {
            body["cursor"] = json!(c);
        }
        let page: Value = post_calls(&sim, body).await.json().await.unwrap();
        assert_eq!(page["records"]["totalRecords"], 1_050);
        assert_eq!(page["records"]["currentPageNumber"], pages);
        assert!(page["requestId"].as_str().is_some_and(|r| !r.is_empty()));
        pages += 1;
        for call in page["calls"].as_array().unwrap() {
            assert!(call.get("parties").is_none(), "parties only when asked for");
            ids.push(call["metaData"]["id"].as_str().unwrap().to_string());
        }
        match page["records"]["cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    assert_eq!(pages, 11);
    let unique: std::collections::HashSet<_> = ids.iter().collect();
    assert_eq!((ids.len(), unique.len()), (1_050, 1_050));
    assert_eq!(sim.controls().stats().count("POST /v2/calls/extensive"), 11);
}

#[tokio::test]
async fn bad_requests_and_empty_results_answer_like_gong() {
    let sim = sim(200).await;
    let bare = post_calls(&sim, json!({})).await;
    assert_eq!(bare.status(), StatusCode::BAD_REQUEST);
    let empty_ids = post_calls(&sim, json!({"filter": {"callIds": []}})).await;
    assert_eq!(empty_ids.status(), StatusCode::BAD_REQUEST);
    let future = post_calls(
        &sim,
        json!({"filter": {"fromDateTime": "2999-01-01T00:00:00Z"}}),
    )
    .await;
    assert_eq!(future.status(), StatusCode::NOT_FOUND);
    let body: Value = future.json().await.unwrap();
    assert_eq!(
        body["errors"],
        json!(["No calls found corresponding to the provided filters"])
    );
    assert!(body["requestId"].is_string());

    let denied = Client::new()
        .get(format!("{}/v2/users", sim.base_url()))
        .basic_auth("sim-access-key", Some("wrong"))
        .send()
        .await
        .unwrap();
    assert_eq!(denied.status(), StatusCode::UNAUTHORIZED);
    assert!(denied.headers().contains_key("x-traceid"));
    let body: Value = denied.json().await.unwrap();
    assert_eq!(
        body["errors"][0],
        "Validate credentials failed. Please check your credentials and try again."
    );
}

#[tokio::test]
async fn a_time_window_is_inclusive_at_from_and_exclusive_at_to() {
    let sim = sim(500).await;
    let ds = sim.dataset();
    let (from, to) = (ds.started(100), ds.started(150));
    let page: Value = post_calls(
        &sim,
        json!({"filter": {"fromDateTime": from.to_rfc3339(), "toDateTime": to.to_rfc3339()}}),
    )
    .await
    .json()
    .await
    .unwrap();
    let calls = page["calls"].as_array().unwrap();
    assert_eq!(calls.len(), 50);
    assert_eq!(calls[0]["metaData"]["id"], json!(ds.call_id(100).unwrap()));
    assert_eq!(calls[49]["metaData"]["id"], json!(ds.call_id(149).unwrap()));
    let one_id = ds.call_id(7).unwrap();
    let by_id: Value = post_calls(&sim, json!({"filter": {"callIds": [one_id]}}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(by_id["records"]["totalRecords"], 1);
}

#[tokio::test]
async fn the_content_selector_decides_what_is_sent() {
    let sim = sim(300).await;
    let body = json!({
        "filter": {},
        "contentSelector": {
            "context": "Extended",
            "exposedFields": {"parties": true, "media": true,
                              "content": {"trackers": true, "brief": true}}
        }
    });
    let page: Value = post_calls(&sim, body).await.json().await.unwrap();
    let calls = page["calls"].as_array().unwrap();
    assert!(calls
        .iter()
        .all(|c| c["parties"].is_array() && c["context"].is_array()));
    // A private call's content is withheld.
    let (private, public): (Vec<&Value>, Vec<&Value>) = calls
        .iter()
        .partition(|c| c["metaData"]["isPrivate"] == true);
    assert!(private.iter().all(|c| c.get("content").is_none()));
    let calls = public;
    assert!(calls.iter().all(|c| c["content"]["trackers"].is_array()));
    assert!(calls
        .iter()
        .all(|c| c["content"].get("keyPoints").is_none()));
    let with_account = calls
        .iter()
        .find(|c| c["context"][0]["objects"][0]["objectType"] == "Account")
        .expect("some calls carry an Account");
    assert!(with_account["context"][0]["objects"][0]["fields"].is_array());
    // Trackers with "API request results" off never appear.
    let hidden = ["Budget (tracker)", "Security review"];
    assert!(calls.iter().all(|c| c["content"]["trackers"]
        .as_array()
        .unwrap()
        .iter()
        .all(|t| !hidden.contains(&t["name"].as_str().unwrap()))));
    let media_url = calls
        .iter()
        .find_map(|c| c["media"]["audioUrl"].as_str())
        .expect("some calls have media")
        .to_string();
    let fetched = Client::new().get(&media_url).send().await.unwrap();
    assert_eq!(fetched.status(), StatusCode::OK);
    assert_eq!(fetched.headers()["content-type"], "audio/wav");
    let file = fetched.bytes().await.unwrap();
    assert!(file.starts_with(b"RIFF") && &file[8..12] == b"WAVE" && file.len() > 40_000);
    sim.controls()
        .advance_clock(Duration::from_secs(8 * 3_600 + 1));
    let expired = Client::new().get(&media_url).send().await.unwrap();
    assert_eq!(expired.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn oauth_codes_become_tokens_and_refresh_tokens_are_single_use() {
    let sim = sim(10).await;
    let base = sim.base_url();
    let http = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let consent = http
        .get(format!(
            "{base}/oauth2/authorize?client_id=sim-client-id&response_type=code&redirect_uri=http://cb.example/back&state=xyz&scope=api:users:read"
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(consent.contains("Allow"));
    let redirect = http
        .post(format!("{base}/oauth2/authorize"))
        .form(&[
            ("client_id", "sim-client-id"),
            ("redirect_uri", "http://cb.example/back"),
            ("scope", "api:users:read"),
            ("state", "xyz"),
            ("decision", "allow"),
        ])
        .send()
        .await
        .unwrap();
    assert!(redirect.status().is_redirection());
    let location = url::Url::parse(redirect.headers()["location"].to_str().unwrap()).unwrap();
    let q: std::collections::HashMap<_, _> = location.query_pairs().into_owned().collect();
    assert_eq!(q["state"], "xyz");
    let token_url = format!("{base}/oauth2/generate-customer-token");
    let first: Value = http
        .post(format!(
            "{token_url}?grant_type=authorization_code&code={}&redirect_uri=http://cb.example/back",
            q["code"]
        ))
        .basic_auth("sim-client-id", Some("sim-client-secret"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(first["api_base_url_for_customer"], json!(base));
    assert_eq!(first["expires_in"], 86_400);
    let access = first["access_token"].as_str().unwrap();
    let users = http
        .get(format!("{base}/v2/users"))
        .bearer_auth(access)
        .send()
        .await
        .unwrap();
    assert_eq!(users.status(), StatusCode::OK);
    let no_scope = http
        .get(format!("{base}/v2/workspaces"))
        .bearer_auth(access)
        .send()
        .await
        .unwrap();
    assert_eq!(no_scope.status(), StatusCode::UNAUTHORIZED);

    let refresh = |rt: String| {
        http.post(&token_url)
            .basic_auth("sim-client-id", Some("sim-client-secret"))
            .form(&[
                ("grant_type", "refresh_token".to_string()),
                ("refresh_token", rt),
            ])
            .send()
    };
    let old_rt = first["refresh_token"].as_str().unwrap().to_string();
    let second: Value = refresh(old_rt.clone()).await.unwrap().json().await.unwrap();
    let reused = refresh(old_rt).await.unwrap();
    assert_eq!(reused.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        reused.json::<Value>().await.unwrap()["error"],
        "invalid_grant"
    );

    sim.controls().expire_access_tokens();
    let new_access = second["access_token"].as_str().unwrap();
    let expired = http
        .get(format!("{base}/v2/users"))
        .bearer_auth(new_access)
        .send()
        .await
        .unwrap();
    assert_eq!(expired.status(), StatusCode::UNAUTHORIZED);
    sim.controls().revoke_all_tokens();
    let after_revoke = refresh(second["refresh_token"].as_str().unwrap().to_string())
        .await
        .unwrap();
    assert_eq!(after_revoke.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn limits_answer_429_with_retry_after() {
    let sim = start(SimConfig {
        calls: 10,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    // Requests back to back: a 429 must come, at the latest after a few (bounded so a
    // very slow machine cannot loop forever).
    let mut refused = None;
    for _ in 0..100 {
        let r = Client::new()
            .get(format!("{}/v2/workspaces", sim.base_url()))
            .basic_auth("sim-access-key", Some("sim-secret"))
            .send()
            .await
            .unwrap();
        if r.status() == StatusCode::TOO_MANY_REQUESTS {
            refused = Some(r);
            break;
        }
    }
    let refused = refused.expect("a 429 within 100 rapid requests");
    assert_eq!(refused.headers()["retry-after"], "1");
    let body: Value = refused.json().await.unwrap();
    assert!(body["requestId"].is_string() && body["errors"].is_array());
    let stats = sim.controls().stats();
    assert_eq!(stats.rate_limited, 1);
    assert!(stats.api_requests >= 4);
}

#[tokio::test]
async fn admin_endpoints_flip_faults_for_the_real_binary() {
    let sim = sim(150).await;
    let base = sim.base_url();
    let http = Client::new();
    let admin =
        |path: &str, body: Value| http.post(format!("{base}/_sim/{path}")).json(&body).send();
    admin("faults", json!({"fail_next": {"count": 2, "status": 503}}))
        .await
        .unwrap();
    let s1 = post_calls(&sim, json!({"filter": {}})).await.status();
    let s2 = post_calls(&sim, json!({"filter": {}})).await.status();
    let s3 = post_calls(&sim, json!({"filter": {}})).await.status();
    assert_eq!(
        (s1, s2, s3),
        (
            StatusCode::SERVICE_UNAVAILABLE,
            StatusCode::SERVICE_UNAVAILABLE,
            StatusCode::OK
        )
    );

    let broken_id = sim.dataset().call_id(3).unwrap();
    admin("faults", json!({"malformed_call_ids": [broken_id]}))
        .await
        .unwrap();
    let page: Value = post_calls(
        &sim,
        json!({"filter": {}, "contentSelector": {"exposedFields": {"parties": true}}}),
    )
    .await
    .json()
    .await
    .expect("the page stays valid JSON");
    assert_eq!(page["calls"][3]["metaData"]["started"], 12345);
    assert!(page["calls"][3]["parties"].is_string());
    assert!(page["calls"][4]["metaData"]["started"].is_string());

    admin("faults", json!({"down": true})).await.unwrap();
    assert_eq!(
        post_calls(&sim, json!({"filter": {}})).await.status(),
        StatusCode::SERVICE_UNAVAILABLE
    );
    admin("faults/reset", json!({})).await.unwrap();
    assert_eq!(
        post_calls(&sim, json!({"filter": {}})).await.status(),
        StatusCode::OK
    );

    let stats: Value = http
        .get(format!("{base}/_sim/stats"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(stats["per_path"]["POST /v2/calls/extensive"], 6);
    assert_eq!(stats["faults_injected"], 3);
}

#[tokio::test]
async fn a_scenario_replaces_the_generator() {
    let scenario = Scenario::from_json(FIXTURE).expect("the documented example parses");
    let sim = start(SimConfig {
        scenario: Some(scenario),
        limits: Limits::off(),
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let page: Value = post_calls(
        &sim,
        json!({"filter": {}, "contentSelector": {"exposedFields": {"media": true,
               "content": {"trackers": true, "keyPoints": true}}}}),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(page["records"]["totalRecords"], 2);
    let first = &page["calls"][0];
    let trackers = first["content"]["trackers"].as_array().unwrap();
    let names: Vec<_> = trackers
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["Competitors", "Pricing"],
        "Hidden has API results off"
    );
    assert_eq!(trackers[0]["phrases"][0]["phrase"], "Contoso");
    assert_eq!(
        trackers[1]["phrases"],
        json!([]),
        "phrases only when separated"
    );
    assert_eq!(first["content"]["keyPoints"][0]["text"], "Price");
    assert!(first["media"]["audioUrl"].is_string());
    let second = &page["calls"][1];
    assert_eq!(second["metaData"]["isPrivate"], true);
    assert!(
        second.get("media").is_none(),
        "deleted recordings have no media"
    );

    let dir = tempfile::tempdir().unwrap();
    let paths = sim.dataset().write_timeline_csvs(dir.path()).unwrap();
    let companies = std::fs::read_to_string(paths.companies).unwrap();
    assert!(companies.starts_with("name,crm_account_id,industry\n"));
}

#[tokio::test]
async fn generated_timeline_csvs_line_up_with_the_gong_users() {
    let sim = sim(100).await;
    let dir = tempfile::tempdir().unwrap();
    let paths = sim.dataset().write_timeline_csvs(dir.path()).unwrap();
    let users = std::fs::read_to_string(&paths.users).unwrap();
    assert!(users.starts_with("email,name,license_type,status,department"));
    let gong_users = sim.dataset().users();
    let rows = |email: &str| {
        users
            .lines()
            .filter(|l| l.starts_with(&format!("{email},")))
            .count()
    };
    assert!(
        gong_users.iter().any(|u| rows(&u.email) == 0),
        "some Gong users are missing"
    );
    assert!(
        gong_users.iter().any(|u| rows(&u.email) == 2),
        "some emails are duplicated"
    );
    let persons = std::fs::read_to_string(&paths.persons).unwrap();
    assert!(persons.starts_with("email,name,company\n"));
    let companies = std::fs::read_to_string(&paths.companies).unwrap();
    assert!(companies.starts_with("name,crm_account_id,industry,arr"));
}

#[tokio::test]
async fn every_answer_has_gongs_error_shape_and_a_request_id() {
    let sim = sim(20).await;
    let base = sim.base_url();
    let http = Client::new();
    let get = |path: &str, secret: &str| {
        http.get(format!("{base}{path}"))
            .basic_auth("sim-access-key", Some(secret.to_string()))
            .send()
    };
    let unknown = get("/v2/nothing", "sim-secret").await.unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    let unknown_bad_creds = get("/v2/nothing", "wrong").await.unwrap();
    assert_eq!(unknown_bad_creds.status(), StatusCode::UNAUTHORIZED);
    let missing_call = get("/v2/calls/123456789012345678", "sim-secret")
        .await
        .unwrap();
    let body: Value = missing_call.json().await.unwrap();
    assert_eq!(
        body["errors"][0],
        "Call ID 123456789012345678 was not found"
    );
    let wrong_method = http
        .delete(format!("{base}/v2/users"))
        .basic_auth("sim-access-key", Some("sim-secret"))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_method.status(), StatusCode::METHOD_NOT_ALLOWED);
    for response in [unknown, unknown_bad_creds, wrong_method] {
        assert!(response.headers().contains_key("x-traceid"));
        let body: Value = response.json().await.unwrap();
        assert!(
            body["requestId"].is_string() && body["errors"][0].is_string(),
            "{body}"
        );
    }
}

#[tokio::test]
async fn users_page_through_the_query_cursor_and_basic_calls_list() {
    let sim = start(SimConfig {
        users: 250,
        calls: 120,
        limits: Limits::off(),
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let http = Client::new();
    let mut seen = Vec::new();
    let mut url = format!("{}/v2/users", sim.base_url());
    loop {
        let page: Value = http
            .get(&url)
            .basic_auth("sim-access-key", Some("sim-secret"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        seen.extend(
            page["users"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| u["id"].clone()),
        );
        match page["records"]["cursor"].as_str() {
            Some(c) => url = format!("{}/v2/users?cursor={}", sim.base_url(), urlencode(c)),
            None => break,
        }
    }
    assert_eq!(seen.len(), 250);
    let listed: Value = http
        .get(format!("{}/v2/calls", sim.base_url()))
        .basic_auth("sim-access-key", Some("sim-secret"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed["records"]["totalRecords"], 120);
    assert!(listed["calls"][0]["id"].is_string() && listed["calls"][0]["started"].is_string());
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[tokio::test]
async fn a_deleted_recording_loses_its_media_and_its_links() {
    let sim = sim(50).await;
    let select = json!({"exposedFields": {"media": true}});
    let with_media = |page: &Value| {
        page["calls"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["media"]["audioUrl"].is_string())
            .cloned()
            .expect("some call has media")
    };
    let page: Value = post_calls(&sim, json!({"filter": {}, "contentSelector": select}))
        .await
        .json()
        .await
        .unwrap();
    let call = with_media(&page);
    let id = call["metaData"]["id"].as_str().unwrap();
    let link = call["media"]["audioUrl"].as_str().unwrap();
    sim.controls().delete_recording(id);
    assert_eq!(
        Client::new().get(link).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    let again: Value = post_calls(
        &sim,
        json!({"filter": {"callIds": [id]}, "contentSelector": select}),
    )
    .await
    .json()
    .await
    .unwrap();
    assert!(again["calls"][0].get("media").is_none());
}

#[tokio::test]
async fn shutdown_finishes_while_a_client_keeps_its_connection_pooled() {
    let sim = sim(5).await;
    let http = Client::new();
    let base = sim.base_url();
    let r = http
        .get(format!("{base}/v2/workspaces"))
        .basic_auth("sim-access-key", Some("sim-secret"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    tokio::time::timeout(Duration::from_secs(10), sim.shutdown())
        .await
        .expect("shutdown does not wait for idle keep-alive connections");
}

/// Every call (id, party emails) of the whole data set, through the API.
async fn calls_with_parties(sim: &SimHandle) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut body =
            json!({"filter": {}, "contentSelector": {"exposedFields": {"parties": true}}});
        if let Some(c) = &cursor {
            body["cursor"] = json!(c);
        }
        let page: Value = post_calls(sim, body).await.json().await.unwrap();
        for call in page["calls"].as_array().unwrap() {
            let emails = call["parties"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|p| p["emailAddress"].as_str().map(str::to_lowercase))
                .collect();
            out.push((call["metaData"]["id"].as_str().unwrap().to_string(), emails));
        }
        match page["records"]["cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => return out,
        }
    }
}

async fn privacy(
    sim: &SimHandle,
    method: reqwest::Method,
    path: &str,
    email: &str,
) -> (StatusCode, Value) {
    let response = Client::new()
        .request(method, format!("{}/v2/data-privacy/{path}", sim.base_url()))
        .query(&[("emailAddress", email)])
        .basic_auth("sim-access-key", Some("sim-secret"))
        .send()
        .await
        .expect("request");
    (response.status(), response.json().await.expect("JSON"))
}

#[tokio::test]
async fn an_erased_address_takes_its_calls_out_of_gong_after_a_delay_and_too_many_are_refused() {
    // Arrange: the address in the fewest calls, and the one in the most.
    let sim = start(SimConfig {
        calls: 2_000,
        users: 5,
        limits: Limits::off(),
        ..SimConfig::default()
    })
    .await
    .expect("simulator starts");
    let calls = calls_with_parties(&sim).await;
    let mut counts = std::collections::HashMap::<&str, usize>::new();
    for email in calls.iter().flat_map(|(_, emails)| emails) {
        *counts.entry(email.as_str()).or_default() += 1;
    }
    let (&rare, &n) = counts.iter().min_by_key(|(e, n)| (**n, **e)).unwrap();
    let (&busy, &most) = counts.iter().max_by_key(|(e, n)| (**n, **e)).unwrap();
    assert!(most > 50, "the busiest address is in {most} calls");
    let post = reqwest::Method::POST;
    let get = reqwest::Method::GET;

    // Act + Assert: too many calls is Gong's 400, and nothing is erased.
    let (status, body) = privacy(&sim, post.clone(), "erase-data-for-email-address", busy).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body["errors"][0].as_str().unwrap().contains("help@gong.io"),
        "{body}"
    );
    let (status, _) = privacy(&sim, post.clone(), "erase-data-for-email-address", "").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let (status, body) = privacy(
        &sim,
        post,
        "erase-data-for-email-address",
        &rare.to_uppercase(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["requestId"].is_string());
    let (_, pending) = privacy(&sim, get.clone(), "data-for-email-address", rare).await;
    assert_eq!(
        pending["calls"].as_array().unwrap().len(),
        n,
        "not immediate: {pending}"
    );

    sim.controls().advance_clock(Duration::from_secs(2));
    let (_, done) = privacy(&sim, get, "data-for-email-address", rare).await;
    assert_eq!(done["calls"], json!([]), "{done}");
    let left = calls_with_parties(&sim).await;
    assert_eq!(left.len(), calls.len() - n);
    assert!(left
        .iter()
        .all(|(_, emails)| !emails.iter().any(|e| e == rare)));
}

#[tokio::test]
async fn a_deleted_call_leaves_every_call_endpoint() {
    // Arrange
    let sim = sim(30).await;
    let calls = calls_with_parties(&sim).await;
    let gone = calls[3].0.clone();

    // Act
    let response = Client::new()
        .post(format!("{}/_sim/deleted-calls", sim.base_url()))
        .json(&json!({"ids": [gone]}))
        .send()
        .await
        .expect("request");

    // Assert
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let left = calls_with_parties(&sim).await;
    assert_eq!(left.len(), 29);
    assert!(left.iter().all(|(id, _)| *id != gone));
    let by_id = post_calls(&sim, json!({"filter": {"callIds": [gone]}})).await;
    assert_eq!(
        by_id.status(),
        StatusCode::NOT_FOUND,
        "asked by id, it is not found"
    );
    let one = Client::new()
        .get(format!("{}/v2/calls/{gone}", sim.base_url()))
        .basic_auth("sim-access-key", Some("sim-secret"))
        .send()
        .await
        .expect("request");
    assert_eq!(one.status(), StatusCode::NOT_FOUND);
}
