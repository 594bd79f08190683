//! Basic and OAuth against the simulator: refresh on expiry and on 401, single-use
//! refresh tokens persisted before use, revocation, missing scopes, bad credentials.

use std::sync::Arc;

use gong_timeline_gong::secrecy::ExposeSecret;
use gong_timeline_gong::{ClientConfig, Credentials, GongClient, GongError};
use gong_timeline_gong_sim::SimConfig;

use crate::helpers::{
    authorise, config, no_limits, oauth_app, oauth_client, sim, sim_with, RecordingSink,
};

#[tokio::test]
async fn oauth_tokens_carry_the_customer_host_and_work() {
    let sim = sim(10).await;
    let tokens = authorise(&sim, &[]).await;
    assert_eq!(
        tokens.api_base_url.as_deref(),
        Some(sim.base_url().as_str())
    );

    // The configured host is wrong on purpose: the token's customer host must be used.
    let cfg = ClientConfig {
        base_url: "http://127.0.0.1:9".into(),
        ..config(&sim)
    };
    let client = oauth_client(&sim, cfg, tokens, Arc::default());

    assert_eq!(client.workspaces().await.expect("ok").len(), 1);
}

#[tokio::test]
async fn an_expired_access_token_is_refreshed_once_and_the_rotated_refresh_token_persisted() {
    let sim = sim(10).await;
    let original = authorise(&sim, &[]).await;
    let sink = Arc::new(RecordingSink::default());
    let client = oauth_client(&sim, config(&sim), original.clone(), sink.clone());
    sim.controls().expire_access_tokens();

    client
        .workspaces()
        .await
        .expect("the request succeeds after one refresh");

    let saved = sink.saved();
    assert_eq!(saved.len(), 1, "one refresh, persisted");
    let rotated = &saved[0];
    assert_ne!(
        rotated.refresh_token.expose_secret(),
        original.refresh_token.expose_secret()
    );
    assert_ne!(
        rotated.access_token.expose_secret(),
        original.access_token.expose_secret()
    );
    let in_use = client.tokens().await.expect("oauth");
    assert_eq!(
        in_use.refresh_token.expose_secret(),
        rotated.refresh_token.expose_secret()
    );
    assert_eq!(sim.controls().stats().unauthorized, 1);
    // Single-use: the old refresh token is dead now.
    let reuse = oauth_app(&sim).refresh(client.http(), &original).await;
    assert!(
        matches!(reuse, Err(GongError::Reauthorize { .. })),
        "{reuse:?}"
    );
    // And the rotated one is the live one.
    assert!(oauth_app(&sim)
        .refresh(client.http(), rotated)
        .await
        .is_ok());
}

#[tokio::test]
async fn a_second_client_adopts_tokens_another_client_refreshed_instead_of_burning_them() {
    let sim = sim(10).await;
    let original = authorise(&sim, &[]).await;
    let sink = Arc::new(RecordingSink::default());
    let first = oauth_client(&sim, config(&sim), original.clone(), sink.clone());
    let second = oauth_client(&sim, config(&sim), original, sink.clone());
    sim.controls().expire_access_tokens();

    first
        .workspaces()
        .await
        .expect("the first client refreshes");
    second
        .workspaces()
        .await
        .expect("the second adopts the stored tokens, not its burnt refresh token");

    assert_eq!(sink.saved().len(), 1, "one refresh for both clients");
    let in_use = second.tokens().await.expect("oauth");
    assert_eq!(
        in_use.refresh_token.expose_secret(),
        sink.saved()[0].refresh_token.expose_secret()
    );
}

#[tokio::test]
async fn concurrent_requests_share_one_refresh() {
    let sim = sim(10).await;
    let sink = Arc::new(RecordingSink::default());
    let client = oauth_client(&sim, config(&sim), authorise(&sim, &[]).await, sink.clone());
    sim.controls().expire_access_tokens();

    let requests = (0..6).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.workspaces().await })
    });
    for request in futures::future::join_all(requests).await {
        request.expect("task ran").expect("request succeeded");
    }

    assert_eq!(
        sink.saved().len(),
        1,
        "refreshes of one connection are serialised"
    );
}

