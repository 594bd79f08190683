//! `bench --webhooks --calls N`: Gong's webhooks as the fast path, measured. The
//! simulator (Gong's limits on: 3 requests/s) makes N new calls at a steady rate
//! (`--rate` per second) after a first sync, and posts each one's signed webhook to
//! the product's real receiver on loopback; the product's worker brings them to the
//! Timeline. With `--drop-rate`, that share of webhooks is never sent, and the next
//! slot's reconciliation must find the calls they would have brought. Prints one
//! JSON line. Performance targets live here, never in tests.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::Utc;
use gong_timeline_domain::Trigger;
use gong_timeline_gong_sim::{Controls, SimConfig, SimHandle};
use gong_timeline_store::{ConnectionId, MeetingQuery, MeetingSet, Store};
use gong_timeline_sync::webhooks::{self, AuthChoice, Freshness, WebhookChange, WebhookWorker};
use gong_timeline_sync::{progress, Engine, EngineOptions};
use gong_timeline_web::{AppState, WebConfig};
use serde::Serialize;

use super::seeding;
use crate::args::BenchArgs;

/// The `bench` JSON line (SPEC's keys; those this mode does not measure are null),
/// with the webhook figures.
#[derive(Serialize)]
struct WebhookBench {
    store: &'static str,
    calls: u64,
    seconds: f64,
    /// New calls brought to the Timeline per second of the run (the arrival rate
    /// bounds it).
    meetings_per_second: f64,
    peak_rss_bytes: u64,
    nochange_requests: Option<u64>,
    reevaluate_seconds: Option<f64>,
    reevaluate_requests: Option<u64>,
    reevaluate_meetings_per_second: Option<f64>,
    store_bytes_per_meeting: Option<f64>,
    rate_per_second: f64,
    drop_rate: f64,
    webhook_p50_seconds: f64,
    webhook_p95_seconds: f64,
    /// Gong "Test" pings sent every half second during the run, timed by the sender
    /// (signing included): how fast the receiver answers under load.
    receive_p50_ms: f64,
    receive_p95_ms: f64,
    gong_requests: u64,
    requests_per_call: f64,
    webhooks_sent: u64,
    webhooks_dropped: u64,
    webhook_jobs: u64,
    missing_after_webhooks: u64,
    reconcile_requests: u64,
    missing_after_reconciliation: u64,
}

/// Calls Gong holds before the new ones start to appear (one backfill page's worth).
const INITIAL_CALLS: u64 = 100;

/// Runs the webhook benchmark on a fresh SQLite file.
pub async fn run(args: &BenchArgs) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let store: Arc<dyn Store> = Arc::new(gong_timeline_store_sql::SqliteStore::open(&url).await?);
    let result = measure(&store, args, dir.path()).await?;
    println!("{}", serde_json::to_string(&result)?);
    Ok(())
}

