//! Log-in attempt counts: one write transaction checks every key of an attempt
//! for a lock-out and counts the attempt against each, so parallel attempts, on one
//! replica or several, get no more tries than serial ones.

use std::time::Duration;

use chrono::{DateTime, Utc};
use gong_timeline_domain::throttle::{
    account_prefix, lockout, whole_seconds, ThrottleKey, ThrottlePolicy,
};
use gong_timeline_store::Result;

use super::dialect;
use super::error::Ctx;
use super::Backend;
use crate::codec::{read_ts, ts};

const CTX: &str = "counting a log-in attempt";

pub(crate) async fn begin(
    store: &Backend,
    keys: &[ThrottleKey],
    policy: &ThrottlePolicy,
    now: DateTime<Utc>,
) -> Result<Option<Duration>> {
    let forget = chrono::Duration::from_std(policy.forget_after).unwrap_or(chrono::Duration::MAX);
    let mut tx = store.write_tx(CTX).await?;
    sqlx::query("DELETE FROM login_attempts WHERE last_at < $1")
        .bind(ts(now - forget))
        .execute(&mut *tx)
        .await
        .ctx(CTX)?;
    let mut wait = Duration::ZERO;
    for key in keys {
        // A row to lock, so that two replicas' first attempts take turns too.
        sqlx::query(
            "INSERT INTO login_attempts (key, failures, last_at) VALUES ($1, 0, $2) \
             ON CONFLICT(key) DO NOTHING",
        )
        .bind(&key.key)
        .bind(ts(now))
        .execute(&mut *tx)
        .await
        .ctx(CTX)?;
        let (failures, last): (i64, String) = sqlx::query_as(&format!(
            "SELECT failures, last_at FROM login_attempts WHERE key = $1{}",
            dialect::LOCK_ROW
        ))
        .bind(&key.key)
        .fetch_one(&mut *tx)
        .await
        .ctx(CTX)?;
        let failures = u32::try_from(failures).unwrap_or(u32::MAX);
        let lock = chrono::Duration::from_std(lockout(failures, key.free, policy))
            .unwrap_or(chrono::Duration::MAX);
        let until = read_ts("login_attempts.last_at", &last)? + lock;
        wait = wait.max((until - now).to_std().unwrap_or(Duration::ZERO));
    }
    if !wait.is_zero() {
        tx.rollback().await.ctx(CTX)?;
        return Ok(Some(whole_seconds(wait)));
    }
    for key in keys {
        sqlx::query(
            "UPDATE login_attempts SET failures = failures + 1, last_at = $2 WHERE key = $1",
        )
        .bind(&key.key)
        .bind(ts(now))
        .execute(&mut *tx)
        .await
        .ctx(CTX)?;
    }
    tx.commit().await.ctx(CTX)?;
    Ok(None)
}

pub(crate) async fn clear(store: &Backend, keys: &[ThrottleKey]) -> Result<()> {
    for key in keys {
        sqlx::query("DELETE FROM login_attempts WHERE key = $1")
            .bind(&key.key)
            .execute(&store.pool)
            .await
            .ctx("forgetting log-in attempts")?;
    }
    Ok(())
}

pub(crate) async fn unlock_account(store: &Backend, username: &str) -> Result<u64> {
    let prefix = account_prefix(username);
    let done = sqlx::query("DELETE FROM login_attempts WHERE substr(key, 1, length($1)) = $1")
        .bind(&prefix)
        .execute(&store.pool)
        .await
        .ctx("unlocking an account")?;
    Ok(done.rows_affected())
}
