//! How fast the client pulls calls from the simulator with limits off. Not a test of
//! speed (no timed assertion): run it to measure, in release mode:
//! `cargo test --release -p gong_timeline_gong --test against_sim throughput -- --ignored --nocapture`

use std::time::Instant;

use futures::StreamExt;
use gong_timeline_gong::{CallsFilter, ContentSelector};

use crate::helpers::{basic, config, sim};

const CALLS: u64 = 20_000;
const RUNS: usize = 5;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement; run with --release --ignored --nocapture"]
async fn throughput_of_timeline_pages_with_limits_off() {
    let sim = sim(CALLS).await;
    let mut rates = Vec::new();
    for run in 0..RUNS {
        let client = basic(config(&sim));
        let start = Instant::now();
        let mut calls = 0u64;
        let mut pages =
            client.calls_extensive(CallsFilter::default(), ContentSelector::for_timeline());
        while let Some(page) = pages.next().await {
            calls += page.expect("parses").items.len() as u64;
        }
        let rate = calls as f64 / start.elapsed().as_secs_f64();
        println!(
            "run {run}: {calls} calls in {:.2?} = {rate:.0} calls/s",
            start.elapsed()
        );
        assert_eq!(calls, CALLS);
        rates.push(rate);
    }
    rates.sort_by(f64::total_cmp);
    println!(
        "median: {:.0} calls/s over {RUNS} runs of {CALLS} calls",
        rates[RUNS / 2]
    );
}
