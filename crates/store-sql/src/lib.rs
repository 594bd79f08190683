//! The Timeline store on SQL databases: SQLite (feature `sqlite`, the default: one
//! file beside the binary) and PostgreSQL (feature `postgres`: several replicas on
//! one server database). Both implement [`gong_timeline_store::Store`] and pass the
//! same conformance suite.
//!
//! ```no_run
//! # async fn demo() -> gong_timeline_store::Result<()> {
//! use std::sync::Arc;
//! use gong_timeline_store::Store;
//! let store: Arc<dyn Store> = Arc::new(gong_timeline_store_sql::SqliteStore::open("sqlite://gong-timeline.db").await?);
//! # Ok(()) }
//! ```
//!
//! # Layout: the SQL once, a dialect per database
//! - `queries/`: every query and row mapping, written once with `$1..$N`
//!   placeholders. The module is compiled once per backend (`#[path]` from
//!   `sqlite/mod.rs` and `postgres/mod.rs`), where `super::dialect` names that
//!   backend's types, so each copy is checked against its own driver with no
//!   generic bounds and no runtime dispatch.
//! - `sqlite/`, `postgres/`: what truly differs: opening (pragmas, schemas, keys),
//!   the write transaction, row locks, error codes, the many-row statements
//!   (`bulk`: multi-row `VALUES` vs `UNNEST` arrays) and the refresh-token lock
//!   (`tokens`: a lease row vs a row lock).
//! - `codec`: how times, enums and JSON are stored: the same columns in both
//!   databases, so `copy` moves rows between them unchanged.
//! - `copy` (both features): `db copy`, a whole deployment from one database to another.
//! - Migrations stay per dialect: `migrations/sqlite`, `migrations/postgres`.

#![forbid(unsafe_code)]
// `queries/` is compiled once per backend on purpose (see Layout above).
#![allow(clippy::duplicate_mod)]

mod codec;
#[cfg(all(feature = "sqlite", feature = "postgres"))]
pub mod copy;
#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "sqlite")]
mod sqlite;

#[cfg(feature = "postgres")]
pub use postgres::{is_postgres_url, testing, PgOptions, PgStore};
#[cfg(feature = "sqlite")]
pub use sqlite::{files_of, SqliteOptions, SqliteStore};
