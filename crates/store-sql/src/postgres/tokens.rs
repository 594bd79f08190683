//! Single-use refresh-token rotation ([`Store::rotate_oauth_tokens`]): the refresh
//! step runs inside a transaction that holds the connection's row lock (`SELECT …
//! FOR NO KEY UPDATE`), so of several replicas one spends the refresh token at a
//! time and the next one reads what it saved. The lock is the server's: a replica
//! that dies mid-refresh loses its session and the lock with it.
//!
//! `NO KEY UPDATE` rather than `UPDATE`: jobs, activities and log records reference
//! the connection (`FOR KEY SHARE`), and a refresh must not stall their writes.
//!
//! [`Store::rotate_oauth_tokens`]: gong_timeline_store::Store::rotate_oauth_tokens

use gong_timeline_store::{ConnectionId, Result, StoreError, TokenRotation};

use super::queries::connections;
use super::queries::error::Ctx;
use super::PgStore;

const CTX: &str = "rotating OAuth tokens";

/// How long a refresh waits for another replica's refresh of the same connection
/// (Gong's token call, its retries included, ends well within it).
const LOCK_TIMEOUT: &str = "SET LOCAL lock_timeout = '300s'";

pub(crate) async fn rotate(
    store: &PgStore,
    id: ConnectionId,
    rotate: TokenRotation<'_>,
) -> Result<Option<serde_json::Value>> {
    let mut tx = store.write_tx(CTX).await?;
    sqlx::query(LOCK_TIMEOUT).execute(&mut *tx).await.ctx(CTX)?;
    let sealed: Option<String> = sqlx::query_scalar(
        "SELECT credentials FROM connections WHERE id = $1 AND deleted_at IS NULL \
         FOR NO KEY UPDATE",
    )
    .bind(id)
    .fetch_optional(&mut *tx)
    .await
    .ctx(CTX)?;
    let sealed = sealed.ok_or_else(|| StoreError::not_found("connection", id))?;
    let oauth = connections::oauth_of(store, id, &sealed, "rotate")?;
    // The lock is held while the step calls Gong: nobody else can spend the token.
    let Some(new) = rotate(oauth.tokens.clone())
        .await
        .map_err(StoreError::Rotation)?
    else {
        tx.rollback().await.ctx(CTX)?;
        return Ok(oauth.tokens);
    };
    let tokens = new.tokens.clone();
    let new = (new.tokens, new.api_base_url);
    connections::write_tokens(store, &mut tx, id, oauth, new, CTX).await?;
    tx.commit().await.ctx(CTX)?;
    Ok(Some(tokens))
}
