//! The SQLite adapter of the Timeline store: one file, created on first use, schema
//! migrations embedded and applied on open, WAL journal, a busy timeout, foreign keys.
//!
//! ```no_run
//! # async fn demo() -> gong_timeline_store::Result<()> {
//! use std::sync::Arc;
//! use gong_timeline_store::Store;
//! let store: Arc<dyn Store> = Arc::new(gong_timeline_store_sqlite::SqliteStore::open("sqlite://gong-timeline.db").await?);
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
//!   (checkpoints, retry list), `exports`.
//! - `codec`: how times, enums and JSON are stored; `error`: sqlx → StoreError.

mod activities;
mod codec;
mod companies;
mod connections;
mod error;
mod exports;
mod jobs;
mod log_records;
mod mappings;
mod open;
mod store_impl;
mod sync_state;
mod users;

pub use open::SqliteOptions;

use gong_timeline_store::crypto::SecretKey;
use sqlx::SqlitePool;

/// The SQLite store. Cheap to clone: clones share one connection pool.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    key: SecretKey,
}

impl SqliteStore {
    /// The connection pool, for tests and tools that need raw SQL.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Closes every connection (checkpointing the WAL).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Starts a write transaction that takes the write lock at once (`BEGIN
    /// IMMEDIATE`): the busy timeout then applies, instead of a deferred transaction
    /// failing mid-way when another process writes first.
    pub(crate) async fn write_tx(
        &self,
        context: &'static str,
    ) -> gong_timeline_store::Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
        use error::Ctx;
        self.pool.begin_with("BEGIN IMMEDIATE").await.ctx(context)
    }
}
