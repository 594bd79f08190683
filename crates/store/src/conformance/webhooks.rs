//! Conformance: webhook set-ups and the webhook queue (W1, W2).

use crate::records::*;
use crate::{Store, StoreError};

use super::fixtures::{at, connection, page, start_job};

fn new_webhook(conn: ConnectionId, key: &str, auth: WebhookAuth, now: i64) -> NewWebhook {
    NewWebhook {
        connection_id: conn,
        key: key.to_string(),
        key_hash: format!("hash-of-{key}"),
        auth,
        now: at(now),
    }
}

/// A set-up is found by its key's digest, keeps its key sealed and readable, keeps
/// its key's age when only the mode changes, and loses the old key when rotated.
pub async fn webhooks_are_found_by_key_and_rotated(store: &dyn Store) {
    let a = connection(store, "A").await;
    let b = connection(store, "B").await;
    assert_eq!(store.get_webhook(a.id).await.expect("get"), None);
    let made = store
        .put_webhook(new_webhook(a.id, "k1", WebhookAuth::UrlKey, 0))
        .await
        .expect("put");
    assert_eq!(made.key, "k1");
    assert_eq!(made.auth, WebhookAuth::UrlKey);
    assert_eq!(made.key_created_at, at(0));
    assert_eq!(made.last_received_at, None);
    let found = store.webhook_by_key_hash("hash-of-k1").await.expect("find");
    assert_eq!(found.as_ref().map(|w| w.connection_id), Some(a.id));

    let jwt = WebhookAuth::SignedJwt {
        public_key_pem: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n".into(),
    };
    let moded = store
        .put_webhook(new_webhook(a.id, "k1", jwt.clone(), 5))
        .await
        .expect("mode");
    assert_eq!(moded.auth, jwt);
    assert_eq!(moded.key_created_at, at(0), "same key, same age");

    let rotated = store
        .put_webhook(new_webhook(a.id, "k2", jwt, 9))
        .await
        .expect("rotate");
    assert_eq!(
        (rotated.key.as_str(), rotated.key_created_at),
        ("k2", at(9))
    );
    assert_eq!(
        store.webhook_by_key_hash("hash-of-k1").await.expect("old"),
        None
    );

    let taken = store
        .put_webhook(new_webhook(b.id, "k2", WebhookAuth::UrlKey, 9))
        .await;
    assert!(
        matches!(taken, Err(StoreError::AlreadyExists { .. })),
        "{taken:?}"
    );
    let orphan = store
        .put_webhook(new_webhook(
            ConnectionId::new(9999),
            "k3",
            WebhookAuth::UrlKey,
            9,
        ))
        .await;
    assert!(
        matches!(orphan, Err(StoreError::NotFound { .. })),
        "{orphan:?}"
    );
    store.record_webhook_test(a.id, at(11)).await.expect("test");
    let tested = store.get_webhook(a.id).await.expect("get").expect("there");
    assert_eq!(tested.last_test_at, Some(at(11)));
}

/// A pushed call is queued once (a repeat is a duplicate, even after processing),
/// listed oldest first, and leaves the queue with the page that handled it, with
/// its delay; processed entries are pruned by age.
pub async fn webhook_calls_are_queued_once_and_leave_with_their_page(store: &dyn Store) {
    let a = connection(store, "A").await;
    let b = connection(store, "B").await;
    store
        .put_webhook(new_webhook(a.id, "ka", WebhookAuth::UrlKey, 0))
        .await
        .expect("put");
    let push = |conn: ConnectionId, call: &'static str, minute: i64| async move {
        store
            .enqueue_webhook_call(conn, &call.into(), at(minute))
            .await
            .expect("enqueue")
    };
    assert_eq!(push(a.id, "c2", 2).await, Enqueued::New);
    assert_eq!(push(a.id, "c1", 1).await, Enqueued::New);
    assert_eq!(push(a.id, "c2", 3).await, Enqueued::Duplicate);
    assert_eq!(push(b.id, "c1", 4).await, Enqueued::New, "per connection");
    let webhook = store.get_webhook(a.id).await.expect("get").expect("there");
    assert_eq!(webhook.last_received_at, Some(at(3)));

    let queued = store.queued_webhook_calls(a.id, 10).await.expect("queued");
    let ids: Vec<&str> = queued.iter().map(|q| q.gong_call_id.as_str()).collect();
    assert_eq!(ids, ["c1", "c2"]);
    assert_eq!(queued[0].received_at, at(1));
    assert_eq!(
        store
            .queued_webhook_calls(a.id, 1)
            .await
            .expect("one")
            .len(),
        1
    );
    let backlogs = store.webhook_backlogs().await.expect("backlogs");
    assert_eq!(
        backlogs,
        vec![
            WebhookBacklog {
                connection_id: a.id,
                queued: 2,
                oldest: at(1)
            },
            WebhookBacklog {
                connection_id: b.id,
                queued: 1,
                oldest: at(4)
            },
        ]
    );

    let job = start_job(store, a.id, 5).await;
    let mut done = page(store, job, a.id, 5).await;
    done.webhook_done = Some(WebhookDone {
        gong_call_ids: vec!["c1".into(), "c2".into(), "not-queued".into()],
        at: at(6),
    });
    store.commit_page(&done).await.expect("commit");
    assert!(store
        .queued_webhook_calls(a.id, 10)
        .await
        .expect("queued")
        .is_empty());
    assert_eq!(
        push(a.id, "c1", 7).await,
        Enqueued::Duplicate,
        "processed once"
    );
    let delays = store
        .webhook_delays(Some(a.id), at(6))
        .await
        .expect("delays");
    assert_eq!(delays.millis, vec![5 * 60_000, 4 * 60_000]);
    assert!(store
        .webhook_delays(Some(b.id), at(0))
        .await
        .expect("b")
        .millis
        .is_empty());
    assert_eq!(
        store
            .webhook_delays(None, at(7))
            .await
            .expect("later")
            .millis,
        Vec::<i64>::new()
    );

    assert_eq!(store.prune_webhook_queue(at(6)).await.expect("prune"), 0);
    assert_eq!(store.prune_webhook_queue(at(7)).await.expect("prune"), 2);
    assert_eq!(
        store.webhook_backlogs().await.expect("b").len(),
        1,
        "b's stays queued"
    );
}

/// A finished webhook batch leaves the connection's last sync alone: it read a few
/// pushed calls, not the window, so the next slot must still run (W3).
pub async fn a_webhook_job_does_not_count_as_the_slots_sync(store: &dyn Store) {
    let a = connection(store, "A").await;
    let manual = start_job(store, a.id, 0).await;
    super::fixtures::finish_job(store, manual, gong_timeline_domain::JobStatus::Success, 1).await;
    let webhook = store
        .try_start_job(
            a.id,
            gong_timeline_domain::Trigger::Webhook,
            super::fixtures::lease("test", 20),
            at(2),
        )
        .await
        .expect("start")
        .expect("started");
    super::fixtures::finish_job(store, webhook, gong_timeline_domain::JobStatus::Success, 3).await;
    let conn = store
        .get_connection(a.id)
        .await
        .expect("get")
        .expect("there");
    assert_eq!(conn.last_sync_at, Some(at(1)));
    let job = store.get_job(webhook).await.expect("get").expect("there");
    assert_eq!(job.status, gong_timeline_domain::JobStatus::Success);
    assert_eq!(job.trigger, gong_timeline_domain::Trigger::Webhook);
}
