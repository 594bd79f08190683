//! Shared set-up: the real `gong-timeline` binary run against an in-process Gong
//! simulator on port 0, one temp dir and SQLite file per test.
//!
//! - [`TestApp`]: a temp dir, its database, and (usually) a simulator serving a
//!   scenario file, with the scenario's Timeline side imported and a connection made.
//! - [`Sim`]: the simulator, restartable with new data on the same port
//!   ([`Sim::replace`]) because a connection's base URL is fixed when it is created.
//! - Scenario files (`tests/scenarios/*.json`) are written as if "now" were
//!   [`SCENARIO_NOW`]; they are rebased at load time so that a call the file dates
//!   `2025-01-02T22:00:00Z` started two hours before the test began. Look-back and
//!   backfill windows therefore behave the same on every day the suite runs;
//!   [`TestApp::at`] maps a file date to the date the product sees.
//!
//! Set `TEST_LOG=1` to run the binary with `RUST_LOG=info` and print its stderr.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, SubsecRound, Utc};
use gong_timeline_gong_sim::{Controls, DataSet, Limits, Scenario, SimConfig, SimState};
use gong_timeline_store_sql::testing::TempSchema;
use serde_json::Value;
use tempfile::TempDir;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_gong-timeline");
/// The connection every [`TestApp`] with a simulator creates.
pub const CONNECTION: &str = "gong";
/// The instant scenario files are written relative to (see the module docs).
pub const SCENARIO_NOW: &str = "2025-01-03T00:00:00Z";
/// Credentials key for the test databases (64 hex digits).
const SECRET_KEY: &str = "4a1f0c9e2b7d36a85e0f1c2d3b4a59687766554433221100ffeeddccbbaa9988";
/// A bound on any one command, so a hang fails the test instead of the suite.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);

/// What a finished command printed and returned.
#[derive(Debug)]
pub struct Run {
    /// Exit code (`None` when killed by a signal).
    pub code: Option<i32>,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    /// Exit code 0.
    pub fn success(&self) -> bool {
        self.code == Some(0)
    }

    /// stdout and stderr together, for assertions on "somewhere visible".
    pub fn output(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
}

/// A simulator on a port that stays the same across [`Sim::replace`].
pub struct Sim {
    listener: std::net::TcpListener,
    base_url: String,
    state: Arc<SimState>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl Sim {
    /// Binds 127.0.0.1:0 and serves `config` on it; returns once the port is bound.
    pub async fn start(config: SimConfig) -> Sim {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind port 0");
        let base_url = format!("http://{}", listener.local_addr().expect("local addr"));
        let state = SimState::build(config, &base_url).expect("the simulator's data builds");
        let mut sim = Sim {
            listener,
            base_url,
            state,
            stop: None,
            task: None,
        };
        sim.serve();
        sim
    }

    fn serve(&mut self) {
        let listener = self.listener.try_clone().expect("clone the listener");
        listener
            .set_nonblocking(true)
            .expect("non-blocking listener");
        let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
        let (stop, stopped) = oneshot::channel::<()>();
        self.stop = Some(stop);
        self.task = Some(tokio::spawn(gong_timeline_gong_sim::serve(
            listener,
            self.state.clone(),
            async move {
                let _ = stopped.await;
            },
        )));
    }

    /// Stops serving the current data and serves `config` on the same address. The
    /// socket stays bound throughout, so clients only ever see the old or new data.
    pub async fn replace(&mut self, config: SimConfig) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await
                .expect("the simulator task ends")
                .expect("the simulator stops cleanly");
        }
        self.state = SimState::build(config, &self.base_url).expect("the new data builds");
        self.serve();
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Fault switches, limits and counters of the data served now.
    pub fn controls(&self) -> Controls {
        Controls::new(self.state.clone())
    }

    /// The simulator's state (its OAuth token store, its clock).
    pub fn state(&self) -> &Arc<SimState> {
        &self.state
    }

