//! Timeline activities (one per Gong meeting, S1) and the page commit that writes
//! them together with their log records, retry list changes and checkpoint.

use super::GongCallId;
use chrono::{DateTime, Utc};
use gong_timeline_domain::meeting::Tracker;
use gong_timeline_domain::{ActivityContent, LicenseType};
use serde::{Deserialize, Serialize};

use super::{
    ActivityId, CompanyId, ConnectionId, JobCounts, JobId, NewLogRecord, PersonId, RetryEntry,
    UserId,
};

/// An internal attendee: a party with Internal affiliation, mapped to a user if possible.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InternalAttendee {
    /// Email as Gong has it (lowercase).
    pub email: Option<String>,
    /// Name as Gong has it.
    pub name: Option<String>,
    /// The mapped Timeline user.
    pub user_id: Option<UserId>,
}

/// An external attendee: a company person when the email matches one, else raw
/// name + email.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExternalAttendee {
    /// Email (lowercase).
    pub email: Option<String>,
    /// Name.
    pub name: Option<String>,
    /// The matched company person.
    pub person_id: Option<PersonId>,
}

/// An activity to insert or update, keyed by `external_id` (S1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityUpsert {
    /// Unique id derived from (connection, Gong call id).
    pub external_id: String,
    /// Gong's call id.
    pub gong_call_id: GongCallId,
    /// Activity type name.
    pub activity_type: String,
    /// Subject (the meeting title).
    pub subject: String,
    /// Meeting start, UTC.
    pub date: DateTime<Utc>,
    /// Duration.
    pub duration_seconds: Option<i64>,
    /// Notes (Gong's brief and key points).
    pub notes: Option<String>,
    /// Author: the owner's mapped user.
    pub author_user_id: Option<UserId>,
    /// The resolved company.
    pub company_id: CompanyId,
    /// Internal attendees.
    pub internal_attendees: Vec<InternalAttendee>,
    /// External attendees.
    pub external_attendees: Vec<ExternalAttendee>,
    /// Trackers; `None` when Gong sent no tracker data (S4).
    pub trackers: Option<Vec<Tracker>>,
    /// Message shown instead of trackers ("The Trackers have failed to load.").
    pub trackers_message: Option<String>,
    /// Gong call URL.
    pub recording_url: Option<String>,
    /// Where it came from ("Gong").
    pub source: String,
    /// Next steps, action items, outcome, outline (#23).
    pub content: ActivityContent,
    /// The engine's fingerprint of the content (a `u64` cast to `i64`): an unchanged
    /// meeting costs no write.
    pub content_hash: i64,
}

/// A company as shown beside an activity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanySummary {
    /// Store id.
    pub id: CompanyId,
    /// Name.
    pub name: String,
    /// CRM account id.
    pub crm_account_id: Option<String>,
}

/// A user as shown beside an activity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    /// Store id.
    pub id: UserId,
    /// Email.
    pub email: String,
    /// Name.
    pub name: String,
    /// License type.
    pub license_type: LicenseType,
}

/// A Timeline activity as read, with its company and author joined.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    /// Store id.
    pub id: ActivityId,
    /// Unique external id.
    pub external_id: String,
    /// The connection that wrote it.
    pub connection_id: ConnectionId,
    /// Gong's call id.
    pub gong_call_id: GongCallId,
    /// Activity type name; `type` in JSON, as the CLI's `activities --format json`.
    #[serde(rename = "type")]
    pub activity_type: String,
    /// Subject.
    pub subject: String,
    /// Meeting start.
    pub date: DateTime<Utc>,
    /// Duration.
    pub duration_seconds: Option<i64>,
    /// Notes.
    pub notes: Option<String>,
    /// Author.
    pub author: Option<UserSummary>,
    /// Company.
    pub company: CompanySummary,
    /// Internal attendees.
    pub internal_attendees: Vec<InternalAttendee>,
    /// External attendees.
    pub external_attendees: Vec<ExternalAttendee>,
    /// Trackers, `None` when Gong sent none.
    pub trackers: Option<Vec<Tracker>>,
    /// Message shown instead of trackers.
    pub trackers_message: Option<String>,
    /// Gong call URL.
    pub recording_url: Option<String>,
    /// Source ("Gong").
    pub source: String,
    /// Next steps, action items, outcome, outline (#23).
    pub content: ActivityContent,
    /// Content fingerprint.
    pub content_hash: i64,
    /// First written.
    pub created_at: DateTime<Utc>,
    /// Last written.
    pub updated_at: DateTime<Utc>,
}

