//! `bench --replicas R --connections C --calls N`: R replicas — engines in this
//! process, each with its own database pool and lease owner, as R `serve` processes
//! would be — share one fresh database (a SQLite file, or a schema of `--db
//! postgres://…` dropped at the end) and split C connections of N calls each (one
//! simulator, limits off) at one schedule slot, claiming each connection's slot in
//! the database. Prints one JSON line: total meetings/s and the jobs each replica ran.

use std::sync::Arc;
use std::time::Instant;

use chrono::Utc;
use gong_timeline_gong::ClientConfig;
use gong_timeline_gong_sim::{Limits, SimConfig};
use gong_timeline_store::crypto::SecretKey;
use gong_timeline_store::Store;
use gong_timeline_store_sql::{is_postgres_url, PgOptions, PgStore};
use gong_timeline_store_sql::{SqliteOptions, SqliteStore};
use gong_timeline_sync::scheduler::Scheduler;
use gong_timeline_sync::{Engine, EngineOptions};
use serde::Serialize;

use super::seeding;
use crate::args::BenchArgs;

#[derive(Serialize)]
struct ReplicaBench {
    store: &'static str,
    replicas: u64,
    connections: u64,
    calls_per_connection: u64,
    seconds: f64,
    meetings_per_second: f64,
    /// Jobs each replica ran, in replica order.
    jobs_per_replica: Vec<usize>,
    /// Meetings each replica's jobs fetched.
    meetings_per_replica: Vec<u64>,
}

/// Where the replicas' stores open: one SQLite file, or one PostgreSQL schema.
struct Target {
    db: String,
    file: String,
    key: SecretKey,
    schema: Option<String>,
}

impl Target {
    fn new(db: &str, dir: &std::path::Path) -> Target {
        Target {
            db: db.to_string(),
            file: format!("sqlite://{}", dir.join("bench.db").display()),
            key: SecretKey::generate(),
            schema: is_postgres_url(db).then(|| format!("bench_{}", uuid::Uuid::new_v4().simple())),
        }
    }

    fn kind(&self) -> &'static str {
        if self.schema.is_some() {
            "postgres"
        } else {
            "sqlite"
        }
    }

    /// One replica's store (its own pool).
    async fn open(&self) -> anyhow::Result<Arc<dyn Store>> {
        let key = Some(self.key.clone());
        Ok(match &self.schema {
            Some(schema) => {
                let options = PgOptions {
                    secret_key: key,
                    schema: Some(schema.clone()),
                    ..PgOptions::default()
                };
                Arc::new(PgStore::open_with(&self.db, options).await?)
            }
            None => {
                let options = SqliteOptions {
                    secret_key: key,
                    ..SqliteOptions::default()
                };
                Arc::new(SqliteStore::open_with(&self.file, options).await?)
            }
        })
    }
}

/// Runs the replica benchmark.
pub async fn run(db: &str, args: &BenchArgs) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let target = Target::new(db, dir.path());
    let result = measure(&target, args, dir.path()).await;
    if let Some(schema) = &target.schema {
        PgStore::drop_schema(db, schema).await?;
    }
    println!("{}", serde_json::to_string(&result?)?);
    Ok(())
}

async fn measure(
    target: &Target,
    args: &BenchArgs,
    dir: &std::path::Path,
) -> anyhow::Result<ReplicaBench> {
    let first = target.open().await?;
    let config = SimConfig {
        seed: args.seed,
        calls: args.calls,
        limits: Limits::off(),
        ..SimConfig::default()
    };
    let mut sims = vec![seeding::start_and_import(&first, config.clone(), dir).await?];
    for i in 0..args.connections {
        // One Gong account per connection (S10: connections to one account share
        // its activities), of the same users and companies.
        let config = SimConfig {
            account: i,
            ..config.clone()
        };
        if i > 0 {
            sims.push(seeding::start(config.clone()).await?);
        }
        let sim = sims.last().expect("started");
        let connection = seeding::connect(&first, &format!("bench-{i:03}"), sim, &config).await?;
        let mut settings = first.get_settings(connection.id).await?;
        settings.backfill_days = config.days + 2;
        first.put_settings(connection.id, &settings).await?;
    }
    let mut engines = Vec::new();
    for r in 0..args.replicas {
        let options = EngineOptions {
            gong: ClientConfig::default().without_limits(),
            lease_owner: format!("{}-replica-{r}", gong_timeline_sync::lease::this_process()),
            ..EngineOptions::default()
        };
        engines.push(Engine::new(target.open().await?, options));
    }
    let now = Utc::now();
    let started = Instant::now();
    let passes = engines
        .iter()
        .map(|engine| async move { Scheduler::new(engine.clone()).run_due(now).await });
    let outcomes = futures::future::join_all(passes).await;
    let seconds = started.elapsed().as_secs_f64();
    let mut jobs_per_replica = Vec::new();
    let mut meetings_per_replica = Vec::new();
    for outcome in outcomes {
        let summaries = outcome?;
        jobs_per_replica.push(summaries.len());
        meetings_per_replica.push(summaries.iter().map(|s| s.counts.fetched).sum());
    }
    for sim in sims {
        sim.shutdown().await;
    }
    let total: u64 = meetings_per_replica.iter().sum();
    Ok(ReplicaBench {
        store: target.kind(),
        replicas: args.replicas,
        connections: args.connections,
        calls_per_connection: args.calls,
        seconds,
        meetings_per_second: total as f64 / seconds,
        jobs_per_replica,
        meetings_per_replica,
    })
}
