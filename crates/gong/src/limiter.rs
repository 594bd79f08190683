//! Client-side limits of one Gong company account: a request-rate limiter and a daily
//! budget.
//!
//! Gong allows 3 requests/s and 10,000/day per company. The limiter spaces requests
//! evenly (burst 1) at a little more than `1/rate` apart, so that no 1-second window ever
//! holds more than `rate` requests even when timers fire slightly early or late. Spacing
//! is stricter than a token bucket on purpose: Gong's own window is undocumented.

use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Days, NaiveDate, Utc};
use tokio::time::Instant;

/// Extra spacing on top of `1/rate`, as a fraction, plus a fixed floor: clock skew
/// between us and Gong and network jitter must not push 4 requests into one second.
const SPACING_MARGIN: f64 = 0.03;
const SPACING_FLOOR: Duration = Duration::from_millis(5);

/// Spaces requests at most `rate` per second (burst 1).
#[derive(Debug)]
pub struct RateLimiter {
    interval: Duration,
    next_slot: tokio::sync::Mutex<Option<Instant>>,
}

impl RateLimiter {
    /// A limiter allowing `per_second` requests per second (must be > 0 and finite).
    pub fn new(per_second: f64) -> Self {
        let base = Duration::from_secs_f64(1.0 / per_second);
        let spaced = base.mul_f64(1.0 + SPACING_MARGIN) + SPACING_FLOOR;
        // Whole milliseconds: tokio's timer rounds up to them anyway.
        let millis = spaced.as_nanos().div_ceil(1_000_000).min(u64::MAX as u128) as u64;
        Self {
            interval: Duration::from_millis(millis),
            next_slot: tokio::sync::Mutex::new(None),
        }
    }

    /// The spacing between two requests.
    pub fn interval(&self) -> Duration {
        self.interval
    }

    /// Waits for this request's slot. Slots are handed out in call order; the lock is
    /// held only to book the slot, not while sleeping.
    pub async fn acquire(&self) {
        let slot = {
            let mut next = self.next_slot.lock().await;
            let now = Instant::now();
            let slot = next.map_or(now, |n| n.max(now));
            *next = Some(slot + self.interval);
            slot
        };
        tokio::time::sleep_until(slot).await;
    }

    /// Holds every later request until `until` (after a 429, the whole account waits,
    /// including a page being prefetched).
    pub async fn pause_until(&self, until: Instant) {
        let mut next = self.next_slot.lock().await;
        *next = Some(next.map_or(until, |n| n.max(until)));
    }
}

/// Counts requests per UTC day against a budget.
#[derive(Debug)]
pub struct DailyBudget {
    limit: u32,
    used: Mutex<(NaiveDate, u32)>,
}

impl DailyBudget {
    /// A budget of `limit` requests per UTC day.
    pub fn new(limit: u32) -> Self {
        Self {
            limit,
            used: Mutex::new((NaiveDate::MIN, 0)),
        }
    }

    /// Takes one request from today's budget, or says when the budget resets (the next
    /// UTC midnight; Gong does not document its own reset time, so a 429 from Gong with a
    /// long `Retry-After` is handled separately).
    pub fn take(&self, now: DateTime<Utc>) -> Result<(), DateTime<Utc>> {
        let today = now.date_naive();
        // A poisoned lock only means another thread panicked mid-count; the count is
        // still a usable number.
        let mut used = self.used.lock().unwrap_or_else(|p| p.into_inner());
        if used.0 != today {
            *used = (today, 0);
        }
        if used.1 >= self.limit {
            let tomorrow = today.checked_add_days(Days::new(1)).unwrap_or(today);
            return Err(tomorrow.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc());
        }
        used.1 += 1;
        Ok(())
    }

    /// Requests counted today.
    pub fn used_today(&self, now: DateTime<Utc>) -> u32 {
        let used = self.used.lock().unwrap_or_else(|p| p.into_inner());
        if used.0 == now.date_naive() {
            used.1
        } else {
            0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn max_in_any_window(times: &[Instant], window: Duration) -> usize {
        times
            .iter()
            .map(|start| {
                times
                    .iter()
                    .filter(|t| **t >= *start && **t < *start + window)
                    .count()
            })
            .max()
            .unwrap_or(0)
    }

    #[tokio::test(start_paused = true)]
    async fn no_second_ever_holds_more_than_three_requests() {
        let limiter = Arc::new(RateLimiter::new(3.0));
        let times = Arc::new(Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for _ in 0..20 {
            let (limiter, times) = (limiter.clone(), times.clone());
            tasks.push(tokio::spawn(async move {
                limiter.acquire().await;
                times.lock().expect("not poisoned").push(Instant::now());
            }));
        }
        for task in tasks {
            task.await.expect("task ran");
        }
        let times = times.lock().expect("not poisoned").clone();
        assert_eq!(times.len(), 20);
        assert_eq!(max_in_any_window(&times, Duration::from_secs(1)), 3);
        // And not much slower than the limit: 20 requests take under 7 s.
        let span = *times.iter().max().expect("some") - *times.iter().min().expect("some");
        assert!(span < Duration::from_secs(7), "{span:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn the_first_request_goes_at_once_and_an_idle_limiter_does_not_bank_credit() {
        let limiter = RateLimiter::new(3.0);
        let start = Instant::now();
        limiter.acquire().await;
        assert_eq!(Instant::now(), start);
        tokio::time::sleep(Duration::from_secs(10)).await;
        let t0 = Instant::now();
        limiter.acquire().await;
        limiter.acquire().await;
        assert_eq!(Instant::now() - t0, limiter.interval());
    }

    #[tokio::test(start_paused = true)]
    async fn a_pause_holds_later_requests() {
        let limiter = RateLimiter::new(3.0);
        let start = Instant::now();
        limiter.pause_until(start + Duration::from_secs(2)).await;
        limiter.acquire().await;
        assert_eq!(Instant::now() - start, Duration::from_secs(2));
    }

    #[test]
    fn the_budget_is_per_utc_day_and_says_when_it_resets() {
        let budget = DailyBudget::new(2);
        let noon: DateTime<Utc> = "2026-03-01T12:00:00Z".parse().expect("literal");
        assert!(budget.take(noon).is_ok());
        assert!(budget.take(noon).is_ok());
        let reset = budget.take(noon).expect_err("budget used up");
        assert_eq!(
            reset,
            "2026-03-02T00:00:00Z"
                .parse::<DateTime<Utc>>()
                .expect("literal")
        );
        assert_eq!(budget.used_today(noon), 2);
        let next_day = "2026-03-02T00:00:01Z".parse().expect("literal");
        assert!(budget.take(next_day).is_ok());
        assert_eq!(budget.used_today(next_day), 1);
    }
}
