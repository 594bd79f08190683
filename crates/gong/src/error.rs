//! The one error type of the Gong client. Every variant's message says what went wrong
//! and what the reader should do about it; the sync engine classifies errors with
//! [`GongError::is_retriable`] and [`GongError::needs_reauthorization`], never by text.

use std::time::Duration;

use chrono::{DateTime, Utc};

/// A boxed error from a [`crate::TokenSink`].
pub type SinkError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Everything that can go wrong talking to Gong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GongError {
    /// HTTP Basic credentials were refused.
    #[error(
        "Gong refused the access key and secret ({message}). Check the access key and access \
         key secret on Gong's API settings page (Company settings > Ecosystem > API)."
    )]
    BadCredentials {
        /// Gong's message.
        message: String,
    },

    /// The OAuth grant is revoked or expired, or Gong denied access with a valid token.
    #[error("Gong no longer accepts this connection's authorisation ({reason}). Re-authorise the connection in Gong.")]
    Reauthorize {
        /// What Gong said.
        reason: String,
    },

    /// The OAuth app lacks a scope the request needs.
    #[error(
        "The Gong app is missing the scope '{scope}' ({message}). Add '{scope}' to the Gong \
         integration's scopes, then re-authorise the connection."
    )]
    MissingScope {
        /// The scope Gong named, e.g. `api:calls:read:media-url`.
        scope: String,
        /// Gong's message.
        message: String,
    },

    /// The OAuth client id/secret were refused at the token endpoint.
    #[error(
        "Gong refused the OAuth client id and secret ({message}). Check the Gong app's client \
         id and client secret in the configuration."
    )]
    BadClientCredentials {
        /// Gong's message.
        message: String,
    },

    /// The daily request budget is used up (client-side count, or Gong's 429 with a long
    /// `Retry-After`).
    #[error(
        "The daily Gong API quota is used up; it resets at {} UTC. Wait until then \
         or ask Gong to raise the company's limit.",
        .resets_at.format("%Y-%m-%d %H:%M")
    )]
    DailyQuotaExhausted {
        /// When requests can be made again.
        resets_at: DateTime<Utc>,
    },

    /// This deployment's own budget of Gong requests (Q1, Q2) admits no more of this
    /// kind for now: the work pauses and goes on at `resumes_at`.
    #[error("Paused: Gong quota for today is spent; resumes at {} UTC", .resumes_at.format("%H:%M"))]
    Paused {
        /// When the paused work goes on (a scheduled slot).
        resumes_at: DateTime<Utc>,
    },

    /// Gong kept answering 429 beyond the configured number of waits.
    #[error("Gong kept answering 429 Too Many Requests after {attempts} waits; try again later or lower the request rate.")]
    RateLimited {
        /// How many 429s were waited out.
        attempts: u32,
        /// The last `Retry-After`.
        retry_after: Duration,
    },

    /// 5xx answers persisted through all retries.
    #[error("Gong answered {status} to {endpoint} ({message}) on all {attempts} attempts (requestId {request_id}); Gong may be down, try again later.")]
    Server {
        /// The endpoint path.
        endpoint: String,
        /// HTTP status.
        status: u16,
        /// Gong's message.
        message: String,
        /// Attempts made.
        attempts: u32,
        /// Gong's request id of the last answer, or `-`.
        request_id: String,
    },

    /// Gong could not be reached (connection refused, DNS, timeout) through all retries.
    #[error("Could not reach Gong for {endpoint} after {attempts} attempts: {}. Check the base URL and the network.", transport_reason(.source))]
    Network {
        /// The endpoint path.
        endpoint: String,
        /// Attempts made.
        attempts: u32,
        /// The transport error (with any URL removed: it may carry an OAuth code).
        #[source]
        source: reqwest::Error,
    },

    /// Any other non-2xx answer: the request itself is wrong, which is a bug to report.
    #[error("Gong answered {status} to {endpoint}: {message} (requestId {request_id}). The request was refused as sent; report this with the request id.")]
    Api {
        /// The endpoint path.
        endpoint: String,
        /// HTTP status.
        status: u16,
        /// Gong's message(s).
        message: String,
        /// Gong's request id, or `-`.
        request_id: String,
    },

    /// A response body did not parse. Names the call and the JSON path where it broke.
    #[error("{}", decode_message(.endpoint, .call_id.as_deref(), .path, .message))]
    Decode {
        /// The endpoint path.
        endpoint: String,
        /// The call whose object broke, when the failure was inside one call.
        call_id: Option<String>,
        /// JSON path inside the call (or the body), e.g. `metaData.started`.
        path: String,
        /// The parser's message.
        message: String,
    },

    /// The rotated OAuth tokens could not be saved, so they were not used.
    #[error("Could not save the rotated Gong tokens: {source}. The connection may need to be re-authorised if this persists.")]
    TokenPersist {
        /// The sink's error.
        #[source]
        source: SinkError,
    },

    /// An OAuth `state` was unknown, already used or expired.
    #[error("The Gong authorisation request is unknown, already used or expired; start the authorisation again.")]
    InvalidOAuthState,

    /// Gong's answer redirected to another host; the redirect was not followed (the
    /// request and its credentials go only to the connection's Gong host).
    #[error("Gong's answer to {endpoint} redirected to {target}, which is not this connection's Gong host; the redirect was not followed. Check the connection's base URL.")]
    Redirected {
        /// The endpoint path.
        endpoint: String,
        /// Where the redirect pointed.
        target: String,
    },

    /// The client configuration is unusable.
    #[error("Invalid Gong client configuration: {0}.")]
    Config(String),
}

