//! Connections: OAuth and access-key connections made on the Connectors page, the
//! connection page after a sync, its settings, and what keeps it safe.

use std::time::Duration;

use fantoccini::Locator;
use gong_timeline_store::ConnectionId;
use serde_json::json;

use crate::harness::{chart_with_table, fill, wait_for, Browser, R};
use crate::world::{click_until_a_job_starts, in_a_browser, World};

/// The login page, then the seed's steps 1-8: an OAuth connection allowed on Gong's
/// consent page ends in the modal "Connection created" dialog.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(browser_tests),
    ignore = "needs Chromium and chromedriver: apt-get install -y chromium chromium-driver, then REQUIRE_BROWSER=1 cargo test -p gong_timeline_web --test browser"
)]
async fn an_admin_signs_in_and_connects_gong_through_the_oauth_consent_page() {
    in_a_browser("connect-oauth", async |w| {
        let connectors = format!("{}/connectors", w.app.base);
        w.b.visit(&connectors, "login").await?;
        w.b.audit("login").await?;
        w.log_in_on_the_page().await?;
        w.connect_with_oauth_on_the_page().await?;
        let b = &mut w.b;
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
        b.audit("connected").await
    })
    .await;
}

/// Initiate Sync in the "Connection created" dialog starts a job the connection page
/// follows; once it ends the page shows its freshness and charts its jobs and Gong
/// requests, each with a table behind; its pending page counts the meetings waiting.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(browser_tests),
    ignore = "needs Chromium and chromedriver: apt-get install -y chromium chromium-driver, then REQUIRE_BROWSER=1 cargo test -p gong_timeline_web --test browser"
)]
async fn initiate_sync_runs_a_job_the_connection_page_follows_and_charts() {
    in_a_browser("connection", async |w| {
        let connectors = format!("{}/connectors", w.app.base);
        w.b.visit(&connectors, "login").await?;
        w.log_in_on_the_page().await?;
        let id = w.connect_with_oauth_on_the_page().await?;
        let (app, b) = (&w.app, &mut w.b);
        let base = &app.base;
        // Transcripts on (S9), as the settings' checkbox saves them: the sync fetches them.
        let mut settings = app.store.get_settings(id).await?;
        settings.transcripts = true;
        app.store.put_settings(id, &settings).await?;
        click_until_a_job_starts(b, app, id, "#initiate-sync").await?;
        b.until_found(
            &format!("{base}/connectors/{id}"),
            "#sync-status .job-status",
            Duration::from_secs(40),
        )
        .await?;
        app.wait_for_sync(id.get()).await;
        b.visit(&format!("{base}/connectors/{id}"), "connection")
            .await?;
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
        b.visit(&format!("{base}/connectors/{id}/pending"), "pending")
            .await?;
        assert!(b.text("#pending-count").await?.parse::<u64>().is_ok());
        b.audit("pending").await
    })
    .await;
}

/// Settings: + adds a filter row; Preview counts the stored meetings of the last 30
/// days a filter lets through, the same number the API gives, and saves nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(browser_tests),
    ignore = "needs Chromium and chromedriver: apt-get install -y chromium chromium-driver, then REQUIRE_BROWSER=1 cargo test -p gong_timeline_web --test browser"
)]
async fn the_settings_preview_counts_what_a_filter_lets_through_and_saves_nothing() {
    in_a_browser("settings-preview", async |w| {
        let id = w.synced().await?.id;
        let (app, b) = (&w.app, &mut w.b);
        let base = &app.base;
        b.visit(&format!("{base}/connectors/{id}/settings"), "settings")
            .await?;
        b.audit("settings").await?;
        let rows = b.client.find_all(Locator::Css(".filter-row")).await?.len();
        b.click("#add-filter").await?;
        wait_for(b, &format!("#filter-row-{}", rows + 1)).await?;

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
        Ok(())
    })
    .await;
}

/// C5: OAuth (picked first) hides the access-key fields and Access key shows them
/// (#20 item 9); a key Gong refuses is refused at create with nothing stored, and
/// the right one connects. Beside the OAuth connection, to another Gong account.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(browser_tests),
    ignore = "needs Chromium and chromedriver: apt-get install -y chromium chromium-driver, then REQUIRE_BROWSER=1 cargo test -p gong_timeline_web --test browser"
)]
async fn a_wrong_access_key_is_refused_at_create_and_the_right_one_connects() {
    in_a_browser("access-key", async |w| {
        w.connected().await?;
        let (app, b) = (&w.app, &mut w.b);
        let before = app.store.list_connections().await?.len();
        b.client.goto(&format!("{}/connectors", app.base)).await?;
        fill(b, "#connection-name", "Gong key").await?;
        let key_fields = b.client.find(Locator::Id("access-key-fields")).await?;
        assert!(
            !key_fields.is_displayed().await?,
            "OAuth hides the key fields"
        );
        b.click("#kind-basic").await?;
        assert!(key_fields.is_displayed().await?, "Access key shows them");
        fill(b, "#base-url", &w.other.base_url()).await?;
        submit_access_key(b, "not-the-secret").await?;
        let refused = wait_for(b, "#access-key-error").await?.text().await?;
        assert!(refused.contains("Gong refused the access key"), "{refused}");
        b.shot("wrong-key-refused").await?;
        b.audit("wrong-key-refused").await?;
        assert_eq!(
            app.store.list_connections().await?.len(),
            before,
            "nothing stored"
        );
        submit_access_key(b, "sim-secret").await?;
        wait_for(b, "#connected").await?;
        app.store
            .connection_by_name("Gong key")
            .await?
            .ok_or("created")?;
        Ok(())
    })
    .await;
}

