//! Log-in throttling: attempts are counted per (account, client address) and per
//! client address; past a few free attempts each further one locks that key out for
//! a growing time (doubling, capped), answered with 429 and `Retry-After`.
//!
//! - The counts live in the store ([`Store::begin_login_attempt`]), so every replica
//!   counts the same attempts, and a restart forgets none.
//! - An attempt is counted *before* its password is checked, in one transaction with
//!   the lock-out check: parallel attempts cannot all pass the check while the first
//!   ones are still being hashed.
//! - A successful log-in clears its (account, address) and its address's counts.
//! - The account is locked for that address only, so a stranger guessing from
//!   elsewhere cannot lock the admin out. To unlock sooner than the lock-out (at
//!   most 15 minutes): log in from another address; counts are forgotten an hour
//!   after the last attempt. `admin create --reset` sets a forgotten password.
//!
//! The rules (keys, lock-out lengths) are `gong_timeline_domain::throttle`'s.

use std::net::IpAddr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use gong_timeline_domain::throttle::throttle_keys;
pub use gong_timeline_domain::throttle::ThrottlePolicy;
use gong_timeline_store::{Store, StoreError};

/// Begins a log-in attempt: `Ok(Err(wait))` while the (account, address) or the
/// address is locked out at `now`; otherwise the attempt is counted (as a failure
/// until [`succeeded`] says otherwise) in the same step.
pub async fn begin(
    store: &dyn Store,
    policy: &ThrottlePolicy,
    username: &str,
    client: Option<IpAddr>,
    now: DateTime<Utc>,
) -> Result<Result<(), Duration>, StoreError> {
    let keys = throttle_keys(username, client, policy);
    let wait = store.begin_login_attempt(&keys, policy, now).await?;
    Ok(wait.map_or(Ok(()), Err))
}

/// A successful log-in clears its account's and its address's counts.
pub async fn succeeded(
    store: &dyn Store,
    policy: &ThrottlePolicy,
    username: &str,
    client: Option<IpAddr>,
) -> Result<(), StoreError> {
    store
        .clear_login_attempts(&throttle_keys(username, client, policy))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use gong_timeline_store_sql::{SqliteOptions, SqliteStore};

    async fn store() -> (SqliteStore, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let options = SqliteOptions {
            secret_key: Some(gong_timeline_store::crypto::SecretKey::generate()),
            ..SqliteOptions::default()
        };
        (SqliteStore::open_with(&url, options).await.unwrap(), dir)
    }

    fn at(s: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000 + s, 0).unwrap()
    }

    /// [`begin`] under the default policy, `s` seconds in.
    async fn try_at(
        store: &SqliteStore,
        user: &str,
        client: Option<IpAddr>,
        s: i64,
    ) -> Result<(), Duration> {
        begin(store, &ThrottlePolicy::default(), user, client, at(s))
            .await
            .unwrap()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sec2_attempts_are_counted_before_the_password_check_so_parallel_ones_cannot_all_pass()
    {
        let (store, _dir) = store().await;
        let a: IpAddr = "10.0.0.1".parse().unwrap();

        // 40 attempts begun at once, before any of them finished hashing.
        let mut attempts = tokio::task::JoinSet::new();
        for _ in 0..40 {
            let store = store.clone();
            attempts.spawn(async move { try_at(&store, "admin", Some(a), 0).await });
        }
        let mut passed = 0;
        while let Some(outcome) = attempts.join_next().await {
            passed += usize::from(matches!(outcome, Ok(Ok(()))));
        }

        assert_eq!(
            passed, 6,
            "the serial limit: 5 free attempts and the one that locks"
        );
    }

    #[tokio::test]
    async fn sec4_an_account_is_locked_out_for_the_guessing_address_only_and_a_success_clears_it() {
        let (store, _dir) = store().await;
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        for _ in 0..6 {
            assert_eq!(try_at(&store, "Admin", Some(a), 0).await, Ok(()));
        }
        assert_eq!(
            try_at(&store, "admin", Some(a), 1).await,
            Err(Duration::from_secs(1))
        );
        let elsewhere = try_at(&store, "admin", Some(b), 1).await;
        assert_eq!(elsewhere, Ok(()), "another address");
        assert_eq!(try_at(&store, "admin", Some(a), 2).await, Ok(()));
        let policy = ThrottlePolicy::default();
        succeeded(&store, &policy, "admin", Some(a)).await.unwrap();
        assert_eq!(try_at(&store, "admin", Some(a), 2).await, Ok(()));
    }

    #[tokio::test]
    async fn one_address_guessing_many_accounts_is_locked_out() {
        let (store, _dir) = store().await;
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        for i in 0..21 {
            let user = format!("user{i}");
            assert_eq!(try_at(&store, &user, Some(a), 0).await, Ok(()));
        }
        assert!(try_at(&store, "someone-else", Some(a), 0).await.is_err());
        assert!(try_at(&store, "someone-else", None, 0).await.is_ok());
    }
}
