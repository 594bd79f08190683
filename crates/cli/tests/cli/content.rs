//! #23: what the call said — next steps, action items, outcome, outline — reaches the
//! activity from the same Gong request; private calls keep none of it. The outcome
//! carries its sentiment from `GET /v2/call-outcomes`, read once a day (S9).

use crate::helpers::{sim_config, TestApp, CONNECTION};

const OUTCOMES: [&str; 5] = [
    "Demo scheduled",
    "Renewal confirmed",
    "Follow-up needed",
    "No decision",
    "Closed lost",
];

#[tokio::test]
async fn activities_carry_next_steps_action_items_outcome_and_outline_at_no_extra_request() {
    // Arrange
    let app = TestApp::with_config(sim_config()).await;

    // Act
    let job = app.sync().await;
    let activities = app.json(&["activities", "--format", "json"]).await;

    // Assert: the same requests as before content (pages of 100 and the users).
    let stats = app.sim().controls().stats();
    assert_eq!(
        stats.per_path.get("POST /v2/calls/extensive"),
        Some(&10),
        "{job}"
    );
    let all = activities.as_array().unwrap();
    let with_steps = all
        .iter()
        .filter(|a| !a["next_steps"].as_array().unwrap().is_empty())
        .count();
    assert!(
        with_steps * 2 > all.len(),
        "most calls have next steps: {with_steps} of {}",
        all.len()
    );
    assert!(all
        .iter()
        .any(|a| !a["action_items"].as_array().unwrap().is_empty()));
    for a in all {
        let outcome = &a["outcome"];
        assert!(
            OUTCOMES.contains(&outcome["name"].as_str().unwrap_or("")),
            "{outcome}"
        );
        assert!(outcome["category"].is_string(), "{outcome}");
        let outline = a["outline"].as_array().unwrap();
        assert!(outline.iter().all(|s| s["section"].is_string()), "{a}");
    }
}

#[tokio::test]
async fn s9_outcomes_carry_their_sentiment_from_one_call_outcomes_request_a_day() {
    // Arrange
    let app = TestApp::with_config(sim_config()).await;

    // Act: two syncs within the day.
    let first = app.sync().await;
    let after_first = app.sim().controls().stats().count("GET /v2/call-outcomes");
    let second = app.sync().await;
    let activities = app.json(&["activities", "--format", "json"]).await;
    let usage = app
        .json(&["usage", "--connection", CONNECTION, "--format", "json"])
        .await;

    // Assert: one request, at the first sync's start, counted as Gong settings.
    assert_eq!(after_first, 1, "{first}");
    assert_eq!(
        app.sim().controls().stats().count("GET /v2/call-outcomes"),
        1,
        "the second sync reads the cached list: {second}"
    );
    let counted: Vec<&serde_json::Value> = usage["days"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["endpoint"] == "/v2/call-outcomes")
        .collect();
    assert_eq!(counted.len(), 1, "{usage}");
    assert_eq!(counted[0]["purpose"], "settings", "{usage}");
    assert_eq!(counted[0]["requests"], 1, "{usage}");
    // The simulator's outcomes have their sentiment as their category.
    let all = activities.as_array().unwrap();
    assert!(!all.is_empty());
    for a in all {
        let outcome = &a["outcome"];
        assert_eq!(outcome["sentiment"], outcome["category"], "{a}");
        assert!(
            ["Positive", "Neutral", "Negative"]
                .contains(&outcome["sentiment"].as_str().unwrap_or("")),
            "{outcome}"
        );
    }
}
