//! `meetings pending --connection N`: the stored meetings not on the Timeline, by
//! reason, with counts, examples and the fix (evaluated locally: no Gong request).

use std::sync::Arc;

use gong_timeline_store::Store;
use gong_timeline_sync::pending::{pending, Pending};

use super::connection_named;
use crate::args::{Format, MeetingsCommand};
use crate::output::{print_object, write_stdout};

/// Runs a `meetings` subcommand.
pub async fn run(store: &Arc<dyn Store>, cmd: MeetingsCommand) -> anyhow::Result<()> {
    let MeetingsCommand::Pending { connection, format } = cmd;
    let connection = connection_named(store, &connection).await?;
    let report = pending(store.as_ref(), &connection, chrono::Utc::now()).await?;
    match format {
        Format::Json => print_object(&report.groups, Format::Json),
        Format::Table => write_stdout(&table(&report)),
    }
}

fn table(report: &Pending) -> String {
    if report.groups.is_empty() {
        return format!(
            "Every stored meeting of '{}' is on the Timeline.\n",
            report.connection
        );
    }
    let mut out = format!(
        "{} stored meetings of '{}' are not on the Timeline:\n",
        report.not_on_timeline, report.connection
    );
    for group in &report.groups {
        out.push_str(&format!("\n{:>6}  {}\n", group.count, group.label));
        out.push_str(&format!("        Fix: {}\n", group.fix));
        for example in &group.examples {
            out.push_str(&format!(
                "        {} {} {}\n",
                example.started.format("%Y-%m-%d %H:%M"),
                example.gong_call_id,
                example.title.as_deref().unwrap_or("(no title)")
            ));
        }
    }
    out
}
