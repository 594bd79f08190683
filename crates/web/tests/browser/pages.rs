//! The pages with nothing to set up: tokens, privacy, and an unknown address.

use fantoccini::Locator;

use crate::world::in_a_browser;

/// The tokens and privacy pages pass the audit; an unknown address shows an error
/// page that keeps the navigation.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(browser_tests),
    ignore = "needs Chromium and chromedriver: apt-get install -y chromium chromium-driver, then REQUIRE_BROWSER=1 cargo test -p gong_timeline_web --test browser"
)]
async fn the_tokens_privacy_and_not_found_pages_pass_the_audit() {
    in_a_browser("pages", async |w| {
        w.signed_in().await?;
        let (base, b) = (&w.app.base, &mut w.b);
        b.visit(&format!("{base}/tokens"), "tokens").await?;
        b.audit("tokens").await?;
        b.visit(&format!("{base}/privacy"), "privacy").await?;
        b.audit("privacy").await?;
        b.visit(&format!("{base}/no-such-page"), "not-found")
            .await?;
        assert!(!b.text("#error").await?.is_empty());
        b.client
            .find(Locator::Css("nav a[href='/connectors']"))
            .await?;
        b.audit("not-found").await
    })
    .await;
}
