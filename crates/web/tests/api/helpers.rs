//! The test harness: [`spawn_app`] starts the Gong simulator (limits off) with its
//! Timeline CSVs imported into a temp SQLite file, and the web app on
//! 127.0.0.1:0 with an admin `admin` / [`PASSWORD`] and an API token. The web
//! clock is the real one plus an offset the test controls.
#![allow(dead_code)]

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use gong_timeline_gong::ClientConfig;
use gong_timeline_gong_sim::{Limits, SimConfig, SimHandle};
use gong_timeline_store::{import, Store};
use gong_timeline_store_sql::SqliteStore;
use gong_timeline_sync::{Engine, EngineOptions};
use gong_timeline_web::{AppState, OAuthApp, WebConfig};
use serde_json::Value;

/// The admin's password.
pub const PASSWORD: &str = "correct horse battery";

/// A running app and its simulator.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// A Bearer token.
    pub token: String,
    /// The simulator.
    pub sim: SimHandle,
    /// The store behind the app.
    pub store: Arc<dyn Store>,
    /// Seconds added to the web clock.
    pub clock_offset: Arc<AtomicI64>,
    /// Where exports go.
    pub export_dir: std::path::PathBuf,
    /// A client that follows no redirects.
    pub http: reqwest::Client,
    /// The web configuration the app started with (for [`TestApp::replica`]).
    web: WebConfig,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    replicas: Vec<tokio::sync::oneshot::Sender<()>>,
    _dir: tempfile::TempDir,
}

/// A change to the web configuration made before the app starts.
pub type ConfigChange = Arc<dyn Fn(&mut WebConfig) + Send + Sync>;

/// Options of [`spawn_app_with`].
pub struct Options {
    /// Simulated calls.
    pub calls: u64,
    /// Allow the simulator as a Gong host.
    pub allow_sim: bool,
    /// Changes the web configuration before the app starts.
    pub web: Option<ConfigChange>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            calls: 40,
            allow_sim: true,
            web: None,
        }
    }
}

/// An app with the default options.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(Options::default()).await
}

/// An app.
pub async fn spawn_app_with(options: Options) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = format!("sqlite://{}", dir.path().join("web.db").display());
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&db).await.expect("store"));
    let config = SimConfig {
        calls: options.calls,
        limits: Limits::off(),
        ..SimConfig::default()
    };
    let sim = gong_timeline_gong_sim::start(config.clone())
        .await
        .expect("simulator");
    let paths = sim.dataset().write_timeline_csvs(dir.path()).expect("csvs");
    let open = |p: &std::path::Path| std::fs::File::open(p).expect("csv");
    store
        .import_companies(import::parse_companies(open(&paths.companies)).unwrap())
        .await
        .unwrap();
    store
        .import_persons(import::parse_persons(open(&paths.persons)).unwrap())
        .await
        .unwrap();
    store
        .import_users(import::parse_users(open(&paths.users)).unwrap())
        .await
        .unwrap();

    let gong = ClientConfig::default().without_limits();
    let engine = Engine::new(
        store.clone(),
        EngineOptions {
            gong: gong.clone(),
            ..EngineOptions::default()
        },
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().unwrap());
    let export_dir = dir.path().join("exports");
    let mut web = WebConfig::new(base.clone(), export_dir.clone());
    web.oauth = Some(OAuthApp {
        client_id: config.client_id.clone(),
        client_secret: config.client_secret.clone(),
    });
    web.oauth_base_url = sim.base_url();
    if options.allow_sim {
        web.allowed_gong_hosts = vec![sim.addr().to_string()];
    }
    web.gong = gong;
    if let Some(change) = &options.web {
        change(&mut web);
    }
    let clock_offset = Arc::new(AtomicI64::new(0));
    let offset = clock_offset.clone();
    let state = AppState::new(store.clone(), engine, web.clone()).with_clock(Arc::new(move || {
        Utc::now() + chrono::Duration::seconds(offset.load(Ordering::SeqCst))
    }));
    let hash = gong_timeline_web::hash_password(PASSWORD).unwrap();
    let admin = store
        .create_admin("admin", &hash, Utc::now())
        .await
        .unwrap();
    let (_, token) = gong_timeline_web::ui::tokens::create_token(&state, admin.id, "tests")
        .await
        .unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(gong_timeline_web::serve(listener, state, async move {
        let _ = stopped.await;
    }));
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    TestApp {
        base,
        token,
        sim,
        store,
        clock_offset,
        export_dir,
        http,
        web,
        stop: Some(stop),
        replicas: Vec::new(),
        _dir: dir,
    }
}

