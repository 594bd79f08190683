//! #23: what the call said — next steps, action items, outcome, outline — reaches the
//! activity from the same Gong request; private calls keep none of it.

use crate::helpers::{sim_config, TestApp};

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
