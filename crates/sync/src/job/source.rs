//! Where a job's batches come from: a time window's pages from Gong
//! ([`WindowPages`]), calls re-read by id — the retry list's and the webhook queue's
//! alike ([`ById`]) — and stored meetings in keyset pages ([`StoredPages`]). Each
//! yields batches; what happens to a batch is [`super::writer`]'s business.

use gong_timeline_store::GongCallId;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use futures::stream::BoxStream;
use futures::StreamExt;
use gong_timeline_gong::{
    Call, CallsFilter, ContentSelector, GongClient, GongError, LenientCallsPage,
};
use gong_timeline_store::{
    ConnectionId, MeetingKey, MeetingQuery, MeetingSet, Store, StoreError, StoredMeeting,
};

use crate::windows::Window;
use crate::SyncError;

/// Calls as Gong sent them: a malformed one is an `Err` in its place.
pub type Calls = Vec<Result<Call, GongError>>;

/// One page of a time window.
pub struct WindowPage {
    /// Its calls.
    pub calls: Calls,
    /// Gong's total for the window, when it says.
    pub total: Option<i64>,
    /// Where the next page starts, when there is one.
    pub cursor: Option<String>,
}

/// A time window's pages, in Gong's order, the next one prefetched by the client.
pub struct WindowPages {
    pages: BoxStream<'static, Result<LenientCallsPage, GongError>>,
}

impl WindowPages {
    /// Every page of `window`.
    pub fn new(client: &GongClient, window: Window, selector: &ContentSelector) -> WindowPages {
        let pages = client.calls_extensive_lenient(window.calls_filter(), selector.clone());
        WindowPages { pages }
    }

    /// The pages of `window` after the one that gave `cursor`.
    pub fn after(
        client: &GongClient,
        window: Window,
        selector: &ContentSelector,
        cursor: String,
    ) -> WindowPages {
        let pages =
            client.calls_extensive_lenient_from(window.calls_filter(), selector.clone(), cursor);
        WindowPages { pages }
    }

    /// The first page of `window` alone; `None` when the window is empty.
    pub async fn first(
        client: &GongClient,
        window: Window,
        selector: &ContentSelector,
    ) -> Result<Option<WindowPage>, SyncError> {
        let first = client
            .calls_extensive_lenient_first(window.calls_filter(), selector.clone())
            .await?;
        Ok(first.map(WindowPage::from))
    }

    /// The next page; `None` after the last.
    pub async fn next(&mut self) -> Result<Option<WindowPage>, SyncError> {
        Ok(self.pages.next().await.transpose()?.map(WindowPage::from))
    }
}

impl From<LenientCallsPage> for WindowPage {
    fn from(page: LenientCallsPage) -> WindowPage {
        WindowPage {
            total: page.records.total_records,
            cursor: page.records.cursor,
            calls: page.items,
        }
    }
}

/// The bounds a window is sent to Gong with (whole seconds): what a look-back counts
/// the store's meetings over.
pub fn sent_bounds(window: Window) -> (DateTime<Utc>, DateTime<Utc>) {
    let (from, to) = window.calls_filter().sent_bounds();
    (from.unwrap_or(window.from), to.unwrap_or(window.to))
}

/// Call ids Gong is asked for per request.
pub const IDS_PER_REQUEST: usize = 100;

/// Calls re-read by id, [`IDS_PER_REQUEST`] per request: one batch per request, with
/// the ids it asked for (Gong may return fewer).
pub struct ById<'c> {
    client: &'c GongClient,
    selector: ContentSelector,
    chunks: std::vec::IntoIter<Vec<GongCallId>>,
}

/// The calls of one request by id.
pub struct IdBatch {
    /// The ids asked for.
    pub ids: Vec<GongCallId>,
    /// What Gong returned of them.
    pub calls: Calls,
}

impl<'c> ById<'c> {
    /// The calls of `ids`, in that order.
    pub fn new(
        client: &'c GongClient,
        ids: Vec<GongCallId>,
        selector: &ContentSelector,
    ) -> ById<'c> {
        let chunks: Vec<Vec<GongCallId>> = ids.chunks(IDS_PER_REQUEST).map(<[_]>::to_vec).collect();
        ById {
            client,
            selector: selector.clone(),
            chunks: chunks.into_iter(),
        }
    }

    /// The next request's calls; `None` after the last.
    pub async fn next(&mut self) -> Result<Option<IdBatch>, SyncError> {
        let Some(ids) = self.chunks.next() else {
            return Ok(None);
        };
        let mut pages = self
            .client
            .calls_extensive_lenient(CallsFilter::ids(ids.iter().cloned()), self.selector.clone());
        let mut calls = Vec::new();
        while let Some(page) = pages.next().await {
            calls.extend(page?.items);
        }
        Ok(Some(IdBatch { ids, calls }))
    }
}

/// Stored meetings read per page of a re-evaluation. Three pages are in memory at
/// once (one committed, one evaluated, one read ahead), and a decoded meeting with
/// Gong's content is several KB. `bench --calls 100000`, two runs each: at 2,000 the
/// re-evaluation peaked at 118–122 MB of resident memory and read 51,000–53,000
/// stored meetings/s; at 1,000, 96–100 MB and 43,000–46,000/s; at 500, 90–97 MB and
/// 40,000–47,000/s.
pub const STORED_PAGE: u32 = 1000;

/// A connection's stored meetings of a set, started in `[since, until)`, read in
/// keyset pages (start, call id) from an optional resume key.
/// The page after the one returned is read ahead, so reading and decoding overlap
/// the evaluation and the commit of the current one.
pub struct StoredPages {
    store: Arc<dyn Store>,
    connection_id: ConnectionId,
    query: MeetingQuery,
    ahead: Option<ReadAhead>,
    done: bool,
}

type ReadAhead = tokio::task::JoinHandle<Result<Vec<StoredMeeting>, StoreError>>;

impl StoredPages {
    /// Pages of `which` meetings started at or after `since`, after `after`.
    pub fn new(
        store: Arc<dyn Store>,
        connection_id: ConnectionId,
        which: MeetingSet,
        since: DateTime<Utc>,
        after: Option<MeetingKey>,
    ) -> StoredPages {
        StoredPages {
            store,
            connection_id,
            query: MeetingQuery {
                since,
                until: None,
                which,
                after,
                limit: STORED_PAGE,
            },
            ahead: None,
            done: false,
        }
    }

    /// The next page; `None` after the last.
    pub async fn next(&mut self) -> Result<Option<Vec<StoredMeeting>>, SyncError> {
        if self.done {
            return Ok(None);
        }
        let page = match self.ahead.take() {
            Some(ahead) => crate::joined(ahead.await)?,
            None => self.read().await?,
        };
        if page.len() < self.query.limit as usize {
            self.done = true;
        }
        match page.last() {
            Some(last) => self.query.after = Some(last.key()),
            None => return Ok(None),
        }
        if !self.done {
            let (store, connection_id, query) =
                (self.store.clone(), self.connection_id, self.query.clone());
            self.ahead = Some(tokio::spawn(async move {
                store.list_stored_meetings(connection_id, query).await
            }));
        }
        Ok(Some(page))
    }

    async fn read(&self) -> Result<Vec<StoredMeeting>, StoreError> {
        self.store
            .list_stored_meetings(self.connection_id, self.query.clone())
            .await
    }
}
