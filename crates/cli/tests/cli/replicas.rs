//! Three real `serve` replicas on one PostgreSQL database (#11, D1, S6, S8): 60
//! connections, each to its own simulator account, and the replicas' clocks injected
//! (`GONG_TIMELINE_CLOCK_OFFSET_SECONDS`) so that two schedule slots pass in seconds.
//!
//! - Slot 1 (the replicas start inside it): each connection gets exactly one job.
//! - 100 recordings loaded across the three replicas from one OAuth connection whose
//!   access tokens outlive no request (they live a minute, inside the five-minute
//!   refresh margin): 100 rotations of a single-use refresh token, none refused
//!   (`invalid_grant`) and none spent twice (the simulator counts its grants).
//! - Slot 2 (the replicas' timers fire): one replica is killed (-9) mid-job; the
//!   others take its jobs over within the lease TTL (`GONG_TIMELINE_LEASE_SECONDS`)
//!   and every connection ends the slot with exactly one finished job, plus the
//!   killed one's interrupted jobs; not one activity is duplicated.
//!
//! PostgreSQL only: it skips (loudly) without `GONG_TIMELINE_TEST_POSTGRES`, unless
//! `REQUIRE_POSTGRES=1`.

use gong_timeline_store::{ConnectionId, JobId};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use gong_timeline_domain::schedule::next_slot_after;
use gong_timeline_domain::JobStatus;
use gong_timeline_gong::{ClientConfig, OAuthClient};
use gong_timeline_gong_sim::SimConfig;
use gong_timeline_store::{
    ActivityFilter, Connection, ConnectionStatus, Credentials, Job, JobFilter, NewConnection,
    OAuthCredentials, Session, Store,
};

use crate::helpers::{sim_config, wait_for, Sim, TestApp};

const REPLICAS: usize = 3;
const CONNECTIONS: usize = 60;
/// Connections `c00`.. `c02` are OAuth ones; the rest use an access key.
const OAUTH: usize = 3;
const CALLS: u64 = 30;
const LEASE_SECONDS: i64 = 5;
const ROTATIONS: usize = 100;
/// Real seconds from the replicas' start to slot 2 (slot 1 and the rotations first).
const SLOT_LEAD: i64 = 25;
const TOKEN_PATH: &str = "POST /oauth2/generate-customer-token";
const REDIRECT: &str = "http://127.0.0.1:1/oauth/callback";
/// The bound on each phase.
const PHASE: Duration = Duration::from_secs(60);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_replicas_run_each_slot_once_take_over_a_killed_one_and_rotate_tokens_once() {
    let Some(app) = TestApp::on_postgres_only() else {
        return; // test_url said why
    };
    let sims = start_sims().await;
    let csv = app.dir.path().join("timeline");
    sims[0]
        .dataset()
        .write_timeline_csvs(&csv)
        .expect("the simulator writes its Timeline CSVs");
    app.import_timeline_from(&csv).await;
    let store = app.open_store().await;
    let connections = create_connections(&store, &sims).await;
    let cookie = admin_session(&store).await;

    let clock = InjectedClock::new();
    let mut replicas = Vec::new();
    for _ in 0..REPLICAS {
        replicas.push(Replica::start(&app, &clock).await);
    }

    // Slot 1: the replicas start inside it and split its jobs.
    let slot1 = clock.slot2 - chrono::Duration::hours(4);
    let jobs1 = finished_slot(&store, slot1, &connections).await;
    assert_one_job_each(&jobs1, &connections, "slot 1");
    let activities = count_activities(&store, &connections).await;
    assert!(
        activities.values().all(|&n| n > 0),
        "every connection has activities: {activities:?}"
    );
    // Every simulator serves the same calls and users: connections whose jobs ran at
    // once on different replicas must still agree (one IC user per email, U6).
    let distinct: std::collections::BTreeSet<u64> = activities.values().copied().collect();
    assert_eq!(
        distinct.len(),
        1,
        "the same data, the same activities: {activities:?}"
    );
    let ran: Vec<u64> =
        futures::future::join_all(replicas.iter().map(|r| r.jobs_run(&cookie))).await;
    assert_eq!(
        ran.iter().sum::<u64>(),
        CONNECTIONS as u64,
        "jobs per replica: {ran:?}"
    );

    // 100 rotations of one connection's refresh token, spread over the replicas.
    rotate_through_recordings(&store, &replicas, &cookie, &connections[0], &sims[0]).await;

    // Slot 2: slow Gong a little, so that a kill lands mid-job.
    for sim in &sims {
        sim.controls().set_latency(Duration::from_millis(120));
    }
    assert!(
        clock.now() < clock.slot2,
        "slot 1 and the rotations took longer than SLOT_LEAD"
    );
    let (killed_at, killed) = kill_mid_job(&store, &mut replicas[0], &connections, &clock).await;
    let jobs2 = finished_slot(&store, clock.slot2, &connections).await;
    assert_taken_over(&jobs2, &killed, killed_at);
    let kept: Vec<Job> = jobs2
        .into_iter()
        .filter(|j| !killed.contains(&j.id))
        .collect();
    assert_one_job_each(&kept, &connections, "slot 2");
    assert_eq!(
        count_activities(&store, &connections).await,
        activities,
        "slot 2 re-read the same calls: no activity added, none duplicated"
    );
}

