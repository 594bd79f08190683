//! The company Timeline: what the call said on its card (#23 item 1), search
//! (#20 item 11), recordings loaded on demand only (#20 item 11).

use serde_json::Value;

use crate::helpers::{spawn_app, spawn_app_with, Options, Session, TestApp};

/// Syncs the simulator's calls; returns the logged-in session and every activity.
async fn synced(app: &TestApp) -> (Session, Vec<Value>) {
    let s = app.login().await;
    let id = app.basic_connection("acme").await;
    app.sync(id).await;
    (s, app.all_items("/activities?limit=200").await)
}

fn strings(v: &Value) -> Vec<&str> {
    v.as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// The text between `start` and the next `end` after it.
fn between<'a>(html: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = html.find(start)? + start.len();
    Some(&html[from..from + html[from..].find(end)?])
}

#[tokio::test]
async fn a_card_shows_the_next_steps_action_items_outcome_and_a_folded_outline() {
    let app = spawn_app().await;
    let (s, all) = synced(&app).await;
    let full = all
        .iter()
        .find(|a| {
            !strings(&a["next_steps"]).is_empty()
                && !strings(&a["action_items"]).is_empty()
                && a["outcome"]["name"].is_string()
                && !a["outline"].as_array().unwrap().is_empty()
        })
        .unwrap_or_else(|| panic!("a synced call with content: {:?}", all.first()));
    let (status, page) = app.page(&s, &format!("/activities/{}", full["id"])).await;
    assert_eq!(status, 200, "{page}");
    for heading in ["Next steps", "Action items", "Outcome"] {
        assert!(
            page.contains(&format!("<h3>{heading}</h3>")),
            "{heading}: {page}"
        );
    }
    for item in strings(&full["next_steps"])
        .into_iter()
        .chain(strings(&full["action_items"]))
    {
        let escaped = item.replace('&', "&amp;").replace('<', "&lt;");
        assert!(page.contains(&escaped), "{item}: {page}");
    }
    let outcome = between(&page, "<section class=\"outcome\">", "</section>").unwrap();
    assert!(
        outcome.contains(full["outcome"]["name"].as_str().unwrap()),
        "{outcome}"
    );
    if let Some(category) = full["outcome"]["category"].as_str() {
        assert!(
            outcome.contains(&format!(">{category}</span>")) && outcome.contains("class=\"badge "),
            "the category as a badge's word: {outcome}"
        );
    }
    // S9: the sentiment from Gong's list of outcomes, in the API and as a badge's word.
    let sentiment = full["outcome"]["sentiment"]
        .as_str()
        .unwrap_or_else(|| panic!("a sentiment: {full}"));
    assert!(
        ["Positive", "Neutral", "Negative"].contains(&sentiment),
        "{full}"
    );
    let badge = between(outcome, "<span class=\"sentiment\">", "</span></span>")
        .unwrap_or_else(|| panic!("a sentiment badge: {outcome}"));
    assert!(
        badge.contains("Sentiment: ") && badge.ends_with(&format!(">{sentiment}")),
        "{badge}"
    );
    // The outline is folded: a closed <details> whose summary says Outline.
    assert!(
        page.contains("<details class=\"outline\"><summary>Outline</summary>"),
        "{page}"
    );
    let first = full["outline"][0]["section"].as_str().unwrap();
    assert!(
        between(&page, "<details class=\"outline\">", "</details>")
            .unwrap()
            .contains(first),
        "{page}"
    );

    // A call without some of it shows only the sections it has.
    if let Some(bare) = all.iter().find(|a| {
        strings(&a["next_steps"]).is_empty()
            && strings(&a["action_items"]).is_empty()
            && a["outcome"].is_null()
            && a["outline"].as_array().unwrap().is_empty()
    }) {
        let (_, page) = app.page(&s, &format!("/activities/{}", bare["id"])).await;
        for absent in [
            "<h3>Next steps</h3>",
            "<h3>Outcome</h3>",
            "<summary>Outline",
        ] {
            assert!(!page.contains(absent), "{absent}: {page}");
        }
    }

    // On the company Timeline, searched down to the call, the card shows it too.
    let company = full["company"]["id"].as_i64().unwrap();
    let subject = full["subject"].as_str().unwrap();
    let q = url::form_urlencoded::byte_serialize(subject.as_bytes()).collect::<String>();
    let (_, timeline) = app.page(&s, &format!("/companies/{company}?q={q}")).await;
    let card = between(
        &timeline,
        &format!("id=\"activity-{}\"", full["id"]),
        "</article>",
    )
    .unwrap_or_else(|| panic!("the card on the Timeline: {timeline}"));
    assert!(
        card.contains("<h3>Next steps</h3>") && card.contains("<summary>Outline</summary>"),
        "{card}"
    );
}

