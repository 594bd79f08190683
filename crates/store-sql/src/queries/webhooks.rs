//! Gong webhooks: each connection's set-up (the URL key sealed with the store's key)
//! and the queue of pushed call ids (W1, W2).

use chrono::{DateTime, Utc};
use gong_timeline_store::GongCallId;
use gong_timeline_store::{
    ConnectionId, Enqueued, NewWebhook, QueuedCall, Result, StoreError, StoredWebhookRow, Webhook,
    WebhookBacklog, WebhookDelays, WebhookDone,
};
use sqlx::QueryBuilder;

use super::dialect::{Conn, Db};

use super::error::{db_error, is_unique_violation, Ctx};
use super::Backend;
use crate::codec::{read_ts, ts};

const COLUMNS: &str = "connection_id, key_sealed, mode, public_key_pem, key_created_at, \
                       last_received_at, last_test_at";

pub(crate) async fn put(store: &Backend, new: NewWebhook) -> Result<Webhook> {
    let sealed = store.key.seal(new.key.as_bytes())?;
    sqlx::query(
        "INSERT INTO webhooks (connection_id, key_hash, key_sealed, mode, public_key_pem, \
         key_created_at) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT(connection_id) DO UPDATE SET key_hash = excluded.key_hash, \
         key_sealed = excluded.key_sealed, mode = excluded.mode, \
         public_key_pem = excluded.public_key_pem, \
         key_created_at = CASE WHEN webhooks.key_hash = excluded.key_hash \
           THEN webhooks.key_created_at ELSE excluded.key_created_at END",
    )
    .bind(new.connection_id)
    .bind(&new.key_hash)
    .bind(sealed)
    .bind(new.auth.mode().as_str())
    .bind(new.auth.public_key_pem())
    .bind(ts(new.now))
    .execute(&store.pool)
    .await
    .map_err(|e| match &e {
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
            StoreError::not_found("connection", new.connection_id)
        }
        _ if is_unique_violation(&e) => StoreError::AlreadyExists {
            what: "webhook key",
            field: "key",
            key: "(secret)".to_string(),
        },
        _ => db_error("saving a webhook", e),
    })?;
    get(store, new.connection_id)
        .await?
        .ok_or_else(|| StoreError::not_found("connection", new.connection_id))
}

pub(crate) async fn get(store: &Backend, id: ConnectionId) -> Result<Option<Webhook>> {
    let row: Option<StoredWebhookRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM webhooks WHERE connection_id = $1"
    ))
    .bind(id)
    .fetch_optional(&store.pool)
    .await
    .ctx("reading a webhook")?;
    row.map(|r| decode(store, r)).transpose()
}

pub(crate) async fn by_key_hash(store: &Backend, key_hash: &str) -> Result<Option<Webhook>> {
    let row: Option<StoredWebhookRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM webhooks WHERE key_hash = $1"
    ))
    .bind(key_hash)
    .fetch_optional(&store.pool)
    .await
    .ctx("looking up a webhook key")?;
    row.map(|r| decode(store, r)).transpose()
}

fn decode(store: &Backend, row: StoredWebhookRow) -> Result<Webhook> {
    Webhook::from_row(row, &store.key)
}

pub(crate) async fn record_test(
    store: &Backend,
    id: ConnectionId,
    at: DateTime<Utc>,
) -> Result<()> {
    sqlx::query("UPDATE webhooks SET last_test_at = $1 WHERE connection_id = $2")
        .bind(ts(at))
        .bind(id)
        .execute(&store.pool)
        .await
        .ctx("noting a webhook test")?;
    Ok(())
}

pub(crate) async fn enqueue(
    store: &Backend,
    id: ConnectionId,
    gong_call_id: &GongCallId,
    at: DateTime<Utc>,
) -> Result<Enqueued> {
    const CTX: &str = "queueing a webhook call";
    let mut tx = store.write_tx(CTX).await?;
    let done = sqlx::query(
        "INSERT INTO webhook_queue (connection_id, gong_call_id, received_at) VALUES ($1, $2, $3) \
         ON CONFLICT(connection_id, gong_call_id) DO NOTHING",
    )
    .bind(id)
    .bind(gong_call_id)
    .bind(ts(at))
    .execute(&mut *tx)
    .await
    .ctx(CTX)?;
    sqlx::query("UPDATE webhooks SET last_received_at = $1 WHERE connection_id = $2")
        .bind(ts(at))
        .bind(id)
        .execute(&mut *tx)
        .await
        .ctx(CTX)?;
    tx.commit().await.ctx(CTX)?;
    Ok(if done.rows_affected() == 1 {
        Enqueued::New
    } else {
        Enqueued::Duplicate
    })
}

