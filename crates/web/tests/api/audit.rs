//! A4 from the web: a change made on a page or through the API is recorded with its
//! admin and channel, no secret reaches the log, and the log reads as a page and as
//! keyset pages of the API.

use serde_json::Value;

use crate::helpers::spawn_app;

/// The newest entries, from the API.
async fn entries(app: &crate::helpers::TestApp) -> Vec<Value> {
    let (status, page) = app.get("/audit?limit=100").await;
    assert_eq!(status, 200, "{page}");
    page["items"].as_array().cloned().unwrap_or_default()
}

fn find<'a>(entries: &'a [Value], action: &str, target: &str) -> &'a Value {
    entries
        .iter()
        .find(|e| e["action"] == action && e["target"] == target)
        .unwrap_or_else(|| panic!("no '{action}' of {target} in {entries:#?}"))
}

#[tokio::test]
async fn a4_a_page_change_and_an_api_change_are_recorded_with_their_admin_and_channel() {
    let app = spawn_app().await;
    let s = app.login().await;
    // A page: an access-key connection, its secret posted in the form.
    let secret = "sim-secret";
    let (status, location, body) = app
        .form(
            &s,
            "/connectors",
            &[
                ("name", "acme"),
                ("kind", "basic"),
                ("base_url", &app.sim.base_url()),
                ("access_key", "sim-access-key"),
                ("access_key_secret", secret),
            ],
        )
        .await;
    assert_eq!(status, 303, "{body}");
    let id: i64 = location
        .trim_start_matches("/connectors/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    // The key again on the connection's page (re-keyed: checked with Gong).
    let (status, _, body) = app
        .form(
            &s,
            &format!("/connectors/{id}/update"),
            &[
                ("name", "acme"),
                ("access_key", "sim-access-key"),
                ("access_key_secret", secret),
            ],
        )
        .await;
    assert_eq!(status, 303, "{body}");
    // The API: the quota.
    let (status, body) = app
        .api(
            reqwest::Method::PUT,
            &format!("/connections/{id}/quota"),
            Some(serde_json::json!({"daily_budget": 1234})),
        )
        .await;
    assert_eq!(status, 200, "{body}");

    let all = entries(&app).await;
    let created = find(&all, "connection created", "connection 'acme'");
    assert_eq!(
        (&created["actor"], &created["channel"]),
        (&Value::from("admin"), &Value::from("ui"))
    );
    assert_eq!(created["after"]["auth"], "Basic", "{created}");
    let updated = find(&all, "connection updated", "connection 'acme'");
    assert_eq!(updated["channel"], "ui");
    assert_eq!(updated["after"]["key_replaced"], true, "{updated}");
    let quota = find(&all, "quota changed", "connection 'acme'");
    assert_eq!(
        (&quota["actor"], &quota["channel"]),
        (&Value::from("admin"), &Value::from("api"))
    );
    assert_eq!(quota["before"]["daily_budget"], 5000, "{quota}");
    assert_eq!(quota["after"]["daily_budget"], 1234, "{quota}");
    // Newest first.
    assert_eq!(all[0]["action"], "quota changed");

    // No secret anywhere: not in the API's answer, not on the page.
    let (_, raw) = app.get("/audit?limit=500").await;
    assert!(!raw.to_string().contains(secret), "{raw}");
    let (status, html) = app.page(&s, "/audit").await;
    assert_eq!(status, 200, "{html}");
    assert!(!html.contains(secret));
    assert!(html.contains("id=\"audit\""), "a table: {html}");
    assert!(html.contains("connection created") && html.contains("quota changed"));
    assert!(html.contains("<details"), "before/after folded: {html}");
    assert!(html.contains("href=\"/audit\""), "linked in the navigation");
}

#[tokio::test]
async fn a4_tokens_settings_and_deletion_from_the_web_are_recorded_without_the_token() {
    let app = spawn_app().await;
    let s = app.login().await;
    let id = app.basic_connection("acme").await;
    let (status, _, page) = app
        .form(&s, "/tokens", &[("name", "ci"), ("scope", "read")])
        .await;
    assert_eq!(status, 200, "{page}");
    let start = page.find("id=\"new-token\">").expect("token shown") + 15;
    let plain = page[start..].split('<').next().unwrap().to_string();
    let (status, body) = app
        .api(
            reqwest::Method::PUT,
            &format!("/connections/{id}/settings"),
            Some(serde_json::json!({"enabled": false, "backfill_days": 10})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = app
        .api(reqwest::Method::DELETE, &format!("/connections/{id}"), None)
        .await;
    assert_eq!(status, 204, "{body}");

    let all = entries(&app).await;
    let token = find(&all, "API token created", "API token 'ci' of admin 'admin'");
    assert_eq!(token["channel"], "ui");
    assert_eq!(token["after"]["scope"], "read");
    let settings = find(&all, "settings changed", "connection 'acme'");
    assert_eq!(settings["channel"], "api");
    assert_eq!(settings["after"]["backfill_days"], 10, "{settings}");
    assert_ne!(settings["before"]["backfill_days"], 10, "{settings}");
    let deleted = find(&all, "connection deleted", "connection 'acme'");
    assert_eq!(deleted["before"]["name"], "acme");
    find(&all, "connection created", "connection 'acme'");
    let (_, raw) = app.get("/audit?limit=500").await;
    assert!(
        !raw.to_string().contains(&plain),
        "the token's value: {raw}"
    );
}

#[tokio::test]
async fn a4_the_log_reads_in_keyset_pages_newest_first() {
    let app = spawn_app().await;
    // One simulator is one Gong account: each replaces the one before (S10).
    for name in ["one", "two", "three"] {
        app.replacing_connection(name).await;
    }
    let (status, first) = app.get("/audit?limit=2").await;
    assert_eq!(status, 200, "{first}");
    let keys: Vec<&str> = first
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["items", "next"]);
    let targets = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["target"].as_str().unwrap().to_string())
            .collect()
    };
    // Newest first: each replacement is the old connection deleted, then the new
    // one created.
    assert_eq!(targets(&first), ["connection 'three'", "connection 'two'"]);
    let actions: Vec<&str> = first["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["connection created", "connection deleted"]);
    assert_eq!(first["items"][1]["after"]["replaced_by"], "three");
    let next = first["next"].as_i64().expect("a next page");
    let (_, second) = app.get(&format!("/audit?limit=2&before={next}")).await;
    assert_eq!(targets(&second), ["connection 'two'", "connection 'one'"]);
    let after_second = second["next"].as_i64().expect("a third page");
    let (_, third) = app
        .get(&format!("/audit?limit=2&before={after_second}"))
        .await;
    assert_eq!(targets(&third), ["connection 'one'"]);
    assert!(third["next"].is_null(), "{third}");
    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=x", "limit"),
        ("before=x", "before"),
    ] {
        let (status, body) = app.get(&format!("/audit?{query}")).await;
        assert_eq!(
            (status, body["error"]["field"].as_str()),
            (400, Some(field)),
            "{query}: {body}"
        );
    }
    // The page pages the same way.
    let s = app.login().await;
    let (status, html) = app.page(&s, "/audit?limit=2").await;
    assert_eq!(status, 200);
    assert!(
        html.contains(&format!("href=\"/audit?before={next}&amp;limit=2\"")),
        "{html}"
    );
}

