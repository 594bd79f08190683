//! Single-use refresh tokens against the simulator (which refuses a used one with
//! `invalid_grant`, as Gong does): many clients of one OAuth connection — as many
//! jobs, pages and replicas would hold — refresh at once through the store's token
//! lock, on SQLite and on PostgreSQL. Every request succeeds and the simulator saw
//! exactly one refresh grant per rotation: none spent twice.

use std::sync::Arc;

use chrono::Utc;
use gong_timeline_gong::{ClientConfig, GongClient};
use gong_timeline_gong_sim::{Limits, SimConfig, SimHandle};
use gong_timeline_store::crypto::SecretKey;
use gong_timeline_store::{ConnectionStatus, NewConnection, Store};
use gong_timeline_store_sql::testing::{test_url, TempSchema};
use gong_timeline_store_sql::SqliteStore;
use gong_timeline_store_sql::{PgOptions, PgStore};
use gong_timeline_sync::connect::client_for;

/// Clients of the one connection, and requests each sends at once.
// Only its OAuth credentials helper is used here.
#[allow(dead_code)]
mod support;

const CLIENTS: usize = 8;
const REQUESTS: usize = 5;
const TOKEN_PATH: &str = "POST /oauth2/generate-customer-token";

/// A simulator whose access tokens live a minute: inside the clients' five-minute
/// refresh margin, so every request finds its token expiring and rotates it.
async fn sim() -> SimHandle {
    gong_timeline_gong_sim::start(SimConfig {
        limits: Limits::off(),
        token_ttl_secs: 60,
        ..SimConfig::default()
    })
    .await
    .expect("the simulator starts")
}

/// An authorised OAuth connection to `sim` (a code issued and exchanged).
async fn oauth_connection(
    store: &Arc<dyn Store>,
    sim: &SimHandle,
) -> gong_timeline_store::Connection {
    store
        .create_connection(NewConnection {
            name: "oauth".into(),
            base_url: sim.base_url(),
            credentials: support::oauth_credentials(sim, "").await,
            status: ConnectionStatus::Authorised,
            created_at: Utc::now(),
        })
        .await
        .expect("the connection is stored")
}

async fn concurrent_refreshes_never_spend_a_refresh_token_twice(store: Arc<dyn Store>) {
    let sim = sim().await;
    let connection = oauth_connection(&store, &sim).await;
    sim.controls().reset_stats();
    let config = ClientConfig::default().without_limits();
    let mut clients: Vec<GongClient> = Vec::new();
    for _ in 0..CLIENTS {
        clients.push(
            client_for(&store, &connection, &config)
                .await
                .expect("a client"),
        );
    }
    let requests = clients
        .iter()
        .flat_map(|client| (0..REQUESTS).map(move |_| client.workspaces()));
    let outcomes = futures::future::join_all(requests).await;
    let failed: Vec<String> = outcomes
        .iter()
        .filter_map(|o| o.as_ref().err().map(|e| e.to_string()))
        .collect();
    assert!(
        failed.is_empty(),
        "requests failed (invalid_grant?): {failed:?}"
    );
    let stats = sim.controls().stats();
    assert_eq!(
        stats.count(TOKEN_PATH),
        (CLIENTS * REQUESTS) as u64,
        "one refresh grant per request, none repeated or refused: {:?}",
        stats.per_path
    );
    let after = store
        .get_connection(connection.id)
        .await
        .expect("read")
        .expect("exists");
    assert_eq!(after.status, ConnectionStatus::Authorised);
}

fn pg_options() -> PgOptions {
    let key = "4a1f0c9e2b7d36a85e0f1c2d3b4a59687766554433221100ffeeddccbbaa9988";
    PgOptions {
        secret_key: Some(SecretKey::parse(key, "the test key").expect("a key")),
        ..PgOptions::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn on_sqlite_concurrent_refreshes_never_spend_a_refresh_token_twice() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&url).await.expect("opens"));
    concurrent_refreshes_never_spend_a_refresh_token_twice(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[cfg_attr(
    not(postgres_tests),
    ignore = "needs PostgreSQL: set GONG_TIMELINE_TEST_POSTGRES=postgres://… (.ci/postgres.sh start DIR prints one), or run .ci/run"
)]
async fn on_postgres_concurrent_refreshes_never_spend_a_refresh_token_twice() {
    let Some(url) = test_url() else {
        return; // test_url said why
    };
    let schema = TempSchema::create(&url);
    let store: Arc<dyn Store> = Arc::new(
        PgStore::open_with(&schema.url(), pg_options())
            .await
            .expect("opens"),
    );
    concurrent_refreshes_never_spend_a_refresh_token_twice(store).await;
}
