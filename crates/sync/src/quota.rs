//! The quota governor (Q1, Q2, Q4): a [`Ledger`] per connection counts every request
//! a Gong client sends, by purpose and endpoint, in the store, and admits a request
//! only while the last 24 hours' usage is under its lane's ceiling
//! ([`gong_timeline_domain::quota`] decides; this module keeps the counts).
//!
//! Counting in the store makes the budget one for every replica and survive a
//! restart. Each request is admitted from memory and the counts reach the store in
//! batches (every [`FLUSH_EVERY`], and when the work ends), so the write path of a
//! job is not held up by a write per request; a replica sees another's requests
//! within that delay, which the lanes' ceilings (a lower lane stops at 70–95 % of the
//! budget) leave room for.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use gong_timeline_domain::quota::{
    self, bucket_of, may_spend, window_start, DailyUsage, Estimate, Lane, Purpose, QuotaSettings,
    RequestCount,
};
use gong_timeline_gong::{ClientConfig, GateClosed, GongClient, RequestGate};
use gong_timeline_store::{Connection, ConnectionId, Store, StoreError};
use serde::Serialize;

use crate::clock::Clock;
use crate::SyncError;

/// How often a ledger writes its counts and reads the other replicas' again.
pub const FLUSH_EVERY: Duration = Duration::from_secs(2);

/// Requests counted but not yet in the store, by bucket, purpose and endpoint.
type Pending = BTreeMap<(DateTime<Utc>, Purpose, &'static str), u64>;

/// One connection's budget and counts.
pub struct Ledger {
    store: Arc<dyn Store>,
    connection_id: ConnectionId,
    clock: Clock,
    state: tokio::sync::Mutex<State>,
}

struct State {
    /// The budget as last read (an admin's change applies within [`FLUSH_EVERY`]).
    budget: QuotaSettings,
    /// The store's counts of the rolling window, as last read.
    stored: Vec<RequestCount>,
    pending: Pending,
    synced: Option<Instant>,
}

impl State {
    /// The stored counts and the pending ones together.
    fn counts(&self) -> Vec<RequestCount> {
        let mut all = self.stored.clone();
        all.extend(pending_counts(&self.pending));
        all
    }
}

fn pending_counts(pending: &Pending) -> Vec<RequestCount> {
    pending
        .iter()
        .map(|((bucket, purpose, endpoint), requests)| RequestCount {
            bucket: *bucket,
            purpose: *purpose,
            endpoint: (*endpoint).to_owned(),
            requests: *requests,
        })
        .collect()
}

impl Ledger {
    /// The ledger of `connection_id`, with its budget as stored.
    pub async fn open(
        store: Arc<dyn Store>,
        connection_id: ConnectionId,
        clock: Clock,
    ) -> Result<Arc<Ledger>, StoreError> {
        let budget = store.get_quota(connection_id).await?;
        Ok(Arc::new(Ledger {
            store,
            connection_id,
            clock,
            state: tokio::sync::Mutex::new(State {
                budget,
                stored: Vec::new(),
                pending: Pending::new(),
                synced: None,
            }),
        }))
    }

    /// A gate counting requests as `purpose`'s.
    pub fn gate(self: &Arc<Self>, purpose: Purpose) -> Arc<dyn RequestGate> {
        Arc::new(PurposeGate {
            ledger: self.clone(),
            purpose,
        })
    }

    /// `client`, its requests counted as `purpose`'s.
    pub fn client(self: &Arc<Self>, client: &GongClient, purpose: Purpose) -> GongClient {
        client.gated(self.gate(purpose))
    }

    /// Writes the counts not yet in the store. Call it when the work ends.
    pub async fn flush(&self) -> Result<(), StoreError> {
        let mut state = self.state.lock().await;
        self.sync(&mut state).await
    }

    /// Admits one request of `purpose` to `endpoint`, or says when its lane may go on.
    async fn admit(&self, purpose: Purpose, endpoint: &'static str) -> Result<(), GateClosed> {
        let mut state = self.state.lock().await;
        if state.synced.is_none_or(|at| at.elapsed() >= FLUSH_EVERY) {
            if let Err(error) = self.sync(&mut state).await {
                // The counts stay pending and go with the next flush; the budget is
                // still kept from what this ledger knows.
                tracing::warn!(%error, "Could not write Gong request counts; trying again shortly.");
            }
        }
        let now = (self.clock)();
        let counts = state.counts();
        let lane = purpose.lane();
        let budget = state.budget;
        if may_spend(lane, quota::used(&counts, now), &budget) {
            *state
                .pending
                .entry((bucket_of(now), purpose, endpoint))
                .or_default() += 1;
            return Ok(());
        }
        let frees = quota::frees_at(&counts, lane, &budget, now);
        let resumes_at = quota::resumes_at(frees);
        tracing::info!(%purpose, %resumes_at, "Gong quota for this lane is spent; pausing.");
        Err(GateClosed { resumes_at })
    }

    /// Writes the pending counts, then reads the window's counts (other replicas'
    /// included) and the budget again.
    async fn sync(&self, state: &mut State) -> Result<(), StoreError> {
        let now = (self.clock)();
        if !state.pending.is_empty() {
            self.store
                .add_gong_requests(self.connection_id, &pending_counts(&state.pending))
                .await?;
            state.pending.clear();
        }
        state.stored = self
            .store
            .gong_requests_since(self.connection_id, window_start(now))
            .await?;
        state.budget = self.store.get_quota(self.connection_id).await?;
        state.synced = Some(Instant::now());
        Ok(())
    }
}

/// The client of `connection` for work outside a job (media, erasure), its requests
/// counted and admitted as `purpose`'s, with its ledger: flush it when done.
pub async fn counted_client(
    store: &Arc<dyn Store>,
    connection: &Connection,
    template: &ClientConfig,
    purpose: Purpose,
) -> Result<(GongClient, Arc<Ledger>), SyncError> {
    let client = crate::connect::client_for(store, connection, template).await?;
    let ledger = Ledger::open(store.clone(), connection.id, Arc::new(Utc::now)).await?;
    Ok((ledger.client(&client, purpose), ledger))
}

/// A connection's usage as the CLI, the API and the UI show it (Q4).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UsageReport {
    /// The connection's name.
    pub connection: String,
    /// Its budget: requests in any 24 hours.
    pub daily_budget: u32,
    /// Its rate: requests per second at most.
    pub requests_per_second: f64,
    /// The budget as a share of Gong's 10,000 a day, in percent.
    pub share_percent: f64,
    /// Requests in the last 24 hours.
    pub used_24h: u64,
    /// What is left of the budget now.
    pub left: u64,
    /// Each lane: its ceiling, and whether it is paused now and until when.
    pub lanes: Vec<LaneState>,
    /// Requests per UTC day, purpose and endpoint, newest day first (the columns of
    /// Gong's own API usage report: day, endpoint, requests).
    pub days: Vec<DailyUsage>,
}

