//! Browser tests: real headless Chromium driven through chromedriver (Debian's
//! `chromium` and `chromium-driver`). Without them the tests say so loudly and
//! pass, unless `REQUIRE_BROWSER=1` (set by `.ci/run`), where they fail.
//!
//! Run: `apt-get install -y chromium chromium-driver`, then
//! `REQUIRE_BROWSER=1 cargo test -p gong_timeline_web --test browser`.
//! Screenshots of every page visited go to `target/tmp/browser-screenshots/`
//! (the last one shows the failure).
//!
//! Every page the journey reaches is audited in the light and the dark theme
//! (`prefers-color-scheme` emulated over the DevTools protocol) at 1280 px and at
//! 390 px (a phone: mobile emulation, so the viewport meta counts): no horizontal
//! page overflow, and axe-core reports no serious or critical violation. axe-core
//! is the npm package (`npm install --prefix DIR axe-core@4`); `AXE_CORE` names its
//! `axe.min.js` (`.ci/run` sets it). Without it the audit is skipped loudly, unless
//! `REQUIRE_BROWSER=1`. `SCREENSHOTS=1` writes `docs/screenshots/<page>-1280.png`
//! and `<page>-390.png` (and `<page>-1280-dark.png`) for every audited page.

#[path = "api/helpers.rs"]
mod helpers;
#[path = "api/oidc_provider.rs"]
mod oidc_provider;

use gong_timeline_store::ConnectionId;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use gong_timeline_gong_sim::SimHandle;
use helpers::{spawn_app_with, wait_until, Options, TestApp, PASSWORD};
use oidc_provider::{Fault, Next, Provider};
use serde_json::{json, Value};

type R<T = ()> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

const CHROMIUM: &[&str] = &[
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
];
const CHROMEDRIVER: &[&str] = &["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"];

fn find(candidates: &[&str], env: &str) -> Option<PathBuf> {
    std::env::var_os(env)
        .map(PathBuf::from)
        .into_iter()
        .chain(candidates.iter().map(PathBuf::from))
        .find(|p| p.exists())
}

/// Chromium and chromedriver, or `None` (skip) — a failure under REQUIRE_BROWSER=1.
fn browser_binaries() -> Option<(PathBuf, PathBuf)> {
    match (find(CHROMIUM, "CHROME"), find(CHROMEDRIVER, "CHROMEDRIVER")) {
        (Some(chrome), Some(driver)) => Some((chrome, driver)),
        _ => {
            let help = "Browser tests need Chromium and chromedriver: `apt-get install -y chromium chromium-driver`, then run with REQUIRE_BROWSER=1.";
            if std::env::var("REQUIRE_BROWSER").as_deref() == Ok("1") {
                panic!("REQUIRE_BROWSER=1 but Chromium or chromedriver is missing. {help}");
            }
            eprintln!("\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n!! SKIPPED browser test: Chromium or chromedriver not found.\n!! {help}\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n");
            None
        }
    }
}

fn required() -> bool {
    std::env::var("REQUIRE_BROWSER").as_deref() == Ok("1")
}

/// axe-core's source, or `None` (the audit is skipped) — a failure under REQUIRE_BROWSER=1.
fn axe_source() -> Option<String> {
    let help = "The accessibility audit needs axe-core: `npm install --prefix target/axe axe-core@4`, then AXE_CORE=target/axe/node_modules/axe-core/axe.min.js.";
    let found = std::env::var_os("AXE_CORE")
        .map(PathBuf::from)
        .map(|p| if p.is_dir() { p.join("axe.min.js") } else { p })
        .and_then(|p| std::fs::read_to_string(p).ok());
    if found.is_none() {
        if required() {
            panic!("REQUIRE_BROWSER=1 but axe-core is missing (AXE_CORE). {help}");
        }
        eprintln!("\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n!! SKIPPED the axe-core audit of the browser test.\n!! {help}\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n");
    }
    found
}

