//! The SQLite backend of the Timeline store: one file, created on first use, schema
//! migrations embedded and applied on open, WAL journal, a busy timeout, foreign keys.
//!
//! ```no_run
//! # async fn demo() -> gong_timeline_store::Result<()> {
//! use std::sync::Arc;
//! use gong_timeline_store::Store;
//! let store: Arc<dyn Store> = Arc::new(gong_timeline_store_sql::SqliteStore::open("sqlite://gong-timeline.db").await?);
//! # Ok(()) }
//! ```
//!
//! Queries are runtime `sqlx::query` with binds (no compile-time checked macros), so
//! building needs no database; sqlx caches each connection's prepared statements by
//! their text, so a loop over one query text prepares it once.
//!
//! # Layout
//! - [`open`](SqliteStore::open): URL, pragmas, pool, migrations, the secret key.
//! - `store_impl`: the [`Store`](gong_timeline_store::Store) trait, delegating to
//!   one module per resource: `companies` (companies, persons), `users` (users,
//!   activity types), `connections` (connections, settings), `mappings`, `jobs`
//!   (jobs, log records), `activities` (activities, the page commit), `sync_state`
//!   (checkpoints, retry list), `exports`, `auth` (web admins, sessions, API tokens).
//! - `codec`: how times, enums and JSON are stored; `error`: sqlx → StoreError.
//!
//! # Decisions
//! - **Times** are RFC 3339 text in UTC at microsecond precision with a `Z`
//!   (`2024-05-01T09:30:00.000000Z`): fixed width, so text order is time order, and
//!   readable with the `sqlite3` shell. Ids are `INTEGER PRIMARY KEY` (i64).
//! - **Statuses** are stored as the domain enums' SPEC spelling and parsed back; the
//!   SQL holds no status literal (one running job per connection is the partial unique
//!   index `jobs(connection_id) WHERE finished_at IS NULL`).
//! - **Writes** that read first run in `BEGIN IMMEDIATE` transactions, so the busy
//!   timeout (10 s) applies at the start rather than failing mid-way; a lock held
//!   longer is [`StoreError::Locked`](gong_timeline_store::StoreError::Locked).
//! - **Pragmas**: WAL, `synchronous = NORMAL` (durable across crashes of the process;
//!   the last commits may be lost on power loss), foreign keys on.
//! - **The page commit** writes activities and log records with multi-row statements
//!   (one `INSERT .. ON CONFLICT(external_id) DO UPDATE .. RETURNING` per page), about
//!   35,000 meetings/s on its own (`cargo run --release -p gong_timeline_store_sql
//!   --example commit_pages -- 1000`).
//! - **Portability**: the SQL is the subset PostgreSQL shares (`ON CONFLICT`,
//!   `RETURNING`, `CASE`, `TRUE`/`FALSE`); only `?` placeholders, `LIMIT -1` and
//!   `BEGIN IMMEDIATE` are SQLite's.

pub(crate) mod bulk;
pub(crate) mod dialect;
mod open;
#[path = "../queries/mod.rs"]
mod queries;
pub(crate) mod tokens;

pub use open::{files_of, SqliteOptions};

use gong_timeline_store::crypto::SecretKey;
use sqlx::SqlitePool;

/// The SQLite store. Cheap to clone: clones share one connection pool.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    /// Reads, and writes of one statement.
    pool: SqlitePool,
    /// The one connection write transactions run on. SQLite has one writer at a time
    /// anyway; on one connection, its page cache survives from commit to commit,
    /// where a commit by another connection would have emptied it.
    writer: SqlitePool,
    key: SecretKey,
}

impl SqliteStore {
    /// How many meetings are stored (M1) and the bytes their table
    /// and its indexes take on disk (SQLite's `dbstat`: whole pages, headers and free
    /// space included), for `bench`.
    pub async fn stored_meetings_footprint(&self) -> gong_timeline_store::Result<(u64, u64)> {
        use queries::error::Ctx;
        let (count, bytes): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM stored_meetings), \
             (SELECT COALESCE(SUM(pgsize), 0) FROM dbstat WHERE name IN \
               (SELECT name FROM sqlite_schema WHERE tbl_name = 'stored_meetings'))",
        )
        .fetch_one(&self.pool)
        .await
        .ctx("measuring stored meetings")?;
        Ok((count.max(0) as u64, bytes.max(0) as u64))
    }

    /// The connection pool, for tests and tools that need raw SQL.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Closes every connection (the last one checkpoints the WAL).
    pub async fn close(&self) {
        self.writer.close().await;
        self.pool.close().await;
    }
}

/// This backend's store, for the shared queries.
pub(crate) type Backend = SqliteStore;

#[cfg(test)]
mod tests {
    use super::*;

    /// What SQLite plans for `sql`: the detail column of `EXPLAIN QUERY PLAN`.
    async fn plan(store: &SqliteStore, sql: &str) -> String {
        let rows: Vec<(i64, i64, i64, String)> =
            sqlx::query_as(&format!("EXPLAIN QUERY PLAN {sql}"))
                .fetch_all(&store.pool)
                .await
                .expect("plan");
        rows.into_iter()
            .map(|(.., detail)| detail)
            .collect::<Vec<_>>()
            .join("; ")
    }

    #[tokio::test]
    async fn m2_the_not_on_the_timeline_probe_looks_up_one_call() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("plan.db").display());
        let store = SqliteStore::open(&url).await.unwrap();
        let sql = format!(
            "SELECT 1 FROM stored_meetings m WHERE m.connection_id = 1{}",
            queries::meetings::NOT_ON_TIMELINE
        );
        let plan = plan(&store, &sql).await;
        // Not a range of the connection's activities (activities_connection_date),
        // which would read every one of them for each stored meeting.
        assert!(
            plan.contains("SEARCH a USING INDEX activities_call (gong_call_id=?)"),
            "{plan}"
        );
    }
}
