//! `retention [--days N]` (G3): purges now, for every connection, what is older than
//! the retention period, as `serve` does at every slot; prints what went.

use std::sync::Arc;

use gong_timeline_domain::retention::Retention;
use gong_timeline_store::Store;
use gong_timeline_sync::retention;
use serde_json::json;

use crate::args::{Format, RetentionArgs};
use crate::output::{print_object, write_stdout};

/// Runs every connection's retention job now.
pub async fn run(store: &Arc<dyn Store>, args: RetentionArgs) -> anyhow::Result<()> {
    let policy = Retention::days(args.days)?;
    let now = chrono::Utc::now();
    let owner = gong_timeline_sync::lease::this_process();
    let runs = retention::run_all(store.as_ref(), policy, &owner, now).await?;
    if args.format == Format::Json {
        let jobs: Vec<_> = runs
            .iter()
            .map(|(connection, run)| {
                json!({
                    "connection": connection.name,
                    "job_id": run.job_id,
                    "activities": run.removed.activities,
                    "stored_meetings": run.removed.stored_meetings,
                })
            })
            .collect();
        let summary = json!({
            "retention_days": policy.as_days(),
            "cutoff": policy.cutoff(now),
            "jobs": jobs,
        });
        return print_object(&summary, Format::Json);
    }
    if runs.is_empty() {
        return write_stdout(&format!(
            "Nothing started before {} UTC ({} days ago): nothing to purge.\n",
            policy.cutoff(now).format("%Y-%m-%d %H:%M"),
            policy.as_days()
        ));
    }
    for (connection, run) in &runs {
        println!(
            "{}: {} (job {})",
            connection.name,
            retention::message(policy, run.cutoff, &run.removed),
            run.job_id
        );
    }
    Ok(())
}
