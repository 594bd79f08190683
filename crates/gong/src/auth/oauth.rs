//! The Gong OAuth app: authorize URL, code exchange and refresh at
//! `POST {oauth_base}/oauth2/generate-customer-token` (reference §2.2).
//!
//! Client authentication is HTTP Basic `client_id:client_secret`; grant parameters go in
//! the query string, as Gong documents. The response's `api_base_url_for_customer` is kept
//! with the tokens: every later API call goes to that host.

use std::time::Duration;

use chrono::{DateTime, Utc};
use rand::Rng as _;
use reqwest::StatusCode;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use url::Url;

use super::basic_header;
use super::tokens::OAuthTokens;
use crate::config::DEFAULT_OAUTH_BASE_URL;
use crate::error::GongError;
use crate::retry::Backoff;
use crate::wire::de::opt_i64;
use crate::wire::{decode, OAuthErrorBody};

const TOKEN_PATH: &str = "/oauth2/generate-customer-token";
/// Gong's access tokens live one day; used when a response omits `expires_in`.
const DEFAULT_EXPIRES_IN: i64 = 86_400;
/// The longest lifetime believed (30 days): a larger `expires_in` (a hostile or broken
/// token endpoint sent `i64::MAX`) is taken as the default instead, so the token is
/// refreshed early rather than the arithmetic overflowing.
const MAX_EXPIRES_IN: i64 = 30 * 86_400;

/// The lifetime to use for a token endpoint's `expires_in`.
fn checked_expires_in(expires_in: Option<i64>) -> i64 {
    match expires_in {
        None => DEFAULT_EXPIRES_IN,
        Some(s) if (0..=MAX_EXPIRES_IN).contains(&s) => s,
        Some(s) if s < 0 => 0,
        Some(s) => {
            tracing::warn!(
                expires_in = s,
                "Gong's token endpoint sent an implausible expires_in; using one day."
            );
            DEFAULT_EXPIRES_IN
        }
    }
}

/// The token endpoint's JSON.
#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    scope: Option<String>,
    #[serde(default, deserialize_with = "opt_i64")]
    expires_in: Option<i64>,
    #[serde(default)]
    api_base_url_for_customer: Option<String>,
}

/// A registered Gong OAuth app.
#[derive(Debug, Clone)]
pub struct OAuthClient {
    /// Client id.
    pub client_id: String,
    /// Client secret.
    pub client_secret: SecretString,
    /// OAuth host: `https://app.gong.io`, or a simulator's base URL.
    pub oauth_base_url: String,
    /// Redirect URI registered with the app.
    pub redirect_uri: String,
}

