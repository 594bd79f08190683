//! Log-in throttling: failed log-ins are counted per account and per client
//! address; past a few free failures each further one locks that key out for a
//! growing time (doubling, capped), answered with 429 and `Retry-After`. A
//! successful log-in clears its account's and its address's counts. The counts
//! live in memory (a restart forgets them) and are forgotten an hour after the last
//! failure.

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
}

impl Default for ThrottlePolicy {
    fn default() -> ThrottlePolicy {
        ThrottlePolicy {
            free_per_account: 5,
            free_per_client: 20,
            base: Duration::from_secs(2),
            max: Duration::from_secs(15 * 60),
            forget_after: Duration::from_secs(3600),
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
    Account(String),
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
    let mut keys = vec![Key::Account(username.trim().to_lowercase())];
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

    /// `Err(wait)` while the account or the address is locked out at `now`.
    pub fn check(
        &self,
        username: &str,
        client: Option<IpAddr>,
        now: DateTime<Utc>,
    ) -> Result<(), Duration> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let wait = keys(username, client)
            .iter()
            .filter_map(|k| entries.get(k))
            .map(|e| (e.blocked_until - now).to_std().unwrap_or(Duration::ZERO))
            .max()
            .unwrap_or(Duration::ZERO);
        if wait.is_zero() {
            Ok(())
        } else {
            // Round up: "retry in 0 s" would invite an immediate, refused retry.
            Err(Duration::from_secs(
                wait.as_secs() + u64::from(wait.subsec_nanos() > 0),
            ))
        }
    }

    /// Counts a failed log-in.
    pub fn failed(&self, username: &str, client: Option<IpAddr>, now: DateTime<Utc>) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let forget =
            chrono::Duration::from_std(self.policy.forget_after).unwrap_or(chrono::Duration::MAX);
        if entries.len() > 10_000 {
            entries.retain(|_, e| now - e.last < forget);
        }
        for key in keys(username, client) {
            let free = match key {
                Key::Account(_) => self.policy.free_per_account,
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

    #[test]
    fn an_account_is_locked_out_from_any_address_and_a_success_clears_it() {
        let t = LoginThrottle::new(ThrottlePolicy::default());
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        for _ in 0..6 {
            assert!(t.check("Admin", Some(a), at(0)).is_ok());
            t.failed("Admin", Some(a), at(0));
        }
        assert_eq!(
            t.check("admin", Some(b), at(1)),
            Err(Duration::from_secs(1))
        );
        assert!(t.check("admin", Some(b), at(2)).is_ok());
        t.succeeded("admin", Some(b));
        assert!(t.check("admin", Some(a), at(2)).is_ok());
    }

    #[test]
    fn one_address_guessing_many_accounts_is_locked_out() {
        let t = LoginThrottle::new(ThrottlePolicy::default());
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        for i in 0..21 {
            t.failed(&format!("user{i}"), Some(a), at(0));
        }
        assert!(t.check("someone-else", Some(a), at(0)).is_err());
        assert!(t.check("someone-else", None, at(0)).is_ok());
    }

    #[test]
    fn counts_are_forgotten_after_an_hour() {
        let t = LoginThrottle::new(ThrottlePolicy::default());
        for _ in 0..6 {
            t.failed("admin", None, at(0));
        }
        t.failed("admin", None, at(3601));
        assert!(t.check("admin", None, at(3601)).is_ok());
    }
}
