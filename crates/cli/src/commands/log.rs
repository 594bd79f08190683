//! `log jobs|records|export`: the execution log (L1, L2, L4).

use gong_timeline_domain::dates::{parse_bound, RangeEnd};
use gong_timeline_store::JobId;
use std::sync::Arc;

use anyhow::Context;
use chrono::{DateTime, Utc};
use gong_timeline_domain::{JobStatus, RecordStatus, Trigger};
use gong_timeline_store::{Job, JobFilter, LogRecord, RecordFilter, Store};
use gong_timeline_sync::export::export_job;
use serde::Serialize;

use crate::args::{LogCommand, LogJobsArgs};
use crate::output::{print_list, TableRow};

/// Runs a `log` subcommand.
pub async fn run(store: &Arc<dyn Store>, cmd: LogCommand) -> anyhow::Result<()> {
    match cmd {
        LogCommand::Jobs(args) => jobs(store, args).await,
        LogCommand::Records {
            job,
            statuses,
            format,
        } => {
            let statuses = parse_all::<RecordStatus>(&statuses)?;
            let rows: Vec<RecordRow> = records(store, job, statuses)
                .await?
                .into_iter()
                .map(RecordRow::from)
                .collect();
            print_list(&rows, format)
        }
        LogCommand::Export { job, output } => {
            anyhow::ensure!(
                output
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("xlsx")),
                "the export is an .xlsx workbook: name the output file with .xlsx (got {})",
                output.display()
            );
            job_exists(store, job).await?;
            let count = export_job(store.clone(), job, Vec::new(), output.clone()).await?;
            println!(
                "Wrote {count} records of job {job} to {}.",
                output.display()
            );
            Ok(())
        }
    }
}

async fn jobs(store: &Arc<dyn Store>, args: LogJobsArgs) -> anyhow::Result<()> {
    let filter = JobFilter {
        from: args
            .from
            .as_deref()
            .map(|d| parse_date(d, false))
            .transpose()?,
        to: args
            .to
            .as_deref()
            .map(|d| parse_date(d, true))
            .transpose()?,
        statuses: parse_all::<JobStatus>(&args.statuses)?,
        triggers: parse_all::<Trigger>(&args.triggers)?,
        connection_id: match &args.connection {
            Some(name) => Some(super::connection_named(store, name).await?.id),
            None => None,
        },
        ..JobFilter::default()
    };
    if let (Some(from), Some(to)) = (filter.from, filter.to) {
        anyhow::ensure!(
            from < to,
            "--to ({}) is before --from ({}): give a range that ends on or after its start",
            args.to.as_deref().unwrap_or_default(),
            args.from.as_deref().unwrap_or_default()
        );
    }
    let rows: Vec<JobRow> = store
        .list_jobs(filter)
        .await?
        .into_iter()
        .map(JobRow::from)
        .collect();
    print_list(&rows, args.format)
}

async fn records(
    store: &Arc<dyn Store>,
    job: JobId,
    statuses: Vec<RecordStatus>,
) -> anyhow::Result<Vec<LogRecord>> {
    job_exists(store, job).await?;
    Ok(store
        .list_log_records(RecordFilter {
            job_id: job,
            statuses,
            ..RecordFilter::default()
        })
        .await?)
}

async fn job_exists(store: &Arc<dyn Store>, job: JobId) -> anyhow::Result<()> {
    store.get_job(job).await?.with_context(|| {
        format!("there is no job {job}; list jobs with `gong-timeline log jobs`")
    })?;
    Ok(())
}

fn parse_all<T: std::str::FromStr>(raw: &[String]) -> anyhow::Result<Vec<T>>
where
    T::Err: std::error::Error + Send + Sync + 'static,
{
    raw.iter()
        .map(|s| s.parse::<T>().map_err(anyhow::Error::from))
        .collect()
}

/// `YYYY-MM-DD` (the start of that day, or the end with `end_of_day`) or RFC 3339.
fn parse_date(raw: &str, end_of_day: bool) -> anyhow::Result<DateTime<Utc>> {
    let end = if end_of_day {
        RangeEnd::End
    } else {
        RangeEnd::Start
    };
    Ok(parse_bound(raw, end)?)
}

/// A job as listed: the store's [`Job`] JSON, the same object as the API's.
#[derive(Serialize)]
#[serde(transparent)]
struct JobRow(Job);

impl From<Job> for JobRow {
    fn from(j: Job) -> Self {
        JobRow(j)
    }
}

impl TableRow for JobRow {
    fn headers() -> Vec<&'static str> {
        vec![
            "id",
            "connection",
            "trigger",
            "status",
            "started_at",
            "fetched",
            "created",
            "updated",
            "skipped",
            "failed",
            "gong_requests",
        ]
    }
    fn cells(&self) -> Vec<String> {
        let j = &self.0;
        vec![
            j.id.to_string(),
            j.connection.clone(),
            j.trigger.to_string(),
            j.status.to_string(),
            j.started_at.format("%Y-%m-%d %H:%M:%S").to_string(),
            j.counts.fetched.to_string(),
            j.counts.created.to_string(),
            j.counts.updated.to_string(),
            j.counts.skipped.to_string(),
            j.counts.failed.to_string(),
            // Requests (and 429s among them); unknown while a job runs.
            j.gong.map_or_else(
                || "-".to_string(),
                |g| match g.rate_limited {
                    0 => g.requests.to_string(),
                    n => format!("{} ({n} × 429)", g.requests),
                },
            ),
        ]
    }
}

/// A log record as listed: the store's [`LogRecord`] JSON, the same object as the API's.
#[derive(Serialize)]
#[serde(transparent)]
struct RecordRow(LogRecord);

impl From<LogRecord> for RecordRow {
    fn from(r: LogRecord) -> Self {
        RecordRow(r)
    }
}

impl TableRow for RecordRow {
    fn headers() -> Vec<&'static str> {
        vec![
            "gong_call_id",
            "title",
            "meeting_date",
            "status",
            "activity_id",
            "message",
        ]
    }
    fn cells(&self) -> Vec<String> {
        let r = &self.0;
        vec![
            r.gong_call_id.to_string(),
            r.title.clone().unwrap_or_default(),
            r.meeting_date
                .map(|d| d.format("%Y-%m-%d %H:%M").to_string())
                .unwrap_or_default(),
            r.status.to_string(),
            r.activity_id.map(|i| i.to_string()).unwrap_or_default(),
            r.message.clone().unwrap_or_default(),
        ]
    }
}
