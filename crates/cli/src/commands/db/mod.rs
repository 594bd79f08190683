//! `db copy --from URL --to URL`: moves a whole deployment between databases (SQLite
//! to PostgreSQL when outgrowing one machine; any direction works), as it is stored:
//! ids, sealed credentials, jobs, log records, stored meetings. The target must be
//! empty; the copy is one transaction on the target (all or nothing); it ends by
//! printing each table's row count on both sides, and fails when any differs.

use std::sync::Arc;

use anyhow::{bail, Context};
use gong_timeline_store::crypto::{SecretKey, KEY_ENV};
use gong_timeline_store::Store;
use gong_timeline_store_sql::{files_of, SqliteStore};
use gong_timeline_store_sql::{is_postgres_url, PgOptions, PgStore};

use crate::args::{DbCommand, DbCopyArgs};
use gong_timeline_store_sql::copy::{self as tables, Db, TableCount};

/// Runs a `db` subcommand.
pub async fn run(cmd: DbCommand) -> anyhow::Result<()> {
    match cmd {
        DbCommand::Copy(args) => copy(args).await,
    }
}

async fn copy(args: DbCopyArgs) -> anyhow::Result<()> {
    if args.from == args.to {
        bail!("--from and --to name the same database; copy into another, empty one");
    }
    let (source, source_store, key) = open_source(&args.from).await?;
    let (target, target_store) = open_target(&args.to, key).await?;
    let names = tables::copy_order(&source.tables().await?, &target.tables().await?)?;
    let refused = target.non_empty(&names).await?;
    if !refused.is_empty() {
        bail!(
            "the target database is not empty ({}); db copy only fills an empty database, so nothing was copied",
            refused.join(", ")
        );
    }
    eprintln!("Copying {} tables…", names.len());
    tables::copy_all(&source, &target, &names, |table, rows| {
        eprintln!("  {table}: {rows} rows")
    })
    .await?;
    check_credentials(&source_store, &target_store).await?;
    let counts = tables::count_both(&source, &target, &names).await?;
    print_counts(&counts);
    let differ: Vec<&str> = counts
        .iter()
        .filter(|c| c.source != c.target)
        .map(|c| c.table.as_str())
        .collect();
    if !differ.is_empty() {
        bail!("row counts differ in {}", differ.join(", "));
    }
    println!("Copied: every table has the same number of rows on both sides.");
    if is_postgres_url(&args.to) && !is_postgres_url(&args.from) {
        println!(
            "Run every replica with {KEY_ENV} set to the key the copied credentials are sealed with \
             (the SQLite key file beside the old database, unless {KEY_ENV} was set)."
        );
    }
    Ok(())
}

/// Opens the source through its store (which applies pending migrations), and its key.
async fn open_source(url: &str) -> anyhow::Result<(Db, Arc<dyn Store>, Option<SecretKey>)> {
    if is_postgres_url(url) {
        let store = PgStore::open(url)
            .await
            .map_err(|e| anyhow::anyhow!("{}", super::redact(&e.to_string(), url)))
            .context("opening --from")?;
        let db = Db::Postgres(store.pool().clone());
        return Ok((db, Arc::new(store), None));
    }
    let store = SqliteStore::open(url)
        .await
        .map_err(|e| anyhow::anyhow!("{}", super::redact(&e.to_string(), url)))
        .context("opening --from")?;
    let key = sqlite_key(&store);
    let db = Db::Sqlite(store.pool().clone());
    Ok((db, Arc::new(store), key))
}

/// The key a SQLite store uses (its key file's unless the variable is set): a
/// PostgreSQL target needs the same key to read the copied credentials.
fn sqlite_key(store: &SqliteStore) -> Option<SecretKey> {
    Some(store.secret_key().clone())
}

async fn open_target(url: &str, key: Option<SecretKey>) -> anyhow::Result<(Db, Arc<dyn Store>)> {
    if is_postgres_url(url) {
        let options = PgOptions {
            secret_key: key,
            ..PgOptions::default()
        };
        let store = PgStore::open_with(url, options)
            .await
            .map_err(|e| anyhow::anyhow!("{}", super::redact(&e.to_string(), url)))
            .context("opening --to")?;
        return Ok((Db::Postgres(store.pool().clone()), Arc::new(store)));
    }
    let from_env = std::env::var(KEY_ENV).is_ok_and(|v| !v.trim().is_empty());
    if let (Some(key), Some((_, key_file)), false) = (&key, files_of(url), from_env) {
        // A SQLite target without a key file takes the source's, so the copied
        // credentials open (the target must be empty, which is checked next).
        if !key_file.exists() {
            key.write_new(&key_file)
                .context("writing the source's key beside --to")?;
        }
    }
    let store = SqliteStore::open(url)
        .await
        .map_err(|e| anyhow::anyhow!("{}", super::redact(&e.to_string(), url)))
        .context("opening --to")?;
    if let Some(key) = &key {
        if !key.same_as(store.secret_key()) {
            let key_file = files_of(url)
                .map(|(_, k)| k.display().to_string())
                .unwrap_or_else(|| "its key".into());
            bail!(
                "--to uses another credentials key than --from ({key_file}, or {KEY_ENV}), so the \
                 copied credentials could not be read; nothing was copied. If the target is empty, \
                 delete that key file and copy again, or set {KEY_ENV} to the source's key"
            );
        }
    }
    Ok((Db::Sqlite(store.pool().clone()), Arc::new(store)))
}

/// Every copied connection's credentials must open with the target's key.
async fn check_credentials(source: &Arc<dyn Store>, target: &Arc<dyn Store>) -> anyhow::Result<()> {
    for connection in source.list_connections().await? {
        target
            .connection_credentials(connection.id)
            .await
            .with_context(|| {
                format!(
                    "the copy of connection '{}' cannot be decrypted with the target's key; \
                     set {KEY_ENV} to the source's key and copy again into an empty database",
                    connection.name
                )
            })?;
    }
    Ok(())
}

fn print_counts(counts: &[TableCount]) {
    let width = counts
        .iter()
        .map(|c| c.table.len())
        .max()
        .unwrap_or(5)
        .max(5);
    println!("{:<width$}  {:>10}  {:>10}", "table", "source", "target");
    for c in counts {
        let mark = if c.source == c.target {
            ""
        } else {
            "  DIFFERS"
        };
        println!(
            "{:<width$}  {:>10}  {:>10}{mark}",
            c.table, c.source, c.target
        );
    }
}
