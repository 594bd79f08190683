//! Fault switches, flipped at runtime from Rust ([`crate::Controls`]) or over HTTP
//! (`POST /_sim/faults`): a rate of 5xx answers, the next N requests failing with a
//! given status, added latency, a downtime window, malformed calls, deleted recordings,
//! redirects to another host; and for webhooks (see [`WebhookVerdict`]): a drop rate,
//! a duplicate rate, a delay (fixed or a range) and a tamper rate.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use crate::data::hash::{draw, Stream};

/// A partial update of the fault switches; absent fields are left as they are.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultUpdate {
    /// Fraction (0.0-1.0) of API requests answered 500.
    #[serde(default)]
    pub error_rate: Option<f64>,
    /// The next `count` API requests answer `status`.
    #[serde(default)]
    pub fail_next: Option<FailNext>,
    /// Latency added to every API request, ms.
    #[serde(default)]
    pub latency_ms: Option<u64>,
    /// `true`: down until told otherwise; `false`: up again.
    #[serde(default)]
    pub down: Option<bool>,
    /// Down for this many seconds from now.
    #[serde(default)]
    pub down_for_secs: Option<u64>,
    /// Replaces the set of call ids whose JSON is broken.
    #[serde(default)]
    pub malformed_call_ids: Option<Vec<String>>,
    /// Adds call ids whose recordings are deleted.
    #[serde(default)]
    pub deleted_recordings: Option<Vec<String>>,
    /// Replaces the set of call ids Gong has not transcribed yet: `/v2/calls/transcript`
    /// answers them with an empty transcript, as Gong does for a call just ended.
    #[serde(default)]
    pub untranscribed_call_ids: Option<Vec<String>>,
    /// API requests answer `307` to this base URL (plus the request's path), as a
    /// hijacked or misconfigured host would; an empty string stops it.
    #[serde(default)]
    pub redirect_to: Option<String>,
    /// Fraction (0.0-1.0) of new calls whose webhook is never sent.
    #[serde(default)]
    pub webhook_drop_rate: Option<f64>,
    /// Fraction (0.0-1.0) of sent webhooks that are sent twice.
    #[serde(default)]
    pub webhook_duplicate_rate: Option<f64>,
    /// Delay before each webhook is sent, ms (the low end when a maximum is set).
    #[serde(default)]
    pub webhook_delay_ms: Option<u64>,
    /// With a value above `webhook_delay_ms`: delays are drawn from that range.
    #[serde(default)]
    pub webhook_delay_max_ms: Option<u64>,
    /// Fraction (0.0-1.0) of webhooks whose body is changed after signing.
    #[serde(default)]
    pub webhook_tamper_rate: Option<f64>,
}

/// "Fail the next `count` requests with `status`".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailNext {
    /// How many requests.
    pub count: u32,
    /// HTTP status (default 500).
    #[serde(default = "default_status")]
    pub status: u16,
}

fn default_status() -> u16 {
    500
}

/// The switches as they are now (`GET /_sim/faults`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FaultView {
    /// Fraction of 500s.
    pub error_rate: f64,
    /// Pending forced failures.
    pub fail_next: Option<FailNext>,
    /// Added latency, ms.
    pub latency_ms: u64,
    /// Seconds of downtime left (`None`: up).
    pub down_remaining_secs: Option<u64>,
    /// Malformed call ids.
    pub malformed_call_ids: BTreeSet<String>,
    /// Deleted recordings added at runtime.
    pub deleted_recordings: BTreeSet<String>,
    /// Calls not transcribed yet.
    #[serde(default)]
    pub untranscribed_call_ids: BTreeSet<String>,
    /// Where API requests are redirected, if anywhere.
    #[serde(default)]
    pub redirect_to: Option<String>,
    /// Webhook switches.
    #[serde(default, flatten)]
    pub webhooks: WebhookFaults,
}

