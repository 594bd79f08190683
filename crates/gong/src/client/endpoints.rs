//! The typed endpoints: calls (paged, one call's media, transcripts by call id), users
//! (paged), trackers, workspaces and the company's call outcomes.

use std::sync::Arc;

use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use reqwest::Method;

use super::transport::{ApiRequest, Reply};
use super::{GongClient, Inner};
use crate::error::GongError;
use crate::paging::{
    paginate, paginate_from, CallsPage, Fetched, LenientCallsPage, Page, UsersPage,
};
use crate::wire::decode::{self, calls_page_lenient, users_page};
use crate::wire::outcomes::{CallOutcomesResponse, ListedOutcome};
use crate::wire::transcripts::{CallTranscript, TranscriptsPage};
use crate::wire::{
    Call, CallMedia, CallsFilter, CallsRequest, ContentSelector, KeywordTracker, TrackersResponse,
    TranscriptsRequest, User, Workspace, WorkspacesResponse,
};

const CALLS_EXTENSIVE: &str = "/v2/calls/extensive";
const TRANSCRIPTS: &str = "/v2/calls/transcript";
const USERS: &str = "/v2/users";
const TRACKERS: &str = "/v2/settings/trackers";
const CALL_OUTCOMES: &str = "/v2/call-outcomes";
const WORKSPACES: &str = crate::wire::WORKSPACES_PATH;

