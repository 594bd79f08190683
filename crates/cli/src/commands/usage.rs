//! `usage --connection N [--days D]`: the connection's Gong requests per UTC day,
//! purpose and endpoint, its budget, what is left and which lanes are paused (Q4).

use std::sync::Arc;

use gong_timeline_store::Store;
use gong_timeline_sync::quota::{usage, UsageReport};

use super::connection_named;
use crate::args::{Format, UsageArgs};
use crate::output::{print_object, write_stdout};

/// Prints the usage report.
pub async fn run(store: &Arc<dyn Store>, args: UsageArgs) -> anyhow::Result<()> {
    let connection = connection_named(store, &args.connection).await?;
    let report = usage(store.as_ref(), &connection, args.days, chrono::Utc::now()).await?;
    match args.format {
        Format::Json => print_object(&report, Format::Json),
        Format::Table => write_stdout(&table(&report)),
    }
}

/// The report as text: the budget, the lanes, then one line per day, purpose and
/// endpoint.
fn table(report: &UsageReport) -> String {
    let mut out = format!(
        "Connection '{}': budget {} requests in any 24 hours ({:.0} % of Gong's 10,000 a day), {} per second.\n\
         Used in the last 24 hours: {}; left: {}.\n",
        report.connection,
        report.daily_budget,
        report.share_percent,
        report.requests_per_second,
        report.used_24h,
        report.left,
    );
    for lane in &report.lanes {
        let purposes: Vec<&str> = lane.purposes.iter().map(|p| p.label()).collect();
        let state = match lane.paused_until {
            Some(at) => format!("paused until {}", at.format("%Y-%m-%d %H:%M UTC")),
            None => "spending".to_owned(),
        };
        out.push_str(&format!(
            "  {:<40} up to {:>7} requests: {state}\n",
            purposes.join(", "),
            lane.ceiling
        ));
    }
    out.push_str(&format!(
        "\n{:<12} {:<16} {:<28} {:>8}\n",
        "Date (UTC)", "Purpose", "Endpoint", "Requests"
    ));
    for row in &report.days {
        out.push_str(&format!(
            "{:<12} {:<16} {:<28} {:>8}\n",
            row.day.format("%Y-%m-%d"),
            row.purpose.label(),
            row.endpoint,
            row.requests
        ));
    }
    if report.days.is_empty() {
        out.push_str("(no Gong request in these days)\n");
    }
    out
}
