//! New calls over time: the rate switch (`new_calls_per_minute`, with an optional
//! cap), the timer that makes calls at that rate, and [`add_new_calls`], the one
//! place a new call is made — it enters the data set (served by the API at once),
//! is counted, and is announced to the webhook sender.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::config::SimConfig;
use crate::error::SimError;
use crate::state::SimState;
use crate::webhook;

/// The rate of new calls and what the timer has made so far.
#[derive(Debug)]
pub struct Arrivals {
    rate_bits: AtomicU64,
    max: Option<u64>,
    by_timer: AtomicU64,
}

impl Arrivals {
    /// The configured rate and cap.
    pub fn new(config: &SimConfig) -> Arrivals {
        let arrivals = Arrivals {
            rate_bits: AtomicU64::new(0),
            max: config.new_calls_max,
            by_timer: AtomicU64::new(0),
        };
        arrivals.set_per_minute(config.new_calls_per_minute);
        arrivals
    }

    /// New calls per minute (0: the timer makes none).
    pub fn per_minute(&self) -> f64 {
        f64::from_bits(self.rate_bits.load(Ordering::Relaxed))
    }

    /// Changes the rate; negative or non-finite rates are 0.
    pub fn set_per_minute(&self, rate: f64) {
        let rate = if rate.is_finite() { rate.max(0.0) } else { 0.0 };
        self.rate_bits.store(rate.to_bits(), Ordering::Relaxed);
    }

    /// How many of `due` calls the timer may still make under the cap.
    fn allowance(&self, due: u64) -> u64 {
        let made = self.by_timer.load(Ordering::Relaxed);
        self.max
            .map_or(due, |max| due.min(max.saturating_sub(made)))
    }
}

/// Makes `n` new calls now (independent of the timer and its cap) and returns
/// their ids. Fails only for a scenario, which has no generator.
pub fn add_new_calls(state: &SimState, n: u64) -> Result<Vec<String>, SimError> {
    let made = state.dataset.add_new_calls(n, chrono::Utc::now())?;
    state.stats.new_calls(made.len() as u64);
    let ids = made.iter().map(|(_, c)| c.id.clone()).collect();
    for (index, call) in made {
        webhook::announce(state, index, call);
    }
    Ok(ids)
}

/// The pause between two timer ticks at `rate` per minute: one call's worth,
/// between 10 ms and 1 s.
fn tick(rate: f64) -> Duration {
    if rate <= 0.0 {
        return Duration::from_secs(1);
    }
    Duration::from_secs_f64((60.0 / rate).clamp(0.01, 1.0))
}

/// Makes new calls at the configured rate until the simulator stops (the server
/// aborts this task). Calls owed accumulate fractionally, so the long-run rate is
/// exact whatever the tick; a rate change applies from the next tick.
pub async fn run_timer(state: Arc<SimState>) {
    let arrivals = &state.arrivals;
    let mut owed = 0.0f64;
    let mut last = tokio::time::Instant::now();
    loop {
        tokio::time::sleep(tick(arrivals.per_minute())).await;
        let now = tokio::time::Instant::now();
        let rate = arrivals.per_minute();
        owed += rate / 60.0 * now.duration_since(last).as_secs_f64();
        last = now;
        if rate <= 0.0 {
            owed = 0.0;
        }
        let due = arrivals.allowance(owed.floor() as u64);
        if due == 0 {
            continue;
        }
        owed -= due as f64;
        arrivals.by_timer.fetch_add(due, Ordering::Relaxed);
        if let Err(error) = add_new_calls(&state, due) {
            tracing::warn!(%error, "The timer cannot make new calls; it stops.");
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_limits_what_the_timer_may_make() {
        let a = Arrivals::new(&SimConfig {
            new_calls_per_minute: 60.0,
            new_calls_max: Some(5),
            ..SimConfig::default()
        });
        assert_eq!(a.allowance(3), 3);
        a.by_timer.store(4, Ordering::Relaxed);
        assert_eq!(a.allowance(3), 1);
        a.set_per_minute(f64::NAN);
        assert_eq!(a.per_minute(), 0.0);
    }

    #[test]
    fn ticks_follow_the_rate_within_bounds() {
        assert_eq!(tick(0.0), Duration::from_secs(1));
        assert_eq!(tick(6.0), Duration::from_secs(1));
        assert_eq!(tick(600.0), Duration::from_millis(100));
        assert_eq!(tick(1e9), Duration::from_millis(10));
    }
}
