//! Shared by `demo` and `bench`: an in-process simulator, its matching Timeline CSVs
//! imported, and a connection to it.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use chrono::Utc;
use gong_timeline_gong_sim::{SimConfig, SimHandle};
use gong_timeline_store::{
    import, Connection, ConnectionStatus, Credentials, NewConnection, Store,
};

/// Starts the simulator and imports the Timeline side of its data from `csv_dir`.
pub async fn start_and_import(
    store: &Arc<dyn Store>,
    config: SimConfig,
    csv_dir: &Path,
) -> anyhow::Result<SimHandle> {
    let sim = gong_timeline_gong_sim::start(config)
        .await
        .context("starting the Gong simulator")?;
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
    Ok(sim)
}

/// Creates an access-key connection to the simulator.
pub async fn connect(
    store: &Arc<dyn Store>,
    name: &str,
    sim: &SimHandle,
    config: &SimConfig,
) -> anyhow::Result<Connection> {
    Ok(store
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
        .await?)
}
