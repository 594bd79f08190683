//! Checks of [`Store::rotate_oauth_tokens`]: one refresh step at a time per
//! connection, each reading what the previous one saved; a kept or failed step saves
//! nothing and frees the lock.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use serde_json::{json, Value};

use super::fixtures::*;
use crate::records::*;
use crate::rotation::{RotatedTokens, TokenRotation};
use crate::{Store, StoreError};

async fn oauth_connection(store: &dyn Store, name: &str, tokens: Value) -> Connection {
    store
        .create_connection(NewConnection {
            name: name.into(),
            base_url: "http://127.0.0.1:1".into(),
            credentials: Credentials::OAuth(OAuthCredentials {
                client_id: "cid".into(),
                client_secret: "csecret".into(),
                tokens: Some(tokens),
                api_base_url: Some("https://us-1.api.example".into()),
            }),
            status: ConnectionStatus::Authorised,
            created_at: at(0),
        })
        .await
        .expect("create an OAuth connection")
}

async fn stored_tokens(store: &dyn Store, id: ConnectionId) -> OAuthCredentials {
    match store.connection_credentials(id).await.expect("credentials") {
        Credentials::OAuth(oauth) => oauth,
        other => panic!("OAuth credentials expected, got {other:?}"),
    }
}

/// Counts steps running at once and the token numbers they were handed.
#[derive(Default)]
struct Watch {
    running: AtomicUsize,
    most: AtomicUsize,
    seen: Mutex<Vec<i64>>,
}

/// A step that spends token `n` (slowly) and answers `n + 1`.
fn spend<'a>(watch: &'a Watch) -> TokenRotation<'a> {
    Box::new(move |stored: Option<Value>| {
        Box::pin(async move {
            let n = stored.as_ref().and_then(|t| t["n"].as_i64()).unwrap_or(-1);
            let now = watch.running.fetch_add(1, Ordering::SeqCst) + 1;
            watch.most.fetch_max(now, Ordering::SeqCst);
            watch.seen.lock().unwrap_or_else(|p| p.into_inner()).push(n);
            tokio::time::sleep(Duration::from_millis(15)).await;
            watch.running.fetch_sub(1, Ordering::SeqCst);
            Ok(Some(RotatedTokens {
                tokens: json!({ "n": n + 1 }),
                api_base_url: None,
            }))
        })
    })
}

/// Concurrent rotations of one connection run one at a time, each on the set the
/// previous one saved: no refresh token is spent twice.
pub async fn token_rotations_run_one_at_a_time(store: &dyn Store) {
    let conn = oauth_connection(store, "OAuth", json!({ "n": 0 })).await;
    let watch = Watch::default();
    let rotate = || store.rotate_oauth_tokens(conn.id, spend(&watch));
    let (a, b, c, d, e, f) =
        tokio::join!(rotate(), rotate(), rotate(), rotate(), rotate(), rotate());
    for outcome in [a, b, c, d, e, f] {
        assert!(outcome.expect("rotated").is_some());
    }
    assert_eq!(watch.most.load(Ordering::SeqCst), 1, "steps overlapped");
    let mut seen = watch.seen.lock().unwrap_or_else(|p| p.into_inner()).clone();
    seen.sort_unstable();
    assert_eq!(seen, vec![0, 1, 2, 3, 4, 5], "each step read the last save");
    let oauth = stored_tokens(store, conn.id).await;
    assert_eq!(oauth.tokens, Some(json!({ "n": 6 })));
    assert_eq!(oauth.client_secret, "csecret");
    assert_eq!(
        oauth.api_base_url.as_deref(),
        Some("https://us-1.api.example"),
        "a rotation without a host keeps the stored one"
    );
}

/// A step that keeps the stored set, or fails, saves nothing and frees the lock at
/// once; a saving step marks the connection Authorised and may move its API host.
pub async fn a_kept_or_failed_rotation_saves_nothing(store: &dyn Store) {
    let conn = oauth_connection(store, "OAuth", json!({ "n": 7 })).await;
    store
        .set_connection_status(conn.id, ConnectionStatus::NeedsReauthorisation)
        .await
        .expect("status");
    let kept = store
        .rotate_oauth_tokens(conn.id, Box::new(|_| Box::pin(async { Ok(None) })))
        .await
        .expect("kept");
    assert_eq!(kept, Some(json!({ "n": 7 })), "the stored set is in effect");
    let failed = store
        .rotate_oauth_tokens(
            conn.id,
            Box::new(|_| {
                Box::pin(async { Err("invalid_grant: refresh token already used".into()) })
            }),
        )
        .await;
    match failed {
        Err(StoreError::Rotation(e)) => assert!(e.to_string().contains("invalid_grant"), "{e}"),
        other => panic!("a failed step is StoreError::Rotation, got {other:?}"),
    }
    let oauth = stored_tokens(store, conn.id).await;
    assert_eq!(oauth.tokens, Some(json!({ "n": 7 })));
    let status = |c: Option<Connection>| c.expect("exists").status;
    assert_eq!(
        status(store.get_connection(conn.id).await.expect("get")),
        ConnectionStatus::NeedsReauthorisation
    );
    let saved = tokio::time::timeout(
        Duration::from_secs(5),
        store.rotate_oauth_tokens(
            conn.id,
            Box::new(|_| {
                Box::pin(async {
                    Ok(Some(RotatedTokens {
                        tokens: json!({ "n": 8 }),
                        api_base_url: Some("https://eu-2.api.example".into()),
                    }))
                })
            }),
        ),
    )
    .await
    .expect("the lock was freed")
    .expect("saved");
    assert_eq!(saved, Some(json!({ "n": 8 })));
    assert_eq!(
        stored_tokens(store, conn.id).await.api_base_url.as_deref(),
        Some("https://eu-2.api.example")
    );
    assert_eq!(
        status(store.get_connection(conn.id).await.expect("get")),
        ConnectionStatus::Authorised
    );
}

/// Access-key connections have no tokens to rotate; unknown ones do not exist.
pub async fn only_oauth_connections_rotate_tokens(store: &dyn Store) {
    let basic = connection(store, "Basic").await;
    let never = || -> TokenRotation<'static> {
        Box::new(|_| Box::pin(async { panic!("the step must not run") }))
    };
    assert!(matches!(
        store.rotate_oauth_tokens(basic.id, never()).await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        store
            .rotate_oauth_tokens(ConnectionId::new(basic.id.get() + 1000), never())
            .await,
        Err(StoreError::NotFound { .. })
    ));
}