impl GongClient {
    /// Calls matching `filter`, with the parts `selector` asks for, as a stream of pages
    /// (up to 100 calls each, Gong's order). The next page is fetched while the consumer
    /// works on the current one. No matching call is an empty stream, not an error. The
    /// stream ends after the first error.
    pub fn calls_extensive(
        &self,
        filter: CallsFilter,
        selector: ContentSelector,
    ) -> BoxStream<'static, Result<CallsPage, GongError>> {
        // The lenient stream with each page's calls collected: the first malformed call
        // fails its page, and the stream ends there.
        self.calls_extensive_lenient(filter, selector)
            .map(|page| {
                let page = page?;
                let items = page.items.into_iter().collect::<Result<Vec<_>, _>>()?;
                Ok(CallsPage {
                    items,
                    records: page.records,
                    index: page.index,
                    cursor: page.cursor,
                })
            })
            .scan(false, |failed, page| {
                let next = (!*failed).then_some(page);
                *failed |= matches!(next, Some(Err(_)));
                futures::future::ready(next)
            })
            .boxed()
    }

    /// Like [`GongClient::calls_extensive`], but a call that does not parse is an `Err`
    /// in its page (naming the call and the JSON path) instead of the end of the
    /// stream: the sync engine logs that meeting as failed and goes on.
    pub fn calls_extensive_lenient(
        &self,
        filter: CallsFilter,
        selector: ContentSelector,
    ) -> BoxStream<'static, Result<LenientCallsPage, GongError>> {
        if filter.matches_nothing() {
            return stream::empty().boxed();
        }
        let inner = self.inner.clone();
        let request = Arc::new(CallsRequest::new(&filter, &selector));
        paginate(move |cursor| {
            let (inner, request) = (inner.clone(), request.clone());
            async move { inner.calls_page_lenient(&request, cursor).await }
        })
    }

    /// The first page of [`GongClient::calls_extensive_lenient`] alone: one request,
    /// nothing fetched ahead, for a caller that decides after it whether to read on
    /// (with [`GongClient::calls_extensive_lenient_from`] and the page's cursor).
    /// `None` when Gong has no call in the filter.
    pub async fn calls_extensive_lenient_first(
        &self,
        filter: CallsFilter,
        selector: ContentSelector,
    ) -> Result<Option<LenientCallsPage>, GongError> {
        if filter.matches_nothing() {
            return Ok(None);
        }
        let request = CallsRequest::new(&filter, &selector);
        let fetched = self.inner.calls_page_lenient(&request, None).await?;
        Ok(fetched.map(|(records, items)| Page {
            items,
            records,
            index: 0,
            cursor: None,
        }))
    }

    /// The pages of [`GongClient::calls_extensive_lenient`] from the one `cursor`
    /// names: the same request, so Gong's cursor stays valid.
    pub fn calls_extensive_lenient_from(
        &self,
        filter: CallsFilter,
        selector: ContentSelector,
        cursor: String,
    ) -> BoxStream<'static, Result<LenientCallsPage, GongError>> {
        let inner = self.inner.clone();
        let request = Arc::new(CallsRequest::new(&filter, &selector));
        paginate_from(
            move |cursor| {
                let (inner, request) = (inner.clone(), request.clone());
                async move { inner.calls_page_lenient(&request, cursor).await }
            },
            Some(cursor),
        )
    }

    /// One call with the parts `selector` asks for; `None` when Gong does not know it.
    pub async fn call(
        &self,
        call_id: &str,
        selector: ContentSelector,
    ) -> Result<Option<Call>, GongError> {
        let request = CallsRequest::new(&CallsFilter::ids([call_id]), &selector);
        let calls = self.inner.calls_page(&request, None).await?;
        Ok(calls.and_then(|(_, calls)| calls.into_iter().find(|c| c.id() == call_id)))
    }

    /// Fresh media URLs of one call (they expire after 8 hours, so fetch them when a
    /// recording is viewed). `None` when the call is unknown or has no media (deleted
    /// recording). Needs scope `api:calls:read:media-url`.
    pub async fn call_media(&self, call_id: &str) -> Result<Option<CallMedia>, GongError> {
        let call = self
            .call(call_id, ContentSelector::new().media(true))
            .await?;
        Ok(call
            .and_then(|c| c.media)
            .filter(|m| m.audio_url.is_some() || m.video_url.is_some()))
    }

    /// The transcripts of `call_ids` (at most 100 a request, Gong's page size; every
    /// page read). A call Gong has no transcript for is missing from the answer; none
    /// at all is an empty list, not an error. Needs scope [`crate::TRANSCRIPT_SCOPE`].
    pub async fn transcripts(&self, call_ids: &[String]) -> Result<Vec<CallTranscript>, GongError> {
        if call_ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut request = TranscriptsRequest::new(&CallsFilter::ids(call_ids.iter().cloned()));
        let mut transcripts = Vec::new();
        loop {
            let Some(page) = self.inner.transcripts_page(&request).await? else {
                break;
            };
            transcripts.extend(page.call_transcripts);
            match page.records.cursor {
                Some(cursor) => request.cursor = Some(cursor),
                None => break,
            }
        }
        Ok(transcripts)
    }

    /// All Gong users as a stream of pages (cursor in the query string).
    pub fn users(&self) -> BoxStream<'static, Result<UsersPage, GongError>> {
        let inner = self.inner.clone();
        paginate(move |cursor| {
            let inner = inner.clone();
            async move { inner.users_page(cursor).await }
        })
    }

    /// All Gong users, every page collected.
    pub async fn all_users(&self) -> Result<Vec<User>, GongError> {
        let pages: Vec<UsersPage> = self.users().try_collect().await?;
        Ok(pages.into_iter().flat_map(|p| p.items).collect())
    }

    /// Keyword tracker definitions, optionally of one workspace.
    pub async fn trackers(
        &self,
        workspace_id: Option<&str>,
    ) -> Result<Vec<KeywordTracker>, GongError> {
        let query = workspace_id
            .map(|w| vec![("workspaceId", w.to_owned())])
            .unwrap_or_default();
        let body = self.inner.get(TRACKERS, query).await?;
        let parsed: TrackersResponse = decode::parse(TRACKERS, &body)?;
        Ok(parsed.keyword_trackers)
    }

    /// The company's call outcomes with their sentiment (one request, not paged).
    /// Needs scope `api:call-outcomes:read`.
    pub async fn call_outcomes(&self) -> Result<Vec<ListedOutcome>, GongError> {
        let body = self.inner.get(CALL_OUTCOMES, Vec::new()).await?;
        let parsed: CallOutcomesResponse = decode::parse(CALL_OUTCOMES, &body)?;
        Ok(parsed.outcomes())
    }

    /// The company's workspaces. Also a cheap check that credentials work.
    pub async fn workspaces(&self) -> Result<Vec<Workspace>, GongError> {
        let body = self.inner.get(WORKSPACES, Vec::new()).await?;
        let parsed: WorkspacesResponse = decode::parse(WORKSPACES, &body)?;
        Ok(parsed.workspaces)
    }
}

