//! Checks of connections, credentials, settings and user mappings.

use gong_timeline_domain::MappingStatus;

use super::fixtures::*;
use crate::records::*;
use crate::{Store, StoreError};

/// Credentials round-trip, never appear in a listing, and names are unique.
pub async fn connections_keep_credentials_sealed(store: &dyn Store) {
    let conn = connection(store, "Prod").await;
    assert_eq!(
        (conn.auth_kind, conn.status),
        (AuthKind::Basic, ConnectionStatus::Authorised)
    );
    assert!(!conn.hubspot_warning && conn.last_sync_at.is_none());
    let creds = store
        .connection_credentials(conn.id)
        .await
        .expect("credentials");
    assert_eq!(
        creds,
        Credentials::Basic {
            access_key: "key-Prod".into(),
            access_key_secret: "secret-Prod".into()
        }
    );
    let listed = store.list_connections().await.expect("list");
    let json = serde_json::to_string(&listed).expect("json");
    assert!(
        !json.contains("secret-Prod") && !json.contains("key-Prod"),
        "{json}"
    );
    let dup = store
        .create_connection(NewConnection {
            name: "Prod".into(),
            base_url: "http://x".into(),
            credentials: creds.clone(),
            status: ConnectionStatus::Pending,
            created_at: at(1),
        })
        .await
        .expect_err("duplicate name");
    assert!(matches!(dup, StoreError::AlreadyExists { .. }), "{dup:?}");
    store
        .set_connection_status(conn.id, ConnectionStatus::NeedsReauthorisation)
        .await
        .expect("status");
    store
        .set_hubspot_warning(conn.id, true)
        .await
        .expect("warning");
    let again = store
        .connection_by_name("Prod")
        .await
        .expect("by name")
        .expect("exists");
    assert_eq!(again.status, ConnectionStatus::NeedsReauthorisation);
    assert!(again.hubspot_warning);
    let fresh = Credentials::Basic {
        access_key: "k2".into(),
        access_key_secret: "s2".into(),
    };
    store
        .update_credentials(conn.id, fresh.clone())
        .await
        .expect("update");
    assert_eq!(
        store.connection_credentials(conn.id).await.expect("read"),
        fresh
    );
    let missing = store
        .connection_credentials(ConnectionId::new(9999))
        .await
        .expect_err("missing");
    assert!(
        matches!(missing, StoreError::NotFound { .. }),
        "{missing:?}"
    );
    assert!(store
        .get_connection(ConnectionId::new(9999))
        .await
        .expect("get")
        .is_none());
}

/// OAuth tokens are saved into the sealed credentials and the connection is Authorised.
pub async fn oauth_tokens_are_saved_in_place(store: &dyn Store) {
    let conn = store
        .create_connection(NewConnection {
            name: "OAuth".into(),
            base_url: "http://127.0.0.1:1".into(),
            credentials: Credentials::OAuth(OAuthCredentials {
                client_id: "cid".into(),
                client_secret: "csecret".into(),
                tokens: None,
                api_base_url: None,
            }),
            status: ConnectionStatus::Pending,
            created_at: at(0),
        })
        .await
        .expect("create");
    assert_eq!(conn.auth_kind, AuthKind::OAuth);
    let tokens = serde_json::json!({"access_token": "at-1", "refresh_token": "rt-1"});
    store
        .save_oauth_tokens(
            conn.id,
            tokens.clone(),
            Some("https://us-1.api.example".into()),
        )
        .await
        .expect("save");
    store
        .save_oauth_tokens(conn.id, serde_json::json!({"access_token": "at-2"}), None)
        .await
        .expect("save again");
    let Credentials::OAuth(oauth) = store.connection_credentials(conn.id).await.expect("read")
    else {
        panic!("OAuth credentials expected");
    };
    assert_eq!(oauth.client_secret, "csecret");
    assert_eq!(
        oauth.tokens,
        Some(serde_json::json!({"access_token": "at-2"}))
    );
    assert_eq!(
        oauth.api_base_url.as_deref(),
        Some("https://us-1.api.example")
    );
    let conn = store
        .get_connection(conn.id)
        .await
        .expect("get")
        .expect("exists");
    assert_eq!(conn.status, ConnectionStatus::Authorised);
    let basic = connection(store, "Basic").await;
    assert!(store
        .save_oauth_tokens(basic.id, tokens, None)
        .await
        .is_err());
}

