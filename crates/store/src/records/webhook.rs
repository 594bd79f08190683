//! Gong webhooks (W1, W2): a connection's receiving set-up and the queue of call ids
//! pushed to it, waiting for the worker.

use chrono::{DateTime, Utc};

use super::ConnectionId;

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
    /// The stored name of the mode.
    pub fn mode(&self) -> &'static str {
        match self {
            WebhookAuth::UrlKey => "url_key",
            WebhookAuth::SignedJwt { .. } => "signed_jwt",
        }
    }

    /// Rebuilds the mode from its stored name and key.
    pub fn from_stored(mode: &str, public_key_pem: Option<String>) -> Option<WebhookAuth> {
        match (mode, public_key_pem) {
            ("url_key", _) => Some(WebhookAuth::UrlKey),
            ("signed_jwt", Some(public_key_pem)) => Some(WebhookAuth::SignedJwt { public_key_pem }),
            _ => None,
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
    pub gong_call_id: String,
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
    pub gong_call_ids: Vec<String>,
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