impl OAuthClient {
    /// The HTTP client for the token endpoint: the Gong client's timeouts, and no
    /// redirects (a token endpoint that redirects is not Gong's).
    pub fn http_client(config: &crate::ClientConfig) -> Result<reqwest::Client, GongError> {
        reqwest::Client::builder()
            .user_agent(config.user_agent.clone())
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| GongError::Config(format!("cannot build the HTTP client: {e}")))
    }

    /// An app on Gong's OAuth host.
    pub fn new(
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
        redirect_uri: impl Into<String>,
    ) -> Self {
        Self {
            client_id: client_id.into(),
            client_secret: SecretString::from(client_secret.into()),
            oauth_base_url: DEFAULT_OAUTH_BASE_URL.to_owned(),
            redirect_uri: redirect_uri.into(),
        }
    }

    /// Uses another OAuth host (the simulator's).
    pub fn with_oauth_base_url(mut self, url: impl Into<String>) -> Self {
        self.oauth_base_url = url.into();
        self
    }

    /// The consent page URL to send a Gong technical administrator to. `state` must come
    /// from [`super::PendingAuthorizations::issue`]; scopes are space-separated in the URL.
    pub fn authorize_url(&self, state: &str, scopes: &[&str]) -> Result<Url, GongError> {
        let mut url = self.endpoint("/oauth2/authorize")?;
        url.query_pairs_mut()
            .append_pair("client_id", &self.client_id)
            .append_pair("response_type", "code")
            .append_pair("scope", &scopes.join(" "))
            .append_pair("redirect_uri", &self.redirect_uri)
            .append_pair("state", state);
        Ok(url)
    }

    /// Exchanges the callback's `code` for tokens. The caller persists them.
    pub async fn exchange_code(
        &self,
        http: &reqwest::Client,
        code: &str,
    ) -> Result<OAuthTokens, GongError> {
        let params = [
            ("grant_type", "authorization_code"),
            ("code", code),
            ("client_id", self.client_id.as_str()),
            ("redirect_uri", self.redirect_uri.as_str()),
        ];
        let response = self
            .token_request(http, &params, &TokenRetry::default())
            .await?;
        Ok(to_tokens(response, None, Utc::now()))
    }

    /// Trades `current.refresh_token` for a new token set. The old refresh token is dead
    /// once this succeeds; persist the result before using it. A response without a
    /// refresh token keeps the old one; one without a customer host keeps the old host.
    pub async fn refresh(
        &self,
        http: &reqwest::Client,
        current: &OAuthTokens,
    ) -> Result<OAuthTokens, GongError> {
        self.refresh_with(http, current, &TokenRetry::default())
            .await
    }

    pub(crate) async fn refresh_with(
        &self,
        http: &reqwest::Client,
        current: &OAuthTokens,
        retry: &TokenRetry,
    ) -> Result<OAuthTokens, GongError> {
        let params = [
            ("grant_type", "refresh_token"),
            ("refresh_token", current.refresh_token.expose_secret()),
        ];
        let response = self.token_request(http, &params, retry).await?;
        Ok(to_tokens(response, Some(current), Utc::now()))
    }

    fn endpoint(&self, path: &str) -> Result<Url, GongError> {
        let base = self.oauth_base_url.trim_end_matches('/');
        Url::parse(&format!("{base}{path}"))
            .map_err(|e| GongError::Config(format!("oauth_base_url \"{base}\" is not a URL: {e}")))
    }

    async fn token_request(
        &self,
        http: &reqwest::Client,
        params: &[(&str, &str)],
        retry: &TokenRetry,
    ) -> Result<TokenResponse, GongError> {
        let mut url = self.endpoint(TOKEN_PATH)?;
        url.query_pairs_mut().extend_pairs(params);
        let auth = basic_header(&self.client_id, self.client_secret.expose_secret());
        let mut attempt = 0;
        loop {
            attempt += 1;
            let sent = http
                .post(url.clone())
                .header("Authorization", &auth)
                .send()
                .await;
            let retry_left = attempt <= retry.retries;
            let response = match sent {
                // Only errors before the request reached Gong are safe to repeat: a
                // refresh that Gong processed has already burnt the old refresh token.
                Err(e) if e.is_connect() && retry_left => None,
                // The URL carries the code or refresh token: never let it into a message.
                Err(e) => {
                    return Err(GongError::Network {
                        endpoint: TOKEN_PATH.to_owned(),
                        attempts: attempt,
                        source: e.without_url(),
                    })
                }
                Ok(r) => Some(r),
            };
            if let Some(response) = response {
                let status = response.status();
                let body = read_capped(response).await?;
                if !(status.is_server_error() && retry_left) {
                    return token_outcome(status, &body, attempt);
                }
            }
            let delay = retry.backoff.delay(attempt - 1, &mut rand::thread_rng());
            tracing::warn!(
                attempt,
                delay_ms = delay.as_millis() as u64,
                "Gong token endpoint unavailable; retrying."
            );
            tokio::time::sleep(delay).await;
        }
    }
}

/// The most read of a token endpoint's answer (a real one is well under 4 KiB).
pub const TOKEN_BODY_LIMIT: usize = 1 << 20;

