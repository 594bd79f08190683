//! Runs the store's conformance suite against a fresh SQLite file per test.

use gong_timeline_store::crypto::SecretKey;
use gong_timeline_store::Store;
use gong_timeline_store_sql::{SqliteOptions, SqliteStore};

async fn fresh() -> (Box<dyn Store>, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("timeline.db").display());
    let options = SqliteOptions {
        secret_key: Some(SecretKey::generate()),
        ..SqliteOptions::default()
    };
    let store = SqliteStore::open_with(&url, options).await.expect("open");
    (Box::new(store), dir)
}

gong_timeline_store::conformance_tests!(fresh);
