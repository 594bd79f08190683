//! One module per command; [`run`] dispatches. Commands only parse, call the
//! library crates, and print.

mod activities;
mod admin;
mod audit_log;
mod bench;
mod bench_replicas;
mod bench_webhooks;
mod connection;
mod db;
mod demo;
mod directory;
mod erase;
mod import;
mod log;
mod meetings;
mod retention;
mod rss;
mod seeding;
mod serve;
mod settings;
mod sim;
mod sync;
mod usage;
mod users;

use std::process::ExitCode;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use gong_timeline_store::{Connection, Store};
use gong_timeline_store_sql::SqliteStore;
use gong_timeline_store_sql::{is_postgres_url, PgStore};
use gong_timeline_sync::audit::{self, Actor};
use gong_timeline_sync::EngineOptions;

use crate::args::{Cli, Command, ConnectionCommand};

/// How long syncs retry an unreachable Gong (`--gong-retry-window`).
static RETRY_WINDOW: OnceLock<Duration> = OnceLock::new();

/// Records an admin change made from the CLI in the audit log (A4). The change is
/// made already: a failure to record it is said, not fatal.
pub async fn audited(store: &Arc<dyn Store>, change: audit::Change) {
    let recorded = audit::record(store.as_ref(), &Actor::cli(), change, chrono::Utc::now()).await;
    if let Err(error) = recorded {
        eprintln!(
            "warning: the change was made but could not be recorded in the audit log: {error}"
        );
    }
}

/// The sync engine's options, with the command line's Gong retry window.
pub fn engine_options() -> EngineOptions {
    let window = RETRY_WINDOW
        .get()
        .copied()
        .unwrap_or(Duration::from_secs(600));
    let defaults = EngineOptions::default();
    EngineOptions {
        gong: defaults.gong.clone().with_outage_window(window),
        ..defaults
    }
}

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let _ = RETRY_WINDOW.set(Duration::from_secs(cli.gong_retry_window));
    let db = cli.db;
    match cli.command {
        Command::Demo(args) => demo::run(&db, args).await,
        Command::Serve(args) => serve::run(&db, args).await,
        Command::Admin(cmd) => ok(admin::run(&open(&db).await?, cmd).await),
        Command::Sync(args) => sync::run(&open_existing(&db).await?, &db, args).await,
        Command::Import(cmd) => ok(import::run(&open(&db).await?, cmd).await),
        Command::Connection(cmd) => {
            let store = match cmd {
                ConnectionCommand::List(_)
                | ConnectionCommand::Delete(_)
                | ConnectionCommand::Update(_)
                | ConnectionCommand::Webhook(_) => open_existing(&db).await?,
                _ => open(&db).await?,
            };
            ok(connection::run(&store, cmd).await)
        }
        Command::Settings(cmd) => ok(settings::run(&open_existing(&db).await?, cmd).await),
        Command::Users(cmd) => ok(users::run(&open_existing(&db).await?, cmd).await),
        Command::Log(cmd) => ok(log::run(&open_existing(&db).await?, cmd).await),
        Command::Activities(args) => ok(activities::run(&open_existing(&db).await?, args).await),
        Command::Companies(cmd) => ok(directory::companies(&open_existing(&db).await?, cmd).await),
        Command::Persons(cmd) => ok(directory::persons(&open_existing(&db).await?, cmd).await),
        Command::Sim(args) => ok(sim::run(args).await),
        Command::Bench(args) if args.webhooks => ok(bench_webhooks::run(&args).await),
        Command::Bench(args) => ok(bench::run(&db, args).await),
        Command::Db(cmd) => ok(db::run(cmd).await),
        Command::Erase(args) => ok(erase::run(&open_existing(&db).await?, args).await),
        Command::Retention(args) => ok(retention::run(&open_existing(&db).await?, args).await),
        Command::Audit(args) => ok(audit_log::run(&open_existing(&db).await?, args).await),
        Command::Meetings(cmd) => ok(meetings::run(&open_existing(&db).await?, cmd).await),
        Command::Usage(args) => ok(usage::run(&open_existing(&db).await?, args).await),
    }
}

fn ok(result: anyhow::Result<()>) -> anyhow::Result<ExitCode> {
    result.map(|()| ExitCode::SUCCESS)
}

/// Opens the store at `db` (created and migrated on first use): PostgreSQL for a
/// `postgres://` URL (D1), else SQLite.
pub async fn open(db: &str) -> anyhow::Result<Arc<dyn Store>> {
    let redacted =
        |e: gong_timeline_store::StoreError| anyhow::anyhow!("{}", redact(&e.to_string(), db));
    if is_postgres_url(db) {
        return Ok(Arc::new(PgStore::open(db).await.map_err(redacted)?));
    }
    Ok(Arc::new(SqliteStore::open(db).await.map_err(redacted)?))
}

/// The file of a SQLite database URL (`sqlite://path`, `sqlite:path`), if it is one.
pub fn sqlite_path(db: &str) -> Option<std::path::PathBuf> {
    let rest = db
        .strip_prefix("sqlite://")
        .or_else(|| db.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| std::path::PathBuf::from(path))
}

/// Opens an existing store: a command that only reads (or changes what exists) never
/// creates an empty database and key file because of a mistyped `--db`.
pub async fn open_existing(db: &str) -> anyhow::Result<Arc<dyn Store>> {
    if let Some(path) = sqlite_path(db) {
        if !path.exists() {
            let shown = std::path::absolute(&path).unwrap_or(path);
            anyhow::bail!(
                "there is no database at {} (--db {db}); check the path and --db / GONG_TIMELINE_DB (the default is {} in the current folder). Nothing was created",
                shown.display(),
                crate::args::DEFAULT_DB
            );
        }
    }
    open(db).await
}

/// `message` without the secrets of a database URL (C4): the one redaction of
/// the product, [`gong_timeline_domain::redact`].
pub fn redact(message: &str, db: &str) -> String {
    gong_timeline_domain::redact::redact_in(message, db)
}

/// A connection by name, or an error listing the names there are.
pub async fn connection_named(store: &Arc<dyn Store>, name: &str) -> anyhow::Result<Connection> {
    if let Some(connection) = store.connection_by_name(name).await? {
        return Ok(connection);
    }
    let names: Vec<String> = store
        .list_connections()
        .await?
        .into_iter()
        .map(|c| c.name)
        .collect();
    if names.is_empty() {
        anyhow::bail!("there is no connection '{name}' (none exist yet; create one with `gong-timeline connection create`)");
    }
    anyhow::bail!(
        "there is no connection '{name}'; known connections: {}",
        names.join(", ")
    )
}
