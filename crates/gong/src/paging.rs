//! Cursor paging as async streams of pages, with the next page prefetched.
//!
//! As soon as page k arrives and carries a cursor, the request for page k+1 is spawned,
//! so Gong's latency (and the rate limiter's spacing) overlaps with the consumer's work on
//! page k. Exactly one page is fetched ahead; dropping the stream aborts that fetch.
//! Items are whole pages because the sync engine checkpoints per page.

use std::future::Future;
use std::sync::Arc;

use futures::stream::{self, BoxStream, StreamExt};
use tokio::task::JoinHandle;

use crate::error::GongError;
use crate::wire::{Call, Records, User};

/// One page of a list endpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The records on this page, in Gong's order.
    pub items: Vec<T>,
    /// Gong's paging block (`totalRecords`, `currentPageNumber`, next `cursor`).
    pub records: Records,
    /// 0-based position of this page in the stream.
    pub index: u32,
    /// The cursor that fetched this page (`None` for the first page).
    pub cursor: Option<String>,
}

impl<T> Page<T> {
    /// True when Gong said more pages follow.
    pub fn has_more(&self) -> bool {
        self.records.cursor.is_some()
    }
}

/// A page of `/v2/calls/extensive`.
pub type CallsPage = Page<Call>;
/// A page of `/v2/calls/extensive` where each call parsed (or failed) on its own.
pub type LenientCallsPage = Page<Result<Call, GongError>>;
/// A page of `/v2/users`.
pub type UsersPage = Page<User>;

/// What one page request yields: `None` is Gong's 404 "No calls found", i.e. no records.
pub(crate) type Fetched<T> = Result<Option<(Records, Vec<T>)>, GongError>;

/// Aborts the prefetch when the stream is dropped half-way.
struct Prefetch<T>(JoinHandle<Fetched<T>>, Option<String>);

impl<T> Drop for Prefetch<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

struct State<F, T> {
    fetch: Arc<F>,
    next: Option<Prefetch<T>>,
    index: u32,
}

