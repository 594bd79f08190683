//! The connection lifecycle (C5, C6), one function per action for the CLI, the web UI
//! and the API: create an access-key connection only once Gong accepted its
//! credentials, change it (name, base URL, key), delete it, and the overview the lists
//! and pages show (status as the admin sees it, and the last job with its reason).
//!
//! Base URLs arrive already checked by the caller's edge (the CLI accepts any http(s)
//! URL, the web only allowed Gong hosts).
//!
//! S10: the credentials check learns the Gong account (workspace ids, and the OAuth
//! customer host); a new connection to an account another live connection syncs is
//! refused ([`ConnectionError::SameAccount`]) unless it is asked to replace it, when
//! it takes the old one's place and activities ([`claim_account`]).

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use gong_timeline_domain::quota::{bucket_of, Purpose, RequestCount};
use gong_timeline_domain::{ConnectionStatus, GongAccount, JobStatus, SharedBy};
use gong_timeline_gong::{ClientConfig, Credentials as GongCredentials, GongClient, GongError};
use gong_timeline_store::{
    AuthKind, Connection, ConnectionChange, ConnectionId, Credentials, JobFilter, JobId,
    NewConnection, Store, StoreError,
};
use serde::Serialize;

/// Why a connection action was refused, naming the field to fix where there is one.
#[derive(Debug, thiserror::Error)]
pub enum ConnectionError {
    /// Blank or too long.
    #[error("enter a name of 1 to 100 characters")]
    InvalidName,
    /// The name is taken; `pending` is the id of a not-yet-authorised connection of
    /// that name (an abandoned OAuth create), which can be resumed or deleted.
    #[error("{}", name_taken(.name, *.pending))]
    NameTaken {
        /// The name.
        name: String,
        /// The taken connection, when it is not yet authorised.
        pending: Option<ConnectionId>,
    },
    /// Key or secret missing.
    #[error("enter the access key and its secret")]
    MissingKey,
    /// Gong answered, and refused (bad key, wrong host, an error answer).
    #[error("{0} Nothing was saved.")]
    Refused(GongError),
    /// Gong could not be reached to check the credentials.
    #[error("{0} Nothing was saved.")]
    Unreachable(GongError),
    /// An access key was given for an OAuth connection, or its host changed.
    #[error("connection '{0}' uses OAuth: its API host and tokens come from Gong; re-authorise it instead (web: its page > Re-authorize; CLI: `gong-timeline connection authorize --name '{0}'`)")]
    NotAccessKey(String),
    /// No such connection.
    #[error("there is no connection {0}; list them with `gong-timeline connection list`")]
    NotFound(String),
    /// A job of the connection is running.
    #[error("a sync of '{0}' is running; wait for it to finish, then try again")]
    Busy(String),
    /// S10: another live connection syncs the same Gong account.
    #[error("Connection '{existing}' already syncs this Gong account ({shared}). Update the credentials of '{existing}' instead, or replace it with this connection, keeping its activities (the Replace option). Nothing was saved.")]
    SameAccount {
        /// The existing connection's name.
        existing: String,
        /// What they share.
        shared: SharedBy,
    },
    /// S10: a credentials change would point a connection at an account another
    /// live connection syncs.
    #[error("Connection '{existing}' already syncs that Gong account ({shared}); one Gong account is synced by one connection. Nothing was saved.")]
    AccountTaken {
        /// The other connection's name.
        existing: String,
        /// What they share.
        shared: SharedBy,
    },
    /// Gong answered, but the answer could not be used (the setup failed).
    #[error(transparent)]
    Sync(Box<crate::SyncError>),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn name_taken(name: &str, pending: Option<ConnectionId>) -> String {
    match pending {
        Some(id) => format!(
            "a connection named '{name}' already exists but was never authorised: open it (/connectors/{id}) to Authorize it or Delete it, or choose another name"
        ),
        None => format!("a connection named '{name}' already exists; choose another name"),
    }
}

impl ConnectionError {
    /// The form field the error is about, if one.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            ConnectionError::InvalidName | ConnectionError::NameTaken { .. } => Some("name"),
            ConnectionError::MissingKey => Some("access_key"),
            ConnectionError::Refused(GongError::BadCredentials { .. }) => Some("access_key"),
            ConnectionError::Refused(_) | ConnectionError::Unreachable(_) => Some("base_url"),
            _ => None,
        }
    }
}

/// An access-key connection to create.
#[derive(Debug, Clone)]
pub struct NewAccessKey {
    /// Name, unique.
    pub name: String,
    /// Gong API base URL, checked by the caller.
    pub base_url: String,
    /// Access key.
    pub access_key: String,
    /// Access key secret.
    pub access_key_secret: String,
    /// S10: replace the connection that syncs the same Gong account, keeping its
    /// activities (else such a connection refuses the new one).
    pub replace: bool,
}

