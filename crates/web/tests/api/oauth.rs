//! The OAuth flow through the simulator's consent page, `state` checked once, and
//! the customer API host check.

use crate::helpers::{hidden, spawn_app, spawn_app_with, Options, Session, TestApp};

/// Creates an OAuth connection from the Connectors form and clicks Allow on the
/// simulator's consent page; returns the callback URL Gong redirects to.
async fn consent(app: &TestApp, s: &Session, name: &str) -> String {
    let (status, authorize_url, _) = app
        .form(s, "/connectors", &[("name", name), ("kind", "oauth")])
        .await;
    assert_eq!(status, 303);
    allow(app, &authorize_url).await
}

/// Clicks Allow on the simulator's consent page at `authorize_url`; returns the
/// callback URL Gong redirects to.
async fn allow(app: &TestApp, authorize_url: &str) -> String {
    assert!(
        authorize_url.starts_with(&app.sim.base_url()),
        "{authorize_url}"
    );
    let page = app
        .http
        .get(authorize_url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let fields: Vec<(String, String)> = ["client_id", "redirect_uri", "scope", "state"]
        .iter()
        .map(|f| (f.to_string(), hidden(&page, f)))
        .chain([("decision".to_string(), "allow".to_string())])
        .collect();
    let resp = app
        .http
        .post(format!("{}/oauth2/authorize", app.sim.base_url()))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_redirection(), "{}", resp.status());
    let callback = resp.headers()["location"].to_str().unwrap().to_string();
    assert!(
        callback.starts_with(&format!("{}/oauth/callback?", app.base)),
        "{callback}"
    );
    callback
}

#[tokio::test]
async fn an_oauth_connection_is_authorised_through_the_consent_page_and_syncs() {
    let app = spawn_app().await;
    let s = app.login().await;
    let callback = consent(&app, &s, "Gong OAuth").await;
    let resp = app
        .http
        .get(&callback)
        .header("cookie", &s.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 303);
    let confirmation = resp.headers()["location"].to_str().unwrap().to_string();
    assert!(confirmation.ends_with("?connected=1"), "{confirmation}");
    let (_, page) = app.page(&s, &confirmation).await;
    assert!(page.contains("Initiate Sync") && page.contains("Go to Timeline settings"));

    let replay = app
        .http
        .get(&callback)
        .header("cookie", &s.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status().as_u16(), 422, "a state is good once");

    let list = app.items("/connections").await;
    let c = &list[0];
    assert_eq!(c["status"], "Authorised");
    assert!(!serde_json::Value::from(list.clone())
        .to_string()
        .contains("sim-client-secret"));
    let job = app.sync(c["id"].as_i64().unwrap()).await;
    assert!(job["created"].as_u64().unwrap() > 0, "{job}");
}

#[tokio::test]
async fn a_consent_started_on_one_replica_is_completed_on_another_once() {
    // Arrange: consent given through the first server; Gong's redirect reaches a
    // second one on the same database (a load balancer, or a restart).
    let mut app = spawn_app().await;
    let s = app.login().await;
    let callback = consent(&app, &s, "Gong OAuth").await;
    let other = app.replica().await;
    let on_other = callback.replacen(&app.base, &other, 1);

    // Act
    let done = app
        .http
        .get(&on_other)
        .header("cookie", &s.cookie)
        .send()
        .await
        .unwrap();
    let replayed_on_first = app
        .http
        .get(&callback)
        .header("cookie", &s.cookie)
        .send()
        .await
        .unwrap();

    // Assert
    assert_eq!(done.status().as_u16(), 303);
    assert_eq!(
        replayed_on_first.status().as_u16(),
        422,
        "one use across replicas"
    );
    assert_eq!(app.items("/connections").await[0]["status"], "Authorised");
}

#[tokio::test]
async fn a_forged_state_is_refused() {
    let app = spawn_app().await;
    let s = app.login().await;
    let resp = app
        .http
        .get(format!("{}/oauth/callback?code=x&state=forged", app.base))
        .header("cookie", &s.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 422);
}

#[tokio::test]
async fn a_customer_api_host_that_is_not_gong_nor_allowed_is_refused() {
    let app = spawn_app_with(Options {
        allow_sim: false,
        ..Options::default()
    })
    .await;
    let s = app.login().await;
    let callback = consent(&app, &s, "Gong OAuth").await;
    let resp = app
        .http
        .get(&callback)
        .header("cookie", &s.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 422);
    assert!(resp.text().await.unwrap().contains("is not a Gong host"));
    let list = app.items("/connections").await;
    assert_eq!(list[0]["status"], "Not yet authorised");
}

