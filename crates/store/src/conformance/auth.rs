//! Checks of web admin accounts, sessions and API tokens.

use gong_timeline_domain::TokenScope;

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
    assert_eq!(
        store.admin_by_id(admin.id).await.expect("by id"),
        Some(admin.clone())
    );
    assert_eq!(
        store
            .admin_by_id(AdminId::new(admin.id.get() + 1000))
            .await
            .expect("by id"),
        None
    );
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

/// A1: an account has a role (an admin unless made with another), which can change.
pub async fn accounts_have_a_role(store: &dyn Store) {
    let admin = store.create_admin("root", "h", at(0)).await.expect("admin");
    assert_eq!(admin.role, Role::Admin);
    let member = store
        .create_account("Ann@Example.com", "h", Role::Member, at(1))
        .await
        .expect("member");
    assert_eq!(member.role, Role::Member);
    assert!(matches!(
        store
            .create_account("ann@example.com", "h", Role::Viewer, at(2))
            .await,
        Err(StoreError::AlreadyExists { .. })
    ));
    store
        .set_admin_role(member.id, Role::Viewer)
        .await
        .expect("set role");
    let found = store
        .admin_by_id(member.id)
        .await
        .expect("get")
        .expect("found");
    assert_eq!(found.role, Role::Viewer);
    assert!(matches!(
        store
            .set_admin_role(AdminId::new(member.id.get() + 1000), Role::Admin)
            .await,
        Err(StoreError::NotFound { .. })
    ));
    let all = store.list_admins().await.expect("list");
    let names: Vec<(&str, Role)> = all.iter().map(|a| (a.username.as_str(), a.role)).collect();
    assert_eq!(
        names,
        [("Ann@Example.com", Role::Viewer), ("root", Role::Admin)]
    );
}

/// A1: removing an account's sign-in ends its sessions and API tokens (only its
/// own), hides it from the accounts that may sign in, keeps the row (its username),
/// and granting sign-in again restores it. The last admin keeps sign-in and role.
pub async fn a_removed_sign_in_ends_sessions_and_tokens_and_can_be_given_back(store: &dyn Store) {
    let root = store.create_admin("root", "h", at(0)).await.expect("admin");
    let ann = store
        .create_account("Ann@Example.com", "h", Role::Member, at(0))
        .await
        .expect("member");
    for (hash, admin_id) in [("s-ann", ann.id), ("s-root", root.id)] {
        let session = Session {
            token_hash: hash.into(),
            admin_id,
            csrf_token: "csrf".into(),
            created_at: at(0),
            expires_at: at(3600),
        };
        store.create_session(session).await.expect("session");
        store
            .create_api_token(NewApiToken {
                name: hash.into(),
                token_hash: format!("t{hash}"),
                admin_id,
                created_at: at(0),
                expires_at: None,
                scope: TokenScope::Read,
            })
            .await
            .expect("token");
    }
    let removed = store.remove_sign_in(ann.id, at(5)).await.expect("remove");
    assert_eq!(removed, ann, "the account as it was");
    assert_eq!(
        store.session_by_hash("s-ann", at(1)).await.expect("get"),
        None
    );
    assert_eq!(store.api_token_by_hash("ts-ann").await.expect("get"), None);
    assert!(store
        .session_by_hash("s-root", at(1))
        .await
        .expect("get")
        .is_some());
    assert!(store
        .api_token_by_hash("ts-root")
        .await
        .expect("get")
        .is_some());
    let found = store
        .admin_by_username("ann@example.com")
        .await
        .expect("get")
        .expect("the row stays");
    assert_eq!(found.sign_in_removed_at, Some(at(5)));
    assert!(!found.can_sign_in());
    assert_ne!(found.password_hash, "h", "no password matches any more");
    assert_eq!(store.list_admins().await.expect("list"), vec![root.clone()]);
    assert_eq!(store.count_admins().await.expect("count"), 1);
    for id in [ann.id, AdminId::new(ann.id.get() + 1000)] {
        assert!(
            matches!(
                store.remove_sign_in(id, at(6)).await,
                Err(StoreError::NotFound { .. })
            ),
            "removed already, or unknown"
        );
    }
    assert!(matches!(
        store.remove_sign_in(root.id, at(6)).await,
        Err(StoreError::LastAdmin { username }) if username == "root"
    ));
    assert!(matches!(
        store.set_admin_role(root.id, Role::Viewer).await,
        Err(StoreError::LastAdmin { .. })
    ));
    assert_eq!(
        store.admin_by_id(root.id).await.expect("get"),
        Some(root.clone())
    );
    // Granting sign-in again gives the same account a new password and role.
    let back = store
        .create_account("ann@example.com", "h2", Role::Viewer, at(7))
        .await
        .expect("given back");
    assert_eq!(back.id, ann.id);
    assert_eq!(
        (back.role, back.password_hash.as_str()),
        (Role::Viewer, "h2")
    );
    assert!(back.can_sign_in());
    assert_eq!(store.count_admins().await.expect("count"), 2);
    assert!(matches!(
        store
            .create_account("ann@example.com", "h3", Role::Viewer, at(8))
            .await,
        Err(StoreError::AlreadyExists { .. })
    ));
}

