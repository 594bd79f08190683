//! Simulator configuration: data size and seed, credentials it accepts, limits,
//! new calls over time and the webhooks announcing them.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::data::scenario::Scenario;
use crate::data::spread::default_anchor;

/// Gong's rate limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Limits {
    /// Enforce limits at all (`--no-limits` turns this off).
    pub enabled: bool,
    /// Requests per any one-second window (Gong: 3).
    pub per_second: u32,
    /// Requests per UTC day (Gong: 10,000).
    pub per_day: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            enabled: true,
            per_second: 3,
            per_day: 10_000,
        }
    }
}

impl Limits {
    /// No limits at all.
    pub fn off() -> Self {
        Limits {
            enabled: false,
            ..Limits::default()
        }
    }
}

/// Everything a simulator needs to start.
#[derive(Clone)]
pub struct SimConfig {
    /// Seed of the generated data.
    pub seed: u64,
    /// Number of generated calls.
    pub calls: u64,
    /// Number of generated Gong users (at least 12 are made).
    pub users: u32,
    /// Calls start within this many days before `now`.
    pub days: u32,
    /// End of the call window; default: the current time truncated to the hour.
    pub now: Option<DateTime<Utc>>,
    /// Explicit data instead of generated data.
    pub scenario: Option<Scenario>,
    /// Rate limits.
    pub limits: Limits,
    /// Accepted access key (HTTP Basic).
    pub access_key: String,
    /// Accepted access key secret.
    pub access_secret: String,
    /// Accepted OAuth client id.
    pub client_id: String,
    /// Accepted OAuth client secret.
    pub client_secret: String,
    /// Access-token lifetime (`expires_in`), seconds.
    pub token_ttl_secs: u64,
    /// Media URL lifetime, seconds (Gong: 8 hours).
    pub media_ttl_secs: u64,
    /// Base URL announced in `api_base_url_for_customer`, call and media URLs;
    /// default `http://<bound address>`.
    pub public_base_url: Option<String>,
    /// New calls made per minute while running (0: none; the default).
    pub new_calls_per_minute: f64,
    /// The most new calls the timer makes (`None`: no cap); calls added on demand
    /// do not count against it.
    pub new_calls_max: Option<u64>,
    /// Where each new call's webhook is posted (`None`: no webhooks).
    pub webhook_url: Option<String>,
    /// An RSA private key (PEM) signing webhooks instead of the embedded demo key.
    pub webhook_key_pem: Option<String>,
    /// How long after a new call appears its webhook is sent ("processing").
    pub webhook_processing_delay: Duration,
    /// Which Gong account the simulator plays (0, the default, is the seed's own):
    /// another account has its own workspace id and call ids, over the same users
    /// and companies, so two simulators differing only here are two Gong accounts
    /// whose meetings one Timeline holds side by side (S10).
    pub account: u64,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            seed: 42,
            calls: 1_000,
            users: 40,
            days: 60,
            now: None,
            scenario: None,
            limits: Limits::default(),
            access_key: "sim-access-key".into(),
            access_secret: "sim-secret".into(),
            client_id: "sim-client-id".into(),
            client_secret: "sim-client-secret".into(),
            token_ttl_secs: 86_400,
            media_ttl_secs: 8 * 3_600,
            public_base_url: None,
            new_calls_per_minute: 0.0,
            new_calls_max: None,
            webhook_url: None,
            webhook_key_pem: None,
            webhook_processing_delay: Duration::ZERO,
            account: 0,
        }
    }
}

impl SimConfig {
    /// The end of the call window.
    pub fn anchor(&self) -> DateTime<Utc> {
        self.now.unwrap_or_else(|| default_anchor(Utc::now()))
    }
}

// Secrets stay out of Debug output (logs print configs).
impl std::fmt::Debug for SimConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimConfig")
            .field("seed", &self.seed)
            .field("calls", &self.calls)
            .field("users", &self.users)
            .field("days", &self.days)
            .field("now", &self.now)
            .field("scenario", &self.scenario.as_ref().map(|s| s.calls.len()))
            .field("limits", &self.limits)
            .field("access_key", &self.access_key)
            .field("client_id", &self.client_id)
            .field("token_ttl_secs", &self.token_ttl_secs)
            .field("public_base_url", &self.public_base_url)
            .field("new_calls_per_minute", &self.new_calls_per_minute)
            .field("new_calls_max", &self.new_calls_max)
            .field("webhook_url", &self.webhook_url)
            .field(
                "webhook_key",
                &if self.webhook_key_pem.is_some() {
                    "custom"
                } else {
                    "demo"
                },
            )
            .field("webhook_processing_delay", &self.webhook_processing_delay)
            .finish_non_exhaustive()
    }
}
