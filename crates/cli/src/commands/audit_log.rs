//! `audit [--limit N]`: the audit log's entries, newest first (A4).

use std::sync::Arc;

use gong_timeline_store::{AuditEntry, Store};

use crate::args::AuditArgs;
use crate::output::{print_list, TableRow};

/// Lists the newest entries.
pub async fn run(store: &Arc<dyn Store>, args: AuditArgs) -> anyhow::Result<()> {
    let entries = store.list_audit_entries(args.limit, None).await?;
    let rows: Vec<Row> = entries.into_iter().map(Row).collect();
    print_list(&rows, args.format)
}

/// An entry as listed: the store's entry as it is.
#[derive(serde::Serialize)]
#[serde(transparent)]
struct Row(AuditEntry);

impl TableRow for Row {
    fn headers() -> Vec<&'static str> {
        vec!["id", "at", "actor", "from", "action", "target", "after"]
    }

    fn cells(&self) -> Vec<String> {
        let e = &self.0;
        vec![
            e.id.to_string(),
            e.at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
            e.actor.clone(),
            e.channel.to_string(),
            e.action.to_string(),
            e.target.clone(),
            e.after.as_ref().map(|v| v.to_string()).unwrap_or_default(),
        ]
    }
}