impl TestApp {
    /// Starts an OAuth connection from the Connectors form: (status, the consent
    /// page's URL Gong is sent to, its `state`).
    pub async fn start_oauth(&self, s: &Session) -> (u16, String, String) {
        let (status, authorize_url, _) = self
            .form(
                s,
                "/connectors",
                &[("name", "Gong OAuth"), ("kind", "oauth")],
            )
            .await;
        let state = url::Url::parse(&authorize_url)
            .unwrap()
            .query_pairs()
            .find(|(k, _)| k == "state")
            .map(|(_, v)| v.into_owned())
            .expect("state");
        (status, authorize_url, state)
    }

    /// A second server on the same database, as another replica or the same one
    /// after a restart: nothing in the first process's memory. Returns its base URL.
    pub async fn replica(&mut self) -> String {
        let engine = Engine::new(
            self.store.clone(),
            EngineOptions {
                gong: self.web.gong.clone(),
                ..EngineOptions::default()
            },
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().unwrap());
        let state = AppState::new(self.store.clone(), engine, self.web.clone());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(gong_timeline_web::serve(listener, state, async move {
            let _ = stopped.await;
        }));
        self.replicas.push(stop);
        base
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        for stop in self.replicas.drain(..) {
            let _ = stop.send(());
        }
    }
}

/// Waits for `check` to hold, at most `bound` ([`gong_timeline_testing::wait_until`],
/// with the bound first as these tests read).
pub async fn wait_until<F, Fut>(bound: Duration, what: &str, check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    gong_timeline_testing::wait_until(what, bound, check).await
}