/// Settings are the defaults until saved, then what was saved.
pub async fn settings_default_until_saved(store: &dyn Store) {
    let conn = connection(store, "Prod").await;
    let settings = store.get_settings(conn.id).await.expect("get");
    assert_eq!(settings, Settings::default());
    assert!(settings.enabled && settings.activity_type == "Meeting" && settings.filters.is_empty());
    assert_eq!((settings.backfill_days, settings.lookback_hours), (90, 24));
    let saved = Settings {
        enabled: false,
        activity_type: "Call".into(),
        filters: vec![
            "Company.industry = Software".into(),
            "User.department != Sales".into(),
        ],
        filter_logic: Some("1 OR 2".into()),
        backfill_days: 7,
        lookback_hours: 48,
        transcripts: true,
    };
    store.put_settings(conn.id, &saved).await.expect("put");
    assert_eq!(store.get_settings(conn.id).await.expect("get"), saved);
    let changed = Settings {
        enabled: true,
        ..saved
    };
    store
        .put_settings(conn.id, &changed)
        .await
        .expect("put again");
    assert_eq!(store.get_settings(conn.id).await.expect("get"), changed);
}

/// A manual resolution is kept when automatic mapping runs again.
pub async fn manual_mappings_survive_automatic_mapping(store: &dyn Store) {
    seed(store).await;
    let conn = connection(store, "Prod").await;
    let sams = store.users_by_email("sam@us.io").await.expect("sams");
    let kim = store.users_by_email("kim@us.io").await.expect("kim")[0].id;
    let auto = |gong: &str, email: &str, status, user, suggested: Vec<UserId>| MappingUpsert {
        gong_user_id: gong.to_string(),
        gong_email: Some(email.to_string()),
        gong_name: format!("Gong {gong}"),
        status,
        user_id: user,
        suggested,
    };
    let ids: Vec<UserId> = sams.iter().map(|u| u.id).collect();
    let batch = vec![
        auto(
            "g1",
            "sam@us.io",
            MappingStatus::Conflict,
            None,
            ids.clone(),
        ),
        auto("g2", "kim@us.io", MappingStatus::Mapped, Some(kim), vec![]),
    ];
    store
        .upsert_mappings(conn.id, batch.clone(), at(1))
        .await
        .expect("upsert");
    let resolved = store
        .resolve_mapping(conn.id, "g1", ids[1], at(2))
        .await
        .expect("resolve");
    assert_eq!(
        (resolved.status, resolved.user_id, resolved.manual),
        (MappingStatus::Mapped, Some(ids[1]), true)
    );
    let mut again = batch;
    again[0].gong_name = "Sam Renamed".into();
    store
        .upsert_mappings(conn.id, again, at(3))
        .await
        .expect("upsert again");
    let list = store.list_mappings(conn.id).await.expect("list");
    assert_eq!(list.len(), 2);
    let g1 = list.iter().find(|m| m.gong_user_id == "g1").expect("g1");
    assert_eq!(
        (g1.status, g1.user_id, g1.manual),
        (MappingStatus::Mapped, Some(ids[1]), true)
    );
    assert_eq!(g1.gong_name, "Sam Renamed");
    let g2 = list.iter().find(|m| m.gong_user_id == "g2").expect("g2");
    assert_eq!(
        (g2.status, g2.user_id, g2.manual),
        (MappingStatus::Mapped, Some(kim), false)
    );
    assert!(store
        .resolve_mapping(conn.id, "nobody", kim, at(4))
        .await
        .is_err());
    assert!(store
        .resolve_mapping(conn.id, "g2", UserId::new(9999), at(4))
        .await
        .is_err());
}

/// A connection is renamed and re-pointed in place; a taken name is refused.
pub async fn connections_are_renamed_and_repointed(store: &dyn Store) {
    let conn = connection(store, "Old").await;
    connection(store, "Taken").await;
    let changed = store
        .update_connection(
            conn.id,
            ConnectionChange {
                name: Some("New".into()),
                base_url: Some("http://127.0.0.1:2".into()),
            },
        )
        .await
        .expect("update");
    assert_eq!(
        (changed.id, changed.name.as_str(), changed.base_url.as_str()),
        (conn.id, "New", "http://127.0.0.1:2")
    );
    let same = store
        .update_connection(conn.id, ConnectionChange::default())
        .await
        .expect("no change");
    assert_eq!(same, changed);
    let taken = store
        .update_connection(
            conn.id,
            ConnectionChange {
                name: Some("Taken".into()),
                base_url: None,
            },
        )
        .await
        .expect_err("taken");
    assert!(
        matches!(taken, StoreError::AlreadyExists { .. }),
        "{taken:?}"
    );
    let missing = store
        .update_connection(ConnectionId::new(9999), ConnectionChange::default())
        .await
        .expect_err("missing");
    assert!(
        matches!(missing, StoreError::NotFound { .. }),
        "{missing:?}"
    );
}

