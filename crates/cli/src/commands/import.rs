//! `import companies|persons|users|activity-types FILE.csv`: all-or-nothing per file.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use gong_timeline_store::{import, FieldObject, ImportCounts, Store};

use crate::args::ImportCommand;

/// Imports one file.
pub async fn run(store: &Arc<dyn Store>, cmd: ImportCommand) -> anyhow::Result<()> {
    let (what, file) = match &cmd {
        ImportCommand::Companies { file } => ("companies", file.clone()),
        ImportCommand::Persons { file } => ("persons", file.clone()),
        ImportCommand::Users { file } => ("users", file.clone()),
        ImportCommand::ActivityTypes { file } => ("activity types", file.clone()),
    };
    // Errors already say which row and column, and that nothing was stored; add the file.
    let in_file = |e: &dyn std::fmt::Display| anyhow::anyhow!("{}: {e}", file.display());
    let cmd_kind = match &cmd {
        ImportCommand::Companies { .. } => Kind::Companies,
        ImportCommand::Users { .. } => Kind::Users,
        _ => Kind::Other,
    };
    let counts = match cmd {
        ImportCommand::Companies { .. } => {
            let rows = parse(&file, import::parse_companies).map_err(|e| in_file(&e))?;
            store.import_companies(rows).await
        }
        ImportCommand::Persons { .. } => {
            let rows = parse(&file, import::parse_persons).map_err(|e| in_file(&e))?;
            store.import_persons(rows).await
        }
        ImportCommand::Users { .. } => {
            let rows = parse(&file, import::parse_users).map_err(|e| in_file(&e))?;
            store.import_users(rows).await
        }
        ImportCommand::ActivityTypes { .. } => {
            let rows = parse(&file, import::parse_activity_types).map_err(|e| in_file(&e))?;
            store.import_activity_types(rows).await
        }
    };
    let ImportCounts { inserted, updated } = counts.map_err(|e| in_file(&e))?;
    let object = match &cmd_kind {
        Kind::Companies => Some(FieldObject::Company),
        Kind::Users => Some(FieldObject::User),
        Kind::Other => None,
    };
    if let Some(object) = object {
        let reader = File::open(&file).map_err(|e| in_file(&e))?;
        import::declare_types(store.as_ref(), object, reader)
            .await
            .map_err(|e| in_file(&e))?;
    }
    println!("Imported {what}: {inserted} added, {updated} updated.");
    Ok(())
}

/// Which files carry filterable fields (and may declare their types).
enum Kind {
    Companies,
    Users,
    Other,
}

fn parse<T, E>(
    file: &Path,
    parser: impl FnOnce(File) -> Result<Vec<T>, E>,
) -> anyhow::Result<Vec<T>>
where
    E: std::error::Error + Send + Sync + 'static,
{
    let reader = File::open(file).map_err(|e| anyhow::anyhow!("cannot open the file ({e})"))?;
    Ok(parser(reader)?)
}
