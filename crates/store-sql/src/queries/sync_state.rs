//! Per-connection checkpoints (S7) and the retry list of failed meetings.
//!
//! The checkpoint only moves forward: a page re-read by the look-back window or a
//! reconciliation pass never takes it back.

use super::dialect::{bulk, Conn};
use chrono::{DateTime, Utc};
use gong_timeline_store::GongCallId;
use gong_timeline_store::{
    Checkpoint, ConnectionId, DeepCheck, PageCommit, Result, ResumeUpdate, RetryEntry, RetryItem,
};

use super::error::Ctx;
use super::Backend;
use crate::codec::{read_json, read_ts, read_ts_opt, to_json, ts};

pub(crate) async fn advance_checkpoint(
    conn: &mut Conn,
    connection_id: ConnectionId,
    started: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO checkpoints (connection_id, last_meeting_started) VALUES ($1, $2) \
         ON CONFLICT(connection_id) DO UPDATE SET last_meeting_started = CASE \
           WHEN checkpoints.last_meeting_started IS NULL \
             OR excluded.last_meeting_started > checkpoints.last_meeting_started \
           THEN excluded.last_meeting_started ELSE checkpoints.last_meeting_started END",
    )
    .bind(connection_id)
    .bind(ts(started))
    .execute(conn)
    .await
    .ctx("moving the checkpoint")?;
    Ok(())
}

/// The page's changes to the checkpoint row beyond `last_meeting_started`: the
/// resume point, the end of a reconciliation, the settings evaluated against.
pub(crate) async fn page_checkpoint(conn: &mut Conn, page: &PageCommit) -> Result<()> {
    const CTX: &str = "saving where the job is";
    let resume = match &page.resume {
        ResumeUpdate::Keep => None,
        ResumeUpdate::Set(point) => Some(Some(to_json(point)?)),
        ResumeUpdate::Clear => Some(None),
    };
    if resume.is_none() && page.reconciled_at.is_none() && page.evaluated_settings.is_none() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO checkpoints (connection_id) VALUES ($1) ON CONFLICT(connection_id) DO NOTHING",
    )
    .bind(page.connection_id)
    .execute(&mut *conn)
    .await
    .ctx(CTX)?;
    if let Some(resume) = resume {
        sqlx::query("UPDATE checkpoints SET resume = $1 WHERE connection_id = $2")
            .bind(resume)
            .bind(page.connection_id)
            .execute(&mut *conn)
            .await
            .ctx(CTX)?;
    }
    if let Some(at) = page.reconciled_at {
        sqlx::query("UPDATE checkpoints SET last_reconciled_at = $1 WHERE connection_id = $2")
            .bind(ts(at))
            .bind(page.connection_id)
            .execute(&mut *conn)
            .await
            .ctx(CTX)?;
    }
    if let Some(settings) = page.evaluated_settings {
        sqlx::query("UPDATE checkpoints SET evaluated_settings = $1 WHERE connection_id = $2")
            .bind(settings)
            .bind(page.connection_id)
            .execute(&mut *conn)
            .await
            .ctx(CTX)?;
    }
    Ok(())
}

pub(crate) async fn get_checkpoint(
    store: &Backend,
    connection_id: ConnectionId,
) -> Result<Checkpoint> {
    type Row = (
        Option<String>,
        Option<String>,
        Option<String>,
        Option<i64>,
        Option<String>,
        Option<String>,
    );
    let row: Option<Row> = sqlx::query_as(
        "SELECT last_meeting_started, last_reconciled_at, resume, evaluated_settings, deep_checked_at, \
         deep_check_after FROM checkpoints WHERE connection_id = $1",
    )
    .bind(connection_id)
    .fetch_optional(&store.pool)
    .await
    .ctx("reading the checkpoint")?;
    let Some((started, reconciled, resume, evaluated_settings, deep_at, deep_after)) = row else {
        return Ok(Checkpoint::default());
    };
    Ok(Checkpoint {
        last_meeting_started: read_ts_opt("checkpoints.last_meeting_started", started.as_deref())?,
        last_reconciled_at: read_ts_opt("checkpoints.last_reconciled_at", reconciled.as_deref())?,
        resume: resume
            .as_deref()
            .map(|text| read_json("checkpoints.resume", text))
            .transpose()?,
        evaluated_settings,
        deep_check: DeepCheck {
            checked_at: read_ts_opt("checkpoints.deep_checked_at", deep_at.as_deref())?,
            after: deep_after
                .as_deref()
                .map(|text| read_json("checkpoints.deep_check_after", text))
                .transpose()?,
        },
    })
}

