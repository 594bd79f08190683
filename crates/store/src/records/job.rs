//! Sync jobs, their leases, and the execution log's per-meeting records (L1, L2).

use super::GongCallId;
use chrono::{DateTime, Utc};
use gong_timeline_domain::{JobStatus, RecordStatus, Trigger};
use serde::{Deserialize, Serialize};

use super::{ActivityId, ConnectionId, JobId, LogRecordId};

/// What a job handled (L1).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobCounts {
    /// Meetings read from Gong.
    pub fetched: u64,
    /// Activities created.
    pub created: u64,
    /// Activities updated.
    pub updated: u64,
    /// Meetings skipped (private, filtered).
    pub skipped: u64,
    /// Meetings that failed.
    pub failed: u64,
    /// Activities removed: their calls were deleted in Gong (G1).
    #[serde(default)]
    pub removed: u64,
}

impl JobCounts {
    /// The meetings that ended with `status`.
    pub fn of(&self, status: RecordStatus) -> u64 {
        match status {
            RecordStatus::Created => self.created,
            RecordStatus::Updated => self.updated,
            RecordStatus::Skipped => self.skipped,
            RecordStatus::Failed => self.failed,
            RecordStatus::Removed => self.removed,
        }
    }
}

impl std::ops::AddAssign for JobCounts {
    fn add_assign(&mut self, other: JobCounts) {
        self.fetched += other.fetched;
        self.created += other.created;
        self.updated += other.updated;
        self.skipped += other.skipped;
        self.failed += other.failed;
        self.removed += other.removed;
    }
}

/// What a job asked of Gong: API requests sent (retries included, token refreshes
/// not) and the 429 "Too Many Requests" answers among them. Its JSON is flat:
/// `gong_requests`, `gong_rate_limited`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GongUsage {
    /// API requests sent.
    #[serde(rename = "gong_requests")]
    pub requests: u64,
    /// 429 answers among them.
    #[serde(rename = "gong_rate_limited")]
    pub rate_limited: u64,
}

/// An `Option<GongUsage>` as two flat JSON fields, `gong_requests` and
/// `gong_rate_limited`, both `null` when unknown: use with
/// `#[serde(flatten, with = "gong_usage_json")]` ([`Job::gong`]).
pub mod gong_usage_json {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::GongUsage;

    #[derive(Serialize, Deserialize)]
    struct Fields {
        #[serde(default)]
        gong_requests: Option<u64>,
        #[serde(default)]
        gong_rate_limited: Option<u64>,
    }

    /// Writes the two fields.
    pub fn serialize<S: Serializer>(usage: &Option<GongUsage>, s: S) -> Result<S::Ok, S::Error> {
        Fields {
            gong_requests: usage.map(|u| u.requests),
            gong_rate_limited: usage.map(|u| u.rate_limited),
        }
        .serialize(s)
    }

    /// Reads the two fields; unknown unless both are there.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<GongUsage>, D::Error> {
        let f = Fields::deserialize(d)?;
        Ok(match (f.gong_requests, f.gong_rate_limited) {
            (Some(requests), Some(rate_limited)) => Some(GongUsage {
                requests,
                rate_limited,
            }),
            _ => None,
        })
    }
}

/// Who runs a job and until when, unless it sends a heartbeat (PostgreSQL
/// deployments split work between processes by leases).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    /// The process holding it (host + pid, or a uuid).
    pub owner: String,
    /// When it lapses; a job In progress past this is taken as interrupted.
    pub expires_at: DateTime<Utc>,
}

