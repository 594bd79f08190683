//! Checks of the audit log (A4).

use gong_timeline_domain::audit::{AuditAction, AuditChannel};
use serde_json::json;

use super::fixtures::*;
use crate::records::*;
use crate::Store;

fn entry(minutes: i64, action: AuditAction) -> NewAuditEntry {
    NewAuditEntry {
        at: at(minutes),
        actor: "ann".into(),
        channel: AuditChannel::Ui,
        action,
        target: "connection 'acme'".into(),
        before: Some(json!({"backfill_days": 90})),
        after: Some(json!({"backfill_days": 30})),
    }
}

/// A4: entries are kept as given, listed newest first in pages, and pruned by age.
pub async fn audit_entries_are_listed_newest_first_and_pruned(store: &dyn Store) {
    let first = store
        .add_audit_entry(&entry(1, AuditAction::ConnectionCreated))
        .await
        .expect("add");
    let mut deleted = entry(2, AuditAction::ConnectionDeleted);
    (deleted.before, deleted.after, deleted.channel) = (None, None, AuditChannel::Cli);
    store.add_audit_entry(&deleted).await.expect("add");
    store
        .add_audit_entry(&entry(3, AuditAction::SettingsChanged))
        .await
        .expect("add");
    let all = store.list_audit_entries(10, None).await.expect("list");
    let actions: Vec<AuditAction> = all.iter().map(|e| e.action).collect();
    assert_eq!(
        actions,
        [
            AuditAction::SettingsChanged,
            AuditAction::ConnectionDeleted,
            AuditAction::ConnectionCreated
        ]
    );
    assert_eq!(all[0].after, Some(json!({"backfill_days": 30})));
    assert_eq!(
        (all[1].before.as_ref(), all[1].channel),
        (None, AuditChannel::Cli)
    );
    assert_eq!(all[2].id, first);
    assert_eq!(all[2].at, at(1));
    let older = store
        .list_audit_entries(1, Some(all[0].id))
        .await
        .expect("page");
    assert_eq!(older.len(), 1);
    assert_eq!(older[0].action, AuditAction::ConnectionDeleted);
    assert_eq!(store.prune_audit_entries(at(3)).await.expect("prune"), 2);
    assert_eq!(
        store
            .list_audit_entries(10, None)
            .await
            .expect("list")
            .len(),
        1
    );
}
