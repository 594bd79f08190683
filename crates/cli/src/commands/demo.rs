//! `demo [--once]`: the first thing a newcomer runs. Starts the simulator in-process
//! with seeded data, imports the matching companies, persons and users into a fresh
//! demo database (`--db`, a new file, or its own), connects, syncs, prints what
//! happened and why, then serves the UI.

use std::process::ExitCode;

use gong_timeline_domain::Trigger;
use gong_timeline_gong_sim::SimConfig;
use gong_timeline_sync::Engine;

use super::{seeding, serve, sync};
use crate::args::DemoArgs;

/// Where the demo keeps its data: its own file, recreated at each run, so the demo
/// never mixes with a real database.
pub const DEMO_DB: &str = "gong-timeline-demo.db";

/// Runs the demo.
pub async fn run(db: &str, args: DemoArgs) -> anyhow::Result<ExitCode> {
    let db_url = if db == crate::args::DEFAULT_DB {
        if std::path::Path::new(DEMO_DB).exists() {
            println!("Replacing the previous demo database {DEMO_DB}.");
        }
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{DEMO_DB}{suffix}"));
        }
        format!("sqlite://{DEMO_DB}")
    } else {
        // An explicit --db is honoured, but the demo never writes into existing data.
        if let Some(path) = super::sqlite_path(db) {
            anyhow::ensure!(
                !path.exists(),
                "{} already exists; the demo fills a new database: give --db a new file, or leave --db out to use {DEMO_DB}",
                path.display()
            );
        }
        db.to_string()
    };
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
    sync::print_report(&store, &db_url, &summary).await?;
    println!(
        "\nExplore it: gong-timeline{} activities | log jobs | users gong --connection 'Gong demo'",
        sync::db_flag(&db_url)
    );
    if args.once {
        sim.shutdown().await;
        return Ok(ExitCode::SUCCESS);
    }
    serve::serve_demo(
        store,
        engine,
        args.bind,
        (sim, connection.id),
        args.export_dir,
    )
    .await?;
    Ok(ExitCode::SUCCESS)
}
