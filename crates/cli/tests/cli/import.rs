//! `import companies|persons|users|activity-types`: all-or-nothing per file, errors
//! that name the row, column and value, and re-imports that never duplicate.

use serde_json::Value;

use crate::helpers::{fixture, TestApp, CONNECTION};

/// Companies, persons and users as listed.
async fn snapshot(app: &TestApp) -> [Value; 3] {
    [
        app.json(&["companies", "list", "--format", "json"]).await,
        app.json(&["persons", "list", "--format", "json"]).await,
        app.json(&["users", "list", "--format", "json"]).await,
    ]
}

async fn import(app: &TestApp, what: &str, file: &str) -> String {
    let path = fixture(file);
    app.ok(&["import", what, path.to_str().expect("path")])
        .await
}

/// A database with the good fixtures imported.
async fn seeded() -> TestApp {
    let app = TestApp::new();
    import(&app, "companies", "companies.csv").await;
    import(&app, "persons", "persons.csv").await;
    import(&app, "users", "users.csv").await;
    app
}

/// Imports a bad file; asserts it is refused naming row, column and value, and
/// that nothing changed.
async fn refused(what: &str, file: &str, row: &str, column: &str, value: &str) {
    // Arrange
    let app = seeded().await;
    let before = snapshot(&app).await;
    let path = fixture(file);

    // Act
    let run = app
        .fails(&["import", what, path.to_str().expect("path")])
        .await;

    // Assert
    for part in [row, column, value] {
        assert!(
            run.stderr.contains(part),
            "{file}: '{part}' not named: {run:#?}"
        );
    }
    assert_eq!(
        snapshot(&app).await,
        before,
        "{file} changed the stored data"
    );
}

#[tokio::test]
async fn an_unknown_license_type_refuses_the_whole_users_file() {
    refused(
        "users",
        "users_unknown_license.csv",
        "row 3",
        "license_type",
        "Superuser",
    )
    .await;
}

#[tokio::test]
async fn a_missing_email_refuses_the_whole_users_file() {
    refused(
        "users",
        "users_missing_email.csv",
        "row 3",
        "column email",
        "empty",
    )
    .await;
}

#[tokio::test]
async fn a_person_of_an_unknown_company_refuses_the_whole_persons_file() {
    refused(
        "persons",
        "persons_unknown_company.csv",
        "row 3",
        "company",
        "Nowhere Inc",
    )
    .await;
}

#[tokio::test]
async fn a_crm_id_repeated_in_the_file_refuses_the_whole_companies_file() {
    refused(
        "companies",
        "companies_duplicate_crm.csv",
        "row 3",
        "crm_account_id",
        "001000000000001AAA",
    )
    .await;
}

#[tokio::test]
async fn a_crm_id_of_another_stored_company_refuses_the_whole_companies_file() {
    refused(
        "companies",
        "companies_crm_taken.csv",
        "row 3",
        "crm_account_id",
        "0015g00000XyZ12AAF",
    )
    .await;
}

