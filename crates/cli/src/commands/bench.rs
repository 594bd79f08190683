//! `bench --calls N [--db URL]`: one full sync against the simulator on loopback with
//! limits off, into a fresh SQLite file — or, with `--db postgres://…`, into a fresh
//! schema of that database, dropped at the end; then a second sync that changes
//! nothing (`nochange_requests`), and a re-evaluation after a filter mistake on a
//! second connection (`reevaluate_seconds`, `reevaluate_requests`); prints one JSON
//! line naming the store.
//! Performance targets live here, never in tests.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use gong_timeline_domain::Trigger;
use gong_timeline_gong::ClientConfig;
use gong_timeline_gong_sim::{Limits, SimConfig};
use gong_timeline_store::crypto::SecretKey;
use gong_timeline_store::Store;
use gong_timeline_store_sql::SqliteStore;
use gong_timeline_store_sql::{is_postgres_url, PgOptions, PgStore};
use gong_timeline_sync::progress::{self, Progress};
use gong_timeline_sync::quota::estimate_resync;
use gong_timeline_sync::{Engine, EngineOptions};
use serde::Serialize;

use super::{rss, seeding};
use crate::args::BenchArgs;

#[derive(Serialize)]
struct BenchResult {
    store: &'static str,
    calls: u64,
    /// Whether Gong was asked for the calls' AI content (not with `--without-content`).
    content: bool,
    seconds: f64,
    meetings_per_second: f64,
    /// The whole run's peak resident set, the simulators' included (one at a time).
    peak_rss_bytes: u64,
    /// The peak during the full sync alone, and during the re-evaluation alone (each
    /// from the resident set at its start: what the run held before, plus what the
    /// job added).
    sync_peak_rss_bytes: u64,
    reevaluate_peak_rss_bytes: u64,
    /// What starting one simulator of `calls` calls added to the resident set: the
    /// part of every figure above that a deployment, talking to Gong, does not have.
    simulator_rss_bytes: u64,
    gong_requests: u64,
    /// Whether the full sync fetched transcripts too (`--transcripts`).
    transcripts: bool,
    /// Of `gong_requests`, `POST /v2/calls/transcript` (one per 100 activities).
    transcript_requests: u64,
    /// The transcripts' compressed bodies per 1,000 calls of the full sync (the
    /// search index comes on top); 0 without `--transcripts`.
    transcript_bytes_per_1000_calls: f64,
    /// Q3's estimate of the full sync's requests, made before it from Gong's count
    /// of the window's calls (one request, not in `gong_requests`).
    estimated_requests: u64,
    nochange_requests: u64,
    reevaluate_seconds: f64,
    reevaluate_requests: u64,
    /// The connection's stored meetings (all of them: the re-evaluation's scope, those
    /// on the Timeline included), per second of the job.
    reevaluate_meetings_per_second: f64,
    /// Stored meetings it read and ran through the rules (those not on the Timeline).
    reevaluated_meetings: u64,
    /// Created by the filtered sync before the re-evaluation; with
    /// `reevaluated_created` it makes `created` when the mistake is fully repaired.
    filtered_created: u64,
    reevaluated_created: u64,
    /// On-disk bytes per stored meeting (SQLite's `dbstat`); null on PostgreSQL.
    store_bytes_per_meeting: Option<f64>,
    created: u64,
    skipped: u64,
    failed: u64,
}

/// Filters that pass about half the generated companies (two regions of four).
const HALF_FILTER: &str = "Company.region in (EMEA, NA)";

/// A bench store, its kind, the PostgreSQL schema to drop, and the SQLite store
/// (whose stored-meeting footprint `dbstat` can measure).
type FreshStore = (
    Arc<dyn Store>,
    &'static str,
    Option<String>,
    Option<Arc<SqliteStore>>,
);

/// A fresh store for one run: a schema of the PostgreSQL database at `db` (to drop
/// afterwards), else a SQLite file in `dir`.
async fn fresh_store(db: &str, dir: &std::path::Path) -> anyhow::Result<FreshStore> {
    if is_postgres_url(db) {
        let schema = format!("bench_{}", uuid::Uuid::new_v4().simple());
        let options = PgOptions {
            secret_key: Some(SecretKey::generate()),
            schema: Some(schema.clone()),
            ..PgOptions::default()
        };
        let store = PgStore::open_with(db, options)
            .await
            .map_err(|e| anyhow::anyhow!("{}", super::redact(&e.to_string(), db)))?;
        return Ok((Arc::new(store), "postgres", Some(schema), None));
    }
    let file = format!("sqlite://{}", dir.join("bench.db").display());
    let sqlite = Arc::new(SqliteStore::open(&file).await?);
    Ok((sqlite.clone(), "sqlite", None, Some(sqlite)))
}

/// Runs the benchmark.
pub async fn run(db: &str, args: BenchArgs) -> anyhow::Result<()> {
    if args.replicas > 1 {
        return super::bench_replicas::run(db, &args).await;
    }
    let dir = tempfile::tempdir()?;
    let (store, kind, schema, sqlite) = fresh_store(db, dir.path()).await?;
    let result = measure(&store, kind, sqlite.as_deref(), &args, dir.path()).await;
    drop(store);
    if let Some(schema) = schema {
        PgStore::drop_schema(db, &schema).await?;
    }
    println!("{}", serde_json::to_string(&result?)?);
    Ok(())
}

