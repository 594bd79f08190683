//! [`ApiError`]: the one error type of the web layer. The JSON API renders it as
//! `{"error": {"code", "message"}}` with the status of its variant; pages render it
//! as [`crate::ui::error::PageError`], the error page. Internal details are logged, never
//! returned.
//!
//! | variant | status | code |
//! | --- | --- | --- |
//! | `BadRequest` | 400 | `bad_request` (a query that does not parse) |
//! | `BadParameter` | 400 | `bad_request` (one query parameter, named in `field`: a bad `limit` or `cursor`) |
//! | `Unauthorized` | 401 | `unauthorized` |
//! | `Forbidden` | 403 | `forbidden` |
//! | `NotFound` | 404 | `not_found` |
//! | `Conflict` | 409 | `conflict` |
//! | `Gone` | 410 | `gone` |
//! | `Invalid` | 422 | `invalid` (with `field` when one field is at fault) |
//! | `BadGateway` | 502 | `bad_gateway` (Gong failed) |
//! | `Internal` | 500 | `internal` |

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use gong_timeline_store::StoreError;
use gong_timeline_sync::SyncError;

/// Why a request failed.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A request that does not parse (a query parameter of the wrong kind).
    #[error("{0}")]
    BadRequest(String),
    /// One query parameter is wrong (a page size out of range, a cursor this list
    /// did not give).
    #[error("{message}")]
    BadParameter {
        /// The parameter.
        field: String,
        /// What was wrong and what to do.
        message: String,
    },
    /// No or a bad session / token.
    #[error("log in or send a valid Bearer API token")]
    Unauthorized,
    /// Authenticated, but the request is refused (a missing CSRF token).
    #[error("{0}")]
    Forbidden(String),
    /// No such record.
    #[error("{0}")]
    NotFound(String),
    /// The request conflicts with the current state (a sync already running, a taken name).
    #[error("{0}")]
    Conflict(String),
    /// The resource existed and is gone for good (an expired export).
    #[error("{0}")]
    Gone(String),
    /// The body is over the most this route reads (an upload over the import limit).
    #[error("{0}")]
    TooLarge(String),
    /// Bad input; `field` names the input at fault.
    #[error("{message}")]
    Invalid {
        /// The field at fault, when one is.
        field: Option<String>,
        /// What was wrong and what to do.
        message: String,
    },
    /// Gong answered with an error or not at all.
    #[error("{0}")]
    BadGateway(String),
    /// The server cannot do it now, through no fault of the request (a read-only
    /// database): try again once an operator fixed it.
    #[error("{0}")]
    Unavailable(String),
    /// Anything else; the detail is logged.
    #[error("internal error")]
    Internal(String),
}

impl ApiError {
    /// An [`ApiError::Invalid`] naming `field`.
    pub fn invalid(field: &str, message: impl ToString) -> ApiError {
        ApiError::Invalid {
            field: Some(field.to_string()),
            message: message.to_string(),
        }
    }

    /// An upload over [`UPLOAD_LIMIT`](crate::limits::UPLOAD_LIMIT): one
    /// message for the Imports page and the API.
    pub fn upload_too_large() -> ApiError {
        ApiError::TooLarge(format!(
            "The file is larger than {} MB, the most one import takes; nothing was stored. \
             Split it into smaller files and import each.",
            crate::limits::UPLOAD_LIMIT >> 20
        ))
    }

    /// The one 404 of a record `what` (`job`, `activity`, …) that id `id` names none of.
    pub fn missing(what: &str, id: impl std::fmt::Display) -> ApiError {
        ApiError::NotFound(format!("{what} {id} does not exist"))
    }

    /// The one "no such connection" (404), whoever looked `id` up: the web's own
    /// look-up, `sync`'s connection actions, a sync start.
    pub fn no_connection(id: impl std::fmt::Display) -> ApiError {
        ApiError::missing("connection", id)
    }

