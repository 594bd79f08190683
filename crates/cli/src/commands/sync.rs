//! `sync --connection N [--from YYYY-MM-DD | --reevaluate]`: one job now, with
//! progress, then the job summary (counts, times, each skip and failure reason with
//! its count; one JSON object with `--format json`).
//! Exit code 0 unless the job Failed.

use gong_timeline_store::ConnectionId;
use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;

use std::collections::BTreeMap;

use anyhow::Context;
use gong_timeline_domain::{JobStatus, RecordStatus, Trigger};
use gong_timeline_store::{Connection, RecordFilter, Store};
use gong_timeline_sync::quota::estimate_resync;
use gong_timeline_sync::{windows, Engine, EngineOptions, JobRequest, JobSummary, Progress};
use indicatif::{ProgressBar, ProgressStyle};

use super::connection_named;
use crate::args::{Format, SyncArgs};
use crate::output::print_object;

/// Runs one job and prints its summary.
pub async fn run(store: &Arc<dyn Store>, db: &str, args: SyncArgs) -> anyhow::Result<ExitCode> {
    let connection = connection_named(store, &args.connection).await?;
    let options = EngineOptions {
        lease_ttl: chrono::Duration::seconds(i64::from(args.lease_seconds.max(1))),
        ..super::engine_options()
    };
    let engine = Engine::new(store.clone(), options);
    let request = match (args.from, args.reevaluate) {
        (Some(day), _) => {
            let now = chrono::Utc::now();
            let from = windows::resync_start(day, now.date_naive()).context("--from")?;
            let backfill = store.get_settings(connection.id).await?.backfill_days;
            let earliest = windows::backfill_start(now, backfill);
            if from < earliest {
                eprintln!(
                    "note: --from {day} is before the backfill window of {backfill} days: the re-sync starts at {}.",
                    earliest.format("%Y-%m-%d %H:%M UTC")
                );
            }
            if args.dry_run {
                return print_estimate(store, &connection, from, now, args.format).await;
            }
            let change = gong_timeline_sync::audit::Change::new(
                gong_timeline_domain::audit::AuditAction::Resynced,
                super::connection::target(&connection.name),
            )
            .after(&serde_json::json!({"from": from}));
            super::audited(store, change).await;
            JobRequest::resync(from)
        }
        (None, true) => JobRequest::new(Trigger::Reevaluate),
        (None, false) => JobRequest::new(Trigger::Manual),
    };
    let summary = run_request_with_progress(&engine, connection.id, request).await?;
    match args.format {
        Format::Json => print_object(&summary, Format::Json)?,
        Format::Table => print_report(store, db, &summary).await?,
    }
    Ok(if summary.status == JobStatus::Failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Q3: what the re-sync from `from` would cost, from Gong's count (one request).
async fn print_estimate(
    store: &Arc<dyn Store>,
    connection: &Connection,
    from: chrono::DateTime<chrono::Utc>,
    now: chrono::DateTime<chrono::Utc>,
    format: Format,
) -> anyhow::Result<ExitCode> {
    let template = super::engine_options().gong;
    let estimate = estimate_resync(store, connection, &template, from, now)
        .await
        .with_context(|| {
            format!(
                "connection '{}': cannot estimate the re-sync",
                connection.name
            )
        })?;
    match format {
        Format::Json => print_object(&estimate, Format::Json)?,
        Format::Table => println!(
            "A re-sync of '{}' from {} would read {} calls in {} Gong requests: {:.1} days of the budget's share for backfills and re-syncs; it would finish at {} at the earliest. Nothing was synced (--dry-run).",
            connection.name,
            from.format("%Y-%m-%d"),
            estimate.calls,
            estimate.requests,
            estimate.days,
            estimate.finishes_at.format("%Y-%m-%d %H:%M UTC"),
        ),
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs a job, showing a progress bar on a terminal and plain lines otherwise.
pub async fn run_with_progress(
    engine: &Engine,
    connection_id: ConnectionId,
    trigger: Trigger,
) -> anyhow::Result<JobSummary> {
    run_request_with_progress(engine, connection_id, JobRequest::new(trigger)).await
}

/// [`run_with_progress`] for any [`JobRequest`] (a re-sync from a date, say).
pub async fn run_request_with_progress(
    engine: &Engine,
    connection_id: ConnectionId,
    request: JobRequest,
) -> anyhow::Result<JobSummary> {
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} {msg} [{bar:30}] {pos}/{len} meetings ({per_sec}, eta {eta})",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    });
    let reporter = {
        let bar = bar.clone();
        move |event: Progress| report(bar.as_ref(), event)
    };
    let summary = engine
        .run_request(connection_id, request, &reporter)
        .await?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    Ok(summary)
}

fn report(bar: Option<&ProgressBar>, event: Progress) {
    match (bar, event) {
        (Some(bar), Progress::Started { job_id }) => bar.set_message(format!("job {job_id}")),
        (Some(bar), Progress::Page { done, total }) => {
            bar.set_length(total.unwrap_or(done).max(done));
            bar.set_position(done);
        }
        (Some(_), _) => {}
        (None, Progress::Started { job_id }) => eprintln!("Job {job_id} started."),
        (
            None,
            Progress::UsersMapped {
                gong_users,
                created,
            },
        ) => {
            eprintln!(
                "Mapped {gong_users} Gong users ({created} Internal Collaborator users created)."
            )
        }
        (None, Progress::Retried { count }) => {
            eprintln!("Re-read {count} calls Gong sent broken or incomplete before.")
        }
        (None, Progress::Evaluated { done }) => {
            eprintln!("Evaluated {done} stored meetings again (no Gong request).")
        }
        (None, Progress::Page { done, total }) => match total {
            Some(total) => eprintln!("Handled {done} of {total} meetings."),
            None => eprintln!("Handled {done} meetings."),
        },
    }
}

/// The job's counts and times, then each failure and skip reason with how many
/// meetings had it (`sync` and `demo` alike).
pub async fn print_report(
    store: &Arc<dyn Store>,
    db: &str,
    summary: &JobSummary,
) -> anyhow::Result<()> {
    let c = &summary.counts;
    let took = (summary.finished_at - summary.started_at).num_milliseconds() as f64 / 1000.0;
    println!(
        "Job {} {}: {} meetings fetched, {} created, {} updated, {} skipped, {} failed.",
        summary.id, summary.status, c.fetched, c.created, c.updated, c.skipped, c.failed
    );
    println!(
        "Started {} UTC, took {took:.1} s.",
        summary.started_at.format("%Y-%m-%d %H:%M:%S")
    );
    println!(
        "Sent Gong {} API requests; {} answered 429 Too Many Requests.",
        summary.gong.requests, summary.gong.rate_limited
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
    println!(
        "Details: gong-timeline{} log records --job {}",
        db_flag(db),
        summary.id
    );
    Ok(())
}

/// ` --db '<url>'` for a hint to work as printed, unless it is the default database;
/// a password in the URL is never printed.
pub fn db_flag(db: &str) -> String {
    if db == crate::args::DEFAULT_DB {
        String::new()
    } else {
        format!(" --db '{}'", gong_timeline_domain::redact::redact_url(db))
    }
}

/// Groups per-person messages (U4, U6) by their fixed part.
fn reason_key(message: &str) -> String {
    for (marker, key) in [
        ("Call organiser is inactive", "Call organiser is inactive in gong-timeline. Name: …,: Email: …, Gong userId: …"),
        ("not present in gong-timeline. Sync re-try", "Activity Author … EmailId … GongId … not present in gong-timeline. Sync re-try will happen once the system creates a user with an IC license type."),
        ("matches several users", "Activity Author … matches several users (a conflict to resolve in User Management)"),
    ] {
        if message.contains(marker) {
            return key.to_string();
        }
    }
    message.to_string()
}
