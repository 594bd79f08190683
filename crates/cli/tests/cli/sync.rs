//! Sync rules S1–S4 and S7 through `gong-timeline sync`, plus its exit codes and C4.

use std::path::Path;

use serde_json::{json, Value};

use crate::helpers::{find, scenario_path, TestApp, CONNECTION};

const KICKOFF: &str = "8100000000000000001";
const PRICING: &str = "8100000000000000002";
const RENEWAL: &str = "7390156482217734615";
const QBR: &str = "7390156482217734616";
const HIDDEN_TRACKERS: &str = "7390156482217734617";
const PRIVATE: &str = "7390156482217734618";

fn ids(activities: &[Value]) -> Vec<(Value, Value)> {
    let mut ids: Vec<(Value, Value)> = activities
        .iter()
        .map(|a| (a["id"].clone(), a["external_id"].clone()))
        .collect();
    ids.sort_by_key(|(id, _)| id.as_i64());
    ids
}

#[tokio::test]
async fn s1_a_resync_of_unchanged_meetings_creates_nothing_and_logs_nothing() {
    // Arrange
    let app = TestApp::with_scenario("resync.json").await;
    let first = app.sync().await;
    assert_eq!(first["created"], 3, "{first}");
    let before = app.activities().await;

    // Act
    let second = app.sync().await;

    // Assert
    assert_eq!(second["status"], "Success", "{second}");
    assert_eq!(
        second["fetched"], 3,
        "the look-back re-reads the meetings: {second}"
    );
    assert_eq!(
        (&second["created"], &second["updated"]),
        (&json!(0), &json!(0))
    );
    assert_eq!(app.records(&second["id"]).await, Vec::<Value>::new());
    assert_eq!(app.activities().await, before);
}

#[tokio::test]
async fn s1_a_changed_title_updates_the_same_activity_in_place() {
    // Arrange: sync, then serve the scenario file with one title edited, same port.
    let mut app = TestApp::with_scenario("resync.json").await;
    app.sync().await;
    let before = app.activities().await;
    let original = std::fs::read_to_string(scenario_path("resync.json")).expect("scenario");
    let edited = original.replace("Northwind | pricing", "Northwind | pricing (signed)");
    assert_ne!(edited, original);
    let edited = app.write("resync-edited.json", &edited);
    app.replace_scenario(Path::new(&edited)).await;

    // Act
    let job = app.sync().await;

    // Assert
    assert_eq!(
        (&job["created"], &job["updated"], &job["fetched"]),
        (&json!(0), &json!(1), &json!(3)),
        "{job}"
    );
    let after = app.activities().await;
    assert_eq!(ids(&after), ids(&before), "same activities, same ids");
    let changed = find(&after, "gong_call_id", PRICING);
    assert_eq!(changed["subject"], "Northwind | pricing (signed)");
    assert_eq!(changed["id"], find(&before, "gong_call_id", PRICING)["id"]);
    assert_eq!(
        find(&after, "gong_call_id", KICKOFF),
        find(&before, "gong_call_id", KICKOFF)
    );
    let records = app.records(&job["id"]).await;
    assert_eq!(records.len(), 1, "{records:#?}");
    assert_eq!(records[0]["gong_call_id"], PRICING);
    assert_eq!(records[0]["status"], "Updated");
    assert_eq!(records[0]["activity_id"], changed["id"]);
    assert_eq!(records[0]["title"], "Northwind | pricing (signed)");
}

#[tokio::test]
async fn s2_a_private_meeting_is_skipped_and_logged_as_skipped() {
    // Arrange
    let app = TestApp::with_scenario("meetings.json").await;

    // Act
    let job = app.sync().await;

    // Assert
    let records = app.records(&job["id"]).await;
    let private = find(&records, "gong_call_id", PRIVATE);
    assert_eq!(private["status"], "Skipped");
    assert_eq!(private["activity_id"], Value::Null);
    assert_eq!(
        private["title"],
        Value::Null,
        "its title stays in Gong (M1)"
    );
    assert!(
        private["message"]
            .as_str()
            .is_some_and(|m| m.to_lowercase().contains("private")),
        "{private}"
    );
    let activities = app.activities().await;
    assert!(activities.iter().all(|a| a["gong_call_id"] != PRIVATE));
    assert!(job["skipped"].as_u64() >= Some(1), "{job}");
}

