//! Gong webhooks (W1–W3): Gong's automation rule posts each processed call; the
//! receiver checks and queues its id, a worker re-reads queued calls by id in
//! batches and writes them through the same pages as a scheduled sync.
//!
//! - [`signature`] (pure): the URL key's digest, Gong's public key, the JWT checks.
//! - [`setup`]: a connection's webhook set-up (create, change mode, rotate) and its URL.
//! - [`receive`]: what one request does (authenticate, then queue or note a test).
//! - [`freshness`] (pure): last, p50 and p95 of webhook→Timeline delays.
//! - [`worker`]: drains the queue, a job per connection with trigger `webhook`.

pub mod freshness;
pub mod receive;
pub mod setup;
pub mod signature;
pub mod worker;

pub use freshness::Freshness;
pub use receive::{accept, authenticate, Authenticated, Received, Rejected};
pub use setup::{
    configure, view, views, webhook_url, AuthChoice, WebhookChange, WebhookSetupError, WebhookView,
};
pub use worker::{WebhookWorker, WorkerOptions};
