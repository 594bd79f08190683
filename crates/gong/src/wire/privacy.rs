//! Response models of Gong's data-privacy endpoints:
//! `POST /v2/data-privacy/erase-data-for-email-address` and
//! `GET /v2/data-privacy/data-for-email-address`.

use serde::Deserialize;

use super::de::{null_default, opt_id};

/// The answer to an erase request: Gong's reference for it.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct EraseResponse {
    /// Gong's request reference id.
    #[serde(default)]
    pub request_id: Option<String>,
}

/// What Gong holds for an email address.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct EmailData {
    /// Calls that reference the address.
    #[serde(default, deserialize_with = "null_default")]
    pub calls: Vec<ReferencedCall>,
    /// Email messages sent to or from it (their shape is not read).
    #[serde(default, deserialize_with = "null_default")]
    pub emails: Vec<serde_json::Value>,
    /// Meetings that reference it (their shape is not read).
    #[serde(default, deserialize_with = "null_default")]
    pub meetings: Vec<serde_json::Value>,
}

impl EmailData {
    /// Whether Gong holds nothing for the address any more.
    pub fn is_empty(&self) -> bool {
        self.calls.is_empty() && self.emails.is_empty() && self.meetings.is_empty()
    }
}

/// A call that references an address.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ReferencedCall {
    /// Gong's call id.
    #[serde(default, deserialize_with = "opt_id")]
    pub id: Option<String>,
    /// The call's title.
    #[serde(default)]
    pub title: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gongs_answers_parse_with_absent_or_null_lists() {
        let data: EmailData = serde_json::from_str(
            r#"{"requestId":"r1","calls":[{"id":7782342274025937895,"title":"Kick-off","started":"2024-01-01T10:00:00Z"}],"emails":null,"customerData":[]}"#,
        )
        .unwrap();
        assert_eq!(data.calls[0].id.as_deref(), Some("7782342274025937895"));
        assert!(!data.is_empty());
        assert!(serde_json::from_str::<EmailData>(r#"{"requestId":"r2"}"#)
            .unwrap()
            .is_empty());
        let erase: EraseResponse =
            serde_json::from_str(r#"{"requestId":"4al018gzaztcr8nbukw"}"#).unwrap();
        assert_eq!(erase.request_id.as_deref(), Some("4al018gzaztcr8nbukw"));
    }
}
