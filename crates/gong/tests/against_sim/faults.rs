//! Faults the simulator injects: 429s, 5xx, malformed calls, an unreachable host.

use std::time::{Duration, Instant};

use futures::StreamExt;
use gong_timeline_gong::{CallsFilter, ClientConfig, ContentSelector, GongError};

use crate::helpers::{basic, config, sim};

#[tokio::test]
async fn a_429_is_waited_out_for_as_long_as_retry_after_asks() {
    let sim = sim(10).await;
    let client = basic(config(&sim));
    sim.controls().fail_next(1, 429);
    let start = Instant::now();

    client.workspaces().await.expect("succeeds after waiting");

    assert!(
        start.elapsed() >= Duration::from_secs(1),
        "Retry-After: 1 was honoured"
    );
    assert_eq!(sim.controls().stats().rate_limited, 1);
    assert_eq!(client.requests_made(), 2);
}

#[tokio::test]
async fn server_errors_are_retried() {
    let sim = sim(300).await;
    let client = basic(config(&sim));
    sim.controls().fail_next(2, 503);

    let pages: Vec<_> = client
        .calls_extensive(CallsFilter::default(), ContentSelector::new())
        .collect()
        .await;

    assert!(pages.iter().all(Result::is_ok));
    assert_eq!(
        pages
            .iter()
            .map(|p| p.as_ref().map_or(0, |p| p.items.len()))
            .sum::<usize>(),
        300
    );
    assert_eq!(client.requests_made(), 3 + 2);
}

#[tokio::test]
async fn persistent_5xx_ends_in_a_retriable_error_after_the_configured_attempts() {
    let sim = sim(10).await;
    let client =
        basic(config(&sim).with_retries(2, Duration::from_millis(1), Duration::from_millis(5)));
    sim.controls().set_error_rate(1.0);

    let err = client.workspaces().await.expect_err("Gong is broken");

    assert!(
        matches!(
            err,
            GongError::Server {
                status: 500,
                attempts: 3,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.is_retriable() && !err.needs_reauthorization());
    assert!(
        err.to_string().contains("Internal server error occurred"),
        "{err}"
    );
}

#[tokio::test]
async fn a_malformed_call_body_gives_an_error_naming_that_call() {
    let sim = sim(250).await;
    let broken = sim.dataset().call_id(142).expect("exists");
    sim.controls().set_malformed_calls([broken.clone()]);
    let client = basic(config(&sim));

    let results: Vec<_> = client
        .calls_extensive(CallsFilter::default(), ContentSelector::for_timeline())
        .collect()
        .await;

    assert_eq!(
        results.len(),
        2,
        "page 0 is fine, page 1 fails, the stream ends"
    );
    assert!(results[0].is_ok());
    let err = results[1].as_ref().expect_err("call 142 is broken");
    assert_eq!(err.call_id(), Some(broken.as_str()));
    let text = err.to_string();
    assert!(
        text.starts_with(&format!("Gong call {broken}: invalid type")),
        "{text}"
    );
    assert!(text.contains("at metaData.started"), "{text}");
}

#[tokio::test]
async fn an_unreachable_host_is_a_retriable_network_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    drop(listener);
    let cfg = ClientConfig::new(url).without_limits().with_retries(
        2,
        Duration::from_millis(1),
        Duration::from_millis(5),
    );
    let client = basic(cfg);

    let err = client.workspaces().await.expect_err("nobody listens");

    assert!(
        matches!(err, GongError::Network { attempts: 3, .. }),
        "{err:?}"
    );
    assert!(err.is_retriable());
    assert!(err.to_string().contains("Check the base URL"), "{err}");
}
