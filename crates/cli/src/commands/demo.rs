//! `demo [--once]`: the first thing a newcomer runs. Starts the simulator in-process
//! with seeded data, imports the matching companies, persons and users into a fresh
//! demo database, connects, syncs, prints what happened and why, then serves the UI.

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::sync::Arc;

use gong_timeline_domain::{RecordStatus, Trigger};
use gong_timeline_gong_sim::SimConfig;
use gong_timeline_store::{RecordFilter, Store};
use gong_timeline_sync::{Engine, JobSummary};

use super::{seeding, serve, sync};
use crate::args::DemoArgs;

/// Where the demo keeps its data: its own file, recreated at each run, so the demo
/// never mixes with a real database.
pub const DEMO_DB: &str = "gong-timeline-demo.db";

/// Runs the demo.
pub async fn run(db: &str, args: DemoArgs) -> anyhow::Result<ExitCode> {
    if db != crate::args::DEFAULT_DB {
        println!(
            "Note: the demo keeps its data in {DEMO_DB}, never in --db ({db} is left untouched)."
        );
    }
    if std::path::Path::new(DEMO_DB).exists() {
        println!("Replacing the previous demo database {DEMO_DB}.");
    }
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{DEMO_DB}{suffix}"));
    }
    let db_url = format!("sqlite://{DEMO_DB}");
    let store = super::open(&db_url).await?;
    let csv_dir = tempfile::tempdir()?;
    let config = SimConfig {
        seed: args.seed,
        calls: args.calls,
        ..SimConfig::default()
    };
    println!("Starting the Gong simulator ({} calls, seed {}) and importing its companies, persons and users...", args.calls, args.seed);
    let sim = seeding::start_and_import(&store, config.clone(), csv_dir.path()).await?;
    let connection = seeding::connect(&store, "Gong demo", &sim, &config).await?;
    println!(
        "Connected '{}' to the simulator at {}. Syncing...",
        connection.name,
        sim.base_url()
    );

    let engine = Engine::new(store.clone(), super::engine_options());
    let summary = sync::run_with_progress(&engine, connection.id, Trigger::Manual).await?;
    print_summary(&store, &summary).await?;
    println!("\nExplore it: gong-timeline --db {db_url} activities | log jobs | users gong --connection 'Gong demo'");
    if args.once {
        sim.shutdown().await;
        return Ok(ExitCode::SUCCESS);
    }
    serve::serve_demo(&db_url, store, engine, args.bind, sim, args.export_dir).await?;
    Ok(ExitCode::SUCCESS)
}

/// The job's counts, then each failure and skip reason with how many meetings had it.
async fn print_summary(store: &Arc<dyn Store>, summary: &JobSummary) -> anyhow::Result<()> {
    let c = &summary.counts;
    println!(
        "\nJob {} {}: {} meetings fetched, {} created, {} updated, {} skipped, {} failed.",
        summary.id, summary.status, c.fetched, c.created, c.updated, c.skipped, c.failed
    );
    if let Some(message) = &summary.message {
        println!("The job stopped early: {message}");
    }
    let records = store
        .list_log_records(RecordFilter {
            job_id: summary.id,
            statuses: vec![RecordStatus::Skipped, RecordStatus::Failed],
            ..RecordFilter::default()
        })
        .await?;
    let mut reasons: BTreeMap<(String, String), u64> = BTreeMap::new();
    for record in records {
        let message = record.message.unwrap_or_default();
        *reasons
            .entry((record.status.to_string(), reason_key(&message)))
            .or_default() += 1;
    }
    for ((status, reason), count) in reasons {
        println!("  {status:8} {count:5}  {reason}");
    }
    Ok(())
}

/// Groups per-person messages (U4, U6) by their fixed part.
fn reason_key(message: &str) -> String {
    for (marker, key) in [
        ("Call organiser is inactive", "Call organiser is inactive in gong-timeline. Name: …,: Email: …, Gong userId: …"),
        ("not present in gong-timeline. Sync re-try", "Activity Author … EmailId … GongId … not present in gong-timeline. Sync re-try will happen once the system creates a user with an IC license type. (then created and retried)"),
        ("matches several users", "Activity Author … matches several users (a conflict to resolve in User Management)"),
    ] {
        if message.contains(marker) {
            return key.to_string();
        }
    }
    message.to_string()
}