#[tokio::test]
async fn s3_an_activity_carries_every_captured_field_of_its_meeting() {
    // Arrange
    let app = TestApp::with_scenario("meetings.json").await;

    // Act
    app.sync().await;

    // Assert
    let activities = app.activities().await;
    let a = find(&activities, "gong_call_id", RENEWAL);
    let users = app.users().await;
    let lena = find(&users, "email", "lena.ortiz@acme.example");
    let persons = crate::helpers::array(app.json(&["persons", "list", "--format", "json"]).await);
    let raj = find(&persons, "email", "raj@northwind.example");

    assert_eq!(a["type"], "Meeting");
    assert_eq!(a["subject"], "Northwind | renewal");
    let date: chrono::DateTime<chrono::Utc> =
        a["date"].as_str().expect("date").parse().expect("RFC 3339");
    assert_eq!(date, app.at("2025-01-02T09:15:00Z"));
    assert_eq!(a["duration_seconds"], 2714);
    let recording = a["recording_url"].as_str().expect("a recording link");
    assert!(
        recording.starts_with(app.sim().base_url()) && recording.contains(RENEWAL),
        "{recording}"
    );
    assert!(a["external_id"]
        .as_str()
        .is_some_and(|e| e.contains(RENEWAL)));
    let companies =
        crate::helpers::array(app.json(&["companies", "list", "--format", "json"]).await);
    let northwind = find(&companies, "name", "Northwind");
    assert_eq!(
        a["company"],
        json!({"id": northwind["id"], "name": "Northwind", "crm_account_id": "0015g00000XyZ12AAF"}),
        "SPEC's company{{name, crm_account_id}}, with its id"
    );
    assert_eq!(
        a["author"],
        json!({"id": lena["id"], "email": "lena.ortiz@acme.example",
               "name": "Lena Ortiz", "license_type": "Full"})
    );
    let mut internal: Vec<&str> = a["internal_attendees"]
        .as_array()
        .expect("internal attendees")
        .iter()
        .map(|i| i["email"].as_str().expect("email"))
        .collect();
    internal.sort_unstable();
    assert_eq!(
        internal,
        ["lena.ortiz@acme.example", "marcus.hale@acme.example"]
    );
    let external = a["external_attendees"].as_array().expect("external");
    assert_eq!(
        find(external, "email", "raj@northwind.example"),
        &json!({"email": "raj@northwind.example", "name": "Raj Patel", "person": raj["id"]})
    );
    assert_eq!(
        find(external, "email", "sam@guest.example"),
        &json!({"email": "sam@guest.example", "name": "Sam Guest", "person": null}),
        "an unknown external attendee is kept as name + email"
    );
    let trackers = a["trackers"].as_array().expect("trackers");
    assert_eq!(
        trackers.len(),
        2,
        "the tracker without API results is not there: {trackers:#?}"
    );
    let competitors = find(trackers, "name", "Competitors");
    assert_eq!(competitors["count"], 3);
    let mut phrases = competitors["phrases"].as_array().expect("phrases").clone();
    phrases.sort_by_key(|p| p["phrase"].as_str().map(String::from));
    assert_eq!(
        phrases,
        vec![
            json!({"phrase": "Contoso", "count": 2}),
            json!({"phrase": "Fabrikam", "count": 1})
        ]
    );
    assert_eq!(find(trackers, "name", "Pricing")["count"], 1);
    assert_eq!(a["trackers_message"], Value::Null);
    let notes = a["notes"].as_str().expect("notes from Gong's brief");
    assert!(
        notes.contains("Renewal discussed.") && notes.contains("Price"),
        "{notes}"
    );
}

#[tokio::test]
async fn s4_a_meeting_without_tracker_data_is_synced_with_the_trackers_message() {
    // Arrange
    let app = TestApp::with_scenario("meetings.json").await;

    // Act
    let job = app.sync().await;

    // Assert
    let activities = app.activities().await;
    let records = app.records(&job["id"]).await;
    for call in [QBR, HIDDEN_TRACKERS] {
        let a = find(&activities, "gong_call_id", call);
        assert_eq!(a["trackers"], json!([]), "{a}");
        assert_eq!(a["trackers_message"], "The Trackers have failed to load.");
        let record = find(&records, "gong_call_id", call);
        assert_eq!(record["status"], "Created");
        assert_eq!(record["message"], "The Trackers have failed to load.");
    }
    let table = app.ok(&["activities"]).await;
    assert!(
        table.contains("The Trackers have failed to load."),
        "the table shows it too:\n{table}"
    );
}

