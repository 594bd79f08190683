//! The audit itself: it can fail.

use crate::harness::{Browser, R};
use crate::world::in_a_browser;

/// A missing alt text (axe-core) and a block wider than a phone are both caught;
/// the problems are taken back so the test passes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(browser_tests),
    ignore = "needs Chromium and chromedriver: apt-get install -y chromium chromium-driver, then REQUIRE_BROWSER=1 cargo test -p gong_timeline_web --test browser"
)]
async fn the_audit_catches_a_missing_alt_text_and_a_page_wider_than_a_phone() {
    in_a_browser("audit", async |w| audit_self_check(&mut w.b).await).await;
}

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
