//! The simulator's library error, and the Gong-shaped HTTP error every endpoint answers with.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::request_id::current_request_id;
use crate::wire::ErrorBody;

/// Errors of the simulator's Rust API.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// A scenario file could not be read.
    #[error("cannot read scenario file {path}: {source}")]
    ReadScenario {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// A scenario is not valid.
    #[error("invalid scenario: {0}")]
    Scenario(String),
    /// New calls are generated; a scenario has no generator.
    #[error("new calls need generated data; a scenario cannot make them")]
    NoGenerator,
    /// The webhook signing key could not be used.
    #[error("invalid webhook signing key: {0}")]
    WebhookKey(String),
    /// The webhook URL is not a URL.
    #[error("invalid webhook URL '{0}'")]
    WebhookUrl(String),
    /// The HTTP client for webhooks could not be built.
    #[error("cannot build the webhook HTTP client: {0}")]
    HttpClient(String),
}

impl From<SimError> for std::io::Error {
    fn from(e: SimError) -> Self {
        std::io::Error::new(std::io::ErrorKind::InvalidInput, e.to_string())
    }
}

/// The literal message Gong gives for bad credentials.
pub const BAD_CREDENTIALS: &str =
    "Validate credentials failed. Please check your credentials and try again.";
/// The literal message for a valid filter with zero matches.
pub const NO_CALLS: &str = "No calls found corresponding to the provided filters";

/// A Gong error answer: `{"requestId":"…","errors":["…"]}`.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// The `errors` strings.
    pub message: String,
    /// `Retry-After` seconds (429).
    pub retry_after: Option<u64>,
    /// Add `WWW-Authenticate: Basic` (401 on bad credentials).
    pub challenge: bool,
}

impl ApiError {
    /// An error with a status and message.
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
            retry_after: None,
            challenge: false,
        }
    }

    /// 400.
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }

    /// 401 with Gong's credential message.
    pub fn bad_credentials() -> ApiError {
        ApiError {
            challenge: true,
            ..ApiError::new(StatusCode::UNAUTHORIZED, BAD_CREDENTIALS)
        }
    }

    /// 404 "No calls found…".
    pub fn no_calls() -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, NO_CALLS)
    }

    /// 429 with `Retry-After`.
    pub fn rate_limited(retry_after: u64, message: impl Into<String>) -> ApiError {
        ApiError {
            retry_after: Some(retry_after),
            ..ApiError::new(StatusCode::TOO_MANY_REQUESTS, message)
        }
    }

    /// A 5xx (or any status) injected by a fault switch.
    pub fn injected(status: StatusCode) -> ApiError {
        let message = match status {
            StatusCode::INTERNAL_SERVER_ERROR => "Internal server error occurred",
            StatusCode::SERVICE_UNAVAILABLE => "Service unavailable",
            StatusCode::TOO_MANY_REQUESTS => "Too many requests",
            StatusCode::UNAUTHORIZED => BAD_CREDENTIALS,
            _ => status.canonical_reason().unwrap_or("Error"),
        };
        let mut e = ApiError::new(status, message);
        if status == StatusCode::TOO_MANY_REQUESTS {
            e.retry_after = Some(1);
        }
        e
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            request_id: current_request_id(),
            errors: vec![self.message],
        };
        let mut response = (self.status, axum::Json(body)).into_response();
        let headers = response.headers_mut();
        if let Some(secs) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if self.challenge {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"Gong.io API\""),
            );
        }
        response
    }
}