#[tokio::test]
async fn importing_the_same_files_twice_updates_and_never_duplicates() {
    // Arrange
    let app = seeded().await;
    let before = snapshot(&app).await;

    // Act
    let outputs = [
        import(&app, "companies", "companies.csv").await,
        import(&app, "persons", "persons.csv").await,
        import(&app, "users", "users.csv").await,
    ];

    // Assert
    assert_eq!(snapshot(&app).await, before);
    for output in outputs {
        assert!(output.contains("0 added"), "{output}");
    }
    let [companies, persons, users] = before;
    assert_eq!(companies.as_array().map(Vec::len), Some(2));
    assert_eq!(persons.as_array().map(Vec::len), Some(2));
    assert_eq!(users.as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn imported_users_keep_license_status_and_extra_fields() {
    // Act
    let app = seeded().await;

    // Assert
    let users = app.users().await;
    let marcus = crate::helpers::find(&users, "email", "marcus.hale@acme.example");
    assert_eq!(marcus["license_type"], "Viewer+Analytics");
    assert_eq!(marcus["status"], "inactive");
    assert_eq!(marcus["department"], "Support");
    let companies = app.json(&["companies", "list", "--format", "json"]).await;
    let northwind = crate::helpers::find(companies.as_array().expect("array"), "name", "Northwind");
    assert_eq!(northwind["crm_account_id"], "0015g00000XyZ12AAF");
}

#[tokio::test]
async fn the_five_builtin_activity_types_exist_from_the_start() {
    // Arrange
    let app = TestApp::with_scenario("resync.json").await;

    for name in ["Meeting", "Call", "Email", "Update", "Milestone"] {
        // Act
        app.set_settings(&["--activity-type", name]).await;

        // Assert
        assert_eq!(app.settings().await["activity_type"], name);
    }
    let run = app
        .fails(&[
            "settings",
            "set",
            "--connection",
            CONNECTION,
            "--activity-type",
            "Webinar",
        ])
        .await;
    assert!(run.stderr.contains("Webinar"), "{run:#?}");
}

#[tokio::test]
async fn every_bad_row_of_a_file_is_listed() {
    // Arrange
    let app = seeded().await;
    let before = snapshot(&app).await;
    let path = app.dir.path().join("users_two_bad_rows.csv");
    std::fs::write(
        &path,
        "email,name,license_type,status\nok@example.com,Ok,Full,Active\nnot-an-email,Bad,Full,Active\nz@example.com,Z,Superuser,Active\n",
    )
    .expect("write");

    // Act
    let run = app
        .fails(&["import", "users", path.to_str().expect("path")])
        .await;

    // Assert
    for part in ["row 3", "not-an-email", "row 4", "Superuser"] {
        assert!(run.stderr.contains(part), "'{part}' not named: {run:#?}");
    }
    assert_eq!(snapshot(&app).await, before, "nothing was stored");
}

#[tokio::test]
async fn every_person_of_an_unknown_company_and_every_mistyped_cell_is_listed() {
    // Arrange
    let app = seeded().await;
    let before = snapshot(&app).await;
    let persons = app.write(
        "persons_two_unknown.csv",
        "email,name,company\nx@nowhere.example,X,Nowhere Inc\ny@nowhere.example,Y,Elsewhere Ltd\n",
    );
    let companies = app.write(
        "companies_two_mistyped.csv",
        "name,arr:number\nOne Co,12\nTwo Co,lots\nThree Co,many\n",
    );

    // Act
    let persons = app.fails(&["import", "persons", &persons]).await;
    let companies = app.fails(&["import", "companies", &companies]).await;

    // Assert
    for part in ["row 2", "Nowhere Inc", "row 3", "Elsewhere Ltd"] {
        assert!(
            persons.stderr.contains(part),
            "'{part}' not named: {persons:#?}"
        );
    }
    for part in ["row 3", "'lots'", "row 4", "'many'"] {
        assert!(
            companies.stderr.contains(part),
            "'{part}' not named: {companies:#?}"
        );
    }
    assert_eq!(snapshot(&app).await, before, "nothing was stored");
}

#[tokio::test]
async fn t5_an_import_that_turns_a_filtered_field_into_text_warns_naming_the_connection() {
    // Arrange: a filter on a number field.
    let app = TestApp::with_scenario("meetings.json").await;
    let numbers = app.write(
        "arr.csv",
        "name,crm_account_id,arr\nArr One,0013600000ArrOneAA,120000\n",
    );
    app.ok(&["import", "companies", &numbers]).await;
    app.set_settings(&["--filter", "Company.arr > 100000"])
        .await;
    // Turning arr into text takes a declaration (#20 item 6: a stray `n/a` alone is
    // refused as a row error).
    let text = app.write(
        "arr-text.csv",
        "name,crm_account_id,arr:text\nArr Two,0013600000ArrTwoAA,n/a\n",
    );

    // Act
    let quiet = app.run(&["import", "companies", &numbers]).await;
    let warned = app.run(&["import", "companies", &text]).await;

    // Assert: the import stands, and the admin hears what it broke.
    assert!(
        quiet.code == Some(0) && !quiet.stderr.contains("warning"),
        "{quiet:#?}"
    );
    assert_eq!(warned.code, Some(0), "{warned:#?}");
    for part in [
        "warning",
        "connection 'gong'",
        "Company.arr",
        "text",
        "settings set",
    ] {
        assert!(
            warned.stderr.contains(part),
            "'{part}' not said: {warned:#?}"
        );
    }
}

#[tokio::test]
async fn item_6_a_persons_file_lists_bad_emails_and_unknown_companies_in_one_pass() {
    // Arrange
    let app = seeded().await;
    let before = snapshot(&app).await;
    let file = app.dir.path().join("mixed-persons.csv");
    std::fs::write(
        &file,
        "email,name,company\nnot-an-email,Ann,Nowhere Inc\nbo@x.example,Bo,No Such Company\n",
    )
    .expect("write the file");

    // Act
    let run = app
        .fails(&["import", "persons", file.to_str().expect("path")])
        .await;

    // Assert: the bad email (row 2) and the unknown company (row 3), together.
    assert!(
        run.stderr.contains("row 2") && run.stderr.contains("not-an-email"),
        "{run:#?}"
    );
    assert!(
        run.stderr.contains("row 3") && run.stderr.contains("No Such Company"),
        "{run:#?}"
    );
    assert_eq!(snapshot(&app).await, before, "nothing stored");
}

#[tokio::test]
async fn item_6_a_value_against_a_fields_established_type_is_refused_unless_the_file_declares_it() {
    // Arrange: the stored companies' arr holds numbers.
    let app = seeded().await;
    let before = snapshot(&app).await;
    let file = app.dir.path().join("arr-na.csv");
    std::fs::write(
        &file,
        "name,crm_account_id,arr\nNorthwind,0015g00000XyZ12AAF,n/a\n",
    )
    .expect("write the file");

    // Act
    let run = app
        .fails(&["import", "companies", file.to_str().expect("path")])
        .await;

    // Assert: refused naming the row, the column and the value; nothing changed.
    for part in ["row 2", "arr", "'n/a' is not a number", "arr:text"] {
        assert!(run.stderr.contains(part), "'{part}': {run:#?}");
    }
    assert_eq!(snapshot(&app).await, before, "nothing stored");

    // A file that declares the column text changes its type on purpose.
    let declared = app.dir.path().join("arr-text.csv");
    std::fs::write(
        &declared,
        "name,crm_account_id,arr:text\nNorthwind,0015g00000XyZ12AAF,n/a\n",
    )
    .expect("write the file");
    app.ok(&["import", "companies", declared.to_str().expect("path")])
        .await;
}
