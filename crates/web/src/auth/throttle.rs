//! Log-in throttling: attempts are counted per (account, client address) and per
//! client address; past a few free attempts each further one locks that key out for
//! a growing time (doubling, capped), answered with 429 and `Retry-After`.
//!
//! - An attempt is counted *before* its password is checked, in one step with the
//!   lock-out check ([`LoginThrottle::begin`]): parallel attempts cannot all pass
//!   the check while the first ones are still being hashed.
//! - A successful log-in clears its (account, address) and its address's counts.
//! - The account is locked for that address only, so a stranger guessing from
//!   elsewhere cannot lock the admin out (S4). To unlock sooner than the lock-out
//!   (at most 15 minutes): log in from another address, or restart `serve` — the
//!   counts live in memory (a restart forgets them) and are forgotten an hour after
//!   the last attempt. `admin create` resets a forgotten password.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};

/// How hard the throttle is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottlePolicy {
    /// Failures of one account allowed before lock-outs start.
    pub free_per_account: u32,
    /// Failures from one address allowed before lock-outs start (higher: several
    /// admins may share an office's or a proxy's address).
    pub free_per_client: u32,
    /// The first lock-out; each further failure doubles it.
    pub base: Duration,
    /// The longest lock-out.
    pub max: Duration,
    /// Counts are forgotten this long after a key's last failure.
    pub forget_after: Duration,
    /// Password checks (argon2, ~20 MiB and ~20 ms each) run at once, at most; the
    /// memory of many parallel log-ins stays bounded.
    pub concurrent_checks: usize,
    /// How long a log-in waits for a free password check before it gets 503.
    pub check_wait: Duration,
}

impl Default for ThrottlePolicy {
    fn default() -> ThrottlePolicy {
        ThrottlePolicy {
            free_per_account: 5,
            free_per_client: 20,
            base: Duration::from_secs(2),
            max: Duration::from_secs(15 * 60),
            forget_after: Duration::from_secs(3600),
            concurrent_checks: 4,
            check_wait: Duration::from_secs(2),
        }
    }
}

/// The lock-out after `failures` failures with `free` allowed: none up to `free`,
/// then `base`, `2 × base`, … up to `max`.
pub fn lockout(failures: u32, free: u32, policy: &ThrottlePolicy) -> Duration {
    if failures <= free {
        return Duration::ZERO;
    }
    let doublings = (failures - free - 1).min(30);
    policy.base.saturating_mul(1 << doublings).min(policy.max)
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    /// An account, as tried from one address (or from an unknown one).
    AccountAt(String, Option<IpAddr>),
    Client(IpAddr),
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    failures: u32,
    last: DateTime<Utc>,
    blocked_until: DateTime<Utc>,
}

/// The throttle's counts.
#[derive(Debug, Default)]
pub struct LoginThrottle {
    policy: ThrottlePolicy,
    entries: Mutex<HashMap<Key, Entry>>,
}

fn keys(username: &str, client: Option<IpAddr>) -> Vec<Key> {
    let mut keys = vec![Key::AccountAt(username.trim().to_lowercase(), client)];
    keys.extend(client.map(Key::Client));
    keys
}

