//! [`AppState`]: what every handler shares — the store, the sync engine, the web
//! configuration, the clock, and the in-process bookkeeping (background syncs,
//! cached Gong clients for recordings, single sign-ons under way in [`oidc`]).
//!
//! The lowest module of the web layer: it imports nothing of `auth`, `service`,
//! `ui` or `api`.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use gong_timeline_gong::{ClientConfig, GongClient};
use gong_timeline_store::{ConnectionId, Store};
use gong_timeline_sync::quota::Ledger;
use gong_timeline_sync::{Clock, Engine};
use tokio_util::task::TaskTracker;

use crate::server::ServerTimeouts;
use gong_timeline_domain::throttle::ThrottlePolicy;

pub mod oidc;

/// Stored meetings of the backfill window at most for the connection page to
/// count those not on the Timeline on every view (the evaluation reads them all);
/// above, it links without a number. The default of
/// [`WebConfig::pending_count_bound`].
pub const PENDING_COUNT_BOUND: u64 = 20_000;

/// The Gong OAuth app this server authorises connections with.
#[derive(Clone)]
pub struct OAuthApp {
    /// Client id.
    pub client_id: String,
    /// Client secret; never rendered or logged.
    pub client_secret: String,
}

impl std::fmt::Debug for OAuthApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OAuthApp { <redacted> }")
    }
}

/// Where a single sign-on account's role comes from (A2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoleSource {
    /// A claim of the ID token (a string or a list of strings) naming `admin`,
    /// `member` or `viewer`; the widest named wins, none named gives no sign-in.
    Claim(String),
    /// The license type of the Timeline user with the email (A1's defaults: Full and
    /// Viewer+Analytics member, Viewer viewer, others none).
    LicenseType,
}

/// Sign-in with an OpenID Connect provider (A2), beside local passwords.
#[derive(Clone)]
pub struct OidcConfig {
    /// The issuer URL (`https://accounts.google.com`,
    /// `https://login.microsoftonline.com/<tenant>/v2.0`, ...); its
    /// `/.well-known/openid-configuration` is read.
    pub issuer: String,
    /// The client id registered with the provider (the ID token's audience).
    pub client_id: String,
    /// The client secret; never rendered or logged.
    pub client_secret: String,
    /// Email domains that may sign in (`example.com`); an email of any other domain
    /// is refused. Empty refuses everyone.
    pub allowed_domains: Vec<String>,
    /// Where a new account's role comes from.
    pub roles: RoleSource,
    /// The provider's name on the log-in page ("Sign in with <name>").
    pub display_name: String,
}

impl std::fmt::Debug for OidcConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcConfig")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("allowed_domains", &self.allowed_domains)
            .field("roles", &self.roles)
            .field("display_name", &self.display_name)
            .finish()
    }
}

/// Web configuration.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Single sign-on with OpenID Connect (A2); `None`: local passwords only.
    pub oidc: Option<OidcConfig>,
    /// The OAuth app; `None` disables OAuth connections (access keys still work).
    pub oauth: Option<OAuthApp>,
    /// Gong's OAuth host (`https://app.gong.io`, or a simulator's URL).
    pub oauth_base_url: String,
    /// Extra hosts (`host` or `host:port`) accepted as a customer API base URL or an
    /// access-key base URL besides `https://*.gong.io` (e.g. the simulator).
    pub allowed_gong_hosts: Vec<String>,
    /// Where generated .xlsx files go.
    pub export_dir: PathBuf,
    /// The URL users reach this server at (the OAuth redirect is built from it).
    pub public_url: String,
    /// Limits and retries of the Gong clients that load recordings.
    pub gong: ClientConfig,
    /// How long a login lasts.
    pub session_ttl: chrono::Duration,
    /// Header-read / idle and body timeouts of the server.
    pub timeouts: ServerTimeouts,
    /// How hard failed log-ins are throttled.
    pub login_throttle: ThrottlePolicy,
    /// How long activities and stored meetings are kept (G3; `serve --retention-days`),
    /// shown on the Data privacy page.
    pub retention: gong_timeline_domain::retention::Retention,
    /// Stored meetings of the backfill window at most for the connection page to
    /// count those not on the Timeline on every view (above, it links without a
    /// number); [`PENDING_COUNT_BOUND`] unless a test lowers it.
    pub pending_count_bound: u64,
}

