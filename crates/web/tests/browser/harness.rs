//! The browser and its checks: Chromium through chromedriver, the accessibility and
//! layout audit of a page, and the waits every test uses (each bounded).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

pub type R<T = ()> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

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
pub fn browser_binaries() -> Option<(PathBuf, PathBuf)> {
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

pub fn required() -> bool {
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
pub const WIDTHS: [u32; 2] = [1280, 390];

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

/// chromedriver on a port of its own, killed on drop, and a WebDriver session:
/// one Chromium with its own profile.
pub struct Browser {
    pub client: Client,
    _driver: Driver,
    _profile: tempfile::TempDir,
    shots: PathBuf,
    n: usize,
    pub axe: Option<String>,
    pub readme_shots: Option<PathBuf>,
    /// Accessibility and layout problems, reported together when the test ends.
    pub problems: Vec<String>,
    pub audited: usize,
    /// axe-core's violations per width: (serious or critical, moderate or minor).
    pub axe_counts: std::collections::BTreeMap<u32, (usize, usize)>,
    /// The most table rows an audited page showed, per page name.
    pub rows_seen: Vec<(String, u64)>,
}

/// chromedriver, killed on drop: also when the session never starts.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// chromedriver on the port it picks itself (`--port=0`: tests running side by side
/// never race for one), a Chromium session with a fresh profile; this test's
/// screenshots go to `shots`, emptied first.
pub async fn start_browser(chrome: &Path, driver: &Path, shots: PathBuf) -> R<Browser> {
    let mut child = Driver(
        Command::new(driver)
            .arg("--port=0")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?,
    );
    let port = driver_port(&mut child.0).await?;
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
    let _ = std::fs::remove_dir_all(&shots);
    std::fs::create_dir_all(&shots)?;
    Ok(Browser {
        client,
        _driver: child,
        _profile: profile,
        shots,
        n: 0,
        axe: axe_source(),
        readme_shots: readme_shots()?,
        problems: Vec::new(),
        audited: 0,
        axe_counts: Default::default(),
        rows_seen: Vec::new(),
    })
}

/// The port chromedriver says it listens on ("… started successfully on port N."),
/// at most 20 s; its further output is read and dropped.
async fn driver_port(child: &mut Child) -> R<u16> {
    use std::io::BufRead;
    let out = child.stdout.take().ok_or("chromedriver's stdout")?;
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        let mut tx = Some(tx);
        for line in std::io::BufReader::new(out).lines().map_while(Result::ok) {
            let port = line
                .split_once("started successfully on port ")
                .and_then(|(_, rest)| rest.trim_end_matches('.').parse::<u16>().ok());
            if let Some(port) = port {
                if let Some(tx) = tx.take() {
                    let _ = tx.send(port);
                }
            }
        }
    });
    match tokio::time::timeout(Duration::from_secs(20), rx).await {
        Ok(Ok(port)) if port != 0 => Ok(port),
        _ => Err("chromedriver did not say which port it listens on within 20 s".into()),
    }
}

/// `docs/screenshots` under SCREENSHOTS=1, emptied once per run of this file: the
/// whole file re-takes every screenshot (a filtered run leaves only its own).
fn readme_shots() -> R<Option<PathBuf>> {
    static EMPTIED: std::sync::Once = std::sync::Once::new();
    if std::env::var("SCREENSHOTS").as_deref() != Ok("1") {
        return Ok(None);
    }
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/screenshots");
    EMPTIED.call_once(|| {
        let _ = std::fs::remove_dir_all(&dir);
    });
    std::fs::create_dir_all(&dir)?;
    Ok(Some(dir))
}

impl Browser {
    pub async fn shot(&mut self, name: &str) -> R {
        self.n += 1;
        let png = self.client.screenshot().await?;
        std::fs::write(self.shots.join(format!("{:02}-{name}.png", self.n)), png)?;
        Ok(())
    }

    pub async fn cdp(&self, cmd: &'static str, params: Value) -> R<Value> {
        Ok(self.client.issue_cmd(Cdp(cmd, params)).await?)
    }

    pub async fn set_theme(&self, dark: bool) -> R {
        let scheme = if dark { "dark" } else { "light" };
        self.cdp(
            "Emulation.setEmulatedMedia",
            json!({"features": [{"name": "prefers-color-scheme", "value": scheme}]}),
        )
        .await?;
        Ok(())
    }

    /// A desktop window, or a phone (mobile emulation honours the viewport meta).
    pub async fn set_width(&self, width: u32) -> R {
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
    pub async fn axe_violations(&self) -> R<Vec<String>> {
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
    /// and reported together when the test ends.
    pub async fn audit(&mut self, name: &str) -> R {
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
    pub async fn axe_check(&mut self, at: &str, width: u32) -> R {
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
    pub async fn layout_checks(&mut self, at: &str) -> R {
        let found = self.client.execute(LAYOUT_CHECKS, vec![]).await?;
        let found: Vec<String> = serde_json::from_value(found)?;
        self.problems
            .extend(found.into_iter().map(|p| format!("{at}: {p}")));
        Ok(())
    }

    pub async fn visit(&mut self, url: &str, name: &str) -> R {
        self.client.goto(url).await?;
        self.shot(name).await
    }

    /// Reloads `url` until `css` matches, at most `bound`.
    pub async fn until_found(&self, url: &str, css: &str, bound: Duration) -> R {
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

    pub async fn text(&self, css: &str) -> R<String> {
        Ok(self
            .client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await?
            .text()
            .await?)
    }

    pub async fn click(&self, css: &str) -> R {
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
pub async fn chart_with_table(b: &Browser, id: &str) -> R {
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

pub async fn fill(b: &Browser, css: &str, text: &str) -> R {
    let field = b.client.find(Locator::Css(css)).await?;
    field.clear().await?;
    field.send_keys(text).await?;
    Ok(())
}

/// Waits, at most 15 s, until the page shown is one whose address contains `part`:
/// a form's submission has then replaced the page, and what is found next is on
/// the new one (an element of the old page would be stale by the time it is read).
pub async fn wait_for_address(b: &Browser, part: &str) -> R {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        if b.client.current_url().await?.as_str().contains(part) {
            return Ok(());
        }
        if tokio::time::Instant::now() > deadline {
            return Err(format!("timed out waiting for an address with {part}").into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub async fn wait_for(b: &Browser, css: &str) -> R<fantoccini::elements::Element> {
    Ok(b.client
        .wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css(css))
        .await?)
}
