//! G2 and G3 on the web: `/erasures` in the API, the Data privacy page.

use serde_json::{json, Value};

use crate::helpers::spawn_app;

/// An external attendee's address of the synced activities.
fn an_external_email(activities: &[Value]) -> String {
    activities
        .iter()
        .flat_map(|a| {
            a["external_attendees"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .find_map(|e| e["email"].as_str().map(str::to_string))
        .expect("an external attendee with an email")
}

fn mentions(activities: &[Value], email: &str) -> bool {
    activities.iter().any(|a| a.to_string().contains(email))
}

#[tokio::test]
async fn g2_the_api_erases_a_person_keeps_a_receipt_and_a_dry_run_changes_nothing() {
    // Arrange
    let app = spawn_app().await;
    let id = app.basic_connection("acme").await;
    app.sync(id).await;
    let before = app.all_items("/activities?limit=500").await;
    let email = an_external_email(&before);

    // Act
    let (dry_status, dry) = app
        .post(
            "/erasures",
            json!({"email": email.to_uppercase(), "dry_run": true}),
        )
        .await;
    let unchanged = app.all_items("/activities?limit=500").await;
    let (status, receipt) = app.post("/erasures", json!({"email": email})).await;
    let (bad_status, bad) = app.post("/erasures", json!({"email": "no-at-sign"})).await;

    // Assert
    assert_eq!((dry_status, &dry["dry_run"]), (200, &json!(true)), "{dry}");
    assert_eq!(unchanged, before, "a dry run changes nothing");
    assert_eq!(status, 201, "{receipt}");
    assert_eq!(dry["counts"], receipt["counts"]);
    assert!(
        receipt["counts"]["activities"].as_u64() >= Some(1),
        "{receipt}"
    );
    assert!(
        !receipt.to_string().contains(&email),
        "only the hash: {receipt}"
    );
    assert!(!mentions(
        &app.all_items("/activities?limit=500").await,
        &email
    ));
    let receipts = app.items("/erasures").await;
    assert_eq!(
        receipts.len(),
        1,
        "the dry run kept no receipt: {receipts:?}"
    );
    assert_eq!(receipts[0]["email_sha256"], receipt["email_sha256"]);
    assert_eq!(bad_status, 422, "{bad}");
    assert_eq!(bad["error"]["field"], "email", "{bad}");
}

#[tokio::test]
async fn g2_g3_the_data_privacy_page_shows_the_retention_erases_and_lists_receipts() {
    // Arrange
    let app = spawn_app().await;
    let id = app.basic_connection("acme").await;
    app.sync(id).await;
    let email = an_external_email(&app.all_items("/activities?limit=500").await);
    let s = app.login().await;

    // Act
    let (status, shown) = app.page(&s, "/privacy").await;
    let (_, _, dry) = app
        .form(
            &s,
            "/privacy/erase",
            &[("email", &email), ("dry_run", "on")],
        )
        .await;
    let (_, _, erased) = app.form(&s, "/privacy/erase", &[("email", &email)]).await;
    let (_, _, refused) = app.form(&s, "/privacy/erase", &[("email", "nobody")]).await;

    // Assert
    assert_eq!(status, 200);
    assert!(
        shown.contains("1095 days"),
        "the retention in force is shown"
    );
    assert!(shown.contains("No erasures yet"));
    assert!(dry.contains("Dry run: erasing"), "{dry}");
    assert!(erased.contains("Erased "), "{erased}");
    assert!(erased.contains(r#"id="erasures""#), "the receipt is listed");
    assert!(
        refused.contains("invalid email &#39;nobody&#39;")
            || refused.contains("invalid email 'nobody'"),
        "{refused}"
    );
    assert!(!mentions(
        &app.all_items("/activities?limit=500").await,
        &email
    ));
}
