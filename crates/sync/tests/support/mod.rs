//! The world the engine's integration tests start from: a real SQLite file, the
//! simulator on a random port with its Timeline side imported, and one access-key
//! connection to it.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use gong_timeline_gong_sim::{SimConfig, SimHandle};
use gong_timeline_store::{import, ConnectionStatus, Credentials, NewConnection, Store};
use gong_timeline_store_sql::SqliteStore;

/// A store, a simulator and a connection between them.
pub struct World {
    /// The store.
    pub store: Arc<dyn Store>,
    /// The simulator.
    pub sim: SimHandle,
    /// The connection `acme` to it.
    pub connection_id: gong_timeline_store::ConnectionId,
    /// The folder of the database and the CSVs.
    pub _dir: tempfile::TempDir,
}

/// A world serving `config`, its connection created at `created_at`.
pub async fn world(config: SimConfig, created_at: DateTime<Utc>) -> World {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&url).await.unwrap());
    let sim = gong_timeline_gong_sim::start(config.clone()).await.unwrap();
    let csv = sim.dataset().write_timeline_csvs(dir.path()).unwrap();
    let open = |path| std::fs::File::open(path).unwrap();
    store
        .import_companies(import::parse_companies(open(csv.companies)).unwrap())
        .await
        .unwrap();
    store
        .import_persons(import::parse_persons(open(csv.persons)).unwrap())
        .await
        .unwrap();
    store
        .import_users(import::parse_users(open(csv.users)).unwrap())
        .await
        .unwrap();
    let connection = store
        .create_connection(NewConnection {
            name: "acme".into(),
            base_url: sim.base_url(),
            credentials: Credentials::Basic {
                access_key: config.access_key.clone(),
                access_key_secret: config.access_secret.clone(),
            },
            status: ConnectionStatus::Authorised,
            created_at,
        })
        .await
        .unwrap();
    World {
        store,
        sim,
        connection_id: connection.id,
        _dir: dir,
    }
}

impl World {
    /// Runs one job of `trigger` at `at` (no client-side limits) and checks it did not
    /// fail: the simulator's world has meetings that fail on purpose (unknown
    /// companies), so a first sync is a partial success.
    #[allow(dead_code)] // not every test binary that includes this module runs jobs this way
    pub async fn run_job_at(&self, at: DateTime<Utc>, trigger: gong_timeline_domain::Trigger) {
        let summary = self.job_at(at, trigger).await;
        assert_ne!(
            summary.status,
            gong_timeline_domain::JobStatus::Failed,
            "{summary:?}"
        );
    }

    /// Runs one job of `trigger` at `at` (no client-side limits); how it ended.
    #[allow(dead_code)]
    pub async fn job_at(
        &self,
        at: DateTime<Utc>,
        trigger: gong_timeline_domain::Trigger,
    ) -> gong_timeline_sync::JobSummary {
        let options = gong_timeline_sync::EngineOptions {
            gong: gong_timeline_gong::ClientConfig::default().without_limits(),
            clock: Arc::new(move || at),
            ..gong_timeline_sync::EngineOptions::default()
        };
        gong_timeline_sync::Engine::new(self.store.clone(), options)
            .run_job(
                self.connection_id,
                trigger,
                &gong_timeline_sync::progress::ignore,
            )
            .await
            .unwrap()
    }
}

/// OAuth credentials for `sim` whose tokens were granted `scope` (empty: every
/// scope): a code issued by the simulator and exchanged, as the OAuth flow does.
#[allow(dead_code)]
pub async fn oauth_credentials(sim: &SimHandle, scope: &str) -> Credentials {
    use gong_timeline_gong::{ClientConfig, OAuthClient};
    const REDIRECT: &str = "http://127.0.0.1:1/callback";
    let state = sim.state();
    let config = &state.config;
    let code = state.tokens().issue_code(scope, REDIRECT, state.now());
    let app = OAuthClient::new(
        config.client_id.clone(),
        config.client_secret.clone(),
        REDIRECT,
    )
    .with_oauth_base_url(sim.base_url());
    let http = OAuthClient::http_client(&ClientConfig::default()).expect("an HTTP client");
    let tokens = app
        .exchange_code(&http, &code)
        .await
        .expect("the code exchange");
    Credentials::OAuth(gong_timeline_store::OAuthCredentials {
        client_id: config.client_id.clone(),
        client_secret: config.client_secret.clone(),
        api_base_url: tokens.api_base_url.clone(),
        tokens: Some(serde_json::to_value(&tokens).expect("tokens serialise")),
    })
}
