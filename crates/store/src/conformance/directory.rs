//! Checks of imports and of companies, persons, users and activity types.

use gong_timeline_domain::{LicenseType, UserStatus};

use super::fixtures::*;
use crate::import::{self, ImportError};
use crate::records::*;
use crate::{Store, StoreError};

/// Meeting, Call, Email, Update and Milestone exist, global and active.
pub async fn seeded_activity_types_exist(store: &dyn Store) {
    let types = store.list_activity_types().await.expect("list types");
    for name in ["Meeting", "Call", "Email", "Update", "Milestone"] {
        let t = types.iter().find(|t| t.name == name).expect("seeded type");
        assert!(t.active && t.scope == ActivityScope::Global, "{t:?}");
    }
    let meeting = store
        .activity_type_by_name("meeting")
        .await
        .expect("by name");
    assert_eq!(meeting.map(|t| t.name).as_deref(), Some("Meeting"));
}

/// Importing the same files twice updates and never duplicates.
pub async fn imports_insert_then_update_without_duplicates(store: &dyn Store) {
    seed(store).await;
    let companies = import::parse_companies(COMPANIES.as_bytes()).expect("parse");
    let again = store.import_companies(companies).await.expect("re-import");
    assert_eq!(
        again,
        ImportCounts {
            inserted: 0,
            updated: 2
        }
    );
    let changed = "name,crm_account_id,industry\nACME,001A,Hardware\nInitech,,Consulting\n";
    let counts = store
        .import_companies(import::parse_companies(changed.as_bytes()).expect("parse"))
        .await
        .expect("import");
    assert_eq!(
        counts,
        ImportCounts {
            inserted: 1,
            updated: 1
        }
    );
    let list = store.list_companies().await.expect("list");
    assert_eq!(list.len(), 3);
    let acme = list
        .iter()
        .find(|c| c.crm_account_id.as_deref() == Some("001A"))
        .expect("acme");
    assert_eq!(
        (acme.name.as_str(), acme.fields["industry"].as_str()),
        ("ACME", "Hardware")
    );

    let persons = store
        .import_persons(import::parse_persons(PERSONS.as_bytes()).expect("parse"))
        .await
        .expect("persons");
    assert_eq!(
        persons,
        ImportCounts {
            inserted: 0,
            updated: 3
        }
    );
    assert_eq!(store.list_persons().await.expect("persons").len(), 3);

    let users = store
        .import_users(import::parse_users(USERS.as_bytes()).expect("parse"))
        .await
        .expect("users");
    assert_eq!(
        users,
        ImportCounts {
            inserted: 0,
            updated: 3
        }
    );
    assert_eq!(store.list_users().await.expect("users").len(), 3);

    let types = "name,scope,active\nDemo,global,true\nmeeting,global,false\n";
    let rows = import::parse_activity_types(types.as_bytes()).expect("parse");
    let counts = store
        .import_activity_types(rows.clone())
        .await
        .expect("types");
    assert_eq!(
        counts,
        ImportCounts {
            inserted: 1,
            updated: 1
        }
    );
    store
        .import_activity_types(rows)
        .await
        .expect("types again");
    let all = store.list_activity_types().await.expect("types");
    assert_eq!(all.len(), 6);
    assert!(!all
        .iter()
        .any(|t| t.name.eq_ignore_ascii_case("meeting") && t.active));
}

/// A companies file whose crm id belongs to another company stores nothing.
pub async fn a_bad_company_row_stores_nothing(store: &dyn Store) {
    seed(store).await;
    let before = store.list_companies().await.expect("list");
    let file = "name,crm_account_id\nAcme,001A\nHooli,009Z\nUmbrella,001B\n";
    let err = store
        .import_companies(import::parse_companies(file.as_bytes()).expect("parse"))
        .await
        .expect_err("a crm id of Globex is refused");
    match &err {
        StoreError::Import(ImportError::Invalid {
            row, column, value, ..
        }) => {
            assert_eq!(
                (*row, column.as_str(), value.as_str()),
                (4, "crm_account_id", "001B")
            );
        }
        other => panic!("expected an import error, got {other:?}"),
    }
    let text = err.to_string();
    assert!(
        text.contains("row 4")
            && text.contains("Globex")
            && text.contains("nothing from this file was stored"),
        "{text}"
    );
    assert_eq!(store.list_companies().await.expect("list"), before);
}

/// A persons file naming an unknown company stores nothing, naming the row.
pub async fn a_person_of_an_unknown_company_stores_nothing(store: &dyn Store) {
    seed(store).await;
    let file = "email,name,company\nnew@acme.com,New,Acme\nzed@nowhere.com,Zed,Nowhere Inc\n";
    let err = store
        .import_persons(import::parse_persons(file.as_bytes()).expect("parse"))
        .await
        .expect_err("unknown company");
    let text = err.to_string();
    assert!(
        text.contains("row 3") && text.contains("column company") && text.contains("Nowhere Inc"),
        "{text}"
    );
    let persons = store.list_persons().await.expect("persons");
    assert_eq!(persons.len(), 3);
    assert!(!persons.iter().any(|p| p.email == "new@acme.com"));
}

