//! `import companies|persons|users|activity-types FILE.csv`: all-or-nothing per file.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use gong_timeline_store::{import, ImportCounts, Store};

use crate::args::ImportCommand;

/// Imports one file.
pub async fn run(store: &Arc<dyn Store>, cmd: ImportCommand) -> anyhow::Result<()> {
    let (what, counts) = match cmd {
        ImportCommand::Companies { file } => (
            "companies",
            store
                .import_companies(parse(&file, import::parse_companies)?)
                .await,
        ),
        ImportCommand::Persons { file } => (
            "persons",
            store
                .import_persons(parse(&file, import::parse_persons)?)
                .await,
        ),
        ImportCommand::Users { file } => (
            "users",
            store.import_users(parse(&file, import::parse_users)?).await,
        ),
        ImportCommand::ActivityTypes { file } => (
            "activity types",
            store
                .import_activity_types(parse(&file, import::parse_activity_types)?)
                .await,
        ),
    };
    let ImportCounts {
        inserted, updated, ..
    } = counts.context("the import was refused; nothing from the file was stored")?;
    println!("Imported {what}: {inserted} added, {updated} updated.");
    Ok(())
}

fn parse<T, E>(
    file: &Path,
    parser: impl FnOnce(File) -> Result<Vec<T>, E>,
) -> anyhow::Result<Vec<T>>
where
    E: std::error::Error + Send + Sync + 'static,
{
    let reader = File::open(file).with_context(|| format!("cannot open {}", file.display()))?;
    parser(reader).with_context(|| {
        format!(
            "{} was not imported; nothing from it was stored",
            file.display()
        )
    })
}