/// A Chrome DevTools command through chromedriver (`goog/cdp/execute`).
#[derive(Debug)]
struct Cdp(&'static str, Value);

impl fantoccini::wd::WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!(
            "session/{}/goog/cdp/execute",
            session.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (axum::http::Method, Option<String>) {
        let body = json!({"cmd": self.0, "params": self.1}).to_string();
        (axum::http::Method::POST, Some(body))
    }
}

/// The widths every page is checked at: a desktop and a phone.
const WIDTHS: [u32; 2] = [1280, 390];

/// The page's table and chart problems (#20 items 5 and 8), one line each. Tables:
/// a visible `.table-wrap` (not in a closed `<details>`) must not scroll sideways, no cell may reach past the
/// window, a cell with a `data-label` must carry its column's header. Charts: axis
/// text at 11 px or more as rendered (its CSS size times the drawing's scale: the
/// rendered box over the SVG's own box), no two x labels overlapping, every bar
/// part at least 2 px high.
const LAYOUT_CHECKS: &str = r#"
const out = [];
const shown = e => e.getClientRects().length > 0;
for (const wrap of document.querySelectorAll('.table-wrap')) {
  if (!shown(wrap) || wrap.closest('details:not([open])')) continue;
  if (wrap.scrollWidth > wrap.clientWidth + 1)
    out.push(`table ${wrap.getAttribute('aria-label')} scrolls sideways (${wrap.scrollWidth}px in ${wrap.clientWidth}px)`);
  const table = wrap.querySelector('table');
  const heads = [...table.querySelectorAll('thead th')].map(th => th.textContent.trim());
  for (const tr of table.querySelectorAll('tbody tr')) {
    [...tr.cells].forEach((cell, i) => {
      const r = cell.getBoundingClientRect();
      if (r.width > 0 && r.right > window.innerWidth + 1)
        out.push(`a cell of ${table.id || wrap.getAttribute('aria-label')} reaches past the window (${Math.round(r.right)}px)`);
      const label = cell.getAttribute('data-label');
      if (label !== null && label !== heads[i])
        out.push(`cell ${i} of ${table.id} is labelled '${label}', its column '${heads[i]}'`);
    });
  }
}
for (const svg of document.querySelectorAll('.chart svg')) {
  const labels = [];
  for (const t of svg.querySelectorAll('text')) {
    if (!shown(t)) continue;
    const box = t.getBBox(), rect = t.getBoundingClientRect();
    const size = parseFloat(getComputedStyle(t).fontSize) * (box.height ? rect.height / box.height : 1);
    if (size < 11) out.push(`chart text '${t.textContent}' renders at ${size.toFixed(1)}px`);
    if (t.classList.contains('x-label')) labels.push(rect);
  }
  labels.sort((a, b) => a.left - b.left);
  for (let i = 1; i < labels.length; i++)
    if (labels[i].left < labels[i - 1].right)
      out.push(`x labels overlap in ${svg.closest('figure').id}`);
  for (const bar of svg.querySelectorAll('rect')) {
    const h = bar.getBoundingClientRect().height;
    if (h < 2) out.push(`a bar part of ${svg.closest('figure').id} is ${h.toFixed(1)}px high: ${bar.textContent}`);
  }
}
return out;
"#;

/// chromedriver on a free port, killed on drop, and a WebDriver session.
struct Browser {
    client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
    shots: PathBuf,
    n: usize,
    axe: Option<String>,
    readme_shots: Option<PathBuf>,
    problems: Vec<String>,
    audited: usize,
    /// axe-core's violations per width: (serious or critical, moderate or minor).
    axe_counts: std::collections::BTreeMap<u32, (usize, usize)>,
    /// The most table rows an audited page showed, per page name.
    rows_seen: Vec<(String, u64)>,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

async fn start_browser(chrome: &Path, driver: &Path, shots: PathBuf) -> R<Browser> {
    let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let child = Command::new(driver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    wait_until(
        Duration::from_secs(20),
        "chromedriver to listen",
        || async move {
            tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
        },
    )
    .await;
    let profile = tempfile::tempdir()?;
    let args = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1280,1000",
    ]
    .iter()
    .map(|a| a.to_string())
    .chain([format!("--user-data-dir={}", profile.path().display())])
    .collect::<Vec<_>>();
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({"binary": chrome, "args": args}),
    );
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await?;
    std::fs::create_dir_all(&shots)?;
    let readme_shots = (std::env::var("SCREENSHOTS").as_deref() == Ok("1"))
        .then(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/screenshots"));
    if let Some(dir) = &readme_shots {
        let _ = std::fs::remove_dir_all(dir);
        std::fs::create_dir_all(dir)?;
    }
    Ok(Browser {
        client,
        driver: child,
        _profile: profile,
        shots,
        n: 0,
        axe: axe_source(),
        readme_shots,
        problems: Vec::new(),
        audited: 0,
        axe_counts: Default::default(),
        rows_seen: Vec::new(),
    })
}

impl Browser {
    async fn shot(&mut self, name: &str) -> R {
        self.n += 1;
        let png = self.client.screenshot().await?;
        std::fs::write(self.shots.join(format!("{:02}-{name}.png", self.n)), png)?;
        Ok(())
    }

    async fn cdp(&self, cmd: &'static str, params: Value) -> R<Value> {
        Ok(self.client.issue_cmd(Cdp(cmd, params)).await?)
    }

    async fn set_theme(&self, dark: bool) -> R {
        let scheme = if dark { "dark" } else { "light" };
        self.cdp(
            "Emulation.setEmulatedMedia",
            json!({"features": [{"name": "prefers-color-scheme", "value": scheme}]}),
        )
        .await?;
        Ok(())
    }

    /// A desktop window, or a phone (mobile emulation honours the viewport meta).
    async fn set_width(&self, width: u32) -> R {
        let mobile = width < 600;
        let height = if mobile { 844 } else { 1000 };
        self.cdp(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile}),
        )
        .await?;
        Ok(())
    }

    /// The page's axe-core violations, one line each starting with the impact.
    async fn axe_violations(&self) -> R<Vec<String>> {
        let Some(axe) = &self.axe else {
            return Ok(Vec::new());
        };
        let loaded = self
            .client
            .execute("return typeof axe !== 'undefined';", vec![])
            .await?;
        if loaded != json!(true) {
            self.client
                .execute(&format!("{axe}\n;return true;"), vec![])
                .await?;
        }
        let found = self
            .client
            .execute_async(
                r#"const done = arguments[arguments.length - 1];
                axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations
                    .map(v => v.impact + ' ' + v.id + ': ' + v.help + ' at ' +
                        v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))))
                  .catch(e => done(['axe failed: ' + e]));"#,
                vec![],
            )
            .await?;
        Ok(serde_json::from_value(found)?)
    }

    /// Audits the page shown: both themes, both widths (overflow and axe-core);
    /// writes the README's screenshots under SCREENSHOTS=1. Problems are collected
    /// and reported together at the end of the journey.
    async fn audit(&mut self, name: &str) -> R {
        let url = self.client.current_url().await?;
        let rows = self
            .client
            .execute(
                "return Math.max(0, ...[...document.querySelectorAll('.table-wrap table:not(.chart-table)')].map(t => t.tBodies[0] ? t.tBodies[0].rows.length : 0));",
                vec![],
            )
            .await?;
        self.rows_seen
            .push((name.to_string(), rows.as_u64().unwrap_or(0)));
        for dark in [false, true] {
            self.set_theme(dark).await?;
            for width in WIDTHS {
                self.set_width(width).await?;
                let theme = if dark { "dark" } else { "light" };
                let at = format!("{name} ({url}) {theme} {width}px");
                let sizes = self
                    .client
                    .execute(
                        "return [document.scrollingElement.scrollWidth, window.innerWidth];",
                        vec![],
                    )
                    .await?;
                let (scroll, inner) = (
                    sizes[0].as_u64().unwrap_or(0),
                    sizes[1].as_u64().unwrap_or(0),
                );
                if inner != u64::from(width) {
                    self.problems.push(format!(
                        "{at}: the viewport is {inner}px wide, not {width}px (viewport meta?)"
                    ));
                }
                if scroll > inner {
                    self.problems.push(format!(
                        "{at}: the page scrolls sideways ({scroll}px > {inner}px)"
                    ));
                }
                self.axe_check(&at, width).await?;
                self.layout_checks(&at).await?;
                if let Some(dir) = &self.readme_shots {
                    // Light at both widths; dark at the desktop width.
                    let file = match (dark, width) {
                        (false, w) => Some(format!("{name}-{w}.png")),
                        (true, 1280) => Some(format!("{name}-1280-dark.png")),
                        _ => None,
                    };
                    if let Some(file) = file {
                        let png = self.client.screenshot().await?;
                        std::fs::write(dir.join(file), png)?;
                    }
                }
            }
        }
        self.set_theme(false).await?;
        self.set_width(1280).await?;
        self.audited += 1;
        Ok(())
    }

    /// axe-core on the page: serious and critical violations are problems, and so
    /// is a table header with no text (#20 item 5); every violation is counted.
    async fn axe_check(&mut self, at: &str, width: u32) -> R {
        for v in self.axe_violations().await? {
            let severe = v.starts_with("serious ") || v.starts_with("critical ");
            let counts = self.axe_counts.entry(width).or_default();
            if severe {
                counts.0 += 1;
            } else {
                counts.1 += 1;
            }
            if severe || v.contains("empty-table-header") {
                self.problems.push(format!("{at}: {v}"));
            }
        }
        Ok(())
    }

    /// #20 items 5 and 8 on the page shown: tables (cards on a phone) do not
    /// scroll sideways and label each cell with its column; chart text renders at
    /// 11 px or more, x labels do not overlap, every bar part is visible.
    async fn layout_checks(&mut self, at: &str) -> R {
        let found = self.client.execute(LAYOUT_CHECKS, vec![]).await?;
        let found: Vec<String> = serde_json::from_value(found)?;
        self.problems
            .extend(found.into_iter().map(|p| format!("{at}: {p}")));
        Ok(())
    }

    async fn visit(&mut self, url: &str, name: &str) -> R {
        self.client.goto(url).await?;
        self.shot(name).await
    }

    /// Reloads `url` until `css` matches, at most `bound`.
    async fn until_found(&self, url: &str, css: &str, bound: Duration) -> R {
        let deadline = tokio::time::Instant::now() + bound;
        loop {
            self.client.goto(url).await?;
            if !self.client.find_all(Locator::Css(css)).await?.is_empty() {
                return Ok(());
            }
            if tokio::time::Instant::now() > deadline {
                return Err(format!("timed out waiting for {css} on {url}").into());
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    async fn text(&self, css: &str) -> R<String> {
        Ok(self
            .client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await?
            .text()
            .await?)
    }

    async fn click(&self, css: &str) -> R {
        self.client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await?
            .click()
            .await?;
        Ok(())
    }
}

/// A chart is drawn, titled, and has its data table behind it.
async fn chart_with_table(b: &Browser, id: &str) -> R {
    b.client
        .find(Locator::Css(&format!("#{id} svg[role=img] rect")))
        .await?;
    assert!(!b.text(&format!("#{id} figcaption")).await?.is_empty());
    let rows = b
        .client
        .find_all(Locator::Css(&format!("#{id} table.chart-table tbody tr")))
        .await?;
    assert!(!rows.is_empty(), "{id} has a data table");
    Ok(())
}

/// The audit can fail: a missing alt text and a too-wide block are caught.
async fn audit_self_check(b: &mut Browser) -> R {
    let page = "data:text/html,<!doctype html><html lang=en><title>t</title><meta name=viewport content='width=device-width'><main><img src='x.png'><div id=wide>wide</div></main></html>";
    b.client.goto(page).await?;
    b.client
        .execute(
            "document.getElementById('wide').textContent = 'x'.repeat(400);",
            vec![],
        )
        .await?;
    let shots = b.readme_shots.take();
    b.audit("self-check").await?;
    b.readme_shots = shots;
    let found = std::mem::take(&mut b.problems);
    b.audited -= 1;
    b.axe_counts.clear();
    b.rows_seen.clear();
    if b.axe.is_some() {
        assert!(found.iter().any(|p| p.contains("image-alt")), "{found:?}");
    }
    assert!(
        found
            .iter()
            .any(|p| p.contains("390px: the page scrolls sideways")),
        "{found:?}"
    );
    Ok(())
}

/// The admin's journey; screenshots every page it visits into `shots`.
async fn journey(app: &TestApp, b: &mut Browser, idp: &Provider, other: &SimHandle) -> R {
    audit_self_check(b).await?;
    let base = &app.base;
    // Log in.
    b.visit(&format!("{base}/connectors"), "login").await?;
    b.audit("login").await?;
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
    b.client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Id("create-connection"))
        .await?;

    // Create an OAuth connection and authorise it on the simulator's consent page.
    b.client
        .find(Locator::Id("connection-name"))
        .await?
        .send_keys("Gong OAuth")
        .await?;
    b.click("#authorize").await?;
    b.client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Id("allow"))
        .await?;
    b.shot("gong-consent").await?;
    b.click("#allow").await?;
    b.client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Id("initiate-sync"))
        .await?;
    b.shot("connected").await?;
    // The seed's step 8 as a modal dialog.
    let modal = b
        .client
        .execute(
            "return document.getElementById('connected').matches(':modal');",
            vec![],
        )
        .await?;
    assert_eq!(modal, json!(true), "the Connection created dialog is modal");
    assert_eq!(b.text("#connected-title").await?, "Connection created");
    b.client
        .find(Locator::Css("#connected #go-to-settings"))
        .await?;
    b.audit("connected").await?;
    let connection_url = b.client.current_url().await?;
    let id: i64 = connection_url
        .path()
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .parse()?;
    // Transcripts on (S9), as the settings' checkbox saves them: the sync fetches them.
    let mut settings = app.store.get_settings(ConnectionId::new(id)).await?;
    settings.transcripts = true;
    app.store
        .put_settings(ConnectionId::new(id), &settings)
        .await?;

    // Initiate Sync; the page follows the background job.
    b.click("#initiate-sync").await?;
    b.until_found(
        &format!("{base}/connectors/{id}"),
        "#sync-status .job-status",
        Duration::from_secs(40),
    )
    .await?;
    b.shot("connection").await?;
    b.client.find(Locator::Css("#freshness .stat")).await?;
    chart_with_table(b, "connection-jobs").await?;
    chart_with_table(b, "connection-gong-requests").await?;
    // The table sits in a closed <details>: read its text, not what is shown.
    let headers = b
        .client
        .find(Locator::Css(
            "#connection-gong-requests table.chart-table thead",
        ))
        .await?
        .prop("textContent")
        .await?
        .unwrap_or_default();
    assert!(
        headers.contains("429") && headers.contains("Requests"),
        "{headers}"
    );
    b.audit("connection").await?;
    let (_, jobs) = app.get(&format!("/jobs?connection_id={id}")).await;
    let job = jobs["items"][0]["id"].as_i64().ok_or("no job")?;

    // A company's Timeline with trackers, what the call said (#23), and a recording
    // loaded live only when asked for.
    let (_, activities) = app.get("/activities?limit=200").await;
    let with_trackers = activities["items"]
        .as_array()
        .ok_or("activities")?
        .iter()
        .find(|a| {
            a["trackers"].as_array().is_some_and(|t| {
                t.iter()
                    .any(|t| !t["phrases"].as_array().unwrap().is_empty())
            }) && a["next_steps"].as_array().is_some_and(|n| !n.is_empty())
        })
        .ok_or("an activity with tracker phrases and next steps")?;
    let company = with_trackers["company"]["id"].as_i64().ok_or("company")?;
    app.sim.controls().reset_stats();
    b.client
        .goto(&format!("{base}/companies/{company}"))
        .await?;
    let card = format!("#activity-{}", with_trackers["id"]);
    assert_eq!(
        b.text(&format!("{card} .next-steps h3")).await?,
        "Next steps"
    );
    b.shot("timeline").await?;
    chart_with_table(b, "activities-per-month").await?;
    b.audit("timeline").await?;
    let served = app.sim.controls().stats();
    assert_eq!(
        served.api_requests, 0,
        "a Timeline view asks Gong nothing: {:?}",
        served.per_path
    );
    // Filter by activity type: every card shown has it.
    let kind = b
        .client
        .find(Locator::Css("#activity-type-filter option:nth-child(2)"))
        .await?
        .attr("value")
        .await?
        .ok_or("an activity type")?;
    b.client
        .find(Locator::Id("activity-type-filter"))
        .await?
        .select_by_value(&kind)
        .await?;
    b.click("#apply-timeline-filter").await?;
    b.client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(".activity .type"))
        .await?;
    for t in b.client.find_all(Locator::Css(".activity .type")).await? {
        assert_eq!(t.text().await?, kind);
    }
    assert!(!b.text(&format!("{card} .phrase")).await?.is_empty());
    // Load recording: the player replaces the button in the card, one Gong request.
    b.click(&format!("{card} .load-recording")).await?;
    let media = wait_for(b, &format!("{card} .recording[data-loaded] .media-link"))
        .await?
        .attr("href")
        .await?
        .ok_or("media href")?;
    assert_eq!(app.sim.controls().stats().api_requests, 1);
    assert_eq!(
        app.http.get(&media).send().await?.status().as_u16(),
        200,
        "the recording link works"
    );
    let call_link = b
        .client
        .find(Locator::Css(".call-link"))
        .await?
        .attr("href")
        .await?
        .ok_or("call link")?;
    assert!(call_link.starts_with(&app.sim.base_url()), "{call_link}");
    transcript_page(b, app, job).await?;
    // Every company's activities searched (#20 item 11).
    let subject = with_trackers["subject"].as_str().ok_or("subject")?;
    let word = subject
        .split_whitespace()
        .max_by_key(|w| w.len())
        .ok_or("a word")?;
    b.visit(
        &format!(
            "{base}/activities?q={}",
            url::form_urlencoded::byte_serialize(word.as_bytes()).collect::<String>()
        ),
        "activity-search",
    )
    .await?;
    assert!(b.text("#activity-search-count").await?.contains(word));
    b.audit("activity-search").await?;

    // Settings: + adds a filter row.
    b.visit(&format!("{base}/connectors/{id}/settings"), "settings")
        .await?;
    b.audit("settings").await?;
    let rows = b.client.find_all(Locator::Css(".filter-row")).await?.len();
    b.click("#add-filter").await?;
    b.client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Id(&format!("filter-row-{}", rows + 1)))
        .await?;

    // Preview: how many stored meetings of the last 30 days a filter lets through,
    // the same number the API gives, and nothing saved.
    let industry = app.store.list_companies().await?[0]
        .fields
        .get("industry")
        .cloned()
        .ok_or("an industry")?;
    b.client
        .find(Locator::Css("#filter-row-1 select[name=field]"))
        .await?
        .select_by_value("Company.industry")
        .await?;
    fill(b, "#filter-row-1 input[name=value]", &industry).await?;
    b.click("#preview-settings").await?;
    let shown: u64 = wait_for(b, "#preview-pass").await?.text().await?.parse()?;
    let (status, api) = app
        .post(
            &format!("/connections/{id}/settings/preview"),
            json!({"filters": [format!("Company.industry = {industry}")]}),
        )
        .await;
    assert_eq!(status, 200, "{api}");
    assert_eq!(Some(shown), api["pass"].as_u64(), "{api}");
    assert!(api["filtered_out"].as_u64() > Some(0), "{api}");
    b.shot("settings-preview").await?;
    b.audit("settings-preview").await?;
    let (_, saved) = app.get(&format!("/connections/{id}/settings")).await;
    assert_eq!(saved["filters"], json!([]), "a preview saves nothing");

    // The execution log filtered by date and status.
    b.client.goto(&format!("{base}/log")).await?;
    b.client
        .find(Locator::Id("range"))
        .await?
        .select_by_value("today")
        .await?;
    let job_status = jobs["items"][0]["status"]
        .as_str()
        .ok_or("status")?
        .to_string();
    b.click(&format!("#status-checks input[value='{job_status}']"))
        .await?;
    b.click("#apply-filter").await?;
    b.client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(&format!("a[href='/log/jobs/{job}']")))
        .await?;
    b.shot("execution-log").await?;
    chart_with_table(b, "meetings-per-job").await?;
    chart_with_table(b, "job-durations").await?;
    let checked = b
        .client
        .find(Locator::Css(&format!(
            "#status-checks input[value='{job_status}']"
        )))
        .await?
        .prop("checked")
        .await?;
    assert_eq!(checked.as_deref(), Some("true"), "the filter stays checked");
    b.audit("execution-log").await?;
    for row in b.client.find_all(Locator::Css("tr.job")).await? {
        assert_eq!(
            row.attr("data-status").await?.as_deref(),
            Some(job_status.as_str())
        );
    }
    b.client
        .goto(&format!(
            "{base}/log?range=custom&from=2000-01-01&to=2000-01-02"
        ))
        .await?;
    b.client.find(Locator::Id("no-jobs")).await?;

    // A job's records and its .xlsx.
    b.visit(&format!("{base}/log/jobs/{job}"), "job").await?;
    b.audit("job").await?;
    records_are_cards_on_a_phone(b).await?;
    // One click downloads the workbook of the records the filter shows.
    let downloads = tempfile::tempdir()?;
    b.cdp(
        "Page.setDownloadBehavior",
        json!({"behavior": "allow", "downloadPath": downloads.path()}),
    )
    .await?;
    b.click("#record-filter input[value='Failed']").await?;
    b.click("#apply-record-filter").await?;
    b.client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_url(&url::Url::parse(&format!(
            "{base}/log/jobs/{job}?status=Failed"
        ))?)
        .await?;
    b.click("button.download").await?;
    let made = b
        .client
        .wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Id("download-link"))
        .await?
        .attr("href")
        .await?
        .ok_or("the download link has an href")?;
    let file = downloads.path().join(format!("job-{job}.xlsx"));
    wait_until(Duration::from_secs(15), "the .xlsx download", || {
        let file = file.clone();
        async move { file.exists() }
    })
    .await;
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&file)?;
    let range = book.worksheet_range("Execution log")?;
    assert_eq!(
        range.get((0, 4)),
        Some(&calamine::Data::String("Status".into()))
    );
    assert!(range.height() > 1, "the job has failed meetings");
    for row in 1..range.height() {
        assert_eq!(
            range.get((row, 4)),
            Some(&calamine::Data::String("Failed".into())),
            "the status filter is kept"
        );
    }
    // A later visit still lists the 30-day link beside the job, with its expiry.
    b.client.goto(&format!("{base}/log/jobs/{job}")).await?;
    let mut listed = Vec::new();
    for link in b.client.find_all(Locator::Css("#downloads li a")).await? {
        listed.push(link.attr("href").await?.unwrap_or_default());
    }
    assert_eq!(listed, vec![made], "the new link is listed");
    assert!(
        b.text("#downloads li").await?.contains("works until"),
        "with its expiry"
    );
    assert!(
        b.client
            .find_all(Locator::Id("download-link"))
            .await?
            .is_empty(),
        "a later visit downloads nothing"
    );
    b.shot("job-downloads").await?;
    b.audit("job-downloads").await?;

    // User management: resolve a conflict, sync, see the retried meeting created.
    let (_, failed) = app
        .get(&format!("/jobs/{job}/records?status=Failed&limit=500"))
        .await;
    let waiting: Vec<Value> = failed["items"]
        .as_array()
        .ok_or("records")?
        .iter()
        .filter(|r| {
            r["message"]
                .as_str()
                .unwrap_or_default()
                .contains("matches several users")
        })
        .cloned()
        .collect();
    b.client.goto(&format!("{base}/users")).await?;
    b.click("#load-users").await?;
    b.client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("#gong-users"))
        .await?;
    b.shot("user-management").await?;
    b.audit("user-management").await?;
    b.visit(&format!("{base}/users/timeline"), "timeline-users")
        .await?;
    b.client
        .find(Locator::Css("#timeline-users tr.timeline-user"))
        .await?;
    b.audit("timeline-users").await?;
    b.client.goto(&format!("{base}/users")).await?;
    b.click("#load-users").await?;
    wait_for(b, "#gong-users").await?;
    b.click("a.conflict").await?;
    b.client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("input.suggested"))
        .await?;
    b.shot("suggested-users").await?;
    b.audit("suggested-users").await?;
    b.click("input.suggested").await?;
    b.click("#save-mapping").await?;
    b.client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Id("resolved"))
        .await?;
    b.client.goto(&format!("{base}/connectors/{id}")).await?;
    b.click("#sync-now").await?;
    let job2 = job + 1;
    b.until_found(
        &format!("{base}/log/jobs/{job2}"),
        "#job-status",
        Duration::from_secs(10),
    )
    .await?;
    wait_until(Duration::from_secs(40), "the second sync", || async {
        !app.wait_for_sync(id).await.is_null()
    })
    .await;
    let call = waiting.first().ok_or("a meeting failed on the conflict")?["gong_call_id"]
        .as_str()
        .ok_or("call")?
        .to_string();
    b.client
        .goto(&format!("{base}/log/jobs/{job2}?status=Created"))
        .await?;
    b.client
        .find(Locator::Css(&format!("tr.record[data-call='{call}']")))
        .await?;
    b.shot("retried").await?;

    // A CSRF-less POST from the page is refused.
    let status = b.client.execute_async(
        "const done = arguments[arguments.length - 1]; fetch(arguments[0], {method: 'POST', credentials: 'same-origin'}).then(r => done(r.status));",
        vec![json!(format!("/connectors/{id}/sync"))]).await?;
    assert_eq!(status, json!(403));

    // The other pages: companies, an activity, tokens, imports, an error.
    b.visit(&format!("{base}/companies"), "companies").await?;
    b.audit("companies").await?;
    // Search as you type: the list narrows without submitting the form.
    let name = with_trackers["company"]["name"].as_str().ok_or("name")?;
    let part: String = name.chars().take(5).collect();
    b.client
        .find(Locator::Id("company-search"))
        .await?
        .send_keys(&part)
        .await?;
    b.client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(&format!(
            "#company-results[data-query='{part}']"
        )))
        .await?;
    let shown = b.client.find_all(Locator::Css("#companies li a")).await?;
    assert!(!shown.is_empty());
    for a in shown {
        let text = a.text().await?.to_lowercase();
        assert!(text.contains(&part.to_lowercase()), "{text} vs {part}");
    }
    b.visit(
        &format!("{base}/activities/{}", with_trackers["id"]),
        "activity",
    )
    .await?;
    b.audit("activity").await?;
    b.visit(&format!("{base}/tokens"), "tokens").await?;
    b.audit("tokens").await?;
    b.visit(&format!("{base}/connectors/{id}/pending"), "pending")
        .await?;
    assert!(b.text("#pending-count").await?.parse::<u64>().is_ok());
    b.audit("pending").await?;
    b.visit(&format!("{base}/privacy"), "privacy").await?;
    b.audit("privacy").await?;
    imports(b, app).await?;
    connection_lifecycle(b, app, other).await?;
    webhook_card(b, app, id).await?;
    webhook_batches_grouped(b, app, id).await?;
    typing_survives_a_running_job(b, app, id).await?;
    b.visit(&format!("{base}/no-such-page"), "not-found")
        .await?;
    assert!(!b.text("#error").await?.is_empty());
    b.client
        .find(Locator::Css("nav a[href='/connectors']"))
        .await?;
    b.audit("not-found").await?;
    single_sign_on(b, app, idp).await?;
    Ok(())
}