impl TestApp {
    /// Calls the API with the Bearer token.
    pub async fn api(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut req = self
            .http
            .request(method, format!("{}/api/v1{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            req = req.json(&body);
        }
        let resp = req.send().await.expect("request");
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap_or_default();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// GET on the API.
    pub async fn get(&self, path: &str) -> (u16, Value) {
        self.api(reqwest::Method::GET, path, None).await
    }

    /// One page of an API list: insists on 200 and the `{items, total, next}` shape;
    /// returns the page.
    pub async fn page_of(&self, path: &str) -> Value {
        let (status, page) = self.get(path).await;
        assert_eq!(status, 200, "GET {path}: {page}");
        let keys: Vec<&str> = page
            .as_object()
            .unwrap_or_else(|| panic!("GET {path} answers a page object: {page}"))
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, ["items", "next", "total"], "GET {path}: {page}");
        assert!(page["items"].is_array() && page["total"].is_u64(), "{page}");
        assert!(page["next"].is_null() || page["next"].is_string(), "{page}");
        page
    }

    /// The items of one page of an API list.
    pub async fn items(&self, path: &str) -> Vec<Value> {
        self.page_of(path).await["items"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// Every item of an API list, following `next` page by page; checks that
    /// `total` is the same on every page and is how many items there were.
    pub async fn all_items(&self, path: &str) -> Vec<Value> {
        let join = if path.contains('?') { '&' } else { '?' };
        let mut page = self.page_of(path).await;
        let total = page["total"].as_u64().unwrap();
        let mut all = Vec::new();
        loop {
            all.extend(page["items"].as_array().cloned().unwrap_or_default());
            assert_eq!(page["total"].as_u64(), Some(total), "{path}: {page}");
            let Some(next) = page["next"].as_str() else {
                break;
            };
            page = self.page_of(&format!("{path}{join}cursor={next}")).await;
        }
        assert_eq!(all.len() as u64, total, "{path}: total is every item");
        all
    }

    /// `POST /imports/{kind}` with a CSV body: (status, JSON).
    pub async fn import(&self, kind: &str, csv: &str) -> (u16, Value) {
        let resp = self
            .http
            .post(format!("{}/api/v1/imports/{kind}", self.base))
            .bearer_auth(&self.token)
            .header("content-type", "text/csv")
            .body(csv.to_string())
            .send()
            .await
            .expect("request");
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    /// POST on the API.
    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.api(reqwest::Method::POST, path, Some(body)).await
    }

    /// An access-key connection to the simulator; returns its id.
    pub async fn basic_connection(&self, name: &str) -> i64 {
        self.basic_connection_with(name, false).await
    }

    /// An access-key connection to the simulator that replaces the one syncing its
    /// Gong account already (S10), keeping its activities.
    pub async fn replacing_connection(&self, name: &str) -> i64 {
        self.basic_connection_with(name, true).await
    }

    async fn basic_connection_with(&self, name: &str, replace: bool) -> i64 {
        let (status, body) = self
            .post(
                "/connections",
                serde_json::json!({
            "name": name, "kind": "basic", "base_url": self.sim.base_url(),
            "access_key": "sim-access-key", "access_key_secret": "sim-secret",
            "replace": replace}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        body["connection"]["id"].as_i64().unwrap()
    }

    /// Starts a sync through the API and waits for it to finish; returns the job.
    pub async fn sync(&self, connection: i64) -> Value {
        let (status, body) = self
            .post(&format!("/connections/{connection}/sync"), Value::Null)
            .await;
        assert_eq!(status, 202, "{body}");
        self.wait_for_sync(connection).await
    }

    /// Waits until no sync of `connection` runs; returns its last job.
    pub async fn wait_for_sync(&self, connection: i64) -> Value {
        let path = format!("/connections/{connection}/sync");
        wait_until(Duration::from_secs(30), "the sync to finish", || async {
            let (_, body) = self.get(&path).await;
            body["running"] == Value::Bool(false) && body["last_job"].is_object()
        })
        .await;
        self.get(&path).await.1["last_job"].clone()
    }

    /// Logs in through the form; returns the `Cookie` header value and the CSRF token of pages.
    pub async fn login(&self) -> Session {
        self.login_as("admin", PASSWORD).await
    }

    /// Logs in as `username` (any role: the CSRF token is read off the Timeline,
    /// which every role may open).
    pub async fn login_as(&self, username: &str, password: &str) -> Session {
        let resp = self
            .http
            .get(format!("{}/login", self.base))
            .send()
            .await
            .unwrap();
        let login_cookie = cookies(&resp);
        let html = resp.text().await.unwrap();
        let csrf = hidden(&html, "csrf");
        let resp = self
            .http
            .post(format!("{}/login", self.base))
            .header("cookie", &login_cookie)
            .form(&[
                ("username", username),
                ("password", password),
                ("csrf", csrf.as_str()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), 303, "log in redirects");
        let cookie = cookies(&resp)
            .split("; ")
            .find(|c| c.starts_with("gt_session="))
            .expect("session cookie")
            .to_string();
        let page = self
            .http
            .get(format!("{}/companies", self.base))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        Session {
            cookie,
            csrf: hidden(&page, "csrf"),
        }
    }

    /// A page with a session: (status, body).
    pub async fn page(&self, s: &Session, path: &str) -> (u16, String) {
        let resp = self
            .http
            .get(format!("{}{path}", self.base))
            .header("cookie", &s.cookie)
            .send()
            .await
            .unwrap();
        (resp.status().as_u16(), resp.text().await.unwrap())
    }

    /// A form post with a session and its CSRF token: (status, Location, body).
    pub async fn form(
        &self,
        s: &Session,
        path: &str,
        fields: &[(&str, &str)],
    ) -> (u16, String, String) {
        let mut all: Vec<(&str, &str)> = vec![("csrf", s.csrf.as_str())];
        all.extend_from_slice(fields);
        let resp = self
            .http
            .post(format!("{}{path}", self.base))
            .header("cookie", &s.cookie)
            .form(&all)
            .send()
            .await
            .unwrap();
        let location = resp
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .unwrap_or_default()
            .to_string();
        (resp.status().as_u16(), location, resp.text().await.unwrap())
    }
}

/// A logged-in browser-less session.
pub struct Session {
    /// `gt_session=...`.
    pub cookie: String,
    /// The session's CSRF token.
    pub csrf: String,
}

/// The `name=value` pairs of a response's Set-Cookie headers, joined by `; `.
pub fn cookies(resp: &reqwest::Response) -> String {
    resp.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok()?.split(';').next().map(str::to_string))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The value of the first hidden input named `name`.
pub fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} field in {html}"))
        + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}
