//! Integration settings T1–T3 through `settings set|show`.

use serde_json::{json, Value};

use crate::helpers::{find, fixture, TestApp, CONNECTION};

const R1_NORTHWIND: &str = "8200000000000000001";
const R2_FABRIKAM: &str = "8200000000000000002";
const C3_TAILSPIN: &str = "8200000000000000005";

#[tokio::test]
async fn t1_settings_show_prints_the_defaults_and_the_toggle_turns_off() {
    // Arrange
    let app = TestApp::with_scenario("resync.json").await;
    let defaults = app.settings().await;

    // Act
    app.set_settings(&["--enabled", "false"]).await;

    // Assert
    assert_eq!(defaults["enabled"], true);
    assert_eq!(defaults["activity_type"], "Meeting");
    assert_eq!(defaults["filters"], json!([]));
    assert_eq!(defaults["backfill_days"], 90);
    assert_eq!(defaults["lookback_hours"], 24);
    let after = app.settings().await;
    assert_eq!(after["enabled"], false);
    assert_eq!(after["activity_type"], "Meeting");
}

#[tokio::test]
async fn t2_inactive_company_scoped_and_unknown_activity_types_are_refused_and_nothing_changes() {
    // Arrange
    let app = TestApp::with_scenario("resync.json").await;
    let types = fixture("activity_types.csv");
    app.ok(&["import", "activity-types", types.to_str().expect("path")])
        .await;
    let before = app.settings().await;

    for (name, why) in [
        ("Legacy", "inactive"),
        ("Onsite", "company"),
        ("Nope", "does not exist"),
    ] {
        // Act
        let run = app
            .fails(&[
                "settings",
                "set",
                "--connection",
                CONNECTION,
                "--activity-type",
                name,
            ])
            .await;

        // Assert
        assert!(
            run.stderr.contains(name) && run.stderr.contains(why),
            "{name}: {run:#?}"
        );
        assert_eq!(app.settings().await, before, "{name} changed the settings");
    }
}

#[tokio::test]
async fn t2_an_active_global_activity_type_is_used_for_new_activities() {
    // Arrange
    let app = TestApp::with_scenario("resync.json").await;
    let types = fixture("activity_types.csv");
    app.ok(&["import", "activity-types", types.to_str().expect("path")])
        .await;

    // Act
    app.set_settings(&["--activity-type", "customer call"])
        .await;
    app.sync().await;

    // Assert
    assert_eq!(app.settings().await["activity_type"], "Customer Call");
    let activities = app.activities().await;
    assert_eq!(activities.len(), 3);
    assert!(activities.iter().all(|a| a["type"] == "Customer Call"));
}

#[tokio::test]
async fn t3_a_meeting_that_fails_a_company_filter_is_skipped_and_logged() {
    // Arrange
    let app = TestApp::with_scenario("companies.json").await;
    app.set_settings(&["--filter", "Company.industry = Software"])
        .await;

    // Act
    let job = app.sync().await;

    // Assert
    assert_eq!(
        app.settings().await["filters"],
        json!(["Company.industry = Software"])
    );
    let records = app.records(&job["id"]).await;
    assert_eq!(
        find(&records, "gong_call_id", R1_NORTHWIND)["status"],
        "Created"
    );
    for call in [R2_FABRIKAM, C3_TAILSPIN] {
        let record = find(&records, "gong_call_id", call);
        assert_eq!(record["status"], "Skipped", "{record}");
        assert_eq!(record["activity_id"], Value::Null);
        assert!(
            record["message"]
                .as_str()
                .is_some_and(|m| m.contains("Company.industry")),
            "the skip names the filter: {record}"
        );
    }
    let activities = app.activities().await;
    assert_eq!(activities.len(), 1, "{activities:#?}");
    assert_eq!(activities[0]["company"]["name"], "Northwind");
}

#[tokio::test]
async fn t3_several_filters_on_company_and_user_fields_combine_with_and() {
    // Arrange: Northwind 50000, Tailspin 20000, Fabrikam 5000; Lena is in Sales.
    let app = TestApp::with_scenario("companies.json").await;
    app.set_settings(&[
        "--filter",
        "Company.arr > 10000",
        "--filter",
        "User.department = Sales",
    ])
    .await;

    // Act
    let job = app.sync().await;

    // Assert
    let records = app.records(&job["id"]).await;
    assert_eq!(
        find(&records, "gong_call_id", R1_NORTHWIND)["status"],
        "Created"
    );
    assert_eq!(
        find(&records, "gong_call_id", C3_TAILSPIN)["status"],
        "Created"
    );
    assert_eq!(
        find(&records, "gong_call_id", R2_FABRIKAM)["status"],
        "Skipped"
    );
}

