//! The Gong API simulator: an axum server that behaves like Gong's REST API v2 as
//! `shared/reference/gong-api.md` describes it, with its **own** wire types, data
//! generated on demand from a seed (or read from a scenario file), Gong's rate limits
//! and runtime fault switches.
//!
//! # Layout
//! - [`config`]: [`SimConfig`] and [`Limits`].
//! - `data/`: the account served — `hash` (deterministic draws), `world` (users,
//!   companies, trackers, Timeline users), `calls` (call `i` as a pure function of
//!   the seed), `scenario` (the JSON format below), `csv_out` (Timeline CSVs).
//! - `wire/`: serde shapes of requests and responses; `render`: model → wire.
//! - `paging`: filters compiled to index ranges, pages of 100, cursors.
//! - `oauth`, `limits`, `faults`, `stats`: token bookkeeping, rate limits, fault
//!   switches and request accounting; [`Controls`] is their Rust face.
//! - `arrivals`: new calls over time; `webhook`: posting each new call to a
//!   receiver as Gong's automation rules do, signed (RS256 JWT); `workers`: the
//!   background tasks behind both, started by [`serve`].
//! - `routes/`: the HTTP surface (`/v2`, `/oauth2`, `/media`, `/_sim`).
//!
//! # Generated data
//! Memory is independent of the call count: call `i` is generated from `(seed, i)`
//! when a page needs it (see `data/calls.rs` for the percentages of each feature).
//! - Gong users (`SimConfig::users`, default 40): the first nine have fixed
//!   [`UserRole`]s that decide their rows in users.csv: `DuplicateResolvable` (Full
//!   and Viewer, both active), `DuplicateConflict` (two Full active), `InactiveOnly`
//!   (U4), `ExternalOnly` (U5), two `Missing` (no row: IC users get created),
//!   `GongInactive`, `DuplicateActiveBeatsInactive`, `DuplicatePaidBeatsUnpaid`; the
//!   rest are `Normal` (one active Full, Viewer+Analytics or Viewer row). Three
//!   Timeline-only rows (Partner, Guest, System) are added.
//! - 64 companies with Salesforce 18-character Account ids and 2-5 contacts; the last
//!   6 appear in calls but not in companies.csv (nor their contacts in persons.csv);
//!   every seventh is listed with the 15-character form of its id.
//! - 8 trackers; "Budget (tracker)" and "Security review" have API results off,
//!   "Next steps", "Legal" and the smart "Churn risk" have separate phrases off.
//! - Calls: 70 % Salesforce Account context, 14 % contacts only, 7 % unknown
//!   externals, 3 % internal only, 6 % HubSpot; 3 % private, 2 % deleted recordings,
//!   12 % without tracker hits, 15 % audio only. Owners are drawn from all users.
//! - Content beyond brief and key points (see `data/content.rs`), drawn per call id
//!   only when asked for: `structure`, `outline` (2-3 sections), `highlights` (85 %
//!   have a "Next steps" section of 1-3 items), `callOutcome` (one of five fixed
//!   outcomes, the list of `GET /v2/call-outcomes`), `pointsOfInterest.actionItems`
//!   (0-3, `speakerID`), `interaction.{interactionStats, video, questions}`,
//!   `collaboration.publicComments`, and a transcript of 3-8 monologues that says
//!   every phrase the call's keyword trackers hit. A private call's content,
//!   interaction and collaboration sections are withheld, and it has no transcript.
//!
//! # New calls and webhooks
//! With `new_calls_per_minute` above 0 (or [`SimHandle::add_new_calls`], or
//! `POST /_sim/calls/new`), calls appear while the simulator runs: generated like
//! the initial ones, ids after every initial id, started 11-70 minutes and ended
//! 1-10 minutes before they appear. They are served at once (by id and by time
//! window; a window lists the initial calls first, then new calls in the order
//! they appeared). With a webhook URL, each is then posted as
//! `{"isTest":false,"callData":{…}}` with `Authorization: Bearer <JWT>` (RS256;
//! claims `webhook_url`, `body_sha256`, `iat`, `exp` = `iat` + 300), signed with the
//! embedded demo key (public by design) or `webhook_key_pem`.
//!
//! # Endpoints
//! `GET /oauth2/authorize` (consent page; its form posts to `POST /oauth2/authorize`,
//! which redirects to `redirect_uri?code=…&state=…`), `POST /oauth2/generate-customer-token`,
//! `GET /v2/users[?cursor=]`, `GET /v2/users/{id}`, `POST /v2/calls/extensive`,
//! `GET /v2/calls/{id}`, `POST /v2/calls/transcript` (scope
//! `api:calls:read:transcript`; paged and filtered like the extensive endpoint,
//! private calls left out), `GET /v2/call-outcomes` (scope `api:call-outcomes:read`;
//! `callOutcomes[] {id, category, name}` and the same in the `outcomes[]` shape public
//! clients read), `GET /v2/settings/trackers`, `GET /v2/workspaces`,
//! `GET /media/{call_id}/{audio.wav|video.wav}?Expires=…&Signature=…` (a
//! generated WAV chime: playable; "video" is the same audio, the simulator has no
//! video encoder), `GET /call?id=…`.
//!
//! Admin (no credentials, not counted): `GET /_sim/stats`, `POST /_sim/stats/reset`,
//! `GET|POST /_sim/faults` (body: [`FaultUpdate`], e.g.
//! `{"error_rate":0.1,"fail_next":{"count":2,"status":503},"latency_ms":50,
//! "down":true,"down_for_secs":5,"malformed_call_ids":["…"],"deleted_recordings":["…"],
//! "untranscribed_call_ids":["…"]}`),
//! `POST /_sim/faults/reset`, `POST /_sim/tokens/revoke`, `POST /_sim/tokens/expire`,
//! `POST /_sim/recordings/{call_id}/delete`, `POST /_sim/deleted-calls`
//! (`{"ids":["…"]}`: the calls leave Gong), `GET|POST /_sim/limits` (body: [`Limits`]),
//! `POST /_sim/clock` (`{"advance_secs":28800}`), `GET /_sim/dataset`,
//! `GET /_sim/calls/{index}`, `POST /_sim/calls/new` (`{"count":3}` → `{"ids":[…]}`),
//! `GET /_sim/webhook-public-key` (SPKI PEM), `GET|POST /_sim/webhooks`
//! (`{"url":"…","new_calls_per_minute":6}`), `POST /_sim/webhooks/test` (Gong's
//! "Test" button). Webhook faults go to `/_sim/faults`: `webhook_drop_rate`,
//! `webhook_duplicate_rate`, `webhook_delay_ms` (+ `webhook_delay_max_ms` for a
//! range), `webhook_tamper_rate`.
//!
//! # Scenario format
//! A scenario replaces the generator. Keys are camelCase (snake_case aliases are
//! accepted for `isPrivate`, `primaryUserId`, `recordingDeleted`, `userId`,
//! `keyPoints`, `apiResults`, `separatePhrases`, `callOutcome`, `actionItems`).
//! Unknown keys are refused.
//! ```json
//! {
//!   "users": [
//!     {"id": "4417298830051620943", "email": "lena.ortiz@acme.example",
//!      "firstName": "Lena", "lastName": "Ortiz", "active": true}
//!   ],
//!   "trackers": [
//!     {"name": "Competitors", "type": "KEYWORD", "keywords": ["Contoso"],
//!      "apiResults": true, "separatePhrases": true}
//!   ],
//!   "calls": [
//!     {"id": "7390156482217734615", "title": "Northwind | renewal",
//!      "started": "2025-03-03T16:02:41Z", "duration": 2714, "isPrivate": false,
//!      "primaryUserId": "4417298830051620943",
//!      "parties": [
//!        {"name": "Lena Ortiz", "email": "lena.ortiz@acme.example",
//!         "affiliation": "Internal", "userId": "4417298830051620943"},
//!        {"name": "Raj Patel", "email": "raj@northwind.example", "affiliation": "External"}
//!      ],
//!      "crm": [{"system": "Salesforce",
//!               "objects": [{"type": "Account", "id": "0015g00000XyZ12AAB", "name": "Northwind"}]}],
//!      "trackers": [{"name": "Competitors", "count": 2,
//!                    "phrases": [{"phrase": "Contoso", "count": 2}]}],
//!      "recordingDeleted": false, "brief": "Renewal discussed.", "keyPoints": ["Price"],
//!      "highlights": [{"title": "Next steps", "items": ["Send the proposal"]}],
//!      "outline": [{"section": "Pricing", "items": ["A discount was asked for"]}],
//!      "callOutcome": "Demo scheduled", "actionItems": ["I'll send the proposal"],
//!      "transcript": [{"speaker": "Raj Patel", "topic": "Pricing",
//!                      "sentences": ["What about Contoso?"]}]}
//!   ],
//!   "timeline": {
//!     "companies": [{"name": "Northwind", "crm_account_id": "0015g00000XyZ12AAB", "industry": "Software"}],
//!     "persons": [{"email": "raj@northwind.example", "name": "Raj Patel", "company": "Northwind"}],
//!     "users": [{"email": "lena.ortiz@acme.example", "name": "Lena Ortiz",
//!                "license_type": "Full", "status": "active"}]
//!   }
//! }
//! ```
//! Tracker `type` is `KEYWORD` (default) or `SMART`; `apiResults` and
//! `separatePhrases` default to true. A scenario call sends only the highlights,
//! outline, outcome (a name or id of the fixed outcomes), action items (said by its
//! first party) and transcript (speakers named by party name or email) it spells
//! out. Every key but `id`, `started`,
//! `primaryUserId` (calls), `id`, `email` (users) and `name` (trackers) is optional.
#![forbid(unsafe_code)]

