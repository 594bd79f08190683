//! G2: `erase --email` removes every trace of a person, keeps a receipt, and is
//! idempotent; `--dry-run` changes nothing.

use serde_json::Value;

use crate::helpers::{array, TestApp};

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