#[tokio::test]
async fn the_api_creates_an_oauth_connection_with_its_authorize_url() {
    let app = spawn_app().await;
    let (status, body) = app
        .post("/connections", serde_json::json!({"name": "g"}))
        .await;
    assert_eq!(status, 201, "{body}");
    let id = body["connection"]["id"].as_i64().unwrap();
    assert!(body["authorize_url"].as_str().unwrap().contains("state="));
    let (status, again) = app
        .post(
            &format!("/connections/{id}/authorize"),
            serde_json::Value::Null,
        )
        .await;
    assert_eq!(status, 200);
    assert_ne!(
        again["authorize_url"], body["authorize_url"],
        "a fresh state each time"
    );
    let (status, taken) = app
        .post("/connections", serde_json::json!({"name": "g"}))
        .await;
    assert_eq!(
        (status, taken["error"]["field"].as_str()),
        (422, Some("name"))
    );
}

#[tokio::test]
async fn a_connection_of_an_unknown_kind_is_refused_not_taken_for_oauth() {
    let app = spawn_app().await;
    let s = app.login().await;

    let (status, _, body) = app
        .form(&s, "/connectors", &[("name", "odd"), ("kind", "zzz")])
        .await;

    assert_eq!(status, 422, "{body}");
    assert!(body.contains("is not a kind of connection"), "{body}");
    let (_, listed) = app.get("/connections").await;
    assert!(!listed.to_string().contains("\"odd\""), "{listed}");
}

#[tokio::test]
async fn item7_a_connection_gong_no_longer_accepts_says_so_offers_re_authorise_and_says_re_authorised(
) {
    let app = spawn_app().await;
    let s = app.login().await;
    let callback = consent(&app, &s, "Gong OAuth").await;
    let resp = app
        .http
        .get(&callback)
        .header("cookie", &s.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 303);
    let id = app.items("/connections").await[0]["id"].as_i64().unwrap();
    let job = app.sync(id).await;
    assert!(job["created"].as_u64().unwrap() > 0, "{job}");
    let activity = app.items("/activities").await[0]["id"].as_i64().unwrap();

    // Gong revokes the app's tokens: the next sync stops on it.
    app.sim.controls().revoke_all_tokens();
    let (status, body) = app
        .post(&format!("/connections/{id}/sync"), serde_json::Value::Null)
        .await;
    assert_eq!(status, 202, "{body}");
    app.wait_for_sync(id).await;
    assert_eq!(
        app.get(&format!("/connections/{id}")).await.1["status"],
        "Needs re-authorisation"
    );

    // The page: where to act, and Re-authorise as the primary button.
    let (_, page) = app.page(&s, &format!("/connectors/{id}")).await;
    assert!(
        page.contains("Gong no longer accepts this connection&#39;s authorisation: click Re-authorise and approve the app in Gong")
            || page.contains("Gong no longer accepts this connection's authorisation: click Re-authorise and approve the app in Gong"),
        "{page}"
    );
    assert!(
        page.contains(
            "<button class=\"primary\" type=\"submit\" id=\"reauthorize\">Re-authorise</button>"
        ),
        "{page}"
    );
    assert!(
        page.contains("<button type=\"submit\" id=\"sync-now\""),
        "Initiate Sync is not the primary button: {page}"
    );

    // A recording that fails for that reason says so, after S5's message.
    let (status, recording) = app
        .page(&s, &format!("/activities/{activity}/recording"))
        .await;
    assert_eq!(status, 200, "{recording}");
    assert!(
        recording.contains(
            "This Video/Meeting Link has failed to load. — the connection needs re-authorisation"
        ),
        "{recording}"
    );

    // Re-authorise: Gong's consent page again, then "Re-authorised".
    let (status, authorize_url, _) = app
        .form(&s, &format!("/connectors/{id}/authorize"), &[])
        .await;
    assert_eq!(status, 303);
    let callback = allow(&app, &authorize_url).await;
    let resp = app
        .http
        .get(&callback)
        .header("cookie", &s.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 303);
    let back = resp.headers()["location"].to_str().unwrap().to_string();
    assert!(back.ends_with("?reauthorised=1"), "{back}");
    let (_, page) = app.page(&s, &back).await;
    assert!(page.contains("id=\"reauthorised\""), "{page}");
    assert!(page.contains("Re-authorised"), "{page}");
    assert!(!page.contains("id=\"reauthorise-needed\""), "{page}");
    assert!(
        page.contains("<button class=\"primary\" type=\"submit\" id=\"sync-now\""),
        "{page}"
    );
}