#[tokio::test]
async fn s9_the_settings_form_turns_transcripts_on_and_off_and_each_change_is_recorded() {
    // Arrange
    let app = spawn_app().await;
    let s = app.login().await;
    let id = app.basic_connection("acme").await;
    let path = format!("/connectors/{id}/settings");
    let (_, form) = app.page(&s, &path).await;
    assert!(
        form.contains("name=\"transcripts\"") && form.contains("Fetch transcripts"),
        "{form}"
    );
    assert!(
        form.contains("id=\"transcripts-hint\"")
            && form.contains("One Gong request per 100 calls")
            && form.contains("api:calls:read:transcript")
            && form.contains("Re-authorise"),
        "{form}"
    );
    let save = |transcripts: bool| {
        let mut fields = vec![("activity_type", "Meeting")];
        if transcripts {
            fields.push(("transcripts", "on"));
        }
        fields
    };

    // Act: on (the toggle off, so no sync starts), then off.
    let (status, location, body) = app.form(&s, &path, &save(true)).await;
    assert_eq!(
        (status, location.as_str()),
        (303, format!("/connectors/{id}?updated=1").as_str()),
        "{body}"
    );
    let (_, on) = app.get(&format!("/connections/{id}/settings")).await;
    let (_, form) = app.page(&s, &path).await;
    let (status, _, body) = app.form(&s, &path, &save(false)).await;
    assert_eq!(status, 303, "{body}");
    let (_, off) = app.get(&format!("/connections/{id}/settings")).await;

    // Assert
    assert_eq!(on["transcripts"], true, "{on}");
    assert!(
        form.contains("id=\"transcripts\" value=\"on\" checked"),
        "the saved setting shows checked: {form}"
    );
    assert_eq!(off["transcripts"], false, "{off}");
    let all = entries(&app).await;
    let changes: Vec<&Value> = all
        .iter()
        .filter(|e| e["action"] == "settings changed" && e["target"] == "connection 'acme'")
        .collect();
    assert!(
        changes.iter().any(|e| e["channel"] == "ui"
            && e["before"]["transcripts"] == false
            && e["after"]["transcripts"] == true),
        "{changes:#?}"
    );
    assert!(
        changes
            .iter()
            .any(|e| e["before"]["transcripts"] == true && e["after"]["transcripts"] == false),
        "{changes:#?}"
    );
}
