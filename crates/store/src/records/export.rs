//! Generated log exports (.xlsx files) and their download tokens (L4).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{ExportId, JobId};

/// An export to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewExport {
    /// The job whose records it holds.
    pub job_id: JobId,
    /// Where the file is.
    pub path: String,
    /// The unguessable token of its download link; unique.
    pub token: String,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it expires (30 days later, L4).
    pub expires_at: DateTime<Utc>,
}

/// An export as stored. Rows outlive their files so that an expired link can
/// answer 410 Gone rather than 404.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Export {
    /// Store id.
    pub id: ExportId,
    /// The job.
    pub job_id: JobId,
    /// Where the file is (or was).
    pub path: String,
    /// Download token.
    pub token: String,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it expires.
    pub expires_at: DateTime<Utc>,
    /// True once the expired file was deleted.
    pub file_deleted: bool,
}
