//! Progress events of a running job, for progress bars and logs.

use gong_timeline_store::JobId;

/// Something a running job reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    /// The job started.
    Started {
        /// Its id.
        job_id: JobId,
    },
    /// Gong users were mapped (U1).
    UsersMapped {
        /// Gong users seen.
        gong_users: u64,
        /// Internal Collaborator users created.
        created: u64,
    },
    /// Meetings on the retry list were handled again.
    Retried {
        /// How many call ids were asked for.
        count: u64,
    },
    /// Stored meetings were evaluated again, locally (M2).
    Evaluated {
        /// Stored meetings evaluated so far.
        done: u64,
    },
    /// A page of the time window arrived.
    Page {
        /// Meetings of the time window received so far, this page included.
        done: u64,
        /// Gong's total for the window, when known.
        total: Option<u64>,
    },
}

/// Receives progress events.
pub type ProgressFn = dyn Fn(Progress) + Send + Sync;

/// A receiver that ignores everything.
pub fn ignore(_: Progress) {}
