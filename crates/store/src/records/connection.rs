//! Gong connections and their credentials.
//!
//! Credentials are encrypted at rest by the adapter (see [`crate::crypto`]); they are
//! returned only by [`crate::Store::connection_credentials`], never inside a
//! [`Connection`], and their `Debug` shows no secret.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{spelled, ConnectionId};

spelled!(
    /// How a connection authenticates to Gong (C1).
    AuthKind, "auth kind" {
        Basic => "Basic",
        OAuth => "OAuth",
    }
);

pub use gong_timeline_domain::ConnectionStatus;

/// A connection as listed: everything but the credentials.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Connection {
    /// Store id.
    pub id: ConnectionId,
    /// Name, unique.
    pub name: String,
    /// Gong API base URL (for OAuth connections, the authorisation server's).
    pub base_url: String,
    /// Basic or OAuth.
    pub auth_kind: AuthKind,
    /// As last stored (C6); [`ConnectionStatus::shown`] adds Disabled from the settings.
    pub status: ConnectionStatus,
    /// True once a call context from HubSpot was seen (C3): the page warns.
    pub hubspot_warning: bool,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When its last job finished.
    pub last_sync_at: Option<DateTime<Utc>>,
}

/// A connection to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewConnection {
    /// Name, unique.
    pub name: String,
    /// Gong API base URL.
    pub base_url: String,
    /// Credentials; the auth kind follows from them.
    pub credentials: Credentials,
    /// Initial status (Authorised for Basic, Pending for OAuth until the callback).
    pub status: ConnectionStatus,
    /// Creation time.
    pub created_at: DateTime<Utc>,
}

/// What `Store::update_connection` changes; `None` keeps the value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConnectionChange {
    /// A new name (unique among connections).
    pub name: Option<String>,
    /// A new Gong base URL.
    pub base_url: Option<String>,
}

/// A connection's secrets. `Debug` redacts them.
#[derive(Clone, PartialEq, Eq)]
pub enum Credentials {
    /// Access key + secret, sent as HTTP Basic.
    Basic {
        /// Access key.
        access_key: String,
        /// Access key secret.
        access_key_secret: String,
    },
    /// OAuth 2.0 client and, once authorised, its tokens.
    OAuth(OAuthCredentials),
}

/// OAuth client credentials and tokens.
#[derive(Clone, PartialEq, Eq)]
pub struct OAuthCredentials {
    /// OAuth client id.
    pub client_id: String,
    /// OAuth client secret.
    pub client_secret: String,
    /// The token response as JSON (access/refresh tokens, expiry), `None` before
    /// authorisation. Opaque to the store.
    pub tokens: Option<serde_json::Value>,
    /// The customer-specific API base URL from the token response.
    pub api_base_url: Option<String>,
}

impl Credentials {
    /// The auth kind these credentials are for.
    pub fn kind(&self) -> AuthKind {
        match self {
            Credentials::Basic { .. } => AuthKind::Basic,
            Credentials::OAuth(_) => AuthKind::OAuth,
        }
    }
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credentials::Basic { .. } => f.write_str("Credentials::Basic { <redacted> }"),
            Credentials::OAuth(oauth) => write!(f, "Credentials::OAuth({oauth:?})"),
        }
    }
}

impl std::fmt::Debug for OAuthCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthCredentials")
            .field("client_id", &"<redacted>")
            .field("client_secret", &"<redacted>")
            .field("tokens", &self.tokens.as_ref().map(|_| "<redacted>"))
            .field("api_base_url", &self.api_base_url)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_debug_shows_no_secret() {
        let basic = Credentials::Basic {
            access_key: "AK-123".into(),
            access_key_secret: "SEKRIT".into(),
        };
        let oauth = Credentials::OAuth(OAuthCredentials {
            client_id: "cid-1".into(),
            client_secret: "csecret".into(),
            tokens: Some(serde_json::json!({"access_token": "tok-1"})),
            api_base_url: Some("https://api.example".into()),
        });
        let shown = format!("{basic:?} {oauth:?}");
        for secret in ["AK-123", "SEKRIT", "cid-1", "csecret", "tok-1"] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }
}
