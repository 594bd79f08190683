//! Opening a SQLite store: files made on first use, the key file, clear errors.

use std::time::Duration;

use chrono::Utc;
use gong_timeline_store::crypto::{SecretKey, KEY_ENV};
use gong_timeline_store::{ConnectionStatus, Credentials, NewConnection, Store, StoreError};
use gong_timeline_store_sql::{SqliteOptions, SqliteStore};

fn basic(name: &str) -> NewConnection {
    NewConnection {
        name: name.into(),
        base_url: "http://127.0.0.1:1".into(),
        credentials: Credentials::Basic {
            access_key: "ak".into(),
            access_key_secret: "the-secret".into(),
        },
        status: ConnectionStatus::Authorised,
        created_at: Utc::now(),
    }
}

#[tokio::test]
async fn first_open_creates_the_database_and_a_private_key_file() {
    if std::env::var(KEY_ENV).is_ok_and(|v| !v.trim().is_empty()) {
        return; // the key comes from the environment here: no key file is made
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("new.db");
    let url = format!("sqlite://{}", db.display());
    let store = SqliteStore::open(&url).await.unwrap();
    let conn = store.create_connection(basic("Prod")).await.unwrap();
    store.close().await;
    let key_file = dir.path().join("new.db.key");
    assert!(db.exists() && key_file.exists());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let raw = std::fs::read(&db).unwrap();
    assert!(!String::from_utf8_lossy(&raw).contains("the-secret"));

    let reopened = SqliteStore::open(&url).await.unwrap();
    let creds = reopened.connection_credentials(conn.id).await.unwrap();
    assert!(
        matches!(creds, Credentials::Basic { access_key_secret, .. } if access_key_secret == "the-secret")
    );
}

#[tokio::test]
async fn credentials_under_another_key_are_refused_with_advice() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("k.db").display());
    let with = |key: SecretKey| SqliteOptions {
        secret_key: Some(key),
        ..SqliteOptions::default()
    };
    let store = SqliteStore::open_with(&url, with(SecretKey::generate()))
        .await
        .unwrap();
    let id = store.create_connection(basic("Prod")).await.unwrap().id;
    store.close().await;
    let other = SqliteStore::open_with(&url, with(SecretKey::generate()))
        .await
        .unwrap();
    let err = other.connection_credentials(id).await.unwrap_err();
    assert!(matches!(err, StoreError::Crypto(_)), "{err:?}");
    assert!(err.to_string().contains(KEY_ENV), "{err}");
}

#[tokio::test]
async fn a_missing_folder_is_named() {
    let err = SqliteStore::open("sqlite:///no/such/folder/x.db")
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("/no/such/folder") && text.contains("does not exist"),
        "{text}"
    );
}

#[tokio::test]
async fn bare_paths_and_memory_urls_open_too() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bare.db");
    let options = || SqliteOptions {
        secret_key: Some(SecretKey::generate()),
        ..SqliteOptions::default()
    };
    let store = SqliteStore::open_with(path.to_str().unwrap(), options())
        .await
        .unwrap();
    assert_eq!(store.list_activity_types().await.unwrap().len(), 5);
    assert!(path.exists());
    let memory = SqliteStore::open("sqlite::memory:").await.unwrap();
    memory.create_connection(basic("Mem")).await.unwrap();
    assert_eq!(memory.list_connections().await.unwrap().len(), 1);
    let wrong = SqliteStore::open("postgres://localhost/db")
        .await
        .unwrap_err();
    assert!(wrong.to_string().contains("SQLite"), "{wrong}");
}

#[tokio::test]
async fn a_write_lock_held_elsewhere_reports_locked() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("lock.db").display());
    let key = SecretKey::generate();
    let holder = SqliteStore::open_with(
        &url,
        SqliteOptions {
            secret_key: Some(key.clone()),
            ..SqliteOptions::default()
        },
    )
    .await
    .unwrap();
    let impatient = SqliteStore::open_with(
        &url,
        SqliteOptions {
            secret_key: Some(key),
            busy_timeout: Duration::from_millis(100),
            ..SqliteOptions::default()
        },
    )
    .await
    .unwrap();
    let tx = holder.pool().begin_with("BEGIN IMMEDIATE").await.unwrap();
    let err = impatient
        .create_connection(basic("Blocked"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Locked), "{err:?}");
    assert_eq!(
        err.to_string(),
        "the database is locked by another process; retry or stop the other gong-timeline process"
    );
    drop(tx);
    impatient.create_connection(basic("Later")).await.unwrap();
}