/// A2: a member signs in with the OpenID Connect provider and lands on the
/// Timeline; a token for another audience, with another nonce or expired, and an
/// email of a domain not allowed, are each refused with a page that says why.
async fn single_sign_on(b: &mut Browser, app: &TestApp, idp: &Provider) -> R {
    let base = &app.base;
    let member = |fault| {
        let mut claims = serde_json::Map::new();
        claims.insert("role".into(), json!("member"));
        Next {
            email: "csm@example.org".into(),
            claims,
            fault,
        }
    };
    b.client.delete_all_cookies().await?;
    idp.sign_in_next(member(Fault::None));
    b.visit(&format!("{base}/login"), "login-sso").await?;
    b.click("#sso").await?;
    b.client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Id("company-search"))
        .await?;
    assert!(b
        .client
        .current_url()
        .await?
        .path()
        .starts_with("/companies"));
    let refusals = [
        (member(Fault::WrongAudience), "audience"),
        (member(Fault::WrongNonce), "nonce"),
        (member(Fault::Expired), "expired"),
        (
            Next {
                email: "someone@elsewhere.example".into(),
                ..member(Fault::None)
            },
            "domain is not one this Timeline allows",
        ),
    ];
    for (next, why) in refusals {
        b.client.delete_all_cookies().await?;
        idp.sign_in_next(next);
        b.client.goto(&format!("{base}/login")).await?;
        b.click("#sso").await?;
        let text = b.text("#sso-error").await?;
        assert!(text.contains(why), "{why}: {text}");
        b.client.goto(&format!("{base}/companies")).await?;
        assert!(
            b.client.current_url().await?.path().starts_with("/login"),
            "{why}: no session"
        );
    }
    b.client.goto(&format!("{base}/login")).await?;
    b.click("#sso").await?;
    b.text("#sso-error").await?;
    b.audit("sso-refused").await?;
    Ok(())
}

