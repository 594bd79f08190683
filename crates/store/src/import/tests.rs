use super::*;
use gong_timeline_domain::LicenseType;

fn err_text<T: std::fmt::Debug>(r: Result<T, ImportError>) -> String {
    r.unwrap_err().to_string()
}

#[test]
fn companies_parse_with_extra_columns_as_fields() {
    let csv = "name,crm_account_id,industry,ARR\nAcme,001A,Software,12000\nGlobex,,Retail,\n";
    let rows = parse_companies(csv.as_bytes()).unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].row, 2);
    assert_eq!(rows[0].crm_account_id.as_deref(), Some("001A"));
    assert_eq!(rows[0].fields["industry"], "Software");
    assert_eq!(rows[0].fields["ARR"], "12000");
    assert_eq!(rows[1].crm_account_id, None);
    assert_eq!(rows[1].fields["ARR"], "");
}

#[test]
fn a_duplicate_crm_id_in_one_file_names_both_rows() {
    let csv = "name,crm_account_id\nAcme,001A\nGlobex,001B\nInitech,001A\n";
    let text = err_text(parse_companies(csv.as_bytes()));
    assert!(
        text.starts_with("row 4 (the header is row 1), column crm_account_id"),
        "{text}"
    );
    assert!(text.contains("'001A' is also on row 2"), "{text}");
    assert!(
        text.ends_with("nothing from this file was stored."),
        "{text}"
    );
}

#[test]
fn a_missing_header_column_is_named() {
    let text = err_text(parse_persons(
        "mail,name,company\na@b.c,A,Acme\n".as_bytes(),
    ));
    assert!(text.contains("column 'email' is missing"), "{text}");
    assert!(text.contains("email,name,company"), "{text}");
}

#[test]
fn persons_lowercase_emails_and_refuse_bad_ones() {
    let rows = parse_persons("Email,Name,Company\n Ann@Acme.COM ,Ann,Acme\n".as_bytes()).unwrap();
    assert_eq!(rows[0].email, "ann@acme.com");
    assert_eq!(rows[0].company, "Acme");
    let text = err_text(parse_persons(
        "email,name,company\nann@acme.com,Ann,Acme\nbob,Bob,Acme\n".as_bytes(),
    ));
    assert!(
        text.starts_with("row 3 (the header is row 1), column email: invalid email 'bob'"),
        "{text}"
    );
    let text = err_text(parse_persons("email,name,company\n,Ann,Acme\n".as_bytes()));
    assert!(
        text.contains("row 2") && text.contains("the email is empty"),
        "{text}"
    );
}

#[test]
fn an_unknown_license_type_lists_the_accepted_ones() {
    let csv = "email,name,license_type,status\na@x.io,A,Full,active\nb@x.io,B,Viewer,active\nc@x.io,C,Admin,active\n";
    let text = err_text(parse_users(csv.as_bytes()));
    assert!(text.starts_with("row 4 (the header is row 1), column license_type: unknown license type 'Admin': expected one of Full, Viewer+Analytics, Viewer, Internal Collaborator"), "{text}");
    assert!(
        text.ends_with("Fix the row and import the file again; nothing from this file was stored."),
        "{text}"
    );
}

#[test]
fn users_parse_license_status_and_fields() {
    let csv = "email,name,license_type,status,department\nA@x.io,A,Viewer+Analytics,active,Sales\nb@x.io,B,Internal Collaborator,Inactive,\n";
    let rows = parse_users(csv.as_bytes()).unwrap();
    assert_eq!(rows[0].license_type, LicenseType::ViewerAnalytics);
    assert_eq!(rows[0].email, "a@x.io");
    assert_eq!(rows[0].fields["department"], "Sales");
    assert_eq!(rows[1].status, UserStatus::Inactive);
    let bad = "email,name,license_type,status\na@x.io,A,Full,retired\n";
    assert!(err_text(parse_users(bad.as_bytes()))
        .contains("column status: unknown user status 'retired'"));
}

#[test]
fn the_same_user_twice_in_a_file_is_refused_but_a_shared_email_is_not() {
    let shared = "email,name,license_type,status\na@x.io,A,Full,active\na@x.io,A2,Viewer,active\n";
    assert_eq!(parse_users(shared.as_bytes()).unwrap().len(), 2);
    let twice = "email,name,license_type,status\na@x.io,A,Full,active\nA@x.io,A,Viewer,active\n";
    assert!(err_text(parse_users(twice.as_bytes())).contains("also on row 2"));
}

#[test]
fn a_row_with_the_wrong_field_count_is_malformed() {
    let csv = "name,scope,active\nMeeting,global,true\nDemo,global\n";
    let text = err_text(parse_activity_types(csv.as_bytes()));
    assert!(
        text.starts_with("row 3 (the header is row 1): the row has 2 fields but the header has 3"),
        "{text}"
    );
}

#[test]
fn activity_types_parse_scope_and_active() {
    let csv = "name,scope,active\nDemo,global,true\nQBR,Company,no\n";
    let rows = parse_activity_types(csv.as_bytes()).unwrap();
    assert_eq!(rows[0].scope, ActivityScope::Global);
    assert!(rows[0].active && !rows[1].active);
    assert_eq!(rows[1].scope, ActivityScope::Company);
    let bad = "name,scope,active\nDemo,team,true\n";
    assert!(err_text(parse_activity_types(bad.as_bytes()))
        .contains("unknown scope 'team': expected one of global, company"));
}

