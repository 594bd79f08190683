//! A connection's webhook set-up (#12 item 3), shared by the CLI, the web page and
//! the API: create it, change its authentication, rotate its key, build its URL.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use gong_timeline_store::{
    ConnectionId, NewWebhook, Store, StoreError, Webhook, WebhookAuth, WebhookBacklog, WebhookMode,
};

use super::freshness::{Freshness, WINDOW_HOURS};
use super::signature::{key_hash, new_key, normalize_public_key, KeyError};

/// How the admin wants requests authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthChoice {
    /// The URL key alone.
    UrlKeyOnly,
    /// The URL key plus Gong's signed JWT; the public key as pasted.
    SignedJwt(String),
}

/// A change to a webhook set-up; the default changes nothing (and creates a URL-key
/// set-up when there is none).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WebhookChange {
    /// A new authentication mode.
    pub auth: Option<AuthChoice>,
    /// A new URL key: the old URL stops working at once.
    pub rotate: bool,
}

/// Why a set-up could not be saved.
#[derive(Debug, thiserror::Error)]
pub enum WebhookSetupError {
    /// The pasted public key.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// The store.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Applies `change` to a connection's webhook set-up and returns it.
pub async fn configure(
    store: &Arc<dyn Store>,
    connection_id: ConnectionId,
    change: WebhookChange,
    now: DateTime<Utc>,
) -> Result<Webhook, WebhookSetupError> {
    let existing = store.get_webhook(connection_id).await?;
    let auth = match change.auth {
        Some(AuthChoice::UrlKeyOnly) => WebhookAuth::UrlKey,
        Some(AuthChoice::SignedJwt(pasted)) => WebhookAuth::SignedJwt {
            public_key_pem: normalize_public_key(&pasted)?,
        },
        None => existing
            .as_ref()
            .map_or(WebhookAuth::UrlKey, |w| w.auth.clone()),
    };
    let key = match &existing {
        Some(w) if !change.rotate => {
            if w.auth == auth {
                return Ok(w.clone());
            }
            w.key.clone()
        }
        _ => new_key(),
    };
    Ok(store
        .put_webhook(NewWebhook {
            connection_id,
            key_hash: key_hash(&key),
            key,
            auth,
            now,
        })
        .await?)
}

/// A connection's webhook as the CLI (`--format json`), the API and the page show it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct WebhookView {
    /// The connection.
    pub connection_id: ConnectionId,
    /// The URL to paste into Gong (it holds the key: treat it as a secret).
    pub url: String,
    /// `url_key` or `signed_jwt`.
    pub mode: WebhookMode,
    /// The mode in words.
    pub authentication: &'static str,
    /// When the key was made.
    pub key_created_at: DateTime<Utc>,
    /// The last call pushed.
    pub last_received_at: Option<DateTime<Utc>>,
    /// The last test ping.
    pub last_test_at: Option<DateTime<Utc>>,
    /// Calls waiting in the queue.
    pub queued: u64,
    /// Webhook → Timeline delays over the last day.
    pub freshness: Option<Freshness>,
}

/// A connection's webhook view, with its queue and freshness; `None` when it has
/// no webhook set up.
pub async fn view(
    store: &Arc<dyn Store>,
    connection_id: ConnectionId,
    public_url: &str,
    now: DateTime<Utc>,
) -> Result<Option<WebhookView>, StoreError> {
    let backlogs = store.webhook_backlogs().await?;
    view_with(store, connection_id, &backlogs, public_url, now).await
}

/// The views of every connection with a webhook (`/metrics`): the queue read once.
pub async fn views(
    store: &Arc<dyn Store>,
    connections: &[ConnectionId],
    public_url: &str,
    now: DateTime<Utc>,
) -> Result<Vec<WebhookView>, StoreError> {
    let backlogs = store.webhook_backlogs().await?;
    let mut views = Vec::new();
    for id in connections {
        views.extend(view_with(store, *id, &backlogs, public_url, now).await?);
    }
    Ok(views)
}

async fn view_with(
    store: &Arc<dyn Store>,
    connection_id: ConnectionId,
    backlogs: &[WebhookBacklog],
    public_url: &str,
    now: DateTime<Utc>,
) -> Result<Option<WebhookView>, StoreError> {
    let Some(webhook) = store.get_webhook(connection_id).await? else {
        return Ok(None);
    };
    let since = now - chrono::Duration::hours(WINDOW_HOURS);
    let delays = store.webhook_delays(Some(connection_id), since).await?;
    let queued = backlogs
        .iter()
        .find(|b| b.connection_id == connection_id)
        .map_or(0, |b| b.queued);
    let mode = webhook.auth.mode();
    Ok(Some(WebhookView {
        connection_id,
        url: webhook_url(public_url, &webhook.key),
        mode,
        authentication: describe(mode),
        key_created_at: webhook.key_created_at,
        last_received_at: webhook.last_received_at,
        last_test_at: webhook.last_test_at,
        queued,
        freshness: Freshness::of(&delays),
    }))
}

/// The URL to paste into Gong's automation rule.
pub fn webhook_url(public_url: &str, key: &str) -> String {
    format!("{}/webhooks/gong/{key}", public_url.trim_end_matches('/'))
}

/// How a mode is shown to admins.
pub fn describe(mode: WebhookMode) -> &'static str {
    match mode {
        WebhookMode::UrlKey => "URL key only",
        WebhookMode::SignedJwt => "URL key and Gong's signed JWT (RS256)",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_is_the_public_url_plus_the_key() {
        assert_eq!(
            webhook_url("https://gt.example.com/", "abc"),
            "https://gt.example.com/webhooks/gong/abc"
        );
    }
}