    /// The data served now.
    pub fn dataset(&self) -> &DataSet {
        &self.state.dataset
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Simulator settings for tests: Gong's limits off, everything else default.
pub fn sim_config() -> SimConfig {
    SimConfig {
        limits: Limits::off(),
        ..SimConfig::default()
    }
}

/// `tests/scenarios/<name>`.
pub fn scenario_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/scenarios")
        .join(name)
}

/// `tests/fixtures/<name>`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn scenario_now() -> DateTime<Utc> {
    SCENARIO_NOW.parse().expect("SCENARIO_NOW is RFC 3339")
}

/// Reads a scenario file and moves every call so that [`SCENARIO_NOW`] becomes `now`.
pub fn load_scenario(path: &Path, now: DateTime<Utc>) -> Scenario {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut json: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()));
    let shift = now - scenario_now();
    for call in json["calls"].as_array_mut().into_iter().flatten() {
        let started: DateTime<Utc> = call["started"]
            .as_str()
            .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
            .unwrap_or_else(|| panic!("{}: a call without a valid started", path.display()))
            .with_timezone(&Utc);
        call["started"] = Value::String((started + shift).to_rfc3339());
    }
    Scenario::from_json(&json.to_string())
        .unwrap_or_else(|e| panic!("{} is not a valid scenario: {e}", path.display()))
}

/// Which store the suite runs on: `GONG_TIMELINE_TEST_STORE=postgres` runs every
/// test on a fresh schema of the PostgreSQL database in `GONG_TIMELINE_TEST_POSTGRES`
/// (`.ci/run` runs the suite once on each store).
fn on_postgres() -> bool {
    std::env::var("GONG_TIMELINE_TEST_STORE").is_ok_and(|v| v == "postgres")
}

/// A database for one test: a SQLite file in `dir`, or on PostgreSQL a fresh schema
/// (dropped with the guard).
fn test_db(dir: &Path, file: &str) -> (String, Option<TempSchema>) {
    if on_postgres() {
        let url = gong_timeline_store_sql::testing::test_url().unwrap_or_else(|| {
            panic!("GONG_TIMELINE_TEST_STORE=postgres needs GONG_TIMELINE_TEST_POSTGRES")
        });
        let schema = TempSchema::create(&url);
        return (schema.url(), Some(schema));
    }
    (format!("sqlite://{}", dir.join(file).display()), None)
}

/// One test's world: a temp dir with its database, and a simulator.
pub struct TestApp {
    /// The test's own folder (database, CSVs, exports).
    pub dir: TempDir,
    /// `sqlite://<dir>/t.db`, or a PostgreSQL URL of the test's own schema.
    pub db: String,
    sim: Option<Sim>,
    now: DateTime<Utc>,
    /// Dropped with the app: the PostgreSQL schema of this test.
    _schemas: Vec<TempSchema>,
}