pub mod arrivals;
pub mod config;
pub mod controls;
pub mod data;
pub mod error;
pub mod faults;
pub mod limits;
pub mod oauth;
pub mod paging;
pub mod privacy;
pub mod render;
pub mod request_id;
mod routes;
pub mod state;
pub mod stats;
pub mod wav;
pub mod webhook;
pub mod wire;
mod workers;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use config::{Limits, SimConfig};
pub use controls::Controls;
pub use data::model::{SimCall, SimTracker, SimUser, UserRole};
pub use data::scenario::Scenario;
pub use data::timeline::TimelineUser;
pub use data::world::{SimCompany, SimContact};
pub use data::{DataSet, TimelineCsvPaths};
pub use error::SimError;
pub use faults::{FailNext, FaultUpdate, FaultView, WebhookFaults};
pub use routes::app;
pub use state::SimState;
pub use stats::SimStats;
pub use webhook::{WebhookClaims, WebhookKey};

/// A simulator running on the current tokio runtime. Dropping it stops the server.
#[derive(Debug)]
pub struct SimHandle {
    addr: SocketAddr,
    state: Arc<SimState>,
    controls: Controls,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl SimHandle {
    /// `http://127.0.0.1:<port>` (or the configured public base URL).
    pub fn base_url(&self) -> String {
        self.state.base_url.clone()
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Fault switches and counters.
    pub fn controls(&self) -> &Controls {
        &self.controls
    }

    /// The data served.
    pub fn dataset(&self) -> &DataSet {
        &self.state.dataset
    }

    /// The shared state (for embedding next to other routers).
    pub fn state(&self) -> &Arc<SimState> {
        &self.state
    }

    /// Makes `n` new calls now (independent of the timer) and returns their ids;
    /// each is announced by webhook like a timer-made one. A scenario has no
    /// generator: it gets [`SimError::NoGenerator`].
    pub fn add_new_calls(&self, n: u64) -> Result<Vec<String>, SimError> {
        self.controls.add_new_calls(n)
    }

    /// The public key that verifies webhook tokens, SPKI PEM.
    pub fn webhook_public_key_pem(&self) -> String {
        self.controls.webhook_public_key_pem()
    }

    /// Stops the server and waits for it to finish.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// The base URL for a bound address: an unspecified IP (`0.0.0.0`) is announced as
/// loopback, since clients cannot connect to it.
fn base_url_for(addr: SocketAddr) -> String {
    let ip = if addr.ip().is_unspecified() {
        std::net::IpAddr::from([127, 0, 0, 1])
    } else {
        addr.ip()
    };
    format!("http://{}", SocketAddr::new(ip, addr.port()))
}

/// Binds `127.0.0.1:0`, spawns the simulator on the current runtime and returns at
/// once: the port is bound before this returns, so no wait is needed.
pub async fn start(config: SimConfig) -> std::io::Result<SimHandle> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let state = SimState::build(config, &base_url_for(addr))?;
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(serve(listener, state.clone(), async move {
        let _ = stopped.await;
    }));
    Ok(SimHandle {
        addr,
        controls: Controls::new(state.clone()),
        state,
        stop: Some(stop),
        task: Some(task),
    })
}

/// Serves the simulator on `listener` until `shutdown` completes.
pub async fn run(
    listener: TcpListener,
    config: SimConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let state = SimState::build(config, &base_url_for(listener.local_addr()?))?;
    serve(listener, state, shutdown).await
}

/// Serves an already built state (see [`SimState::build`] and [`Controls::new`]).
pub async fn serve(
    listener: TcpListener,
    state: Arc<SimState>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    tracing::info!(base_url = %state.base_url, "Gong simulator listening.");
    let _workers = workers::Workers::spawn(&state);
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown)
        .await
}