/// What went wrong on the wire, in words: a timeout is called a timeout.
fn transport_reason(source: &reqwest::Error) -> String {
    use std::error::Error as _;
    let mut innermost = source.to_string();
    let mut cause = source.source();
    while let Some(c) = cause {
        innermost = c.to_string();
        cause = c.source();
    }
    if source.is_timeout() {
        format!("the request timed out ({innermost})")
    } else if source.is_connect() {
        format!("the connection failed ({innermost})")
    } else {
        format!("{source} ({innermost})")
    }
}

fn decode_message(endpoint: &str, call_id: Option<&str>, path: &str, message: &str) -> String {
    let at = if path.is_empty() || path == "." {
        String::new()
    } else {
        format!(" at {path}")
    };
    match call_id {
        Some(id) => format!(
            "Gong call {id}: {message}{at} (response of {endpoint} did not parse; report it with this call id)"
        ),
        None => format!("Gong's response to {endpoint} did not parse: {message}{at}"),
    }
}

impl GongError {
    /// True when the same request may succeed later without anyone changing anything
    /// (Gong down, network trouble, rate limiting). The client already retried these.
    pub fn is_retriable(&self) -> bool {
        matches!(
            self,
            Self::Server { .. } | Self::Network { .. } | Self::RateLimited { .. }
        )
    }

    /// True when an admin must act on the connection: re-authorise it in Gong, grant a
    /// scope, or enter new credentials. The sync engine should stop this connection.
    pub fn needs_reauthorization(&self) -> bool {
        matches!(
            self,
            Self::Reauthorize { .. }
                | Self::MissingScope { .. }
                | Self::BadCredentials { .. }
                | Self::BadClientCredentials { .. }
        )
    }

    /// When the error is a used-up daily quota: the instant requests may resume.
    pub fn resets_at(&self) -> Option<DateTime<Utc>> {
        match self {
            Self::DailyQuotaExhausted { resets_at } => Some(*resets_at),
            _ => None,
        }
    }

    /// When the error is this deployment's own budget pausing the work (Q2): when it
    /// goes on.
    pub fn paused_until(&self) -> Option<DateTime<Utc>> {
        match self {
            Self::Paused { resumes_at } => Some(*resumes_at),
            _ => None,
        }
    }

    /// The call this error is about, when it is one call's malformed body.
    pub fn call_id(&self) -> Option<&str> {
        match self {
            Self::Decode { call_id, .. } => call_id.as_deref(),
            _ => None,
        }
    }
}

/// Extracts the scope from Gong's "You don't have permission to use 'api:…' in your app."
pub(crate) fn missing_scope(message: &str) -> Option<String> {
    let lower = message.to_ascii_lowercase();
    if !lower.contains("permission") {
        return None;
    }
    // Not the first quote: "don't" has one.
    let start = message.find("'api:")? + 1;
    let len = message[start..].find('\'')?;
    let scope = &message[start..start + len];
    scope.starts_with("api:").then(|| scope.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scope_is_taken_from_gongs_message() {
        let msg = "You don't have permission to use 'api:calls:read:media-url' in your app.";
        assert_eq!(
            missing_scope(msg).as_deref(),
            Some("api:calls:read:media-url")
        );
        assert_eq!(missing_scope("Validate credentials failed."), None);
    }

    #[test]
    fn a_decode_error_names_the_call_and_the_path() {
        let err = GongError::Decode {
            endpoint: "/v2/calls/extensive".into(),
            call_id: Some("7782342274025937895".into()),
            path: "metaData.started".into(),
            message: "invalid type: integer `5`, expected a string".into(),
        };
        let text = err.to_string();
        assert!(
            text.starts_with("Gong call 7782342274025937895: invalid type"),
            "{text}"
        );
        assert!(text.contains("at metaData.started"), "{text}");
        assert_eq!(err.call_id(), Some("7782342274025937895"));
        assert!(!err.is_retriable() && !err.needs_reauthorization());
    }

    #[test]
    fn messages_say_what_to_do() {
        let scope = GongError::MissingScope {
            scope: "api:users:read".into(),
            message: "m".into(),
        };
        assert!(scope.to_string().contains("Add 'api:users:read'"));
        assert!(scope.needs_reauthorization());
        let revoked = GongError::Reauthorize {
            reason: "invalid_grant".into(),
        };
        assert!(revoked.to_string().contains("Re-authorise the connection"));
        let quota = GongError::DailyQuotaExhausted {
            resets_at: "2026-01-02T00:00:00Z".parse().expect("literal"),
        };
        assert!(
            quota
                .to_string()
                .contains("resets at 2026-01-02 00:00 UTC."),
            "{quota}"
        );
        assert!(!quota.is_retriable());
    }
}