/// One lane of a [`UsageReport`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LaneState {
    /// The lane.
    pub lane: Lane,
    /// What its requests are for.
    pub purposes: Vec<Purpose>,
    /// The usage under which it may spend.
    pub ceiling: u64,
    /// When it goes on, if it is paused now.
    pub paused_until: Option<DateTime<Utc>>,
}

/// The usage of `connection` over the last `days` UTC days (today included) at `now`.
pub async fn usage(
    store: &dyn Store,
    connection: &Connection,
    days: u32,
    now: DateTime<Utc>,
) -> Result<UsageReport, StoreError> {
    let budget = store.get_quota(connection.id).await?;
    let first_day = (now - chrono::Duration::days(i64::from(days.max(1)) - 1))
        .date_naive()
        .and_time(chrono::NaiveTime::MIN)
        .and_utc();
    let since = first_day.min(window_start(now));
    let counts = store.gong_requests_since(connection.id, since).await?;
    let used = quota::used(&counts, now);
    let lanes = Lane::ALL
        .into_iter()
        .map(|lane| LaneState {
            lane,
            purposes: Purpose::ALL
                .into_iter()
                .filter(|p| p.lane() == lane)
                .collect(),
            ceiling: lane.ceiling(budget.daily_budget),
            paused_until: (!may_spend(lane, used, &budget))
                .then(|| quota::resumes_at(quota::frees_at(&counts, lane, &budget, now))),
        })
        .collect();
    let in_days: Vec<RequestCount> = counts
        .into_iter()
        .filter(|c| c.bucket >= first_day)
        .collect();
    Ok(UsageReport {
        connection: connection.name.clone(),
        daily_budget: budget.daily_budget,
        requests_per_second: budget.per_second,
        share_percent: budget.share_percent(),
        used_24h: used,
        left: u64::from(budget.daily_budget).saturating_sub(used),
        lanes,
        days: quota::daily(&in_days),
    })
}

