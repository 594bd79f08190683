//! `admin create`: the web UI's admin accounts (argon2-hashed passwords);
//! `admin unlock`: lifts a log-in lock-out; `admin remove`: takes an account's
//! sign-in away; `admin token`: an API token for one of them, of a scope.

use gong_timeline_domain::audit::AuditAction;
use gong_timeline_sync::audit::{admin_target, Change as Audited};
use std::io::BufRead;
use std::sync::Arc;

use anyhow::Context;
use gong_timeline_store::Store;

use gong_timeline_web::service::tokens::{self, TokenRequest};

use crate::args::{AdminCommand, Format};

/// Runs an `admin` subcommand.
pub async fn run(store: &Arc<dyn Store>, cmd: AdminCommand) -> anyhow::Result<()> {
    match cmd {
        AdminCommand::Create {
            username,
            password_stdin: _,
            reset,
        } => {
            let mut password = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut password)
                .context("reading the password from standard input")?;
            let password = password.trim_end_matches(['\r', '\n']);
            if password.chars().count() < 8 {
                anyhow::bail!("the password must have at least 8 characters");
            }
            let hash = gong_timeline_web::hash_password(password).map_err(anyhow::Error::msg)?;
            if reset {
                let admin = store
                    .admin_by_username(&username)
                    .await?
                    .with_context(|| format!("there is no admin '{username}'"))?;
                if !admin.can_sign_in() {
                    anyhow::bail!("the sign-in of '{username}' was removed; `admin create` without --reset gives it back");
                }
                store.set_admin_password(admin.id, &hash).await?;
                super::audited(
                    store,
                    Audited::new(AuditAction::PasswordReset, admin_target(&admin.username)),
                )
                .await;
                println!(
                    "The password of admin '{}' is set; their sessions and API tokens were ended.",
                    admin.username
                );
            } else {
                let admin = store
                    .create_admin(&username, &hash, chrono::Utc::now())
                    .await?;
                super::audited(
                    store,
                    Audited::new(AuditAction::AdminCreated, admin_target(&admin.username)),
                )
                .await;
                println!(
                    "Admin '{}' created. Log in at the web UI of `gong-timeline serve`.",
                    admin.username
                );
            }
            Ok(())
        }
        AdminCommand::Unlock { username } => {
            let admin = store
                .admin_by_username(&username)
                .await?
                .with_context(|| format!("there is no admin '{username}'"))?;
            let addresses = store.unlock_account(&admin.username).await?;
            super::audited(
                store,
                Audited::new(AuditAction::AdminUnlocked, admin_target(&admin.username)),
            )
            .await;
            println!(
                "Admin '{}' may log in again: the failed log-ins from {addresses} address(es) are forgotten.",
                admin.username
            );
            Ok(())
        }
        AdminCommand::Remove { username } => remove(store, &username).await,
        AdminCommand::Token {
            username,
            name,
            scope,
            expires_in_days,
            format,
        } => token(store, &username, &name, &scope, expires_in_days, format).await,
    }
}

/// `admin remove`: removes the sign-in of `username`, recorded in the audit log.
async fn remove(store: &Arc<dyn Store>, username: &str) -> anyhow::Result<()> {
    let admin = store
        .admin_by_username(username)
        .await?
        .filter(|a| a.can_sign_in())
        .with_context(|| format!("there is no account '{username}' that may sign in"))?;
    let removed = store.remove_sign_in(admin.id, chrono::Utc::now()).await?;
    let before = serde_json::json!({"role": removed.role, "sign_in": true});
    super::audited(
        store,
        Audited::new(
            AuditAction::SignInRemoved,
            format!("account '{}'", removed.username),
        )
        .before(&before)
        .after(&serde_json::json!({"sign_in": false})),
    )
    .await;
    println!(
        "The sign-in of '{}' is removed: its sessions and API tokens have ended. `admin create` gives it back.",
        removed.username
    );
    Ok(())
}

async fn token(
    store: &Arc<dyn Store>,
    username: &str,
    name: &str,
    scope: &str,
    expires_in_days: Option<u32>,
    format: Format,
) -> anyhow::Result<()> {
    let admin = store.admin_by_username(username).await?.with_context(|| {
        format!("there is no admin '{username}'; create one with `admin create`")
    })?;
    let now = chrono::Utc::now();
    let days = expires_in_days.map(|d| d.to_string()).unwrap_or_default();
    let request = TokenRequest {
        name,
        scope: tokens::scope_of(scope)?,
        expires_at: tokens::expiry(now, &days)?,
    };
    let (token, plain) = tokens::create(store.as_ref(), admin.id, request, now).await?;
    let after = serde_json::json!({"name": name, "scope": scope, "expires_at": token.expires_at});
    super::audited(
        store,
        Audited::new(
            AuditAction::TokenCreated,
            format!("API token '{name}' of admin '{}'", admin.username),
        )
        .after(&after),
    )
    .await;
    match format {
        Format::Json => println!(
            "{}",
            serde_json::json!({
                "id": token.id, "name": token.name, "scope": token.scope,
                "expires_at": token.expires_at, "token": plain,
            })
        ),
        Format::Table => {
            println!(
                "Token '{}' for admin '{}', scope {} ({}), {}:",
                token.name,
                admin.username,
                token.scope,
                token.scope.describe(),
                token
                    .expires_at
                    .map_or("does not expire".to_string(), |end| format!(
                        "expires {}",
                        end.format("%Y-%m-%d %H:%M UTC")
                    ))
            );
            println!("{plain}");
            println!(
                "Copy it now: it is not shown again. Use it as `Authorization: Bearer <token>`."
            );
        }
    }
    Ok(())
}
