//! `GET /v2/call-outcomes` (S9): the company's outcomes with their sentiment, in one
//! request; a connection authorised without the scope is told which one to add.

use std::sync::Arc;

use gong_timeline_gong::GongError;

use crate::helpers::*;

#[tokio::test]
async fn s9_the_call_outcomes_come_with_their_sentiment_in_one_request() {
    let sim = sim(10).await;
    let client = basic(config(&sim));

    let outcomes = client.call_outcomes().await.expect("listed");

    assert_eq!(sim.controls().stats().count("GET /v2/call-outcomes"), 1);
    assert_eq!(outcomes.len(), 5, "{outcomes:?}");
    let demo = outcomes
        .iter()
        .find(|o| o.name == "Demo scheduled")
        .expect("listed");
    assert!(demo.id.as_deref().is_some_and(|id| !id.is_empty()));
    assert_eq!(demo.sentiment.as_deref(), Some("POSITIVE"));
    let lost = outcomes.iter().find(|o| o.name == "Closed lost").unwrap();
    assert_eq!(lost.sentiment.as_deref(), Some("NEGATIVE"));
    assert!(
        outcomes.iter().all(|o| o.sentiment.is_some()),
        "{outcomes:?}"
    );
}

#[tokio::test]
async fn s9_without_the_call_outcomes_scope_the_scope_is_named() {
    let sim = sim(10).await;
    let scopes = ["api:calls:read:extensive", "api:users:read"];
    let client = oauth_client(
        &sim,
        config(&sim),
        authorise(&sim, &scopes).await,
        Arc::default(),
    );

    let err = client.call_outcomes().await.expect_err("no scope");

    assert!(
        matches!(&err, GongError::MissingScope { scope, .. } if scope == "api:call-outcomes:read"),
        "{err:?}"
    );
}
