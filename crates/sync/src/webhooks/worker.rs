//! The webhook worker (W2): drains the queue. A connection's queued calls become a
//! job with trigger `webhook` once a batch has gathered (100 calls, one request's
//! worth) or the oldest has waited `batch_delay`, so a burst costs few requests.
//! Jobs take a connection's lease like any other, so of several replicas (or a
//! scheduled sync running) one processes the queue; entries survive a restart.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt as _;
use gong_timeline_domain::Trigger;
use gong_timeline_store::{ConnectionId, WebhookBacklog};
use tokio::sync::Notify;

use crate::{Engine, JobRequest, JobSummary, SyncError};

/// Calls that make a batch due at once: one `calls/extensive` request's worth.
const FULL_BATCH: u64 = 100;
/// A connection whose batch failed or could not start waits this long (Gong down,
/// a sync refused): the queue keeps its calls meanwhile.
const RETRY_AFTER: Duration = Duration::from_secs(30);
/// Processed entries are kept this long (a repeated push within it is ignored).
const KEEP_PROCESSED_DAYS: i64 = 7;

/// How the worker batches.
#[derive(Debug, Clone, Copy)]
pub struct WorkerOptions {
    /// The longest a queued call waits for others to join its batch.
    pub batch_delay: Duration,
    /// How often the queue is looked at without a wake-up (other replicas' pushes).
    pub poll: Duration,
    /// Connections processed at once.
    pub concurrency: usize,
}

impl Default for WorkerOptions {
    fn default() -> Self {
        WorkerOptions {
            batch_delay: Duration::from_secs(5),
            poll: Duration::from_secs(5),
            concurrency: 4,
        }
    }
}

/// Drains the webhook queue until shut down.
pub struct WebhookWorker {
    engine: Engine,
    wake: Arc<Notify>,
    options: WorkerOptions,
    /// When this worker first saw each connection's current backlog: batching goes
    /// by this process's monotonic time, whatever the engine's clock says.
    first_seen: HashMap<ConnectionId, Instant>,
    /// Connections whose batch could not start (a job running, sync refused): not
    /// tried again before this.
    not_before: HashMap<ConnectionId, Instant>,
    last_prune: Option<Instant>,
}

impl WebhookWorker {
    /// A worker over `engine`, woken by `wake` when a call is queued.
    pub fn new(engine: Engine, wake: Arc<Notify>, options: WorkerOptions) -> WebhookWorker {
        WebhookWorker {
            engine,
            wake,
            options,
            first_seen: HashMap::new(),
            not_before: HashMap::new(),
            last_prune: None,
        }
    }

    /// Runs until `shutdown` completes; a running batch finishes first.
    pub async fn run(mut self, shutdown: impl Future<Output = ()>) {
        tokio::pin!(shutdown);
        loop {
            let wait = match self.tick().await {
                Ok(wait) => wait,
                Err(error) => {
                    tracing::warn!(%error, "The webhook worker could not read its queue.");
                    self.options.poll
                }
            };
            tokio::select! {
                _ = &mut shutdown => return,
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(wait) => {}
            }
        }
    }

    /// Runs the batches that are due; returns how long to wait for the next one.
    pub async fn tick(&mut self) -> Result<Duration, SyncError> {
        self.prune_now_and_then().await;
        let backlogs = self.engine.store().webhook_backlogs().await?;
        let now = Instant::now();
        self.first_seen
            .retain(|id, _| backlogs.iter().any(|b| b.connection_id == *id));
        let mut due = Vec::new();
        let mut wait = self.options.poll;
        self.not_before.retain(|_, at| *at > now);
        for backlog in &backlogs {
            let seen = *self.first_seen.entry(backlog.connection_id).or_insert(now);
            if let Some(at) = self.not_before.get(&backlog.connection_id) {
                wait = wait.min(at.duration_since(now));
                continue;
            }
            match self.wait_left(backlog, seen, now) {
                None => due.push(backlog.connection_id),
                Some(left) => wait = wait.min(left),
            }
        }
        if due.is_empty() {
            return Ok(wait);
        }
        let engine = self.engine.clone();
        let ran: Vec<(ConnectionId, bool)> = futures::stream::iter(due)
            .map(|id| {
                let engine = engine.clone();
                async move { (id, run_batch(&engine, id).await) }
            })
            .buffer_unordered(self.options.concurrency)
            .collect()
            .await;
        let retry_at = Instant::now() + RETRY_AFTER.min(self.options.poll * 6);
        for (id, ran) in &ran {
            self.first_seen.remove(id);
            if !ran {
                self.not_before.insert(*id, retry_at);
            }
        }
        // Calls pushed meanwhile (or beyond one job's share) are looked at again now.
        Ok(if ran.iter().any(|(_, ran)| *ran) {
            Duration::ZERO
        } else {
            wait
        })
    }

