//! The Timeline store API: what the sync engine, the CLI and the web layer read and
//! write, independent of the database behind it.
//!
//! Adapters (`gong_timeline_store_sql`, later a PostgreSQL one) implement [`Store`]
//! and prove it with the shared [`conformance`] suite (feature `testing`).
//!
//! # Layout
//! - [`store`]: the [`Store`] trait, object-safe, used as `Arc<dyn Store>`.
//! - [`records`]: the records it reads and writes (ids are `i64`).
//! - [`rotation`]: the refresh step [`Store::rotate_oauth_tokens`] runs under a lock.
//! - [`error`]: [`StoreError`], phrased for the person who has to act on it.
//! - [`import`]: CSV parsing of the four import files into typed rows (no I/O).
//! - [`crypto`]: encryption at rest of connection credentials, and the key's loading.
//! - `conformance` (feature `testing`): one suite every adapter must pass.
//!
//! # Conventions
//! - Times are `DateTime<Utc>`; adapters keep them at microsecond precision.
//! - Emails of persons and users are stored lowercase and trimmed.
//! - Statuses are the domain enums; their SPEC spelling is what the database holds.
//! - Imports are one transaction each and idempotent: companies are keyed by name
//!   (case-insensitive; the CRM id, unique in its canonical Salesforce form, and the
//!   fields are replaced by the file's), persons by email, users by (email, name) —
//!   several users may share an email, that is a conflict (U3) — and activity types
//!   by name (case-insensitive).
//! - Credentials are sealed with [`crypto::SecretKey`] by the adapter and only come
//!   back through [`Store::connection_credentials`].
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(feature = "testing")]
pub mod conformance;
pub mod crypto;
pub mod error;
pub mod import;
pub mod records;
pub mod rotation;
pub mod store;

pub use error::StoreError;
pub use records::*;
pub use rotation::{RotatedTokens, RotationFuture, TokenRotation};
pub use store::{EarlierCommit, Store};

/// The result of every store operation.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;