#[tokio::test]
async fn a_lost_key_file_is_not_silently_replaced_when_credentials_exist() {
    if std::env::var(KEY_ENV).is_ok_and(|v| !v.trim().is_empty()) {
        return; // the key comes from the environment here: no key file is involved
    }
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("lost.db").display());
    let store = SqliteStore::open(&url).await.unwrap();
    store.create_connection(basic("Prod")).await.unwrap();
    store.close().await;
    let key_file = dir.path().join("lost.db.key");
    std::fs::remove_file(&key_file).unwrap();

    let err = SqliteStore::open(&url).await.unwrap_err().to_string();

    assert!(
        err.contains("lost.db.key is missing") && err.contains(KEY_ENV),
        "{err}"
    );
    assert!(!key_file.exists(), "no new key was made");
}

#[tokio::test]
async fn a_new_database_file_is_readable_by_its_owner_only() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("private.db");
    let options = SqliteOptions {
        secret_key: Some(SecretKey::generate()),
        ..SqliteOptions::default()
    };
    let store = SqliteStore::open_with(&format!("sqlite://{}", db.display()), options)
        .await
        .unwrap();
    store.create_connection(basic("Prod")).await.unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for file in [db.clone(), dir.path().join("private.db-wal")] {
            let mode = std::fs::metadata(&file).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{}", file.display());
        }
    }
    store.close().await;
}

#[cfg(unix)]
#[tokio::test]
async fn files_an_older_version_left_readable_by_others_are_made_private_at_open() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("old.db");
    let key_file = dir.path().join("old.db.key");
    let url = format!("sqlite://{}", db.display());
    SecretKey::generate().write_new(&key_file).unwrap();
    let store = SqliteStore::open(&url).await.unwrap();
    store.create_connection(basic("Prod")).await.unwrap();
    store.close().await;
    let open_to_all = std::fs::Permissions::from_mode(0o644);
    std::fs::set_permissions(&db, open_to_all.clone()).unwrap();
    std::fs::set_permissions(&key_file, open_to_all).unwrap();

    let store = SqliteStore::open(&url).await.unwrap();
    for file in [&db, &key_file] {
        let mode = std::fs::metadata(file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{}", file.display());
    }
    assert_eq!(store.list_connections().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_folder_or_no_path_as_the_database_is_refused_saying_so() {
    let dir = tempfile::tempdir().unwrap();
    let options = || SqliteOptions {
        secret_key: Some(SecretKey::generate()),
        ..SqliteOptions::default()
    };
    let folder = format!("sqlite://{}", dir.path().display());
    let Err(err) = SqliteStore::open_with(&folder, options()).await else {
        panic!("refused");
    };
    let text = err.to_string();
    assert!(text.contains("is a folder, not a database file"), "{text}");
    let Err(err) = SqliteStore::open_with("sqlite://", options()).await else {
        panic!("refused");
    };
    let text = err.to_string();
    assert!(text.contains("names no database file"), "{text}");
}

#[tokio::test]
async fn a_write_to_a_read_only_database_is_refused_as_read_only() {
    // Arrange: a database, opened again read-only while its writer still has it open
    // (so that its -wal/-shm files exist for the reader to share).
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ro.db");
    let options = || SqliteOptions {
        secret_key: Some(SecretKey::generate()),
        ..SqliteOptions::default()
    };
    let writer = SqliteStore::open_with(&format!("sqlite://{}", db.display()), options())
        .await
        .unwrap();
    writer.create_connection(basic("First")).await.unwrap();
    let read_only_url = format!("sqlite://{}?mode=ro", db.display());
    let reader = SqliteStore::open_with(&read_only_url, options())
        .await
        .unwrap();

    // Act
    let refused = reader.create_connection(basic("Second")).await;

    // Assert
    assert!(matches!(refused, Err(StoreError::ReadOnly)), "{refused:?}");
    let names: Vec<_> = writer
        .list_connections()
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(names, ["First"]);
}
