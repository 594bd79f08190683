//! Gong's rate limits: at most `per_second` requests in any one-second window and
//! `per_day` per UTC day for the account; beyond that, 429 with `Retry-After`.
//!
//! A sliding window (not a token bucket) is used on purpose: it is the strictest
//! reading of "3 requests per second", the same one the tests check clients against.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use crate::config::Limits;
use crate::error::ApiError;

const WINDOW: Duration = Duration::from_secs(1);

/// The account's limiter.
#[derive(Debug)]
pub struct Limiter {
    inner: Mutex<Inner>,
}

#[derive(Debug)]
struct Inner {
    limits: Limits,
    recent: VecDeque<Instant>,
    day: i64,
    day_count: u32,
}

impl Limiter {
    /// A limiter enforcing `limits`.
    pub fn new(limits: Limits) -> Limiter {
        Limiter {
            inner: Mutex::new(Inner {
                limits,
                recent: VecDeque::new(),
                day: 0,
                day_count: 0,
            }),
        }
    }

    /// Current limits.
    pub fn limits(&self) -> Limits {
        self.lock().limits
    }

    /// Replaces the limits (counters are kept).
    pub fn set(&self, limits: Limits) {
        self.lock().limits = limits;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A poisoned lock only means another request panicked; the counters are
        // still usable.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Admits one request at `now` / `utc`, or says how long to wait.
    pub fn admit(&self, now: Instant, utc: DateTime<Utc>) -> Result<(), ApiError> {
        let mut s = self.lock();
        if !s.limits.enabled {
            return Ok(());
        }
        let day = utc.timestamp().div_euclid(86_400);
        if day != s.day {
            s.day = day;
            s.day_count = 0;
        }
        if s.day_count >= s.limits.per_day {
            let wait = 86_400 - utc.timestamp().rem_euclid(86_400);
            return Err(ApiError::rate_limited(
                wait as u64,
                "Daily API quota exceeded; it resets at midnight UTC",
            ));
        }
        while s
            .recent
            .front()
            .is_some_and(|t| now.duration_since(*t) >= WINDOW)
        {
            s.recent.pop_front();
        }
        if s.recent.len() >= s.limits.per_second as usize {
            let oldest = s.recent.front().copied().unwrap_or(now);
            let wait = WINDOW.saturating_sub(now.duration_since(oldest));
            // Retry-After is whole seconds; round up so waiting it out always works.
            let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            return Err(ApiError::rate_limited(secs.max(1), "Too many requests"));
        }
        s.recent.push_back(now);
        s.day_count += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fourth_request_within_a_second_is_refused_and_admitted_after_it() {
        let l = Limiter::new(Limits::default());
        let t0 = Instant::now();
        let utc = Utc::now();
        for k in 0..3 {
            assert!(l.admit(t0 + Duration::from_millis(k * 100), utc).is_ok());
        }
        let refused = l.admit(t0 + Duration::from_millis(500), utc).unwrap_err();
        assert_eq!(refused.retry_after, Some(1));
        assert!(l.admit(t0 + Duration::from_millis(1_000), utc).is_ok());
    }

    #[test]
    fn the_daily_quota_answers_with_the_time_to_midnight() {
        let l = Limiter::new(Limits {
            enabled: true,
            per_second: 100,
            per_day: 2,
        });
        let utc = "2025-03-03T23:00:00Z".parse().unwrap();
        let t0 = Instant::now();
        assert!(l.admit(t0, utc).is_ok());
        assert!(l.admit(t0, utc).is_ok());
        assert_eq!(l.admit(t0, utc).unwrap_err().retry_after, Some(3_600));
    }

    #[test]
    fn disabled_limits_admit_everything() {
        let l = Limiter::new(Limits::off());
        let t0 = Instant::now();
        assert!((0..100).all(|_| l.admit(t0, Utc::now()).is_ok()));
    }
}
