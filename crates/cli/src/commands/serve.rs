//! `serve`: the scheduler (and, with the web layer, the admin UI and JSON API).

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use gong_timeline_gong_sim::SimHandle;
use gong_timeline_store::Store;
use gong_timeline_sync::scheduler::Scheduler;
use gong_timeline_sync::{Engine, EngineOptions};

use crate::args::ServeArgs;

/// Runs the scheduler until Ctrl-C.
pub async fn run(db: &str, args: ServeArgs) -> anyhow::Result<ExitCode> {
    let store = super::open(db).await?;
    let engine = Engine::new(store.clone(), EngineOptions::default());
    serve_until_ctrl_c(store, engine, args.bind).await?;
    Ok(ExitCode::SUCCESS)
}

/// Serves the demo's database until Ctrl-C, keeping the simulator alive.
pub async fn serve_demo(
    _db_url: &str,
    store: Arc<dyn Store>,
    engine: Engine,
    bind: SocketAddr,
    sim: SimHandle,
) -> anyhow::Result<()> {
    serve_until_ctrl_c(store, engine, bind).await?;
    sim.shutdown().await;
    Ok(())
}

async fn serve_until_ctrl_c(
    _store: Arc<dyn Store>,
    engine: Engine,
    bind: SocketAddr,
) -> anyhow::Result<()> {
    println!("Scheduler running (syncs at 00:00, 04:00, 08:00, 12:00, 16:00, 20:00 UTC); the web UI on {bind} arrives with the web layer. Press Ctrl-C to stop.");
    Scheduler::new(engine)
        .run(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await;
    Ok(())
}
