//! The audit log from the web (A4): every change an admin makes through a page or
//! the API is recorded by the service function that makes it, after it succeeded,
//! with the signed-in admin as "who" and the channel the request came through
//! ([`AdminSession::actor`]). The entries read newest first, a keyset page at a time.
//! Connections that a new one replaced (S10) are recorded here ([`record_replaced`])
//! for both ways a connection gets its Gong account: created, or authorised by OAuth.
//!
//! Targets are named as the CLI names them (`connection 'acme'`, `API token 'ci' of
//! admin 'ann'`, …), so that one change reads the same from wherever it was made.

use gong_timeline_store::{AuditEntry, AuditId};
use gong_timeline_sync::audit::{self, Change};
use serde::Serialize;

use crate::auth::AdminSession;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Entries on a page when `limit` is not given.
pub const DEFAULT_LIMIT: u32 = 50;
/// The largest `limit`.
pub const MAX_LIMIT: u32 = 500;

/// Records `change` made by `by`. The change is made already: a failure to record it
/// is logged, not returned.
pub async fn record(state: &AppState, by: &AdminSession, change: Change) {
    let action = change.action;
    let recorded = audit::record(state.store.as_ref(), &by.actor(), change, state.now()).await;
    if let Err(error) = recorded {
        tracing::warn!(%error, %action, admin = %by.username,
            "The change was made but could not be recorded in the audit log.");
    }
}

/// A4 for S10: each connection `replaced` by `by_name` is recorded as deleted, saying
/// it was replaced and its activities kept.
pub async fn record_replaced(
    state: &AppState,
    requester: &AdminSession,
    replaced: &[String],
    by_name: &str,
) {
    for old in replaced {
        record(state, requester, Change::connection_replaced(old, by_name)).await;
    }
}

/// How an entry names a connection.
pub fn connection(name: &str) -> String {
    gong_timeline_sync::audit::connection_target(name)
}

/// How an entry names an API token.
pub fn token(name: &str, owner: &str) -> String {
    format!("API token '{name}' of admin '{owner}'")
}

/// How an entry names a Gong user's mapping.
pub fn gong_user(gong_user_id: &str, connection: &str) -> String {
    format!("Gong user {gong_user_id} of connection '{connection}'")
}

/// One page of the log, newest first.
#[derive(Debug, Serialize)]
pub struct AuditPage {
    /// The entries, newest first.
    pub items: Vec<AuditEntry>,
    /// Pass as `before` for the next (older) page; `null` on the last.
    pub next: Option<AuditId>,
}

/// `limit` checked: absent is [`DEFAULT_LIMIT`], outside 1..=[`MAX_LIMIT`] a 400.
pub fn limit(raw: Option<&str>) -> ApiResult<u32> {
    match raw.map(str::trim) {
        None | Some("") => Ok(DEFAULT_LIMIT),
        Some(raw) => raw
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=MAX_LIMIT).contains(n))
            .ok_or_else(|| {
                ApiError::bad_parameter(
                    "limit",
                    format!("limit must be a whole number from 1 to {MAX_LIMIT} (got '{raw}')"),
                )
            }),
    }
}

/// `before` checked: absent is the newest page; else an entry id.
pub fn before(raw: Option<&str>) -> ApiResult<Option<AuditId>> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(raw) => raw
            .parse::<AuditId>()
            .ok()
            .filter(|n| *n > AuditId::new(0))
            .map(Some)
            .ok_or_else(|| {
                ApiError::bad_parameter(
                    "before",
                    format!(
                        "before must be an entry id, the `next` of the previous page (got '{raw}')"
                    ),
                )
            }),
    }
}

/// At most `limit` entries older than `before` (the newest when `None`).
pub async fn page(state: &AppState, limit: u32, before: Option<AuditId>) -> ApiResult<AuditPage> {
    let mut items = state
        .store
        .list_audit_entries(limit.saturating_add(1), before)
        .await?;
    let more = items.len() > limit as usize;
    items.truncate(limit as usize);
    let next = more.then(|| items.last().map(|e| e.id)).flatten();
    Ok(AuditPage { items, next })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a4_limit_and_before_are_checked_and_name_their_parameter() {
        assert_eq!(limit(None).unwrap(), DEFAULT_LIMIT);
        assert_eq!(limit(Some("7")).unwrap(), 7);
        for bad in ["0", "501", "x"] {
            assert_eq!(limit(Some(bad)).unwrap_err().field(), Some("limit"));
        }
        assert_eq!(before(Some("")).unwrap(), None);
        assert_eq!(before(Some("12")).unwrap(), Some(AuditId::new(12)));
        for bad in ["0", "-1", "x"] {
            assert_eq!(before(Some(bad)).unwrap_err().field(), Some("before"));
        }
    }

    #[test]
    fn a4_targets_read_as_the_cli_writes_them() {
        assert_eq!(connection("acme"), "connection 'acme'");
        assert_eq!(token("ci", "ann"), "API token 'ci' of admin 'ann'");
        assert_eq!(gong_user("42", "acme"), "Gong user 42 of connection 'acme'");
    }
}
