//! Recording an admin's change in the audit log (A4), the same way from the CLI, the
//! web pages and the API: who and from where ([`Actor`]), what, and the value before
//! and after with every secret removed (`domain::audit::without_secrets`).

use chrono::{DateTime, Utc};
use gong_timeline_domain::audit::{without_secrets, AuditAction, AuditChannel};
use gong_timeline_store::{NewAuditEntry, Store, StoreError};
use serde::Serialize;
use serde_json::Value;

/// Who makes a change, and from where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// An admin's user name, or `cli:<os user>`.
    pub name: String,
    /// The UI, the API or the CLI.
    pub channel: AuditChannel,
}

impl Actor {
    /// Whoever runs the CLI: the operating system's user, as the shell names it.
    pub fn cli() -> Actor {
        let user = std::env::var("USER")
            .or_else(|_| std::env::var("USERNAME"))
            .unwrap_or_else(|_| "unknown".to_owned());
        Actor {
            name: format!("cli:{user}"),
            channel: AuditChannel::Cli,
        }
    }

    /// An admin signed in to the web pages.
    pub fn ui(admin: impl Into<String>) -> Actor {
        Actor {
            name: admin.into(),
            channel: AuditChannel::Ui,
        }
    }

    /// An admin's API token.
    pub fn api(admin: impl Into<String>) -> Actor {
        Actor {
            name: admin.into(),
            channel: AuditChannel::Api,
        }
    }
}

/// One change to record.
#[derive(Debug, Clone)]
pub struct Change {
    /// What kind.
    pub action: AuditAction,
    /// What it changed, e.g. `connection 'acme'`.
    pub target: String,
    /// The value before.
    pub before: Option<Value>,
    /// The value after.
    pub after: Option<Value>,
}

impl Change {
    /// A change of `target` with no value recorded.
    pub fn new(action: AuditAction, target: impl Into<String>) -> Change {
        Change {
            action,
            target: target.into(),
            before: None,
            after: None,
        }
    }

    /// With the value before (anything serialisable; secrets are removed).
    pub fn before(mut self, value: &impl Serialize) -> Change {
        self.before = serde_json::to_value(value).ok();
        self
    }

    /// With the value after.
    pub fn after(mut self, value: &impl Serialize) -> Change {
        self.after = serde_json::to_value(value).ok();
        self
    }

    /// S10: connection `old` replaced by `by`, which took its activities: recorded as
    /// the old one deleted.
    pub fn connection_replaced(old: &str, by: &str) -> Change {
        let after = serde_json::json!({"replaced_by": by, "activities": "kept"});
        Change::new(AuditAction::ConnectionDeleted, connection_target(old)).after(&after)
    }
}

/// How the audit log names a connection: `connection 'NAME'`.
pub fn connection_target(name: &str) -> String {
    format!("connection '{name}'")
}

/// How the audit log names an admin account: `admin 'USERNAME'`.
pub fn admin_target(username: &str) -> String {
    format!("admin '{username}'")
}

/// Records `change` by `actor` at `at`.
pub async fn record(
    store: &dyn Store,
    actor: &Actor,
    change: Change,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let entry = NewAuditEntry {
        at,
        actor: actor.name.clone(),
        channel: actor.channel,
        action: change.action,
        target: change.target,
        before: change.before.map(without_secrets),
        after: change.after.map(without_secrets),
    };
    store.add_audit_entry(&entry).await.map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;
    use gong_timeline_store_sql::SqliteStore;
    use serde_json::json;

    #[tokio::test]
    async fn a4_a_change_is_recorded_with_its_secrets_removed() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("a.db").display());
        let store = SqliteStore::open(&url).await.unwrap();
        let change = Change::new(AuditAction::ConnectionUpdated, "connection 'acme'")
            .before(&json!({"base_url": "https://api.gong.io"}))
            .after(&json!({"base_url": "https://eu.gong.io", "access_key_secret": "s3cret"}));
        record(&store, &Actor::ui("ann"), change, Utc::now())
            .await
            .unwrap();
        let entries = store.list_audit_entries(5, None).await.unwrap();
        assert_eq!(entries[0].actor, "ann");
        assert_eq!(entries[0].channel, AuditChannel::Ui);
        let after = entries[0].after.as_ref().unwrap();
        assert_eq!(after["access_key_secret"], "[hidden]");
        assert_eq!(after["base_url"], "https://eu.gong.io");
    }
}
