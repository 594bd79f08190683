//! A fresh PostgreSQL store per test, in its own schema, dropped when the test ends.

use gong_timeline_store::crypto::SecretKey;
use gong_timeline_store::Store;
use gong_timeline_store_sql::testing::{test_url, TempSchema};
use gong_timeline_store_sql::{PgOptions, PgStore};

/// A fresh store, or `None` (after one loud line) when no PostgreSQL is configured.
pub async fn fresh_or_skip() -> Option<(Box<dyn Store>, TempSchema)> {
    let url = test_url()?;
    let schema = TempSchema::create(&url);
    let options = PgOptions {
        secret_key: Some(SecretKey::generate()),
        max_connections: 4,
        schema: Some(schema.name().to_string()),
        ..PgOptions::default()
    };
    let store = PgStore::open_with(&url, options).await.expect("open");
    Some((Box::new(store), schema))
}
