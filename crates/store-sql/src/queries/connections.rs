//! Gong connections (credentials sealed with the store's key) and their settings.
//! Token saves lock the connection's row, so replicas refreshing at once never
//! lose each other's rotation.

use chrono::{DateTime, Utc};
use gong_timeline_domain::GongAccount;
use gong_timeline_store::{
    Connection, ConnectionChange, ConnectionId, ConnectionStatus, Credentials, NewConnection,
    OAuthCredentials, Result, Settings, StoreError,
};

use super::dialect::{self, Conn};
use super::error::{db_error, is_unique_violation, Ctx};
use super::Backend;
use crate::codec::{read_enum, read_json, read_ts, read_ts_opt, to_json, ts};

const COLUMNS: &str =
    "id, name, base_url, auth_kind, status, hubspot_warning, created_at, last_sync_at";

#[derive(sqlx::FromRow)]
struct ConnectionRecord {
    id: i64,
    name: String,
    base_url: String,
    auth_kind: String,
    status: String,
    hubspot_warning: bool,
    created_at: String,
    last_sync_at: Option<String>,
}

impl ConnectionRecord {
    fn into_connection(self) -> Result<Connection> {
        Ok(Connection {
            id: self.id.into(),
            name: self.name,
            base_url: self.base_url,
            auth_kind: read_enum("connections.auth_kind", &self.auth_kind)?,
            status: read_enum("connections.status", &self.status)?,
            hubspot_warning: self.hubspot_warning,
            created_at: read_ts("connections.created_at", &self.created_at)?,
            last_sync_at: read_ts_opt("connections.last_sync_at", self.last_sync_at.as_deref())?,
        })
    }
}

pub(crate) async fn create(store: &Backend, new: NewConnection) -> Result<Connection> {
    let sealed = store.key.seal_credentials(&new.credentials)?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO connections (name, base_url, auth_kind, credentials, status, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(&new.name)
    .bind(&new.base_url)
    .bind(new.credentials.kind().as_str())
    .bind(sealed)
    .bind(new.status.as_str())
    .bind(ts(new.created_at))
    .fetch_one(&store.pool)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            StoreError::AlreadyExists {
                what: "connection",
                field: "name",
                key: new.name.clone(),
            }
        } else {
            super::error::db_error("creating a connection", e)
        }
    })?;
    get(store, id.into())
        .await?
        .ok_or_else(|| StoreError::not_found("connection", id))
}

pub(crate) async fn get(store: &Backend, id: ConnectionId) -> Result<Option<Connection>> {
    let sql = format!("SELECT {COLUMNS} FROM connections WHERE id = $1 AND deleted_at IS NULL");
    let row: Option<ConnectionRecord> = sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(&store.pool)
        .await
        .ctx("reading a connection")?;
    row.map(ConnectionRecord::into_connection).transpose()
}

pub(crate) async fn by_name(store: &Backend, name: &str) -> Result<Option<Connection>> {
    let sql = format!("SELECT {COLUMNS} FROM connections WHERE name = $1 AND deleted_at IS NULL");
    let row: Option<ConnectionRecord> = sqlx::query_as(&sql)
        .bind(name)
        .fetch_optional(&store.pool)
        .await
        .ctx("reading a connection")?;
    row.map(ConnectionRecord::into_connection).transpose()
}

pub(crate) async fn list(store: &Backend) -> Result<Vec<Connection>> {
    let sql = format!("SELECT {COLUMNS} FROM connections WHERE deleted_at IS NULL ORDER BY name");
    let rows: Vec<ConnectionRecord> = sqlx::query_as(&sql)
        .fetch_all(&store.pool)
        .await
        .ctx("listing connections")?;
    rows.into_iter()
        .map(ConnectionRecord::into_connection)
        .collect()
}

pub(crate) async fn credentials(store: &Backend, id: ConnectionId) -> Result<Credentials> {
    let sealed: Option<String> = sqlx::query_scalar(
        "SELECT credentials FROM connections WHERE id = $1 AND deleted_at IS NULL",
    )
    .bind(id)
    .fetch_optional(&store.pool)
    .await
    .ctx("reading credentials")?;
    let sealed = sealed.ok_or_else(|| StoreError::not_found("connection", id))?;
    Ok(store.key.open_credentials(&sealed)?)
}

