//! Says whether the browser tests (`tests/browser/`) can run here: with Chromium and
//! chromedriver found (in the places the tests look, or `CHROME` / `CHROMEDRIVER`) or
//! `REQUIRE_BROWSER=1` (CI: a missing browser then fails them), `cfg(browser_tests)` is
//! set; without, each test reports itself as ignored with the reason, instead of
//! passing without running.
//! Installed a browser since the last build? `REQUIRE_BROWSER=1` re-checks.

const CHROMIUM: &[&str] = &[
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
];
const CHROMEDRIVER: &[&str] = &["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"];

fn found(candidates: &[&str], env: &str) -> bool {
    std::env::var_os(env)
        .map(std::path::PathBuf::from)
        .into_iter()
        .chain(candidates.iter().map(std::path::PathBuf::from))
        .any(|p| p.exists())
}

fn main() {
    println!("cargo::rustc-check-cfg=cfg(browser_tests)");
    for env in ["REQUIRE_BROWSER", "CHROME", "CHROMEDRIVER"] {
        println!("cargo::rerun-if-env-changed={env}");
    }
    let required = std::env::var("REQUIRE_BROWSER").is_ok_and(|v| v == "1");
    if required || (found(CHROMIUM, "CHROME") && found(CHROMEDRIVER, "CHROMEDRIVER")) {
        println!("cargo::rustc-cfg=browser_tests");
    }
}