#[tokio::test]
async fn the_timeline_searches_the_companys_activities_as_the_api_does() {
    let app = spawn_app().await;
    let (s, all) = synced(&app).await;
    let company = all[0]["company"]["id"].as_i64().unwrap();
    // A word of a subject, in other case: the search ignores case.
    let word = all[0]["subject"]
        .as_str()
        .unwrap()
        .split_whitespace()
        .max_by_key(|w| w.len())
        .unwrap()
        .to_uppercase();
    let (status, api) = app
        .get(&format!(
            "/activities?company_id={company}&search={}&limit=500",
            url::form_urlencoded::byte_serialize(word.as_bytes()).collect::<String>()
        ))
        .await;
    assert_eq!(status, 200, "{api}");
    let total = api["total"].as_u64().unwrap();
    assert!(total >= 1, "{api}");
    let every = app
        .all_items(&format!("/activities?company_id={company}&limit=500"))
        .await
        .len() as u64;

    let q = url::form_urlencoded::byte_serialize(word.as_bytes()).collect::<String>();
    let (status, page) = app.page(&s, &format!("/companies/{company}?q={q}")).await;
    assert_eq!(status, 200, "{page}");
    let noun = if total == 1 {
        "activity matches"
    } else {
        "activities match"
    };
    let escaped = word.replace('&', "&amp;");
    assert!(
        page.contains(&format!("{total} {noun} “{escaped}”")),
        "{total} {noun} “{word}”: {page}"
    );
    assert!(
        page.contains(&format!("value=\"{escaped}\"")),
        "the box keeps the text"
    );
    let cards = page.matches("<article class=\"card activity\"").count() as u64;
    assert_eq!(cards, total.min(10), "{page}");
    let at = page
        .find("id=\"clear-timeline-search\"")
        .expect("a link clears the search");
    let href = &page[page[..at].rfind("href=\"").unwrap()..at];
    assert!(!href.contains("q="), "{href}");
    // Cleared, every activity of the company is back.
    let (_, cleared) = app.page(&s, &format!("/companies/{company}")).await;
    assert!(!cleared.contains("timeline-search-count"));
    assert!(
        cleared.contains(&format!("{every} activit")),
        "{every}: {cleared}"
    );

    let (_, none) = app
        .page(&s, &format!("/companies/{company}?q=zzqx-nothing-like-it"))
        .await;
    assert!(
        none.contains("0 activities match “zzqx-nothing-like-it”")
            && none.contains("id=\"no-matching-activities\""),
        "{none}"
    );

    // Every company's activities: the Timeline index links a search of them all.
    let (_, companies) = app.page(&s, "/companies").await;
    assert!(companies.contains("action=\"/activities\""), "{companies}");
    let (_, api) = app.get(&format!("/activities?search={q}&limit=500")).await;
    let everywhere = api["total"].as_u64().unwrap();
    let (status, found) = app.page(&s, &format!("/activities?q={q}")).await;
    assert_eq!(status, 200, "{found}");
    let noun = if everywhere == 1 {
        "activity matches"
    } else {
        "activities match"
    };
    assert!(
        found.contains(&format!("{everywhere} {noun} “{escaped}”")),
        "{found}"
    );
    let listed = between(&found, "id=\"activity-results\"", "</ul>").unwrap();
    assert_eq!(
        listed.matches("<li>").count() as u64,
        everywhere.min(50),
        "{listed}"
    );
    assert!(
        listed.contains(&format!("href=\"/activities/{}\"", api["items"][0]["id"])),
        "newest first, as the API: {listed}"
    );
    let documented = gong_timeline_web::api::openapi::document();
    assert!(
        documented["paths"]["/activities"]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "search"),
        "the API documents ?search="
    );
    let (status, blank) = app.page(&s, "/activities").await;
    assert_eq!(status, 200);
    assert!(blank.contains("id=\"activity-search\"") && !blank.contains("activity-search-count"));
}

#[tokio::test]
async fn a_timeline_view_asks_gong_nothing_and_load_recording_asks_once() {
    // Enough calls for a company with a full page of ten activities.
    let app = spawn_app_with(Options {
        calls: 450,
        ..Options::default()
    })
    .await;
    let (s, all) = synced(&app).await;
    // The company with the most activities: a full page of ten.
    let mut per_company = std::collections::BTreeMap::<i64, usize>::new();
    for a in &all {
        *per_company
            .entry(a["company"]["id"].as_i64().unwrap())
            .or_default() += 1;
    }
    let (&company, &n) = per_company.iter().max_by_key(|(_, n)| **n).unwrap();
    assert!(n >= 10, "a company with ten activities: {per_company:?}");
    let stats = app.sim.controls();
    stats.reset_stats();

    let (status, page) = app.page(&s, &format!("/companies/{company}")).await;
    assert_eq!(status, 200);
    let links: Vec<&str> = page
        .split("class=\"button load-recording\" href=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap())
        .collect();
    assert_eq!(links.len(), 10, "a Load recording link per card: {page}");
    assert_eq!(
        stats.stats().api_requests,
        0,
        "viewing ten activities sends Gong nothing: {:?}",
        stats.stats().per_path
    );

    // The link without a script: the recording's page, one Gong request.
    let (status, recording) = app.page(&s, links[0]).await;
    assert_eq!(status, 200, "{recording}");
    assert!(
        recording.contains("<h1>") && recording.contains("/media/"),
        "{recording}"
    );
    let served = stats.stats();
    assert_eq!(served.api_requests, 1, "{:?}", served.per_path);
    assert_eq!(
        served.count("POST /v2/calls/extensive"),
        1,
        "{:?}",
        served.per_path
    );

    // What app.js asks for: the fragment alone, one more request.
    let fragment = app
        .http
        .get(format!("{}{}", app.base, links[1]))
        .header("cookie", &s.cookie)
        .header("x-fragment", "1")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        fragment.contains("/media/") && !fragment.contains("<h1>"),
        "{fragment}"
    );
    assert_eq!(stats.stats().api_requests, 2);
}
