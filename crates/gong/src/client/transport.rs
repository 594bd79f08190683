//! One API request end to end: daily budget, gate and rate limiter, credentials, sending,
//! retrying (5xx, timeouts, connection errors with backoff; 429 after `Retry-After`;
//! one token refresh after a 401) and turning every other answer into a [`GongError`].

use std::sync::atomic::Ordering;
use std::time::Duration;

use chrono::Utc;
use reqwest::header::{HeaderMap, ACCEPT, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use secrecy::ExposeSecret;
use tracing::Instrument as _;
use url::Url;

use super::Inner;
use crate::auth::session::Authorization;
use crate::error::{missing_scope, GongError};
use crate::retry::parse_retry_after;
use crate::wire::ErrorBody;

/// Gong's answer to a valid filter with zero matches (reference §4): an empty result.
pub(crate) const NO_CALLS_FOUND: &str = "No calls found corresponding to the provided filters";
/// Wait after a 429 without a usable `Retry-After`.
const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(1);

/// A request, identical on every attempt.
pub(crate) struct ApiRequest {
    pub method: Method,
    pub path: &'static str,
    pub query: Vec<(&'static str, String)>,
    pub body: Option<Vec<u8>>,
}

/// A successful outcome.
pub(crate) enum Reply {
    /// A 2xx body.
    Body(Vec<u8>),
    /// Gong's 404 "No calls found corresponding to the provided filters".
    NoCalls,
}

type Sent = Result<(StatusCode, HeaderMap, Vec<u8>), reqwest::Error>;

/// Retry counters of one request.
#[derive(Default)]
struct Tries {
    retries: u32,
    rate_waits: u32,
    refreshed: bool,
    /// When the current run of failures began (the outage window counts from here).
    failing_since: Option<tokio::time::Instant>,
}

impl Inner {
    /// Sends `req` until it succeeds or fails for good.
    pub(crate) async fn execute(&self, req: &ApiRequest) -> Result<Reply, GongError> {
        let span = tracing::debug_span!("gong_request", endpoint = req.path, method = %req.method);
        async {
            let mut tries = Tries::default();
            loop {
                self.admit(req.path).await?;
                let auth = self.auth.authorization(&self.http).await?;
                let url = self.url(req, &auth)?;
                let sent = self.send(req, url, &auth).await;
                if let Some(reply) = self.judge(req, sent, &auth, &mut tries).await? {
                    return Ok(reply);
                }
            }
        }
        .instrument(span)
        .await
    }

    /// Daily budget first (a used-up budget must not wait for a rate slot), then the
    /// gate (this deployment's shared budget), then the rate limiter.
    async fn admit(&self, endpoint: &'static str) -> Result<(), GongError> {
        if let Some(budget) = &self.budget {
            budget
                .take(Utc::now())
                .map_err(|resets_at| GongError::DailyQuotaExhausted { resets_at })?;
        }
        if let Some(gate) = &self.gate {
            gate.admit(endpoint)
                .await
                .map_err(|closed| GongError::Paused {
                    resumes_at: closed.resumes_at,
                })?;
        }
        if let Some(limiter) = &self.limiter {
            limiter.acquire().await;
        }
        self.requests.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    fn url(&self, req: &ApiRequest, auth: &Authorization) -> Result<Url, GongError> {
        let base = auth.base_url.as_deref().unwrap_or(&self.config.base_url);
        // Gong's spec lists the server as `https://api.gong.io/v2`; accept either form.
        let base = base.trim_end_matches('/');
        let base = base.strip_suffix("/v2").unwrap_or(base);
        let mut url = Url::parse(&format!("{base}{}", req.path))
            .map_err(|e| GongError::Config(format!("API base URL \"{base}\" is not a URL: {e}")))?;
        if !req.query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(req.query.iter().map(|(k, v)| (*k, v.as_str())));
        }
        Ok(url)
    }

    async fn send(&self, req: &ApiRequest, url: Url, auth: &Authorization) -> Sent {
        let mut builder = self
            .http
            .request(req.method.clone(), url)
            .header(AUTHORIZATION, auth.header.expose_secret())
            .header(ACCEPT, "application/json");
        if let Some(body) = &req.body {
            builder = builder
                .header(CONTENT_TYPE, "application/json")
                .body(body.clone());
        }
        let response = builder.send().await?;
        let status = response.status();
        let headers = response.headers().clone();
        // `into`, not `to_vec`: the collected body's buffer is kept, not copied.
        let body: Vec<u8> = response.bytes().await?.into();
        Ok((status, headers, body))
    }

    /// `Some(reply)` when done, `None` to try again; an error ends the request.
    async fn judge(
        &self,
        req: &ApiRequest,
        sent: Sent,
        auth: &Authorization,
        tries: &mut Tries,
    ) -> Result<Option<Reply>, GongError> {
        let (status, headers, body) = match sent {
            Ok(answer) => answer,
            Err(source) => {
                let endpoint = req.path.to_owned();
                let source = source.without_url();
                self.back_off(tries, &source.to_string(), |attempts| GongError::Network {
                    endpoint,
                    attempts,
                    source,
                })
                .await?;
                return Ok(None);
            }
        };
        if status.is_success() {
            return Ok(Some(Reply::Body(body)));
        }
        let error = ErrorBody::parse(&body);
        let message = error.message();
        tracing::debug!(status = status.as_u16(), request_id = ?error.request_id, %message, "Gong answered with an error.");
        match status {
            StatusCode::TOO_MANY_REQUESTS => self.wait_out_rate_limit(&headers, tries).await?,
            s if s.is_server_error() => {
                let endpoint = req.path.to_owned();
                let request_id = error.request_id.unwrap_or_else(|| "-".to_owned());
                let why = format!("{} {message} (requestId {request_id})", s.as_u16());
                self.back_off(tries, &why, |attempts| GongError::Server {
                    endpoint,
                    status: s.as_u16(),
                    message,
                    attempts,
                    request_id,
                })
                .await?;
            }
            s if s.is_redirection() => {
                // The redirect policy followed same-host redirects only; this one
                // points elsewhere and was stopped.
                let target = headers
                    .get(reqwest::header::LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("(no Location)")
                    .to_owned();
                return Err(GongError::Redirected {
                    endpoint: req.path.to_owned(),
                    target,
                });
            }
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN
                if !tries.refreshed
                    && missing_scope(&message).is_none()
                    && self.auth.is_oauth() =>
            {
                tries.refreshed = true;
                self.auth.refresh_after_rejection(&self.http, auth).await?;
            }
            StatusCode::NOT_FOUND if error.errors.iter().any(|e| e.trim() == NO_CALLS_FOUND) => {
                return Ok(Some(Reply::NoCalls));
            }
            _ => return Err(self.failure(req, status, error)),
        }
        Ok(None)
    }

    /// Sleeps before the next retry, or returns `give_up(attempts)` when none is left:
    /// retries stop at `max_retries` or when the next one would start past the outage
    /// window (counted from the first failure).
    async fn back_off(
        &self,
        tries: &mut Tries,
        why: &str,
        give_up: impl FnOnce(u32) -> GongError,
    ) -> Result<(), GongError> {
        let now = tokio::time::Instant::now();
        let since = *tries.failing_since.get_or_insert(now);
        let delay = self.backoff.delay(tries.retries, &mut rand::thread_rng());
        let past_window = now + delay > since + self.config.outage_window;
        if tries.retries >= self.config.max_retries || past_window {
            let attempts = tries.retries + 1;
            tracing::warn!(
                attempts,
                elapsed_s = now.duration_since(since).as_secs(),
                reason = %why,
                "Gong unreachable; giving up after {attempts} attempts."
            );
            return Err(give_up(attempts));
        }
        tries.retries += 1;
        let secs = delay.as_secs_f64();
        tracing::warn!(
            retry = tries.retries,
            reason = %why,
            "Gong unreachable, retrying in {secs:.1} s."
        );
        tokio::time::sleep(delay).await;
        Ok(())
    }

    async fn wait_out_rate_limit(
        &self,
        headers: &HeaderMap,
        tries: &mut Tries,
    ) -> Result<(), GongError> {
        self.rate_limited.fetch_add(1, Ordering::Relaxed);
        let wait = headers
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, Utc::now()))
            .unwrap_or(DEFAULT_RETRY_AFTER);
        if wait > self.config.max_retry_after {
            // Hours of waiting means the daily quota is gone: say when, don't sleep.
            let resets_at = chrono::Duration::from_std(wait)
                .ok()
                .and_then(|wait| Utc::now().checked_add_signed(wait))
                .unwrap_or(chrono::DateTime::<Utc>::MAX_UTC);
            return Err(GongError::DailyQuotaExhausted { resets_at });
        }
        if tries.rate_waits >= self.config.max_rate_limit_waits {
            return Err(GongError::RateLimited {
                attempts: tries.rate_waits,
                retry_after: wait,
            });
        }
        tries.rate_waits += 1;
        let secs = wait.as_secs_f64();
        tracing::warn!(
            retry_after_s = secs,
            "Gong rate limit hit; waiting {secs} s as Retry-After asks."
        );
        if let Some(limiter) = &self.limiter {
            // Every request of this account waits, not only this one.
            limiter
                .pause_until(tokio::time::Instant::now() + wait)
                .await;
        }
        tokio::time::sleep(wait).await;
        Ok(())
    }

    fn failure(&self, req: &ApiRequest, status: StatusCode, error: ErrorBody) -> GongError {
        let message = error.message();
        if matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN) {
            if let Some(scope) = missing_scope(&message) {
                return GongError::MissingScope { scope, message };
            }
            return if self.auth.is_oauth() {
                GongError::Reauthorize {
                    reason: format!("{} {message}", status.as_u16()),
                }
            } else {
                GongError::BadCredentials { message }
            };
        }
        GongError::Api {
            endpoint: req.path.to_owned(),
            status: status.as_u16(),
            message,
            request_id: error.request_id.unwrap_or_else(|| "-".to_owned()),
        }
    }
}
