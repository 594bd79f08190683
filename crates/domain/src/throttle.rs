//! The rules of log-in throttling, as pure functions: which keys an attempt
//! counts against, and how long a key is locked out after so many failures. The
//! counts themselves live in the store, so that replicas share them.

use std::net::IpAddr;
use std::time::Duration;

/// How hard the throttle is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottlePolicy {
    /// Failures of one account (from one address) allowed before lock-outs start.
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

/// A count an attempt is made against, and the failures it allows free.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThrottleKey {
    /// `account:<name>@<address>` or `client:<address>`.
    pub key: String,
    /// Failures allowed before lock-outs start.
    pub free: u32,
}

/// The keys of an attempt: the account as tried from this address (so a stranger
/// guessing elsewhere cannot lock the admin out), and the address itself.
pub fn throttle_keys(
    username: &str,
    client: Option<IpAddr>,
    policy: &ThrottlePolicy,
) -> Vec<ThrottleKey> {
    let address = client.map_or_else(|| "unknown".to_string(), |ip| ip.to_string());
    let mut keys = vec![ThrottleKey {
        key: format!("{}{address}", account_prefix(username)),
        free: policy.free_per_account,
    }];
    keys.extend(client.map(|ip| ThrottleKey {
        key: format!("client:{ip}"),
        free: policy.free_per_client,
    }));
    keys
}

/// What every key of an account starts with, whatever the address.
pub fn account_prefix(username: &str) -> String {
    format!("account:{}@", username.trim().to_lowercase())
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

/// A wait as told to the client: whole seconds, rounded up ("retry in 0 s" would
/// invite an immediate, refused retry).
pub fn whole_seconds(wait: Duration) -> Duration {
    Duration::from_secs(wait.as_secs() + u64::from(wait.subsec_nanos() > 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lockouts_start_after_the_free_failures_and_double_up_to_the_cap() {
        let p = ThrottlePolicy::default();
        assert_eq!(lockout(5, 5, &p), Duration::ZERO);
        assert_eq!(lockout(6, 5, &p), Duration::from_secs(2));
        assert_eq!(lockout(7, 5, &p), Duration::from_secs(4));
        assert_eq!(lockout(100, 5, &p), p.max);
    }

    #[test]
    fn sec4_an_attempt_counts_against_the_account_at_its_address_and_the_address() {
        let p = ThrottlePolicy::default();
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let keys = throttle_keys(" Admin ", Some(a), &p);
        assert_eq!(keys[0].key, "account:admin@10.0.0.1");
        assert_eq!(keys[1].key, "client:10.0.0.1");
        assert_eq!(throttle_keys("admin", None, &p).len(), 1);
        assert_eq!(
            whole_seconds(Duration::from_millis(1_001)),
            Duration::from_secs(2)
        );
    }
}
