//! Single-use OAuth `state` values: issued when an admin starts authorising a connection,
//! checked and consumed once when Gong redirects back, and forgotten after a while.
//!
//! This store lives in memory, so the callback must reach the process that issued the
//! state; a multi-process deployment keeps states in its database instead.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use crate::error::GongError;

/// Pending authorisations keyed by their random `state`, each carrying a payload (for
/// example the connection id being authorised).
#[derive(Debug)]
pub struct PendingAuthorizations<T = ()> {
    ttl: Duration,
    pending: Mutex<HashMap<String, (T, Instant)>>,
}

impl<T> Default for PendingAuthorizations<T> {
    fn default() -> Self {
        Self::new(Duration::from_secs(15 * 60))
    }
}

impl<T> PendingAuthorizations<T> {
    /// States expire `ttl` after they are issued.
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            pending: Mutex::new(HashMap::new()),
        }
    }

    /// Issues a fresh random state for `payload`.
    pub fn issue(&self, payload: T) -> String {
        let state = super::oauth::random_state();
        let now = Instant::now();
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        pending.retain(|_, (_, expires)| *expires > now);
        pending.insert(state.clone(), (payload, now + self.ttl));
        state
    }

    /// Checks `state` and consumes it: a second call with the same state fails, as does
    /// an unknown or expired one.
    pub fn consume(&self, state: &str) -> Result<T, GongError> {
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        match pending.remove(state) {
            Some((payload, expires)) if expires > Instant::now() => Ok(payload),
            _ => Err(GongError::InvalidOAuthState),
        }
    }

    /// States issued and not yet consumed or expired.
    pub fn len(&self) -> usize {
        let now = Instant::now();
        let pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        pending
            .values()
            .filter(|(_, expires)| *expires > now)
            .count()
    }

    /// True when no state is pending.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_state_is_accepted_once() {
        let pending = PendingAuthorizations::default();
        let state = pending.issue("connection-7");
        assert_eq!(pending.consume(&state).expect("first use"), "connection-7");
        assert!(matches!(
            pending.consume(&state),
            Err(GongError::InvalidOAuthState)
        ));
        assert!(pending.consume("forged").is_err());
    }

    #[tokio::test(start_paused = true)]
    async fn a_state_expires() {
        let pending = PendingAuthorizations::new(Duration::from_secs(60));
        let state = pending.issue(());
        assert_eq!(pending.len(), 1);
        tokio::time::advance(Duration::from_secs(61)).await;
        assert!(pending.is_empty());
        assert!(pending.consume(&state).is_err());
    }
}
