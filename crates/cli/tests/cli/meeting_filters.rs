//! T6: filters on the call itself (`Meeting.title`, `Meeting.duration_seconds`, …),
//! typed like T5, applied by the sync and re-evaluated locally without Gong.

use std::collections::HashMap;

use serde_json::Value;

use crate::helpers::{sim_config, TestApp, CONNECTION};

/// The most frequent first word of the topics of the simulator's call titles
/// (`Company | Topic`).
fn common_title_word(app: &TestApp) -> String {
    let dataset = app.sim().dataset();
    let mut words: HashMap<String, usize> = HashMap::new();
    for i in 0..dataset.initial_count() {
        let call = dataset.call(i).expect("a call");
        let topic = call.title.rsplit('|').next().unwrap_or_default();
        if let Some(word) = topic.split_whitespace().next() {
            *words.entry(word.to_lowercase()).or_default() += 1;
        }
    }
    words.into_iter().max_by_key(|(_, n)| *n).expect("titles").0
}

fn skipped_by_title(records: &[Value]) -> usize {
    records
        .iter()
        .filter(|r| {
            r["status"] == "Skipped"
                && r["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("Meeting.title not contains"))
        })
        .count()
}

#[tokio::test]
async fn t6_a_title_exclusion_skips_those_calls_and_clearing_it_brings_them_back_without_gong() {
    // Arrange
    let app = TestApp::with_config(sim_config()).await;
    let word = common_title_word(&app);
    let filter = format!("Meeting.title not contains {word}");
    app.ok(&[
        "settings",
        "set",
        "--connection",
        CONNECTION,
        "--filter",
        &filter,
    ])
    .await;

    // Act: the first sync applies it.
    let job = app.sync().await;

    // Assert
    let records = app.records(&job["id"]).await;
    let skipped = skipped_by_title(&records);
    assert!(skipped > 0, "calls titled '{word}…' are skipped: {job}");
    let activities = app.json(&["activities", "--format", "json"]).await;
    assert!(
        activities.as_array().unwrap().iter().all(|a| !a["subject"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains(&word)),
        "no activity has '{word}' in its subject"
    );

    // Clearing the filter re-evaluates the stored calls: no call is read from Gong
    // again (the job reads Gong's users, as every job does).
    app.ok(&[
        "settings",
        "set",
        "--connection",
        CONNECTION,
        "--clear-filters",
    ])
    .await;
    let calls_read = || {
        let stats = app.sim().controls().stats();
        stats
            .per_path
            .get("POST /v2/calls/extensive")
            .copied()
            .unwrap_or(0)
    };
    let before = calls_read();
    let again = app
        .json(&[
            "sync",
            "--connection",
            CONNECTION,
            "--reevaluate",
            "--format",
            "json",
        ])
        .await;
    assert_eq!(calls_read(), before, "no call read again: {again}");
    assert!(
        again["created"].as_u64().unwrap() >= skipped as u64,
        "{again}"
    );
}

#[tokio::test]
async fn t6_a_meeting_filter_of_the_wrong_type_is_refused_and_nothing_is_saved() {
    let app = TestApp::with_config(sim_config()).await;
    let refused = app
        .fails(&[
            "settings",
            "set",
            "--connection",
            CONNECTION,
            "--filter",
            "Meeting.duration_seconds > long",
        ])
        .await;
    assert!(refused.stderr.contains("is a number field"), "{refused:#?}");
    let unknown = app
        .fails(&[
            "settings",
            "set",
            "--connection",
            CONNECTION,
            "--filter",
            "Meeting.topic = x",
        ])
        .await;
    assert!(unknown.stderr.contains("owner_email"), "{unknown:#?}");
    let shown = app
        .json(&[
            "settings",
            "show",
            "--connection",
            CONNECTION,
            "--format",
            "json",
        ])
        .await;
    assert_eq!(shown["filters"], Value::Array(Vec::new()));
}
