//! [`GongClient`]: one Gong company account, its credentials and limits.
//!
//! - `transport`: one request end to end (limits, auth, retries, error classification).
//! - `endpoints`: the typed endpoints built on it.
//! - `privacy`: the data-privacy endpoints (erasure by email address).

mod endpoints;
mod privacy;
mod transport;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use url::Url;

use crate::auth::oauth::TokenRetry;
use crate::auth::session::Auth;
use crate::auth::{Credentials, OAuthTokens};
use crate::config::ClientConfig;
use crate::error::GongError;
use crate::gate::RequestGate;
use crate::limiter::{DailyBudget, RateLimiter};
use crate::retry::Backoff;

/// A client of one Gong company account. Cheap to clone; clones share the rate limiter,
/// the daily budget and the OAuth token set, so use one client (and its clones) per
/// connection: the limits are per Gong account.
#[derive(Clone)]
pub struct GongClient {
    inner: Arc<Inner>,
}

/// One account's client. Everything but the gate is shared by the clones
/// [`GongClient::gated`] makes, so limits, tokens and counts stay per account.
#[derive(Clone)]
pub(crate) struct Inner {
    http: reqwest::Client,
    config: ClientConfig,
    auth: Arc<Auth>,
    limiter: Option<Arc<RateLimiter>>,
    budget: Option<Arc<DailyBudget>>,
    backoff: Backoff,
    requests: Arc<AtomicU64>,
    rate_limited: Arc<AtomicU64>,
    /// Admits each request after the client's own daily budget (Q1, Q2).
    gate: Option<Arc<dyn RequestGate>>,
}

impl GongClient {
    /// A client for `credentials` with `config`. Fails only on an unusable configuration.
    pub fn new(config: ClientConfig, credentials: Credentials) -> Result<Self, GongError> {
        config.validate().map_err(GongError::Config)?;
        Url::parse(&config.base_url).map_err(|e| {
            GongError::Config(format!(
                "base_url \"{}\" is not a URL: {e}",
                config.base_url
            ))
        })?;
        let http = reqwest::Client::builder()
            .redirect(same_host_redirects())
            .user_agent(config.user_agent.clone())
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            .build()
            .map_err(|e| GongError::Config(format!("cannot build the HTTP client: {e}")))?;
        let backoff = Backoff {
            base: config.backoff_base,
            max: config.backoff_max,
        };
        let token_retry = TokenRetry {
            retries: config.max_retries.min(3),
            backoff,
        };
        Ok(Self {
            inner: Arc::new(Inner {
                auth: Arc::new(Auth::new(credentials, config.refresh_margin, token_retry)),
                limiter: config
                    .rate_per_second
                    .map(|r| Arc::new(RateLimiter::new(r))),
                budget: config.daily_budget.map(|b| Arc::new(DailyBudget::new(b))),
                backoff,
                requests: Arc::default(),
                rate_limited: Arc::default(),
                gate: None,
                http,
                config,
            }),
        })
    }

    /// A clone of this client whose requests `gate` admits first: the same account,
    /// limits, tokens and counters, another gate (e.g. one per purpose).
    pub fn gated(&self, gate: Arc<dyn RequestGate>) -> GongClient {
        GongClient {
            inner: Arc::new(Inner {
                gate: Some(gate),
                ..Inner::clone(&self.inner)
            }),
        }
    }

    /// The configuration in force.
    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// The underlying HTTP client (e.g. for [`crate::OAuthClient::exchange_code`]).
    pub fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    /// API requests sent so far, retries included (token endpoint calls excluded).
    pub fn requests_made(&self) -> u64 {
        self.inner.requests.load(Ordering::Relaxed)
    }

    /// 429 answers Gong gave so far (each one waited out or turned into an error).
    pub fn rate_limited_answers(&self) -> u64 {
        self.inner.rate_limited.load(Ordering::Relaxed)
    }

    /// The current OAuth token set (after any refresh), or `None` for Basic credentials.
    pub async fn tokens(&self) -> Option<OAuthTokens> {
        self.inner.auth.tokens().await
    }
}

impl std::fmt::Debug for GongClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GongClient")
            .field("base_url", &self.inner.config.base_url)
            .field("oauth", &self.inner.auth.is_oauth())
            .field("requests_made", &self.requests_made())
            .finish()
    }
}

/// Redirects are followed only within the host a request was sent to (at most five):
/// the request was checked against the allowed Gong hosts, its target was not. A
/// redirect elsewhere is not followed, and its 3xx answer becomes
/// [`GongError::Redirected`] naming the target.
fn same_host_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let same_origin = attempt
            .previous()
            .first()
            .is_some_and(|first| first.origin() == attempt.url().origin());
        if same_origin && attempt.previous().len() <= 5 {
            attempt.follow()
        } else {
            attempt.stop()
        }
    })
}