impl LoginThrottle {
    /// A throttle with `policy`.
    pub fn new(policy: ThrottlePolicy) -> LoginThrottle {
        LoginThrottle {
            policy,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// Begins a log-in attempt: `Err(wait)` while the (account, address) or the
    /// address is locked out at `now`; otherwise the attempt is counted (as a
    /// failure until [`LoginThrottle::succeeded`] says otherwise) in the same step.
    pub fn begin(
        &self,
        username: &str,
        client: Option<IpAddr>,
        now: DateTime<Utc>,
    ) -> Result<(), Duration> {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let keys = keys(username, client);
        let wait = keys
            .iter()
            .filter_map(|k| entries.get(k))
            .map(|e| (e.blocked_until - now).to_std().unwrap_or(Duration::ZERO))
            .max()
            .unwrap_or(Duration::ZERO);
        if !wait.is_zero() {
            // Round up: "retry in 0 s" would invite an immediate, refused retry.
            return Err(Duration::from_secs(
                wait.as_secs() + u64::from(wait.subsec_nanos() > 0),
            ));
        }
        let forget =
            chrono::Duration::from_std(self.policy.forget_after).unwrap_or(chrono::Duration::MAX);
        if entries.len() > 10_000 {
            entries.retain(|_, e| now - e.last < forget);
        }
        for key in keys {
            let free = match key {
                Key::AccountAt(..) => self.policy.free_per_account,
                Key::Client(_) => self.policy.free_per_client,
            };
            let entry = entries.entry(key).or_insert(Entry {
                failures: 0,
                last: now,
                blocked_until: now,
            });
            if now - entry.last >= forget {
                entry.failures = 0;
            }
            entry.failures += 1;
            entry.last = now;
            let lock = lockout(entry.failures, free, &self.policy);
            entry.blocked_until = now + chrono::Duration::from_std(lock).unwrap_or_default();
        }
        Ok(())
    }

    /// A successful log-in clears its account's and its address's counts.
    pub fn succeeded(&self, username: &str, client: Option<IpAddr>) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        for key in keys(username, client) {
            entries.remove(&key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000 + s, 0).unwrap()
    }

    #[test]
    fn lockouts_start_after_the_free_failures_and_double_up_to_the_cap() {
        let p = ThrottlePolicy::default();
        assert_eq!(lockout(5, 5, &p), Duration::ZERO);
        assert_eq!(lockout(6, 5, &p), Duration::from_secs(2));
        assert_eq!(lockout(7, 5, &p), Duration::from_secs(4));
        assert_eq!(lockout(100, 5, &p), p.max);
    }

    /// Attempts that all fail, as the handler sees them: true when let through.
    fn try_failing(
        t: &LoginThrottle,
        user: &str,
        client: Option<IpAddr>,
        now: DateTime<Utc>,
    ) -> bool {
        t.begin(user, client, now).is_ok()
    }

    #[test]
    fn s2_attempts_are_counted_before_the_password_check_so_parallel_ones_cannot_all_pass() {
        let t = LoginThrottle::new(ThrottlePolicy::default());
        let a: IpAddr = "10.0.0.1".parse().unwrap();

        // 40 attempts begun before any of them finished hashing.
        let passed = (0..40)
            .filter(|_| t.begin("admin", Some(a), at(0)).is_ok())
            .count();

        assert_eq!(
            passed, 6,
            "the serial limit: 5 free attempts and the one that locks"
        );
    }

    #[test]
    fn s4_an_account_is_locked_out_for_the_guessing_address_only_and_a_success_clears_it() {
        let t = LoginThrottle::new(ThrottlePolicy::default());
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        for _ in 0..6 {
            assert!(try_failing(&t, "Admin", Some(a), at(0)));
        }
        assert_eq!(
            t.begin("admin", Some(a), at(1)),
            Err(Duration::from_secs(1))
        );
        assert!(t.begin("admin", Some(b), at(1)).is_ok(), "another address");
        assert!(t.begin("admin", Some(a), at(2)).is_ok());
        t.succeeded("admin", Some(a));
        assert!(t.begin("admin", Some(a), at(2)).is_ok());
    }

    #[test]
    fn one_address_guessing_many_accounts_is_locked_out() {
        let t = LoginThrottle::new(ThrottlePolicy::default());
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        for i in 0..21 {
            assert!(try_failing(&t, &format!("user{i}"), Some(a), at(0)));
        }
        assert!(t.begin("someone-else", Some(a), at(0)).is_err());
        assert!(t.begin("someone-else", None, at(0)).is_ok());
    }

    #[test]
    fn counts_are_forgotten_after_an_hour() {
        let t = LoginThrottle::new(ThrottlePolicy::default());
        for _ in 0..6 {
            try_failing(&t, "admin", None, at(0));
        }
        assert!(t.begin("admin", None, at(3601)).is_ok());
        assert!(t.begin("admin", None, at(3601)).is_ok());
    }
}
