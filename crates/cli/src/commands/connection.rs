//! `connection create|authorize|list`.

use std::sync::Arc;

use anyhow::Context;
use chrono::Utc;
use gong_timeline_store::{
    Connection, ConnectionStatus, Credentials, NewConnection, OAuthCredentials, Store,
};
use serde::Serialize;

use crate::args::{
    ConnectionAuthorizeArgs, ConnectionCommand, ConnectionCreateArgs, ConnectionUpdateArgs,
};
use crate::output::{print_list, TableRow};

mod authorize;

/// Runs a `connection` subcommand.
pub async fn run(store: &Arc<dyn Store>, cmd: ConnectionCommand) -> anyhow::Result<()> {
    match cmd {
        ConnectionCommand::Create(args) => create(store, args).await,
        ConnectionCommand::Authorize(args) => authorize_cmd(store, args).await,
        ConnectionCommand::Update(args) => update(store, args).await,
        ConnectionCommand::List(f) => {
            let rows: Vec<ConnectionRow> = store
                .list_connections()
                .await?
                .into_iter()
                .map(ConnectionRow::from)
                .collect();
            print_list(&rows, f.format)
        }
    }
}

async fn create(store: &Arc<dyn Store>, args: ConnectionCreateArgs) -> anyhow::Result<()> {
    let base_url = checked_url(&args.base_url)?;
    let connection = store
        .create_connection(NewConnection {
            name: args.name.trim().to_string(),
            base_url,
            credentials: Credentials::Basic {
                access_key: args.access_key,
                access_key_secret: args.access_key_secret,
            },
            status: ConnectionStatus::Authorised,
            created_at: Utc::now(),
        })
        .await?;
    println!(
        "Created connection '{}' (id {}). Sync it with: gong-timeline sync --connection '{}'",
        connection.name, connection.id, connection.name
    );
    Ok(())
}

async fn update(store: &Arc<dyn Store>, args: ConnectionUpdateArgs) -> anyhow::Result<()> {
    let connection = super::connection_named(store, &args.name).await?;
    anyhow::ensure!(
        connection.auth_kind == gong_timeline_store::AuthKind::Basic,
        "connection '{}' uses OAuth; re-authorise it with `gong-timeline connection authorize` or in the web UI",
        connection.name
    );
    let credentials = Credentials::Basic {
        access_key: args.access_key,
        access_key_secret: args.access_key_secret,
    };
    store.update_credentials(connection.id, credentials).await?;
    store
        .set_connection_status(connection.id, ConnectionStatus::Authorised)
        .await?;
    println!(
        "Updated the access key of '{}'. The next sync uses it.",
        connection.name
    );
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
    authorize::run(store, &connection, &oauth_url, &args).await
}

/// A base URL must be http(s) and parse; a trailing slash is dropped.
pub fn checked_url(raw: &str) -> anyhow::Result<String> {
    let url = url::Url::parse(raw.trim())
        .with_context(|| format!("'{raw}' is not a URL; give e.g. https://us-12345.api.gong.io"))?;
    anyhow::ensure!(
        matches!(url.scheme(), "http" | "https"),
        "'{raw}' must be an http or https URL"
    );
    Ok(url.as_str().trim_end_matches('/').to_string())
}

/// A connection as listed: never its credentials.
#[derive(Serialize)]
struct ConnectionRow {
    id: i64,
    name: String,
    base_url: String,
    auth: String,
    status: String,
    hubspot_warning: bool,
    last_sync_at: Option<chrono::DateTime<Utc>>,
}

impl From<Connection> for ConnectionRow {
    fn from(c: Connection) -> Self {
        ConnectionRow {
            id: c.id,
            name: c.name,
            base_url: c.base_url,
            auth: c.auth_kind.to_string(),
            status: c.status.to_string(),
            hubspot_warning: c.hubspot_warning,
            last_sync_at: c.last_sync_at,
        }
    }
}

impl TableRow for ConnectionRow {
    fn headers() -> Vec<&'static str> {
        vec![
            "id",
            "name",
            "base_url",
            "auth",
            "status",
            "last_sync_at",
            "warning",
        ]
    }
    fn cells(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.name.clone(),
            self.base_url.clone(),
            self.auth.clone(),
            self.status.clone(),
            self.last_sync_at
                .map(|t| t.to_rfc3339())
                .unwrap_or_default(),
            if self.hubspot_warning {
                "Gong's HubSpot CRM integration is not supported".into()
            } else {
                String::new()
            },
        ]
    }
}
