//! Checks of web admin accounts, sessions and API tokens.

use super::fixtures::at;
use crate::records::*;
use crate::{Store, StoreError};

/// Admins are unique by username in any case; the password hash can be replaced.
pub async fn admins_are_unique_by_username(store: &dyn Store) {
    assert_eq!(store.count_admins().await.expect("count"), 0);
    let admin = store
        .create_admin("Root", "$argon2id$hash", at(0))
        .await
        .expect("create");
    assert!(matches!(
        store.create_admin("root", "x", at(1)).await,
        Err(StoreError::AlreadyExists { .. })
    ));
    let found = store
        .admin_by_username("ROOT")
        .await
        .expect("get")
        .expect("found");
    assert_eq!(found, admin);
    assert!(
        !format!("{found:?}").contains("argon2"),
        "Debug redacts the hash"
    );
    store
        .set_admin_password(admin.id, "$argon2id$other")
        .await
        .expect("set");
    let found = store.admin_by_username("root").await.expect("get");
    assert_eq!(
        found.map(|a| a.password_hash),
        Some("$argon2id$other".into())
    );
    assert_eq!(store.count_admins().await.expect("count"), 1);
}

/// Sessions are found by hash until they expire, and end on delete.
pub async fn sessions_expire_and_end(store: &dyn Store) {
    let admin = store.create_admin("a", "h", at(0)).await.expect("create");
    let session = Session {
        token_hash: "abc".into(),
        admin_id: admin.id,
        csrf_token: "csrf".into(),
        created_at: at(0),
        expires_at: at(60),
    };
    store.create_session(session.clone()).await.expect("create");
    assert_eq!(
        store.session_by_hash("abc", at(30)).await.expect("get"),
        Some(session)
    );
    assert_eq!(
        store.session_by_hash("abc", at(60)).await.expect("get"),
        None
    );
    assert_eq!(
        store.session_by_hash("zzz", at(1)).await.expect("get"),
        None
    );
    store.delete_session("abc").await.expect("delete");
    assert_eq!(
        store.session_by_hash("abc", at(1)).await.expect("get"),
        None
    );
}

/// API tokens are found by hash, listed newest first, and revoked by id.
pub async fn api_tokens_are_found_by_hash_and_revoked(store: &dyn Store) {
    let admin = store.create_admin("a", "h", at(0)).await.expect("create");
    let new = |name: &str, hash: &str| NewApiToken {
        name: name.into(),
        token_hash: hash.into(),
        admin_id: admin.id,
        created_at: at(0),
    };
    let one = store
        .create_api_token(new("ci", "h1"))
        .await
        .expect("create");
    let two = store
        .create_api_token(new("bi", "h2"))
        .await
        .expect("create");
    assert!(store.create_api_token(new("dup", "h1")).await.is_err());
    assert_eq!(
        store.api_token_by_hash("h2").await.expect("get"),
        Some(two.clone())
    );
    let listed = store.list_api_tokens().await.expect("list");
    assert_eq!(listed, vec![two.clone(), one.clone()]);
    store.delete_api_token(two.id).await.expect("delete");
    assert_eq!(store.api_token_by_hash("h2").await.expect("get"), None);
    assert!(matches!(
        store.delete_api_token(two.id).await,
        Err(StoreError::NotFound { .. })
    ));
}
