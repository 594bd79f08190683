//! `bench --calls N [--db URL]`: one full sync against the simulator on loopback with
//! limits off, into a fresh SQLite file — or, with `--db postgres://…`, into a fresh
//! schema of that database, dropped at the end; prints one JSON line naming the store.
//! Performance targets live here, never in tests.

use std::sync::Arc;
use std::time::Instant;

use gong_timeline_domain::Trigger;
use gong_timeline_gong::ClientConfig;
use gong_timeline_gong_sim::{Limits, SimConfig};
use gong_timeline_store::crypto::SecretKey;
use gong_timeline_store::Store;
use gong_timeline_store_postgres::{is_postgres_url, PgOptions, PgStore};
use gong_timeline_store_sqlite::SqliteStore;
use gong_timeline_sync::{progress, Engine, EngineOptions};
use serde::Serialize;

use super::seeding;
use crate::args::BenchArgs;

#[derive(Serialize)]
struct BenchResult {
    store: &'static str,
    calls: u64,
    seconds: f64,
    meetings_per_second: f64,
    peak_rss_bytes: u64,
    gong_requests: u64,
    created: u64,
    skipped: u64,
    failed: u64,
}

/// A fresh store for one run: a schema of the PostgreSQL database at `db` (to drop
/// afterwards), else a SQLite file in `dir`.
async fn fresh_store(
    db: &str,
    dir: &std::path::Path,
) -> anyhow::Result<(Arc<dyn Store>, &'static str, Option<String>)> {
    if is_postgres_url(db) {
        let schema = format!("bench_{}", uuid::Uuid::new_v4().simple());
        let options = PgOptions {
            secret_key: Some(SecretKey::generate()),
            schema: Some(schema.clone()),
            ..PgOptions::default()
        };
        let store = PgStore::open_with(db, options).await?;
        return Ok((Arc::new(store), "postgres", Some(schema)));
    }
    let file = format!("sqlite://{}", dir.join("bench.db").display());
    Ok((Arc::new(SqliteStore::open(&file).await?), "sqlite", None))
}

/// Runs the benchmark.
pub async fn run(db: &str, args: BenchArgs) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let (store, kind, schema) = fresh_store(db, dir.path()).await?;
    let result = measure(&store, kind, &args, dir.path()).await;
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
    let sim = seeding::start_and_import(&store, config.clone(), dir).await?;
    let connection = seeding::connect(&store, "bench", &sim, &config).await?;
    let mut settings = store.get_settings(connection.id).await?;
    settings.backfill_days = config.days + 2;
    store.put_settings(connection.id, &settings).await?;
    sim.controls().reset_stats();

    let options = EngineOptions {
        gong: ClientConfig::default().without_limits(),
        ..EngineOptions::default()
    };
    let engine = Engine::new(store.clone(), options);
    let started = Instant::now();
    let summary = engine
        .run_job(connection.id, Trigger::Manual, &progress::ignore)
        .await?;
    let seconds = started.elapsed().as_secs_f64();
    let result = BenchResult {
        store: kind,
        calls: args.calls,
        seconds,
        meetings_per_second: summary.counts.fetched as f64 / seconds,
        peak_rss_bytes: peak_rss_bytes(),
        gong_requests: sim.controls().stats().api_requests,
        created: summary.counts.created,
        skipped: summary.counts.skipped,
        failed: summary.counts.failed,
    };
    sim.shutdown().await;
    Ok(result)
}

/// The process's peak resident set (VmHWM), 0 where /proc is not available.
fn peak_rss_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(str::to_string)
        })
        .and_then(|l| {
            l.split_whitespace()
                .nth(1)
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb * 1024)
}