impl TestApp {
    /// A fresh database and no simulator.
    pub fn new() -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let (db, schema) = test_db(dir.path(), "t.db");
        TestApp {
            dir,
            db,
            sim: None,
            now: Utc::now().trunc_subsecs(0),
            _schemas: schema.into_iter().collect(),
        }
    }

    /// A fresh schema of the test PostgreSQL whatever store this run uses, and no
    /// simulator: for tests only PostgreSQL can run (replicas). `None` (after one
    /// line saying so) without a test PostgreSQL, unless `REQUIRE_POSTGRES=1`.
    pub fn on_postgres_only() -> Option<TestApp> {
        let url = gong_timeline_store_sql::testing::test_url()?;
        let schema = TempSchema::create(&url);
        Some(TestApp {
            dir: tempfile::tempdir().expect("temp dir"),
            db: schema.url(),
            sim: None,
            now: Utc::now().trunc_subsecs(0),
            _schemas: vec![schema],
        })
    }

    /// A simulator serving `tests/scenarios/<name>` (limits off), the scenario's
    /// companies, persons and users imported, and connection [`CONNECTION`] to it.
    pub async fn with_scenario(name: &str) -> TestApp {
        let mut app = TestApp::new();
        let scenario = load_scenario(&scenario_path(name), app.now);
        app.sim = Some(
            Sim::start(SimConfig {
                scenario: Some(scenario),
                ..sim_config()
            })
            .await,
        );
        app.import_sim_timeline().await;
        app.connect().await;
        app
    }

    /// A simulator with generated data (`config`), its Timeline side imported and
    /// connection [`CONNECTION`] to it.
    pub async fn with_config(config: SimConfig) -> TestApp {
        let mut app = TestApp::new();
        app.sim = Some(Sim::start(config).await);
        app.import_sim_timeline().await;
        app.connect().await;
        app
    }

    /// A fresh database of the other store than this run's: a PostgreSQL schema when
    /// the suite runs on SQLite, a SQLite file in the test's folder otherwise. `None`
    /// (after one line saying so) without a test PostgreSQL.
    pub fn other_store_db(&mut self, file: &str) -> Option<String> {
        if on_postgres() {
            return Some(format!("sqlite://{}", self.dir.path().join(file).display()));
        }
        let url = gong_timeline_store_sql::testing::test_url()?;
        let schema = TempSchema::create(&url);
        let db = schema.url();
        self._schemas.push(schema);
        Some(db)
    }

    /// The simulator.
    pub fn sim(&self) -> &Sim {
        self.sim.as_ref().expect("this test app has a simulator")
    }

    /// The simulator, to replace its data.
    pub fn sim_mut(&mut self) -> &mut Sim {
        self.sim.as_mut().expect("this test app has a simulator")
    }

    /// Serves the scenario file at `path` (rebased like the first one) on the same port.
    pub async fn replace_scenario(&mut self, path: &Path) {
        let scenario = load_scenario(path, self.now);
        self.sim_mut()
            .replace(SimConfig {
                scenario: Some(scenario),
                ..sim_config()
            })
            .await;
    }

    /// Writes `tests/scenarios/<name>`, rebased to this test's "now", into the test's
    /// folder (for `gong-timeline sim --scenario`).
    pub fn rebased_scenario_file(&self, name: &str) -> PathBuf {
        let scenario = load_scenario(&scenario_path(name), self.now);
        let path = self.dir.path().join(name);
        let text = serde_json::to_string_pretty(&scenario).expect("a scenario serialises");
        std::fs::write(&path, text).expect("write the scenario");
        path
    }

    /// The date the product sees for a scenario file's date.
    pub fn at(&self, scenario_date: &str) -> DateTime<Utc> {
        let t: DateTime<Utc> = scenario_date.parse().expect("an RFC 3339 date");
        self.now - (scenario_now() - t)
    }

    async fn import_sim_timeline(&self) {
        let csv_dir = self.dir.path().join("timeline");
        self.sim()
            .dataset()
            .write_timeline_csvs(&csv_dir)
            .expect("the simulator writes its Timeline CSVs");
        self.import_timeline_from(&csv_dir).await;
    }

    /// Imports `companies.csv`, `persons.csv` and `users.csv` from `dir`.
    pub async fn import_timeline_from(&self, dir: &Path) {
        for what in ["companies", "persons", "users"] {
            let path = dir.join(format!("{what}.csv"));
            self.ok(&["import", what, path.to_str().expect("UTF-8 path")])
                .await;
        }
    }

    /// A second database with the same Timeline data and a connection to this
    /// test's simulator: a reference run to compare with.
    pub async fn twin(&self) -> TestApp {
        let twin = TestApp::new();
        twin.import_timeline_from(&self.dir.path().join("timeline"))
            .await;
        twin.connect_to(self.sim().base_url()).await;
        twin
    }

    async fn connect(&self) {
        let base_url = self.sim().base_url().to_string();
        self.connect_to(&base_url).await;
    }

    async fn connect_to(&self, base_url: &str) {
        let config = sim_config();
        self.ok(&[
            "connection",
            "create",
            "--name",
            CONNECTION,
            "--base-url",
            base_url,
            "--access-key",
            &config.access_key,
            "--access-key-secret",
            &config.access_secret,
        ])
        .await;
    }

    /// The binary with `--db` and a clean environment, in the test's folder.
    pub fn command(&self, args: &[&str]) -> tokio::process::Command {
        self.command_under(&[], args)
    }

    /// [`TestApp::command`] run by `wrapper` (a program and its arguments, given the
    /// binary's path and arguments last), e.g. in another mount namespace.
    pub fn command_under(&self, wrapper: &[&str], args: &[&str]) -> tokio::process::Command {
        let (program, before) = match wrapper.split_first() {
            Some((program, rest)) => (*program, rest),
            None => (BIN, &[][..]),
        };
        let mut cmd = tokio::process::Command::new(program);
        cmd.args(before);
        if !wrapper.is_empty() {
            cmd.arg(BIN);
        }
        cmd.arg("--db")
            .arg(&self.db)
            .args(args)
            .current_dir(self.dir.path())
            .env("GONG_TIMELINE_SECRET_KEY", SECRET_KEY)
            // Outages last seconds in tests, not the default ten minutes.
            .env("GONG_TIMELINE_GONG_RETRY_WINDOW", "3")
            .env_remove("GONG_TIMELINE_DB")
            .env_remove("GONG_ACCESS_KEY")
            .env_remove("GONG_ACCESS_KEY_SECRET")
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .kill_on_drop(true);
        if std::env::var_os("TEST_LOG").is_some() {
            cmd.env("RUST_LOG", "info");
        }
        cmd
    }

    /// Runs the binary to completion.
    pub async fn run(&self, args: &[&str]) -> Run {
        let output = tokio::time::timeout(COMMAND_TIMEOUT, self.command(args).output())
            .await
            .unwrap_or_else(|_| panic!("`gong-timeline {}` did not finish", args.join(" ")))
            .expect("the binary runs");
        let run = Run {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        };
        if std::env::var_os("TEST_LOG").is_some() {
            eprintln!("$ gong-timeline {}\n{}", args.join(" "), run.stderr);
        }
        run
    }

    /// Runs the binary and insists on exit code 0; returns stdout.
    pub async fn ok(&self, args: &[&str]) -> String {
        let run = self.run(args).await;
        assert!(
            run.success(),
            "`gong-timeline {}` failed: {run:#?}",
            args.join(" ")
        );
        run.stdout
    }

    /// Runs the binary, insists on exit code 0, and parses stdout as JSON.
    pub async fn json(&self, args: &[&str]) -> Value {
        let stdout = self.ok(args).await;
        serde_json::from_str(&stdout).unwrap_or_else(|e| {
            panic!(
                "`gong-timeline {}` printed no JSON ({e}):\n{stdout}",
                args.join(" ")
            )
        })
    }

    /// Runs the binary and insists it fails (exit code neither 0 nor a signal).
    pub async fn fails(&self, args: &[&str]) -> Run {
        let run = self.run(args).await;
        assert!(
            matches!(run.code, Some(code) if code != 0),
            "`gong-timeline {}` should have failed: {run:#?}",
            args.join(" ")
        );
        run
    }

    /// `sync --connection gong --format json`, exit code 0; the job summary.
    pub async fn sync(&self) -> Value {
        self.json(&["sync", "--connection", CONNECTION, "--format", "json"])
            .await
    }

    /// `activities --format json`.
    pub async fn activities(&self) -> Vec<Value> {
        array(self.json(&["activities", "--format", "json"]).await)
    }

    /// `log jobs --format json` (newest first).
    pub async fn jobs(&self) -> Vec<Value> {
        array(self.json(&["log", "jobs", "--format", "json"]).await)
    }

    /// `log records --job ID --format json`.
    pub async fn records(&self, job: &Value) -> Vec<Value> {
        let job = job.as_i64().expect("a job id").to_string();
        array(
            self.json(&["log", "records", "--job", &job, "--format", "json"])
                .await,
        )
    }

    /// `users list --format json`.
    pub async fn users(&self) -> Vec<Value> {
        array(self.json(&["users", "list", "--format", "json"]).await)
    }

    /// `users gong --connection gong --format json`.
    pub async fn gong_users(&self) -> Vec<Value> {
        array(
            self.json(&[
                "users",
                "gong",
                "--connection",
                CONNECTION,
                "--format",
                "json",
            ])
            .await,
        )
    }

    /// `settings show --connection gong --format json`.
    pub async fn settings(&self) -> Value {
        self.json(&[
            "settings",
            "show",
            "--connection",
            CONNECTION,
            "--format",
            "json",
        ])
        .await
    }

    /// `settings set --connection gong <args>`, exit code 0.
    pub async fn set_settings(&self, args: &[&str]) {
        let mut all = vec!["settings", "set", "--connection", CONNECTION];
        all.extend_from_slice(args);
        self.ok(&all).await;
    }

    /// The test's database opened in this process, as the binary opens it.
    pub async fn open_store(&self) -> Arc<dyn gong_timeline_store::Store> {
        let key = gong_timeline_store::crypto::SecretKey::parse(SECRET_KEY, "the tests' key")
            .expect("the tests' key");
        if gong_timeline_store_sql::is_postgres_url(&self.db) {
            let options = gong_timeline_store_sql::PgOptions {
                secret_key: Some(key),
                ..Default::default()
            };
            return Arc::new(
                gong_timeline_store_sql::PgStore::open_with(&self.db, options)
                    .await
                    .expect("the test database opens"),
            );
        }
        let options = gong_timeline_store_sql::SqliteOptions {
            secret_key: Some(key),
            ..Default::default()
        };
        Arc::new(
            gong_timeline_store_sql::SqliteStore::open_with(&self.db, options)
                .await
                .expect("the test database opens"),
        )
    }

    /// The web app (UI and `/api/v1`) serving this test's database on 127.0.0.1:0, in
    /// this process, with an admin and an API token: the binary and the server share
    /// one database.
    pub async fn serve_web(&self) -> Web {
        let store = self.open_store().await;
        let engine = gong_timeline_sync::Engine::new(store.clone(), Default::default());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        let config =
            gong_timeline_web::WebConfig::new(base.clone(), self.dir.path().join("exports"));
        let state = gong_timeline_web::AppState::new(store.clone(), engine, config);
        let hash = gong_timeline_web::hash_password("a test password").expect("hash");
        let admin = store
            .create_admin("admin", &hash, Utc::now())
            .await
            .expect("an admin");
        let (_, token) = gong_timeline_web::ui::tokens::create_token(&state, admin.id, "tests")
            .await
            .expect("an API token");
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(gong_timeline_web::serve(listener, state, async move {
            let _ = stopped.await;
        }));
        Web {
            base,
            token,
            http: reqwest::Client::new(),
            _stop: stop,
        }
    }

    /// The real `serve` binary on a free local port of 127.0.0.1 (public URL that
    /// address), with an admin made first; ready when `/healthz` answers.
    pub async fn serve_process(&self, args: &[&str]) -> ServeProcess {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        self.serve_process_at(&format!("http://127.0.0.1:{port}"), args)
            .await
    }

    /// [`TestApp::serve_process`] at a given base URL (a restart on the same port).
    pub async fn serve_process_at(&self, base: &str, args: &[&str]) -> ServeProcess {
        self.serve_process_under(&[], base, args).await
    }

    /// [`TestApp::serve_process_at`] run by `wrapper` (e.g. `prlimit --nofile=128`).
    pub async fn serve_process_under(
        &self,
        wrapper: &[&str],
        base: &str,
        args: &[&str],
    ) -> ServeProcess {
        let mut admin =
            self.command(&["admin", "create", "--username", "admin", "--password-stdin"]);
        admin
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let mut child = admin.spawn().expect("admin create runs");
        {
            use tokio::io::AsyncWriteExt as _;
            let mut stdin = child.stdin.take().expect("stdin");
            stdin
                .write_all(b"a long test password\n")
                .await
                .expect("password");
        }
        // A second serve on the same database finds the admin there already.
        let _ = child.wait().await;
        let bind = base.trim_start_matches("http://");
        let mut all_args = vec!["serve", "--bind", bind, "--public-url", base];
        all_args.extend_from_slice(args);
        let mut cmd = self.command_under(wrapper, &all_args);
        if std::env::var_os("TEST_LOG").is_none() {
            cmd.stdout(Stdio::null()).stderr(Stdio::null());
        }
        let child = cmd.spawn().expect("serve runs");
        let process = ServeProcess {
            base: base.to_string(),
            child,
        };
        let health = format!("{base}/healthz");
        wait_for(
            "serve to answer /healthz",
            Duration::from_secs(30),
            || async {
                reqwest::get(&health)
                    .await
                    .ok()
                    .filter(|r| r.status().is_success())
            },
        )
        .await;
        process
    }

    /// Writes a file into the test's folder and returns its path as a string.
    pub fn write(&self, name: &str, contents: &str) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, contents).expect("write a test file");
        path.to_str().expect("UTF-8 path").to_string()
    }
}