#[tokio::test]
async fn s7_the_first_sync_backfills_its_window_and_later_syncs_read_the_look_back_never_past_it() {
    // Arrange: calls 4 hours, 28 hours and 14 days old; a one-day backfill.
    let app = TestApp::with_scenario("window.json").await;
    app.set_settings(&["--backfill-days", "1"]).await;

    // Act
    let first = app.sync().await;
    let second = app.sync().await;
    let third = app.sync().await;

    // Assert
    assert_eq!(
        (&first["fetched"], &first["created"]),
        (&json!(1), &json!(1)),
        "only the last day: {first}"
    );
    assert_eq!(
        (&second["fetched"], &second["created"]),
        (&json!(1), &json!(0)),
        "the checkpoint minus 24 hours; the first backfill was the reconciliation: {second}"
    );
    assert_eq!(
        (&third["fetched"], &third["created"]),
        (&json!(1), &json!(0)),
        "a re-read unchanged meeting costs nothing: {third}"
    );
    assert_eq!(
        app.activities().await.len(),
        1,
        "nothing older than the 1-day backfill is ever synced"
    );
}

#[tokio::test]
async fn sync_exits_non_zero_with_a_message_when_the_job_fails() {
    // Arrange: a working connection, then Gong refuses its key (a revoked key).
    let app = TestApp::with_scenario("resync.json").await;
    let base_url = app.sim().base_url().to_string();
    let config = crate::helpers::sim_config();
    app.ok(&[
        "connection",
        "create",
        "--name",
        "broken",
        "--base-url",
        &base_url,
        "--access-key",
        &config.access_key,
        "--access-key-secret",
        &config.access_secret,
        // The test app's connection syncs this simulator's account already (S10).
        "--replace",
    ])
    .await;
    app.sim().controls().fail_next(1, 401);

    // Act
    let run = app
        .fails(&["sync", "--connection", "broken", "--format", "json"])
        .await;

    // Assert: the job failed, with its reason in the summary, the log and the list.
    let summary: Value = serde_json::from_str(&run.stdout).expect("a JSON summary");
    assert_eq!(summary["status"], "Failed", "{summary}");
    let message = summary["message"].as_str().expect("why it failed");
    assert!(message.contains("Gong refused"), "{message}");
    let jobs = app.jobs().await;
    let job = find(&jobs, "id", summary["id"].clone());
    assert_eq!(job["status"], "Failed");
    assert!(app.activities().await.is_empty());
    assert!(
        !run.output().contains(&config.access_secret),
        "C4: {run:#?}"
    );
    let connections =
        crate::helpers::array(app.json(&["connection", "list", "--format", "json"]).await);
    let broken = find(&connections, "name", "broken");
    assert_eq!(broken["status"], "Needs re-authorisation", "{broken}");
    assert_eq!(broken["last_job"]["id"], summary["id"], "{broken}");
    assert_eq!(broken["last_job"]["status"], "Failed", "{broken}");
    assert_eq!(
        broken["last_job"]["message"], summary["message"],
        "{broken}"
    );

    // The admin re-enters the key (checked with Gong); the next sync works.
    app.ok(&[
        "connection",
        "update",
        "--name",
        "broken",
        "--access-key",
        &config.access_key,
        "--access-key-secret",
        &config.access_secret,
    ])
    .await;
    let fixed = app
        .json(&["sync", "--connection", "broken", "--format", "json"])
        .await;
    assert_ne!(fixed["status"], "Failed", "{fixed}");
    let connections =
        crate::helpers::array(app.json(&["connection", "list", "--format", "json"]).await);
    assert_eq!(find(&connections, "name", "broken")["status"], "Authorised");
}

#[tokio::test]
async fn sync_of_an_unknown_connection_is_refused_naming_the_known_ones() {
    let app = TestApp::with_scenario("resync.json").await;

    let run = app.fails(&["sync", "--connection", "nope"]).await;

    assert!(
        run.stderr.contains("nope") && run.stderr.contains(CONNECTION),
        "{run:#?}"
    );
    assert!(app.jobs().await.is_empty());
}