/// Streams pages produced by `fetch(cursor)` until a page without cursor.
pub(crate) fn paginate<T, F, Fut>(fetch: F) -> BoxStream<'static, Result<Page<T>, GongError>>
where
    T: Send + 'static,
    F: Fn(Option<String>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Fetched<T>> + Send + 'static,
{
    paginate_from(fetch, None)
}

/// [`paginate`] from the page `cursor` names (`None`: the first page), for a caller
/// that read the pages before it on its own.
pub(crate) fn paginate_from<T, F, Fut>(
    fetch: F,
    cursor: Option<String>,
) -> BoxStream<'static, Result<Page<T>, GongError>>
where
    T: Send + 'static,
    F: Fn(Option<String>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Fetched<T>> + Send + 'static,
{
    let fetch = Arc::new(fetch);
    let first = spawn_fetch(&fetch, cursor);
    let state = State {
        fetch,
        next: Some(first),
        index: 0,
    };
    stream::unfold(state, |mut state| async move {
        loop {
            let prefetch = state.next.take()?;
            let cursor = prefetch.1.clone();
            let fetched = join(prefetch).await;
            let (records, items) = match fetched {
                Ok(Some(page)) => page,
                Ok(None) => return None,
                Err(err) => return Some((Err(err), state)),
            };
            if let Some(next) = &records.cursor {
                if Some(next) == cursor.as_ref() {
                    // A cursor Gong ignored would repeat this page forever (reference §3).
                    let err = repeated_cursor();
                    return Some((Err(err), state));
                }
                state.next = Some(spawn_fetch(&state.fetch, Some(next.clone())));
            }
            // An empty page carries nothing to hand over; keep going if Gong says more.
            if items.is_empty() {
                continue;
            }
            let page = Page {
                items,
                records,
                index: state.index,
                cursor,
            };
            state.index += 1;
            return Some((Ok(page), state));
        }
    })
    .boxed()
}

fn spawn_fetch<T, F, Fut>(fetch: &Arc<F>, cursor: Option<String>) -> Prefetch<T>
where
    T: Send + 'static,
    F: Fn(Option<String>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Fetched<T>> + Send + 'static,
{
    let handle = tokio::spawn(fetch(cursor.clone()));
    Prefetch(handle, cursor)
}

async fn join<T>(mut prefetch: Prefetch<T>) -> Fetched<T> {
    match (&mut prefetch.0).await {
        Ok(fetched) => fetched,
        // The fetch task panicked: surface the panic in the consumer, as if inline.
        Err(err) if err.is_panic() => std::panic::resume_unwind(err.into_panic()),
        // Only our own Drop aborts the task, and it runs after this point.
        Err(err) => Err(GongError::Config(format!(
            "page fetch was cancelled: {err}"
        ))),
    }
}

fn repeated_cursor() -> GongError {
    GongError::Decode {
        endpoint: "paging".to_owned(),
        call_id: None,
        path: "records.cursor".to_owned(),
        message: "Gong returned the cursor it was sent, which would repeat the same page forever"
            .to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::time::Duration;

    fn records(cursor: Option<&str>) -> Records {
        Records {
            cursor: cursor.map(str::to_owned),
            ..Records::default()
        }
    }

    /// Three pages: cursors "1" and "2" lead on; each fetch takes 100 ms.
    fn three_pages(
        calls: Arc<AtomicU32>,
    ) -> impl Fn(Option<String>) -> futures::future::BoxFuture<'static, Fetched<u32>> {
        move |cursor| {
            let calls = calls.clone();
            Box::pin(async move {
                calls.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(100)).await;
                let n: u32 = cursor.as_deref().map_or(0, |c| c.parse().unwrap_or(99));
                let next = (n < 2).then(|| (n + 1).to_string());
                Ok(Some((records(next.as_deref()), vec![n * 10, n * 10 + 1])))
            })
        }
    }

    #[tokio::test(start_paused = true)]
    async fn pages_arrive_in_order_and_the_next_is_fetched_while_the_consumer_works() {
        let calls = Arc::new(AtomicU32::new(0));
        let mut pages = paginate(three_pages(calls.clone()));
        let start = tokio::time::Instant::now();
        let mut seen = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.expect("no error");
            seen.push((page.index, page.cursor.clone(), page.items.clone()));
            // The consumer works 100 ms per page, as long as a fetch takes.
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(seen.len(), 3);
        assert_eq!(seen[2], (2, Some("2".to_owned()), vec![20, 21]));
        // Sequential would be 3 × (100 + 100) ms; overlapped it is 100 + 3 × 100 ms.
        assert_eq!(start.elapsed(), Duration::from_millis(400));
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }

    #[tokio::test(start_paused = true)]
    async fn only_one_page_is_fetched_ahead() {
        let calls = Arc::new(AtomicU32::new(0));
        let mut pages = paginate(three_pages(calls.clone()));
        let _first = pages.next().await.expect("a page").expect("no error");
        tokio::time::sleep(Duration::from_secs(5)).await;
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn gongs_empty_404_ends_the_stream_without_pages() {
        let pages: Vec<_> = paginate(|_| async { Ok::<_, GongError>(None::<(Records, Vec<u8>)>) })
            .collect()
            .await;
        assert!(pages.is_empty());
    }

    #[tokio::test]
    async fn an_error_is_yielded_and_ends_the_stream() {
        let pages: Vec<_> = paginate(|cursor: Option<String>| async move {
            match cursor {
                None => Ok(Some((records(Some("a")), vec![1u8]))),
                Some(_) => Err(GongError::Config("boom".into())),
            }
        })
        .collect()
        .await;
        assert_eq!(pages.len(), 2);
        assert!(pages[0].is_ok() && pages[1].is_err());
    }

    #[tokio::test]
    async fn a_cursor_that_repeats_is_an_error_not_a_loop() {
        let pages: Vec<_> = paginate(|_| async { Ok(Some((records(Some("same")), vec![1u8]))) })
            .collect()
            .await;
        assert_eq!(pages.len(), 2);
        assert!(pages[1]
            .as_ref()
            .is_err_and(|e| e.to_string().contains("repeat")));
    }
}
