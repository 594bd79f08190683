//! The schedule (S6): at the fixed UTC slots 00:00, 04:00, …, 20:00 every connection
//! whose "Sync Gong Meetings" toggle is on gets a job. [`Scheduler::run_due`] is the
//! unit tests drive; [`Scheduler::run`] only waits for the next slot and calls it.

use std::future::Future;

use chrono::{DateTime, Utc};
use gong_timeline_domain::schedule::{latest_slot_at_or_before, next_slot_after};
use gong_timeline_domain::Trigger;
use gong_timeline_store::ConnectionStatus;

use crate::progress::ignore;
use crate::runner::{Engine, JobSummary};
use crate::SyncError;

/// Runs scheduled jobs.
#[derive(Clone)]
pub struct Scheduler {
    engine: Engine,
}

impl Scheduler {
    /// A scheduler over an engine.
    pub fn new(engine: Engine) -> Scheduler {
        Scheduler { engine }
    }

    /// Runs a job for every enabled, authorised connection that has not synced since
    /// the latest slot at or before `now`. A connection already syncing is left alone.
    pub async fn run_due(&self, now: DateTime<Utc>) -> Result<Vec<JobSummary>, SyncError> {
        let slot = latest_slot_at_or_before(now);
        let store = self.engine.store();
        let mut summaries = Vec::new();
        for connection in store.list_connections().await? {
            let settings = store.get_settings(connection.id).await?;
            let due = connection.last_sync_at.is_none_or(|last| last < slot);
            if !settings.enabled || !due || connection.status != ConnectionStatus::Authorised {
                continue;
            }
            match self
                .engine
                .run_job(connection.id, Trigger::Schedule, &ignore)
                .await
            {
                Ok(summary) => summaries.push(summary),
                Err(SyncError::AlreadyRunning(name)) => {
                    tracing::info!(connection = %name, "Scheduled sync skipped: a job is running.")
                }
                Err(error) => {
                    tracing::warn!(connection = %connection.name, %error, "Scheduled sync could not start.")
                }
            }
        }
        Ok(summaries)
    }

    /// Runs due jobs now, then at every slot, until `shutdown` completes. A running
    /// job finishes its current page before shutdown takes effect.
    pub async fn run(self, shutdown: impl Future<Output = ()>) {
        tokio::pin!(shutdown);
        loop {
            if let Err(error) = self.run_due(self.engine.now()).await {
                tracing::warn!(%error, "Scheduler pass failed; trying again at the next slot.");
            }
            let now = self.engine.now();
            let wait = (next_slot_after(now) - now).to_std().unwrap_or_default();
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = &mut shutdown => return,
            }
        }
    }
}