pub(crate) async fn queued(
    store: &Backend,
    id: ConnectionId,
    limit: u32,
) -> Result<Vec<QueuedCall>> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT gong_call_id, received_at FROM webhook_queue \
         WHERE connection_id = $1 AND processed_at IS NULL ORDER BY received_at, gong_call_id \
         LIMIT $2",
    )
    .bind(id)
    .bind(i64::from(limit))
    .fetch_all(&store.pool)
    .await
    .ctx("reading the webhook queue")?;
    rows.into_iter()
        .map(|(gong_call_id, at)| {
            Ok(QueuedCall {
                gong_call_id: gong_call_id.into(),
                received_at: read_ts("webhook_queue.received_at", &at)?,
            })
        })
        .collect()
}

pub(crate) async fn backlogs(store: &Backend) -> Result<Vec<WebhookBacklog>> {
    let rows: Vec<(i64, i64, String)> = sqlx::query_as(
        "SELECT connection_id, COUNT(*), MIN(received_at) FROM webhook_queue \
         WHERE processed_at IS NULL GROUP BY connection_id ORDER BY MIN(received_at)",
    )
    .fetch_all(&store.pool)
    .await
    .ctx("reading the webhook queue")?;
    rows.into_iter()
        .map(|(connection_id, queued, oldest)| {
            Ok(WebhookBacklog {
                connection_id: connection_id.into(),
                queued: queued.max(0) as u64,
                oldest: read_ts("webhook_queue.received_at", &oldest)?,
            })
        })
        .collect()
}

pub(crate) async fn delays(
    store: &Backend,
    id: Option<ConnectionId>,
    since: DateTime<Utc>,
) -> Result<WebhookDelays> {
    let millis: Vec<i64> = sqlx::query_scalar(
        "SELECT delay_ms FROM webhook_queue WHERE processed_at >= $1 \
         AND (CAST($2 AS BIGINT) IS NULL OR connection_id = $3) ORDER BY processed_at, received_at",
    )
    .bind(ts(since))
    .bind(id)
    .bind(id)
    .fetch_all(&store.pool)
    .await
    .ctx("reading webhook delays")?;
    Ok(WebhookDelays { millis })
}

pub(crate) async fn prune(store: &Backend, before: DateTime<Utc>) -> Result<u64> {
    let done = sqlx::query("DELETE FROM webhook_queue WHERE processed_at < $1")
        .bind(ts(before))
        .execute(&store.pool)
        .await
        .ctx("pruning the webhook queue")?;
    Ok(done.rows_affected())
}

/// Marks a page's queued calls processed (in the page's transaction), with the
/// delay since each one's arrival.
pub(crate) async fn mark_processed(
    conn: &mut Conn,
    id: ConnectionId,
    done: &WebhookDone,
) -> Result<()> {
    const CTX: &str = "marking webhook calls processed";
    let now = done.at;
    for chunk in done.gong_call_ids.chunks(500) {
        let mut q: QueryBuilder<Db> = QueryBuilder::new(
            "SELECT gong_call_id, received_at FROM webhook_queue WHERE processed_at IS NULL \
             AND connection_id = ",
        );
        q.push_bind(id).push(" AND gong_call_id IN (");
        let mut list = q.separated(", ");
        for call in chunk {
            list.push_bind(call);
        }
        q.push(")");
        let waiting: Vec<(String, String)> =
            q.build_query_as().fetch_all(&mut *conn).await.ctx(CTX)?;
        for (call, received) in waiting {
            let delay = (now - read_ts("webhook_queue.received_at", &received)?)
                .num_milliseconds()
                .max(0);
            sqlx::query(
                "UPDATE webhook_queue SET processed_at = $1, delay_ms = $2 \
                 WHERE connection_id = $3 AND gong_call_id = $4",
            )
            .bind(ts(now))
            .bind(delay)
            .bind(id)
            .bind(call)
            .execute(&mut *conn)
            .await
            .ctx(CTX)?;
        }
    }
    Ok(())
}