/// One sync run of one connection (L1). Its JSON is the one shape the CLI
/// (`log jobs --format json`) and the API share: counts flat, the lease left out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Job {
    /// Store id.
    pub id: JobId,
    /// The connection.
    pub connection_id: ConnectionId,
    /// The connection's name.
    pub connection: String,
    /// Schedule, manual, save.
    pub trigger: Trigger,
    /// In progress, Success, Partial success, Failed.
    pub status: JobStatus,
    /// Start.
    pub started_at: DateTime<Utc>,
    /// End, once finished.
    pub finished_at: Option<DateTime<Utc>>,
    /// Counts so far (pages add to them) or final.
    #[serde(flatten)]
    pub counts: JobCounts,
    /// A job-level message (why it failed), if any.
    pub message: Option<String>,
    /// What the job asked of Gong, once it finished; `None` while it runs, when
    /// its process died, and for jobs finished before these counts were kept.
    /// JSON: `gong_requests` and `gong_rate_limited` (`null` when unknown).
    #[serde(flatten, with = "gong_usage_json")]
    pub gong: Option<GongUsage>,
    /// The lease holder while running.
    #[serde(skip)]
    pub lease_owner: Option<String>,
    /// The lease's expiry while running.
    #[serde(skip)]
    pub lease_expires_at: Option<DateTime<Utc>>,
    /// The lease's generation: one more than the connection's previous job's, so a
    /// take-over always fences out the writer it replaced ([`crate::Fence`]).
    #[serde(skip)]
    pub lease_generation: i64,
}

/// A job's end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobFinish {
    /// Final status (not In progress).
    pub status: JobStatus,
    /// Final counts: they replace what pages added.
    pub counts: JobCounts,
    /// End time.
    pub finished_at: DateTime<Utc>,
    /// Why it failed, if it did.
    pub message: Option<String>,
    /// What the job asked of Gong; `None` when nobody knows (a job whose process
    /// died, ended by another).
    pub gong: Option<GongUsage>,
    /// The finishing writer's lease; `None` when someone else ends the job (a job
    /// whose process died). A fence that no longer matches finishes nothing.
    pub fence: Option<crate::Fence>,
}

/// Which jobs to list (L3), newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobFilter {
    /// Jobs started at or after this.
    pub from: Option<DateTime<Utc>>,
    /// Jobs started before this.
    pub to: Option<DateTime<Utc>>,
    /// Any of these statuses; empty = all.
    pub statuses: Vec<JobStatus>,
    /// One connection only.
    pub connection_id: Option<ConnectionId>,
    /// Any of these triggers; empty = all.
    pub triggers: Vec<Trigger>,
    /// At most this many; `None` = all.
    pub limit: Option<u32>,
    /// Where the page starts, in the list's order (newest first).
    pub seek: Seek<JobKey>,
}

/// Where a keyset page of a list starts: at the top, right after a row's key, or
/// right before it (the page before; rows still come in the list's order). A page is
/// an index range scan whatever its depth, unlike `OFFSET`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Seek<K> {
    /// The first page.
    #[default]
    First,
    /// The rows after this key.
    After(K),
    /// The rows before this key (the previous page).
    Before(K),
}

/// A job's place in the newest-first list: its start, then its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct JobKey {
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// Its id (ties of the same start).
    pub id: JobId,
}

impl Job {
    /// Its place in the jobs list.
    pub fn key(&self) -> JobKey {
        JobKey {
            started_at: self.started_at,
            id: self.id,
        }
    }
}

/// Which activity a log record points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActivityRef {
    /// An activity that already exists.
    Id(ActivityId),
    /// The activity written by `PageCommit::upserts[i]` in the same commit.
    Upsert(usize),
}

/// A log record to write (L2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLogRecord {
    /// Gong's call id.
    pub gong_call_id: GongCallId,
    /// Meeting title.
    pub title: Option<String>,
    /// Meeting start.
    pub meeting_date: Option<DateTime<Utc>>,
    /// Created, Updated, Skipped, Failed.
    pub status: RecordStatus,
    /// The activity, when one was made or updated.
    pub activity: Option<ActivityRef>,
    /// The SPEC message or skip reason, rendered.
    pub message: Option<String>,
}