/// One simulator account per connection (the same seed, so one Timeline fits all);
/// the OAuth ones issue access tokens that live a minute.
async fn start_sims() -> Vec<Sim> {
    let mut sims = Vec::new();
    for i in 0..CONNECTIONS {
        let mut config = SimConfig {
            calls: CALLS,
            // S10: each its own Gong account (its own call ids), so each connection
            // keeps its own activities.
            account: i as u64,
            ..sim_config()
        };
        if i < OAUTH {
            config.token_ttl_secs = 60;
        }
        sims.push(Sim::start(config).await);
    }
    sims
}

/// `c00`..`c59`, each to its own simulator; the first [`OAUTH`] authorised by OAuth
/// (a code issued by the simulator and exchanged), the rest by access key.
async fn create_connections(store: &Arc<dyn Store>, sims: &[Sim]) -> Vec<Connection> {
    let mut connections = Vec::new();
    for (i, sim) in sims.iter().enumerate() {
        let credentials = if i < OAUTH {
            oauth_credentials(sim).await
        } else {
            let config = sim_config();
            Credentials::Basic {
                access_key: config.access_key,
                access_key_secret: config.access_secret,
            }
        };
        let connection = store
            .create_connection(NewConnection {
                name: format!("c{i:02}"),
                base_url: sim.base_url().to_string(),
                credentials,
                status: ConnectionStatus::Authorised,
                created_at: Utc::now(),
            })
            .await
            .expect("a connection");
        connections.push(connection);
    }
    connections
}

async fn oauth_credentials(sim: &Sim) -> Credentials {
    let state = sim.state().clone();
    let code = state.tokens().issue_code("", REDIRECT, state.now());
    let config = &state.config;
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
        .expect("a code exchange");
    Credentials::OAuth(OAuthCredentials {
        client_id: config.client_id.clone(),
        client_secret: config.client_secret.clone(),
        api_base_url: tokens.api_base_url.clone(),
        tokens: Some(serde_json::to_value(&tokens).expect("tokens serialise")),
    })
}

/// An admin (`serve` refuses to start without one) and a session of it in the
/// database, which every replica accepts: the `Cookie` header.
async fn admin_session(store: &Arc<dyn Store>) -> String {
    let admin = store
        .create_admin("admin", "not used: the test has a session", Utc::now())
        .await
        .expect("an admin");
    let token = gong_timeline_web::auth::secret::random_token();
    store
        .create_session(Session {
            token_hash: gong_timeline_web::auth::secret::digest(&token),
            admin_id: admin.id,
            csrf_token: gong_timeline_web::auth::secret::random_token(),
            created_at: Utc::now(),
            expires_at: Utc::now() + chrono::Duration::days(1),
        })
        .await
        .expect("a session");
    format!("{}={token}", gong_timeline_web::auth::SESSION_COOKIE)
}

/// The replicas' clock: [`SLOT_LEAD`] seconds before slot 2 when they start.
struct InjectedClock {
    offset: chrono::Duration,
    slot2: DateTime<Utc>,
}

impl InjectedClock {
    fn new() -> InjectedClock {
        let now = Utc::now();
        let slot2 = next_slot_after(now);
        InjectedClock {
            offset: slot2 - chrono::Duration::seconds(SLOT_LEAD) - now,
            slot2,
        }
    }

    fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.offset
    }
}

/// A `serve` process on a port of its own.
struct Replica {
    child: tokio::process::Child,
    base: String,
    /// Its lease owner (`host:pid`), from `/healthz`.
    owner: String,
    http: reqwest::Client,
}