/// #20 item 5: on a phone a job's records are cards: Status and Message are inside
/// the window, each labelled with its column; no sideways scroll.
async fn records_are_cards_on_a_phone(b: &Browser) -> R {
    b.set_width(390).await?;
    let seen = b
        .client
        .execute(
            r#"const row = document.querySelector('#records tr.record');
            return ['td.status', 'td.message'].map(css => {
              const cell = row.querySelector(css), r = cell.getBoundingClientRect();
              return [r.left >= 0 && r.right <= window.innerWidth && r.width > 0,
                      getComputedStyle(cell, '::before').content];
            });"#,
            vec![],
        )
        .await?;
    b.set_width(1280).await?;
    assert_eq!(
        seen,
        json!([[true, "\"Status\""], [true, "\"Message\""]]),
        "Status and Message inside a 390 px window, labelled"
    );
    Ok(())
}

/// #20 item 3: webhook batches of one hour are one row of the log that opens to
/// each batch; the row says how many, their meetings and the failed ones.
async fn webhook_batches_grouped(b: &mut Browser, app: &TestApp, id: i64) -> R {
    use gong_timeline_domain::{JobStatus, Trigger};
    use gong_timeline_store::{JobCounts, JobFinish, Lease};
    for failed in [0, 1, 0, 1, 0] {
        let now = chrono::Utc::now();
        let lease = Lease {
            owner: "browser".into(),
            expires_at: now + chrono::Duration::minutes(5),
        };
        let job = app
            .store
            .try_start_job(ConnectionId::new(id), Trigger::Webhook, lease, now)
            .await?
            .ok_or("a webhook batch starts")?;
        let finish = JobFinish {
            status: if failed == 1 {
                JobStatus::Failed
            } else {
                JobStatus::Success
            },
            counts: JobCounts {
                fetched: 1,
                created: 1 - failed,
                failed,
                ..JobCounts::default()
            },
            finished_at: chrono::Utc::now(),
            message: None,
            gong: None,
            fence: None,
        };
        app.store.finish_job(job, finish).await?;
    }
    b.visit(&format!("{}/log", app.base), "execution-log-webhooks")
        .await?;
    let summary = b.text("details.webhook-batches summary").await?;
    assert!(
        summary.contains("webhook batches, ")
            && summary.contains(" meetings, ")
            && summary.contains(" failed"),
        "{summary}"
    );
    b.click("details.webhook-batches summary").await?;
    let listed = b
        .client
        .find_all(Locator::Css("details.webhook-batches[open] li.job a"))
        .await?;
    assert!(listed.len() >= 5, "each batch listed: {}", listed.len());
    b.audit("execution-log-webhooks").await?;
    Ok(())
}