pub(crate) async fn update_credentials(
    store: &Backend,
    id: ConnectionId,
    credentials: Credentials,
) -> Result<()> {
    let sealed = store.key.seal_credentials(&credentials)?;
    let done = sqlx::query(
        "UPDATE connections SET credentials = $1, auth_kind = $2 WHERE id = $3 AND deleted_at IS NULL",
    )
    .bind(sealed)
    .bind(credentials.kind().as_str())
    .bind(id)
    .execute(&store.pool)
    .await
    .ctx("saving credentials")?;
    found(done.rows_affected(), id)
}

/// Read, change and write the sealed credentials inside one write transaction, so two
/// refreshes never lose each other's tokens.
pub(crate) async fn save_oauth_tokens(
    store: &Backend,
    id: ConnectionId,
    tokens: serde_json::Value,
    api_base_url: Option<String>,
) -> Result<()> {
    const CTX: &str = "saving OAuth tokens";
    let mut tx = store.write_tx(CTX).await?;
    let sealed: Option<String> = sqlx::query_scalar(&format!(
        "SELECT credentials FROM connections WHERE id = $1{}",
        dialect::LOCK_ROW
    ))
    .bind(id)
    .fetch_optional(&mut *tx)
    .await
    .ctx(CTX)?;
    let sealed = sealed.ok_or_else(|| StoreError::not_found("connection", id))?;
    let oauth = oauth_of(store, id, &sealed, "save")?;
    write_tokens(store, &mut tx, id, oauth, (tokens, api_base_url), CTX).await?;
    tx.commit().await.ctx(CTX)
}

/// The OAuth credentials in `sealed`; an access-key connection has none, so there
/// are no tokens to `save` or `rotate` (`doing`).
pub(crate) fn oauth_of(
    store: &Backend,
    id: ConnectionId,
    sealed: &str,
    doing: &str,
) -> Result<OAuthCredentials> {
    match store.key.open_credentials(sealed)? {
        Credentials::OAuth(oauth) => Ok(oauth),
        Credentials::Basic { .. } => Err(StoreError::Invalid(format!(
            "connection {id} authenticates with an access key, not OAuth: it has no tokens to {doing}"
        ))),
    }
}

/// Seals `oauth` with new tokens (and the API base URL, when Gong gave one) into the
/// connection and marks it Authorised, inside the caller's transaction.
pub(crate) async fn write_tokens(
    store: &Backend,
    conn: &mut Conn,
    id: ConnectionId,
    mut oauth: OAuthCredentials,
    (tokens, api_base_url): (serde_json::Value, Option<String>),
    context: &'static str,
) -> Result<()> {
    oauth.tokens = Some(tokens);
    if api_base_url.is_some() {
        oauth.api_base_url = api_base_url;
    }
    let resealed = store.key.seal_credentials(&Credentials::OAuth(oauth))?;
    sqlx::query("UPDATE connections SET credentials = $1, status = $2 WHERE id = $3")
        .bind(resealed)
        .bind(ConnectionStatus::Authorised.as_str())
        .bind(id)
        .execute(conn)
        .await
        .ctx(context)?;
    Ok(())
}

pub(crate) async fn set_status(
    store: &Backend,
    id: ConnectionId,
    status: ConnectionStatus,
) -> Result<()> {
    let done =
        sqlx::query("UPDATE connections SET status = $1 WHERE id = $2 AND deleted_at IS NULL")
            .bind(status.as_str())
            .bind(id)
            .execute(&store.pool)
            .await
            .ctx("setting a connection's status")?;
    found(done.rows_affected(), id)
}

pub(crate) async fn set_hubspot_warning(
    store: &Backend,
    id: ConnectionId,
    warn: bool,
) -> Result<()> {
    let done = sqlx::query("UPDATE connections SET hubspot_warning = $1 WHERE id = $2")
        .bind(warn)
        .bind(id)
        .execute(&store.pool)
        .await
        .ctx("setting the HubSpot warning")?;
    found(done.rows_affected(), id)
}

