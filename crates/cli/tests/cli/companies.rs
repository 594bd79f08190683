//! Company resolution R1–R3 and the HubSpot rule C3 (`scenarios/companies.json`).

use serde_json::Value;

use crate::helpers::{find, TestApp, CONNECTION};

const R1_CALL: &str = "8200000000000000001";
const R2_CALL: &str = "8200000000000000002";
const R3_UNKNOWN: &str = "8200000000000000003";
const R3_NOTHING: &str = "8200000000000000004";
const C3_HUBSPOT: &str = "8200000000000000005";

/// Syncs the companies scenario; returns the activities and the job's records.
async fn synced() -> (TestApp, Vec<Value>, Vec<Value>) {
    let app = TestApp::with_scenario("companies.json").await;
    let job = app.sync().await;
    let activities = app.activities().await;
    let records = app.records(&job["id"]).await;
    (app, activities, records)
}

#[tokio::test]
async fn r1_a_15_character_salesforce_id_in_gong_finds_the_company_stored_with_18() {
    // Act
    let (_app, activities, _) = synced().await;

    // Assert: CRM wins over the Fabrikam contact also on the call.
    let a = find(&activities, "gong_call_id", R1_CALL);
    assert_eq!(a["company"]["name"], "Northwind");
    assert_eq!(a["company"]["crm_account_id"], "0015g00000XyZ12AAF");
}

#[tokio::test]
async fn r2_without_crm_context_the_company_with_most_matched_attendees_wins() {
    // Act
    let (_app, activities, records) = synced().await;

    // Assert: two Fabrikam persons (one email in other case) beat one Tailspin person.
    let a = find(&activities, "gong_call_id", R2_CALL);
    assert_eq!(a["company"]["name"], "Fabrikam");
    assert_eq!(find(&records, "gong_call_id", R2_CALL)["status"], "Created");
}

#[tokio::test]
async fn r3_unresolvable_meetings_fail_with_the_two_verbatim_messages() {
    // Act
    let (_app, activities, records) = synced().await;

    // Assert
    let unknown = find(&records, "gong_call_id", R3_UNKNOWN);
    assert_eq!(unknown["status"], "Failed");
    assert_eq!(
        unknown["message"],
        "Account and Contact data not found for Company Resolution."
    );
    assert_eq!(unknown["activity_id"], Value::Null);
    let nothing = find(&records, "gong_call_id", R3_NOTHING);
    assert_eq!(nothing["status"], "Failed");
    assert_eq!(
        nothing["message"],
        "CompanyId and Attendees information not present."
    );
    for call in [R3_UNKNOWN, R3_NOTHING] {
        assert!(activities.iter().all(|a| a["gong_call_id"] != call));
    }
}

#[tokio::test]
async fn r3_a_failed_meeting_heals_at_the_next_sync_once_its_company_is_imported() {
    // Arrange
    let app = TestApp::with_scenario("companies.json").await;
    app.sync().await;
    let csv = app.write(
        "late-company.csv",
        "name,crm_account_id,industry\nLatecomer,001999999999999,Software\n",
    );
    app.ok(&["import", "companies", &csv]).await;

    // Act
    let job = app.sync().await;

    // Assert
    let records = app.records(&job["id"]).await;
    assert_eq!(
        find(&records, "gong_call_id", R3_UNKNOWN)["status"],
        "Created"
    );
    let activities = app.activities().await;
    let healed = find(&activities, "gong_call_id", R3_UNKNOWN);
    assert_eq!(healed["company"]["name"], "Latecomer");
}

#[tokio::test]
async fn c3_hubspot_context_is_ignored_and_the_connection_warns() {
    // Arrange
    let app = TestApp::with_scenario("companies.json").await;
    let before = crate::helpers::array(app.json(&["connection", "list", "--format", "json"]).await);
    assert_eq!(find(&before, "name", CONNECTION)["hubspot_warning"], false);

    // Act
    app.sync().await;

    // Assert: the HubSpot account id equals Hubco's crm id, yet the contact decides.
    let activities = app.activities().await;
    let a = find(&activities, "gong_call_id", C3_HUBSPOT);
    assert_eq!(a["company"]["name"], "Tailspin");
    let after = crate::helpers::array(app.json(&["connection", "list", "--format", "json"]).await);
    assert_eq!(find(&after, "name", CONNECTION)["hubspot_warning"], true);
    let table = app.ok(&["connection", "list"]).await;
    assert!(table.contains("HubSpot"), "{table}");
}

