//! Gong's webhook part: each new call, once it "finishes processing", is posted to
//! the configured URL as an automation rule would post it — body
//! `{"isTest": false, "callData": <call>}`, `Authorization: Bearer <JWT>` signed by
//! [`WebhookKey`] — through a bounded queue and a background dispatcher that retries
//! failed deliveries with backoff. The webhook fault switches (drop, duplicate,
//! delay, tamper) are applied when a call is announced.
//!
//! - `key`: the signing key and the JWT claims.
//! - `sender`: the queue, the dispatcher, one delivery with its retries.

mod key;
mod sender;

use std::sync::Mutex;
use std::time::Duration;

use serde::Serialize;
use tokio::sync::mpsc;

pub use key::{body_sha256, WebhookClaims, WebhookKey, TOKEN_TTL_SECS};
pub use sender::{dispatch, send_test, DeliveryError};

use crate::config::SimConfig;
use crate::data::model::SimCall;
use crate::error::SimError;
use crate::render::{self, RenderCtx};
use crate::state::SimState;
use crate::stats::WebhookEvent;
use crate::wire::calls::{ContentFlags, ContentSelector, ContextLevel, ExposedFields};

/// Deliveries waiting for the dispatcher, at most.
const QUEUE_CAPACITY: usize = 10_000;

/// A webhook body: `{"isTest": …, "callData": …}`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Body<T: Serialize> {
    is_test: bool,
    call_data: T,
}

/// One webhook to post.
#[derive(Debug)]
pub(crate) struct Delivery {
    /// Where to.
    url: String,
    /// The raw body (signed as is).
    body: Vec<u8>,
    /// Wait this long after queueing before the first attempt.
    delay: Duration,
    /// Post it this many times (2 for a duplicate).
    copies: u8,
    /// Change the body after signing.
    tamper: bool,
    /// When it was queued.
    queued: tokio::time::Instant,
}

/// The webhook sender's settings and queue.
#[derive(Debug)]
pub struct Webhooks {
    url: Mutex<Option<String>>,
    key: WebhookKey,
    client: reqwest::Client,
    processing_delay: Duration,
    queue: mpsc::Sender<Delivery>,
    receiver: Mutex<Option<mpsc::Receiver<Delivery>>>,
}

impl Webhooks {
    /// The sender a configuration describes (demo key unless one is given).
    pub fn new(config: &SimConfig) -> Result<Webhooks, SimError> {
        let key = match &config.webhook_key_pem {
            Some(pem) => WebhookKey::from_private_pem(pem)?,
            None => WebhookKey::demo()?,
        };
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(2))
            .timeout(Duration::from_secs(5))
            .build()
            .map_err(|e| SimError::HttpClient(e.to_string()))?;
        let url = config.webhook_url.clone().filter(|u| !u.is_empty());
        if let Some(bad) = url.as_deref().filter(|u| url::Url::parse(u).is_err()) {
            return Err(SimError::WebhookUrl(bad.to_string()));
        }
        let (queue, receiver) = mpsc::channel(QUEUE_CAPACITY);
        Ok(Webhooks {
            url: Mutex::new(url),
            key,
            client,
            processing_delay: config.webhook_processing_delay,
            queue,
            receiver: Mutex::new(Some(receiver)),
        })
    }

    /// Where webhooks go now (`None`: nowhere).
    pub fn url(&self) -> Option<String> {
        self.url.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Sends later webhooks to `url` (`None` or empty: stops sending).
    pub fn set_url(&self, url: Option<String>) {
        *self.url.lock().unwrap_or_else(|e| e.into_inner()) = url.filter(|u| !u.is_empty());
    }

    /// The signing key.
    pub fn key(&self) -> &WebhookKey {
        &self.key
    }

    /// The queue's receiving end, once: the dispatcher takes it.
    pub(crate) fn take_receiver(&self) -> Option<mpsc::Receiver<Delivery>> {
        self.receiver
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
    }
}

/// What the webhook's `callData` carries: the product's selector (Extended CRM
/// context, parties, trackers, brief, key points, highlights, outline, call outcome,
/// action items) plus media, as Gong's payload has.
pub fn call_data_selector() -> ContentSelector {
    ContentSelector {
        context: ContextLevel::Extended,
        context_timing: None,
        exposed_fields: ExposedFields {
            parties: true,
            media: true,
            content: ContentFlags {
                trackers: true,
                brief: true,
                key_points: true,
                points_of_interest: true,
                outline: true,
                highlights: true,
                call_outcome: true,
                ..ContentFlags::default()
            },
            ..ExposedFields::default()
        },
    }
}

/// The body of call `call`'s webhook.
pub fn call_body(state: &SimState, call: SimCall) -> Vec<u8> {
    let media = |c: &SimCall| state.media_for(c);
    let ctx = RenderCtx {
        seed: state.dataset.seed(),
        base_url: &state.base_url,
        workspace_id: state.dataset.workspace_id(),
        trackers: state.dataset.trackers(),
        media: &media,
    };
    let call_data = render::call(call, &call_data_selector(), &ctx);
    serde_json::to_vec(&Body {
        is_test: false,
        call_data,
    })
    .unwrap_or_default()
}

/// The body of a test ping.
pub fn test_body() -> Vec<u8> {
    serde_json::to_vec(&Body {
        is_test: true,
        call_data: serde_json::json!({}),
    })
    .unwrap_or_default()
}

/// Queues the webhook of new call `index`, as the fault switches decide; does
/// nothing while no URL is set. Never blocks: a full queue counts as a failure.
pub fn announce(state: &SimState, index: u64, call: SimCall) {
    let hooks = &state.webhooks;
    let Some(url) = hooks.url() else {
        return;
    };
    let verdict = state.faults.webhook_verdict(index);
    if verdict.drop {
        tracing::debug!(call_id = %call.id, "Webhook dropped by the fault switch.");
        state.stats.webhook(WebhookEvent::Dropped);
        return;
    }
    if verdict.duplicate {
        state.stats.webhook(WebhookEvent::Duplicated);
    }
    let delivery = Delivery {
        url,
        body: call_body(state, call),
        delay: hooks.processing_delay + verdict.delay,
        copies: if verdict.duplicate { 2 } else { 1 },
        tamper: verdict.tamper,
        queued: tokio::time::Instant::now(),
    };
    if hooks.queue.try_send(delivery).is_err() {
        tracing::warn!(
            index,
            "The webhook queue is full or closed; webhook not sent."
        );
        state.stats.webhook(WebhookEvent::Failed);
    }
}
