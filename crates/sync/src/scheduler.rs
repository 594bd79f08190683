//! The schedule (S6): at the fixed UTC slots 00:00, 04:00, …, 20:00 every connection
//! whose "Sync Gong Meetings" toggle is on gets a job. [`Scheduler::run_due`] is the
//! unit tests drive; [`Scheduler::run`] only waits for the next slot and calls it.

use std::future::Future;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::StreamExt;
use gong_timeline_domain::schedule::{latest_slot_at_or_before, next_slot_after};
use gong_timeline_domain::Trigger;
use gong_timeline_store::ConnectionStatus;

use crate::progress::ignore;
use crate::runner::{Engine, JobSummary};
use crate::SyncError;

pub use crate::runner::CONCURRENT_JOBS;

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

    /// Runs a job for every enabled connection (not merely pending authorisation) that
    /// has not synced since the latest slot at or before `now`, [`CONCURRENT_JOBS`] at a
    /// time so one slow account does not hold the others up. A connection already
    /// syncing is left alone, and each connection's slot is claimed in the store first,
    /// so that of several replicas (or a restart within the slot) one runs it.
    pub async fn run_due(&self, now: DateTime<Utc>) -> Result<Vec<JobSummary>, SyncError> {
        let slot = latest_slot_at_or_before(now);
        let store = self.engine.store();
        let mut due = Vec::new();
        for connection in store.list_connections().await? {
            let settings = store.get_settings(connection.id).await?;
            let synced_since = connection.last_sync_at.is_some_and(|last| last >= slot);
            // A connection needing re-authorisation is still tried: a passing 401 must not
            // stop its syncs for good, and a successful job marks it Authorised again.
            if settings.enabled && !synced_since && connection.status != ConnectionStatus::Pending {
                due.push(connection);
            }
        }
        let summaries = futures::stream::iter(due)
            .map(|connection| async move {
                // Every replica offers the due connections at a slot; one claims each.
                match store.claim_schedule_slot(connection.id, slot).await {
                    Ok(true) => {}
                    Ok(false) => {
                        tracing::info!(connection = %connection.name, "Scheduled sync skipped: another process claimed this slot.");
                        return None;
                    }
                    Err(error) => {
                        tracing::warn!(connection = %connection.name, %error, "Scheduled sync could not claim its slot.");
                        return None;
                    }
                }
                match self.engine.run_job(connection.id, Trigger::Schedule, &ignore).await {
                    Ok(summary) => Some(summary),
                    Err(SyncError::AlreadyRunning(name)) => {
                        tracing::info!(connection = %name, "Scheduled sync skipped: a job is running.");
                        None
                    }
                    Err(error) => {
                        tracing::warn!(connection = %connection.name, %error, "Scheduled sync could not start.");
                        None
                    }
                }
            })
            .buffer_unordered(CONCURRENT_JOBS)
            .filter_map(|s| async move { s })
            .collect()
            .await;
        Ok(summaries)
    }

    /// Runs due jobs now, then at every slot, until `shutdown` completes; between
    /// slots, sweeps for jobs another replica stopped holding ([`takeover`]) every
    /// half lease. A running job finishes its current page before shutdown takes
    /// effect.
    ///
    /// [`takeover`]: crate::takeover
    pub async fn run(self, shutdown: impl Future<Output = ()>) {
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let until_stopped = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
            let _ = rx.wait_for(|stop| *stop).await;
        };
        let engine = self.engine.clone();
        let clock = move || engine.now();
        let slots = run_at_slots(clock, until_stopped(stopped.clone()), |now| {
            let this = self.clone();
            async move {
                if let Err(error) = this.run_due(now).await {
                    tracing::warn!(%error, "Scheduler pass failed; trying again at the next slot.");
                }
            }
        });
        let sweeps = self.sweep_orphans(until_stopped(stopped));
        let stopper = async move {
            shutdown.await;
            let _ = stop.send(true);
        };
        tokio::join!(slots, sweeps, stopper);
    }

    /// Takes over orphaned jobs, and runs claimed slots that never got their job,
    /// every half lease (1 s to 1 min) until `shutdown`.
    async fn sweep_orphans(&self, shutdown: impl Future<Output = ()>) {
        let every = (self.engine.lease_ttl() / 2)
            .to_std()
            .unwrap_or_default()
            .clamp(Duration::from_secs(1), Duration::from_secs(60));
        tokio::pin!(shutdown);
        loop {
            tokio::select! {
                _ = tokio::time::sleep(every) => {}
                _ = &mut shutdown => return,
            }
            match crate::takeover::take_over_orphans(&self.engine).await {
                Ok(taken) if !taken.is_empty() => {
                    tracing::info!(jobs = taken.len(), "Took over jobs of a stopped replica.");
                }
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "Looking for orphaned jobs failed."),
            }
            if let Err(error) = crate::takeover::run_unstarted_slots(&self.engine).await {
                tracing::warn!(%error, "Looking for claimed slots without a job failed.");
            }
        }
    }
}

/// Calls `tick` now and then at every slot after, until `shutdown`. Only waits: the
/// work is `tick`'s, so tests drive this loop with paused Tokio time.
pub async fn run_at_slots<Fut>(
    clock: impl Fn() -> DateTime<Utc>,
    shutdown: impl Future<Output = ()>,
    mut tick: impl FnMut(DateTime<Utc>) -> Fut,
) where
    Fut: Future<Output = ()>,
{
    tokio::pin!(shutdown);
    loop {
        tick(clock()).await;
        let now = clock();
        let wait = (next_slot_after(now) - now).to_std().unwrap_or_default();
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = &mut shutdown => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use std::sync::{Arc, Mutex};

    #[tokio::test(start_paused = true)]
    async fn s6_ticks_at_the_fixed_four_hourly_utc_slots() {
        let base = Utc.with_ymd_and_hms(2026, 11, 24, 1, 30, 0).unwrap();
        let started = tokio::time::Instant::now();
        let clock = move || base + chrono::Duration::from_std(started.elapsed()).unwrap();
        let ticks = Arc::new(Mutex::new(Vec::new()));
        let seen = ticks.clone();
        let shutdown = tokio::time::sleep(std::time::Duration::from_secs(11 * 3600));
        run_at_slots(clock, shutdown, |now| {
            seen.lock().unwrap().push(now);
            async {}
        })
        .await;
        let at = |h| Utc.with_ymd_and_hms(2026, 11, 24, h, 0, 0).unwrap();
        assert_eq!(*ticks.lock().unwrap(), vec![base, at(4), at(8), at(12)]);
    }
}