#[test]
fn a_byte_order_mark_does_not_hide_the_first_column() {
    let csv = "\u{feff}name,crm_account_id\nAcme,1\n";
    assert_eq!(parse_companies(csv.as_bytes()).unwrap()[0].name, "Acme");
}

#[test]
fn the_15_and_18_character_forms_of_one_salesforce_id_are_one_id() {
    let id15 = "001A0000006Vm9r";
    let id18 = format!(
        "{id15}{}",
        gong_timeline_domain::crm_id::salesforce_suffix(id15)
    );
    let csv = format!("name,crm_account_id\nAcme,{id15}\nGlobex,{id18}\n");
    let text = err_text(parse_companies(csv.as_bytes()));
    assert!(
        text.contains("row 3") && text.contains("also on row 2"),
        "{text}"
    );
}

#[test]
fn every_bad_row_is_listed_with_its_column_and_value() {
    let csv = "email,name,license_type,status\nnot-an-email,A,Full,Active\nb@x.io,B,Full,Active\nc@x.io,C,Full,Sleeping\n";
    let errors = parse_users_all(csv.as_bytes()).unwrap_err();
    let cells: Vec<(u64, String, String)> = errors
        .iter()
        .map(|e| match e {
            ImportError::Invalid {
                row, column, value, ..
            } => (*row, column.clone(), value.clone()),
            other => panic!("{other}"),
        })
        .collect();
    assert_eq!(
        cells,
        vec![
            (2, "email".into(), "not-an-email".into()),
            (4, "status".into(), "Sleeping".into())
        ]
    );
    // The CLI's form names the first.
    assert_eq!(parse_users(csv.as_bytes()).unwrap_err(), errors[0]);
    assert!(parse_companies_all("name\nAcme\n".as_bytes()).is_ok());
}

#[test]
fn t5_a_header_declares_a_field_type_and_its_values_must_fit() {
    let csv = "name,crm_account_id,arr:number,zip:text\nAcme,001A,1200,02134\n";
    let rows = parse_companies(csv.as_bytes()).unwrap();
    assert_eq!(rows[0].fields.get("arr").map(String::as_str), Some("1200"));
    assert_eq!(rows[0].fields.get("zip").map(String::as_str), Some("02134"));
    let declared = declared_types(csv.as_bytes()).unwrap();
    assert_eq!(
        declared,
        vec![
            ("arr".to_string(), FieldType::Number),
            ("zip".to_string(), FieldType::Text)
        ]
    );
    let bad = "name,arr:number\nAcme,12\nGlobex,lots\n";
    let err = parse_companies(bad.as_bytes()).unwrap_err().to_string();
    assert!(err.starts_with("row 3"), "{err}");
    assert!(
        err.contains("'lots' is not a number") && err.contains("arr:number"),
        "{err}"
    );
    let unknown = "name,arr:money\nAcme,12\n";
    let err = parse_companies(unknown.as_bytes()).unwrap_err().to_string();
    assert!(err.contains("'money' is not a field type"), "{err}");
}

#[test]
fn t5_every_row_a_declared_type_refuses_is_listed() {
    let bad = "name,arr:number\nAcme,12\nGlobex,lots\nInitech,many\n";

    let errors = parse_companies_all(bad.as_bytes()).unwrap_err();

    let rows: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    assert_eq!(rows.len(), 2, "{rows:#?}");
    assert!(
        rows[0].starts_with("row 3 (the header is row 1), column arr"),
        "{rows:#?}"
    );
    assert!(rows[1].contains("'many' is not a number"), "{rows:#?}");
}

#[test]
fn a_column_named_twice_in_the_header_is_refused_naming_both() {
    let csv = "name,crm_account_id,Name\nF,1,G\n";

    let text = err_text(parse_companies(csv.as_bytes()));

    assert!(
        text.starts_with("row 1 (the header is row 1): the header names column 'Name' twice (columns 1 and 3); keep one"),
        "{text}"
    );
}

#[test]
fn item_6_a_row_with_several_bad_fields_lists_each_of_them() {
    let csv = "email,name,license_type,status\nnot-an-email,A,Platinum,Sleeping\n";
    let errors = parse_users_all(csv.as_bytes()).unwrap_err();
    let columns: Vec<String> = errors
        .iter()
        .map(|e| match e {
            ImportError::Invalid { row: 2, column, .. } => column.clone(),
            other => panic!("{other}"),
        })
        .collect();
    assert_eq!(columns, ["email", "license_type", "status"]);
}

#[test]
fn item_6_a_persons_file_keeps_its_good_rows_beside_the_errors_of_the_others() {
    let csv = "email,name,company\nbad-email,A,Acme\nb@x.io,B,Globex\nc@x.io,C,\n";
    let (good, errors) = parse_persons_partial(csv.as_bytes()).unwrap();
    assert_eq!(
        good.len(),
        1,
        "the store checks the good row's company next"
    );
    assert_eq!(good[0].company, "Globex");
    let rows: Vec<u64> = errors.iter().map(ImportError::row).collect();
    assert_eq!(rows, [2, 4]);
}