/// The webhook switches as they are now.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct WebhookFaults {
    /// Fraction of webhooks never sent.
    #[serde(default, rename = "webhook_drop_rate")]
    pub drop_rate: f64,
    /// Fraction of webhooks sent twice.
    #[serde(default, rename = "webhook_duplicate_rate")]
    pub duplicate_rate: f64,
    /// Delay before sending, ms (low end of the range).
    #[serde(default, rename = "webhook_delay_ms")]
    pub delay_ms: u64,
    /// High end of the delay range, ms (at most `delay_ms`: a fixed delay).
    #[serde(default, rename = "webhook_delay_max_ms")]
    pub delay_max_ms: u64,
    /// Fraction of webhooks whose body changes after signing.
    #[serde(default, rename = "webhook_tamper_rate")]
    pub tamper_rate: f64,
}

/// What the fault layer decided for one call's webhook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WebhookVerdict {
    /// Never sent.
    pub drop: bool,
    /// Sent twice.
    pub duplicate: bool,
    /// Waits this long before sending.
    pub delay: Duration,
    /// The body is changed after signing (the signature no longer matches).
    pub tamper: bool,
}

impl WebhookFaults {
    fn update(&mut self, u: &FaultUpdate) {
        let rate = |r: Option<f64>, old: f64| r.map_or(old, |r| r.clamp(0.0, 1.0));
        self.drop_rate = rate(u.webhook_drop_rate, self.drop_rate);
        self.duplicate_rate = rate(u.webhook_duplicate_rate, self.duplicate_rate);
        self.tamper_rate = rate(u.webhook_tamper_rate, self.tamper_rate);
        self.delay_ms = u.webhook_delay_ms.unwrap_or(self.delay_ms);
        self.delay_max_ms = u.webhook_delay_max_ms.unwrap_or(self.delay_max_ms);
    }

    /// The verdict for the webhook of call `index`: a pure function of the seed,
    /// the index and the switches, so a run is reproducible whatever the timing.
    pub fn decide(&self, seed: u64, index: u64) -> WebhookVerdict {
        let roll = |k: u64| {
            let d = draw(seed, Stream::Webhook, index.wrapping_mul(4).wrapping_add(k));
            (d % 1_000_000) as f64 / 1_000_000.0
        };
        let spread = self.delay_max_ms.saturating_sub(self.delay_ms);
        let extra = if spread == 0 {
            0
        } else {
            draw(seed ^ 0xDE1A, Stream::Webhook, index) % (spread + 1)
        };
        WebhookVerdict {
            drop: roll(0) < self.drop_rate,
            duplicate: roll(1) < self.duplicate_rate,
            delay: Duration::from_millis(self.delay_ms + extra),
            tamper: roll(2) < self.tamper_rate,
        }
    }
}

#[derive(Debug, Default)]
struct Switches {
    error_rate: f64,
    fail_next: Option<FailNext>,
    latency: Duration,
    down_until: Option<Instant>,
    malformed: BTreeSet<String>,
    deleted: BTreeSet<String>,
    untranscribed: BTreeSet<String>,
    redirect: Option<String>,
    webhooks: WebhookFaults,
}

/// The live switches.
#[derive(Debug)]
pub struct Faults {
    seed: u64,
    draws: AtomicU64,
    inner: Mutex<Switches>,
}

/// What the fault layer decided for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Serve normally after this delay.
    Pass(Duration),
    /// Answer this status instead, after this delay.
    Fail(StatusCode, Duration),
}

impl Faults {
    /// All switches off; `seed` makes the error-rate draws reproducible.
    pub fn new(seed: u64) -> Faults {
        Faults {
            seed,
            draws: AtomicU64::new(0),
            inner: Mutex::new(Switches::default()),
        }
    }