impl Replica {
    async fn start(app: &TestApp, clock: &InjectedClock) -> Replica {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let bind = format!("127.0.0.1:{port}");
        let log = std::fs::File::create(app.dir.path().join(format!("serve-{port}.log")))
            .expect("a log file");
        let child = app
            .command(&["serve", "--bind", &bind])
            .env("GONG_TIMELINE_LEASE_SECONDS", LEASE_SECONDS.to_string())
            .env(
                "GONG_TIMELINE_CLOCK_OFFSET_SECONDS",
                clock.offset.num_seconds().to_string(),
            )
            .env("RUST_LOG", "info")
            .stdout(log.try_clone().expect("a log file"))
            .stderr(log)
            .spawn()
            .expect("serve starts");
        let http = reqwest::Client::new();
        let base = format!("http://{bind}");
        let health = wait_for("a replica's /healthz", PHASE, || async {
            let resp = http.get(format!("{base}/healthz")).send().await.ok()?;
            resp.text().await.ok()
        })
        .await;
        let owner = health
            .lines()
            .find_map(|l| l.strip_prefix("replica: "))
            .expect("/healthz names the replica")
            .to_string();
        Replica {
            child,
            base,
            owner,
            http,
        }
    }

    /// `gong_timeline_sync_jobs_total` of its `/metrics`.
    async fn jobs_run(&self, cookie: &str) -> u64 {
        let text = self
            .http
            .get(format!("{}/metrics", self.base))
            .header("cookie", cookie)
            .send()
            .await
            .expect("/metrics answers")
            .text()
            .await
            .expect("text");
        metric(&text, "gong_timeline_sync_jobs_total").unwrap_or(0)
    }

    /// `GET /activities/{id}/recording` with the admin's session.
    async fn recording(&self, cookie: &str, activity: i64) -> String {
        self.http
            .get(format!("{}/activities/{activity}/recording", self.base))
            .header("cookie", cookie)
            .send()
            .await
            .expect("the replica answers")
            .text()
            .await
            .expect("text")
    }
}

fn metric(text: &str, name: &str) -> Option<u64> {
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.trim().parse().ok())
}

