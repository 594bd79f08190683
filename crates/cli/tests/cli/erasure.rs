//! G2: `erase --email` removes every trace of a person, keeps a receipt, and is
//! idempotent; `--dry-run` changes nothing.

use gong_timeline_gong_sim::SimConfig;
use serde_json::Value;

use crate::helpers::{array, sim_config, TestApp};

/// An external attendee of the `meetings.json` scenario, and a company person.
const RAJ: &str = "raj@northwind.example";

/// Every file of the SQLite database (main file, write-ahead log), lowercased.
fn database_text(app: &TestApp) -> Option<String> {
    let path = app.db.strip_prefix("sqlite://")?;
    let mut text = Vec::new();
    for suffix in ["", "-wal"] {
        if let Ok(bytes) = std::fs::read(format!("{path}{suffix}")) {
            text.extend(bytes);
        }
    }
    Some(String::from_utf8_lossy(&text).to_lowercase())
}

fn mentions(activities: &[Value], email: &str) -> bool {
    activities.iter().any(|a| a.to_string().contains(email))
}

#[tokio::test]
async fn g2_erase_removes_every_trace_of_the_address_and_keeps_a_receipt() {
    // Arrange
    let app = TestApp::with_scenario("meetings.json").await;
    app.sync().await;
    assert!(
        mentions(&app.activities().await, RAJ),
        "the person is there"
    );
    if let Some(text) = database_text(&app) {
        assert!(text.contains(RAJ), "the database file holds the address");
    }

    // Act: a dry run, then the erasure (the address in another letter case).
    let dry = app
        .json(&[
            "erase",
            "--email",
            "Raj@Northwind.example",
            "--dry-run",
            "--format",
            "json",
        ])
        .await;
    let still = app.activities().await;
    let receipt = app
        .json(&[
            "erase",
            "--email",
            "Raj@Northwind.example",
            "--format",
            "json",
        ])
        .await;

    // Assert
    assert!(mentions(&still, RAJ), "a dry run changes nothing");
    assert_eq!(dry["dry_run"], true, "{dry}");
    assert_eq!(dry["id"], Value::Null, "{dry}");
    assert_eq!(
        dry["counts"], receipt["counts"],
        "the dry run counted the same"
    );
    assert_eq!(receipt["counts"]["persons"], 1, "{receipt}");
    assert!(
        receipt["counts"]["activities"].as_u64() >= Some(1),
        "{receipt}"
    );
    assert!(
        receipt["counts"]["stored_meetings"].as_u64() >= Some(1),
        "{receipt}"
    );
    assert!(receipt["id"].is_i64(), "{receipt}");
    assert!(
        !receipt.to_string().contains(RAJ),
        "the receipt keeps a hash: {receipt}"
    );

    let activities = app.activities().await;
    assert!(!mentions(&activities, RAJ), "no activity names the address");
    assert!(
        activities
            .iter()
            .any(|a| a.to_string().contains("Erased attendee")),
        "the attendee stays, erased"
    );
    let persons = array(app.json(&["persons", "list", "--format", "json"]).await);
    assert!(persons.iter().all(|p| p["email"] != RAJ));
    if let Some(text) = database_text(&app) {
        assert!(
            !text.contains(RAJ),
            "no byte of the database files holds the address"
        );
    }

    let again = app.ok(&["erase", "--email", RAJ]).await;
    assert!(again.contains("No row held this address."), "{again}");
}

#[tokio::test]
async fn g2_erase_refuses_a_malformed_address_and_changes_nothing() {
    // Arrange
    let app = TestApp::with_scenario("meetings.json").await;
    app.sync().await;
    let before = app.activities().await;

    // Act
    let run = app
        .fails(&["erase", "--email", "raj-northwind.example"])
        .await;

    // Assert
    assert!(
        run.stderr.contains("invalid email 'raj-northwind.example'"),
        "{run:#?}"
    );
    assert!(run.stderr.contains("--email"), "{run:#?}");
    assert_eq!(app.activities().await, before);
}

/// The calls of the simulator that have a party with `email`.
fn gong_calls_with(app: &TestApp, email: &str) -> usize {
    let ds = app.sim().dataset();
    (0..ds.call_count())
        .filter_map(|i| ds.call(i))
        .filter(|c| !app.sim().state().is_gone(&c.id))
        .filter(|c| c.parties.iter().any(|p| p.email.as_deref() == Some(email)))
        .count()
}

#[tokio::test]
async fn g2_also_in_gong_has_gong_erase_the_address_and_waits_until_it_is_gone() {
    // Arrange
    let app = TestApp::with_scenario("meetings.json").await;
    app.sync().await;
    assert!(gong_calls_with(&app, RAJ) > 0);

    // Act: the dry run only looks; the erasure asks Gong and follows it.
    let looked = app
        .ok(&["erase", "--email", RAJ, "--also-in-gong", "--dry-run"])
        .await;
    let still_there = gong_calls_with(&app, RAJ);
    let erased = app.ok(&["erase", "--email", RAJ, "--also-in-gong"]).await;

    // Assert
    assert!(
        looked.contains("Gong (connection 'gong') holds "),
        "{looked}"
    );
    assert!(still_there > 0, "a dry run asks Gong to erase nothing");
    assert!(erased.contains("accepted the erasure"), "{erased}");
    assert!(
        erased.contains("holds nothing more with this address"),
        "{erased}"
    );
    assert_eq!(
        gong_calls_with(&app, RAJ),
        0,
        "Gong no longer has the calls"
    );
    let stats = app.sim().controls().stats();
    assert_eq!(
        stats.count("POST /v2/data-privacy/erase-data-for-email-address"),
        1,
        "one erase request"
    );
}

#[tokio::test]
async fn g2_a_gong_refusal_is_shown_verbatim_with_what_to_do_and_the_local_erasure_stands() {
    // Arrange: the address of the busiest Gong user, in more calls than Gong erases at once.
    let app = TestApp::with_config(SimConfig {
        calls: 600,
        users: 4,
        ..sim_config()
    })
    .await;
    let ds = app.sim().dataset();
    let busiest = ds
        .users()
        .iter()
        .map(|u| u.email.clone())
        .max_by_key(|e| gong_calls_with(&app, e))
        .expect("a user");
    assert!(gong_calls_with(&app, &busiest) > 50);

    // Act
    let run = app
        .fails(&["erase", "--email", &busiest, "--also-in-gong"])
        .await;

    // Assert
    assert_eq!(run.code, Some(1), "{run:#?}");
    assert!(
        run.stdout.contains("Erased "),
        "the local erasure is done: {run:#?}"
    );
    assert!(
        run.stderr.contains("Data integrity protection"),
        "Gong's words: {run:#?}"
    );
    assert!(run.stderr.contains("help@gong.io"), "{run:#?}");
    assert!(run.stderr.contains("the erasure here is done"), "{run:#?}");
    assert!(gong_calls_with(&app, &busiest) > 50, "Gong erased nothing");
}