/// A change to a connection; `None` keeps the value.
#[derive(Debug, Clone, Default)]
pub struct Change {
    /// New name.
    pub name: Option<String>,
    /// New base URL (access-key connections), checked by the caller.
    pub base_url: Option<String>,
    /// New access key and secret (access-key connections).
    pub access_key: Option<(String, String)>,
}

/// The last job of a connection, as lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LastJob {
    /// Job id.
    pub id: JobId,
    /// Its status.
    pub status: JobStatus,
    /// Why it failed, when it did.
    pub message: Option<String>,
}

/// A connection as lists and pages show it: never its credentials.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Overview {
    /// Store id.
    pub id: ConnectionId,
    /// Name.
    pub name: String,
    /// Basic or OAuth.
    pub auth: AuthKind,
    /// Gong base URL.
    pub base_url: String,
    /// The status the admin sees (C6): Disabled when the toggle is off.
    pub status: ConnectionStatus,
    /// The "Sync Gong Meetings" toggle.
    pub enabled: bool,
    /// C3's HubSpot warning.
    pub hubspot_warning: bool,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// When its last job finished.
    pub last_sync_at: Option<DateTime<Utc>>,
    /// Its newest job.
    pub last_job: Option<LastJob>,
}

fn check_name(name: &str) -> Result<String, ConnectionError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ConnectionError::InvalidName);
    }
    Ok(name.to_string())
}

/// A name no other connection has, in any case: "ACME" and "acme" side by side
/// would be told apart only by their case in every list and `--connection`.
pub async fn name_free(
    store: &dyn Store,
    name: &str,
    renamed: Option<ConnectionId>,
) -> Result<(), ConnectionError> {
    let taken = store
        .list_connections()
        .await?
        .into_iter()
        .find(|c| Some(c.id) != renamed && same_name(&c.name, name));
    match taken {
        None => Ok(()),
        Some(taken) => Err(ConnectionError::NameTaken {
            name: taken.name,
            pending: (taken.status == ConnectionStatus::Pending).then_some(taken.id),
        }),
    }
}

