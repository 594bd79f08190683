//! Request ids: Gong puts one in every body (`requestId`) and in the `x-traceid`
//! header. The middleware makes one per request and scopes it as a task-local so
//! handlers and error responses use the same id without passing it around.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::data::hash::mix;

tokio::task_local! {
    static REQUEST_ID: String;
}

static COUNTER: AtomicU64 = AtomicU64::new(1);

/// A fresh 19-character lowercase base-36 id, like Gong's.
pub fn new_request_id() -> String {
    let mut n = mix(COUNTER.fetch_add(1, Ordering::Relaxed) ^ 0xA11CE);
    let mut out = Vec::with_capacity(19);
    for _ in 0..19 {
        out.push(b"0123456789abcdefghijklmnopqrstuvwxyz"[(n % 36) as usize]);
        n = (n / 36) ^ mix(n);
    }
    String::from_utf8(out).unwrap_or_default()
}

/// The current request's id (a fresh one outside a request).
pub fn current_request_id() -> String {
    REQUEST_ID
        .try_with(|id| id.clone())
        .unwrap_or_else(|_| new_request_id())
}

/// Runs `fut` with `id` as the current request id.
pub async fn scope<F: std::future::Future>(id: String, fut: F) -> F::Output {
    REQUEST_ID.scope(id, fut).await
}