/// The jobs of every connection started at or after `slot`, once none is In
/// progress and each connection has a finished one that is not Failed.
async fn finished_slot(
    store: &Arc<dyn Store>,
    slot: DateTime<Utc>,
    connections: &[Connection],
) -> Vec<Job> {
    let deadline = tokio::time::Instant::now() + PHASE;
    loop {
        let jobs = slot_jobs(store, slot).await;
        let done: std::collections::HashSet<ConnectionId> = jobs
            .iter()
            .filter(|j| j.finished_at.is_some() && j.status != JobStatus::Failed)
            .map(|j| j.connection_id)
            .collect();
        let running = jobs.iter().any(|j| j.status == JobStatus::InProgress);
        if !running && connections.iter().all(|c| done.contains(&c.id)) {
            return jobs;
        }
        if tokio::time::Instant::now() > deadline {
            let missing: Vec<&str> = connections
                .iter()
                .filter(|c| !done.contains(&c.id))
                .map(|c| c.name.as_str())
                .collect();
            let unfinished: Vec<&Job> = jobs
                .iter()
                .filter(|j| j.status == JobStatus::InProgress || j.status == JobStatus::Failed)
                .collect();
            panic!(
                "the slot of {slot} did not finish: no job done for {missing:?}; {unfinished:#?}"
            );
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn slot_jobs(store: &Arc<dyn Store>, slot: DateTime<Utc>) -> Vec<Job> {
    store
        .list_jobs(JobFilter {
            from: Some(slot),
            limit: Some(1000),
            ..JobFilter::default()
        })
        .await
        .expect("jobs")
}

fn assert_one_job_each(jobs: &[Job], connections: &[Connection], slot: &str) {
    let mut per: HashMap<ConnectionId, Vec<&Job>> = HashMap::new();
    for job in jobs {
        per.entry(job.connection_id).or_default().push(job);
    }
    for c in connections {
        let jobs = per.get(&c.id).map(Vec::as_slice).unwrap_or_default();
        assert_eq!(
            jobs.len(),
            1,
            "{slot}: {} has {} jobs: {jobs:#?}",
            c.name,
            jobs.len()
        );
        assert_ne!(jobs[0].status, JobStatus::Failed, "{slot}: {jobs:#?}");
        assert_eq!(jobs[0].trigger.to_string(), "schedule");
    }
}

/// Activities per connection.
async fn count_activities(
    store: &Arc<dyn Store>,
    connections: &[Connection],
) -> BTreeMap<ConnectionId, u64> {
    let mut counts = BTreeMap::new();
    for c in connections {
        let filter = ActivityFilter {
            connection_id: Some(c.id),
            ..ActivityFilter::default()
        };
        counts.insert(c.id, store.count_activities(&filter).await.expect("count"));
    }
    counts
}

/// [`ROTATIONS`] recordings of one OAuth connection's activity, loaded at once
/// across the replicas: each needs a fresh access token, so each rotates the
/// refresh token, one at a time through the database's lock.
async fn rotate_through_recordings(
    store: &Arc<dyn Store>,
    replicas: &[Replica],
    cookie: &str,
    connection: &Connection,
    sim: &Sim,
) {
    let page = store
        .list_activities(ActivityFilter {
            connection_id: Some(connection.id),
            limit: Some(50),
            ..ActivityFilter::default()
        })
        .await
        .expect("activities");
    let mut with_media = None;
    for activity in &page {
        if replicas[0]
            .recording(cookie, activity.id.get())
            .await
            .contains("media-link")
        {
            with_media = Some(activity.id);
            break;
        }
    }
    let activity = with_media.expect("an activity with a recording");
    let before = sim.controls().stats().count(TOKEN_PATH);
    let loads = (0..ROTATIONS).map(|i| replicas[i % REPLICAS].recording(cookie, activity.get()));
    let pages = futures::future::join_all(loads).await;
    let failed = pages.iter().filter(|p| !p.contains("media-link")).count();
    assert_eq!(failed, 0, "recordings failed to load (invalid_grant?)");
    let grants = sim.controls().stats().count(TOKEN_PATH) - before;
    assert_eq!(
        grants, ROTATIONS as u64,
        "one refresh grant per recording: none refused, none repeated"
    );
    let after = store
        .get_connection(connection.id)
        .await
        .expect("read")
        .expect("exists");
    assert_eq!(after.status, ConnectionStatus::Authorised);
}

/// Waits for slot 2 to start `replica`'s jobs (on access-key connections only: a
/// process killed inside Gong's token call takes the rotated tokens with it, which
/// no lock can prevent), then kills it (-9). Returns when (on the replicas' clock)
/// and the jobs it was running.
async fn kill_mid_job(
    store: &Arc<dyn Store>,
    replica: &mut Replica,
    connections: &[Connection],
    clock: &InjectedClock,
) -> (DateTime<Utc>, Vec<JobId>) {
    let oauth: Vec<ConnectionId> = connections[..OAUTH].iter().map(|c| c.id).collect();
    let owner = replica.owner.clone();
    let running = wait_for("the replica's first jobs of slot 2", PHASE, || async {
        let mine: Vec<Job> = slot_jobs(store, clock.slot2)
            .await
            .into_iter()
            .filter(|j| j.status == JobStatus::InProgress)
            .filter(|j| j.lease_owner.as_deref() == Some(owner.as_str()))
            .collect();
        let safe = !mine.is_empty() && mine.iter().all(|j| !oauth.contains(&j.connection_id));
        safe.then_some(mine)
    })
    .await;
    replica.child.start_kill().expect("kill -9");
    replica.child.wait().await.expect("the replica is gone");
    let killed_at = clock.now();
    // Jobs it started between the query and the kill are killed too.
    let killed = slot_jobs(store, clock.slot2)
        .await
        .into_iter()
        .filter(|j| j.status == JobStatus::InProgress)
        .filter(|j| j.lease_owner.as_deref() == Some(owner.as_str()))
        .map(|j| j.id)
        .collect::<Vec<_>>();
    assert!(!killed.is_empty() && !running.is_empty(), "killed mid-job");
    (killed_at, killed)
}

/// Each killed job ended Failed (interrupted), and another replica started its
/// connection's job again within the lease TTL of the kill.
fn assert_taken_over(jobs: &[Job], killed: &[JobId], killed_at: DateTime<Utc>) {
    let ttl = chrono::Duration::seconds(LEASE_SECONDS);
    for id in killed {
        let orphan = jobs.iter().find(|j| j.id == *id).expect("the killed job");
        assert_eq!(orphan.status, JobStatus::Failed, "{orphan:#?}");
        let next = jobs
            .iter()
            .find(|j| j.connection_id == orphan.connection_id && j.id > orphan.id)
            .unwrap_or_else(|| panic!("no job took over {orphan:#?}"));
        assert!(
            next.started_at <= killed_at + ttl,
            "taken over {} after the kill",
            next.started_at - killed_at
        );
        assert_ne!(next.status, JobStatus::Failed, "{next:#?}");
    }
}