async fn fill(b: &Browser, css: &str, text: &str) -> R {
    let field = b.client.find(Locator::Css(css)).await?;
    field.clear().await?;
    field.send_keys(text).await?;
    Ok(())
}

/// #20 item 2: while a job runs the connection page polls its status in place; what
/// is typed into its forms stays, and once the job ends a link offers the reload.
async fn typing_survives_a_running_job(b: &Browser, app: &TestApp, id: i64) -> R {
    let base = &app.base;
    // Each Gong request takes 3 s, so the job is still running while the page is used.
    app.sim.controls().set_latency(Duration::from_secs(3));
    b.client.goto(&format!("{base}/connectors/{id}")).await?;
    b.click("#sync-now").await?;
    wait_for(b, "#sync-status[data-follow][aria-live='polite']").await?;
    fill(b, "#update-name", "typed while a job runs").await?;
    app.sim.controls().set_latency(Duration::ZERO);
    wait_for(b, "#job-finished-reload").await?;
    let typed = b
        .client
        .find(Locator::Css("#update-name"))
        .await?
        .prop("value")
        .await?;
    assert_eq!(typed.as_deref(), Some("typed while a job runs"));
    assert!(b.text("#sync-status").await?.contains("Job "));
    Ok(())
}

async fn wait_for(b: &Browser, css: &str) -> R<fantoccini::elements::Element> {
    Ok(b.client
        .wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css(css))
        .await?)
}

