//! Gong webhooks (W1, W2): a connection's receiving set-up and the queue of call ids
//! pushed to it, waiting for the worker.

use super::GongCallId;
use chrono::{DateTime, Utc};

use super::{spelled, ConnectionId};
use crate::crypto::SecretKey;
use crate::StoreError;

spelled!(
    /// How a webhook request proves it comes from Gong, as stored and printed (W1).
    WebhookMode, "webhook mode" {
        UrlKey => "url_key",
        SignedJwt => "signed_jwt",
    }
);

/// How a webhook request proves it comes from Gong (W1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebhookAuth {
    /// The unguessable key in the URL alone.
    UrlKey,
    /// The URL key plus Gong's signed JWT, checked with Gong's public key (PEM).
    SignedJwt {
        /// Gong's public key as the admin pasted it, normalised to PEM.
        public_key_pem: String,
    },
}

impl WebhookAuth {
    /// The mode.
    pub fn mode(&self) -> WebhookMode {
        match self {
            WebhookAuth::UrlKey => WebhookMode::UrlKey,
            WebhookAuth::SignedJwt { .. } => WebhookMode::SignedJwt,
        }
    }

    /// Rebuilds the authentication from its stored mode and key; `None` for a
    /// signed-JWT mode without a key.
    pub fn from_stored(mode: WebhookMode, public_key_pem: Option<String>) -> Option<WebhookAuth> {
        match (mode, public_key_pem) {
            (WebhookMode::UrlKey, _) => Some(WebhookAuth::UrlKey),
            (WebhookMode::SignedJwt, Some(public_key_pem)) => {
                Some(WebhookAuth::SignedJwt { public_key_pem })
            }
            (WebhookMode::SignedJwt, None) => None,
        }
    }

    /// The public key, in the signed-JWT mode.
    pub fn public_key_pem(&self) -> Option<&str> {
        match self {
            WebhookAuth::UrlKey => None,
            WebhookAuth::SignedJwt { public_key_pem } => Some(public_key_pem),
        }
    }
}

/// A connection's webhook set-up, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    /// The connection it feeds.
    pub connection_id: ConnectionId,
    /// The URL key (stored sealed; the admin sees it again on the connection page).
    pub key: String,
    /// How requests are authenticated.
    pub auth: WebhookAuth,
    /// When the key was made (created or rotated).
    pub key_created_at: DateTime<Utc>,
    /// The last call pushed (an authenticated, non-test request).
    pub last_received_at: Option<DateTime<Utc>>,
    /// The last test ping (`isTest: true`).
    pub last_test_at: Option<DateTime<Utc>>,
}

/// A `webhooks` row as both adapters read it (the same columns, times as RFC 3339
/// text): connection, sealed key, mode, public key, key made, last push, last test.
pub type StoredWebhookRow = (
    ConnectionId,
    String,
    String,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
);

impl Webhook {
    /// Decodes a stored row, opening its key with the store's secret key.
    pub fn from_row(row: StoredWebhookRow, secret: &SecretKey) -> Result<Webhook, StoreError> {
        let (connection_id, sealed, mode, public_key, created, received, test) = row;
        let key = String::from_utf8(secret.open(&sealed)?)
            .map_err(|e| StoreError::corrupt("webhooks.key_sealed", "(sealed)", e))?;
        let parsed: WebhookMode = mode
            .parse()
            .map_err(|e| StoreError::corrupt("webhooks.mode", &mode, e))?;
        let auth = WebhookAuth::from_stored(parsed, public_key).ok_or_else(|| {
            StoreError::corrupt("webhooks.public_key_pem", "", "missing for signed_jwt")
        })?;
        Ok(Webhook {
            connection_id,
            key,
            auth,
            key_created_at: time("webhooks.key_created_at", &created)?,
            last_received_at: received
                .map(|t| time("webhooks.last_received_at", &t))
                .transpose()?,
            last_test_at: test
                .map(|t| time("webhooks.last_test_at", &t))
                .transpose()?,
        })
    }
}

fn time(column: &'static str, text: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::corrupt(column, text, e))
}

/// A webhook set-up to store: a new key, or a new mode with the same key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewWebhook {
    /// The connection it feeds.
    pub connection_id: ConnectionId,
    /// The URL key.
    pub key: String,
    /// The digest the receiver looks the key up by.
    pub key_hash: String,
    /// How requests are authenticated.
    pub auth: WebhookAuth,
    /// Now.
    pub now: DateTime<Utc>,
}

/// A call id waiting in the webhook queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedCall {
    /// Gong's call id.
    pub gong_call_id: GongCallId,
    /// When its webhook arrived.
    pub received_at: DateTime<Utc>,
}

/// A connection with calls waiting in its webhook queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookBacklog {
    /// The connection.
    pub connection_id: ConnectionId,
    /// How many calls wait.
    pub queued: u64,
    /// When the oldest of them arrived.
    pub oldest: DateTime<Utc>,
}

/// Processed webhook calls: how long each took from its webhook's arrival to the
/// commit of its page (W2's freshness, milliseconds), in processing order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WebhookDelays {
    /// Delays in milliseconds, oldest processing first.
    pub millis: Vec<i64>,
}

/// Webhook queue entries a page commit handled (W2).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WebhookDone {
    /// Their call ids: their entries become processed.
    pub gong_call_ids: Vec<GongCallId>,
    /// When (the commit's time, not the job's start: the freshness figures use it).
    pub at: DateTime<Utc>,
}

/// What an enqueue did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enqueued {
    /// Queued now.
    New,
    /// Already queued or processed: a repeated push is processed once.
    Duplicate,
}
