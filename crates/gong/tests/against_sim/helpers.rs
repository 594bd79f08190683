//! Shared set-up: a simulator on port 0, clients against it, an OAuth round trip, and a
//! token sink that records what it was given.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use gong_timeline_gong::reqwest;
use gong_timeline_gong::{
    ClientConfig, Credentials, GongClient, OAuthClient, OAuthTokens, PendingAuthorizations,
    SinkError, TokenSink,
};
use gong_timeline_gong_sim::{Limits, SimConfig, SimHandle};

pub const REDIRECT_URI: &str = "http://127.0.0.1:1/callback";

/// A simulator with `calls` generated calls and no limits.
pub async fn sim(calls: u64) -> SimHandle {
    sim_with(SimConfig {
        calls,
        ..no_limits()
    })
    .await
}

/// The simulator's defaults with limits off.
pub fn no_limits() -> SimConfig {
    SimConfig {
        limits: Limits::off(),
        ..SimConfig::default()
    }
}

pub async fn sim_with(config: SimConfig) -> SimHandle {
    gong_timeline_gong_sim::start(config)
        .await
        .expect("the simulator starts")
}

/// Client config for tests: the simulator's URL, tiny backoff, no client-side limits.
pub fn config(sim: &SimHandle) -> ClientConfig {
    ClientConfig::new(sim.base_url())
        .without_limits()
        .with_retries(5, Duration::from_millis(5), Duration::from_millis(50))
}

pub fn basic(config: ClientConfig) -> GongClient {
    GongClient::new(config, Credentials::basic("sim-access-key", "sim-secret"))
        .expect("valid config")
}

pub fn oauth_app(sim: &SimHandle) -> OAuthClient {
    OAuthClient::new("sim-client-id", "sim-client-secret", REDIRECT_URI)
        .with_oauth_base_url(sim.base_url())
}

/// The whole authorisation round trip: authorize URL with a single-use state, the
/// consent page, "Allow", the redirect with `code` and `state`, the code exchange.
pub async fn authorise(sim: &SimHandle, scopes: &[&str]) -> OAuthTokens {
    let app = oauth_app(sim);
    let pending = PendingAuthorizations::default();
    let state = pending.issue("connection-1");
    let url = app.authorize_url(&state, scopes).expect("valid URL");
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client builds");
    let page = http
        .get(url.clone())
        .send()
        .await
        .expect("consent page")
        .text()
        .await
        .expect("text");
    assert!(page.contains("Allow"), "{page}");
    let answer = http
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("decision=allow")
        .send()
        .await
        .expect("consent posted");
    let location = answer.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_owned();
    let callback = url::Url::parse(&location).expect("redirect URL");
    let param = |name: &str| {
        callback
            .query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
            .expect(name)
    };
    assert_eq!(
        pending.consume(&param("state")).expect("state is ours"),
        "connection-1"
    );
    assert!(
        pending.consume(&param("state")).is_err(),
        "a state is single-use"
    );
    app.exchange_code(&http, &param("code"))
        .await
        .expect("code exchange")
}

/// A sink that remembers every token set it was given, or refuses them.
#[derive(Default)]
pub struct RecordingSink {
    pub saved: Mutex<Vec<OAuthTokens>>,
    pub refuse: bool,
}

impl RecordingSink {
    pub fn saved(&self) -> Vec<OAuthTokens> {
        self.saved.lock().expect("not poisoned").clone()
    }
}

impl TokenSink for RecordingSink {
    fn persist<'a>(
        &'a self,
        tokens: &'a OAuthTokens,
    ) -> futures::future::BoxFuture<'a, Result<(), SinkError>> {
        Box::pin(async move {
            if self.refuse {
                return Err("the database is locked".into());
            }
            self.saved
                .lock()
                .expect("not poisoned")
                .push(tokens.clone());
            Ok(())
        })
    }

    fn latest(&self) -> futures::future::BoxFuture<'_, Option<OAuthTokens>> {
        let last = self.saved().last().cloned();
        Box::pin(async move { last })
    }
}

pub fn oauth_client(
    sim: &SimHandle,
    config: ClientConfig,
    tokens: OAuthTokens,
    sink: Arc<RecordingSink>,
) -> GongClient {
    GongClient::new(config, Credentials::oauth(tokens, oauth_app(sim), sink)).expect("valid config")
}
