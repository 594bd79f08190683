//! Gong's quota (Q1–Q4): each connection's budget, and the requests it spent per
//! 10-minute bucket, purpose and endpoint. Counts are added, never overwritten, so
//! replicas flushing the same bucket share one total.

use chrono::{DateTime, Utc};
use gong_timeline_domain::quota::{QuotaSettings, RequestCount};
use gong_timeline_store::{ConnectionId, Result};

use super::error::Ctx;
use super::Backend;
use crate::codec::{count, read_count, read_enum, read_ts, ts};

pub(crate) async fn get(store: &Backend, connection_id: ConnectionId) -> Result<QuotaSettings> {
    let row: Option<(i64, f64)> = sqlx::query_as(
        "SELECT daily_budget, per_second FROM quota_settings WHERE connection_id = $1",
    )
    .bind(connection_id)
    .fetch_optional(&store.pool)
    .await
    .ctx("reading the Gong quota settings")?;
    Ok(
        row.map_or_else(QuotaSettings::default, |(daily, per_second)| {
            QuotaSettings {
                daily_budget: u32::try_from(daily).unwrap_or(u32::MAX),
                per_second,
            }
        }),
    )
}

pub(crate) async fn set(
    store: &Backend,
    connection_id: ConnectionId,
    quota: &QuotaSettings,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO quota_settings (connection_id, daily_budget, per_second) VALUES ($1, $2, $3) \
         ON CONFLICT(connection_id) DO UPDATE SET daily_budget = excluded.daily_budget, \
         per_second = excluded.per_second",
    )
    .bind(connection_id)
    .bind(i64::from(quota.daily_budget))
    .bind(quota.per_second)
    .execute(&store.pool)
    .await
    .ctx("saving the Gong quota settings")?;
    Ok(())
}

pub(crate) async fn add_requests(
    store: &Backend,
    connection_id: ConnectionId,
    counts: &[RequestCount],
) -> Result<()> {
    const CTX: &str = "counting Gong requests";
    if counts.is_empty() {
        return Ok(());
    }
    let mut tx = store.write_tx(CTX).await?;
    for c in counts {
        sqlx::query(
            "INSERT INTO gong_requests (connection_id, bucket, purpose, endpoint, requests) \
             VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT(connection_id, bucket, purpose, endpoint) \
             DO UPDATE SET requests = gong_requests.requests + excluded.requests",
        )
        .bind(connection_id)
        .bind(ts(c.bucket))
        .bind(c.purpose.as_str())
        .bind(&c.endpoint)
        .bind(count(c.requests))
        .execute(&mut *tx)
        .await
        .ctx(CTX)?;
    }
    tx.commit().await.ctx(CTX)
}

pub(crate) async fn requests_since(
    store: &Backend,
    connection_id: ConnectionId,
    since: DateTime<Utc>,
) -> Result<Vec<RequestCount>> {
    let rows: Vec<(String, String, String, i64)> = sqlx::query_as(
        "SELECT bucket, purpose, endpoint, requests FROM gong_requests \
         WHERE connection_id = $1 AND bucket >= $2 ORDER BY bucket, purpose, endpoint",
    )
    .bind(connection_id)
    .bind(ts(since))
    .fetch_all(&store.pool)
    .await
    .ctx("reading Gong request counts")?;
    rows.into_iter()
        .map(|(bucket, purpose, endpoint, requests)| {
            Ok(RequestCount {
                bucket: read_ts("gong_requests.bucket", &bucket)?,
                purpose: read_enum("gong_requests.purpose", &purpose)?,
                endpoint,
                requests: read_count(requests),
            })
        })
        .collect()
}

pub(crate) async fn prune(store: &Backend, before: DateTime<Utc>) -> Result<u64> {
    let done = sqlx::query("DELETE FROM gong_requests WHERE bucket < $1")
        .bind(ts(before))
        .execute(&store.pool)
        .await
        .ctx("pruning Gong request counts")?;
    Ok(done.rows_affected())
}
