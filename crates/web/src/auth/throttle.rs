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
//!   elsewhere cannot lock the admin out (S4). To unlock sooner than the lock-out (at
//!   most 15 minutes): log in from another address; counts are forgotten an hour
//!   after the last attempt. `admin create --reset` sets a forgotten password.
//!
//! The rules (keys, lock-out lengths) are `gong_timeline_domain::throttle`'s.

use std::net::IpAddr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use gong_timeline_domain::throttle::throttle_keys;
pub use gong_timeline_domain::throttle::{lockout, ThrottlePolicy};
use gong_timeline_store::{Store, StoreError};

/// The throttle: its policy; the counts are the store's.
#[derive(Debug, Default)]
pub struct LoginThrottle {
    policy: ThrottlePolicy,
}

impl LoginThrottle {
    /// A throttle with `policy`.
    pub fn new(policy: ThrottlePolicy) -> LoginThrottle {
        LoginThrottle { policy }
    }

    /// Begins a log-in attempt: `Ok(Err(wait))` while the (account, address) or the
    /// address is locked out at `now`; otherwise the attempt is counted (as a
    /// failure until [`LoginThrottle::succeeded`] says otherwise) in the same step.
    pub async fn begin(
        &self,
        store: &dyn Store,
        username: &str,
        client: Option<IpAddr>,
        now: DateTime<Utc>,
    ) -> Result<Result<(), Duration>, StoreError> {
        let keys = throttle_keys(username, client, &self.policy);
        let wait = store.begin_login_attempt(&keys, &self.policy, now).await?;
        Ok(wait.map_or(Ok(()), Err))
    }

    /// A successful log-in clears its account's and its address's counts.
    pub async fn succeeded(
        &self,
        store: &dyn Store,
        username: &str,
        client: Option<IpAddr>,
    ) -> Result<(), StoreError> {
        let keys = throttle_keys(username, client, &self.policy);
        store.clear_login_attempts(&keys).await
    }
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

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn s2_attempts_are_counted_before_the_password_check_so_parallel_ones_cannot_all_pass() {
        let (store, _dir) = store().await;
        let t = std::sync::Arc::new(LoginThrottle::new(ThrottlePolicy::default()));
        let a: IpAddr = "10.0.0.1".parse().unwrap();

        // 40 attempts begun at once, before any of them finished hashing.
        let mut attempts = tokio::task::JoinSet::new();
        for _ in 0..40 {
            let (t, store) = (t.clone(), store.clone());
            attempts.spawn(async move { t.begin(&store, "admin", Some(a), at(0)).await });
        }
        let mut passed = 0;
        while let Some(outcome) = attempts.join_next().await {
            passed += usize::from(matches!(outcome, Ok(Ok(Ok(())))));
        }

        assert_eq!(
            passed, 6,
            "the serial limit: 5 free attempts and the one that locks"
        );
    }

    #[tokio::test]
    async fn s4_an_account_is_locked_out_for_the_guessing_address_only_and_a_success_clears_it() {
        let (store, _dir) = store().await;
        let t = LoginThrottle::new(ThrottlePolicy::default());
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        for _ in 0..6 {
            assert_eq!(
                t.begin(&store, "Admin", Some(a), at(0)).await.unwrap(),
                Ok(())
            );
        }
        assert_eq!(
            t.begin(&store, "admin", Some(a), at(1)).await.unwrap(),
            Err(Duration::from_secs(1))
        );
        let elsewhere = t.begin(&store, "admin", Some(b), at(1)).await.unwrap();
        assert_eq!(elsewhere, Ok(()), "another address");
        assert_eq!(
            t.begin(&store, "admin", Some(a), at(2)).await.unwrap(),
            Ok(())
        );
        t.succeeded(&store, "admin", Some(a)).await.unwrap();
        assert_eq!(
            t.begin(&store, "admin", Some(a), at(2)).await.unwrap(),
            Ok(())
        );
    }

    #[tokio::test]
    async fn one_address_guessing_many_accounts_is_locked_out() {
        let (store, _dir) = store().await;
        let t = LoginThrottle::new(ThrottlePolicy::default());
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        for i in 0..21 {
            let user = format!("user{i}");
            assert_eq!(
                t.begin(&store, &user, Some(a), at(0)).await.unwrap(),
                Ok(())
            );
        }
        assert!(t
            .begin(&store, "someone-else", Some(a), at(0))
            .await
            .unwrap()
            .is_err());
        assert!(t
            .begin(&store, "someone-else", None, at(0))
            .await
            .unwrap()
            .is_ok());
    }
}