/// Whether the connection list shows C3's HubSpot warning.
async fn hubspot_warning(app: &TestApp) -> Value {
    let list = crate::helpers::array(app.json(&["connection", "list", "--format", "json"]).await);
    find(&list, "name", CONNECTION)["hubspot_warning"].clone()
}

#[tokio::test]
async fn c3_the_hubspot_warning_stays_until_a_whole_reconciliation_sees_no_hubspot() {
    // Arrange: the warning is on; then Gong's calls carry no HubSpot context any more.
    let mut app = TestApp::with_scenario("companies.json").await;
    app.sync().await;
    assert_eq!(hubspot_warning(&app).await, true);
    let text = std::fs::read_to_string(crate::helpers::scenario_path("companies.json"))
        .expect("read the scenario");
    let mut scenario: Value = serde_json::from_str(&text).expect("the scenario is JSON");
    for call in scenario["calls"].as_array_mut().expect("calls") {
        if let Some(call) = call.as_object_mut() {
            call.remove("crm");
        }
    }
    let no_hubspot = app.write("no-hubspot.json", &scenario.to_string());
    app.replace_scenario(std::path::Path::new(&no_hubspot))
        .await;

    // Act: an incremental sync sees only the look-back; a 40-day re-sync sees it all.
    app.sync().await;
    let after_incremental = hubspot_warning(&app).await;
    let from = (chrono::Utc::now() - chrono::Duration::days(40)).date_naive();
    app.ok(&[
        "sync",
        "--connection",
        CONNECTION,
        "--from",
        &from.to_string(),
    ])
    .await;

    // Assert
    assert_eq!(
        after_incremental, true,
        "an incremental sync keeps the warning"
    );
    assert_eq!(
        hubspot_warning(&app).await,
        false,
        "a whole reconciliation clears it"
    );
}

const TIE_FABRIKAM_FIRST: &str = "8500000000000000001";
const TIE_TAILSPIN_FIRST: &str = "8500000000000000002";

#[tokio::test]
async fn r2_a_tie_between_companies_is_broken_the_same_way_whatever_the_party_order() {
    // Arrange: one Fabrikam and one Tailspin person on each call, in both orders.
    let app = TestApp::with_scenario("tie.json").await;

    // Act
    app.sync().await;

    // Assert: the lowest company id (Fabrikam, imported first) wins both times.
    let activities = app.activities().await;
    for call in [TIE_FABRIKAM_FIRST, TIE_TAILSPIN_FIRST] {
        assert_eq!(
            find(&activities, "gong_call_id", call)["company"]["name"],
            "Fabrikam"
        );
    }
}

#[tokio::test]
async fn r2_a_tie_between_companies_is_logged_naming_the_tied_companies() {
    // Arrange
    let app = TestApp::with_scenario("tie.json").await;

    // Act
    let job = app.sync().await;

    // Assert: the meeting's log record says which companies tied.
    let records = app.records(&job["id"]).await;
    for call in [TIE_FABRIKAM_FIRST, TIE_TAILSPIN_FIRST] {
        let record = find(&records, "gong_call_id", call);
        let message = record["message"].as_str().unwrap_or_default();
        assert!(
            message.contains("Fabrikam") && message.contains("Tailspin"),
            "the record of a tie names the tied companies: {record}"
        );
    }
}

#[tokio::test]
async fn activities_can_be_listed_for_one_company() {
    // Arrange
    let (app, all, _) = synced().await;

    // Act
    let fabrikam = crate::helpers::array(
        app.json(&["activities", "--company", "Fabrikam", "--format", "json"])
            .await,
    );

    // Assert
    assert_eq!(fabrikam.len(), 1);
    assert_eq!(fabrikam[0]["gong_call_id"], R2_CALL);
    assert_eq!(all.len(), 3);
    let run = app.fails(&["activities", "--company", "Nowhere"]).await;
    assert!(run.stderr.contains("Nowhere"), "{run:#?}");
}
