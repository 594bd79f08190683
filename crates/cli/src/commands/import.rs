//! `import companies|persons|users|activity-types FILE.csv`: all-or-nothing per file.

use std::sync::Arc;

use gong_timeline_store::import::{self, ImportKind, ImportRefusal};
use gong_timeline_store::{ImportCounts, Store};
use gong_timeline_sync::settings;

use crate::args::ImportCommand;

/// Imports one file (the web's Imports page takes the same path).
pub async fn run(store: &Arc<dyn Store>, cmd: ImportCommand) -> anyhow::Result<()> {
    let (what, kind, file) = match &cmd {
        ImportCommand::Companies { file } => ("companies", ImportKind::Companies, file),
        ImportCommand::Persons { file } => ("persons", ImportKind::Persons, file),
        ImportCommand::Users { file } => ("users", ImportKind::Users, file),
        ImportCommand::ActivityTypes { file } => {
            ("activity types", ImportKind::ActivityTypes, file)
        }
    };
    // Errors already say which row and column, and that nothing was stored; add the
    // file. Every bad row is listed, one a line.
    let bytes = std::fs::read(file)
        .map_err(|e| anyhow::anyhow!("{}: cannot open the file ({e})", file.display()))?;
    let ImportCounts { inserted, updated } = import::import_file(store.as_ref(), kind, &bytes)
        .await
        .map_err(|e| match e {
            ImportRefusal::Rows(rows) => anyhow::anyhow!(
                "{}",
                rows.iter()
                    .map(|r| format!("{}: {r}", file.display()))
                    .collect::<Vec<_>>()
                    .join("\n")
            ),
            ImportRefusal::Store(e) => anyhow::anyhow!("{}: {e}", file.display()),
        })?;
    println!("Imported {what}: {inserted} added, {updated} updated.");
    let after = serde_json::json!({"kind": what, "file": file.display().to_string(), "added": inserted, "updated": updated});
    super::audited(
        store,
        gong_timeline_sync::audit::Change::new(
            gong_timeline_domain::audit::AuditAction::Imported,
            what,
        )
        .after(&after),
    )
    .await;
    // The import is committed: a failed check is a warning, not a failed command.
    let broken = settings::broken_settings(store.as_ref())
        .await
        .unwrap_or_else(|error| {
            eprintln!(
                "warning: could not check the connections' settings after the import: {error}"
            );
            Vec::new()
        });
    for (connection, problem) in broken {
        eprintln!(
            "warning: after this import the settings of connection '{connection}' no longer hold: {problem}. \
             Change them with `gong-timeline settings set --connection '{connection}' …` (for a field, or \
             import the column with a declared type such as arr:number) before its next sync."
        );
    }
    Ok(())
}
