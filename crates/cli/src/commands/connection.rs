//! `connection create|authorize|update|delete|list|webhook`: each calls one function of
//! `gong_timeline_sync::connections`, the same the web UI and the API call.

use gong_timeline_domain::audit::AuditAction;
use gong_timeline_sync::audit::Change as Audited;
use serde_json::json;
use std::io::{BufRead, IsTerminal, Write};
use std::sync::Arc;

use anyhow::Context;
use chrono::Utc;
use gong_timeline_gong::ClientConfig;
use gong_timeline_store::{ConnectionStatus, Credentials, NewConnection, OAuthCredentials, Store};
use gong_timeline_sync::connections::{self, Change, NewAccessKey, Overview};
use serde::Serialize;

use crate::args::{
    ConnectionAuthorizeArgs, ConnectionCommand, ConnectionCreateArgs, ConnectionDeleteArgs,
    ConnectionUpdateArgs,
};
use crate::output::{print_list, TableRow};

mod authorize;
mod webhook;

/// Runs a `connection` subcommand.
pub async fn run(store: &Arc<dyn Store>, cmd: ConnectionCommand) -> anyhow::Result<()> {
    match cmd {
        ConnectionCommand::Create(args) => create(store, args).await,
        ConnectionCommand::Authorize(args) => authorize_cmd(store, args).await,
        ConnectionCommand::Update(args) => update(store, args).await,
        ConnectionCommand::Delete(args) => delete(store, args).await,
        ConnectionCommand::Webhook(args) => webhook::run(store, args).await,
        ConnectionCommand::List(f) => {
            let rows: Vec<ConnectionRow> = connections::list(store.as_ref())
                .await?
                .into_iter()
                .map(ConnectionRow)
                .collect();
            print_list(&rows, f.format)
        }
    }
}

async fn create(store: &Arc<dyn Store>, args: ConnectionCreateArgs) -> anyhow::Result<()> {
    let base_url = checked_url(&args.base_url)?;
    let access_key_secret = secret(args.access_key_secret, args.access_key_secret_stdin)?.context(
        "give the access key secret with --access-key-secret-stdin or GONG_ACCESS_KEY_SECRET",
    )?;
    let new = NewAccessKey {
        name: args.name,
        base_url,
        access_key: args.access_key,
        access_key_secret,
        replace: args.replace,
    };
    let created =
        connections::create_access_key(store, &ClientConfig::default(), new, Utc::now()).await;
    let created = match created {
        Err(e @ connections::ConnectionError::SameAccount { .. }) => {
            anyhow::bail!("{e} On the command line, the Replace option is --replace.")
        }
        other => other?,
    };
    let connection = created.connection;
    for old in &created.replaced {
        super::audited(store, Audited::connection_replaced(old, &connection.name)).await;
        println!(
            "Replaced connection '{old}': its activities now belong to '{}'.",
            connection.name
        );
    }
    let shown =
        json!({"name": connection.name, "base_url": connection.base_url, "auth": "Access key"});
    super::audited(
        store,
        Audited::new(AuditAction::ConnectionCreated, target(&connection.name)).after(&shown),
    )
    .await;
    println!(
        "Created connection '{}' (id {}); Gong accepted its access key. Sync it with: gong-timeline sync --connection '{}'",
        connection.name, connection.id, connection.name
    );
    Ok(())
}

async fn update(store: &Arc<dyn Store>, args: ConnectionUpdateArgs) -> anyhow::Result<()> {
    let connection = super::connection_named(store, &args.name).await?;
    let change = Change {
        name: args.new_name,
        base_url: args.base_url.as_deref().map(checked_url).transpose()?,
        access_key: match args.access_key {
            Some(key) => Some((
                key,
                secret(args.access_key_secret, args.access_key_secret_stdin)?.context(
                    "--access-key needs its secret: --access-key-secret, --access-key-secret-stdin or GONG_ACCESS_KEY_SECRET",
                )?,
            )),
            None => None,
        },
    };
    anyhow::ensure!(
        change.name.is_some() || change.base_url.is_some() || change.access_key.is_some(),
        "nothing to change: give --new-name, --base-url, or --access-key with --access-key-secret"
    );
    let checked = change.base_url.is_some() || change.access_key.is_some();
    let key_changed = change.access_key.is_some();
    let updated =
        connections::update(store, &ClientConfig::default(), connection.id, change).await?;
    let before = json!({"name": connection.name, "base_url": connection.base_url});
    let after =
        json!({"name": updated.name, "base_url": updated.base_url, "key_replaced": key_changed});
    super::audited(
        store,
        Audited::new(AuditAction::ConnectionUpdated, target(&updated.name))
            .before(&before)
            .after(&after),
    )
    .await;
    println!(
        "Updated connection '{}'.{}",
        updated.name,
        if checked {
            " Gong accepted its access key; the next sync uses it."
        } else {
            ""
        }
    );
    Ok(())
}