#[tokio::test]
async fn t3_a_user_field_filter_skips_the_meetings_of_other_authors() {
    // Arrange: the only author, Lena, is in Sales.
    let app = TestApp::with_scenario("companies.json").await;
    app.set_settings(&["--filter", "User.department != Sales"])
        .await;

    // Act
    let job = app.sync().await;

    // Assert: the three resolvable meetings are skipped, the two R3 ones still fail.
    assert_eq!(
        (&job["created"], &job["skipped"], &job["failed"]),
        (&json!(0), &json!(3), &json!(2)),
        "{job}"
    );
    assert!(app.activities().await.is_empty());
}

#[tokio::test]
async fn t3_a_bad_filter_is_refused_pointing_at_its_column_and_nothing_changes() {
    // Arrange
    let app = TestApp::with_scenario("companies.json").await;
    app.set_settings(&["--filter", "Company.industry = Software"])
        .await;
    let before = app.settings().await;

    // Act
    let run = app
        .fails(&[
            "settings",
            "set",
            "--connection",
            CONNECTION,
            "--filter",
            "Company.industry equals Software",
        ])
        .await;

    // Assert
    assert!(
        run.stderr.contains("filter 1") && run.stderr.contains("column"),
        "{run:#?}"
    );
    assert!(
        run.stderr.contains('^'),
        "a caret points at the problem: {run:#?}"
    );
    assert_eq!(app.settings().await, before);

    // A field no imported company has is refused too, listing the fields there are.
    let run = app
        .fails(&[
            "settings",
            "set",
            "--connection",
            CONNECTION,
            "--filter",
            "Company.industy = Software",
        ])
        .await;
    assert!(
        run.stderr.contains("Company has no field 'industy'") && run.stderr.contains("industry"),
        "{run:#?}"
    );
    assert_eq!(app.settings().await, before);
}

#[tokio::test]
async fn t5_filters_are_checked_against_field_types_inferred_or_declared() {
    // Arrange: a companies file declaring zip as text (its values look numeric).
    let app = TestApp::with_scenario("resync.json").await;
    let file = app.write(
        "typed.csv",
        "name,crm_account_id,zip:text,seats:number\nZipCo,009Z,02134,12\n",
    );
    app.ok(&["import", "companies", &file]).await;
    let set = |filter: &'static str| {
        vec![
            "settings",
            "set",
            "--connection",
            CONNECTION,
            "--filter",
            filter,
        ]
    };

    // Act / Assert
    app.ok(&set("Company.zip contains 021")).await;
    let run = app.fails(&set("Company.seats > abc")).await;
    assert!(
        run.stderr.contains(
            "filter 1 (Company.seats > abc): Company.seats is a number field: 'abc' is not a number"
        ),
        "{run:#?}"
    );
    let run = app.fails(&set("Company.seats >> 5")).await;
    assert!(run.stderr.contains("one operator per filter"), "{run:#?}");
    let run = app.fails(&set("Company.zip > 5")).await;
    assert!(run.stderr.contains("'>' does not apply"), "{run:#?}");
    assert_eq!(
        app.settings().await["filters"],
        json!(["Company.zip contains 021"]),
        "refused filters change nothing"
    );
    let bad = app.write("bad.csv", "name,seats:number\nLotsCo,lots\n");
    let run = app.fails(&["import", "companies", &bad]).await;
    assert!(
        run.stderr.contains("row 2") && run.stderr.contains("seats:number"),
        "{run:#?}"
    );
}

