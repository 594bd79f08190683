//! The fixtures: every test gets a world of its own (the app over 300 simulated
//! calls, a second Gong account, an OpenID Connect provider, a Chromium) and starts
//! from one of the states below: signed in, connected, synced. The states are made
//! over HTTP, as the pages would make them: the pages that make them (the login
//! form, the OAuth connection, Initiate Sync) have their own tests, and a test
//! starts in a second or two instead of five.

use std::path::{Path, PathBuf};
use std::time::Duration;

use fantoccini::Locator;
use gong_timeline_gong_sim::SimHandle;
use gong_timeline_store::ConnectionId;
use serde_json::{json, Value};

use crate::harness::{browser_binaries, start_browser, wait_for, Browser, R, WIDTHS};
use crate::helpers::{hidden, spawn_app_with, Options, Session, TestApp, PASSWORD};
use crate::oidc_provider::Provider;

/// One test's app, simulators and browser.
pub struct World {
    pub app: TestApp,
    pub b: Browser,
    /// The OpenID Connect provider the app trusts (A2), members of example.org.
    pub idp: Provider,
    /// A second Gong account the app may connect to (S10: a second connection to
    /// the account "Gong OAuth" syncs would be refused).
    pub other: SimHandle,
    shots: PathBuf,
}

/// What [`World::synced`] leaves: the connection and its first job, finished.
pub struct Synced {
    pub id: ConnectionId,
    pub job: i64,
    /// The job's status as the API spells it.
    pub job_status: String,
}

/// Tests use their browser one at a time (a test's app and Chromium start while
/// the one before still runs). Two browsers side by side on CI's two cores ran the
/// file slower, not faster: every audit is CPU-bound in the renderer, and each
/// bounded wait would race the other browser.
static ONE_BROWSER_AT_A_TIME: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);

/// One world starts at a time, so however many tests libtest runs side by side, at
/// most two worlds exist: the one whose test runs and the next one, started.
static ONE_START_AT_A_TIME: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);

/// Runs `test` in a world of its own; `name` names its screenshot folder. Skips
/// (loudly) without Chromium, unless REQUIRE_BROWSER=1. The test fails on its own
/// error or on any accessibility or layout problem its audits found.
pub async fn in_a_browser(name: &str, test: impl AsyncFnOnce(&mut World) -> R) {
    let Some((chrome, driver)) = browser_binaries() else {
        return;
    };
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("browser-screenshots")
        .join(name);
    let starting = ONE_START_AT_A_TIME
        .acquire()
        .await
        .expect("the semaphore is never closed");
    let mut world = World::start(&chrome, &driver, shots).await;
    let _turn = ONE_BROWSER_AT_A_TIME
        .acquire()
        .await
        .expect("the semaphore is never closed");
    drop(starting);
    let outcome = test(&mut world).await;
    world.finish(name, outcome).await;
}

impl World {
    async fn start(chrome: &Path, driver: &Path, shots: PathBuf) -> World {
        let idp = Provider::start().await;
        let oidc = gong_timeline_web::OidcConfig {
            issuer: idp.issuer.clone(),
            client_id: idp.client_id.clone(),
            client_secret: idp.client_secret.clone(),
            allowed_domains: vec!["example.org".into()],
            roles: gong_timeline_web::RoleSource::Claim("role".into()),
            display_name: "Test IdP".into(),
        };
        let other = gong_timeline_gong_sim::start(gong_timeline_gong_sim::SimConfig {
            account: 1,
            ..gong_timeline_gong_sim::SimConfig::default()
        })
        .await
        .expect("a second simulator");
        let other_host = other.addr().to_string();
        let options = Options {
            calls: 300,
            web: Some(std::sync::Arc::new(move |w| {
                w.oidc = Some(oidc.clone());
                w.allowed_gong_hosts.push(other_host.clone());
            })),
            ..Options::default()
        };
        let (app, b) = tokio::join!(
            spawn_app_with(options),
            start_browser(chrome, driver, shots.clone())
        );
        let b = b.expect("chromedriver and Chromium start");
        World {
            app,
            b,
            idp,
            other,
            shots,
        }
    }

    /// Fails the test on its error or on the problems its audits collected; says
    /// what the audits saw when it passes.
    async fn finish(mut self, name: &str, mut outcome: R) {
        let b = &mut self.b;
        if outcome.is_ok() && !b.problems.is_empty() {
            outcome = Err(format!(
                "{} accessibility or layout problems:\n{}",
                b.problems.len(),
                b.problems.join("\n")
            )
            .into());
        }
        if outcome.is_ok() {
            let axe: Vec<String> = WIDTHS
                .iter()
                .map(|width| {
                    let (severe, minor) = b.axe_counts.get(width).copied().unwrap_or_default();
                    format!("{width}px {severe} serious or critical, {minor} moderate or minor")
                })
                .collect();
            let rows: Vec<String> = b
                .rows_seen
                .iter()
                .filter(|(_, n)| *n > 0)
                .map(|(page, n)| format!("{page} {n}"))
                .collect();
            eprintln!(
                "{name}: {} pages audited (both themes, {WIDTHS:?} px); axe-core violations: {}; table rows: {}",
                b.audited,
                axe.join(", "),
                rows.join(", ")
            );
        } else {
            let _ = b.shot("failure").await;
        }
        let _ = b.client.clone().close().await;
        if let Err(error) = outcome {
            panic!(
                "{name} failed: {error} (screenshots in {})",
                self.shots.display()
            );
        }
    }

