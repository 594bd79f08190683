//! Single-use refresh-token rotation ([`Store::rotate_oauth_tokens`]) on one file
//! shared by several processes: a lease row in `token_locks`, taken with a
//! conditional upsert (free, or lapsed), serialises the refresh steps. Holding a
//! write transaction across Gong's token call instead would stall every other writer
//! of the file for as long as Gong takes.
//!
//! The lease outlives any one refresh step (Gong's token call with its retries); a
//! process that dies holding it delays that connection's next refresh until it
//! lapses. A step's tokens are saved even when its lease lapsed meanwhile: Gong
//! accepted its refresh token, so they are the only ones that still work.
//!
//! [`Store::rotate_oauth_tokens`]: gong_timeline_store::Store::rotate_oauth_tokens

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use chrono::Utc;
use gong_timeline_store::{ConnectionId, Result, RotatedTokens, StoreError, TokenRotation};
use sqlx::SqlitePool;

use super::queries::connections;
use super::queries::error::{db_error, Ctx};
use super::SqliteStore;
use crate::codec::ts;

const CTX: &str = "rotating OAuth tokens";
/// How long a lease lasts: longer than Gong's token call with its retries.
const LEASE: Duration = Duration::from_secs(300);
/// How long a caller waits for another process's rotation before giving up.
const WAIT: Duration = Duration::from_secs(330);

pub(crate) async fn rotate(
    store: &SqliteStore,
    id: ConnectionId,
    rotate: TokenRotation<'_>,
) -> Result<Option<serde_json::Value>> {
    let lease = Lease::take(&store.pool, id).await?;
    let outcome = rotate_under(store, id, &lease, rotate).await;
    lease.release().await;
    outcome
}

async fn rotate_under(
    store: &SqliteStore,
    id: ConnectionId,
    lease: &Lease,
    rotate: TokenRotation<'_>,
) -> Result<Option<serde_json::Value>> {
    let sealed = read_sealed(&store.pool, id).await?;
    let oauth = connections::oauth_of(store, id, &sealed, "rotate")?;
    let Some(new) = rotate(oauth.tokens.clone())
        .await
        .map_err(StoreError::Rotation)?
    else {
        return Ok(oauth.tokens);
    };
    save(store, id, lease, new).await
}

/// Saves `new` into the connection's credentials and ends the lease, in one write
/// transaction (the credentials re-read inside it).
async fn save(
    store: &SqliteStore,
    id: ConnectionId,
    lease: &Lease,
    new: RotatedTokens,
) -> Result<Option<serde_json::Value>> {
    let tokens = new.tokens.clone();
    let mut tx = store.write_tx(CTX).await?;
    let sealed: Option<String> =
        sqlx::query_scalar("SELECT credentials FROM connections WHERE id = ?")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await
            .ctx(CTX)?;
    let sealed = sealed.ok_or_else(|| StoreError::not_found("connection", id))?;
    let oauth = connections::oauth_of(store, id, &sealed, "rotate")?;
    let new = (new.tokens, new.api_base_url);
    connections::write_tokens(store, &mut tx, id, oauth, new, CTX).await?;
    sqlx::query("DELETE FROM token_locks WHERE connection_id = ? AND owner = ?")
        .bind(id)
        .bind(&lease.owner)
        .execute(&mut *tx)
        .await
        .ctx(CTX)?;
    tx.commit().await.ctx(CTX)?;
    Ok(Some(tokens))
}

async fn read_sealed(pool: &SqlitePool, id: ConnectionId) -> Result<String> {
    let sealed: Option<String> = sqlx::query_scalar(
        "SELECT credentials FROM connections WHERE id = ? AND deleted_at IS NULL",
    )
    .bind(id)
    .fetch_optional(pool)
    .await
    .ctx(CTX)?;
    sealed.ok_or_else(|| StoreError::not_found("connection", id))
}

/// This caller's lease on a connection's tokens. Dropped without
/// [`Lease::release`] (the caller's future was cancelled), it is freed in the
/// background.
struct Lease {
    pool: SqlitePool,
    id: ConnectionId,
    owner: String,
    released: bool,
}

impl Lease {
    /// Waits until the connection's lease is free (or lapsed) and takes it.
    async fn take(pool: &SqlitePool, id: ConnectionId) -> Result<Lease> {
        let owner = unique_owner();
        let deadline = tokio::time::Instant::now() + WAIT;
        let mut pause = Duration::from_millis(5);
        while !try_take(pool, id, &owner).await? {
            if tokio::time::Instant::now() >= deadline {
                return Err(StoreError::Locked);
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_millis(100));
        }
        Ok(Lease {
            pool: pool.clone(),
            id,
            owner,
            released: false,
        })
    }

    async fn release(mut self) {
        self.released = true;
        release(&self.pool, self.id, &self.owner).await;
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        if self.released {
            return;
        }
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let (pool, id, owner) = (self.pool.clone(), self.id, self.owner.clone());
            runtime.spawn(async move { release(&pool, id, &owner).await });
        }
    }
}

/// Takes the lease when it is free or lapsed; false when another caller holds it.
async fn try_take(pool: &SqlitePool, id: ConnectionId, owner: &str) -> Result<bool> {
    let now = Utc::now();
    let until = now + chrono::Duration::from_std(LEASE).unwrap_or_default();
    let done = sqlx::query(
        "INSERT INTO token_locks (connection_id, owner, expires_at) VALUES (?, ?, ?) \
         ON CONFLICT(connection_id) DO UPDATE SET owner = excluded.owner, \
         expires_at = excluded.expires_at WHERE token_locks.expires_at < ?",
    )
    .bind(id)
    .bind(owner)
    .bind(ts(until))
    .bind(ts(now))
    .execute(pool)
    .await
    .map_err(|e| match &e {
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
            StoreError::not_found("connection", id)
        }
        _ => db_error(CTX, e),
    })?;
    Ok(done.rows_affected() == 1)
}

/// Frees the lease if this owner still holds it (a failed step, kept tokens).
async fn release(pool: &SqlitePool, id: ConnectionId, owner: &str) {
    let freed = sqlx::query("DELETE FROM token_locks WHERE connection_id = ? AND owner = ?")
        .bind(id)
        .bind(owner)
        .execute(pool)
        .await;
    if let Err(error) = freed {
        tracing::warn!(connection_id = id.get(), %error, "Could not free the token lease; it lapses on its own.");
    }
}

/// An owner no other caller has: this process and a counter.
fn unique_owner() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!(
        "{}:{}:{}",
        std::process::id(),
        Utc::now().timestamp_micros(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}
