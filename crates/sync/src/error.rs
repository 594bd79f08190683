//! [`SyncError`]: why a job could not start or had to stop, phrased for the admin.

use gong_timeline_gong::GongError;
use gong_timeline_store::{JobId, StoreError};

/// Why a sync job could not run or stopped early.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// No connection with that name or id.
    #[error("there is no connection {0}; list them with `gong-timeline connection list`")]
    UnknownConnection(String),
    /// A job of this connection is already running (S6: one job per connection).
    #[error("a sync of connection '{0}' is already running; wait for it to finish (see `gong-timeline log jobs`)")]
    AlreadyRunning(String),
    /// An OAuth connection that was never authorised.
    #[error("connection '{0}' is not authorised yet; authorise it in the web UI or with `gong-timeline connection authorize`")]
    NotAuthorised(String),
    /// C6: the connection is not yet authorised or is disabled; says what to do.
    #[error("{0}")]
    Refused(String),
    /// Settings that cannot be used (T2, T3).
    #[error("{0}")]
    Settings(#[from] crate::settings::SettingsError),
    /// Gong failed in a way retries did not fix.
    #[error(transparent)]
    Gong(#[from] GongError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Another process took over this job's lease.
    #[error("job {0} lost its lease to another process and stopped; its committed pages are kept")]
    LeaseLost(JobId),
    /// S9: the job's meetings are in, but Gong refused their transcripts for want of
    /// the transcript scope. The job ends Partial success and the connection keeps
    /// syncing meetings: an optional extra must not stop the Timeline.
    #[error(
        "The meetings were synced, but not their transcripts. {0} Or turn transcripts off in \
         the connection's settings."
    )]
    TranscriptsRefused(GongError),
    /// The job was asked to stop (shutdown); committed pages are kept.
    #[error("the job was stopped before it finished; the next sync resumes from its checkpoint")]
    Cancelled,
    /// A bug or a value nothing was prepared for stopped the job; it is finished
    /// Failed and its lease released instead of hanging "In progress".
    #[error("the job stopped on an internal error ({0}); the next sync resumes from its checkpoint — please report this")]
    Panicked(String),
}

impl SyncError {
    /// True when Gong could not be reached (down, network, rate limits beyond waiting):
    /// the connection is Unreachable until a job gets through again.
    pub fn unreachable(&self) -> bool {
        matches!(self, SyncError::Gong(e) if e.is_retriable())
    }

    /// When a spent quota paused the job (Q2): this deployment's budget, or Gong's
    /// own daily quota (spent by every integration of the company together) — then
    /// the job goes on at the first slot after Gong resets it.
    pub fn paused_until(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        match self {
            SyncError::Gong(e) => e
                .paused_until()
                .or_else(|| e.resets_at().map(gong_timeline_domain::quota::resumes_at)),
            _ => None,
        }
    }

    /// True when the connection must be re-authorised before syncs can work again.
    pub fn needs_reauthorization(&self) -> bool {
        matches!(self, SyncError::Gong(e) if e.needs_reauthorization())
    }

    /// True when this process no longer holds the job's lease: it must write nothing
    /// more, not even the job's end (M4).
    pub fn is_lease_lost(&self) -> bool {
        matches!(
            self,
            SyncError::LeaseLost(_) | SyncError::Store(StoreError::LeaseLost { .. })
        )
    }
}
