//! One connection's OAuth token set, as the store keeps it (serialisable, secrets
//! redacted from `Debug`).

use std::time::Duration;

use chrono::{DateTime, Utc};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};

/// One connection's token set. Serialisable so the store can keep it (encrypted); the
/// secrets are redacted from `Debug`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OAuthTokens {
    /// Bearer token for API calls.
    #[serde(with = "secret_serde")]
    pub access_token: SecretString,
    /// Single-use refresh token.
    #[serde(with = "secret_serde")]
    pub refresh_token: SecretString,
    /// When the access token expires.
    pub expires_at: DateTime<Utc>,
    /// Granted scopes, space-separated.
    #[serde(default)]
    pub scope: Option<String>,
    /// The customer's API host (`api_base_url_for_customer`).
    #[serde(default)]
    pub api_base_url: Option<String>,
}

impl OAuthTokens {
    /// True when the access token expires within `margin` of `now`.
    pub fn expires_within(&self, margin: Duration, now: DateTime<Utc>) -> bool {
        let margin = chrono::Duration::from_std(margin).unwrap_or(chrono::Duration::MAX);
        now.checked_add_signed(margin)
            .is_none_or(|limit| self.expires_at <= limit)
    }
}

mod secret_serde {
    use secrecy::{ExposeSecret, SecretString};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(secret: &SecretString, ser: S) -> Result<S::Ok, S::Error> {
        ser.serialize_str(secret.expose_secret())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(de: D) -> Result<SecretString, D::Error> {
        String::deserialize(de).map(SecretString::from)
    }
}
