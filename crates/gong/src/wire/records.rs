//! The `records` paging block and Gong's error body (reference §3, §4).

use serde::{Deserialize, Serialize};

use super::de::{null_default, opt_i64};

/// Paging information of a list response.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Records {
    /// Records matching the request, over all pages.
    #[serde(default, deserialize_with = "opt_i64")]
    pub total_records: Option<i64>,
    /// Records on this page.
    #[serde(default, deserialize_with = "opt_i64")]
    pub current_page_size: Option<i64>,
    /// 0-based page number.
    #[serde(default, deserialize_with = "opt_i64")]
    pub current_page_number: Option<i64>,
    /// Present only when more records remain.
    #[serde(default)]
    pub cursor: Option<String>,
}

/// The body of every non-2xx answer except the OAuth token endpoint's.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    /// Gong's request id, worth quoting to Gong support.
    #[serde(default)]
    pub request_id: Option<String>,
    /// Human-readable sentences.
    #[serde(default, deserialize_with = "null_default")]
    pub errors: Vec<String>,
}

impl ErrorBody {
    /// Parses an error body; anything else becomes a body whose message is the raw text.
    pub fn parse(bytes: &[u8]) -> Self {
        serde_json::from_slice(bytes).unwrap_or_else(|_| {
            let text = String::from_utf8_lossy(bytes);
            let text = text.trim();
            ErrorBody {
                request_id: None,
                errors: (!text.is_empty())
                    .then(|| truncate(text, 300))
                    .into_iter()
                    .collect(),
            }
        })
    }

    /// All messages joined, or `"no message"`.
    pub fn message(&self) -> String {
        if self.errors.is_empty() {
            "no message".to_owned()
        } else {
            self.errors.join("; ")
        }
    }
}

fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_owned(),
    }
}

/// The OAuth token endpoint's error body (`{"error":"invalid_grant",...}`).
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct OAuthErrorBody {
    #[serde(default)]
    pub error: Option<String>,
    #[serde(default)]
    pub error_description: Option<String>,
}