/// Renames a connection and/or changes its base URL.
pub(crate) async fn update(
    store: &Backend,
    id: ConnectionId,
    change: ConnectionChange,
) -> Result<Connection> {
    let done = sqlx::query(
        "UPDATE connections SET name = COALESCE($1, name), base_url = COALESCE($2, base_url) \
         WHERE id = $3 AND deleted_at IS NULL",
    )
    .bind(&change.name)
    .bind(&change.base_url)
    .bind(id)
    .execute(&store.pool)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            StoreError::AlreadyExists {
                what: "connection",
                field: "name",
                key: change.name.clone().unwrap_or_default(),
            }
        } else {
            super::error::db_error("changing a connection", e)
        }
    })?;
    found(done.rows_affected(), id)?;
    get(store, id)
        .await?
        .ok_or_else(|| StoreError::not_found("connection", id))
}

/// Deletes a connection (C5) in one transaction: its credentials, settings, mappings
/// and sync state (stored meetings included) go; the row stays, renamed `<name> (deleted #<id>)` so the name is
/// free again, for the activities and jobs that point at it.
pub(crate) async fn delete(
    store: &Backend,
    id: ConnectionId,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    const CTX: &str = "deleting a connection";
    let mut tx = store.write_tx(CTX).await?;
    delete_in(&mut tx, id, now).await?;
    tx.commit().await.ctx(CTX)
}

/// S10: deletes `old` as [`delete`] does and hands its activities to `new`, in one
/// transaction.
pub(crate) async fn replace(
    store: &Backend,
    old: ConnectionId,
    new: ConnectionId,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    const CTX: &str = "replacing a connection";
    let mut tx = store.write_tx(CTX).await?;
    let alive: Option<i64> =
        sqlx::query_scalar("SELECT id FROM connections WHERE id = $1 AND deleted_at IS NULL")
            .bind(new)
            .fetch_optional(&mut *tx)
            .await
            .ctx(CTX)?;
    found(u64::from(alive.is_some()), new)?;
    delete_in(&mut tx, old, now).await?;
    sqlx::query("UPDATE activities SET connection_id = $1 WHERE connection_id = $2")
        .bind(new)
        .bind(old)
        .execute(&mut *tx)
        .await
        .ctx(CTX)?;
    tx.commit().await.ctx(CTX)
}

async fn delete_in(conn: &mut Conn, id: ConnectionId, now: DateTime<Utc>) -> Result<()> {
    const CTX: &str = "deleting a connection";
    let done = sqlx::query(
        "UPDATE connections SET name = name || ' (deleted #' || id || ')', credentials = '', \
         deleted_at = $1 WHERE id = $2 AND deleted_at IS NULL",
    )
    .bind(ts(now))
    .bind(id)
    .execute(&mut *conn)
    .await
    .ctx(CTX)?;
    found(done.rows_affected(), id)?;
    for table in [
        "settings",
        "user_mappings",
        "checkpoints",
        "retry_list",
        "skip_marks",
        "stored_meetings",
        "webhooks",
        "webhook_queue",
        "quota_settings",
        "call_outcomes",
    ] {
        sqlx::query(&format!("DELETE FROM {table} WHERE connection_id = $1"))
            .bind(id)
            .execute(&mut *conn)
            .await
            .ctx(CTX)?;
    }
    Ok(())
}

/// Records the Gong account a connection reaches (S10).
pub(crate) async fn set_account(
    store: &Backend,
    id: ConnectionId,
    account: &GongAccount,
) -> Result<()> {
    let workspaces: Vec<&String> = account.workspace_ids.iter().collect();
    let done = sqlx::query(
        "UPDATE connections SET gong_workspaces = $1, gong_api_host = $2 \
         WHERE id = $3 AND deleted_at IS NULL",
    )
    .bind(to_json(&workspaces)?)
    .bind(account.api_host.as_deref())
    .bind(id)
    .execute(&store.pool)
    .await
    .ctx("recording a connection's Gong account")?;
    found(done.rows_affected(), id)
}