/// What re-reading Gong from `from` (bounded by the backfill, as the re-sync is)
/// would cost (Q3), from Gong's own count of the window's calls: one request (counted as set-up, so a spent history lane still
/// lets an admin see the estimate).
pub async fn estimate_resync(
    store: &Arc<dyn Store>,
    connection: &Connection,
    template: &ClientConfig,
    from: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Estimate, SyncError> {
    let settings = store.get_settings(connection.id).await?;
    let backfill_from = crate::windows::backfill_start(now, settings.backfill_days);
    // The window the re-sync itself would read: never past the backfill.
    let window = crate::windows::resync_window(now, from, backfill_from);
    let (client, ledger) = counted_client(store, connection, template, Purpose::Setup).await?;
    let first = client
        .calls_extensive_lenient_first(
            window.calls_filter(),
            gong_timeline_gong::ContentSelector::for_timeline(),
        )
        .await;
    ledger.flush().await?;
    let calls = first?
        .map(|page| {
            page.records
                .total_records
                .and_then(|t| u64::try_from(t).ok())
                .unwrap_or(page.items.len() as u64)
        })
        .unwrap_or(0);
    let counts = store
        .gong_requests_since(connection.id, window_start(now))
        .await?;
    let budget = store.get_quota(connection.id).await?;
    Ok(quota::estimate(
        calls,
        Purpose::Resync.lane(),
        quota::used(&counts, now),
        &budget,
        now,
    ))
}

struct PurposeGate {
    ledger: Arc<Ledger>,
    purpose: Purpose,
}

impl RequestGate for PurposeGate {
    fn admit<'a>(&'a self, endpoint: &'static str) -> BoxFuture<'a, Result<(), GateClosed>> {
        Box::pin(self.ledger.admit(self.purpose, endpoint))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gong_timeline_store_sql::SqliteStore;

    async fn ledger(daily: u32) -> (Arc<Ledger>, Arc<dyn Store>, tempfile::TempDir) {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("q.db").display());
        let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&url).await.expect("open"));
        let conn =
            gong_timeline_store::conformance::fixtures::connection(store.as_ref(), "A").await;
        let budget = QuotaSettings::new(u64::from(daily), 3.0).expect("valid");
        store.set_quota(conn.id, &budget).await.expect("save");
        let now: DateTime<Utc> = "2026-12-07T09:30:00Z".parse().expect("literal");
        let ledger = Ledger::open(store.clone(), conn.id, Arc::new(move || now))
            .await
            .expect("ledger");
        (ledger, store, dir)
    }

    #[tokio::test]
    async fn q2_a_lane_pauses_at_its_ceiling_while_higher_lanes_go_on() {
        let (ledger, store, _dir) = ledger(20).await;
        // History stops at 70 % of 20.
        for _ in 0..Lane::History.ceiling(20) {
            ledger
                .admit(Purpose::Backfill, "/v2/calls/extensive")
                .await
                .expect("room");
        }
        let closed = ledger
            .admit(Purpose::Backfill, "/v2/calls/extensive")
            .await
            .expect_err("history is spent");
        // Freed a day after the 09:30 bucket, at the next slot: 12:00 tomorrow.
        assert_eq!(
            closed.resumes_at,
            "2026-12-08T12:00:00Z".parse::<DateTime<Utc>>().unwrap()
        );
        for _ in 14..20 {
            ledger
                .admit(Purpose::Webhook, "/v2/calls/extensive")
                .await
                .expect("first lane");
        }
        assert!(
            ledger.admit(Purpose::Users, "/v2/users").await.is_err(),
            "all 20 spent"
        );
        ledger.flush().await.expect("flush");
        let stored = store
            .gong_requests_since(ConnectionId::new(1), window_start(ledger.clock_now()))
            .await
            .expect("read");
        let by: Vec<(Purpose, u64)> = stored.iter().map(|c| (c.purpose, c.requests)).collect();
        assert_eq!(by, [(Purpose::Backfill, 14), (Purpose::Webhook, 6)]);
    }

    #[tokio::test]
    async fn q1_a_second_ledger_of_the_connection_sees_what_the_first_spent() {
        let (first, store, _dir) = ledger(10).await;
        for _ in 0..7 {
            first
                .admit(Purpose::Backfill, "/v2/calls/extensive")
                .await
                .expect("room");
        }
        first.flush().await.expect("flush");
        let second = Ledger::open(store, ConnectionId::new(1), first.clock.clone())
            .await
            .expect("ledger");
        assert!(second
            .admit(Purpose::Resync, "/v2/calls/extensive")
            .await
            .is_err());
        assert!(second
            .admit(Purpose::Reconciliation, "/v2/calls/extensive")
            .await
            .is_ok());
    }

    impl Ledger {
        fn clock_now(&self) -> DateTime<Utc> {
            (self.clock)()
        }
    }
}
