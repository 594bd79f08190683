//! Browser tests: real headless Chromium driven through chromedriver (Debian's
//! `chromium` and `chromium-driver`). Without them the tests report themselves as
//! ignored (`build.rs` sets `cfg(browser_tests)` when it finds them) and say so loudly
//! if run anyway; under `REQUIRE_BROWSER=1` (set by `.ci/run`) a missing browser fails them.
//!
//! Run: `apt-get install -y chromium chromium-driver`, then
//! `REQUIRE_BROWSER=1 cargo test -p gong_timeline_web --test browser`.
//!
//! One test per behaviour, modules by area. Each builds the world it needs with the
//! fixtures of [`world`]: its own app, simulators and Chromium, signed in, with an
//! OAuth connection, or synced once ([`world::World::synced`]); no test relies on
//! another having run. Tests run one browser at a time ([`world::in_a_browser`] says
//! why). Screenshots of every page a test visits go to
//! `target/tmp/browser-screenshots/<test>/` (the last one shows the failure).
//!
//! Every page a test reaches is audited in the light and the dark theme
//! (`prefers-color-scheme` emulated over the DevTools protocol) at 1280 px and at
//! 390 px (a phone: mobile emulation, so the viewport meta counts): no horizontal
//! page overflow, and axe-core reports no serious or critical violation; the test
//! fails listing every problem it found. axe-core is the npm package (`npm install
//! --prefix DIR axe-core@4`); `AXE_CORE` names its `axe.min.js` (`.ci/run` sets it).
//! Without it the audit is skipped loudly, unless `REQUIRE_BROWSER=1`.
//! `SCREENSHOTS=1` empties `docs/screenshots` and writes `<page>-1280.png` and
//! `<page>-390.png` (and `<page>-1280-dark.png`) for every audited page: run the
//! whole file then, as a filtered run leaves only the pages of its tests.

#[path = "../api/helpers.rs"]
mod helpers;
#[path = "../api/oidc_provider.rs"]
mod oidc_provider;

mod harness;
mod world;

mod audit;
mod connections;
mod log;
mod pages;
mod sign_in;
mod timeline;
mod users;
mod webhooks;
