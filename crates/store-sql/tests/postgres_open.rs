//! Opening a PostgreSQL store: the key every replica must share, clear errors.

use gong_timeline_store::crypto::SecretKey;
use gong_timeline_store::StoreError;
use gong_timeline_store_sql::testing::{test_url, TempSchema};
use gong_timeline_store_sql::{PgOptions, PgStore};

fn options(schema: &TempSchema, key: &SecretKey) -> PgOptions {
    PgOptions {
        secret_key: Some(key.clone()),
        max_connections: 2,
        schema: Some(schema.name().to_string()),
        ..PgOptions::default()
    }
}

#[tokio::test]
#[cfg_attr(
    not(postgres_tests),
    ignore = "needs PostgreSQL: export GONG_TIMELINE_TEST_POSTGRES=$(.ci/postgres.sh start /tmp/pg) to run it"
)]
async fn a_replica_with_another_key_is_refused() {
    let Some(url) = test_url() else { return };
    let schema = TempSchema::create(&url);
    let key = SecretKey::generate();
    let first = PgStore::open_with(&url, options(&schema, &key))
        .await
        .expect("open");
    first.close().await;
    let again = PgStore::open_with(&url, options(&schema, &key))
        .await
        .expect("same key opens");
    again.close().await;

    let err = PgStore::open_with(&url, options(&schema, &SecretKey::generate()))
        .await
        .expect_err("another key is refused");

    assert!(matches!(err, StoreError::Open { .. }), "{err}");
    assert!(
        err.to_string().contains("GONG_TIMELINE_SECRET_KEY"),
        "{err}"
    );
}

#[tokio::test]
#[cfg_attr(
    not(postgres_tests),
    ignore = "needs PostgreSQL: export GONG_TIMELINE_TEST_POSTGRES=$(.ci/postgres.sh start /tmp/pg) to run it"
)]
async fn an_unreachable_server_says_so_without_the_password() {
    let err = PgStore::open_with(
        "postgres://timeline:hunter2@127.0.0.1:1/timeline",
        PgOptions {
            secret_key: Some(SecretKey::generate()),
            acquire_timeout: std::time::Duration::from_secs(3),
            ..PgOptions::default()
        },
    )
    .await
    .expect_err("nothing listens on port 1");
    let text = err.to_string();
    assert!(!text.contains("hunter2"), "{text}");
    assert!(text.contains("timeline@127.0.0.1:1"), "{text}");
}
