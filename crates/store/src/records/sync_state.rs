//! Per-connection sync state: settings, user mappings, the checkpoint and the retry list.

use super::GongCallId;
use chrono::{DateTime, Utc};
use gong_timeline_domain::MappingStatus;
use serde::{Deserialize, Serialize};

use super::{ConnectionId, MeetingKey, UserId};

/// A connection's integration settings (T1–T4). [`Default`] is what a connection
/// has before anyone saves settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// "Sync Gong Meetings" toggle (T1).
    pub enabled: bool,
    /// The activity type's name (T2); Meeting by default.
    pub activity_type: String,
    /// Filter expressions as written (T3), combined with AND unless `filter_logic`.
    pub filters: Vec<String>,
    /// Advanced logic over the filters' numbers, e.g. `(1 AND 2) OR 3`.
    pub filter_logic: Option<String>,
    /// First-sync backfill window in days (S7).
    pub backfill_days: u32,
    /// Look-back window in hours subtracted from the checkpoint (S7).
    pub lookback_hours: u32,
    /// Fetch, keep and search the transcripts of the calls on the Timeline (S9;
    /// opt-in, off by default).
    pub transcripts: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            enabled: true,
            activity_type: "Meeting".to_string(),
            filters: Vec::new(),
            filter_logic: None,
            backfill_days: 90,
            lookback_hours: 24,
            transcripts: false,
        }
    }
}

/// A Gong user's mapping to a Timeline user (U1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserMapping {
    /// The connection.
    pub connection_id: ConnectionId,
    /// Gong's user id.
    pub gong_user_id: String,
    /// Email as Gong has it (lowercase), if any.
    pub gong_email: Option<String>,
    /// Name as Gong has it.
    pub gong_name: String,
    /// Mapped, Created, Conflict, Failed.
    pub status: MappingStatus,
    /// The Timeline user mapped to, if any.
    pub user_id: Option<UserId>,
    /// Candidate users for a conflict (the same email), for manual resolution (U7).
    pub suggested: Vec<UserId>,
    /// True when an admin resolved it (U7): automatic mapping never overwrites it.
    pub manual: bool,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// An automatic mapping to write. For a mapping marked manual only the Gong-side
/// fields (email, name) are updated; status, user and suggestions stay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappingUpsert {
    /// Gong's user id.
    pub gong_user_id: String,
    /// Email as Gong has it.
    pub gong_email: Option<String>,
    /// Name as Gong has it.
    pub gong_name: String,
    /// Status decided by the engine.
    pub status: MappingStatus,
    /// Mapped user.
    pub user_id: Option<UserId>,
    /// Candidates.
    pub suggested: Vec<UserId>,
}

/// A connection's sync checkpoint (S7, M4).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// Start time of the latest meeting fully handled; `None` before the first sync.
    pub last_meeting_started: Option<DateTime<Utc>>,
    /// When the last 30-day reconciliation pass finished.
    pub last_reconciled_at: Option<DateTime<Utc>>,
    /// Where an unfinished pass stopped: the next job resumes after it.
    pub resume: Option<crate::ResumePoint>,
    /// Fingerprint of the settings the stored meetings were last evaluated against:
    /// a job that finds other settings re-evaluates them (M2).
    pub evaluated_settings: Option<i64>,
    /// The monthly deep check (G1): when it last went through the whole backfill
    /// window, and where an unfinished one stops.
    #[serde(default)]
    pub deep_check: DeepCheck,
}

/// Where the monthly deep check of a connection stands (G1).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeepCheck {
    /// When the last one finished (or, for a new connection, when its clock started).
    pub checked_at: Option<DateTime<Utc>>,
    /// The last stored meeting an unfinished one asked Gong about.
    pub after: Option<MeetingKey>,
}

/// A failed meeting to retry by call id at the following syncs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryEntry {
    /// Gong's call id.
    pub gong_call_id: GongCallId,
    /// Why it failed this time.
    pub message: String,
    /// When it failed this time.
    pub failed_at: DateTime<Utc>,
}

impl RetryEntry {
    /// The entries with each call once, its last entry winning, in first-seen order:
    /// one page's retry-list rows, for a multi-row write that may touch a row once.
    pub fn last_per_call(entries: &[RetryEntry]) -> Vec<&RetryEntry> {
        let mut position = std::collections::HashMap::with_capacity(entries.len());
        let mut out: Vec<&RetryEntry> = Vec::with_capacity(entries.len());
        for entry in entries {
            match position.entry(entry.gong_call_id.as_str()) {
                std::collections::hash_map::Entry::Occupied(at) => out[*at.get()] = entry,
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(out.len());
                    out.push(entry);
                }
            }
        }
        out
    }
}

/// A retry list entry as stored; unique per (connection, call id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetryItem {
    /// The connection.
    pub connection_id: ConnectionId,
    /// Gong's call id.
    pub gong_call_id: GongCallId,
    /// First failure; entries are kept for 30 days from it.
    pub first_failed_at: DateTime<Utc>,
    /// Latest failure.
    pub last_failed_at: DateTime<Utc>,
    /// How many times it failed.
    pub attempts: u32,
    /// The latest failure's message.
    pub last_message: String,
}

#[cfg(test)]
mod tests {
    use super::RetryEntry;

    fn entry(call: &str, message: &str) -> RetryEntry {
        RetryEntry {
            gong_call_id: call.into(),
            message: message.into(),
            failed_at: chrono::DateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn a_call_listed_twice_keeps_its_last_entry_in_its_first_place() {
        let entries = [entry("a", "first"), entry("b", "b"), entry("a", "second")];
        let kept: Vec<_> = RetryEntry::last_per_call(&entries)
            .into_iter()
            .map(|e| (e.gong_call_id.as_str(), e.message.as_str()))
            .collect();
        assert_eq!(kept, [("a", "second"), ("b", "b")]);
    }
}
