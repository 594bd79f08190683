//! The audit log's entries (A4): who changed what, when, from where, with the value
//! before and after (secrets already removed by the caller, see
//! `gong_timeline_domain::audit::without_secrets`).

use super::AuditId;
use chrono::{DateTime, Utc};
use gong_timeline_domain::audit::{AuditAction, AuditChannel};
use serde::Serialize;
use serde_json::Value;

/// An entry to record.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAuditEntry {
    /// When.
    pub at: DateTime<Utc>,
    /// Who: an admin's user name, or `cli:<os user>`.
    pub actor: String,
    /// From where.
    pub channel: AuditChannel,
    /// What kind of change.
    pub action: AuditAction,
    /// What it changed, e.g. `connection 'acme'`.
    pub target: String,
    /// The value before, when there was one.
    pub before: Option<Value>,
    /// The value after, when there is one.
    pub after: Option<Value>,
}

/// A recorded entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    /// Its id (newer entries have larger ids).
    pub id: AuditId,
    /// When.
    pub at: DateTime<Utc>,
    /// Who.
    pub actor: String,
    /// From where.
    pub channel: AuditChannel,
    /// What kind of change.
    pub action: AuditAction,
    /// What it changed.
    pub target: String,
    /// The value before.
    pub before: Option<Value>,
    /// The value after.
    pub after: Option<Value>,
}