    /// `None` when the backlog's batch is due now, else how long until it is.
    fn wait_left(&self, backlog: &WebhookBacklog, seen: Instant, now: Instant) -> Option<Duration> {
        let age = (self.engine.now() - backlog.oldest)
            .to_std()
            .unwrap_or_default();
        let waited = now.duration_since(seen).max(age);
        batch_wait(backlog.queued, waited, self.options.batch_delay)
    }

    async fn prune_now_and_then(&mut self) {
        if self
            .last_prune
            .is_some_and(|at| at.elapsed() < Duration::from_secs(3600))
        {
            return;
        }
        self.last_prune = Some(Instant::now());
        let before = self.engine.now() - chrono::Duration::days(KEEP_PROCESSED_DAYS);
        if let Err(error) = self.engine.store().prune_webhook_queue(before).await {
            tracing::warn!(%error, "Could not prune the webhook queue.");
        }
    }
}

/// How long a backlog of `queued` calls whose oldest has waited `waited` still waits
/// for its batch: `None` when due now — a full request's worth, or waited enough.
fn batch_wait(queued: u64, waited: Duration, batch_delay: Duration) -> Option<Duration> {
    if queued >= FULL_BATCH {
        return None;
    }
    batch_delay
        .checked_sub(waited)
        .filter(|left| !left.is_zero())
}

/// A job that stopped early (Gong down, the database) carries its reason; one whose
/// meetings all failed their rules ran to its end, and its calls left the queue.
fn stopped_early(summary: &JobSummary) -> bool {
    summary.message.is_some()
}

/// One job of a connection's queued calls; false when it could not start or stopped
/// early (its calls stay queued). A connection whose job is running (a slot, or
/// another replica's batch) keeps its queue for the next look; so does one whose
/// syncs are refused (C6) until fixed.
async fn run_batch(engine: &Engine, connection_id: ConnectionId) -> bool {
    let noop = |_| {};
    match engine
        .run_request(connection_id, JobRequest::new(Trigger::Webhook), &noop)
        .await
    {
        Ok(summary) if stopped_early(&summary) => {
            tracing::warn!(job_id = summary.id.get(), message = ?summary.message, "The webhook batch stopped early; its calls stay queued.");
            false
        }
        Ok(summary) => {
            tracing::info!(
                job_id = summary.id.get(),
                created = summary.counts.created,
                updated = summary.counts.updated,
                "Webhook batch done."
            );
            true
        }
        Err(SyncError::AlreadyRunning(_)) => {
            tracing::debug!(
                connection_id = connection_id.get(),
                "A job of this connection is running; the batch waits."
            );
            false
        }
        Err(error) => {
            tracing::warn!(connection_id = connection_id.get(), %error, "The webhook batch could not start.");
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gong_timeline_store::JobId;

    const DELAY: Duration = Duration::from_secs(5);

    #[test]
    fn a_full_request_of_calls_is_due_at_once() {
        assert_eq!(batch_wait(100, Duration::ZERO, DELAY), None);
        assert_eq!(batch_wait(250, Duration::ZERO, DELAY), None);
    }

    #[test]
    fn fewer_calls_wait_for_the_batch_delay_from_the_oldest() {
        assert_eq!(batch_wait(1, Duration::ZERO, DELAY), Some(DELAY));
        assert_eq!(
            batch_wait(99, Duration::from_secs(2), DELAY),
            Some(Duration::from_secs(3))
        );
        assert_eq!(batch_wait(1, DELAY, DELAY), None);
        assert_eq!(batch_wait(1, Duration::from_secs(60), DELAY), None);
    }

    fn summary(status: gong_timeline_domain::JobStatus, message: Option<&str>) -> JobSummary {
        let now = chrono::Utc::now();
        JobSummary {
            id: JobId::new(1),
            connection: "c".into(),
            trigger: Trigger::Webhook,
            status,
            started_at: now,
            finished_at: now,
            counts: Default::default(),
            message: message.map(str::to_string),
            gong: Default::default(),
        }
    }

    #[test]
    fn a_batch_whose_meetings_failed_their_rules_ran_but_one_stopped_by_gong_did_not() {
        use gong_timeline_domain::JobStatus;
        assert!(!stopped_early(&summary(JobStatus::Failed, None)));
        assert!(!stopped_early(&summary(JobStatus::Success, None)));
        assert!(stopped_early(&summary(
            JobStatus::Failed,
            Some("Gong is unreachable")
        )));
    }

    #[test]
    fn no_batch_delay_means_every_call_is_due_at_once() {
        assert_eq!(batch_wait(1, Duration::ZERO, Duration::ZERO), None);
    }
}
