//! Q1–Q4 against a real SQLite file and the simulator on a random port, with
//! Gong's daily cap at 500: a 3,000-call backfill under a small budget pauses, a
//! webhook batch still runs, and the next slot goes on where the backfill stopped,
//! with nothing missing, nothing twice, no request over budget and no 429; the
//! counts per purpose match the simulator's own per endpoint.

use gong_timeline_store::GongCallId;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use gong_timeline_domain::quota::{self, Lane, Purpose, QuotaSettings};
use gong_timeline_domain::{JobStatus, RecordStatus, Trigger};
use gong_timeline_gong::ClientConfig;
use gong_timeline_gong_sim::{Limits, SimConfig};
use gong_timeline_store::{JobId, MeetingQuery, MeetingSet, RecordFilter, Store};
use gong_timeline_sync::{progress, Engine, EngineOptions, JobSummary};
use support::World;

mod support;

const CALLS: u64 = 3_000;
/// History (backfill) may spend 70 % of it: 28 requests, short of the 31 the backfill needs.
const DAILY_BUDGET: u32 = 40;

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 4, 30, 0).unwrap()
}

async fn world() -> World {
    let config = SimConfig {
        calls: CALLS,
        days: 60,
        now: Some(start()),
        // Gong's daily cap at 500; the per-second rate out of the way of a fast test.
        limits: Limits {
            enabled: true,
            per_second: 1_000,
            per_day: 500,
        },
        ..SimConfig::default()
    };
    let w = support::world(config, start()).await;
    let budget = QuotaSettings::new(u64::from(DAILY_BUDGET), 100.0).unwrap();
    w.store.set_quota(w.connection_id, &budget).await.unwrap();
    w
}

fn engine(store: &Arc<dyn Store>, at: DateTime<Utc>) -> Engine {
    let options = EngineOptions {
        gong: ClientConfig::default().without_limits(),
        clock: Arc::new(move || at),
        ..EngineOptions::default()
    };
    Engine::new(store.clone(), options)
}

impl World {
    async fn run(&self, at: DateTime<Utc>, trigger: Trigger) -> JobSummary {
        engine(&self.store, at)
            .run_job(self.connection_id, trigger, &progress::ignore)
            .await
            .unwrap()
    }

    /// Every log record of a job, by call id.
    async fn records(&self, job_id: JobId) -> Vec<(GongCallId, RecordStatus)> {
        let filter = RecordFilter {
            job_id,
            ..RecordFilter::default()
        };
        let records = self.store.list_log_records(filter).await.unwrap();
        records
            .into_iter()
            .map(|r| (r.gong_call_id, r.status))
            .collect()
    }

    async fn stored_calls(&self) -> usize {
        let query = MeetingQuery {
            since: start() - Duration::days(365),
            until: None,
            which: MeetingSet::All,
            after: None,
            limit: 10_000,
        };
        let stored = self
            .store
            .list_stored_meetings(self.connection_id, query)
            .await
            .unwrap();
        stored.len()
    }

    /// The store's counts per endpoint (`POST /v2/calls/extensive`, as the
    /// simulator keys them), and per purpose.
    async fn counted(&self) -> (BTreeMap<String, u64>, HashMap<Purpose, u64>) {
        let counts = self
            .store
            .gong_requests_since(self.connection_id, start() - Duration::days(2))
            .await
            .unwrap();
        let mut per_endpoint = BTreeMap::new();
        let mut per_purpose = HashMap::new();
        for c in counts {
            let method = if ["/v2/users", "/v2/call-outcomes"].contains(&c.endpoint.as_str()) {
                "GET"
            } else {
                "POST"
            };
            *per_endpoint
                .entry(format!("{method} {}", c.endpoint))
                .or_default() += c.requests;
            *per_purpose.entry(c.purpose).or_default() += c.requests;
        }
        (per_endpoint, per_purpose)
    }
}

#[tokio::test]
async fn q2_a_backfill_over_budget_pauses_webhooks_go_on_and_the_next_slot_finishes_it() {
    let w = world().await;

    // A day's budget of 40: the backfill (history lane) stops at 28 requests.
    let first = w.run(start(), Trigger::Manual).await;
    assert_eq!(first.status, JobStatus::PartialSuccess, "{first:?}");
    assert_eq!(
        first.message.as_deref(),
        Some("Paused: Gong quota for today is spent; resumes at 08:00 UTC"),
        "the 04:30 requests leave the 24 hours at 04:40 tomorrow; the next slot is 08:00"
    );
    let (_, spent) = w.counted().await;
    let history: u64 = spent[&Purpose::Backfill];
    // The first lane's requests (users, the day's call outcomes) count too.
    assert_eq!(
        history + spent[&Purpose::Users] + spent[&Purpose::Settings],
        Lane::History.ceiling(DAILY_BUDGET),
        "{spent:?}"
    );
    let paused_at = w.stored_calls().await;
    assert!(paused_at > 0 && paused_at < CALLS as usize, "{paused_at}");

    // Webhook re-reads spend the first lane: a pushed call is still read.
    let pushed = w.sim.dataset().call_id(CALLS - 1).unwrap();
    w.store
        .enqueue_webhook_call(w.connection_id, &pushed.into(), start())
        .await
        .unwrap();
    let webhook = w
        .run(start() + Duration::minutes(5), Trigger::Webhook)
        .await;
    assert_ne!(webhook.status, JobStatus::Failed, "{webhook:?}");
    assert!(webhook.message.is_none(), "{webhook:?}");
    assert_eq!(
        w.records(webhook.id).await.len(),
        1,
        "the pushed call is handled while the backfill is paused"
    );

    // The next slot a day later: the budget has rolled over; the backfill goes on.
    let next = start() + Duration::hours(24) + Duration::minutes(30);
    let second = w.run(next, Trigger::Schedule).await;
    // Not paused (some of the simulator's calls fail on their own: unknown company).
    assert!(second.message.is_none(), "{second:?}");
    assert_ne!(second.status, JobStatus::Failed, "{second:?}");
    assert_eq!(w.stored_calls().await, CALLS as usize, "nothing missing");

    // Nothing twice: each call created at most once over all three jobs.
    let mut created: HashMap<GongCallId, u32> = HashMap::new();
    for job in [first.id, webhook.id, second.id] {
        for (call, status) in w.records(job).await {
            if status == RecordStatus::Created {
                *created.entry(call).or_default() += 1;
            }
        }
    }
    assert!(created.values().all(|n| *n == 1), "a call created twice");

    // No request over budget in any 24 hours, none refused by Gong.
    let counts = w
        .store
        .gong_requests_since(w.connection_id, start() - Duration::days(2))
        .await
        .unwrap();
    for at in [start(), start() + Duration::hours(12), next] {
        assert!(
            quota::used(&counts, at) <= u64::from(DAILY_BUDGET),
            "at {at}"
        );
    }
    let stats = w.sim.controls().stats();
    assert_eq!(stats.rate_limited, 0, "no 429");

    // Q4: what the ledger counted per endpoint is what the simulator served.
    let (per_endpoint, per_purpose) = w.counted().await;
    for (endpoint, requests) in &per_endpoint {
        assert_eq!(stats.per_path.get(endpoint), Some(requests), "{endpoint}");
    }
    let served: u64 = stats
        .per_path
        .iter()
        .filter(|(path, _)| path.contains("/v2/"))
        .map(|(_, n)| n)
        .sum();
    assert_eq!(
        served,
        per_endpoint.values().sum::<u64>(),
        "{:?}",
        stats.per_path
    );
    assert!(per_purpose[&Purpose::Webhook] >= 1, "{per_purpose:?}");
}
