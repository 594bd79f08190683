//! Client configuration: where Gong is, how fast and how often to call it, and how hard
//! to retry.

use std::time::Duration;

/// Gong's public API host, used when no per-customer host is known.
pub const DEFAULT_BASE_URL: &str = "https://api.gong.io";
/// Gong's OAuth host (authorize page and token endpoint).
pub const DEFAULT_OAUTH_BASE_URL: &str = "https://app.gong.io";

/// How the client talks to one Gong company account.
///
/// Build it with a struct literal over `..ClientConfig::default()` or the `with_*` methods.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientConfig {
    /// API host for Basic credentials and for OAuth tokens without
    /// `api_base_url_for_customer`. A trailing `/v2` is accepted and ignored.
    pub base_url: String,
    /// Requests per second to this account; `None` turns the limiter off (simulator
    /// benchmarks only). Gong's default limit is 3.
    pub rate_per_second: Option<f64>,
    /// Requests per UTC day counted client-side; `None` turns the budget off. Gong's
    /// default limit is 10,000.
    pub daily_budget: Option<u32>,
    /// Most retries after a 5xx, a timeout or a connection error (not counting the
    /// first try); the outage window usually ends the retries first.
    pub max_retries: u32,
    /// How long one request keeps retrying while Gong is unreachable or failing
    /// (5xx, timeouts, connection errors), counted from its first failure; then it
    /// fails with a retriable error and the job keeps its checkpoint.
    pub outage_window: Duration,
    /// Delay before the first retry; doubles each retry, with jitter.
    pub backoff_base: Duration,
    /// Cap of one retry delay.
    pub backoff_max: Duration,
    /// 429 answers waited out in a row before giving up.
    pub max_rate_limit_waits: u32,
    /// A 429 asking to wait longer than this is taken as the daily quota being used up,
    /// and returned as an error saying when it resets instead of sleeping for hours.
    pub max_retry_after: Duration,
    /// Refresh an OAuth access token this long before it expires.
    pub refresh_margin: Duration,
    /// Whole-request timeout.
    pub timeout: Duration,
    /// Connect timeout.
    pub connect_timeout: Duration,
    /// `User-Agent` header.
    pub user_agent: String,
}

impl Default for ClientConfig {
    fn default() -> Self {
        Self {
            base_url: DEFAULT_BASE_URL.to_owned(),
            rate_per_second: Some(3.0),
            daily_budget: Some(10_000),
            max_retries: 1_000,
            outage_window: Duration::from_secs(10 * 60),
            backoff_base: Duration::from_millis(200),
            backoff_max: Duration::from_secs(30),
            max_rate_limit_waits: 10,
            max_retry_after: Duration::from_secs(120),
            refresh_margin: Duration::from_secs(5 * 60),
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            user_agent: concat!("gong-timeline/", env!("CARGO_PKG_VERSION")).to_owned(),
        }
    }
}

impl ClientConfig {
    /// Defaults against `base_url`.
    pub fn new(base_url: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            ..Self::default()
        }
    }

    /// No rate limiter and no daily budget (for simulators with limits off).
    pub fn without_limits(mut self) -> Self {
        self.rate_per_second = None;
        self.daily_budget = None;
        self
    }

    /// Sets the request rate (`None`: unlimited).
    pub fn with_rate_per_second(mut self, rate: Option<f64>) -> Self {
        self.rate_per_second = rate;
        self
    }

    /// Sets the daily budget (`None`: unlimited).
    pub fn with_daily_budget(mut self, budget: Option<u32>) -> Self {
        self.daily_budget = budget;
        self
    }

    /// Sets retries and backoff (tests use tiny delays).
    pub fn with_retries(mut self, max_retries: u32, base: Duration, max: Duration) -> Self {
        self.max_retries = max_retries;
        self.backoff_base = base;
        self.backoff_max = max;
        self
    }

    /// Sets how long a request keeps retrying through an outage.
    pub fn with_outage_window(mut self, window: Duration) -> Self {
        self.outage_window = window;
        self
    }

    pub(crate) fn validate(&self) -> Result<(), String> {
        if let Some(rate) = self.rate_per_second {
            if !(rate.is_finite() && rate > 0.0) {
                return Err(format!(
                    "rate_per_second must be a positive number, not {rate}"
                ));
            }
        }
        if self.daily_budget == Some(0) {
            return Err("daily_budget must be at least 1 (or None for no budget)".to_owned());
        }
        Ok(())
    }
}