/// C6: Gong refuses the key at the next sync; the connection page says so and why,
/// and the key re-entered there authorises the connection again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(browser_tests),
    ignore = "needs Chromium and chromedriver: apt-get install -y chromium chromium-driver, then REQUIRE_BROWSER=1 cargo test -p gong_timeline_web --test browser"
)]
async fn a_key_gong_refuses_at_sync_is_re_entered_on_the_connection_page() {
    in_a_browser("reauthorise", async |w| {
        w.signed_in().await?;
        let (app, b, other) = (&w.app, &mut w.b, &w.other);
        let base = &app.base;
        b.client.goto(&format!("{base}/connectors")).await?;
        fill(b, "#connection-name", "Gong key").await?;
        b.click("#kind-basic").await?;
        fill(b, "#base-url", &other.base_url()).await?;
        submit_access_key(b, "sim-secret").await?;
        wait_for(b, "#connected").await?;
        let id = app
            .store
            .connection_by_name("Gong key")
            .await?
            .ok_or("created")?
            .id;

        other.controls().fail_next(1, 401);
        click_until_a_job_starts(b, app, id, "#initiate-sync").await?;
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
        Ok(())
    })
    .await;
}

/// T5: a filter that does not type-check shows its error beside its row, and the
/// row keeps what was typed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(browser_tests),
    ignore = "needs Chromium and chromedriver: apt-get install -y chromium chromium-driver, then REQUIRE_BROWSER=1 cargo test -p gong_timeline_web --test browser"
)]
async fn a_typed_filter_error_shows_beside_its_row_as_typed() {
    in_a_browser("typed-filter-error", async |w| {
        w.signed_in().await?;
        let id = access_key_connection(w).await?;
        let b = &mut w.b;
        b.client
            .goto(&format!("{}/connectors/{id}/settings", w.app.base))
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
        b.audit("typed-filter-error").await
    })
    .await;
}

/// Delete asks first, saying the execution log is kept; confirmed, the connection
/// is gone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(browser_tests),
    ignore = "needs Chromium and chromedriver: apt-get install -y chromium chromium-driver, then REQUIRE_BROWSER=1 cargo test -p gong_timeline_web --test browser"
)]
async fn a_connection_is_deleted_after_a_confirmation_saying_what_is_kept() {
    in_a_browser("delete", async |w| {
        w.signed_in().await?;
        let id = access_key_connection(w).await?;
        let (app, b) = (&w.app, &mut w.b);
        b.client
            .goto(&format!("{}/connectors/{id}", app.base))
            .await?;
        b.click("#delete-connection").await?;
        let confirm = wait_for(b, "#delete-form").await?.text().await?;
        assert!(confirm.contains("execution log are kept"), "{confirm}");
        b.shot("delete-confirmation").await?;
        b.audit("delete-confirmation").await?;
        b.click("#confirm-delete").await?;
        wait_for(b, "#deleted").await?;
        assert!(app.store.get_connection(id).await?.is_none());
        Ok(())
    })
    .await;
}

/// #20 item 2: while a job runs the connection page polls its status in place; what
/// is typed into its forms stays, and once the job ends a link offers the reload.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(browser_tests),
    ignore = "needs Chromium and chromedriver: apt-get install -y chromium chromium-driver, then REQUIRE_BROWSER=1 cargo test -p gong_timeline_web --test browser"
)]
async fn what_is_typed_survives_a_running_job_and_a_link_offers_the_reload() {
    in_a_browser("typing-while-a-job-runs", async |w| {
        let id = w.connected().await?;
        let (app, b) = (&w.app, &w.b);
        // Each Gong request takes 3 s, so the job is still running while the page is used.
        app.sim.controls().set_latency(Duration::from_secs(3));
        b.client
            .goto(&format!("{}/connectors/{id}", app.base))
            .await?;
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
    })
    .await;
}

/// A POST from the page without the CSRF token is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(browser_tests),
    ignore = "needs Chromium and chromedriver: apt-get install -y chromium chromium-driver, then REQUIRE_BROWSER=1 cargo test -p gong_timeline_web --test browser"
)]
async fn a_post_from_the_page_without_the_csrf_token_is_refused() {
    in_a_browser("csrf", async |w| {
        let id = w.connected().await?;
        let connection = format!("{}/connectors/{id}", w.app.base);
        w.b.client.goto(&connection).await?;
        let status = w.b.client.execute_async(
            "const done = arguments[arguments.length - 1]; fetch(arguments[0], {method: 'POST', credentials: 'same-origin'}).then(r => done(r.status));",
            vec![json!(format!("/connectors/{id}/sync"))]).await?;
        assert_eq!(status, json!(403));
        Ok(())
    })
    .await;
}

/// Fills the access key (the simulator's) with `secret` and submits the form.
async fn submit_access_key(b: &Browser, secret: &str) -> R {
    fill(b, "#access-key", "sim-access-key").await?;
    fill(b, "#access-key-secret", secret).await?;
    b.click("#authorize").await
}

/// The access-key connection "Gong key" to the second Gong account, made through
/// the API (the pages that make one are tested above); returns its id.
async fn access_key_connection(w: &World) -> R<ConnectionId> {
    let (status, body) = w
        .app
        .post(
            "/connections",
            json!({"name": "Gong key", "kind": "basic", "base_url": w.other.base_url(),
                "access_key": "sim-access-key", "access_key_secret": "sim-secret"}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    Ok(ConnectionId::new(
        body["connection"]["id"].as_i64().ok_or("an id")?,
    ))
}
