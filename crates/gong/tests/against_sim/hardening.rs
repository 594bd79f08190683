//! What a flaky or hostile Gong found (issue #10): redirects to other hosts, long
//! outages, timeouts named as such, 5xx errors keeping Gong's request id.

use std::time::Duration;

use gong_timeline_gong::{ClientConfig, GongError};

use crate::helpers::{basic, config, sim};

/// A config whose retries are bounded by `window` only (tiny backoff).
fn windowed(base_url: String, window: Duration) -> ClientConfig {
    ClientConfig {
        backoff_base: Duration::from_millis(5),
        backoff_max: Duration::from_millis(50),
        ..ClientConfig::new(base_url).without_limits()
    }
    .with_outage_window(window)
}

#[tokio::test]
async fn a_redirect_to_another_host_is_not_followed_and_names_its_target() {
    let gong = sim(5).await;
    let elsewhere = sim(5).await;
    gong.controls().redirect_to(Some(&elsewhere.base_url()));
    let client = basic(config(&gong));

    let err = client
        .workspaces()
        .await
        .expect_err("the redirect is refused");

    assert!(matches!(err, GongError::Redirected { .. }), "{err:?}");
    assert!(err.to_string().contains(&elsewhere.base_url()), "{err}");
    assert!(!err.is_retriable());
    assert_eq!(
        elsewhere.controls().stats().api_requests,
        0,
        "nothing reached the other host"
    );
}

#[tokio::test]
async fn an_outage_longer_than_a_handful_of_retries_is_ridden_out_within_the_window() {
    let gong = sim(5).await;
    gong.controls().down_for(Duration::from_secs(1));
    let client = basic(windowed(gong.base_url(), Duration::from_secs(60)));

    client
        .workspaces()
        .await
        .expect("Gong came back within the window");

    assert!(
        gong.controls().stats().faults_injected > 6,
        "more than the old six attempts"
    );
}

#[tokio::test]
async fn past_the_outage_window_the_request_fails_retriably_with_gongs_request_id() {
    let gong = sim(5).await;
    gong.controls().set_down(true);
    let client = basic(windowed(gong.base_url(), Duration::from_millis(300)));

    let err = client.workspaces().await.expect_err("Gong stays down");

    let GongError::Server {
        status, request_id, ..
    } = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!(*status, 503);
    assert_ne!(request_id, "-", "the 5xx body's requestId is kept");
    assert!(err.to_string().contains(request_id.as_str()), "{err}");
    assert!(err.is_retriable());
}

#[tokio::test]
async fn a_timeout_is_named_as_a_timeout() {
    let gong = sim(5).await;
    gong.controls().set_latency(Duration::from_secs(3));
    let client = basic(ClientConfig {
        timeout: Duration::from_millis(200),
        max_retries: 0,
        ..ClientConfig::new(gong.base_url()).without_limits()
    });

    let err = client.workspaces().await.expect_err("too slow");

    assert!(matches!(err, GongError::Network { .. }), "{err:?}");
    assert!(err.to_string().contains("timed out"), "{err}");
}