/// The known Gong accounts of the connections that are not deleted.
pub(crate) async fn accounts(store: &Backend) -> Result<Vec<(Connection, GongAccount)>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        connection: ConnectionRecord,
        gong_workspaces: Option<String>,
        gong_api_host: Option<String>,
    }
    let sql = format!(
        "SELECT {COLUMNS}, gong_workspaces, gong_api_host FROM connections \
         WHERE deleted_at IS NULL AND (gong_workspaces IS NOT NULL OR gong_api_host IS NOT NULL) \
         ORDER BY id"
    );
    let rows: Vec<Row> = sqlx::query_as(&sql)
        .fetch_all(&store.pool)
        .await
        .ctx("reading the connections' Gong accounts")?;
    rows.into_iter()
        .map(|r| {
            let workspaces: Vec<String> = match r.gong_workspaces.as_deref() {
                Some(text) => read_json("connections.gong_workspaces", text)?,
                None => Vec::new(),
            };
            let account = GongAccount {
                workspace_ids: workspaces.into_iter().collect(),
                api_host: r.gong_api_host,
            };
            Ok((r.connection.into_connection()?, account))
        })
        .collect()
}

fn found(rows: u64, id: ConnectionId) -> Result<()> {
    if rows == 0 {
        Err(StoreError::not_found("connection", id))
    } else {
        Ok(())
    }
}

type SettingsRecord = (bool, String, String, Option<String>, i64, i64, bool);

pub(crate) async fn get_settings(store: &Backend, id: ConnectionId) -> Result<Settings> {
    let row: Option<SettingsRecord> = sqlx::query_as(
        "SELECT enabled, activity_type, filters, filter_logic, backfill_days, lookback_hours, \
         transcripts FROM settings WHERE connection_id = $1",
    )
    .bind(id)
    .fetch_optional(&store.pool)
    .await
    .ctx("reading settings")?;
    let Some((enabled, activity_type, filters, filter_logic, backfill, lookback, transcripts)) =
        row
    else {
        return Ok(Settings::default());
    };
    Ok(Settings {
        enabled,
        activity_type,
        filters: read_json("settings.filters", &filters)?,
        filter_logic,
        backfill_days: u32::try_from(backfill).unwrap_or(0),
        lookback_hours: u32::try_from(lookback).unwrap_or(0),
        transcripts,
    })
}

pub(crate) async fn put_settings(
    store: &Backend,
    id: ConnectionId,
    settings: &Settings,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO settings (connection_id, enabled, activity_type, filters, filter_logic, backfill_days, lookback_hours, \
         transcripts) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT(connection_id) DO UPDATE SET enabled = excluded.enabled, \
         activity_type = excluded.activity_type, filters = excluded.filters, filter_logic = excluded.filter_logic, \
         backfill_days = excluded.backfill_days, lookback_hours = excluded.lookback_hours, \
         transcripts = excluded.transcripts",
    )
    .bind(id)
    .bind(settings.enabled)
    .bind(&settings.activity_type)
    .bind(to_json(&settings.filters)?)
    .bind(&settings.filter_logic)
    .bind(i64::from(settings.backfill_days))
    .bind(i64::from(settings.lookback_hours))
    .bind(settings.transcripts)
    .execute(&store.pool)
    .await
    .map_err(|e| {
        if matches!(&e, sqlx::Error::Database(db) if db.is_foreign_key_violation()) {
            StoreError::not_found("connection", id)
        } else {
            super::error::db_error("saving settings", e)
        }
    })?;
    Ok(())
}

/// Claims `slot` for the connection's scheduled job: true for the first claim of
/// that slot (or a later one), false when a replica claimed it already.
pub(crate) async fn claim_schedule_slot(
    store: &Backend,
    id: ConnectionId,
    slot: DateTime<Utc>,
) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO schedule_claims (connection_id, slot) VALUES ($1, $2) \
         ON CONFLICT(connection_id) DO UPDATE SET slot = excluded.slot \
         WHERE schedule_claims.slot < excluded.slot",
    )
    .bind(id)
    .bind(ts(slot))
    .execute(&store.pool)
    .await
    .map_err(|e| match &e {
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
            StoreError::not_found("connection", id)
        }
        _ => db_error("claiming a schedule slot", e),
    })?;
    Ok(done.rows_affected() == 1)
}

/// The slot the connection's scheduled job was last claimed for, if any.
pub(crate) async fn schedule_claim(
    store: &Backend,
    id: ConnectionId,
) -> Result<Option<DateTime<Utc>>> {
    let slot: Option<String> =
        sqlx::query_scalar("SELECT slot FROM schedule_claims WHERE connection_id = $1")
            .bind(id)
            .fetch_optional(&store.pool)
            .await
            .ctx("reading a schedule claim")?;
    read_ts_opt("schedule_claims.slot", slot.as_deref())
}