/// A `serve` process of [`TestApp::serve_process`]; killed when dropped.
pub struct ServeProcess {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    child: tokio::process::Child,
}

impl ServeProcess {
    /// kill -9, and waits for the process to be gone.
    pub async fn kill(&mut self) {
        self.child.kill().await.expect("serve is killed");
    }
}

/// The web app of [`TestApp::serve_web`]; stops when dropped.
pub struct Web {
    base: String,
    token: String,
    http: reqwest::Client,
    _stop: oneshot::Sender<()>,
}

impl Web {
    /// `http://127.0.0.1:PORT`.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// `GET /api/v1{path}` with the token: status 200 and the JSON, or a panic.
    pub async fn get(&self, path: &str) -> Value {
        let resp = self
            .http
            .get(format!("{}/api/v1{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .expect("the API answers");
        let status = resp.status().as_u16();
        let body: Value = resp.json().await.expect("JSON");
        assert_eq!(status, 200, "GET {path}: {body}");
        body
    }

    /// One counter or gauge of `/metrics` (with the token), by its name.
    pub async fn metric(&self, name: &str) -> f64 {
        let text = self
            .http
            .get(format!("{}/metrics", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .expect("/metrics answers")
            .text()
            .await
            .expect("metrics text");
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.trim().parse().ok())
            .unwrap_or_else(|| panic!("no {name} in {text}"))
    }

    /// Every item of an API list, page by page (`next` passed back as `cursor`).
    pub async fn all(&self, path: &str) -> Vec<Value> {
        let join = if path.contains('?') { '&' } else { '?' };
        let mut page = self.get(&format!("{path}{join}limit=3")).await;
        let mut items = Vec::new();
        loop {
            items.extend(page["items"].as_array().cloned().expect("a page's items"));
            let Some(next) = page["next"].as_str() else {
                break;
            };
            page = self
                .get(&format!("{path}{join}limit=3&cursor={next}"))
                .await;
        }
        assert_eq!(
            Some(items.len() as u64),
            page["total"].as_u64(),
            "{path}: total"
        );
        items
    }
}

/// A JSON array's items.
pub fn array(value: Value) -> Vec<Value> {
    match value {
        Value::Array(items) => items,
        other => panic!("expected a JSON array, got {other}"),
    }
}

/// The one item whose `key` is `value`.
pub fn find<'a, V>(items: &'a [Value], key: &str, value: V) -> &'a Value
where
    Value: PartialEq<V>,
    V: std::fmt::Debug,
{
    let found: Vec<&Value> = items.iter().filter(|i| i[key] == value).collect();
    assert_eq!(
        found.len(),
        1,
        "expected exactly one item with {key} = {value:?} in {items:#?}"
    );
    found[0]
}

/// The items whose `key` is `value`.
pub fn all<'a, V>(items: &'a [Value], key: &str, value: V) -> Vec<&'a Value>
where
    Value: PartialEq<V>,
{
    items.iter().filter(|i| i[key] == value).collect()
}

/// Polls `check` until it returns `Some`, for at most its bound.
pub use gong_timeline_testing::wait_for;
