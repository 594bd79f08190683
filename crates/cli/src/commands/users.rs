//! `users gong|list|resolve`: Gong user mappings and manual conflict resolution (U1, U7).

use std::collections::HashMap;
use std::sync::Arc;

use chrono::Utc;
use gong_timeline_domain::LicenseType;
use gong_timeline_store::{Store, User, UserId};
use gong_timeline_sync::mappings::{resolve_by_hand, ResolveError};
use gong_timeline_sync::views::{GongUserView, UserView};

use super::connection_named;
use crate::args::{UsersCommand, UsersResolveArgs};
use crate::output::{print_list, TableRow};

/// Runs a `users` subcommand.
pub async fn run(store: &Arc<dyn Store>, cmd: UsersCommand) -> anyhow::Result<()> {
    match cmd {
        UsersCommand::List(f) => {
            let rows: Vec<UserView> = store
                .list_users()
                .await?
                .iter()
                .map(UserView::from)
                .collect();
            print_list(&rows, f.format)
        }
        UsersCommand::Gong { connection, format } => {
            let connection = connection_named(store, &connection).await?;
            let users: HashMap<UserId, User> = store
                .list_users()
                .await?
                .into_iter()
                .map(|u| (u.id, u))
                .collect();
            let rows: Vec<GongUserView> = store
                .list_mappings(connection.id)
                .await?
                .iter()
                .map(|m| GongUserView::new(m, &users))
                .collect();
            print_list(&rows, format)
        }
        UsersCommand::Resolve(args) => resolve(store, args).await,
    }
}

async fn resolve(store: &Arc<dyn Store>, args: UsersResolveArgs) -> anyhow::Result<()> {
    let connection = connection_named(store, &args.connection).await?;
    let user = match (args.user_id, args.user) {
        (Some(id), _) => id,
        (None, Some(email)) => {
            pick_by_email(store, &email, args.license_type.as_deref())
                .await?
                .id
        }
        (None, None) => anyhow::bail!("give --user-id ID or --user EMAIL"),
    };
    let mapping = resolve_by_hand(store.as_ref(), connection.id, &args.gong_user, user, Utc::now())
        .await?
        .map_err(|e| match e {
            ResolveError::UnknownGongUser(id) => anyhow::anyhow!(
                "connection '{}' has no Gong user {id}; list them with `gong-timeline users gong --connection '{}'`",
                connection.name,
                connection.name
            ),
            other => anyhow::anyhow!("{other}"),
        })?;
    println!(
        "Gong user {} is now mapped to user {user}; meetings that failed on it are retried at the next sync.",
        mapping.gong_user_id
    );
    let change = gong_timeline_sync::audit::Change::new(
        gong_timeline_domain::audit::AuditAction::MappingResolved,
        format!(
            "Gong user {} of connection '{}'",
            mapping.gong_user_id, connection.name
        ),
    )
    .after(&serde_json::json!({"user_id": user, "status": mapping.status}));
    super::audited(store, change).await;
    Ok(())
}

async fn pick_by_email(
    store: &Arc<dyn Store>,
    email: &str,
    license: Option<&str>,
) -> anyhow::Result<User> {
    let mut users = store.users_by_email(email).await?;
    if let Some(license) = license {
        let license: LicenseType = license
            .parse::<gong_timeline_domain::license::LicenseTypeLenient>()?
            .0;
        users.retain(|u| u.license_type == license);
    }
    match users.len() {
        0 => anyhow::bail!(
            "no Timeline user has the email {email}{}",
            license
                .map(|l| format!(" and license type {l}"))
                .unwrap_or_default()
        ),
        1 => Ok(users.remove(0)),
        _ => {
            let list: Vec<String> = users
                .iter()
                .map(|u| {
                    format!(
                        "  id {}: {} <{}>, {}, {}",
                        u.id, u.name, u.email, u.license_type, u.status
                    )
                })
                .collect();
            anyhow::bail!(
                "{} users have the email {email}; pick one with --user-id (or narrow with --license-type):\n{}",
                users.len(),
                list.join("\n")
            )
        }
    }
}

impl TableRow for UserView {
    fn headers() -> Vec<&'static str> {
        vec!["id", "email", "name", "license_type", "status"]
    }
    fn cells(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.email.clone(),
            self.name.clone(),
            self.license_type.to_string(),
            self.status.to_string(),
        ]
    }
}

impl TableRow for GongUserView {
    fn headers() -> Vec<&'static str> {
        vec![
            "gong_user_id",
            "email",
            "name",
            "status",
            "user",
            "suggested",
        ]
    }
    fn cells(&self) -> Vec<String> {
        vec![
            self.gong_user_id.clone(),
            self.email.clone().unwrap_or_default(),
            self.name.clone(),
            self.status.to_string(),
            match &self.user {
                None => String::new(),
                Some(u) if self.mapped_to_inactive() => format!(
                    "{} ({}, INACTIVE: their meetings fail until the user is active again or mapped to another user)",
                    u.id, u.license_type
                ),
                Some(u) => format!("{} ({})", u.id, u.license_type),
            },
            self.suggested
                .iter()
                .map(|u| format!("{} ({}, {})", u.id, u.license_type, u.status))
                .collect::<Vec<_>>()
                .join("; "),
        ]
    }
}