/// Which activities to list, newest (by date) first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActivityFilter {
    /// One company only.
    pub company_id: Option<CompanyId>,
    /// One connection only.
    pub connection_id: Option<ConnectionId>,
    /// Only activities whose subject, notes (brief, key points), attendees (names,
    /// emails) or trackers contain this text, ignoring case.
    pub search: Option<String>,
    /// At most this many; `None` = all.
    pub limit: Option<u32>,
    /// Where the page starts, in the list's order (newest first).
    pub seek: super::Seek<ActivityKey>,
}

/// An activity's place in the newest-first list: its date, then its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ActivityKey {
    /// The meeting's start.
    pub date: DateTime<Utc>,
    /// Its id (ties of the same date).
    pub id: ActivityId,
}

impl Activity {
    /// Its place in the activities list.
    pub fn key(&self) -> ActivityKey {
        ActivityKey {
            date: self.date,
            id: self.id,
        }
    }
}

/// What the engine needs to tell an unchanged meeting from a changed one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityHash {
    /// The existing activity.
    pub activity_id: ActivityId,
    /// Its stored fingerprint.
    pub content_hash: i64,
    /// Its activity type: an update keeps it (a new type applies to activities
    /// created from then on, M2).
    pub activity_type: String,
}

/// Everything one page of meetings writes, in ONE transaction: a crash leaves either
/// all of it or none of it, so the checkpoint never moves past unwritten activities
/// (S7, S8).
#[derive(Debug, Clone, PartialEq)]
pub struct PageCommit {
    /// The running job.
    pub job_id: JobId,
    /// Its connection.
    pub connection_id: ConnectionId,
    /// Activities to insert or update by external id.
    pub upserts: Vec<ActivityUpsert>,
    /// Log records; [`crate::ActivityRef::Upsert`] points into `upserts`.
    pub records: Vec<NewLogRecord>,
    /// Failed meetings to add to the retry list (or bump).
    pub retry_add: Vec<RetryEntry>,
    /// Call ids to remove from the retry list (handled now).
    pub retry_remove: Vec<GongCallId>,
    /// Activities to take off the Timeline (their meeting became private in Gong, S2);
    /// log records that pointed at them keep no activity id.
    pub removals: Vec<ActivityId>,
    /// Meetings skipped now, with their reason's fingerprint (replacing an older mark).
    pub skip_marks: Vec<SkipMark>,
    /// Meetings no longer skipped (written or failed now): their marks go.
    pub unmark: Vec<GongCallId>,
    /// Calls deleted in Gong (G1): their stored meetings, skip marks and retry
    /// entries go (their activities go through `removals`).
    pub forget: Vec<GongCallId>,
    /// New `last_meeting_started`; the store keeps the later of it and the stored one.
    pub checkpoint: Option<DateTime<Utc>>,
    /// Added to the job's counts.
    pub counts_delta: JobCounts,
    /// Fetched meetings to keep (M1), inserted or replaced by (connection, call id).
    pub meetings: Vec<crate::EncodedMeeting>,
    /// The writer's lease, checked in this transaction: when it no longer matches
    /// the job, nothing is written ([`crate::StoreError::LeaseLost`]).
    pub fence: crate::Fence,
    /// The connection's resume point after this page (M4).
    pub resume: crate::ResumeUpdate,
    /// Sets `last_reconciled_at` (a reconciliation pass ended with this page).
    pub reconciled_at: Option<DateTime<Utc>>,
    /// Sets `evaluated_settings` (a re-evaluation ended with this page).
    pub evaluated_settings: Option<i64>,
    /// Webhook queue entries this page handled (W2).
    pub webhook_done: Option<crate::WebhookDone>,
    /// Write time (activities' `created_at`/`updated_at`).
    pub now: DateTime<Utc>,
}

/// A meeting's last skip: re-skipping it for the same reason is not logged again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkipMark {
    /// Gong call id.
    pub gong_call_id: GongCallId,
    /// Fingerprint of the skip reason.
    pub fingerprint: i64,
}
