//! Cursor paging of calls and users, empty windows, single calls and media.

use std::collections::HashSet;

use chrono::Duration;
use futures::{StreamExt, TryStreamExt};
use gong_timeline_gong::{CallsFilter, CallsPage, ContentSelector};
use gong_timeline_gong_sim::SimConfig;

use crate::helpers::{basic, config, sim, sim_with};

#[tokio::test]
async fn the_client_pages_1050_calls_across_11_pages_without_loss_or_duplicates() {
    let sim = sim(1_050).await;
    let client = basic(config(&sim));

    let pages: Vec<CallsPage> = client
        .calls_extensive(CallsFilter::default(), ContentSelector::for_timeline())
        .try_collect()
        .await
        .expect("every page parses");

    assert_eq!(pages.len(), 11);
    assert!(pages[..10].iter().all(|p| p.items.len() == 100));
    assert_eq!(pages[10].items.len(), 50);
    assert!(pages.iter().enumerate().all(|(k, p)| p.index as usize == k));
    assert_eq!(pages[3].records.current_page_number, Some(3));
    assert_eq!(pages[0].records.total_records, Some(1_050));
    let ids: Vec<String> = pages
        .iter()
        .flat_map(|p| p.items.iter().map(|c| c.id().to_owned()))
        .collect();
    let unique: HashSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), 1_050, "no duplicates");
    let expected: Vec<String> = (0..1_050)
        .map(|i| sim.dataset().call_id(i).expect("exists"))
        .collect();
    assert_eq!(ids, expected, "every call, in start-time order");
    let stats = sim.controls().stats();
    assert_eq!(stats.count("POST /v2/calls/extensive"), 11);
    assert_eq!(client.requests_made(), 11);
}

#[tokio::test]
async fn timeline_calls_carry_what_an_activity_needs() {
    let sim = sim(200).await;
    let client = basic(config(&sim));
    let mut pages = client.calls_extensive(CallsFilter::default(), ContentSelector::for_timeline());
    let page = pages.next().await.expect("a page").expect("parses");
    assert!(page
        .items
        .iter()
        .all(|c| c.meta_data.started.is_some() && c.meta_data.url.is_some()));
    assert!(page.items.iter().any(|c| !c.parties.is_empty()));
    assert!(page.items.iter().any(|c| !c.context.is_empty()));
    assert!(page
        .items
        .iter()
        .any(|c| c.content.as_ref().is_some_and(|t| !t.trackers.is_empty())));
    assert!(
        page.items.iter().all(|c| c.media.is_none()),
        "media only when asked for"
    );
}

#[tokio::test]
async fn a_time_window_returns_exactly_the_calls_that_started_in_it() {
    let sim = sim(500).await;
    let ds = sim.dataset();
    // Whole seconds: Gong takes no fractions (the client would widen the window).
    let whole = |t: chrono::DateTime<chrono::Utc>| chrono::SubsecRound::trunc_subsecs(t, 0);
    let (from, to) = (whole(ds.started(100)), whole(ds.started(250)));
    let client = basic(config(&sim));

    let pages: Vec<CallsPage> = client
        .calls_extensive(CallsFilter::window(from, to), ContentSelector::new())
        .try_collect()
        .await
        .expect("parses");

    let calls: Vec<_> = pages.into_iter().flat_map(|p| p.items).collect();
    assert_eq!(
        calls.len() as u64,
        ds.first_at_or_after(to) - ds.first_at_or_after(from)
    );
    assert!(calls
        .iter()
        .all(|c| c.meta_data.started.is_some_and(|s| s >= from && s < to)));
}

#[tokio::test]
async fn an_empty_window_is_an_empty_stream_not_an_error() {
    let sim = sim(100).await;
    let (start, _) = sim.dataset().window();
    let client = basic(config(&sim));

    let filter = CallsFilter::window(start - Duration::days(30), start - Duration::days(20));
    let pages: Vec<CallsPage> = client
        .calls_extensive(filter, ContentSelector::new())
        .try_collect()
        .await
        .expect("no error");

    assert!(pages.is_empty());
    assert_eq!(
        sim.controls().stats().count("POST /v2/calls/extensive"),
        1,
        "Gong was asked once"
    );
}

#[tokio::test]
async fn users_are_paged_with_the_cursor_in_the_query_string() {
    let sim = sim_with(SimConfig {
        users: 230,
        ..crate::helpers::no_limits()
    })
    .await;
    let client = basic(config(&sim));

    let pages: Vec<_> = client.users().try_collect().await.expect("parses");
    let users = client.all_users().await.expect("parses");

    assert_eq!(pages.len(), 3);
    assert_eq!(users.len(), sim.dataset().users().len());
    let unique: HashSet<_> = users.iter().map(|u| u.id.clone()).collect();
    assert_eq!(unique.len(), users.len());
    assert!(users
        .iter()
        .all(|u| u.email_address.is_some() && u.created.is_some()));
}

#[tokio::test]
async fn one_call_and_its_fresh_media_urls_are_fetched_on_demand() {
    let sim = sim(50).await;
    let id = sim.dataset().call_id(7).expect("exists");
    let client = basic(config(&sim));

    let call = client
        .call(&id, ContentSelector::for_timeline())
        .await
        .expect("ok")
        .expect("found");
    let media = client
        .call_media(&id)
        .await
        .expect("ok")
        .expect("has media");
    assert_eq!(call.id(), id);
    assert!(media.audio_url.is_some_and(|u| u.contains(&id)));

    sim.controls().delete_recording(&id);
    assert_eq!(
        client.call_media(&id).await.expect("ok"),
        None,
        "a deleted recording has no media"
    );
    assert!(
        client
            .call("1", ContentSelector::new())
            .await
            .expect("ok")
            .is_none(),
        "unknown id"
    );
}

#[tokio::test]
async fn trackers_and_workspaces_are_read() {
    let sim = sim(10).await;
    let client = basic(config(&sim));
    let workspaces = client.workspaces().await.expect("ok");
    let trackers = client.trackers(None).await.expect("ok");
    assert_eq!(workspaces.len(), 1);
    assert_eq!(
        workspaces[0].id.as_deref(),
        Some(sim.dataset().workspace_id())
    );
    assert!(!trackers.is_empty() && trackers.iter().all(|t| t.tracker_name.is_some()));
}