pub(crate) async fn set_deep_check(
    store: &Backend,
    connection_id: ConnectionId,
    state: &DeepCheck,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO checkpoints (connection_id, deep_checked_at, deep_check_after) VALUES ($1, $2, $3) \
         ON CONFLICT(connection_id) DO UPDATE SET deep_checked_at = excluded.deep_checked_at, \
         deep_check_after = excluded.deep_check_after",
    )
    .bind(connection_id)
    .bind(state.checked_at.map(ts))
    .bind(state.after.as_ref().map(to_json).transpose()?)
    .execute(&store.pool)
    .await
    .ctx("recording the deep check")?;
    Ok(())
}

pub(crate) async fn set_last_reconciled(
    store: &Backend,
    connection_id: ConnectionId,
    at: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO checkpoints (connection_id, last_reconciled_at) VALUES ($1, $2) \
         ON CONFLICT(connection_id) DO UPDATE SET last_reconciled_at = excluded.last_reconciled_at",
    )
    .bind(connection_id)
    .bind(ts(at))
    .execute(&store.pool)
    .await
    .ctx("recording a reconciliation")?;
    Ok(())
}

/// Adds failed meetings to the retry list (or counts one more attempt). A call
/// listed twice keeps its last entry (PostgreSQL refuses to update one row twice in
/// a statement).
pub(crate) async fn add_retries(
    conn: &mut Conn,
    connection_id: ConnectionId,
    entries: &[RetryEntry],
) -> Result<()> {
    let entries = RetryEntry::last_per_call(entries);
    if entries.is_empty() {
        return Ok(());
    }
    bulk::add_retries(conn, connection_id, &entries).await?;
    Ok(())
}

pub(crate) async fn remove_retries(
    conn: &mut Conn,
    connection_id: ConnectionId,
    call_ids: &[GongCallId],
) -> Result<()> {
    if call_ids.is_empty() {
        return Ok(());
    }
    bulk::delete_calls(
        conn,
        "retry_list",
        connection_id,
        call_ids,
        "removing from the retry list",
    )
    .await?;
    Ok(())
}

pub(crate) async fn remove(
    store: &Backend,
    connection_id: ConnectionId,
    call_ids: &[GongCallId],
) -> Result<()> {
    let mut tx = store.write_tx("removing from the retry list").await?;
    remove_retries(&mut tx, connection_id, call_ids).await?;
    tx.commit().await.ctx("removing from the retry list")
}

/// A page of the retry list in primary-key order, so each page is one range of
/// the key (no sort of the whole list per page).
pub(crate) async fn page(
    store: &Backend,
    connection_id: ConnectionId,
    since: DateTime<Utc>,
    after: Option<GongCallId>,
    limit: u32,
) -> Result<Vec<RetryItem>> {
    let rows: Vec<RetryRow> = sqlx::query_as(
        "SELECT gong_call_id, first_failed_at, last_failed_at, attempts, last_message FROM retry_list \
         WHERE connection_id = $1 AND first_failed_at >= $2 AND ($3 IS NULL OR gong_call_id > $3) \
         ORDER BY gong_call_id LIMIT $4",
    )
    .bind(connection_id)
    .bind(ts(since))
    .bind(after)
    .bind(i64::from(limit))
    .fetch_all(&store.pool)
    .await
    .ctx("reading a page of the retry list")?;
    rows.into_iter()
        .map(|row| retry_item(connection_id, row))
        .collect()
}

/// `gong_call_id, first_failed_at, last_failed_at, attempts, last_message`.
type RetryRow = (String, String, String, i64, String);

fn retry_item(
    connection_id: ConnectionId,
    (gong_call_id, first, last, attempts, last_message): RetryRow,
) -> Result<RetryItem> {
    Ok(RetryItem {
        connection_id,
        gong_call_id: gong_call_id.into(),
        first_failed_at: read_ts("retry_list.first_failed_at", &first)?,
        last_failed_at: read_ts("retry_list.last_failed_at", &last)?,
        attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
        last_message,
    })
}

pub(crate) async fn prune(
    store: &Backend,
    connection_id: ConnectionId,
    before: DateTime<Utc>,
) -> Result<u64> {
    let done =
        sqlx::query("DELETE FROM retry_list WHERE connection_id = $1 AND first_failed_at < $2")
            .bind(connection_id)
            .bind(ts(before))
            .execute(&store.pool)
            .await
            .ctx("pruning the retry list")?;
    Ok(done.rows_affected())
}