/// A log record as stored (L2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogRecord {
    /// Store id (records of a job list in id order).
    pub id: LogRecordId,
    /// The job.
    pub job_id: JobId,
    /// Gong's call id.
    pub gong_call_id: GongCallId,
    /// Meeting title.
    pub title: Option<String>,
    /// Meeting start.
    pub meeting_date: Option<DateTime<Utc>>,
    /// Created, Updated, Skipped, Failed.
    pub status: RecordStatus,
    /// The activity's id; `None` when none was made.
    pub activity_id: Option<ActivityId>,
    /// Message.
    pub message: Option<String>,
}

/// Which log records of a job to list, in the order written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordFilter {
    /// The job.
    pub job_id: JobId,
    /// Any of these statuses; empty = all.
    pub statuses: Vec<RecordStatus>,
    /// At most this many; `None` = all.
    pub limit: Option<u32>,
    /// Where the page starts: the records after (or before) a record id.
    pub seek: Seek<LogRecordId>,
}

/// How many records of a job have each status: kept with the job, counted as its
/// records are written (one page's records and its counts in one transaction), so
/// reading them costs no `COUNT(*)` over a million records.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordCounts {
    /// Created records.
    pub created: u64,
    /// Updated records.
    pub updated: u64,
    /// Skipped records.
    pub skipped: u64,
    /// Failed records.
    pub failed: u64,
    /// Removed records (G1).
    pub removed: u64,
}

impl RecordCounts {
    /// Adds `n` records of `status`.
    pub fn add(&mut self, status: RecordStatus, n: u64) {
        match status {
            RecordStatus::Created => self.created += n,
            RecordStatus::Updated => self.updated += n,
            RecordStatus::Skipped => self.skipped += n,
            RecordStatus::Failed => self.failed += n,
            RecordStatus::Removed => self.removed += n,
        }
    }

    /// All records.
    pub fn total(&self) -> u64 {
        self.created + self.updated + self.skipped + self.failed + self.removed
    }

    /// Records of `status`.
    pub fn of(&self, status: RecordStatus) -> u64 {
        match status {
            RecordStatus::Created => self.created,
            RecordStatus::Updated => self.updated,
            RecordStatus::Skipped => self.skipped,
            RecordStatus::Failed => self.failed,
            RecordStatus::Removed => self.removed,
        }
    }

    /// Records of any of `statuses` (each counted once); empty = all.
    pub fn matching(&self, statuses: &[RecordStatus]) -> u64 {
        if statuses.is_empty() {
            return self.total();
        }
        RecordStatus::ALL
            .iter()
            .filter(|s| statuses.contains(s))
            .map(|s| self.of(*s))
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn job(gong: Option<GongUsage>) -> Job {
        Job {
            id: JobId::new(7),
            connection_id: ConnectionId::new(1),
            connection: "acme".into(),
            trigger: Trigger::Manual,
            status: JobStatus::Success,
            started_at: Utc.with_ymd_and_hms(2026, 11, 24, 4, 0, 0).unwrap(),
            finished_at: None,
            counts: JobCounts::default(),
            message: None,
            gong,
            lease_owner: None,
            lease_expires_at: None,
            lease_generation: 0,
        }
    }

    #[test]
    fn the_gong_usage_reads_as_two_flat_fields_null_when_unknown() {
        let known = job(Some(GongUsage {
            requests: 12,
            rate_limited: 2,
        }));
        let json = serde_json::to_value(&known).unwrap();
        assert_eq!(
            (&json["gong_requests"], &json["gong_rate_limited"]),
            (&serde_json::json!(12), &serde_json::json!(2))
        );
        assert!(json.get("gong").is_none(), "{json}");
        assert_eq!(serde_json::from_value::<Job>(json).unwrap(), known);

        let unknown = serde_json::to_value(job(None)).unwrap();
        assert!(unknown["gong_requests"].is_null() && unknown["gong_rate_limited"].is_null());
        assert_eq!(serde_json::from_value::<Job>(unknown).unwrap().gong, None);
    }
}
