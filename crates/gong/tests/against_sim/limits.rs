//! Gong's limits: the client stays under 3 requests/s and respects daily budgets.

use std::time::Duration;

use futures::TryStreamExt;
use gong_timeline_gong::{CallsFilter, CallsPage, ClientConfig, ContentSelector, GongError};
use gong_timeline_gong_sim::{Limits, SimConfig};

use crate::helpers::{basic, config, sim, sim_with};

#[tokio::test]
async fn requests_never_exceed_3_per_second_against_the_limited_simulator() {
    let sim = sim_with(SimConfig {
        calls: 1_050,
        limits: Limits::default(),
        ..SimConfig::default()
    })
    .await;
    // Gong's defaults: 3 requests/s, 10,000/day.
    let client = basic(ClientConfig::new(sim.base_url()));

    let pages: Vec<CallsPage> = client
        .calls_extensive(CallsFilter::default(), ContentSelector::for_timeline())
        .try_collect()
        .await
        .expect("paged");
    client.all_users().await.expect("users");
    client.workspaces().await.expect("workspaces");

    let stats = sim.controls().stats();
    assert_eq!(pages.len(), 11);
    assert!(stats.api_requests >= 13);
    assert_eq!(stats.rate_limited, 0, "the simulator never had to refuse");
    assert!(
        stats.max_requests_in_window(Duration::from_secs(1)) <= 3,
        "{:?}",
        stats.api_request_micros
    );
}

#[tokio::test]
async fn the_client_side_daily_budget_says_when_it_resets() {
    let sim = sim(10).await;
    let client = basic(config(&sim).with_daily_budget(Some(2)));
    client.workspaces().await.expect("1");
    client.workspaces().await.expect("2");

    let err = client.workspaces().await.expect_err("budget used up");

    let resets_at = err.resets_at().expect("a quota error");
    assert_eq!(
        resets_at,
        (chrono::Utc::now().date_naive() + chrono::Days::new(1))
            .and_hms_opt(0, 0, 0)
            .expect("midnight")
            .and_utc()
    );
    assert!(err.to_string().contains("resets at"), "{err}");
    assert_eq!(
        sim.controls().stats().api_requests,
        2,
        "the third request was not sent"
    );
}

#[tokio::test]
async fn gongs_daily_quota_429_becomes_an_error_instead_of_hours_of_sleep() {
    let sim = sim_with(SimConfig {
        calls: 10,
        limits: Limits {
            enabled: true,
            per_second: 100,
            per_day: 1,
        },
        ..SimConfig::default()
    })
    .await;
    let client = basic(config(&sim));
    client
        .workspaces()
        .await
        .expect("the one request of the day");

    let err = client.workspaces().await.expect_err("quota");

    assert!(
        matches!(err, GongError::DailyQuotaExhausted { .. }),
        "{err:?}"
    );
    assert!(err.resets_at().is_some_and(|t| t > chrono::Utc::now()));
}