/// The card's "Read the transcript" opens who said what and when (S9): each turn
/// with its speaker's name, side badge and time, as the API has them; audited at
/// both widths. On the way, the card's outcome shows its sentiment. `job` is the
/// sync that fetched the transcripts.
async fn transcript_page(b: &mut Browser, app: &TestApp, job: i64) -> R {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while app.get(&format!("/jobs/{job}")).await.1["status"] == "In progress" {
        if tokio::time::Instant::now() > deadline {
            return Err(format!("job {job} did not finish").into());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let (_, activities) = app.get("/activities?limit=200").await;
    let mut found = None;
    for a in activities["items"].as_array().ok_or("activities")? {
        let aid = a["id"].as_i64().ok_or("id")?;
        let (status, t) = app.get(&format!("/activities/{aid}/transcript")).await;
        if status == 200 && t["monologues"].as_array().is_some_and(|m| !m.is_empty()) {
            found = Some((aid, t));
            break;
        }
    }
    let (aid, transcript) = found.ok_or("an activity with a transcript")?;
    b.visit(&format!("{}/activities/{aid}", app.base), "activity")
        .await?;
    // The outcome's sentiment (S9) is a badge's word on the card.
    let (_, activity) = app.get(&format!("/activities/{aid}")).await;
    if let Some(sentiment) = activity["outcome"]["sentiment"].as_str() {
        assert_eq!(
            b.text(&format!("#activity-{aid} .outcome .sentiment .badge"))
                .await?,
            sentiment
        );
    }
    b.click(&format!("#activity-{aid} .transcript-link"))
        .await?;
    wait_for(b, ".transcript .monologue").await?;
    b.shot("transcript").await?;
    let first = &transcript["monologues"][0];
    assert_eq!(
        b.text(".monologue:first-child .speaker strong").await?,
        first["speaker"].as_str().ok_or("speaker")?
    );
    let side = b.text(".monologue:first-child .speaker .badge").await?;
    let expected = match first["affiliation"].as_str() {
        Some("Internal") => "Internal",
        Some("External") => "External",
        _ => "Unknown side",
    };
    assert_eq!(side, expected, "the side as a badge's word");
    assert_eq!(
        b.text(".monologue:first-child .sentence time").await?,
        first["sentences"][0]["at"].as_str().ok_or("at")?
    );
    let sides: Vec<String> = {
        let mut words = Vec::new();
        for badge in b
            .client
            .find_all(Locator::Css(".monologue .speaker .badge"))
            .await?
        {
            words.push(badge.text().await?);
        }
        words
    };
    assert_eq!(
        sides.len(),
        transcript["monologues"].as_array().map_or(0, Vec::len),
        "one side badge per turn"
    );
    b.audit("transcript").await
}

/// Clicks Initiate Sync until the connection has a job (at most three clicks, 10 s
/// each): a click that lands while the page is still settling after a redirect can
/// be lost, and the journey is about what the page shows next, not about that.
async fn click_until_a_job_starts(b: &Browser, app: &TestApp, id: i64) -> R {
    let filter = gong_timeline_store::JobFilter {
        connection_id: Some(ConnectionId::new(id)),
        ..Default::default()
    };
    for _ in 0..3 {
        b.click("#initiate-sync").await?;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while tokio::time::Instant::now() < deadline {
            if app.store.count_jobs(&filter).await? > 0 {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    Err("three clicks on Initiate Sync started no job".into())
}

/// C5, C6, T5: a wrong key refused at create, the key re-entered after Gong refused it,
/// a typed filter error beside its row, and a delete after its confirmation.
///
/// `other` is another Gong account: a second connection to the account "Gong OAuth"
/// already syncs would be refused (S10).
async fn connection_lifecycle(b: &mut Browser, app: &TestApp, other: &SimHandle) -> R {
    let base = &app.base;
    let before = app.store.list_connections().await?.len();
    b.client.goto(&format!("{base}/connectors")).await?;
    fill(b, "#connection-name", "Gong key").await?;
    // #20 item 9: OAuth (picked first) hides the access-key fields; Access key shows them.
    let key_fields = b.client.find(Locator::Id("access-key-fields")).await?;
    assert!(
        !key_fields.is_displayed().await?,
        "OAuth hides the key fields"
    );
    b.click("#kind-basic").await?;
    assert!(key_fields.is_displayed().await?, "Access key shows them");
    fill(b, "#base-url", &other.base_url()).await?;
    fill(b, "#access-key", "sim-access-key").await?;
    fill(b, "#access-key-secret", "not-the-secret").await?;
    b.click("#authorize").await?;
    let refused = wait_for(b, "#access-key-error").await?.text().await?;
    assert!(refused.contains("Gong refused the access key"), "{refused}");
    b.shot("wrong-key-refused").await?;
    b.audit("wrong-key-refused").await?;
    assert_eq!(
        app.store.list_connections().await?.len(),
        before,
        "nothing stored"
    );
    fill(b, "#access-key", "sim-access-key").await?;
    fill(b, "#access-key-secret", "sim-secret").await?;
    b.click("#authorize").await?;
    wait_for(b, "#connected").await?;
    let id = app
        .store
        .connection_by_name("Gong key")
        .await?
        .ok_or("created")?
        .id;

    // Gong refuses the key at the next sync; the page says so and why.
    other.controls().fail_next(1, 401);
    click_until_a_job_starts(b, app, id.get()).await?;
    b.until_found(
        &format!("{base}/connectors/{id}"),
        "#connection-status .status-needs-reauthorisation",
        Duration::from_secs(30),
    )
    .await?;
    assert!(b.text("#job-message").await?.contains("Gong refused"));
    b.shot("needs-reauthorisation").await?;
    b.audit("needs-reauthorisation").await?;
    fill(b, "#update-access-key", "sim-access-key").await?;
    fill(b, "#update-access-key-secret", "sim-secret").await?;
    b.click("#save-connection").await?;
    wait_for(b, "#updated").await?;
    wait_for(b, "#connection-status .status-authorised").await?;

    // A typed filter error shows beside its row, the row kept as typed.
    b.client
        .goto(&format!("{base}/connectors/{id}/settings"))
        .await?;
    b.client
        .find(Locator::Css("#filter-row-1 select[name=field]"))
        .await?
        .select_by_value("Company.arr")
        .await?;
    b.client
        .find(Locator::Css("#filter-row-1 select[name=op]"))
        .await?
        .select_by_value(">")
        .await?;
    fill(b, "#filter-row-1 input[name=value]", "abc").await?;
    b.click("#save-settings").await?;
    let error = wait_for(b, "#filter-row-1 #filter-1-error")
        .await?
        .text()
        .await?;
    assert!(
        error.contains("number field") && error.contains("'abc'"),
        "{error}"
    );
    let kept = b
        .client
        .find(Locator::Css("#filter-row-1 input[name=value]"))
        .await?
        .prop("value")
        .await?;
    assert_eq!(kept.as_deref(), Some("abc"));
    b.shot("typed-filter-error").await?;
    b.audit("typed-filter-error").await?;

    // Delete, after a confirmation saying what is kept.
    b.client.goto(&format!("{base}/connectors/{id}")).await?;
    b.click("#delete-connection").await?;
    let confirm = wait_for(b, "#delete-form").await?.text().await?;
    assert!(confirm.contains("execution log are kept"), "{confirm}");
    b.shot("delete-confirmation").await?;
    b.audit("delete-confirmation").await?;
    b.click("#confirm-delete").await?;
    wait_for(b, "#deleted").await?;
    assert!(app.store.get_connection(id).await?.is_none());
    Ok(())
}

/// Gong's webhook set up on the page with the simulator's public key; Gong's "Test"
/// and a new call pushed; the worker brings the call; the page shows the URL, the
/// test and the freshness figures.
async fn webhook_card(b: &mut Browser, app: &TestApp, id: i64) -> R {
    use gong_timeline_sync::webhooks::{WebhookWorker, WorkerOptions};
    let base = &app.base;
    b.client.goto(&format!("{base}/connectors/{id}")).await?;
    wait_for(b, "#webhook-none").await?;
    b.click("#webhook-mode-jwt").await?;
    fill(b, "#webhook-public-key", &app.sim.webhook_public_key_pem()).await?;
    b.click("#webhook-save").await?;
    wait_for(b, "#webhook-saved").await?;
    let url = b.text("#webhook-url").await?;
    assert!(url.starts_with(&format!("{base}/webhooks/gong/")), "{url}");
    assert!(b.text("#webhook-mode").await?.contains("signed JWT"));

    app.sim.controls().set_webhook_url(Some(&url));
    let tested = app.sim.controls().send_test_webhook().await?;
    assert_eq!(tested, 200, "the test ping is taken");
    let call = app.sim.add_new_calls(1)?.remove(0);
    wait_until(
        Duration::from_secs(10),
        "the pushed call to be queued",
        || async {
            !app.store
                .webhook_backlogs()
                .await
                .unwrap_or_default()
                .is_empty()
        },
    )
    .await;
    let engine = gong_timeline_sync::Engine::new(app.store.clone(), Default::default());
    let options = WorkerOptions {
        batch_delay: Duration::ZERO,
        ..WorkerOptions::default()
    };
    WebhookWorker::new(engine, Default::default(), options)
        .tick()
        .await?;
    app.sim.controls().set_webhook_url(None);
    let jobs = app.items("/jobs?limit=500").await;
    let job = jobs
        .iter()
        .find(|j| j["trigger"] == "webhook")
        .ok_or("a webhook job")?;
    let records = app.items(&format!("/jobs/{}/records", job["id"])).await;
    assert!(
        records.iter().any(|r| r["gong_call_id"] == call.as_str()),
        "the pushed call {call} is logged by the webhook job {job}: {records:?}"
    );

    b.client.goto(&format!("{base}/connectors/{id}")).await?;
    assert!(b.text("#webhook-test").await?.contains("Test received at"));
    let freshness = b.text("#webhook-freshness").await?;
    assert!(
        freshness.contains("p95") && freshness.contains("over 1 calls"),
        "{freshness}"
    );
    // #20 item 8: the 1-meeting webhook batch is visible beside the 300-meeting sync.
    let heights = b
        .client
        .execute(
            r#"const bars = [...document.querySelectorAll('#connection-jobs rect')];
            const high = label => Math.max(0, ...bars.filter(r => r.textContent.startsWith(label + ' '))
                .map(r => r.getBoundingClientRect().height));
            return [high(arguments[0]), high(arguments[1])];"#,
            vec![json!(format!("#{}", job["id"])), json!(format!("#{}", jobs.iter().filter(|j| j["trigger"] != "webhook" && j["connection_id"] == id).map(|j| j["id"].as_i64().unwrap_or(0)).min().unwrap_or(0)))],
        )
        .await?;
    let (batch, sync) = (
        heights[0].as_f64().unwrap_or(0.0),
        heights[1].as_f64().unwrap_or(0.0),
    );
    assert!(
        batch >= 2.0 && sync > 20.0 * batch.min(3.0),
        "webhook batch {batch}px beside the first sync {sync}px"
    );
    b.shot("webhook").await?;
    b.audit("webhook").await?;
    Ok(())
}

/// A users CSV with two bad rows is refused whole, each bad row listed.
async fn imports(b: &mut Browser, app: &TestApp) -> R {
    let before = app.store.list_users().await?.len();
    b.visit(&format!("{}/imports", app.base), "imports").await?;
    let csv = app.export_dir.join("users-with-bad-rows.csv");
    std::fs::write(
        &csv,
        "email,name,license_type,status\nnew.person@example.com,New Person,Full,Active\nnot-an-email,Bad Email,Full,Active\nok@example.com,Bad Status,Full,Sleeping\n",
    )?;
    b.client
        .find(Locator::Css("#import-users input[type=file]"))
        .await?
        .send_keys(&csv.display().to_string())
        .await?;
    b.click("#import-users button[type=submit]").await?;
    b.client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Id("import-errors"))
        .await?;
    let mut rows = Vec::new();
    for tr in b
        .client
        .find_all(Locator::Css("#import-errors tr.bad-row"))
        .await?
    {
        rows.push(tr.text().await?);
    }
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(
        rows[0].contains('3') && rows[0].contains("email") && rows[0].contains("not-an-email"),
        "{rows:?}"
    );
    assert!(
        rows[1].contains('4') && rows[1].contains("status") && rows[1].contains("Sleeping"),
        "{rows:?}"
    );
    assert_eq!(
        app.store.list_users().await?.len(),
        before,
        "nothing stored"
    );
    b.shot("import-refused").await?;
    b.audit("import-refused").await?;
    Ok(())
}

async fn run(shots: PathBuf) {
    let Some((chrome, driver)) = browser_binaries() else {
        return;
    };
    let idp = Provider::start().await;
    let oidc = gong_timeline_web::OidcConfig {
        issuer: idp.issuer.clone(),
        client_id: idp.client_id.clone(),
        client_secret: idp.client_secret.clone(),
        allowed_domains: vec!["example.org".into()],
        roles: gong_timeline_web::RoleSource::Claim("role".into()),
        display_name: "Test IdP".into(),
    };
    // S10: a second Gong account, for the connection the lifecycle makes beside the
    // first one.
    let other = gong_timeline_gong_sim::start(gong_timeline_gong_sim::SimConfig {
        account: 1,
        ..gong_timeline_gong_sim::SimConfig::default()
    })
    .await
    .expect("a second simulator");
    let other_host = other.addr().to_string();
    let app = spawn_app_with(Options {
        calls: 300,
        web: Some(std::sync::Arc::new(move |w| {
            w.oidc = Some(oidc.clone());
            w.allowed_gong_hosts.push(other_host.clone());
        })),
        ..Options::default()
    })
    .await;
    let mut browser = start_browser(&chrome, &driver, shots.clone())
        .await
        .expect("chromedriver and Chromium start");
    let mut outcome = journey(&app, &mut browser, &idp, &other).await;
    if outcome.is_ok() && !browser.problems.is_empty() {
        outcome = Err(format!(
            "{} accessibility or layout problems:\n{}",
            browser.problems.len(),
            browser.problems.join("\n")
        )
        .into());
    }
    if outcome.is_ok() {
        eprintln!(
            "browser journey: {} pages audited (both themes, {WIDTHS:?} px)",
            browser.audited
        );
        for width in WIDTHS {
            let (severe, minor) = browser.axe_counts.get(&width).copied().unwrap_or_default();
            eprintln!("axe-core at {width}px: {severe} serious or critical, {minor} moderate or minor violations");
        }
        let rows: Vec<String> = browser
            .rows_seen
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(page, n)| format!("{page} {n}"))
            .collect();
        eprintln!("table rows of the audited pages: {}", rows.join(", "));
    }
    if outcome.is_err() {
        let _ = browser.shot("failure").await;
    }
    let client = browser.client.clone();
    let _ = client.close().await;
    if let Err(error) = outcome {
        panic!(
            "browser journey failed: {error} (screenshots in {})",
            shots.display()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(browser_tests),
    ignore = "needs Chromium and chromedriver: apt-get install -y chromium chromium-driver, then REQUIRE_BROWSER=1 cargo test -p gong_timeline_web --test browser"
)]
async fn an_admin_connects_gong_syncs_reads_the_timeline_and_log_and_resolves_a_conflict() {
    run(PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("browser-screenshots")).await;
}
