//! Opening a store from a URL: `postgres://user:password@host:port/database` (or
//! `postgresql://`, with any libpq-style parameters sqlx understands, e.g.
//! `?sslmode=require`). Migrations are applied on first use; the secret key for
//! credentials comes from [`PgOptions::secret_key`], else `GONG_TIMELINE_SECRET_KEY`.

use std::str::FromStr;
use std::time::Duration;

use gong_timeline_store::crypto::{SecretKey, KEY_ENV};
use gong_timeline_store::{Result, StoreError};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, Connection};

use super::dialect::is_locked;
use super::PgStore;

/// How to open a store. `Default` is what [`PgStore::open`] uses.
#[derive(Debug, Clone)]
pub struct PgOptions {
    /// The credentials key; `None` = `GONG_TIMELINE_SECRET_KEY`.
    pub secret_key: Option<SecretKey>,
    /// Pool size of this process.
    pub max_connections: u32,
    /// How long to wait for a free pooled connection.
    pub acquire_timeout: Duration,
    /// Keep every table in this schema (created when missing) instead of the
    /// database's default search path. Lowercase letters, digits and `_` only.
    pub schema: Option<String>,
}

impl Default for PgOptions {
    fn default() -> Self {
        PgOptions {
            secret_key: None,
            max_connections: 8,
            acquire_timeout: Duration::from_secs(15),
            schema: None,
        }
    }
}

/// Whether `url` names a PostgreSQL database.
pub fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// `url` without its password, for messages.
pub(crate) fn display_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    match rest.split_once('@') {
        Some((user_info, host)) => {
            let user = user_info.split(':').next().unwrap_or_default();
            format!("{scheme}://{user}@{host}")
        }
        None => url.to_string(),
    }
}

impl PgStore {
    /// Opens the database at `url` and applies migrations.
    pub async fn open(url: &str) -> Result<PgStore> {
        PgStore::open_with(url, PgOptions::default()).await
    }

    /// [`PgStore::open`] with explicit options.
    pub async fn open_with(url: &str, options: PgOptions) -> Result<PgStore> {
        let open_err = |reason: String| StoreError::Open {
            url: display_url(url),
            reason,
        };
        let key = match options.secret_key.clone() {
            Some(key) => key,
            None => key_from_env().map_err(open_err)?,
        };
        let mut connect = PgConnectOptions::from_str(url)
            .map_err(|e| {
                open_err(format!(
                    "{e}; write it as postgres://user:password@host:5432/database"
                ))
            })?
            .log_statements(tracing::log::LevelFilter::Trace);
        if let Some(schema) = &options.schema {
            check_schema_name(schema).map_err(open_err)?;
            create_schema(&connect, schema)
                .await
                .map_err(|e| open_err(reason_of(&e)))?;
            connect = connect
                .options([("search_path", schema.as_str())])
                .application_name(&application_name(Some(schema)));
        } else {
            connect = connect.application_name(&application_name(None));
        }
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections.max(1))
            .acquire_timeout(options.acquire_timeout)
            .idle_timeout(Some(Duration::from_secs(600)))
            .connect_with(connect)
            .await
            .map_err(|e| {
                if is_locked(&e) {
                    StoreError::Locked
                } else {
                    open_err(reason_of(&e))
                }
            })?;
        sqlx::migrate!("./migrations/postgres")
            .run(&pool)
            .await
            .map_err(|e| StoreError::Migration(e.to_string()))?;
        check_key(&pool, &key).await.map_err(open_err)?;
        tracing::debug!(url = display_url(url), "Opened the PostgreSQL store.");
        Ok(PgStore { pool, key })
    }

    /// Creates `schema` in the database at `url` when it does not exist (tests give
    /// each run its own; a URL then selects it with `?options=-c%20search_path%3D…`).
    pub async fn create_schema(url: &str, schema: &str) -> Result<()> {
        check_schema_name(schema).map_err(StoreError::Invalid)?;
        let connect = PgConnectOptions::from_str(url).map_err(|e| StoreError::Open {
            url: display_url(url),
            reason: e.to_string(),
        })?;
        create_schema(&connect, schema)
            .await
            .map_err(|e| StoreError::Open {
                url: display_url(url),
                reason: reason_of(&e),
            })
    }

    /// Drops a schema made with [`PgOptions::schema`], with every table in it (tests
    /// and `bench` clean up after themselves), ending the connections still on it.
    pub async fn drop_schema(url: &str, schema: &str) -> Result<()> {
        check_schema_name(schema).map_err(StoreError::Invalid)?;
        let connect = PgConnectOptions::from_str(url).map_err(|e| StoreError::Open {
            url: display_url(url),
            reason: e.to_string(),
        })?;
        let mut conn = connect.connect().await.map_err(|e| StoreError::Open {
            url: display_url(url),
            reason: reason_of(&e),
        })?;
        // Connections still open on it (a store not yet closed) would hold locks the
        // drop waits for: end them first.
        sqlx::query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE application_name = $1 AND pid <> pg_backend_pid()",
        )
        .bind(application_name(Some(schema)))
        .execute(&mut conn)
        .await
        .map_err(|e| super::queries::error::db_error("ending a schema's connections", e))?;
        sqlx::query(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))
            .execute(&mut conn)
            .await
            .map_err(|e| super::queries::error::db_error("dropping a schema", e))?;
        let _ = conn.close().await;
        Ok(())
    }
}

