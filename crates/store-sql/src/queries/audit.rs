//! The audit log (A4): entries appended, listed newest first in keyset pages, pruned
//! past the retention period.

use chrono::{DateTime, Utc};
use gong_timeline_store::{AuditEntry, AuditId, NewAuditEntry, Result};

use super::error::Ctx;
use super::Backend;
use crate::codec::{read_enum, read_json, read_ts, to_json, ts};

pub(crate) async fn add(store: &Backend, entry: &NewAuditEntry) -> Result<AuditId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO audit_log (at, actor, channel, action, target, before, after) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(ts(entry.at))
    .bind(&entry.actor)
    .bind(entry.channel.to_string())
    .bind(entry.action.to_string())
    .bind(&entry.target)
    .bind(entry.before.as_ref().map(to_json).transpose()?)
    .bind(entry.after.as_ref().map(to_json).transpose()?)
    .fetch_one(&store.pool)
    .await
    .ctx("recording an audit entry")?;
    Ok(id.into())
}

type Row = (
    i64,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
);

pub(crate) async fn list(
    store: &Backend,
    limit: u32,
    before_id: Option<AuditId>,
) -> Result<Vec<AuditEntry>> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, at, actor, channel, action, target, before, after FROM audit_log \
         WHERE id < $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(before_id.map_or(i64::MAX, AuditId::get))
    .bind(i64::from(limit))
    .fetch_all(&store.pool)
    .await
    .ctx("listing the audit log")?;
    rows.into_iter()
        .map(|(id, at, actor, channel, action, target, before, after)| {
            Ok(AuditEntry {
                id: id.into(),
                at: read_ts("audit_log.at", &at)?,
                actor,
                channel: read_enum("audit_log.channel", &channel)?,
                action: read_enum("audit_log.action", &action)?,
                target,
                before: before
                    .as_deref()
                    .map(|v| read_json("audit_log.before", v))
                    .transpose()?,
                after: after
                    .as_deref()
                    .map(|v| read_json("audit_log.after", v))
                    .transpose()?,
            })
        })
        .collect()
}

pub(crate) async fn prune(store: &Backend, before: DateTime<Utc>) -> Result<u64> {
    let done = sqlx::query("DELETE FROM audit_log WHERE at < $1")
        .bind(ts(before))
        .execute(&store.pool)
        .await
        .ctx("pruning the audit log")?;
    Ok(done.rows_affected())
}