/// Users sharing an email are separate users (a conflict), found by email.
pub async fn users_may_share_an_email(store: &dyn Store) {
    seed(store).await;
    let sams = store.users_by_email("SAM@us.io").await.expect("by email");
    assert_eq!(sams.len(), 2);
    let full = sams.iter().find(|u| u.name == "Sam").expect("Sam");
    assert_eq!(
        (full.license_type, full.status),
        (LicenseType::Full, UserStatus::Active)
    );
    assert_eq!(full.fields["department"], "Sales");
    assert!(!full.created_by_sync);
    let two = sams.iter().find(|u| u.name == "Sam Two").expect("Sam Two");
    assert_eq!(two.status, UserStatus::Inactive);
    let got = store.get_user(full.id).await.expect("get").expect("exists");
    assert_eq!(&got, full);
}

/// Batch-created users get ids in the order given and are marked as made by the sync.
pub async fn created_users_get_ids_in_order(store: &dyn Store) {
    seed(store).await;
    let new = |email: &str| NewUser {
        email: email.to_string(),
        name: email.to_string(),
        license_type: LicenseType::InternalCollaborator,
        status: UserStatus::Active,
        fields: Fields::new(),
        created_by_sync: true,
    };
    let ids = store
        .create_users(vec![new("New1@us.io"), new("sam@us.io")])
        .await
        .expect("create");
    assert_eq!(ids.len(), 2);
    let first = store.get_user(ids[0]).await.expect("get").expect("exists");
    assert_eq!(first.email, "new1@us.io");
    assert!(first.created_by_sync);
    assert_eq!(users_with_email(store, "sam@us.io").await, 3);
    assert_eq!(store.list_users().await.expect("list").len(), 5);
    assert!(store
        .create_users(Vec::new())
        .await
        .expect("empty")
        .is_empty());
}

/// Declared field types are kept per object; declaring a field again (any case)
/// replaces its type.
pub async fn declared_field_types_are_kept_and_replaced(store: &dyn Store) {
    use gong_timeline_domain::filter::FieldType;
    assert!(store.list_field_types().await.expect("list").is_empty());
    let decl = |object, field: &str, field_type| FieldTypeDecl {
        object,
        field: field.to_string(),
        field_type,
    };
    store
        .declare_field_types(vec![
            decl(FieldObject::Company, "arr", FieldType::Number),
            decl(FieldObject::Company, "zip", FieldType::Text),
            decl(FieldObject::User, "arr", FieldType::Text),
        ])
        .await
        .expect("declare");
    store
        .declare_field_types(vec![decl(FieldObject::Company, "ZIP", FieldType::Number)])
        .await
        .expect("declare again");
    let listed = store.list_field_types().await.expect("list");
    assert_eq!(
        listed,
        vec![
            decl(FieldObject::Company, "arr", FieldType::Number),
            decl(FieldObject::Company, "ZIP", FieldType::Number),
            decl(FieldObject::User, "arr", FieldType::Text),
        ]
    );
}

/// Two jobs that plan the same Internal Collaborator at once (two connections, two
/// replicas) get one user, not a same-email conflict; an imported user of that email
/// is no sync-made one and does not count.
pub async fn concurrent_ic_creations_of_one_email_make_one_user(store: &dyn Store) {
    seed(store).await;
    let ic = |email: &str| NewUser {
        email: email.to_string(),
        name: "Iris".to_string(),
        license_type: LicenseType::InternalCollaborator,
        status: UserStatus::Active,
        fields: Fields::new(),
        created_by_sync: true,
    };
    let (a, b) = tokio::join!(
        store.create_users(vec![ic("iris@us.io"), ic("New2@us.io")]),
        store.create_users(vec![ic("Iris@us.io")]),
    );
    let (a, b) = (a.expect("a"), b.expect("b"));
    assert_eq!(a[0], b[0], "one user for one email");
    assert_ne!(a[0], a[1]);
    assert_eq!(users_with_email(store, "iris@us.io").await, 1);
    let again = store
        .create_users(vec![ic("iris@us.io")])
        .await
        .expect("again");
    assert_eq!(again, vec![a[0]]);
    assert_eq!(users_with_email(store, "kim@us.io").await, 1);
    let beside_imported = store
        .create_users(vec![ic("kim@us.io")])
        .await
        .expect("kim");
    assert_eq!(users_with_email(store, "kim@us.io").await, 2);
    assert!(!beside_imported.is_empty());
}

/// How many users have `email` (case-insensitive, as the store compares).
async fn users_with_email(store: &dyn Store, email: &str) -> usize {
    store.users_by_email(email).await.expect("by email").len()
}
