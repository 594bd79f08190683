//! How fresh webhooks keep the Timeline (#12 item 4): of the calls processed over the
//! last day, the delay from the webhook's arrival (Gong processed the call) to the
//! commit of its activity — the last one, the median and the 95th percentile.

use gong_timeline_store::WebhookDelays;

/// The span the figures cover.
pub const WINDOW_HOURS: i64 = 24;

/// Delay figures, in seconds.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Freshness {
    /// Calls processed in the window.
    pub calls: u64,
    /// The delay of the last one processed.
    pub last_seconds: f64,
    /// The median delay.
    pub p50_seconds: f64,
    /// The 95th-percentile delay.
    pub p95_seconds: f64,
}

impl Freshness {
    /// The figures of some delays (in processing order); `None` without any.
    pub fn of(delays: &WebhookDelays) -> Option<Freshness> {
        let last = *delays.millis.last()?;
        let mut sorted = delays.millis.clone();
        sorted.sort_unstable();
        Some(Freshness {
            calls: sorted.len() as u64,
            last_seconds: seconds(last),
            p50_seconds: seconds(nearest_rank(&sorted, 50)),
            p95_seconds: seconds(nearest_rank(&sorted, 95)),
        })
    }
}

/// The nearest-rank percentile of sorted, non-empty values.
fn nearest_rank(sorted: &[i64], percent: usize) -> i64 {
    let rank = (percent * sorted.len()).div_ceil(100).max(1);
    sorted[rank.min(sorted.len()) - 1]
}

fn seconds(millis: i64) -> f64 {
    millis as f64 / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(millis: &[i64]) -> Option<Freshness> {
        Freshness::of(&WebhookDelays {
            millis: millis.to_vec(),
        })
    }

    #[test]
    fn no_calls_no_figures() {
        assert_eq!(of(&[]), None);
    }

    #[test]
    fn last_is_the_last_processed_and_percentiles_are_nearest_rank() {
        let millis: Vec<i64> = (1..=100).rev().map(|s| s * 1000).collect();
        let f = of(&millis).expect("figures");
        assert_eq!(f.calls, 100);
        assert_eq!(f.last_seconds, 1.0);
        assert_eq!(f.p50_seconds, 50.0);
        assert_eq!(f.p95_seconds, 95.0);
    }

    #[test]
    fn one_call_is_every_figure() {
        let f = of(&[1500]).expect("figures");
        assert_eq!(
            (f.last_seconds, f.p50_seconds, f.p95_seconds),
            (1.5, 1.5, 1.5)
        );
    }
}
