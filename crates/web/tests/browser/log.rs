//! The execution log: filtered, a job's records on a phone, and their workbook.

use std::time::Duration;

use fantoccini::Locator;
use serde_json::json;

use crate::harness::{chart_with_table, wait_for, wait_for_address, Browser, R};
use crate::helpers::wait_until;
use crate::world::in_a_browser;

/// The log filtered by date (today) and status lists the sync's job, charts
/// meetings per job and job durations, keeps the filter checked and shows only
/// jobs of that status; a custom range with no job says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(browser_tests),
    ignore = "needs Chromium and chromedriver: apt-get install -y chromium chromium-driver, then REQUIRE_BROWSER=1 cargo test -p gong_timeline_web --test browser"
)]
async fn the_execution_log_filters_by_date_and_status() {
    in_a_browser("execution-log", async |w| {
        let synced = w.synced().await?;
        let (base, b) = (&w.app.base, &mut w.b);
        let (job, job_status) = (synced.job, synced.job_status.as_str());
        b.client.goto(&format!("{base}/log")).await?;
        b.client
            .find(Locator::Id("range"))
            .await?
            .select_by_value("today")
            .await?;
        b.click(&format!("#status-checks input[value='{job_status}']"))
            .await?;
        b.click("#apply-filter").await?;
        wait_for_address(b, "range=today").await?;
        wait_for(b, &format!("a[href='/log/jobs/{job}']")).await?;
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
            assert_eq!(row.attr("data-status").await?.as_deref(), Some(job_status));
        }
        b.client
            .goto(&format!(
                "{base}/log?range=custom&from=2000-01-01&to=2000-01-02"
            ))
            .await?;
        b.client.find(Locator::Id("no-jobs")).await?;
        Ok(())
    })
    .await;
}

/// A job's records are cards on a phone (#20 item 5); one click downloads the
/// workbook of the records the status filter shows, and a later visit lists its
/// 30-day link with the expiry, downloading nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(browser_tests),
    ignore = "needs Chromium and chromedriver: apt-get install -y chromium chromium-driver, then REQUIRE_BROWSER=1 cargo test -p gong_timeline_web --test browser"
)]
async fn a_jobs_records_are_cards_on_a_phone_and_download_as_the_filtered_workbook() {
    in_a_browser("job", async |w| {
        let job = w.synced().await?.job;
        let (base, b) = (&w.app.base, &mut w.b);
        b.visit(&format!("{base}/log/jobs/{job}"), "job").await?;
        b.audit("job").await?;
        records_are_cards_on_a_phone(b).await?;
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
        let made = wait_for(b, "#download-link")
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
        b.audit("job-downloads").await
    })
    .await;
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