/// How this process's connections show in `pg_stat_activity`.
fn application_name(schema: Option<&str>) -> String {
    match schema {
        Some(schema) => format!("gong-timeline/{schema}"),
        None => "gong-timeline".to_string(),
    }
}

fn reason_of(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Io(io) => {
            format!("{io}; is the PostgreSQL server running and reachable at that host and port?")
        }
        other => other.to_string(),
    }
}

fn key_from_env() -> std::result::Result<SecretKey, String> {
    match std::env::var(KEY_ENV) {
        Ok(value) if !value.trim().is_empty() => {
            SecretKey::parse(&value, KEY_ENV).map_err(|e| e.to_string())
        }
        _ => Err(format!(
            "a PostgreSQL store keeps no key file: set {KEY_ENV} to a 32-byte key (base64 or 64 hex \
             digits, e.g. from `openssl rand -base64 32`), the same on every replica"
        )),
    }
}

fn check_schema_name(schema: &str) -> std::result::Result<(), String> {
    let ok = !schema.is_empty()
        && schema.len() <= 63
        && schema
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "the schema name '{schema}' may hold only lowercase letters, digits and _ (at most 63)"
        ))
    }
}

async fn create_schema(
    connect: &PgConnectOptions,
    schema: &str,
) -> std::result::Result<(), sqlx::Error> {
    let mut conn = connect.connect().await?;
    sqlx::query(&format!("CREATE SCHEMA IF NOT EXISTS \"{schema}\""))
        .execute(&mut conn)
        .await?;
    conn.close().await
}

/// Seals a check value with the key on first use; later opens must unseal it.
async fn check_key(pool: &sqlx::PgPool, key: &SecretKey) -> std::result::Result<(), String> {
    let sealed = key
        .seal(b"gong-timeline key check")
        .map_err(|e| e.to_string())?;
    sqlx::query("INSERT INTO store_meta (name, value) VALUES ('key_check', $1) ON CONFLICT (name) DO NOTHING")
        .bind(sealed)
        .execute(pool)
        .await
        .map_err(|e| reason_of(&e))?;
    let stored: String =
        sqlx::query_scalar("SELECT value FROM store_meta WHERE name = 'key_check'")
            .fetch_one(pool)
            .await
            .map_err(|e| reason_of(&e))?;
    key.open(&stored).map(|_| ()).map_err(|_| {
        format!(
            "its credentials were sealed with another key: set {KEY_ENV} to the key the other \
             replicas use (a different key cannot read the stored Gong credentials)"
        )
    })
}
