//! The PostgreSQL backend of the Timeline store: the scale-out option (D1), where
//! several `serve` replicas share one database. It passes the same conformance suite
//! as the SQLite store.
//!
//! ```no_run
//! # async fn demo() -> gong_timeline_store::Result<()> {
//! use std::sync::Arc;
//! use gong_timeline_store::Store;
//! let store: Arc<dyn Store> = Arc::new(
//!     gong_timeline_store_sql::PgStore::open("postgres://timeline@db.internal/timeline").await?,
//! );
//! # Ok(()) }
//! ```
//!
//! # Layout
//! One module per resource, as in the SQLite store (`companies`, `users`,
//! `connections`, `mappings`, `jobs`, `log_records`, `activities`, `page_extras`,
//! `sync_state`, `exports`, `auth`); `open` (URL, pool, schema, migrations, the key);
//! `codec` (how values are stored); `error` (sqlx → StoreError).
//!
//! # Decisions
//! - **Same columns as SQLite**: times are fixed-width RFC 3339 text in UTC, JSON is
//!   text, statuses are their SPEC spelling. Text order is time order, the codecs are
//!   the SQLite store's, and `db copy` moves rows between the two unchanged.
//! - **Concurrency**: writes that read first lock the rows they read (`FOR UPDATE`),
//!   so two replicas never both start a job of one connection or both rewrite one
//!   connection's tokens; one running job per connection is also the partial unique
//!   index `jobs(connection_id) WHERE finished_at IS NULL`.
//! - **The key**: there is no key file beside a server database; the credentials key
//!   comes from the options or `GONG_TIMELINE_SECRET_KEY`, and a check value sealed
//!   with it (`store_meta.key_check`) refuses a replica that was given another key.
//! - **Schema**: [`PgOptions::schema`] puts every table in one schema (created when
//!   missing), so tests and `bench` get a fresh store in a shared database.

pub(crate) mod bulk;
pub(crate) mod dialect;
mod open;
#[path = "../queries/mod.rs"]
mod queries;
pub(crate) mod tokens;

pub use open::{is_postgres_url, PgOptions};

use gong_timeline_store::crypto::SecretKey;
use sqlx::PgPool;

/// The PostgreSQL store. Cheap to clone: clones share one connection pool.
#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
    key: SecretKey,
}

impl PgStore {
    /// The connection pool, for tests and tools that need raw SQL.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Closes every connection.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// This backend's store, for the shared queries.
pub(crate) type Backend = PgStore;

pub mod testing {
    //! How tests find their PostgreSQL: `GONG_TIMELINE_TEST_POSTGRES` holds a URL of a
    //! database they may create schemas in (`.ci/postgres.sh start DIR` prints one).
    //! Without it, tests that need PostgreSQL skip after one loud line, unless
    //! `REQUIRE_POSTGRES=1` (set by `.ci/run`), which turns its absence into a failure.

    use std::sync::Once;

    /// The variable holding the test database URL.
    pub const URL_ENV: &str = "GONG_TIMELINE_TEST_POSTGRES";
    /// The variable that makes a missing PostgreSQL a failure.
    pub const REQUIRE_ENV: &str = "REQUIRE_POSTGRES";

    /// The test database URL, or `None` after printing (once) how to run these tests.
    /// Panics when `REQUIRE_POSTGRES=1` and no URL is set.
    pub fn test_url() -> Option<String> {
        if let Ok(url) = std::env::var(URL_ENV) {
            if !url.trim().is_empty() {
                return Some(url);
            }
        }
        if std::env::var(REQUIRE_ENV).is_ok_and(|v| v == "1") {
            panic!("{REQUIRE_ENV}=1 but {URL_ENV} is not set: start a cluster with .ci/postgres.sh start DIR and export its URL");
        }
        static SAID: Once = Once::new();
        SAID.call_once(|| {
            eprintln!(
                "SKIPPING PostgreSQL tests: set {URL_ENV}=postgres://… (e.g. `export {URL_ENV}=$(.ci/postgres.sh start /tmp/pg)`) to run them"
            );
        });
        None
    }

    /// A fresh, empty schema in the test database, dropped (with the connections
    /// still on it) when this value is dropped. Usable from sync code: the async work
    /// runs on a thread of its own.
    #[derive(Debug)]
    pub struct TempSchema {
        base_url: String,
        name: String,
    }

    impl TempSchema {
        /// Creates a schema with a unique name in the database at `base_url`.
        pub fn create(base_url: &str) -> TempSchema {
            let name = format!("t_{}", uuid::Uuid::new_v4().simple());
            let (url, schema) = (base_url.to_string(), name.clone());
            on_own_runtime(async move { super::PgStore::create_schema(&url, &schema).await })
                .expect("create a test schema");
            TempSchema {
                base_url: base_url.to_string(),
                name,
            }
        }

        /// The schema's name.
        pub fn name(&self) -> &str {
            &self.name
        }

        /// A URL whose connections work in this schema (`search_path`).
        pub fn url(&self) -> String {
            let sep = if self.base_url.contains('?') {
                '&'
            } else {
                '?'
            };
            format!(
                "{}{sep}options=-c%20search_path%3D{}",
                self.base_url, self.name
            )
        }
    }

    impl Drop for TempSchema {
        fn drop(&mut self) {
            let (url, name) = (self.base_url.clone(), self.name.clone());
            let _ = on_own_runtime(async move { super::PgStore::drop_schema(&url, &name).await });
        }
    }

    /// Runs `work` to completion on a new thread with its own runtime (Drop and sync
    /// test set-up cannot await, and must not block the caller's runtime thread on
    /// work that needs it).
    fn on_own_runtime<T: Send + 'static>(
        work: impl std::future::Future<Output = T> + Send + 'static,
    ) -> T {
        std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime")
                .block_on(work)
        })
        .join()
        .expect("the runtime thread")
    }
}
