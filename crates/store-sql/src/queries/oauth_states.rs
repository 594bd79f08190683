//! OAuth authorisations in progress, shared by every process on this database.

use chrono::{DateTime, Utc};
use gong_timeline_store::{PendingOAuth, Result, StoreError};

use super::error::{db_error, Ctx};
use super::Backend;
use crate::codec::{read_ts, ts};

pub(crate) async fn create(store: &Backend, p: PendingOAuth, now: DateTime<Utc>) -> Result<()> {
    sqlx::query("DELETE FROM oauth_states WHERE expires_at <= $1")
        .bind(ts(now))
        .execute(&store.pool)
        .await
        .ctx("pruning OAuth authorisations")?;
    sqlx::query(
        "INSERT INTO oauth_states (state_hash, connection_id, started_by, expires_at) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(&p.state_hash)
    .bind(p.connection_id)
    .bind(&p.started_by)
    .bind(ts(p.expires_at))
    .execute(&store.pool)
    .await
    .map_err(|e| match &e {
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
            StoreError::not_found("connection", p.connection_id)
        }
        _ => db_error("starting an OAuth authorisation", e),
    })?;
    Ok(())
}

pub(crate) async fn take(
    store: &Backend,
    state_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<PendingOAuth>> {
    // One statement deletes and returns: of two processes, one gets the row.
    let row: Option<(i64, String, String)> = sqlx::query_as(
        "DELETE FROM oauth_states WHERE state_hash = $1 \
         RETURNING connection_id, started_by, expires_at",
    )
    .bind(state_hash)
    .fetch_optional(&store.pool)
    .await
    .ctx("checking an OAuth authorisation")?;
    let Some((connection_id, started_by, expires)) = row else {
        return Ok(None);
    };
    let expires_at = read_ts("oauth_states.expires_at", &expires)?;
    Ok((expires_at > now).then(|| PendingOAuth {
        state_hash: state_hash.to_string(),
        connection_id: connection_id.into(),
        started_by,
        expires_at,
    }))
}
