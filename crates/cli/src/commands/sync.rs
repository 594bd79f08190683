//! `sync --connection N`: one job now, with progress, then the job summary.
//! Exit code 0 unless the job Failed.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;

use gong_timeline_domain::{JobStatus, Trigger};
use gong_timeline_store::Store;
use gong_timeline_sync::{Engine, JobSummary, Progress};
use indicatif::{ProgressBar, ProgressStyle};

use super::connection_named;
use crate::args::{Format, SyncArgs};
use crate::output::print_object;

/// Runs one job and prints its summary.
pub async fn run(store: &Arc<dyn Store>, args: SyncArgs) -> anyhow::Result<ExitCode> {
    let connection = connection_named(store, &args.connection).await?;
    let engine = Engine::new(store.clone(), super::engine_options());
    let summary = run_with_progress(&engine, connection.id, Trigger::Manual).await?;
    print_summary(&summary, args.format)?;
    Ok(if summary.status == JobStatus::Failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Runs a job, showing a progress bar on a terminal and plain lines otherwise.
pub async fn run_with_progress(
    engine: &Engine,
    connection_id: i64,
    trigger: Trigger,
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
    let summary = engine.run_job(connection_id, trigger, &reporter).await?;
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
            eprintln!("Retried {count} meetings that failed before.")
        }
        (None, Progress::Page { done, total }) => match total {
            Some(total) => eprintln!("Handled {done} of {total} meetings."),
            None => eprintln!("Handled {done} meetings."),
        },
    }
}

/// Prints a job summary as `key: value` lines or one JSON object.
pub fn print_summary(summary: &JobSummary, format: Format) -> anyhow::Result<()> {
    print_object(summary, format)
}
