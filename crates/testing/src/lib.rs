//! What the tests of every crate share (a dev-dependency only): waiting for a
//! condition with a bound, never a fixed sleep. A test that waits longer than its
//! bound fails naming what it waited for.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

/// How often a condition is checked again.
const POLL: Duration = Duration::from_millis(20);

/// Polls `check` until it gives `Some`, and returns that; panics naming `what` when
/// `bound` passes first.
pub async fn wait_for<T, F, Fut>(what: &str, bound: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + bound;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            Instant::now() < deadline,
            "gave up waiting for {what} after {bound:?}"
        );
        tokio::time::sleep(POLL).await;
    }
}

/// Polls `check` until it holds; panics naming `what` when `bound` passes first.
pub async fn wait_until<F, Fut>(what: &str, bound: Duration, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    wait_for(what, bound, || {
        let holds = check();
        async move { holds.await.then_some(()) }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[tokio::test]
    async fn waits_until_the_condition_holds_and_returns_its_value() {
        let calls = AtomicU32::new(0);
        let got = wait_for("the third check", Duration::from_secs(5), || async {
            let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
            (n == 3).then_some(n)
        })
        .await;
        assert_eq!(got, 3);
    }

    #[tokio::test]
    #[should_panic(expected = "gave up waiting for never")]
    async fn fails_naming_what_it_waited_for_past_the_bound() {
        wait_until("never", Duration::from_millis(50), || async { false }).await;
    }
}
