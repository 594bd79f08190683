//! Gong's webhooks: set up on the connection page, and their batches in the log.

use std::time::Duration;

use fantoccini::Locator;
use gong_timeline_store::ConnectionId;
use serde_json::json;

use crate::harness::{fill, wait_for, Browser, R};
use crate::helpers::{wait_until, TestApp};
use crate::world::in_a_browser;

/// Gong's webhook set up on the page with the simulator's public key; Gong's "Test"
/// and a new call pushed; the worker brings the call; the page shows the URL, the
/// test and the freshness figures, and the one-meeting batch's bar beside the first
/// sync's (#20 item 8).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(browser_tests),
    ignore = "needs Chromium and chromedriver: apt-get install -y chromium chromium-driver, then REQUIRE_BROWSER=1 cargo test -p gong_timeline_web --test browser"
)]
async fn a_webhook_set_up_on_the_connection_page_brings_a_pushed_call() {
    in_a_browser("webhook", async |w| {
        let id = w.synced().await?.id;
        webhook_card(&mut w.b, &w.app, id).await
    })
    .await;
}

/// #20 item 3: webhook batches of one hour are one row of the log that opens to
/// each batch; the row says how many, their meetings and the failed ones.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(browser_tests),
    ignore = "needs Chromium and chromedriver: apt-get install -y chromium chromium-driver, then REQUIRE_BROWSER=1 cargo test -p gong_timeline_web --test browser"
)]
async fn webhook_batches_of_one_hour_are_one_row_of_the_log() {
    in_a_browser("webhook-batches", async |w| {
        let id = w.connected().await?;
        webhook_batches_grouped(&mut w.b, &w.app, id).await
    })
    .await;
}

async fn webhook_card(b: &mut Browser, app: &TestApp, id: ConnectionId) -> R {
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
            vec![json!(format!("#{}", job["id"])), json!(format!("#{}", jobs.iter().filter(|j| j["trigger"] != "webhook" && j["connection_id"] == id.get()).map(|j| j["id"].as_i64().unwrap_or(0)).min().unwrap_or(0)))],
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

async fn webhook_batches_grouped(b: &mut Browser, app: &TestApp, id: ConnectionId) -> R {
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
            .try_start_job(id, Trigger::Webhook, lease, now)
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
