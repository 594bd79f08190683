//! User provisioning and mapping U2–U7 (`scenarios/users.json`): every Gong user is
//! mapped by email; meeting owners decide the activity's author.

use serde_json::{json, Value};

use crate::helpers::{all, find, TestApp, CONNECTION};

const ANN: &str = "4000000000000000001";
const BOB: &str = "4000000000000000002";
const CARA: &str = "4000000000000000003";
const DAN: &str = "4000000000000000004";
const EVE: &str = "4000000000000000005";
const FINN: &str = "4000000000000000006";
const NO_MAIL: &str = "4000000000000000007";

const ANN_CALL: &str = "8300000000000000001";
const BOB_CALL: &str = "8300000000000000002";
const CARA_CALL: &str = "8300000000000000003";
const DAN_CALL: &str = "8300000000000000004";
const EVE_CALL: &str = "8300000000000000005";
const FINN_CALL: &str = "8300000000000000006";

struct Synced {
    app: TestApp,
    job: Value,
    records: Vec<Value>,
    activities: Vec<Value>,
    users: Vec<Value>,
    gong_users: Vec<Value>,
}

async fn synced() -> Synced {
    let app = TestApp::with_scenario("users.json").await;
    let job = app.sync().await;
    Synced {
        records: app.records(&job["id"]).await,
        activities: app.activities().await,
        users: app.users().await,
        gong_users: app.gong_users().await,
        job,
        app,
    }
}

fn users_named<'a>(users: &'a [Value], email: &str) -> Vec<&'a Value> {
    all(users, "email", email)
}

#[tokio::test]
async fn u1_every_gong_user_gets_a_mapping_with_a_spec_status() {
    // Act
    let s = synced().await;

    // Assert: the six listed Gong users and the late owner (U6), each with a status.
    let statuses: Vec<(&str, &str)> = [ANN, BOB, CARA, DAN, EVE, FINN, NO_MAIL]
        .iter()
        .map(|id| {
            let mapping = find(&s.gong_users, "gong_user_id", *id);
            (*id, mapping["status"].as_str().expect("status"))
        })
        .collect();
    assert_eq!(
        statuses,
        [
            (ANN, "Mapped"),
            (BOB, "Conflict"),
            (CARA, "Mapped"),
            (DAN, "Created"),
            (EVE, "Created"),
            (FINN, "Created"),
            (NO_MAIL, "Failed"),
        ]
    );
    assert_eq!(s.gong_users.len(), 7);
    assert_eq!(
        find(&s.gong_users, "gong_user_id", NO_MAIL)["user"],
        Value::Null
    );
}

#[tokio::test]
async fn u2_a_gong_user_without_a_timeline_user_gets_an_internal_collaborator() {
    // Act
    let s = synced().await;

    // Assert
    let eve = users_named(&s.users, "eve.new@acme.example");
    assert_eq!(eve.len(), 1, "{eve:#?}");
    assert_eq!(eve[0]["license_type"], "Internal Collaborator");
    assert_eq!(eve[0]["status"], "active");
    let mapping = find(&s.gong_users, "gong_user_id", EVE);
    assert_eq!(mapping["status"], "Created");
    assert_eq!(mapping["user"]["id"], eve[0]["id"]);
    let a = find(&s.activities, "gong_call_id", EVE_CALL);
    assert_eq!(a["author"]["id"], eve[0]["id"]);
}

#[tokio::test]
async fn u3_a_full_license_beats_a_viewer_with_the_same_email() {
    // Act
    let s = synced().await;

    // Assert
    let full = s
        .users
        .iter()
        .find(|u| u["email"] == "ann.full@acme.example" && u["license_type"] == "Full")
        .expect("Ann's Full user");
    let mapping = find(&s.gong_users, "gong_user_id", ANN);
    assert_eq!(mapping["status"], "Mapped");
    assert_eq!(mapping["user"]["id"], full["id"]);
    assert_eq!(mapping["suggested"].as_array().map(Vec::len), Some(2));
    let a = find(&s.activities, "gong_call_id", ANN_CALL);
    assert_eq!(a["author"]["license_type"], "Full");
    assert_eq!(a["author"]["name"], "Ann Full");
}

#[tokio::test]
async fn u3_two_active_full_users_stay_in_conflict_with_both_suggested() {
    // Act
    let s = synced().await;

    // Assert
    let mapping = find(&s.gong_users, "gong_user_id", BOB);
    assert_eq!(mapping["status"], "Conflict");
    assert_eq!(mapping["user"], Value::Null);
    let mut suggested: Vec<&str> = mapping["suggested"]
        .as_array()
        .expect("suggested")
        .iter()
        .map(|u| u["name"].as_str().expect("name"))
        .collect();
    suggested.sort_unstable();
    assert_eq!(suggested, ["Bob One", "Bob Two"]);
    let record = find(&s.records, "gong_call_id", BOB_CALL);
    assert_eq!(record["status"], "Failed");
    assert_eq!(record["activity_id"], Value::Null);
    assert!(s.activities.iter().all(|a| a["gong_call_id"] != BOB_CALL));
}

#[tokio::test]
async fn u4_an_inactive_owner_fails_the_meeting_with_the_verbatim_message() {
    // Act
    let s = synced().await;

    // Assert
    let record = find(&s.records, "gong_call_id", CARA_CALL);
    assert_eq!(record["status"], "Failed");
    assert_eq!(
        record["message"],
        format!(
            "Call organiser is inactive in gong-timeline. Name: Cara Gone,: Email: cara.gone@acme.example, Gong userId: {CARA}"
        )
    );
    assert_eq!(users_named(&s.users, "cara.gone@acme.example").len(), 1);
    assert!(s.activities.iter().all(|a| a["gong_call_id"] != CARA_CALL));
}