impl Inner {
    /// One page of calls: the cursor goes in the JSON body, next to an unchanged filter.
    async fn calls_page(&self, request: &CallsRequest, cursor: Option<String>) -> Fetched<Call> {
        match self.calls_page_lenient(request, cursor).await? {
            None => Ok(None),
            Some((records, calls)) => Ok(Some((
                records,
                calls.into_iter().collect::<Result<_, _>>()?,
            ))),
        }
    }

    /// One page of calls, each parsed on its own.
    async fn calls_page_lenient(
        &self,
        request: &CallsRequest,
        cursor: Option<String>,
    ) -> Fetched<Result<Call, GongError>> {
        let mut body = request.clone();
        body.cursor = cursor;
        let bytes = serde_json::to_vec(&body)
            .map_err(|e| GongError::Config(format!("cannot encode the calls request: {e}")))?;
        let req = ApiRequest {
            method: Method::POST,
            path: CALLS_EXTENSIVE,
            query: Vec::new(),
            body: Some(bytes),
        };
        match self.execute(&req).await? {
            Reply::NoCalls => Ok(None),
            Reply::Body(bytes) => {
                let page = calls_page_lenient(CALLS_EXTENSIVE, &bytes)?;
                tracing::debug!(calls = page.1.len(), total = ?page.0.total_records, "Gong calls page received.");
                Ok(Some(page))
            }
        }
    }

    /// One page of transcripts; `None` when Gong has none for the filter.
    async fn transcripts_page(
        &self,
        request: &TranscriptsRequest,
    ) -> Result<Option<TranscriptsPage>, GongError> {
        let bytes = serde_json::to_vec(request).map_err(|e| {
            GongError::Config(format!("cannot encode the transcripts request: {e}"))
        })?;
        let req = ApiRequest {
            method: Method::POST,
            path: TRANSCRIPTS,
            query: Vec::new(),
            body: Some(bytes),
        };
        match self.execute(&req).await? {
            Reply::NoCalls => Ok(None),
            Reply::Body(bytes) => decode::parse(TRANSCRIPTS, &bytes).map(Some),
        }
    }

    /// One page of users: the cursor goes in the query string.
    async fn users_page(&self, cursor: Option<String>) -> Fetched<User> {
        let query = cursor.map(|c| vec![("cursor", c)]).unwrap_or_default();
        let req = ApiRequest {
            method: Method::GET,
            path: USERS,
            query,
            body: None,
        };
        match self.execute(&req).await? {
            Reply::NoCalls => Ok(None),
            Reply::Body(bytes) => users_page(USERS, &bytes).map(Some),
        }
    }

    async fn get(
        &self,
        path: &'static str,
        query: Vec<(&'static str, String)>,
    ) -> Result<Vec<u8>, GongError> {
        let req = ApiRequest {
            method: Method::GET,
            path,
            query,
            body: None,
        };
        match self.execute(&req).await? {
            Reply::Body(bytes) => Ok(bytes),
            // Only call endpoints answer this; anywhere else it is an unexpected error.
            Reply::NoCalls => Err(GongError::Api {
                endpoint: path.to_owned(),
                status: 404,
                message: super::transport::NO_CALLS_FOUND.to_owned(),
                request_id: "-".to_owned(),
            }),
        }
    }
}