#[tokio::test]
async fn t3_settings_preview_counts_the_stored_meetings_that_would_pass_truthfully() {
    // Arrange: a synced connection (its meetings are stored), generated data over 20 days.
    let app = TestApp::with_config(gong_timeline_gong_sim::SimConfig {
        calls: 120,
        days: 20,
        ..crate::helpers::sim_config()
    })
    .await;
    app.sync().await;
    fn preview<'a>(extra: &[&'a str]) -> Vec<&'a str> {
        let mut args = vec![
            "settings",
            "preview",
            "--connection",
            CONNECTION,
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        args
    }

    // Act
    let all = app.json(&preview(&[])).await;
    let activities = app.activities().await;
    let company = activities[0]["company"]["name"]
        .as_str()
        .unwrap()
        .to_string();
    let filter = format!("Company.name = \"{company}\"");
    let one = app.json(&preview(&["--filter", &filter])).await;
    let table = app
        .ok(&["settings", "preview", "--connection", CONNECTION])
        .await;

    // Assert
    let n = |v: &Value, k: &str| v[k].as_u64().unwrap_or_else(|| panic!("{k} in {v}"));
    assert_eq!(n(&all, "days"), 30);
    assert!(n(&all, "stored") > 0, "{all}");
    assert_eq!(n(&all, "filtered_out"), 0, "no filter skips nothing: {all}");
    for v in [&all, &one] {
        assert_eq!(
            n(v, "pass") + n(v, "filtered_out") + n(v, "private") + n(v, "unresolved"),
            n(v, "stored"),
            "{v}"
        );
    }
    let cutoff = chrono::Utc::now() - chrono::Duration::days(30);
    let of_company = activities
        .iter()
        .filter(|a| a["company"]["name"] == company.as_str())
        .filter(|a| {
            a["date"]
                .as_str()
                .and_then(|d| chrono::DateTime::parse_from_rfc3339(d).ok())
                .is_some_and(|d| d >= cutoff)
        })
        .count() as u64;
    assert_eq!(
        n(&one, "pass"),
        of_company,
        "the preview matches the Timeline: {one}"
    );
    assert!(n(&one, "filtered_out") > 0, "{one}");
    assert!(table.contains("would pass the filters"), "{table}");
    assert_eq!(
        app.settings().await["filters"],
        json!([]),
        "a preview saves nothing"
    );
    let bad = app
        .fails(&preview(&["--filter", "Company.name >> x"]))
        .await;
    assert!(bad.stderr.contains("one operator per filter"), "{bad:#?}");
}

#[tokio::test]
async fn t3_new_filters_without_a_logic_say_that_the_old_logic_went() {
    // Arrange
    let app = TestApp::with_scenario("companies.json").await;
    app.set_settings(&[
        "--filter",
        "Company.name is not empty",
        "--filter",
        "Company.name contains a",
        "--filter-logic",
        "1 OR 2",
    ])
    .await;

    // Act
    let said = app
        .ok(&[
            "settings",
            "set",
            "--connection",
            CONNECTION,
            "--filter",
            "Company.name is not empty",
        ])
        .await;

    // Assert
    assert!(
        said.contains("The filter logic '1 OR 2' went with the filters"),
        "{said}"
    );
    let shown = app.settings().await;
    assert_eq!(shown["filter_logic"], Value::Null, "{shown}");
}

#[tokio::test]
async fn t5_a_declared_text_field_compares_as_text_so_zip_2139_matches_nothing_in_the_preview() {
    // Arrange: synced meetings, then every company re-imported with `zip:text` = 02139.
    let app = TestApp::with_config(gong_timeline_gong_sim::SimConfig {
        calls: 40,
        days: 20,
        ..crate::helpers::sim_config()
    })
    .await;
    app.sync().await;
    let companies = app.json(&["companies", "list", "--format", "json"]).await;
    let mut csv = String::from("name,crm_account_id,zip:text\n");
    for c in companies.as_array().expect("a list") {
        let (name, crm) = (
            c["name"].as_str().unwrap(),
            c["crm_account_id"].as_str().unwrap(),
        );
        csv.push_str(&format!("\"{name}\",{crm},02139\n"));
    }
    let file = app.write("zips.csv", &csv);
    app.ok(&["import", "companies", &file]).await;
    let app = &app;
    let preview = |filter: &'static str| async move {
        app.json(&[
            "settings",
            "preview",
            "--connection",
            CONNECTION,
            "--format",
            "json",
            "--filter",
            filter,
        ])
        .await
    };

    // Act
    let as_written = preview("Company.zip = 02139").await;
    let as_number = preview("Company.zip = 2139").await;
    let listed = preview("Company.zip in (2139)").await;

    // Assert
    let pass = |v: &Value| v["pass"].as_u64().unwrap_or_else(|| panic!("{v}"));
    assert!(pass(&as_written) > 0, "{as_written}");
    assert_eq!(pass(&as_number), 0, "text, not a number: {as_number}");
    assert_eq!(pass(&listed), 0, "{listed}");
}

#[tokio::test]
async fn a_single_quoted_filter_value_is_saved_with_a_hint_at_the_quotes() {
    let app = TestApp::with_scenario("resync.json").await;
    let out = app
        .ok(&[
            "settings",
            "set",
            "--connection",
            CONNECTION,
            "--filter",
            "Company.industry = 'Retail'",
        ])
        .await;
    assert!(
        out.contains("Did you mean `Company.industry = Retail`?"),
        "{out}"
    );
    let plain = app
        .ok(&[
            "settings",
            "set",
            "--connection",
            CONNECTION,
            "--filter",
            "Company.industry = Retail",
        ])
        .await;
    assert!(!plain.contains("Note:"), "{plain}");
}