    /// Fills the login form on the page shown and signs in as the admin.
    pub async fn log_in_on_the_page(&mut self) -> R {
        let b = &self.b;
        b.client
            .find(Locator::Id("username"))
            .await?
            .send_keys("admin")
            .await?;
        b.client
            .find(Locator::Id("password"))
            .await?
            .send_keys(PASSWORD)
            .await?;
        b.click("#login").await?;
        wait_for(b, "#create-connection").await?;
        Ok(())
    }

    /// On the Connectors page: creates the OAuth connection "Gong OAuth" and allows
    /// it on the simulator's consent page. The "Connection created" dialog stays
    /// open; returns the connection's id.
    pub async fn connect_with_oauth_on_the_page(&mut self) -> R<ConnectionId> {
        let b = &mut self.b;
        b.client
            .find(Locator::Id("connection-name"))
            .await?
            .send_keys("Gong OAuth")
            .await?;
        b.click("#authorize").await?;
        wait_for(b, "#allow").await?;
        b.shot("gong-consent").await?;
        b.click("#allow").await?;
        wait_for(b, "#initiate-sync").await?;
        b.shot("connected").await?;
        let id = b
            .client
            .current_url()
            .await?
            .path()
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .parse()?;
        Ok(id)
    }

    /// The browser signed in as the admin with the session of a login over HTTP (the
    /// login form has its own test); it shows no page yet. Returns the session.
    pub async fn signed_in(&mut self) -> R<Session> {
        let session = self.app.login().await;
        let (name, value) = session.cookie.split_once('=').ok_or("a session cookie")?;
        self.b
            .cdp(
                "Network.setCookie",
                json!({"name": name, "value": value, "url": self.app.base, "httpOnly": true}),
            )
            .await?;
        Ok(session)
    }

    /// Signed in, with the OAuth connection "Gong OAuth" (never synced) made over
    /// HTTP as the Connectors form and the consent page would; returns its id.
    pub async fn connected(&mut self) -> R<ConnectionId> {
        let session = self.signed_in().await?;
        let app = &self.app;
        let (_, authorize_url, _) = app.start_oauth(&session).await;
        let consent = app.http.get(&authorize_url).send().await?.text().await?;
        let mut fields: Vec<(&str, String)> = ["client_id", "redirect_uri", "scope", "state"]
            .into_iter()
            .map(|f| (f, hidden(&consent, f)))
            .collect();
        fields.push(("decision", "allow".into()));
        let allowed = app
            .http
            .post(format!("{}/oauth2/authorize", app.sim.base_url()))
            .form(&fields)
            .send()
            .await?;
        let callback = allowed
            .headers()
            .get("location")
            .ok_or("Gong's redirect to the callback")?
            .to_str()?;
        let connected = app
            .http
            .get(callback)
            .header("cookie", &session.cookie)
            .send()
            .await?;
        assert_eq!(connected.status().as_u16(), 303, "the callback connects");
        let connection = app
            .store
            .connection_by_name("Gong OAuth")
            .await?
            .ok_or("the OAuth connection")?;
        Ok(connection.id)
    }

    /// Connected, transcripts on (S9, as the settings' checkbox saves them), and
    /// synced once through the API; the job has ended.
    pub async fn synced(&mut self) -> R<Synced> {
        let id = self.connected().await?;
        let app = &self.app;
        let mut settings = app.store.get_settings(id).await?;
        settings.transcripts = true;
        app.store.put_settings(id, &settings).await?;
        app.sync(id.get()).await;
        let (_, jobs) = app.get(&format!("/jobs?connection_id={id}")).await;
        Ok(Synced {
            id,
            job: jobs["items"][0]["id"].as_i64().ok_or("no job")?,
            job_status: jobs["items"][0]["status"]
                .as_str()
                .ok_or("status")?
                .to_string(),
        })
    }
}

/// Clicks `button` (an Initiate Sync) until the connection has one more job than
/// before (at most three clicks, 10 s each): a click that lands while the page is
/// still settling after a redirect can be lost, and the tests are about what the
/// page shows next, not about that.
pub async fn click_until_a_job_starts(
    b: &Browser,
    app: &TestApp,
    id: ConnectionId,
    button: &str,
) -> R {
    let filter = gong_timeline_store::JobFilter {
        connection_id: Some(id),
        ..Default::default()
    };
    let before = app.store.count_jobs(&filter).await?;
    for _ in 0..3 {
        b.click(button).await?;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while tokio::time::Instant::now() < deadline {
            if app.store.count_jobs(&filter).await? > before {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    Err(format!("three clicks on {button} started no job").into())
}

/// A synced activity whose trackers caught phrases and whose call named next
/// steps (#23): the card the Timeline tests read.
pub async fn activity_with_trackers(app: &TestApp) -> R<Value> {
    let (_, activities) = app.get("/activities?limit=200").await;
    let found = activities["items"]
        .as_array()
        .ok_or("activities")?
        .iter()
        .find(|a| {
            a["trackers"].as_array().is_some_and(|t| {
                t.iter()
                    .any(|t| !t["phrases"].as_array().unwrap().is_empty())
            }) && a["next_steps"].as_array().is_some_and(|n| !n.is_empty())
        })
        .cloned()
        .ok_or("an activity with tracker phrases and next steps")?;
    Ok(found)
}
