//! Delivery: the dispatcher drains the bounded queue and runs each delivery in its
//! own task (at most [`IN_FLIGHT`] at once), which waits out its delay, signs, posts
//! and retries with backoff. Nothing here can block or crash the simulator: every
//! outcome ends in a counter.

use std::sync::Arc;
use std::time::Duration;

use axum::http::header;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::Delivery;
use crate::error::SimError;
use crate::state::SimState;
use crate::stats::WebhookEvent;

/// Deliveries in progress (waiting out a delay included), at most.
const IN_FLIGHT: usize = 256;
/// Attempts per copy of a webhook.
const ATTEMPTS: u32 = 4;
/// Wait before the first retry; doubled for each further one.
const FIRST_BACKOFF: Duration = Duration::from_millis(250);

/// Why one delivery attempt failed.
#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    /// No webhook URL is set.
    #[error("no webhook URL is set")]
    NoUrl,
    /// The token could not be made.
    #[error("cannot sign the webhook: {0}")]
    Sign(#[from] SimError),
    /// The receiver could not be reached or did not answer in time.
    #[error("cannot reach the receiver: {0}")]
    Unreachable(#[from] reqwest::Error),
    /// The receiver answered with a non-2xx status.
    #[error("the receiver answered {0}")]
    Status(u16),
}

/// Drains the queue until the simulator stops: the server aborts this task, and
/// with it every delivery still in progress.
pub async fn dispatch(state: Arc<SimState>) {
    let Some(mut queue) = state.webhooks.take_receiver() else {
        return;
    };
    let slots = Arc::new(Semaphore::new(IN_FLIGHT));
    let mut running = JoinSet::new();
    while let Some(delivery) = queue.recv().await {
        while running.try_join_next().is_some() {}
        let Ok(slot) = slots.clone().acquire_owned().await else {
            return;
        };
        let state = state.clone();
        running.spawn(async move {
            deliver(&state, delivery).await;
            drop(slot);
        });
    }
}

/// One queued webhook: its delay, then each copy with its retries.
async fn deliver(state: &SimState, d: Delivery) {
    tokio::time::sleep_until(d.queued + d.delay).await;
    for _ in 0..d.copies {
        let event = match post_with_retries(state, &d.url, &d.body, d.tamper).await {
            Ok(()) => WebhookEvent::Sent,
            Err(error) => {
                tracing::warn!(url = %d.url, %error, "Webhook given up after its retries.");
                WebhookEvent::Failed
            }
        };
        state.stats.webhook(event);
    }
}

async fn post_with_retries(
    state: &SimState,
    url: &str,
    body: &[u8],
    tamper: bool,
) -> Result<(), DeliveryError> {
    let mut backoff = FIRST_BACKOFF;
    let mut attempt = 1;
    loop {
        match post_once(state, url, body, tamper).await {
            Ok(_) => return Ok(()),
            Err(error) if attempt < ATTEMPTS => {
                tracing::debug!(url, attempt, %error, "Webhook delivery failed; retrying.");
                state.stats.webhook(WebhookEvent::Retried);
                tokio::time::sleep(backoff).await;
                backoff *= 2;
                attempt += 1;
            }
            Err(error) => return Err(error),
        }
    }
}

/// Signs `body` for `url` and posts it once; `tamper` changes the body after
/// signing (a space after the opening brace: still JSON, another hash).
async fn post_once(
    state: &SimState,
    url: &str,
    body: &[u8],
    tamper: bool,
) -> Result<u16, DeliveryError> {
    let token = state.webhooks.key().sign(url, body, chrono::Utc::now())?;
    let sent = if tamper {
        tampered(body)
    } else {
        body.to_vec()
    };
    let response = state
        .webhooks
        .client
        .post(url)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(sent)
        .send()
        .await?;
    let status = response.status();
    if status.is_success() {
        Ok(status.as_u16())
    } else {
        Err(DeliveryError::Status(status.as_u16()))
    }
}

fn tampered(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + 1);
    out.extend_from_slice(body.get(..1).unwrap_or_default());
    out.push(b' ');
    out.extend_from_slice(body.get(1..).unwrap_or_default());
    out
}

/// Gong's "Test" button: posts `{"isTest": true, "callData": {}}`, signed, once,
/// and says how it went (the status on success).
pub async fn send_test(state: &SimState) -> Result<u16, DeliveryError> {
    let url = state.webhooks.url().ok_or(DeliveryError::NoUrl)?;
    match post_once(state, &url, &super::test_body(), false).await {
        Ok(status) => {
            state.stats.webhook(WebhookEvent::TestSent);
            Ok(status)
        }
        Err(error) => {
            state.stats.webhook(WebhookEvent::Failed);
            Err(error)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tampered_body_differs_but_is_still_json() {
        let body = br#"{"isTest":false}"#;
        let t = tampered(body);
        assert_ne!(t, body);
        assert!(serde_json::from_slice::<serde_json::Value>(&t).is_ok());
    }
}