/// A1: however many admins demote each other or remove each other's sign-in at the
/// same time, one admin who can sign in remains (the check and the change are one
/// write transaction).
pub async fn the_last_admin_stays_under_concurrent_demotions(store: &dyn Store) {
    let mut ids = Vec::new();
    for i in 0..6 {
        let admin = store
            .create_admin(&format!("admin{i}"), "h", at(0))
            .await
            .expect("admin");
        ids.push(admin.id);
    }
    let demote = |id| async move { store.set_admin_role(id, Role::Member).await };
    let remove = |id| async move { store.remove_sign_in(id, at(1)).await.map(|_| ()) };
    let (a, b, c, d, e, f) = tokio::join!(
        demote(ids[0]),
        remove(ids[1]),
        demote(ids[2]),
        remove(ids[3]),
        demote(ids[4]),
        remove(ids[5]),
    );
    let results = [a, b, c, d, e, f];
    let refused = results
        .iter()
        .filter(|r| matches!(r, Err(StoreError::LastAdmin { .. })))
        .count();
    let done = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!((done, refused), (5, 1), "{results:?}");
    let admins: Vec<Admin> = store
        .list_admins()
        .await
        .expect("list")
        .into_iter()
        .filter(|a| a.role == Role::Admin)
        .collect();
    assert_eq!(admins.len(), 1, "one admin remains: {admins:?}");
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
    let new = |name: &str, hash: &str, scope| NewApiToken {
        name: name.into(),
        token_hash: hash.into(),
        admin_id: admin.id,
        created_at: at(0),
        expires_at: None,
        scope,
    };
    let one = store
        .create_api_token(new("ci", "h1", TokenScope::Admin))
        .await
        .expect("create");
    let two = store
        .create_api_token(new("bi", "h2", TokenScope::Metrics))
        .await
        .expect("create");
    assert_eq!(two.scope, TokenScope::Metrics, "the scope is kept");
    assert!(store
        .create_api_token(new("dup", "h1", TokenScope::Read))
        .await
        .is_err());
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

/// Resetting a password ends every session and API token of that admin, and only
/// of that admin.
pub async fn a_password_reset_ends_the_admins_sessions(store: &dyn Store) {
    let admin = store.create_admin("a", "h", at(0)).await.expect("create");
    let other = store.create_admin("b", "h", at(0)).await.expect("create");
    let session = |hash: &str, admin_id| Session {
        token_hash: hash.into(),
        admin_id,
        csrf_token: "csrf".into(),
        created_at: at(0),
        expires_at: at(3600),
    };
    for (hash, id) in [("s1", admin.id), ("s2", admin.id), ("s3", other.id)] {
        store
            .create_session(session(hash, id))
            .await
            .expect("create");
    }
    for (hash, admin_id) in [("t1", admin.id), ("t2", other.id)] {
        store
            .create_api_token(NewApiToken {
                name: hash.into(),
                token_hash: hash.into(),
                admin_id,
                created_at: at(0),
                expires_at: None,
                scope: TokenScope::Admin,
            })
            .await
            .expect("create");
    }
    store.set_admin_password(admin.id, "h2").await.expect("set");
    assert_eq!(store.api_token_by_hash("t1").await.expect("get"), None);
    assert!(store.api_token_by_hash("t2").await.expect("get").is_some());
    for hash in ["s1", "s2"] {
        assert_eq!(store.session_by_hash(hash, at(1)).await.expect("get"), None);
    }
    assert!(store
        .session_by_hash("s3", at(1))
        .await
        .expect("get")
        .is_some());
}

/// An API token keeps its expiry and notes when it was last used.
pub async fn api_tokens_expire_and_note_their_last_use(store: &dyn Store) {
    let admin = store.create_admin("a", "h", at(0)).await.expect("create");
    let token = store
        .create_api_token(NewApiToken {
            name: "ci".into(),
            token_hash: "h1".into(),
            admin_id: admin.id,
            created_at: at(0),
            expires_at: Some(at(100)),
            scope: TokenScope::Read,
        })
        .await
        .expect("create");
    assert_eq!(token.expires_at, Some(at(100)));
    assert_eq!(token.last_used_at, None);
    assert!(token.is_live(at(99)) && !token.is_live(at(100)));
    store
        .touch_api_token(token.id, at(50))
        .await
        .expect("touch");
    let found = store
        .api_token_by_hash("h1")
        .await
        .expect("get")
        .expect("found");
    assert_eq!(found.last_used_at, Some(at(50)));
    store
        .touch_api_token(ApiTokenId::new(9999), at(60))
        .await
        .expect("unknown ids are ignored");
}

/// An OAuth authorisation in progress is taken once, only before it expires, and
/// expired ones are pruned when another starts.
pub async fn oauth_states_are_taken_once_before_they_expire(store: &dyn Store) {
    let conn = super::fixtures::connection(store, "A").await;
    let pending = |hash: &str, expires: i64| PendingOAuth {
        state_hash: hash.into(),
        connection_id: conn.id,
        started_by: "session:abc".into(),
        expires_at: at(expires),
    };
    store
        .create_oauth_state(pending("live", 60), at(0))
        .await
        .expect("create");
    store
        .create_oauth_state(pending("stale", 10), at(0))
        .await
        .expect("create");

    assert_eq!(
        store.take_oauth_state("live", at(30)).await.expect("take"),
        Some(pending("live", 60))
    );
    assert_eq!(
        store.take_oauth_state("live", at(31)).await.expect("take"),
        None,
        "single use"
    );
    assert_eq!(
        store.take_oauth_state("stale", at(10)).await.expect("take"),
        None,
        "expired"
    );
    assert_eq!(
        store.take_oauth_state("nope", at(1)).await.expect("take"),
        None
    );
    let unknown = PendingOAuth {
        connection_id: ConnectionId::new(9999),
        ..pending("orphan", 60)
    };
    assert!(matches!(
        store.create_oauth_state(unknown, at(0)).await,
        Err(StoreError::NotFound { .. })
    ));
}

/// Log-in attempts: counted per key in the store, locked out past the free ones
/// (nothing counted while locked), cleared by a success, forgotten after a while.
pub async fn sec2_log_in_attempts_are_counted_and_locked_out_in_the_store(store: &dyn Store) {
    use gong_timeline_domain::throttle::{throttle_keys, ThrottlePolicy};
    use std::time::Duration;
    let policy = ThrottlePolicy::default();
    let a = "10.0.0.1".parse().ok();
    let here = throttle_keys("admin", a, &policy);
    let elsewhere = throttle_keys("admin", "10.0.0.2".parse().ok(), &policy);
    let second = |s: i64| at(0) + chrono::Duration::seconds(s);
    for i in 0..6 {
        let wait = store.begin_login_attempt(&here, &policy, second(0)).await;
        assert_eq!(wait.expect("count"), None, "attempt {i} is free");
    }
    let begin = |keys, s| store.begin_login_attempt(keys, &policy, second(s));
    assert_eq!(
        begin(&here, 0).await.expect("count"),
        Some(Duration::from_secs(2))
    );
    assert_eq!(
        begin(&here, 1).await.expect("count"),
        Some(Duration::from_secs(1))
    );
    assert_eq!(
        begin(&elsewhere, 1).await.expect("count"),
        None,
        "another address"
    );
    // Refused attempts were not counted: after the 2 s, one more try, then 4 s.
    assert_eq!(begin(&here, 2).await.expect("count"), None);
    assert_eq!(
        begin(&here, 2).await.expect("count"),
        Some(Duration::from_secs(4))
    );
    store.clear_login_attempts(&here).await.expect("clear");
    assert_eq!(
        begin(&here, 2).await.expect("count"),
        None,
        "a success clears"
    );
    for _ in 0..6 {
        begin(&elsewhere, 10).await.expect("count");
    }
    assert!(begin(&elsewhere, 10).await.expect("count").is_some());
    assert_eq!(
        begin(&elsewhere, 10 + 3601).await.expect("count"),
        None,
        "forgotten"
    );
}