    /// An [`ApiError::BadParameter`] naming the query parameter `field`.
    pub fn bad_parameter(field: &str, message: impl ToString) -> ApiError {
        ApiError::BadParameter {
            field: field.to_string(),
            message: message.to_string(),
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) | ApiError::BadParameter { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::Gone(_) => StatusCode::GONE,
            ApiError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::BadGateway(_) => StatusCode::BAD_GATEWAY,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::BadRequest(_) | ApiError::BadParameter { .. } => "bad_request",
            ApiError::Unauthorized => "unauthorized",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::NotFound(_) => "not_found",
            ApiError::Conflict(_) => "conflict",
            ApiError::Gone(_) => "gone",
            ApiError::TooLarge(_) => "too_large",
            ApiError::Invalid { .. } => "invalid",
            ApiError::BadGateway(_) => "bad_gateway",
            ApiError::Unavailable(_) => "unavailable",
            ApiError::Internal(_) => "internal",
        }
    }

    /// The message shown to the user (internal details withheld), in the web's
    /// words ([`web_wording`]).
    pub fn public_message(&self) -> String {
        match self {
            ApiError::Internal(_) => {
                "Something went wrong on the server; the details are in its log.".to_string()
            }
            other => web_wording(&other.to_string()),
        }
    }

    /// The field at fault, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            ApiError::Invalid { field, .. } => field.as_deref(),
            ApiError::BadParameter { field, .. } => Some(field),
            _ => None,
        }
    }

    pub(crate) fn log(&self) {
        if let ApiError::Internal(detail) = self {
            tracing::error!(error = %detail, "Request failed.");
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.log();
        let mut error = serde_json::json!({"code": self.code(), "message": self.public_message()});
        if let Some(field) = self.field() {
            error["field"] = field.into();
        }
        (self.status(), Json(serde_json::json!({ "error": error }))).into_response()
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> ApiError {
        match error {
            StoreError::NotFound { .. } => ApiError::NotFound(error.to_string()),
            StoreError::AlreadyExists { field, .. } => ApiError::Invalid {
                field: Some(field.to_string()),
                message: error.to_string(),
            },
            StoreError::Invalid(message) => ApiError::Invalid {
                field: None,
                message,
            },
            StoreError::ReadOnly => ApiError::Unavailable(error.to_string()),
            StoreError::LastAdmin { .. } => ApiError::Conflict(error.to_string()),
            other => ApiError::Internal(format!("{other:#}")),
        }
    }
}

impl From<SyncError> for ApiError {
    fn from(error: SyncError) -> ApiError {
        match error {
            SyncError::AlreadyRunning(_) => ApiError::Conflict(error.to_string()),
            SyncError::UnknownConnection(id) => ApiError::no_connection(id),
            SyncError::NotAuthorised(_) | SyncError::Refused(_) => {
                ApiError::Conflict(error.to_string())
            }
            other => ApiError::Internal(other.to_string()),
        }
    }
}

/// A message of the engine in the web's words (#20 item 13): the advice it gives the
/// CLI's user (`gong-timeline connection list`, "web: …; CLI: …") becomes what to do
/// on the pages; anything else is unchanged.
pub fn web_wording(message: &str) -> String {
    let mut text = message.to_string();
    // "(web: Connectors > acme > Authorize; CLI: `gong-timeline …`)" → "(Connectors > acme > Authorize)"
    while let Some(start) = text.find("(web: ") {
        let Some(cli) = text[start..].find("; CLI: ").map(|i| start + i) else {
            break;
        };
        let Some(end) = text[cli..].find("`)").map(|i| cli + i + 2) else {
            break;
        };
        let web = text[start + "(web: ".len()..cli].to_string();
        text.replace_range(start..end, &format!("({web})"));
    }
    let hints = [
        (
            "; list them with `gong-timeline connection list`",
            "; the Connectors page lists them",
        ),
        (
            " (see `gong-timeline log jobs`)",
            " (see the Execution log)",
        ),
        (
            " in the web UI or with `gong-timeline connection authorize`",
            " on its page (Authorize)",
        ),
    ];
    for (cli, web) in hints {
        text = text.replace(cli, web);
    }
    text
}

/// axum's refusal of an id in the address that does not parse ("Invalid URL: Cannot
/// parse `abc` to a `i64`") in words (#20 item 13): "Job id must be a number, not
/// 'abc'", the kind of id read from the segment before it. `None` for any other text.
pub fn path_id_message(path: &str, text: &str) -> Option<String> {
    let rest = text.split("Cannot parse ").nth(1)?;
    let value = rest
        .split("with value `")
        .nth(1)
        .unwrap_or(rest.trim_start_matches('`'))
        .split('`')
        .next()
        .filter(|v| !v.is_empty())?;
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let kind = segments
        .iter()
        .position(|s| *s == value || percent_decoded(s) == value)
        .and_then(|i| i.checked_sub(1))
        .map(|i| match segments[i] {
            "connectors" | "connections" | "users" => "Connection id",
            "jobs" => "Job id",
            "activities" => "Activity id",
            "companies" => "Company id",
            "tokens" => "API token id",
            _ => "The id in the address",
        })
        .unwrap_or("The id in the address");
    Some(format!("{kind} must be a number, not '{value}'"))
}

/// `%20` and the like decoded (axum decodes a path segment before parsing it).
fn percent_decoded(segment: &str) -> String {
    url::form_urlencoded::parse(format!("x={segment}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// A result of the web layer.
pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_connection_is_one_404_whoever_looked_it_up() {
        let web = ApiError::no_connection(999);
        let sync = ApiError::from(SyncError::UnknownConnection("999".into()));
        for error in [web, sync] {
            assert_eq!(error.status(), StatusCode::NOT_FOUND);
            assert_eq!(error.public_message(), "connection 999 does not exist");
        }
        assert_eq!(
            ApiError::missing("job", 7).public_message(),
            "job 7 does not exist"
        );
    }

    #[test]
    fn engine_messages_lose_their_cli_advice_on_the_web() {
        let refusal = gong_timeline_store::ConnectionStatus::Disabled
            .sync_refusal("acme")
            .unwrap();
        let shown = web_wording(&refusal);
        assert!(!shown.contains("gong-timeline"), "{shown}");
        assert!(shown.ends_with("(Timeline settings)"), "{shown}");
        for error in [
            SyncError::AlreadyRunning("acme".into()),
            SyncError::NotAuthorised("acme".into()),
        ] {
            let shown = ApiError::from(error).public_message();
            assert!(!shown.contains('`'), "{shown}");
        }
        assert_eq!(web_wording("no advice here"), "no advice here");
    }

    #[test]
    fn an_id_that_is_not_a_number_is_named_in_words() {
        let axum = "Invalid URL: Cannot parse `abc` to a `i64`";
        assert_eq!(
            path_id_message("/log/jobs/abc", axum).as_deref(),
            Some("Job id must be a number, not 'abc'")
        );
        assert_eq!(
            path_id_message("/api/v1/connections/abc/sync", axum).as_deref(),
            Some("Connection id must be a number, not 'abc'")
        );
        let keyed = "Invalid URL: Cannot parse `id` with value `x1` to a `i64`";
        assert_eq!(
            path_id_message("/activities/x1", keyed).as_deref(),
            Some("Activity id must be a number, not 'x1'")
        );
        assert_eq!(path_id_message("/log/jobs/1", "Missing field"), None);
    }

    #[test]
    fn a_read_only_database_is_503_with_its_reason_not_500() {
        let error = ApiError::from(StoreError::ReadOnly);
        assert_eq!(error.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(error.code(), "unavailable");
        assert!(
            error.public_message().contains("read-only"),
            "{}",
            error.public_message()
        );
    }
}
