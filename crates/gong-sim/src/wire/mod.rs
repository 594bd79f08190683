//! The simulator's own wire types, written from `shared/reference/gong-api.md`
//! (never shared with the client crate, so a misreading in one is caught by the other).

pub mod calls;
pub mod oauth;
pub mod settings;
pub mod transcript;
pub mod users;

use serde::Serialize;

/// Gong's error body.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    /// Request id.
    pub request_id: String,
    /// Human-readable messages.
    pub errors: Vec<String>,
}

/// The `records` block of list answers.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Records {
    /// Matches across all pages.
    pub total_records: u64,
    /// Items on this page.
    pub current_page_size: u64,
    /// 0-based page number.
    pub current_page_number: u64,
    /// Present only when more records remain.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
}