#[tokio::test]
async fn c4_credentials_never_appear_in_output_exports_or_the_database_file() {
    // Arrange
    let app = TestApp::with_scenario("meetings.json").await;
    let secret = crate::helpers::sim_config().access_secret;

    // Act
    let job = app.sync().await;
    let listing = app.ok(&["connection", "list", "--format", "json"]).await;
    let table = app.ok(&["connection", "list"]).await;
    let export = app.dir.path().join("job.xlsx");
    let job_id = job["id"].to_string();
    app.ok(&[
        "log",
        "export",
        "--job",
        &job_id,
        "--output",
        export.to_str().expect("path"),
    ])
    .await;

    // Assert
    for text in [&listing, &table, &job.to_string()] {
        assert!(!text.contains(&secret), "{text}");
    }
    let bytes = std::fs::read(&export).expect("export");
    assert!(!contains(&bytes, secret.as_bytes()));
    for entry in std::fs::read_dir(app.dir.path()).expect("dir") {
        let path = entry.expect("entry").path();
        if path.is_file() {
            let bytes = std::fs::read(&path).expect("read");
            assert!(
                !contains(&bytes, secret.as_bytes()),
                "{} holds the secret in clear",
                path.display()
            );
        }
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test]
async fn s1_changed_attendees_trackers_and_duration_update_in_place() {
    // Arrange: the kickoff call gains an attendee, a tracker hit and ten minutes.
    let mut app = TestApp::with_scenario("resync.json").await;
    app.sync().await;
    let before = app.activities().await;
    let mut scenario: Value =
        serde_json::from_str(&std::fs::read_to_string(scenario_path("resync.json")).expect("read"))
            .expect("JSON");
    let kickoff = &mut scenario["calls"][0];
    assert_eq!(kickoff["id"], KICKOFF);
    kickoff["duration"] = json!(1800);
    kickoff["parties"].as_array_mut().expect("parties").push(
        json!({"name": "Pia Novak", "email": "pia@northwind.example", "affiliation": "External"}),
    );
    kickoff["trackers"] = json!([{"name": "Competitors", "count": 4, "phrases": [{"phrase": "Contoso", "count": 4}]}]);
    let edited = app.write("resync-edited.json", &scenario.to_string());
    app.replace_scenario(Path::new(&edited)).await;

    // Act
    let job = app.sync().await;

    // Assert
    assert_eq!(
        (&job["created"], &job["updated"]),
        (&json!(0), &json!(1)),
        "{job}"
    );
    let after = app.activities().await;
    assert_eq!(ids(&after), ids(&before));
    let a = find(&after, "gong_call_id", KICKOFF);
    assert_eq!(a["duration_seconds"], 1800);
    assert_eq!(a["external_attendees"].as_array().map(Vec::len), Some(2));
    assert_eq!(a["trackers"][0]["count"], 4);
    let records = app.records(&job["id"]).await;
    assert_eq!(records.len(), 1);
    assert_eq!(
        (&records[0]["gong_call_id"], &records[0]["status"]),
        (&json!(KICKOFF), &json!("Updated"))
    );
}

#[tokio::test]
async fn s2_a_meeting_made_private_after_it_was_synced_leaves_the_timeline() {
    // Arrange
    let mut app = TestApp::with_scenario("resync.json").await;
    app.sync().await;
    let original = std::fs::read_to_string(scenario_path("resync.json")).expect("scenario");
    let mut scenario: Value = serde_json::from_str(&original).expect("JSON");
    scenario["calls"][1]["isPrivate"] = json!(true);
    let edited = app.write("resync-private.json", &scenario.to_string());
    app.replace_scenario(Path::new(&edited)).await;

    // Act
    let job = app.sync().await;

    // Assert
    let records = app.records(&job["id"]).await;
    let record = find(&records, "gong_call_id", PRICING);
    assert_eq!(record["status"], "Skipped", "{records:#?}");
    let activities = app.activities().await;
    assert!(
        activities.iter().all(|a| a["gong_call_id"] != PRICING),
        "a private meeting is not shown on the Timeline: {:#}",
        find(&activities, "gong_call_id", PRICING)
    );
}