impl WebConfig {
    /// A configuration for `public_url` with Gong's real hosts and no OAuth app.
    pub fn new(public_url: impl Into<String>, export_dir: impl Into<PathBuf>) -> WebConfig {
        WebConfig {
            oidc: None,
            oauth: None,
            oauth_base_url: gong_timeline_gong::DEFAULT_OAUTH_BASE_URL.to_string(),
            allowed_gong_hosts: Vec::new(),
            export_dir: export_dir.into(),
            public_url: public_url.into().trim_end_matches('/').to_string(),
            gong: ClientConfig::default(),
            session_ttl: chrono::Duration::hours(12),
            timeouts: ServerTimeouts::default(),
            login_throttle: ThrottlePolicy::default(),
            retention: Default::default(),
            pending_count_bound: PENDING_COUNT_BOUND,
        }
    }

    /// The OAuth redirect URI registered with the Gong app.
    pub fn redirect_uri(&self) -> String {
        format!("{}/oauth/callback", self.public_url)
    }

    /// The redirect URI registered with the OpenID Connect provider.
    pub fn oidc_redirect_uri(&self) -> String {
        format!("{}/auth/oidc/callback", self.public_url)
    }

    /// Whether cookies must be `Secure`.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

/// Everything handlers share. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// The Timeline store.
    pub store: Arc<dyn Store>,
    /// The sync engine (manual and Save syncs).
    pub engine: Engine,
    /// Configuration.
    pub config: Arc<WebConfig>,
    /// The web layer's clock (sessions, export expiry); tests move it.
    pub clock: Clock,
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    /// Connections with a sync started from the web that has not returned yet.
    pub running: Mutex<HashSet<ConnectionId>>,
    /// Background sync tasks, awaited on shutdown.
    pub tasks: TaskTracker,
    /// Permits for password checks ([`ThrottlePolicy::concurrent_checks`]).
    pub password_checks: tokio::sync::Semaphore,
    /// One Gong client per connection for recordings, sharing its rate limiter.
    pub media_clients: tokio::sync::Mutex<HashMap<ConnectionId, (GongClient, Arc<Ledger>)>>,
    /// Gong requests made by the web layer (recordings), for /metrics.
    pub gong_requests: std::sync::atomic::AtomicU64,
    /// Recordings that failed to load, for /metrics.
    pub gong_failures: std::sync::atomic::AtomicU64,
    /// Meetings of the window read so far and Gong's total, per running sync
    /// started from the web (the connection page's progress bar).
    pub progress: Mutex<HashMap<ConnectionId, (u64, Option<u64>)>>,
    /// Wakes this process's webhook worker when a call is queued.
    pub webhook_wake: Arc<tokio::sync::Notify>,
    /// Webhook requests refused (401), for /metrics.
    pub webhook_refused: std::sync::atomic::AtomicU64,
    /// Single sign-ons under way, by `state` (A2): kept in this process only, so
    /// several replicas behind one address need sticky sessions for the callback.
    pub oidc_flows: Mutex<HashMap<String, oidc::Flow>>,
    /// The sign-in provider's discovery document and signing keys (A2), read once
    /// per [`oidc::PROVIDER_TTL`].
    pub oidc_provider: Mutex<oidc::ProviderCache>,
}

impl AppState {
    /// State over a store and engine, with the real clock.
    pub fn new(store: Arc<dyn Store>, engine: Engine, config: WebConfig) -> AppState {
        let password_checks =
            tokio::sync::Semaphore::new(config.login_throttle.concurrent_checks.max(1));
        AppState {
            store,
            engine,
            config: Arc::new(config),
            clock: Arc::new(Utc::now),
            inner: Arc::new(Inner {
                running: Mutex::new(HashSet::new()),
                tasks: TaskTracker::new(),
                password_checks,
                media_clients: tokio::sync::Mutex::new(HashMap::new()),
                gong_requests: Default::default(),
                gong_failures: Default::default(),
                progress: Mutex::new(HashMap::new()),
                webhook_wake: Arc::default(),
                webhook_refused: Default::default(),
                oidc_flows: Mutex::new(HashMap::new()),
                oidc_provider: Mutex::default(),
            }),
        }
    }

    /// What wakes the webhook worker when a call is queued (give it to
    /// [`gong_timeline_sync::webhooks::WebhookWorker::new`]).
    pub fn webhook_waker(&self) -> Arc<tokio::sync::Notify> {
        self.inner.webhook_wake.clone()
    }

    /// Replaces the clock (tests).
    pub fn with_clock(mut self, clock: Clock) -> AppState {
        self.clock = clock;
        self
    }

    /// Now, by the web layer's clock.
    pub fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }

    /// Waits for background syncs started from the web to finish (on shutdown).
    pub async fn wait_for_background_syncs(&self, bound: Duration) -> bool {
        self.inner.tasks.close();
        tokio::time::timeout(bound, self.inner.tasks.wait())
            .await
            .is_ok()
    }
}