    fn with<R>(&self, f: impl FnOnce(&mut Switches) -> R) -> R {
        f(&mut self.inner.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// Applies a partial update.
    pub fn update(&self, u: FaultUpdate, now: Instant) {
        self.with(|s| {
            s.webhooks.update(&u);
            if let Some(rate) = u.error_rate {
                s.error_rate = rate.clamp(0.0, 1.0);
            }
            if let Some(f) = u.fail_next {
                s.fail_next = (f.count > 0).then_some(f);
            }
            if let Some(ms) = u.latency_ms {
                s.latency = Duration::from_millis(ms);
            }
            match u.down {
                Some(true) => s.down_until = Some(now + Duration::from_secs(100 * 365 * 86_400)),
                Some(false) => s.down_until = None,
                None => {}
            }
            if let Some(secs) = u.down_for_secs {
                s.down_until = Some(now + Duration::from_secs(secs));
            }
            if let Some(ids) = u.malformed_call_ids {
                s.malformed = ids.into_iter().collect();
            }
            if let Some(ids) = u.deleted_recordings {
                s.deleted.extend(ids);
            }
            if let Some(ids) = u.untranscribed_call_ids {
                s.untranscribed = ids.into_iter().collect();
            }
            if let Some(to) = u.redirect_to {
                s.redirect = (!to.is_empty()).then(|| to.trim_end_matches('/').to_string());
            }
        });
    }

    /// Turns every switch off.
    pub fn reset(&self) {
        self.with(|s| *s = Switches::default());
    }

    /// The switches now.
    pub fn view(&self, now: Instant) -> FaultView {
        self.with(|s| FaultView {
            error_rate: s.error_rate,
            fail_next: s.fail_next,
            latency_ms: s.latency.as_millis() as u64,
            down_remaining_secs: s
                .down_until
                .filter(|t| *t > now)
                .map(|t| t.duration_since(now).as_secs()),
            malformed_call_ids: s.malformed.clone(),
            deleted_recordings: s.deleted.clone(),
            untranscribed_call_ids: s.untranscribed.clone(),
            redirect_to: s.redirect.clone(),
            webhooks: s.webhooks,
        })
    }

    /// The fate of call `index`'s webhook (see [`WebhookFaults::decide`]).
    pub fn webhook_verdict(&self, index: u64) -> WebhookVerdict {
        self.with(|s| s.webhooks.decide(self.seed, index))
    }

    /// Decides the fate of one API request: downtime first, then forced failures,
    /// then the random error rate.
    pub fn decide(&self, now: Instant) -> Verdict {
        let draw_no = self.draws.fetch_add(1, Ordering::Relaxed);
        let roll = (draw(self.seed, Stream::Fault, draw_no) % 1_000_000) as f64 / 1_000_000.0;
        self.with(|s| {
            let delay = s.latency;
            if s.down_until.is_some_and(|t| t > now) {
                return Verdict::Fail(StatusCode::SERVICE_UNAVAILABLE, delay);
            }
            if let Some(f) = s.fail_next.as_mut() {
                f.count -= 1;
                let status =
                    StatusCode::from_u16(f.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                if f.count == 0 {
                    s.fail_next = None;
                }
                return Verdict::Fail(status, delay);
            }
            if roll < s.error_rate {
                return Verdict::Fail(StatusCode::INTERNAL_SERVER_ERROR, delay);
            }
            Verdict::Pass(delay)
        })
    }

    /// The base URL API requests are redirected to, if any.
    pub fn redirect(&self) -> Option<String> {
        self.with(|s| s.redirect.clone())
    }

    /// Whether the simulator is down now (media links fail too).
    pub fn is_down(&self, now: Instant) -> bool {
        self.with(|s| s.down_until.is_some_and(|t| t > now))
    }

    /// Whether `call_id`'s JSON is to be broken.
    pub fn is_malformed(&self, call_id: &str) -> bool {
        self.with(|s| !s.malformed.is_empty() && s.malformed.contains(call_id))
    }

    /// Whether Gong has not transcribed `call_id` yet.
    pub fn is_untranscribed(&self, call_id: &str) -> bool {
        self.with(|s| !s.untranscribed.is_empty() && s.untranscribed.contains(call_id))
    }

    /// Whether `call_id`'s recording was deleted at runtime.
    pub fn is_deleted(&self, call_id: &str) -> bool {
        self.with(|s| !s.deleted.is_empty() && s.deleted.contains(call_id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fail_next_fails_exactly_n_requests() {
        let f = Faults::new(1);
        let now = Instant::now();
        f.update(
            FaultUpdate {
                fail_next: Some(FailNext {
                    count: 2,
                    status: 502,
                }),
                ..Default::default()
            },
            now,
        );
        assert_eq!(
            f.decide(now),
            Verdict::Fail(StatusCode::BAD_GATEWAY, Duration::ZERO)
        );
        assert_eq!(
            f.decide(now),
            Verdict::Fail(StatusCode::BAD_GATEWAY, Duration::ZERO)
        );
        assert_eq!(f.decide(now), Verdict::Pass(Duration::ZERO));
    }

    #[test]
    fn an_error_rate_fails_about_that_fraction() {
        let f = Faults::new(1);
        let now = Instant::now();
        f.update(
            FaultUpdate {
                error_rate: Some(0.25),
                ..Default::default()
            },
            now,
        );
        let failed = (0..4_000)
            .filter(|_| matches!(f.decide(now), Verdict::Fail(..)))
            .count();
        assert!((800..1_200).contains(&failed), "{failed}");
    }

    #[test]
    fn webhook_faults_are_reproducible_and_about_their_rates() {
        let f = WebhookFaults {
            drop_rate: 0.2,
            duplicate_rate: 0.1,
            delay_ms: 100,
            delay_max_ms: 300,
            tamper_rate: 0.0,
        };
        let verdicts: Vec<_> = (0..5_000).map(|i| f.decide(7, i)).collect();
        assert_eq!(
            verdicts,
            (0..5_000).map(|i| f.decide(7, i)).collect::<Vec<_>>()
        );
        let dropped = verdicts.iter().filter(|v| v.drop).count();
        let doubled = verdicts.iter().filter(|v| v.duplicate).count();
        assert!((850..1_150).contains(&dropped), "{dropped}");
        assert!((400..600).contains(&doubled), "{doubled}");
        assert!(verdicts.iter().all(|v| !v.tamper));
        assert!(verdicts
            .iter()
            .all(|v| (100..=300).contains(&(v.delay.as_millis() as u64))));
        let fixed = WebhookFaults {
            delay_ms: 50,
            ..WebhookFaults::default()
        };
        assert_eq!(fixed.decide(7, 3).delay, Duration::from_millis(50));
    }

    #[test]
    fn webhook_switches_update_partially() {
        let f = Faults::new(1);
        let update = |u: FaultUpdate| f.update(u, Instant::now());
        update(FaultUpdate {
            webhook_drop_rate: Some(1.5),
            ..Default::default()
        });
        update(FaultUpdate {
            webhook_delay_ms: Some(20),
            ..Default::default()
        });
        let view = f.view(Instant::now()).webhooks;
        assert_eq!((view.drop_rate, view.delay_ms), (1.0, 20));
        assert!(f.webhook_verdict(0).drop);
        f.reset();
        assert!(!f.webhook_verdict(0).drop);
    }

    #[test]
    fn downtime_ends_when_its_window_does() {
        let f = Faults::new(1);
        let now = Instant::now();
        f.update(
            FaultUpdate {
                down_for_secs: Some(5),
                ..Default::default()
            },
            now,
        );
        assert!(f.is_down(now));
        assert!(!f.is_down(now + Duration::from_secs(6)));
        f.update(
            FaultUpdate {
                down: Some(true),
                ..Default::default()
            },
            now,
        );
        assert!(matches!(
            f.decide(now),
            Verdict::Fail(StatusCode::SERVICE_UNAVAILABLE, _)
        ));
        f.update(
            FaultUpdate {
                down: Some(false),
                ..Default::default()
            },
            now,
        );
        assert!(!f.is_down(now));
    }
}
