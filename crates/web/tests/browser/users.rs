//! Users: the Gong and Timeline users, a conflict resolved, and a users CSV.

use std::time::Duration;

use fantoccini::Locator;
use serde_json::Value;

use crate::harness::{wait_for, Browser, R};
use crate::helpers::{wait_until, TestApp};
use crate::world::{click_until_a_job_starts, in_a_browser};

/// The Gong users load (Conflicts first) and the Timeline's users are listed; a
/// meeting that failed on a Gong user matching several Timeline users is created by
/// the next sync once a Suggested User is picked for the conflict on the page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(browser_tests),
    ignore = "needs Chromium and chromedriver: apt-get install -y chromium chromium-driver, then REQUIRE_BROWSER=1 cargo test -p gong_timeline_web --test browser"
)]
async fn a_user_conflict_resolved_on_the_page_lets_the_next_sync_create_the_meeting() {
    in_a_browser("user-conflict", async |w| {
        let synced = w.synced().await?;
        let (app, b) = (&w.app, &mut w.b);
        let (base, id, job) = (&app.base, synced.id, synced.job);
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
        click_until_a_job_starts(b, app, id, "#sync-now").await?;
        let job2 = job + 1;
        b.until_found(
            &format!("{base}/log/jobs/{job2}"),
            "#job-status",
            Duration::from_secs(10),
        )
        .await?;
        wait_until(Duration::from_secs(40), "the second sync", || async {
            !app.wait_for_sync(id.get()).await.is_null()
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
        Ok(())
    })
    .await;
}

/// A users CSV with two bad rows is refused whole, each bad row listed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(browser_tests),
    ignore = "needs Chromium and chromedriver: apt-get install -y chromium chromium-driver, then REQUIRE_BROWSER=1 cargo test -p gong_timeline_web --test browser"
)]
async fn a_users_csv_with_bad_rows_is_refused_whole_each_row_listed() {
    in_a_browser("import-refused", async |w| {
        w.signed_in().await?;
        imports(&mut w.b, &w.app).await
    })
    .await;
}

async fn imports(b: &mut Browser, app: &TestApp) -> R {
    let before = app.store.list_users().await?.len();
    b.visit(&format!("{}/imports", app.base), "imports").await?;
    let dir = tempfile::tempdir()?;
    let csv = dir.path().join("users-with-bad-rows.csv");
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