async fn measure(
    store: &Arc<dyn Store>,
    kind: &'static str,
    sqlite: Option<&SqliteStore>,
    args: &BenchArgs,
    dir: &std::path::Path,
) -> anyhow::Result<BenchResult> {
    let store = store.clone();
    let config = SimConfig {
        seed: args.seed,
        calls: args.calls,
        limits: Limits::off(),
        ..SimConfig::default()
    };
    let before_simulator = rss::current_bytes();
    let sim = seeding::start(config.clone()).await?;
    let simulator_rss_bytes = rss::current_bytes().saturating_sub(before_simulator);
    seeding::import_timeline(&store, &sim, dir).await?;
    let connection = seeding::connect(&store, "bench", &sim, &config).await?;
    let mut settings = store.get_settings(connection.id).await?;
    settings.backfill_days = config.days + 2;
    settings.transcripts = args.transcripts;
    store.put_settings(connection.id, &settings).await?;
    let options = EngineOptions {
        gong: ClientConfig::default().without_limits(),
        content: !args.without_content,
        ..EngineOptions::default()
    };
    let now = chrono::Utc::now();
    let backfill_from = gong_timeline_sync::windows::backfill_start(now, settings.backfill_days);
    let estimate = estimate_resync(&store, &connection, &options.gong, backfill_from, now).await?;
    sim.controls().reset_stats();

    let engine = Engine::new(store.clone(), options);
    let mut peaks = rss::Phases::default();
    peaks.end_phase(); // the set-up
    let started = Instant::now();
    let summary = engine
        .run_job(connection.id, Trigger::Manual, &progress::ignore)
        .await?;
    let seconds = started.elapsed().as_secs_f64();
    let sync_peak_rss_bytes = peaks.end_phase();
    let stats = sim.controls().stats();
    let (gong_requests, transcript_requests) =
        (stats.api_requests, stats.count("POST /v2/calls/transcript"));
    let transcript_bytes = store
        .transcript_stats(Some(connection.id))
        .await?
        .body_bytes;

    // A second sync right after the first: what a sync that changes nothing costs.
    sim.controls().reset_stats();
    engine
        .run_job(connection.id, Trigger::Manual, &progress::ignore)
        .await?;
    let nochange_requests = sim.controls().stats().api_requests;
    // Done with the first account's simulator: only one is resident at a time.
    sim.shutdown().await;

    // The filter mistake: a connection synced with filters that skip about half the
    // meetings, then cleared; the re-evaluation runs from the stored meetings.
    // Its own Gong account (S10: a second connection to the first one's would share
    // its activities), of the same users and companies.
    let other_config = SimConfig {
        account: 1,
        ..config.clone()
    };
    let other = seeding::start(other_config.clone()).await?;
    let second = seeding::connect(&store, "bench-reevaluate", &other, &other_config).await?;
    // The re-evaluation is measured without transcripts (it asks Gong nothing).
    settings.transcripts = false;
    let mut filtered = settings.clone();
    filtered.filters = vec![HALF_FILTER.to_string()];
    store.put_settings(second.id, &filtered).await?;
    let filtered = engine
        .run_job(second.id, Trigger::Manual, &progress::ignore)
        .await?
        .counts;
    store.put_settings(second.id, &settings).await?;
    let stored = store
        .count_stored_meetings(second.id, chrono::DateTime::UNIX_EPOCH, chrono::Utc::now())
        .await?;
    other.controls().reset_stats();
    let evaluated = Arc::new(AtomicU64::new(0));
    let evaluated_seen = evaluated.clone();
    let count_evaluated = move |p: Progress| {
        if let Progress::Evaluated { done } = p {
            evaluated_seen.store(done, Ordering::Relaxed);
        }
    };
    peaks.end_phase(); // the no-change and the filtered syncs
    let started = Instant::now();
    let reevaluated = engine
        .run_job(second.id, Trigger::Reevaluate, &count_evaluated)
        .await?;
    let reevaluate_seconds = started.elapsed().as_secs_f64();
    let reevaluate_peak_rss_bytes = peaks.end_phase();
    let reevaluate_requests = other.controls().stats().api_requests;
    other.shutdown().await;
    let footprint = match sqlite {
        Some(sqlite) => Some(sqlite.stored_meetings_footprint().await?),
        None => None,
    };

    let result = BenchResult {
        store: kind,
        calls: args.calls,
        content: !args.without_content,
        seconds,
        meetings_per_second: summary.counts.fetched as f64 / seconds,
        peak_rss_bytes: peaks.run_peak(),
        sync_peak_rss_bytes,
        reevaluate_peak_rss_bytes,
        simulator_rss_bytes,
        gong_requests,
        transcripts: args.transcripts,
        transcript_requests,
        transcript_bytes_per_1000_calls: transcript_bytes as f64 * 1000.0
            / summary.counts.fetched.max(1) as f64,
        estimated_requests: estimate.requests,
        nochange_requests,
        reevaluate_seconds,
        reevaluate_requests,
        reevaluate_meetings_per_second: stored as f64 / reevaluate_seconds,
        reevaluated_meetings: evaluated.load(Ordering::Relaxed),
        filtered_created: filtered.created,
        reevaluated_created: reevaluated.counts.created,
        store_bytes_per_meeting: footprint
            .map(|(stored, bytes)| bytes as f64 / stored.max(1) as f64),
        created: summary.counts.created,
        skipped: summary.counts.skipped,
        failed: summary.counts.failed,
    };
    Ok(result)
}