#[tokio::test]
async fn u5_an_owner_with_only_an_external_license_gets_a_new_ic_user_and_the_meeting_syncs() {
    // Act
    let s = synced().await;

    // Assert
    let dan = users_named(&s.users, "dan.ext@acme.example");
    let mut licenses: Vec<&str> = dan
        .iter()
        .map(|u| u["license_type"].as_str().expect("license"))
        .collect();
    licenses.sort_unstable();
    assert_eq!(licenses, ["External", "Internal Collaborator"]);
    let ic = dan
        .iter()
        .find(|u| u["license_type"] == "Internal Collaborator")
        .expect("the new IC user");
    let mapping = find(&s.gong_users, "gong_user_id", DAN);
    assert_eq!(mapping["user"]["id"], ic["id"]);
    let a = find(&s.activities, "gong_call_id", DAN_CALL);
    assert_eq!(a["author"]["id"], ic["id"]);
    assert_eq!(
        find(&s.records, "gong_call_id", DAN_CALL)["status"],
        "Created"
    );
}

#[tokio::test]
async fn u6_an_owner_missing_from_gong_users_fails_then_syncs_in_the_same_job() {
    // Act
    let s = synced().await;

    // Assert: a Failed record with the verbatim message, then a Created one.
    let records = all(&s.records, "gong_call_id", FINN_CALL);
    let statuses: Vec<&Value> = records.iter().map(|r| &r["status"]).collect();
    assert_eq!(
        statuses,
        [&json!("Failed"), &json!("Created")],
        "{records:#?}"
    );
    assert_eq!(
        records[0]["message"],
        format!(
            "Activity Author Finn Late EmailId finn.late@acme.example GongId {FINN} not present in gong-timeline. Sync re-try will happen once the system creates a user with an IC license type."
        )
    );
    assert_eq!(records[0]["activity_id"], Value::Null);
    let finn = users_named(&s.users, "finn.late@acme.example");
    assert_eq!(finn.len(), 1);
    assert_eq!(finn[0]["license_type"], "Internal Collaborator");
    let a = find(&s.activities, "gong_call_id", FINN_CALL);
    assert_eq!(a["author"]["id"], finn[0]["id"]);
    assert_eq!(records[1]["activity_id"], a["id"]);
    let job = &s.job;
    assert_eq!(
        job["fetched"].as_u64(),
        Some(6),
        "the retried meeting is fetched once: {job}"
    );
}

#[tokio::test]
async fn u7_resolving_a_conflict_by_hand_heals_the_failed_meeting_at_the_next_sync() {
    // Arrange
    let s = synced().await;
    let app = &s.app;
    let bob_one = s
        .users
        .iter()
        .find(|u| u["name"] == "Bob One")
        .expect("Bob One");
    let bob_one_id = bob_one["id"].to_string();

    // Act: an ambiguous email is refused with the candidates, an id is accepted.
    let refused = app
        .fails(&[
            "users",
            "resolve",
            "--connection",
            CONNECTION,
            "--gong-user",
            BOB,
            "--user",
            "bob.tie@acme.example",
        ])
        .await;
    app.ok(&[
        "users",
        "resolve",
        "--connection",
        CONNECTION,
        "--gong-user",
        BOB,
        "--user-id",
        &bob_one_id,
    ])
    .await;
    let next = app.sync().await;

    // Assert
    assert!(
        refused.stderr.contains("Bob One") && refused.stderr.contains("Bob Two"),
        "{refused:#?}"
    );
    let mapping = find(&app.gong_users().await, "gong_user_id", BOB).clone();
    assert_eq!(mapping["user"]["id"], bob_one["id"]);
    assert_ne!(mapping["status"], "Conflict");
    let records = app.records(&next["id"]).await;
    assert_eq!(
        find(&records, "gong_call_id", BOB_CALL)["status"],
        "Created",
        "healed from the retry list (the call is older than the look-back)"
    );
    let activities = app.activities().await;
    assert_eq!(
        find(&activities, "gong_call_id", BOB_CALL)["author"]["id"],
        bob_one["id"]
    );
}

#[tokio::test]
async fn a_gong_user_mapped_to_an_inactive_user_is_flagged_in_users_gong() {
    // Arrange: Cara's only Timeline user is inactive (U4).
    let s = synced().await;

    // Act
    let table = s
        .app
        .ok(&["users", "gong", "--connection", CONNECTION])
        .await;

    // Assert: her row says so and what it means; an active mapping's row does not.
    let row = |email: &str| {
        table
            .lines()
            .find(|l| l.contains(email))
            .unwrap_or_else(|| panic!("a row for {email} in\n{table}"))
            .to_string()
    };
    let cara = row("cara.gone@acme.example");
    assert!(
        cara.contains("INACTIVE: their meetings fail until the user is active again"),
        "{cara}"
    );
    assert!(
        !row("ann.full@acme.example").contains("INACTIVE"),
        "{table}"
    );
    let mapping = find(&s.gong_users, "gong_user_id", CARA);
    assert_eq!(
        (&mapping["status"], &mapping["user"]["status"]),
        (&json!("Mapped"), &json!("inactive")),
        "{mapping}"
    );
}
