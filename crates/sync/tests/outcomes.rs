//! S9 against a real SQLite file and the simulator on a random port: a sync reads
//! Gong's call outcomes once, at its start, counted as Gong settings, and every
//! activity's outcome carries its sentiment; syncs within the day and a
//! re-evaluation ask for none; a day later one request refreshes the list.

use chrono::{DateTime, Duration, TimeZone, Utc};
use gong_timeline_domain::quota::Purpose;
use gong_timeline_domain::Trigger;
use gong_timeline_gong_sim::{Limits, SimConfig};
use gong_timeline_store::ActivityFilter;
use support::World;

mod support;

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 4, 30, 0).unwrap()
}

async fn world() -> World {
    let config = SimConfig {
        calls: 60,
        days: 10,
        now: Some(start()),
        limits: Limits {
            enabled: false,
            ..Limits::default()
        },
        ..SimConfig::default()
    };
    support::world(config, start()).await
}

impl World {
    async fn job(&self, at: DateTime<Utc>, trigger: Trigger) {
        self.run_job_at(at, trigger).await;
    }

    /// Call-outcomes requests: as the simulator served them, and as the ledger
    /// counted them (all as Gong settings).
    async fn outcome_requests(&self) -> (u64, u64) {
        let served = self.sim.controls().stats().count("GET /v2/call-outcomes");
        let counts = self
            .store
            .gong_requests_since(self.connection_id, start() - Duration::days(2))
            .await
            .unwrap();
        let counted = counts
            .iter()
            .filter(|c| c.endpoint == "/v2/call-outcomes")
            .inspect(|c| assert_eq!(c.purpose, Purpose::Settings))
            .map(|c| c.requests)
            .sum();
        (served, counted)
    }
}

#[tokio::test]
async fn s9_one_call_outcomes_request_a_day_and_every_outcome_has_its_sentiment() {
    let w = world().await;

    w.job(start(), Trigger::Manual).await;
    assert_eq!(w.outcome_requests().await, (1, 1), "read at the first sync");
    let cached = w
        .store
        .get_call_outcomes(w.connection_id)
        .await
        .unwrap()
        .expect("cached");
    assert_eq!(cached.fetched_at, start());
    assert_eq!(cached.outcomes.len(), 5, "{cached:?}");
    let activities = w
        .store
        .list_activities(ActivityFilter {
            connection_id: Some(w.connection_id),
            limit: Some(1_000),
            ..ActivityFilter::default()
        })
        .await
        .unwrap();
    let outcomes: Vec<_> = activities
        .iter()
        .filter_map(|a| a.content.outcome.as_ref())
        .collect();
    assert!(!outcomes.is_empty());
    for o in outcomes {
        let sentiment = o.sentiment.unwrap_or_else(|| panic!("a sentiment: {o:?}"));
        // The simulator's outcomes have their sentiment as their category.
        assert_eq!(o.category.as_deref(), Some(sentiment.as_str()), "{o:?}");
    }

    // Within the day: a re-evaluation and the next slots ask for none.
    w.job(start() + Duration::hours(1), Trigger::Reevaluate)
        .await;
    w.job(start() + Duration::hours(4), Trigger::Schedule).await;
    w.job(start() + Duration::hours(23), Trigger::Manual).await;
    assert_eq!(w.outcome_requests().await, (1, 1), "none within the day");

    // A day after the read, the next sync reads it again.
    w.job(start() + Duration::hours(24), Trigger::Schedule)
        .await;
    assert_eq!(w.outcome_requests().await, (2, 2), "one a day");
}