/// Deleting a connection removes its credentials, settings, mappings and sync state,
/// keeps its activities and its jobs, and frees its name.
pub async fn deleting_a_connection_keeps_activities_and_the_log(store: &dyn Store) {
    seed(store).await;
    let conn = connection(store, "Doomed").await;
    let other = connection(store, "Kept").await;
    store
        .put_settings(
            conn.id,
            &Settings {
                enabled: false,
                ..Settings::default()
            },
        )
        .await
        .expect("settings");
    store
        .upsert_mappings(
            conn.id,
            vec![MappingUpsert {
                gong_user_id: "g1".into(),
                gong_email: Some("sam@us.io".into()),
                gong_name: "Sam".into(),
                status: gong_timeline_domain::MappingStatus::Failed,
                user_id: None,
                suggested: Vec::new(),
            }],
            at(1),
        )
        .await
        .expect("mappings");
    let job = start_job(store, conn.id, 0).await;
    let acme = company_id(store, "Acme").await;
    let mut p = page(store, job, conn.id, 1).await;
    p.upserts = vec![upsert(conn.id, "c1", acme, 5, 1)];
    p.records = vec![record(
        "c1",
        gong_timeline_domain::RecordStatus::Created,
        Some(ActivityRef::Upsert(0)),
    )];
    p.retry_add = vec![RetryEntry {
        gong_call_id: "c2".into(),
        message: "failed".into(),
        failed_at: at(1),
    }];
    p.checkpoint = Some(at(5));
    store.commit_page(&p).await.expect("commit");
    finish_job(store, job, gong_timeline_domain::JobStatus::Success, 2).await;

    store
        .delete_connection(conn.id, at(3))
        .await
        .expect("delete");

    assert!(store.get_connection(conn.id).await.expect("get").is_none());
    assert!(store
        .connection_by_name("Doomed")
        .await
        .expect("by name")
        .is_none());
    let names: Vec<String> = store
        .list_connections()
        .await
        .expect("list")
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(names, ["Kept"]);
    let gone = store
        .connection_credentials(conn.id)
        .await
        .expect_err("no credentials");
    assert!(matches!(gone, StoreError::NotFound { .. }), "{gone:?}");
    assert_eq!(
        store.get_settings(conn.id).await.expect("settings"),
        Settings::default()
    );
    assert!(store
        .list_mappings(conn.id)
        .await
        .expect("mappings")
        .is_empty());
    assert!(retries(store, conn.id, at(-100)).await.is_empty());
    assert_eq!(
        store.get_checkpoint(conn.id).await.expect("checkpoint"),
        Checkpoint::default()
    );
    assert_eq!(
        store
            .count_activities(&of_connection(conn.id))
            .await
            .expect("count"),
        1
    );
    let kept = store
        .get_job(job)
        .await
        .expect("job")
        .expect("the job stays");
    assert!(
        kept.connection.starts_with("Doomed (deleted"),
        "{}",
        kept.connection
    );
    let records = job_records(store, job).await;
    assert_eq!(records.len(), 1);
    let again = connection(store, "Doomed").await;
    assert_ne!(again.id, conn.id);
    let twice = store
        .delete_connection(conn.id, at(4))
        .await
        .expect_err("already gone");
    assert!(matches!(twice, StoreError::NotFound { .. }), "{twice:?}");
    assert!(store.get_connection(other.id).await.expect("get").is_some());
}

/// A schedule slot is claimed once per connection: a second claim of it, or of an
/// earlier slot, is refused; the next slot can be claimed; connections claim apart.
pub async fn a_schedule_slot_is_claimed_once_per_connection(store: &dyn Store) {
    let a = connection(store, "A").await;
    let b = connection(store, "B").await;
    let claim = |id, slot| async move {
        store
            .claim_schedule_slot(id, at(slot))
            .await
            .expect("claim")
    };

    assert!(claim(a.id, 100).await, "the first claim of a slot");
    assert!(!claim(a.id, 100).await, "the same slot again");
    assert!(!claim(a.id, 50).await, "an earlier slot");
    assert!(claim(b.id, 100).await, "another connection's claim");
    assert!(claim(a.id, 200).await, "the next slot");
    assert_eq!(
        store.schedule_claim(a.id).await.expect("read"),
        Some(at(200))
    );
    let c = connection(store, "C").await;
    assert_eq!(store.schedule_claim(c.id).await.expect("read"), None);
    assert!(matches!(
        store
            .claim_schedule_slot(ConnectionId::new(9999), at(0))
            .await,
        Err(StoreError::NotFound { .. })
    ));
}
