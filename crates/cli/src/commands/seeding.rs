//! Shared by `demo` and `bench`: an in-process simulator, its matching Timeline CSVs
//! imported, and a connection to it.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use chrono::Utc;
use gong_timeline_domain::quota;
use gong_timeline_gong_sim::{SimConfig, SimHandle};
use gong_timeline_store::{
    import, Connection, ConnectionStatus, Credentials, NewConnection, Store,
};

/// Starts a simulator (for another [`SimConfig::account`] of an imported one: its
/// users and companies are those already imported).
pub async fn start(config: SimConfig) -> anyhow::Result<SimHandle> {
    gong_timeline_gong_sim::start(config)
        .await
        .context("starting the Gong simulator")
}

/// Starts the simulator and imports the Timeline side of its data from `csv_dir`.
pub async fn start_and_import(
    store: &Arc<dyn Store>,
    config: SimConfig,
    csv_dir: &Path,
) -> anyhow::Result<SimHandle> {
    let sim = start(config).await?;
    import_timeline(store, &sim, csv_dir).await?;
    Ok(sim)
}

/// Imports the Timeline side of the simulator's data (companies, persons, users)
/// through CSV files written to `csv_dir`, as an admin would.
pub async fn import_timeline(
    store: &Arc<dyn Store>,
    sim: &SimHandle,
    csv_dir: &Path,
) -> anyhow::Result<()> {
    let paths = sim
        .dataset()
        .write_timeline_csvs(csv_dir)
        .context("writing the simulator's Timeline CSVs")?;
    store
        .import_companies(import::parse_companies(std::fs::File::open(
            &paths.companies,
        )?)?)
        .await?;
    store
        .import_persons(import::parse_persons(std::fs::File::open(&paths.persons)?)?)
        .await?;
    store
        .import_users(import::parse_users(std::fs::File::open(&paths.users)?)?)
        .await?;
    Ok(())
}

/// Creates an access-key connection to the simulator.
pub async fn connect(
    store: &Arc<dyn Store>,
    name: &str,
    sim: &SimHandle,
    config: &SimConfig,
) -> anyhow::Result<Connection> {
    let connection = store
        .create_connection(NewConnection {
            name: name.to_string(),
            base_url: sim.base_url(),
            credentials: Credentials::Basic {
                access_key: config.access_key.clone(),
                access_key_secret: config.access_secret.clone(),
            },
            status: ConnectionStatus::Authorised,
            created_at: Utc::now(),
        })
        .await?;
    // The simulator is the only integration of its "company": the budget is its whole
    // daily cap (or the most one may set when its limits are off), so a large demo or
    // bench is not paused by a share meant for a real Gong account (Q1).
    let daily = if config.limits.enabled {
        u64::from(config.limits.per_day)
    } else {
        u64::from(quota::MAX_DAILY_BUDGET)
    };
    let budget = quota::QuotaSettings::new(daily, quota::DEFAULT_PER_SECOND)?;
    store.set_quota(connection.id, &budget).await?;
    Ok(connection)
}