async fn measure(
    store: &Arc<dyn Store>,
    args: &BenchArgs,
    dir: &std::path::Path,
) -> anyhow::Result<WebhookBench> {
    let config = SimConfig {
        seed: args.seed,
        calls: INITIAL_CALLS,
        new_calls_max: Some(args.calls),
        ..SimConfig::default()
    };
    let sim = seeding::start_and_import(store, config.clone(), dir).await?;
    let connection = seeding::connect(store, "bench-webhooks", &sim, &config).await?;
    // Gong's limits on, as the product meets them.
    let engine = Engine::new(store.clone(), EngineOptions::default());
    engine
        .run_job(connection.id, Trigger::Manual, &progress::ignore)
        .await?;

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let public_url = format!("http://{}", listener.local_addr()?);
    let change = WebhookChange {
        auth: Some(AuthChoice::SignedJwt(sim.webhook_public_key_pem())),
        rotate: false,
    };
    let webhook = webhooks::configure(store, connection.id, change, Utc::now()).await?;
    let state = AppState::new(
        store.clone(),
        engine.clone(),
        WebConfig::new(public_url.clone(), dir.join("exports")),
    );
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let until_stopped = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|s| *s).await;
    };
    let worker = WebhookWorker::new(engine.clone(), state.webhook_waker(), Default::default());
    let worker = tokio::spawn(worker.run(until_stopped(stopped.clone())));
    let web = tokio::spawn(gong_timeline_web::serve(
        listener,
        state,
        until_stopped(stopped.clone()),
    ));

    let controls = sim.controls();
    controls.set_webhook_drop_rate(args.drop_rate);
    controls.reset_stats();
    let since = Utc::now();
    let started = Instant::now();
    controls.set_webhook_url(Some(&webhooks::webhook_url(&public_url, &webhook.key)));
    controls.set_new_calls_per_minute(args.rate * 60.0);
    let (pinging, stop_pings) = tokio::sync::watch::channel(false);
    let pings = tokio::spawn(ping_latencies(sim.controls().clone(), stop_pings));
    wait_for_drain(store, &sim, connection.id, args.calls).await?;
    let _ = pinging.send(true);
    let mut receive_ms = pings.await?;
    receive_ms.sort_by(f64::total_cmp);
    let seconds = started.elapsed().as_secs_f64();
    let stats = controls.stats();
    let gong_requests = stats.api_requests;
    let delays = store.webhook_delays(Some(connection.id), since).await?;
    let freshness = Freshness::of(&delays);
    let new_ids = new_call_ids(&sim);
    let missing_after_webhooks = missing(store, connection.id, &new_ids, since).await?;
    let webhook_jobs = store
        .list_jobs(Default::default())
        .await?
        .iter()
        .filter(|j| j.trigger == Trigger::Webhook)
        .count() as u64;

    // The next slot: the reconciliation a webhook missed calls wait for (W3).
    controls.reset_stats();
    engine
        .run_job(connection.id, Trigger::Schedule, &progress::ignore)
        .await?;
    let reconcile_requests = controls.stats().api_requests;
    let missing_after_reconciliation = missing(store, connection.id, &new_ids, since).await?;
    let _ = stop.send(true);
    let _ = tokio::join!(worker, web);
    sim.shutdown().await;
    Ok(WebhookBench {
        store: "sqlite",
        calls: args.calls,
        seconds,
        meetings_per_second: args.calls as f64 / seconds.max(f64::EPSILON),
        peak_rss_bytes: super::rss::peak_bytes(),
        nochange_requests: None,
        reevaluate_seconds: None,
        reevaluate_requests: None,
        reevaluate_meetings_per_second: None,
        store_bytes_per_meeting: None,
        rate_per_second: args.rate,
        drop_rate: args.drop_rate,
        webhook_p50_seconds: freshness.map_or(0.0, |f| f.p50_seconds),
        webhook_p95_seconds: freshness.map_or(0.0, |f| f.p95_seconds),
        receive_p50_ms: percentile(&receive_ms, 0.50),
        receive_p95_ms: percentile(&receive_ms, 0.95),
        gong_requests,
        requests_per_call: gong_requests as f64 / args.calls.max(1) as f64,
        webhooks_sent: stats.webhooks_sent,
        webhooks_dropped: stats.webhooks_dropped,
        webhook_jobs,
        missing_after_webhooks,
        reconcile_requests,
        missing_after_reconciliation,
    })
}

/// Waits until the simulator made every new call, sent or dropped its webhook, and
/// the product's queue is empty; bounded by twice the arrival time plus ten minutes.
async fn wait_for_drain(
    store: &Arc<dyn Store>,
    sim: &SimHandle,
    connection: ConnectionId,
    calls: u64,
) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(600 + calls / 5);
    loop {
        let stats = sim.controls().stats();
        let delivered = stats.webhooks_sent + stats.webhooks_dropped + stats.webhooks_failed;
        let queued = store
            .webhook_backlogs()
            .await?
            .iter()
            .any(|b| b.connection_id == connection);
        if stats.new_calls >= calls && delivered >= calls && !queued {
            return Ok(());
        }
        anyhow::ensure!(
            Instant::now() < deadline,
            "the webhooks did not drain in time: {} calls made, {delivered} webhooks delivered or dropped, queue empty: {}",
            stats.new_calls,
            !queued
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Sends Gong's "Test" ping every half second until told to stop; the round trips
/// in milliseconds.
async fn ping_latencies(
    controls: Controls,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> Vec<f64> {
    let mut millis = Vec::new();
    while !*stop.borrow() {
        let sent = Instant::now();
        if matches!(controls.send_test_webhook().await, Ok(200)) {
            millis.push(sent.elapsed().as_secs_f64() * 1000.0);
        }
        tokio::select! {
            _ = stop.changed() => {}
            _ = tokio::time::sleep(Duration::from_millis(500)) => {}
        }
    }
    millis
}

/// The nearest-rank percentile of sorted values; 0 without any.
fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn new_call_ids(sim: &SimHandle) -> Vec<String> {
    let data = sim.dataset();
    (data.initial_count()..data.call_count())
        .filter_map(|i| data.call_id(i))
        .collect()
}

/// New calls the product knows nothing of: not among its stored meetings.
async fn missing(
    store: &Arc<dyn Store>,
    connection: ConnectionId,
    new_ids: &[String],
    since: chrono::DateTime<Utc>,
) -> anyhow::Result<u64> {
    let mut known = HashSet::new();
    let mut after = None;
    loop {
        let page = store
            .list_stored_meetings(
                connection,
                MeetingQuery {
                    since: since - chrono::Duration::days(1),
                    until: None,
                    which: MeetingSet::All,
                    after: after.clone(),
                    limit: 1000,
                },
            )
            .await
            .context("reading the stored meetings")?;
        let Some(last) = page.last() else { break };
        after = Some(last.key());
        known.extend(page.into_iter().map(|m| m.meeting.gong_call_id));
    }
    Ok(new_ids
        .iter()
        .filter(|id| !known.contains(id.as_str()))
        .count() as u64)
}