async fn delete(store: &Arc<dyn Store>, args: ConnectionDeleteArgs) -> anyhow::Result<()> {
    let connection = super::connection_named(store, &args.name).await?;
    let what = "its credentials, settings, user mappings and sync state are removed; the Timeline's activities and the execution log are kept";
    if !args.yes {
        anyhow::ensure!(
            std::io::stdin().is_terminal(),
            "deleting connection '{}' needs confirmation: {what}. Add --yes to delete it",
            connection.name
        );
        eprint!(
            "Delete connection '{}'? {what}. Type yes to delete: ",
            connection.name
        );
        std::io::stderr().flush()?;
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer)?;
        anyhow::ensure!(
            answer.trim().eq_ignore_ascii_case("yes"),
            "not deleted: the answer was not yes"
        );
    }
    connections::delete(store, connection.id, Utc::now()).await?;
    let before = json!({"name": connection.name, "base_url": connection.base_url});
    super::audited(
        store,
        Audited::new(AuditAction::ConnectionDeleted, target(&connection.name)).before(&before),
    )
    .await;
    println!("Deleted connection '{}': {what}.", connection.name);
    Ok(())
}

async fn authorize_cmd(
    store: &Arc<dyn Store>,
    args: ConnectionAuthorizeArgs,
) -> anyhow::Result<()> {
    let oauth_url = checked_url(&args.oauth_url)?;
    let connection = match store.connection_by_name(&args.name).await? {
        Some(c) => c,
        None => {
            gong_timeline_sync::connections::name_free(store.as_ref(), &args.name, None).await?;
            store
                .create_connection(NewConnection {
                    name: args.name.clone(),
                    base_url: oauth_url.clone(),
                    credentials: Credentials::OAuth(OAuthCredentials {
                        client_id: args.client_id.clone(),
                        client_secret: args.client_secret.clone(),
                        tokens: None,
                        api_base_url: None,
                    }),
                    status: ConnectionStatus::Pending,
                    created_at: Utc::now(),
                })
                .await?
        }
    };
    authorize::run(store, &connection, &oauth_url, &args).await?;
    super::audited(
        store,
        Audited::new(AuditAction::ConnectionAuthorised, target(&connection.name)),
    )
    .await;
    Ok(())
}

/// How an audit entry names a connection.
pub fn target(name: &str) -> String {
    gong_timeline_sync::audit::connection_target(name)
}

/// A base URL must be http(s) and parse; a trailing slash is dropped.
/// The secret from the flag / environment, or from standard input's first line.
fn secret(given: Option<String>, from_stdin: bool) -> anyhow::Result<Option<String>> {
    if !from_stdin {
        return Ok(given);
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("reading the access key secret from standard input")?;
    let line = line.trim_end_matches(['\r', '\n']).to_string();
    anyhow::ensure!(!line.is_empty(), "standard input held no access key secret");
    Ok(Some(line))
}

/// A base URL as given, refused when it is no http(s) URL or carries a user name or
/// password (which would be stored and printed as part of the URL; credentials go in
/// --access-key and the secret).
pub fn checked_url(raw: &str) -> anyhow::Result<String> {
    let url = url::Url::parse(raw.trim()).map_err(|e| {
        anyhow::anyhow!("the base URL is not a URL ({e}); give e.g. https://us-12345.api.gong.io")
    })?;
    if !url.username().is_empty() || url.password().is_some() {
        let mut shown = url.clone();
        let _ = shown.set_username("");
        let _ = shown.set_password(None);
        anyhow::bail!(
            "the base URL carries a user name or password; give it without them ({}) and the credentials with --access-key and --access-key-secret-stdin",
            shown.as_str().trim_end_matches('/')
        );
    }
    anyhow::ensure!(
        matches!(url.scheme(), "http" | "https"),
        "'{raw}' must be an http or https URL"
    );
    Ok(url.as_str().trim_end_matches('/').to_string())
}

/// A connection as listed: the same object as the API's (never its credentials).
#[derive(Serialize)]
#[serde(transparent)]
struct ConnectionRow(Overview);

impl TableRow for ConnectionRow {
    fn headers() -> Vec<&'static str> {
        vec![
            "id", "name", "auth", "base_url", "status", "last_job", "warning",
        ]
    }
    fn cells(&self) -> Vec<String> {
        let c = &self.0;
        let last_job = match &c.last_job {
            None => String::new(),
            Some(j) => match &j.message {
                Some(m) => format!("{} {}: {m}", j.id, j.status),
                None => format!("{} {}", j.id, j.status),
            },
        };
        vec![
            c.id.to_string(),
            c.name.clone(),
            c.auth.to_string(),
            c.base_url.clone(),
            c.status.to_string(),
            last_job,
            if c.hubspot_warning {
                "Gong's HubSpot CRM integration is not supported".into()
            } else {
                String::new()
            },
        ]
    }
}