/// The answer's body, read up to [`TOKEN_BODY_LIMIT`]; a longer one is refused
/// without reading the rest (a broken or hostile endpoint cannot exhaust memory).
async fn read_capped(mut response: reqwest::Response) -> Result<Vec<u8>, GongError> {
    let mut body = Vec::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        if body.len() + chunk.len() > TOKEN_BODY_LIMIT {
            return Err(GongError::Decode {
                endpoint: TOKEN_PATH.to_owned(),
                call_id: None,
                path: "(body)".to_owned(),
                message: format!(
                    "the token endpoint's answer is over {} MiB, more than any token response; it was not read further",
                    TOKEN_BODY_LIMIT >> 20
                ),
            });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// How hard the token endpoint is retried (connection errors and 5xx only).
#[derive(Debug, Clone)]
pub(crate) struct TokenRetry {
    pub retries: u32,
    pub backoff: Backoff,
}

impl Default for TokenRetry {
    fn default() -> Self {
        Self {
            retries: 3,
            backoff: Backoff {
                base: Duration::from_millis(200),
                max: Duration::from_secs(5),
            },
        }
    }
}

fn token_outcome(
    status: StatusCode,
    body: &[u8],
    attempts: u32,
) -> Result<TokenResponse, GongError> {
    if status.is_success() {
        return decode::parse(TOKEN_PATH, body);
    }
    let err: OAuthErrorBody = serde_json::from_slice(body).unwrap_or_default();
    let code = err
        .error
        .clone()
        .unwrap_or_else(|| status.as_u16().to_string());
    let message = match &err.error_description {
        Some(d) => format!("{code}: {d}"),
        None => code.clone(),
    };
    Err(match (status, code.as_str()) {
        (StatusCode::UNAUTHORIZED, _) | (_, "invalid_client" | "unauthorized_client") => {
            GongError::BadClientCredentials { message }
        }
        (s, _) if s.is_server_error() => GongError::Server {
            endpoint: TOKEN_PATH.to_owned(),
            status: s.as_u16(),
            message,
            attempts,
            request_id: "-".to_owned(),
        },
        // invalid_grant and friends: the code or refresh token is used, revoked or expired.
        _ => GongError::Reauthorize { reason: message },
    })
}

fn to_tokens(r: TokenResponse, previous: Option<&OAuthTokens>, now: DateTime<Utc>) -> OAuthTokens {
    let expires_in = checked_expires_in(r.expires_in);
    OAuthTokens {
        access_token: SecretString::from(r.access_token),
        refresh_token: match (r.refresh_token, previous) {
            (Some(new), _) => SecretString::from(new),
            (None, Some(old)) => old.refresh_token.clone(),
            (None, None) => SecretString::from(String::new()),
        },
        expires_at: now + chrono::Duration::seconds(expires_in),
        scope: r.scope.or_else(|| previous.and_then(|p| p.scope.clone())),
        api_base_url: r
            .api_base_url_for_customer
            .filter(|u| !u.trim().is_empty())
            .or_else(|| previous.and_then(|p| p.api_base_url.clone())),
    }
}

/// A random, URL-safe `state` value (256 bits).
pub(crate) fn random_state() -> String {
    use base64::Engine as _;
    let bytes: [u8; 32] = rand::thread_rng().gen();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(json: &str) -> TokenResponse {
        serde_json::from_str(json).expect("valid test JSON")
    }

    #[test]
    fn the_authorize_url_carries_every_parameter() {
        let client = OAuthClient::new("cid", "csecret", "https://tl.example/callback")
            .with_oauth_base_url("http://127.0.0.1:9/");
        let url = client
            .authorize_url("st4te", &["api:calls:read:extensive", "api:users:read"])
            .expect("valid");
        assert_eq!(url.path(), "/oauth2/authorize");
        let pairs: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
        assert_eq!(pairs["client_id"], "cid");
        assert_eq!(pairs["response_type"], "code");
        assert_eq!(pairs["scope"], "api:calls:read:extensive api:users:read");
        assert_eq!(pairs["redirect_uri"], "https://tl.example/callback");
        assert_eq!(pairs["state"], "st4te");
        assert!(url
            .as_str()
            .contains("scope=api%3Acalls%3Aread%3Aextensive+api%3Ausers%3Aread"));
        let default = OAuthClient::new("c", "s", "r")
            .authorize_url("x", &[])
            .expect("valid");
        assert!(default
            .as_str()
            .starts_with("https://app.gong.io/oauth2/authorize?"));
    }

    #[test]
    fn an_absurd_expires_in_does_not_overflow() {
        let now = Utc::now();
        for absurd in [i64::MAX, i64::MIN, MAX_EXPIRES_IN + 1] {
            let json = format!(r#"{{"access_token":"a","expires_in":{absurd}}}"#);
            let t = to_tokens(response(&json), None, now);
            assert!(t.expires_at >= now && t.expires_at <= now + chrono::Duration::days(1));
        }
    }

    #[test]
    fn a_token_response_becomes_a_token_set() {
        let now: DateTime<Utc> = "2026-01-01T00:00:00Z".parse().expect("literal");
        let r = response(
            r#"{"access_token":"a1","refresh_token":"r1","scope":"api:users:read",
            "token_type":"bearer","expires_in":86400,"api_base_url_for_customer":"https://company-17.api.gong.io"}"#,
        );
        let t = to_tokens(r, None, now);
        assert_eq!(t.access_token.expose_secret(), "a1");
        assert_eq!(t.refresh_token.expose_secret(), "r1");
        assert_eq!(
            t.expires_at,
            "2026-01-02T00:00:00Z"
                .parse::<DateTime<Utc>>()
                .expect("literal")
        );
        assert_eq!(
            t.api_base_url.as_deref(),
            Some("https://company-17.api.gong.io")
        );
        assert!(!t.expires_within(Duration::from_secs(300), now));
        assert!(t.expires_within(
            Duration::from_secs(300),
            "2026-01-01T23:56:00Z".parse().expect("literal")
        ));
    }

    #[test]
    fn a_refresh_without_a_refresh_token_keeps_the_old_one_and_the_host() {
        let now = Utc::now();
        let old = to_tokens(
            response(
                r#"{"access_token":"a1","refresh_token":"r1","api_base_url_for_customer":"https://c.example"}"#,
            ),
            None,
            now,
        );
        let new = to_tokens(
            response(r#"{"access_token":"a2","expires_in":"3600"}"#),
            Some(&old),
            now,
        );
        assert_eq!(new.access_token.expose_secret(), "a2");
        assert_eq!(new.refresh_token.expose_secret(), "r1");
        assert_eq!(new.api_base_url.as_deref(), Some("https://c.example"));
    }

    #[test]
    fn tokens_round_trip_through_serde_but_not_through_debug() {
        let t = to_tokens(
            response(r#"{"access_token":"acc-xyz","refresh_token":"ref-xyz"}"#),
            None,
            Utc::now(),
        );
        let json = serde_json::to_string(&t).expect("serialises");
        let back: OAuthTokens = serde_json::from_str(&json).expect("deserialises");
        assert_eq!(back.refresh_token.expose_secret(), "ref-xyz");
        let debug = format!("{t:?}");
        assert!(
            !debug.contains("acc-xyz") && !debug.contains("ref-xyz"),
            "{debug}"
        );
    }

    #[test]
    fn token_errors_are_classified() {
        let grant = token_outcome(
            StatusCode::BAD_REQUEST,
            br#"{"error":"invalid_grant","error_description":"Refresh token already used"}"#,
            1,
        );
        assert!(
            matches!(grant, Err(GongError::Reauthorize { ref reason }) if reason.contains("already used"))
        );
        let client = token_outcome(StatusCode::UNAUTHORIZED, b"", 1);
        assert!(matches!(
            client,
            Err(GongError::BadClientCredentials { .. })
        ));
        let down = token_outcome(StatusCode::BAD_GATEWAY, b"oops", 4);
        assert!(matches!(down, Err(GongError::Server { attempts: 4, .. })));
    }

    #[test]
    fn states_are_random_and_url_safe() {
        let (a, b) = (random_state(), random_state());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert!(a
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
    }
}
