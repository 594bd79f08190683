//! Gong API v2 client for gong-timeline.
//!
//! Built to `shared/reference/gong-api.md`: HTTP Basic and OAuth 2.0 (single-use refresh
//! tokens persisted before use), cursor paging as streams of pages with prefetch, Gong's
//! limits (3 requests/s, 10,000/day, 429 + `Retry-After`), retries with backoff, and one
//! error type whose messages say what to do.
//!
//! ```no_run
//! # async fn demo() -> Result<(), gong_timeline_gong::GongError> {
//! use futures::StreamExt;
//! use gong_timeline_gong::{CallsFilter, ClientConfig, ContentSelector, Credentials, GongClient};
//!
//! let client = GongClient::new(ClientConfig::default(), Credentials::basic("key", "secret"))?;
//! let mut pages = client.calls_extensive(CallsFilter::default(), ContentSelector::for_timeline());
//! while let Some(page) = pages.next().await {
//!     for call in page?.items {
//!         println!("{} {:?}", call.id(), call.meta_data.title);
//!     }
//! }
//! # Ok(()) }
//! ```
//!
//! # Layout
//! - `config`: [`ClientConfig`].
//! - `auth/`: [`Credentials`], [`OAuthClient`], [`OAuthTokens`], [`TokenSink`],
//!   [`PendingAuthorizations`], and the live token session.
//! - `client/`: [`GongClient`]: `transport` (one request: limits, retries, errors) and
//!   `endpoints` (calls, media, users, trackers, workspaces).
//! - `paging`: cursor paging as streams of [`Page`]s with one page prefetched.
//! - `limiter`, `retry`: rate limiter, daily budget, backoff, `Retry-After`.
//! - `wire/`: this client's own models of Gong's JSON, and decoding that names the
//!   broken call and JSON path.
//! - `gate`: [`RequestGate`], a quota kept outside the client that admits requests.
//! - `error`: [`GongError`].
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod auth;
mod client;
mod config;
mod error;
mod gate;
mod limiter;
mod paging;
mod retry;
pub mod wire;

pub use auth::{
    Credentials, OAuthClient, OAuthTokens, PendingAuthorizations, RefreshStep, TokenSink,
};
pub use client::GongClient;

/// The OAuth scope `POST /v2/calls/transcript` needs ([`GongClient::transcripts`]).
pub const TRANSCRIPT_SCOPE: &str = "api:calls:read:transcript";
pub use config::{ClientConfig, DEFAULT_BASE_URL, DEFAULT_OAUTH_BASE_URL};
pub use error::{GongError, SinkError};
pub use gate::{GateClosed, RequestGate};
pub use limiter::{DailyBudget, RateLimiter};
pub use paging::{CallsPage, LenientCallsPage, Page, UsersPage};
pub use retry::Backoff;
pub use wire::{
    Affiliation, Call, CallContent, CallMedia, CallMetaData, CallsFilter, ContentSelector,
    ContextLevel, CrmContext, CrmObject, CrmSystem, Party, Records, Tracker, TrackerPhrase, User,
    Workspace,
};

/// Re-exported so callers can name the HTTP client and secret types without their own
/// dependency on these crates.
pub use reqwest;
pub use secrecy;
