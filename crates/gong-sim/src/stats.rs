//! Request accounting: totals, per-path counts, 429s and injected faults served, and
//! the arrival times of API requests (so a test can check a client's pace); and the
//! simulator's own output: new calls made and what became of their webhooks.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// Arrival times kept at most (8 MB); older ones are dropped first.
const MAX_TIMESTAMPS: usize = 1_000_000;

/// A snapshot of the counters.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SimStats {
    /// Every request, admin ones included.
    pub total_requests: u64,
    /// Requests to `/v2/...`.
    pub api_requests: u64,
    /// Requests per `METHOD /path` (ids in paths replaced by placeholders).
    pub per_path: BTreeMap<String, u64>,
    /// 429 answers served.
    pub rate_limited: u64,
    /// Answers replaced by a fault switch (error rate, fail-next, downtime).
    pub faults_injected: u64,
    /// 401 answers served.
    pub unauthorized: u64,
    /// Arrival of each API request, microseconds since the simulator started.
    pub api_request_micros: Vec<u64>,
    /// Calls made while running (timer and on demand).
    #[serde(default)]
    pub new_calls: u64,
    /// Call webhooks delivered (answered 2xx); a duplicate counts twice.
    #[serde(default)]
    pub webhooks_sent: u64,
    /// Call webhooks never sent (drop switch).
    #[serde(default)]
    pub webhooks_dropped: u64,
    /// Call webhooks sent a second time (duplicate switch).
    #[serde(default)]
    pub webhooks_duplicated: u64,
    /// Deliveries given up after their retries, or refused by a full queue.
    #[serde(default)]
    pub webhooks_failed: u64,
    /// Delivery attempts after a first one failed.
    #[serde(default)]
    pub webhook_retries: u64,
    /// Test pings delivered (answered 2xx).
    #[serde(default)]
    pub webhook_tests_sent: u64,
}

/// One thing that happened to a webhook, for the counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookEvent {
    /// A call webhook was delivered.
    Sent,
    /// A test ping was delivered.
    TestSent,
    /// The drop switch kept a webhook back.
    Dropped,
    /// The duplicate switch doubled a webhook.
    Duplicated,
    /// A delivery was given up.
    Failed,
    /// A delivery is tried again.
    Retried,
}

impl SimStats {
    /// Requests counted for `"METHOD /path"`.
    pub fn count(&self, key: &str) -> u64 {
        self.per_path.get(key).copied().unwrap_or(0)
    }

    /// The most API requests that arrived within any `window` (e.g. 1 s).
    pub fn max_requests_in_window(&self, window: Duration) -> usize {
        let w = window.as_micros() as u64;
        let t = &self.api_request_micros;
        let (mut best, mut lo) = (0, 0);
        for hi in 0..t.len() {
            while t[hi] - t[lo] >= w {
                lo += 1;
            }
            best = best.max(hi - lo + 1);
        }
        best
    }
}

/// The live counters.
#[derive(Debug)]
pub struct Recorder {
    started: Instant,
    inner: Mutex<SimStats>,
}

impl Recorder {
    /// Counters starting now.
    pub fn new() -> Recorder {
        Recorder {
            started: Instant::now(),
            inner: Mutex::new(SimStats::default()),
        }
    }

    fn with<R>(&self, f: impl FnOnce(&mut SimStats) -> R) -> R {
        f(&mut self.inner.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// Counts one request.
    pub fn request(&self, key: String, api: bool, at: Instant) {
        let micros = at.duration_since(self.started).as_micros() as u64;
        self.with(|s| {
            s.total_requests += 1;
            *s.per_path.entry(key).or_default() += 1;
            if api {
                s.api_requests += 1;
                if s.api_request_micros.len() >= MAX_TIMESTAMPS {
                    s.api_request_micros.drain(..MAX_TIMESTAMPS / 2);
                }
                s.api_request_micros.push(micros);
            }
        });
    }

    /// Counts an answer by status and whether a fault switch made it.
    pub fn answer(&self, status: u16, injected: bool) {
        self.with(|s| {
            s.rate_limited += u64::from(status == 429);
            s.unauthorized += u64::from(status == 401);
            s.faults_injected += u64::from(injected);
        });
    }

    /// Counts calls made while running.
    pub fn new_calls(&self, n: u64) {
        self.with(|s| s.new_calls += n);
    }

    /// Counts a webhook event.
    pub fn webhook(&self, event: WebhookEvent) {
        self.with(|s| {
            let counter = match event {
                WebhookEvent::Sent => &mut s.webhooks_sent,
                WebhookEvent::TestSent => &mut s.webhook_tests_sent,
                WebhookEvent::Dropped => &mut s.webhooks_dropped,
                WebhookEvent::Duplicated => &mut s.webhooks_duplicated,
                WebhookEvent::Failed => &mut s.webhooks_failed,
                WebhookEvent::Retried => &mut s.webhook_retries,
            };
            *counter += 1;
        });
    }

    /// A copy of the counters.
    pub fn snapshot(&self) -> SimStats {
        self.with(|s| s.clone())
    }

    /// Zeroes the counters.
    pub fn reset(&self) {
        self.with(|s| *s = SimStats::default());
    }
}

impl Default for Recorder {
    fn default() -> Self {
        Recorder::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_busiest_window_is_found() {
        let s = SimStats {
            api_request_micros: vec![0, 400_000, 800_000, 1_000_000, 1_100_000, 3_000_000],
            ..SimStats::default()
        };
        assert_eq!(s.max_requests_in_window(Duration::from_secs(1)), 4);
        assert_eq!(
            SimStats::default().max_requests_in_window(Duration::from_secs(1)),
            0
        );
    }
}
