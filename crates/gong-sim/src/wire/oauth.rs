//! OAuth token endpoint shapes (reference §2.2).

use serde::Serialize;

/// A successful token answer.
#[derive(Debug, Serialize)]
pub struct TokenResponse {
    pub access_token: String,
    pub refresh_token: String,
    pub scope: String,
    pub token_type: &'static str,
    pub expires_in: u64,
    pub api_base_url_for_customer: String,
}

/// A standard OAuth error (`invalid_grant`, `invalid_client`, ...).
#[derive(Debug, Serialize)]
pub struct OAuthError {
    pub error: &'static str,
    pub error_description: String,
    /// Every simulator answer carries a request id.
    #[serde(rename = "requestId")]
    pub request_id: String,
}
