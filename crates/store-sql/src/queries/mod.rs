//! The store's queries, written once for both databases: `$1..$N` placeholders
//! (SQLite's driver binds `$N` by number), the SQL both dialects share, and row
//! mapping. This module is compiled once per backend: `sqlite/mod.rs` and
//! `postgres/mod.rs` each include it, and `super::dialect` and `super::Backend` are
//! then that backend's. What truly differs (transactions, row locks, many-row
//! statements, error codes, opening) is in the backend's own modules.

pub(crate) use super::{dialect, tokens, Backend};

mod activities;
mod audit;
mod auth;
mod call_outcomes;
mod companies;
pub(crate) mod connections;
mod erasure;
pub(crate) mod error;
mod exports;
mod field_types;
mod jobs;
mod log_records;
mod login_attempts;
mod mappings;
pub(crate) mod meetings;
mod oauth_states;
mod page_extras;
mod quota;
pub(crate) mod sql;
mod store_impl;
mod sync_state;
pub(crate) mod transcripts;
mod users;
mod webhooks;

impl Backend {
    /// Starts a write transaction (the dialect's: see `dialect::write_tx`).
    pub(crate) async fn write_tx(
        &self,
        context: &'static str,
    ) -> gong_timeline_store::Result<sqlx::Transaction<'static, dialect::Db>> {
        dialect::write_tx(self, context).await
    }

    /// The key credentials are sealed with (`db copy` seals the target's with it, so
    /// the copied credentials stay readable).
    pub fn secret_key(&self) -> &gong_timeline_store::crypto::SecretKey {
        &self.key
    }
}