#[tokio::test]
async fn a_token_about_to_expire_is_refreshed_before_use() {
    let sim = sim_with(SimConfig {
        token_ttl_secs: 120,
        ..no_limits()
    })
    .await;
    let sink = Arc::new(RecordingSink::default());
    let client = oauth_client(&sim, config(&sim), authorise(&sim, &[]).await, sink.clone());

    client.workspaces().await.expect("ok");

    assert_eq!(
        sink.saved().len(),
        1,
        "refreshed within the 5-minute margin"
    );
    assert_eq!(
        sim.controls().stats().unauthorized,
        0,
        "without a 401 first"
    );
}

#[tokio::test]
async fn tokens_that_cannot_be_persisted_are_not_used() {
    let sim = sim(10).await;
    let sink = Arc::new(RecordingSink {
        refuse: true,
        ..RecordingSink::default()
    });
    let original = authorise(&sim, &[]).await;
    let client = oauth_client(&sim, config(&sim), original.clone(), sink);
    sim.controls().expire_access_tokens();

    let err = client.workspaces().await.expect_err("the sink refused");

    assert!(matches!(err, GongError::TokenPersist { .. }), "{err}");
    assert!(err.to_string().contains("the database is locked"), "{err}");
    let kept = client.tokens().await.expect("oauth");
    assert_eq!(
        kept.access_token.expose_secret(),
        original.access_token.expose_secret()
    );
}

#[tokio::test]
async fn a_revoked_token_gives_the_reauthorise_error() {
    let sim = sim(10).await;
    let client = oauth_client(
        &sim,
        config(&sim),
        authorise(&sim, &[]).await,
        Arc::default(),
    );
    sim.controls().revoke_all_tokens();

    let err = client.workspaces().await.expect_err("revoked");

    assert!(matches!(err, GongError::Reauthorize { .. }), "{err:?}");
    assert!(err.needs_reauthorization() && !err.is_retriable());
    assert!(
        err.to_string().contains("Re-authorise the connection"),
        "{err}"
    );
}

#[tokio::test]
async fn a_missing_scope_is_named() {
    let sim = sim(10).await;
    let scopes = [
        "api:calls:read:extensive",
        "api:users:read",
        "api:workspaces:read",
    ];
    let client = oauth_client(
        &sim,
        config(&sim),
        authorise(&sim, &scopes).await,
        Arc::default(),
    );
    let id = sim.dataset().call_id(0).expect("exists");

    let err = client.call_media(&id).await.expect_err("no media scope");

    assert!(
        matches!(&err, GongError::MissingScope { scope, .. } if scope == "api:calls:read:media-url"),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("Add 'api:calls:read:media-url'"),
        "{err}"
    );
    assert_eq!(
        sim.controls()
            .stats()
            .count("POST /oauth2/generate-customer-token"),
        1,
        "no pointless refresh"
    );
}

#[tokio::test]
async fn bad_basic_credentials_say_to_check_the_key() {
    let sim = sim(10).await;
    let client = GongClient::new(config(&sim), Credentials::basic("sim-access-key", "wrong"))
        .expect("valid");

    let err = client.workspaces().await.expect_err("refused");

    assert!(matches!(err, GongError::BadCredentials { .. }), "{err:?}");
    assert!(err.to_string().contains("Check the access key"), "{err}");
    assert!(!format!("{client:?}").contains("wrong"));
}

#[tokio::test]
async fn a_wrong_client_secret_is_reported_at_the_code_exchange() {
    let sim = sim(10).await;
    let mut app = oauth_app(&sim);
    app.client_secret = "nope".to_owned().into();
    let err = app
        .exchange_code(&Default::default(), "code-x")
        .await
        .expect_err("refused");
    assert!(
        matches!(err, GongError::BadClientCredentials { .. }),
        "{err:?}"
    );
}
