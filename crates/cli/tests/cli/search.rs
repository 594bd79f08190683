//! #20 item 11: `activities --search TEXT` finds activities by subject, brief and key
//! points, attendees and trackers, ignoring case; S9: and by their transcript's
//! words, which `activities --transcript ID` prints.

use serde_json::Value;

use crate::helpers::{sim_config, TestApp};

/// Whether `activity` holds `text` (lowercase) where a search looks.
fn holds(activity: &Value, text: &str) -> bool {
    let has = |v: &Value| v.as_str().is_some_and(|s| s.to_lowercase().contains(text));
    let attendees = |key: &str| {
        activity[key]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| has(&a["email"]) || has(&a["name"]))
    };
    let trackers = activity["trackers"]
        .as_array()
        .is_some_and(|t| t.iter().any(|t| has(&t["name"])));
    has(&activity["subject"])
        || has(&activity["notes"])
        || attendees("internal_attendees")
        || attendees("external_attendees")
        || trackers
}

#[tokio::test]
async fn activities_search_finds_what_the_listing_holds_and_nothing_else() {
    // Arrange
    let app = TestApp::with_config(sim_config()).await;
    app.sync().await;
    let all = app.json(&["activities", "--format", "json"]).await;
    let all = all.as_array().unwrap();
    let attendee = all
        .iter()
        .find_map(|a| a["external_attendees"][0]["email"].as_str())
        .expect("an external attendee")
        .to_uppercase();
    let word = all[0]["subject"]
        .as_str()
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();

    for text in [attendee.as_str(), word.as_str()] {
        // Act
        let found = app
            .json(&["activities", "--search", text, "--format", "json"])
            .await;

        // Assert
        let lower = text.to_lowercase();
        let expected: Vec<&Value> = all.iter().filter(|a| holds(a, &lower)).collect();
        let found = found.as_array().unwrap();
        assert!(!found.is_empty(), "'{text}' finds something");
        assert_eq!(found.len(), expected.len(), "'{text}'");
        assert!(found.iter().all(|a| holds(a, &lower)), "'{text}'");
    }
    let none = app
        .json(&[
            "activities",
            "--search",
            "no such words 42",
            "--format",
            "json",
        ])
        .await;
    assert_eq!(none, Value::Array(Vec::new()));
}

#[tokio::test]
async fn s9_with_transcripts_on_activities_print_their_transcript_and_are_found_by_its_words() {
    // Arrange
    let app = TestApp::with_config(sim_config()).await;
    app.set_settings(&["--transcripts", "true"]).await;
    let shown = app
        .json(&[
            "settings",
            "show",
            "--connection",
            "gong",
            "--format",
            "json",
        ])
        .await;
    assert_eq!(shown["transcripts"], Value::Bool(true));
    app.sync().await;
    let all = app.json(&["activities", "--format", "json"]).await;
    let id = all[0]["id"].as_i64().expect("an activity").to_string();

    // Act
    let transcript = app
        .json(&["activities", "--transcript", &id, "--format", "json"])
        .await;
    let table = app.ok(&["activities", "--transcript", &id]).await;

    // Assert
    let first = &transcript["monologues"][0];
    assert!(first["speaker"].is_string(), "{transcript}");
    assert!(["Internal", "External", "Unknown"].contains(&first["affiliation"].as_str().unwrap()));
    let sentence = first["sentences"][0]["text"].as_str().unwrap().to_string();
    assert!(table.contains(&sentence), "{table}");
    assert!(
        table.contains(first["speaker"].as_str().unwrap()),
        "{table}"
    );
    let found = app
        .json(&["activities", "--search", &sentence, "--format", "json"])
        .await;
    let ids: Vec<String> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].to_string())
        .collect();
    assert!(ids.contains(&id), "'{sentence}' finds activity {id}");
}

#[tokio::test]
async fn s9_an_activity_without_a_transcript_says_how_to_get_one() {
    let app = TestApp::with_config(sim_config()).await;
    app.sync().await;
    let all = app.json(&["activities", "--format", "json"]).await;
    let id = all[0]["id"].as_i64().expect("an activity").to_string();
    let run = app.run(&["activities", "--transcript", &id]).await;
    assert!(!run.success());
    assert!(
        run.output().contains("--transcripts true"),
        "{}",
        run.output()
    );
}