fn same_name(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

/// Checks an access key with one cheap Gong request (`GET /v2/workspaces`), retried
/// once at most: a refusal is Gong's reason, an unreachable host says so. Returns the
/// requests Gong was sent (attempts included), whatever the outcome, to be counted
/// as set-up in the connection's usage (Q4), and the Gong account the key reaches
/// (its workspace ids, S10).
pub async fn check_access_key(
    template: &ClientConfig,
    base_url: &str,
    access_key: &str,
    access_key_secret: &str,
) -> (u64, Result<GongAccount, ConnectionError>) {
    let config = ClientConfig {
        base_url: base_url.to_string(),
        max_retries: template.max_retries.min(1),
        timeout: template.timeout.min(Duration::from_secs(20)),
        connect_timeout: template.connect_timeout.min(Duration::from_secs(5)),
        ..template.clone()
    };
    let credentials = GongCredentials::basic(access_key.to_string(), access_key_secret.to_string());
    let client = match GongClient::new(config, credentials) {
        Ok(client) => client,
        Err(e) => return (0, Err(ConnectionError::Refused(e))),
    };
    let checked = workspaces_account(&client, None).await;
    (client.requests_made(), checked)
}

/// The Gong account `client` reaches: its workspace ids (one `GET /v2/workspaces`)
/// and the OAuth customer host, if one.
pub async fn workspaces_account(
    client: &GongClient,
    api_base_url: Option<&str>,
) -> Result<GongAccount, ConnectionError> {
    match client.workspaces().await {
        Ok(workspaces) => Ok(GongAccount::new(
            workspaces.into_iter().filter_map(|w| w.id),
            api_base_url,
        )),
        Err(e) if e.is_retriable() => Err(ConnectionError::Unreachable(e)),
        Err(e) => Err(ConnectionError::Refused(e)),
    }
}

/// S10: the Gong account an authorised OAuth connection reaches (one request with
/// its new tokens), its customer host included.
pub async fn oauth_account(
    store: &Arc<dyn Store>,
    template: &ClientConfig,
    connection: &Connection,
    api_base_url: Option<&str>,
) -> Result<GongAccount, ConnectionError> {
    let client = crate::connect::client_for(store, connection, template)
        .await
        .map_err(|e| ConnectionError::Sync(Box::new(e)))?;
    let account = match workspaces_account(&client, api_base_url).await {
        // Tokens granted before the workspaces scope was asked for: the customer
        // host alone tells the account.
        Err(ConnectionError::Refused(e)) => {
            tracing::warn!(connection = %connection.name, "Gong refused the workspaces request ({e}); the account is told by its API host alone.");
            Ok(GongAccount::new(Vec::<String>::new(), api_base_url))
        }
        other => other,
    };
    count_check(
        store.as_ref(),
        connection.id,
        client.requests_made(),
        Utc::now(),
    )
    .await?;
    account
}

/// S10: the live connections other than `me` that sync `account`: an error naming
/// the first when `replace` is off, else the connections to replace (none busy).
pub async fn claim_account(
    store: &dyn Store,
    account: &GongAccount,
    me: Option<ConnectionId>,
    replace: bool,
) -> Result<Vec<Connection>, ConnectionError> {
    let mut others = Vec::new();
    for (connection, known) in store.gong_accounts().await? {
        if Some(connection.id) == me {
            continue;
        }
        if let Some(shared) = account.shared_with(&known) {
            if !replace {
                return Err(ConnectionError::SameAccount {
                    existing: connection.name,
                    shared,
                });
            }
            others.push(connection);
        }
    }
    for old in &others {
        if running(store, old.id).await? {
            return Err(ConnectionError::Busy(old.name.clone()));
        }
    }
    Ok(others)
}

/// S10: records `id`'s account and has it take the place of `replaced` (deleted,
/// their activities handed over).
pub async fn settle_account(
    store: &dyn Store,
    id: ConnectionId,
    account: &GongAccount,
    replaced: &[Connection],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    for old in replaced {
        store.replace_connection(old.id, id, now).await?;
        tracing::info!(
            replaced = %old.name,
            "Connection replaced by one to the same Gong account; its activities were kept."
        );
    }
    store.set_gong_account(id, account).await
}

async fn running(store: &dyn Store, id: ConnectionId) -> Result<bool, StoreError> {
    Ok(last_job(store, id)
        .await?
        .is_some_and(|j| j.status == JobStatus::InProgress))
}

/// Counts a credentials check's requests in the connection's usage (Q4): the check
/// ran before the ledger could, for a connection not yet stored.
async fn count_check(
    store: &dyn Store,
    id: ConnectionId,
    requests: u64,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    if requests == 0 {
        return Ok(());
    }
    let count = RequestCount {
        bucket: bucket_of(now),
        purpose: Purpose::Setup,
        endpoint: gong_timeline_gong::wire::WORKSPACES_PATH.to_owned(),
        requests,
    };
    store.add_gong_requests(id, &[count]).await
}

/// A connection just made, and the connections it replaced (S10): their names as
/// they were, for the audit log.
#[derive(Debug, Clone)]
pub struct CreatedConnection {
    /// The new connection.
    pub connection: Connection,
    /// The connections to the same Gong account it took the place of.
    pub replaced: Vec<String>,
}

/// C5: creates an access-key connection once Gong accepted the credentials; a refusal
/// stores nothing.
pub async fn create_access_key(
    store: &Arc<dyn Store>,
    template: &ClientConfig,
    new: NewAccessKey,
    now: DateTime<Utc>,
) -> Result<CreatedConnection, ConnectionError> {
    let name = check_name(&new.name)?;
    let (key, secret) = (new.access_key.trim(), new.access_key_secret.trim());
    if key.is_empty() || secret.is_empty() {
        return Err(ConnectionError::MissingKey);
    }
    name_free(store.as_ref(), &name, None).await?;
    let (requests, checked) = check_access_key(template, &new.base_url, key, secret).await;
    let account = checked?;
    let replaced = claim_account(store.as_ref(), &account, None, new.replace).await?;
    let created = store
        .create_connection(NewConnection {
            name: name.clone(),
            base_url: new.base_url,
            credentials: Credentials::Basic {
                access_key: key.to_string(),
                access_key_secret: secret.to_string(),
            },
            status: ConnectionStatus::Authorised,
            created_at: now,
        })
        .await;
    match created {
        Err(StoreError::AlreadyExists { .. }) => Err(ConnectionError::NameTaken {
            name,
            pending: None,
        }),
        Err(other) => Err(other.into()),
        Ok(created) => {
            count_check(store.as_ref(), created.id, requests, now).await?;
            settle_account(store.as_ref(), created.id, &account, &replaced, now).await?;
            Ok(CreatedConnection {
                connection: created,
                replaced: replaced.into_iter().map(|c| c.name).collect(),
            })
        }
    }
}

/// A connection by id, or [`ConnectionError::NotFound`].
pub async fn get(store: &dyn Store, id: ConnectionId) -> Result<Connection, ConnectionError> {
    store
        .get_connection(id)
        .await?
        .ok_or_else(|| ConnectionError::NotFound(id.to_string()))
}

/// C5: renames a connection, re-points it, or replaces its access key. A new key or
/// host of an access-key connection is checked with Gong first (then the connection
/// is Authorised again); a refusal changes nothing.
pub async fn update(
    store: &Arc<dyn Store>,
    template: &ClientConfig,
    id: ConnectionId,
    change: Change,
) -> Result<Connection, ConnectionError> {
    let connection = get(store.as_ref(), id).await?;
    let name = match change.name.as_deref() {
        Some(n) if n.trim() != connection.name => {
            let n = check_name(n)?;
            name_free(store.as_ref(), &n, Some(id)).await?;
            Some(n)
        }
        _ => None,
    };
    let checks_gong = change.base_url.is_some() || change.access_key.is_some();
    if checks_gong && connection.auth_kind != AuthKind::Basic {
        return Err(ConnectionError::NotAccessKey(connection.name));
    }
    if checks_gong {
        let (key, secret) = match change.access_key.clone() {
            Some((k, s)) if k.trim().is_empty() || s.trim().is_empty() => {
                return Err(ConnectionError::MissingKey)
            }
            Some((k, s)) => (k.trim().to_string(), s.trim().to_string()),
            None => match store.connection_credentials(id).await? {
                Credentials::Basic {
                    access_key,
                    access_key_secret,
                } => (access_key, access_key_secret),
                Credentials::OAuth(_) => {
                    return Err(ConnectionError::NotAccessKey(connection.name))
                }
            },
        };
        let base_url = change.base_url.as_deref().unwrap_or(&connection.base_url);
        let (requests, checked) = check_access_key(template, base_url, &key, &secret).await;
        count_check(store.as_ref(), id, requests, Utc::now()).await?;
        let account = checked?;
        match claim_account(store.as_ref(), &account, Some(id), false).await {
            Err(ConnectionError::SameAccount { existing, shared }) => {
                return Err(ConnectionError::AccountTaken { existing, shared })
            }
            other => other?,
        };
        store.set_gong_account(id, &account).await?;
        if change.access_key.is_some() {
            let credentials = Credentials::Basic {
                access_key: key,
                access_key_secret: secret,
            };
            store.update_credentials(id, credentials).await?;
        }
        store
            .set_connection_status(id, ConnectionStatus::Authorised)
            .await?;
    }
    let base_url = change.base_url;
    match store
        .update_connection(
            id,
            ConnectionChange {
                name: name.clone(),
                base_url,
            },
        )
        .await
    {
        Err(StoreError::AlreadyExists { .. }) => Err(ConnectionError::NameTaken {
            name: name.unwrap_or_default(),
            pending: None,
        }),
        other => Ok(other?),
    }
}

/// C5: deletes a connection: credentials, settings, user mappings and sync state go;
/// the Timeline's activities and the execution log stay. Refused while a job runs.
pub async fn delete(
    store: &Arc<dyn Store>,
    id: ConnectionId,
    now: DateTime<Utc>,
) -> Result<Connection, ConnectionError> {
    let connection = get(store.as_ref(), id).await?;
    if running(store.as_ref(), id).await? {
        return Err(ConnectionError::Busy(connection.name));
    }
    store.delete_connection(id, now).await?;
    Ok(connection)
}

async fn last_job(store: &dyn Store, id: ConnectionId) -> Result<Option<LastJob>, StoreError> {
    let jobs = store
        .list_jobs(JobFilter {
            connection_id: Some(id),
            limit: Some(1),
            ..JobFilter::default()
        })
        .await?;
    Ok(jobs.into_iter().next().map(|j| LastJob {
        id: j.id,
        status: j.status,
        message: j.message,
    }))
}

/// One connection as shown: its status with the toggle applied, and its last job.
pub async fn overview(store: &dyn Store, c: Connection) -> Result<Overview, StoreError> {
    let enabled = store.get_settings(c.id).await?.enabled;
    let last_job = last_job(store, c.id).await?;
    Ok(Overview {
        id: c.id,
        status: ConnectionStatus::shown(c.status, enabled),
        name: c.name,
        auth: c.auth_kind,
        base_url: c.base_url,
        enabled,
        hubspot_warning: c.hubspot_warning,
        created_at: c.created_at,
        last_sync_at: c.last_sync_at,
        last_job,
    })
}

/// Every connection as shown, by name.
pub async fn list(store: &dyn Store) -> Result<Vec<Overview>, StoreError> {
    let mut out = Vec::new();
    for c in store.list_connections().await? {
        out.push(overview(store, c).await?);
    }
    Ok(out)
}
