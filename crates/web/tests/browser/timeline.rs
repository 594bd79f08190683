//! The Timeline: a company's cards after a sync, a call's transcript, and search.

use fantoccini::Locator;

use crate::harness::{chart_with_table, wait_for, wait_for_address, Browser, R};
use crate::helpers::TestApp;
use crate::world::{activity_with_trackers, in_a_browser};

/// A company's Timeline shows a synced call's card with its trackers' phrases and
/// next steps (#23) and charts activities per month, asking Gong nothing; filtered by
/// activity type every card has it; Load recording puts the player in the card with
/// one Gong request, and its link works; the call links to Gong. The activity's own
/// page is audited too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(browser_tests),
    ignore = "needs Chromium and chromedriver: apt-get install -y chromium chromium-driver, then REQUIRE_BROWSER=1 cargo test -p gong_timeline_web --test browser"
)]
async fn a_company_timeline_shows_synced_cards_filters_them_and_loads_a_recording_on_request() {
    in_a_browser("timeline", async |w| {
        w.synced().await?;
        let (app, b) = (&w.app, &mut w.b);
        let base = &app.base;
        let with_trackers = activity_with_trackers(app).await?;
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
        wait_for_address(b, "type=").await?;
        wait_for(b, ".activity .type").await?;
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
        b.visit(
            &format!("{base}/activities/{}", with_trackers["id"]),
            "activity",
        )
        .await?;
        b.audit("activity").await
    })
    .await;
}

/// A card's "Read the transcript" opens who said what and when (S9): each turn with
/// its speaker's name, side badge and time, as the API has them; on the way the
/// card's outcome shows its sentiment.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(browser_tests),
    ignore = "needs Chromium and chromedriver: apt-get install -y chromium chromium-driver, then REQUIRE_BROWSER=1 cargo test -p gong_timeline_web --test browser"
)]
async fn the_transcript_page_shows_who_said_what_and_when() {
    in_a_browser("transcript", async |w| {
        w.synced().await?;
        transcript_page(&mut w.b, &w.app).await
    })
    .await;
}

/// Companies narrow as a name is typed, without submitting the form; the activities
/// of every company are searched by a word of a subject (#20 item 11).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(browser_tests),
    ignore = "needs Chromium and chromedriver: apt-get install -y chromium chromium-driver, then REQUIRE_BROWSER=1 cargo test -p gong_timeline_web --test browser"
)]
async fn companies_narrow_as_you_type_and_activities_are_searched_across_companies() {
    in_a_browser("search", async |w| {
        w.synced().await?;
        let (app, b) = (&w.app, &mut w.b);
        let base = &app.base;
        let with_trackers = activity_with_trackers(app).await?;
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

        b.visit(&format!("{base}/companies"), "companies").await?;
        b.audit("companies").await?;
        let name = with_trackers["company"]["name"].as_str().ok_or("name")?;
        let part: String = name.chars().take(5).collect();
        b.client
            .find(Locator::Id("company-search"))
            .await?
            .send_keys(&part)
            .await?;
        wait_for(b, &format!("#company-results[data-query='{part}']")).await?;
        let shown = b.client.find_all(Locator::Css("#companies li a")).await?;
        assert!(!shown.is_empty());
        for a in shown {
            let text = a.text().await?.to_lowercase();
            assert!(text.contains(&part.to_lowercase()), "{text} vs {part}");
        }
        Ok(())
    })
    .await;
}

/// The first activity with a transcript, through its card's link: what the API says
/// of it, on the page.
async fn transcript_page(b: &mut Browser, app: &TestApp) -> R {
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
