//! The Rust face of the fault switches and counters; `/_sim/...` is the HTTP one.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::config::Limits;
use crate::error::SimError;
use crate::faults::{FailNext, FaultUpdate, FaultView};
use crate::state::SimState;
use crate::stats::SimStats;
use crate::webhook::DeliveryError;

/// Runtime switches of one simulator; cheap to clone.
#[derive(Debug, Clone)]
pub struct Controls {
    state: Arc<SimState>,
}

impl Controls {
    /// Controls of a state.
    pub fn new(state: Arc<SimState>) -> Controls {
        Controls { state }
    }

    /// Applies a partial fault update (the body of `POST /_sim/faults`).
    pub fn update_faults(&self, update: FaultUpdate) {
        self.state.faults.update(update, Instant::now());
    }

    /// Answers this fraction (0.0-1.0) of API requests with 500.
    pub fn set_error_rate(&self, rate: f64) {
        self.update_faults(FaultUpdate {
            error_rate: Some(rate),
            ..FaultUpdate::default()
        });
    }

    /// Answers the next `count` API requests with `status` (429s carry `Retry-After: 1`).
    pub fn fail_next(&self, count: u32, status: u16) {
        self.update_faults(FaultUpdate {
            fail_next: Some(FailNext { count, status }),
            ..FaultUpdate::default()
        });
    }

    /// Adds latency to every API request.
    pub fn set_latency(&self, latency: Duration) {
        self.update_faults(FaultUpdate {
            latency_ms: Some(latency.as_millis() as u64),
            ..FaultUpdate::default()
        });
    }

    /// Down (every API request and media link answers 503) until `set_down(false)`.
    pub fn set_down(&self, down: bool) {
        self.update_faults(FaultUpdate {
            down: Some(down),
            ..FaultUpdate::default()
        });
    }

    /// Redirects API requests (307) to `base_url`, or stops with `None`.
    pub fn redirect_to(&self, base_url: Option<&str>) {
        self.update_faults(FaultUpdate {
            redirect_to: Some(base_url.unwrap_or_default().to_string()),
            ..FaultUpdate::default()
        });
    }

    /// Down for a while from now.
    pub fn down_for(&self, window: Duration) {
        self.update_faults(FaultUpdate {
            down_for_secs: Some(window.as_secs().max(1)),
            ..FaultUpdate::default()
        });
    }

    /// Breaks these calls' JSON in every page that contains them (replaces the set).
    pub fn set_malformed_calls<I: IntoIterator<Item = S>, S: Into<String>>(&self, ids: I) {
        self.update_faults(FaultUpdate {
            malformed_call_ids: Some(ids.into_iter().map(Into::into).collect()),
            ..FaultUpdate::default()
        });
    }

    /// Deletes a call's recording: no media URLs, existing links answer 404.
    pub fn delete_recording(&self, call_id: &str) {
        self.update_faults(FaultUpdate {
            deleted_recordings: Some(vec![call_id.to_string()]),
            ..FaultUpdate::default()
        });
    }

    /// Calls Gong has not transcribed yet (replacing the set; empty: every call is).
    pub fn set_untranscribed<I: IntoIterator<Item = S>, S: Into<String>>(&self, ids: I) {
        self.update_faults(FaultUpdate {
            untranscribed_call_ids: Some(ids.into_iter().map(Into::into).collect()),
            ..FaultUpdate::default()
        });
    }

    /// Deletes calls from Gong: every call endpoint stops returning them.
    pub fn delete_calls<I: IntoIterator<Item = S>, S: Into<String>>(&self, ids: I) {
        let ds = &self.state.dataset;
        let indices = ids.into_iter().filter_map(|id| ds.index_of(&id.into()));
        self.state.privacy.delete(indices);
    }

    /// Makes calls private in Gong (after they were synced, as an owner may).
    pub fn make_private<I: IntoIterator<Item = S>, S: Into<String>>(&self, ids: I) {
        self.state
            .privacy
            .make_private(ids.into_iter().map(Into::into));
    }

    /// Turns every fault switch off.
    pub fn reset_faults(&self) {
        self.state.faults.reset();
    }

    /// The fault switches now.
    pub fn faults(&self) -> FaultView {
        self.state.faults.view(Instant::now())
    }

    /// Revokes every token: bearer calls get 401, refreshes `invalid_grant`.
    pub fn revoke_all_tokens(&self) {
        self.state.tokens().revoke_all();
    }

    /// Expires every access token now; refresh tokens still work.
    pub fn expire_access_tokens(&self) {
        let now = self.state.now();
        self.state.tokens().expire_all(now);
    }

    /// Moves the simulator's clock (token and media expiry) forward.
    pub fn advance_clock(&self, by: Duration) {
        self.state.advance_clock(by);
    }

    /// Replaces the rate limits.
    pub fn set_limits(&self, limits: Limits) {
        self.state.limiter.set(limits);
    }

    /// The rate limits now.
    pub fn limits(&self) -> Limits {
        self.state.limiter.limits()
    }

    /// A snapshot of the request counters.
    pub fn stats(&self) -> SimStats {
        self.state.stats.snapshot()
    }

    /// Zeroes the request counters.
    pub fn reset_stats(&self) {
        self.state.stats.reset();
    }

    /// Makes `n` new calls now and returns their ids (see [`crate::SimHandle::add_new_calls`]).
    pub fn add_new_calls(&self, n: u64) -> Result<Vec<String>, SimError> {
        crate::arrivals::add_new_calls(&self.state, n)
    }

    /// Changes the rate of new calls (per minute; 0 stops the timer).
    pub fn set_new_calls_per_minute(&self, rate: f64) {
        self.state.arrivals.set_per_minute(rate);
    }

    /// The rate of new calls, per minute.
    pub fn new_calls_per_minute(&self) -> f64 {
        self.state.arrivals.per_minute()
    }

    /// Sends webhooks of calls made from now on to `url` (`None`: none).
    pub fn set_webhook_url(&self, url: Option<&str>) {
        self.state.webhooks.set_url(url.map(str::to_string));
    }

    /// Where webhooks go.
    pub fn webhook_url(&self) -> Option<String> {
        self.state.webhooks.url()
    }

    /// The public key that verifies webhook tokens, SPKI PEM.
    pub fn webhook_public_key_pem(&self) -> String {
        self.state.webhooks.key().public_pem().to_string()
    }

    /// Sends Gong's test ping now; the receiver's status on success.
    pub async fn send_test_webhook(&self) -> Result<u16, DeliveryError> {
        crate::webhook::send_test(&self.state).await
    }

    /// Drops this fraction (0.0-1.0) of webhooks: never sent, the calls exist.
    pub fn set_webhook_drop_rate(&self, rate: f64) {
        self.update_faults(FaultUpdate {
            webhook_drop_rate: Some(rate),
            ..FaultUpdate::default()
        });
    }

    /// Sends this fraction (0.0-1.0) of webhooks twice.
    pub fn set_webhook_duplicate_rate(&self, rate: f64) {
        self.update_faults(FaultUpdate {
            webhook_duplicate_rate: Some(rate),
            ..FaultUpdate::default()
        });
    }

    /// Delays each webhook by a time drawn from `min..=max` (equal: fixed).
    pub fn set_webhook_delay(&self, min: Duration, max: Duration) {
        self.update_faults(FaultUpdate {
            webhook_delay_ms: Some(min.as_millis() as u64),
            webhook_delay_max_ms: Some(max.as_millis() as u64),
            ..FaultUpdate::default()
        });
    }
}
