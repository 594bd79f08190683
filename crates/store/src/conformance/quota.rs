//! Checks of Gong's quota (Q1, Q4): budgets per connection, request counts that add
//! up per bucket, purpose and endpoint, and their pruning.

use gong_timeline_domain::quota::{bucket_of, Purpose, QuotaSettings, RequestCount};

use super::fixtures::*;
use crate::Store;

fn spent(minutes: i64, purpose: Purpose, endpoint: &str, requests: u64) -> RequestCount {
    RequestCount {
        bucket: bucket_of(at(minutes)),
        purpose,
        endpoint: endpoint.into(),
        requests,
    }
}

/// Q1: a connection without a budget has the default; a set one is kept per
/// connection.
pub async fn quota_settings_default_and_are_kept_per_connection(store: &dyn Store) {
    let a = connection(store, "A").await;
    let b = connection(store, "B").await;
    assert_eq!(
        store.get_quota(a.id).await.expect("read"),
        QuotaSettings::default()
    );
    let set = QuotaSettings::new(1_200, 1.5).expect("valid");
    store.set_quota(a.id, &set).await.expect("save");
    store.set_quota(a.id, &set).await.expect("save again");
    assert_eq!(store.get_quota(a.id).await.expect("read"), set);
    assert_eq!(
        store.get_quota(b.id).await.expect("read"),
        QuotaSettings::default()
    );
}

/// Q1, Q4: counts of one bucket, purpose and endpoint add up (two replicas flushing
/// the same bucket); they are read oldest first from a start, and pruned before one.
pub async fn gong_request_counts_add_up_and_are_pruned(store: &dyn Store) {
    let a = connection(store, "A").await;
    let b = connection(store, "B").await;
    let calls = "/v2/calls/extensive";
    store
        .add_gong_requests(
            a.id,
            &[
                spent(1, Purpose::Users, "/v2/users", 1),
                spent(2, Purpose::Backfill, calls, 5),
            ],
        )
        .await
        .expect("count");
    store
        .add_gong_requests(a.id, &[spent(3, Purpose::Backfill, calls, 2)])
        .await
        .expect("count again");
    store
        .add_gong_requests(a.id, &[spent(30, Purpose::Webhook, calls, 4)])
        .await
        .expect("count later");
    store
        .add_gong_requests(b.id, &[spent(2, Purpose::Backfill, calls, 9)])
        .await
        .expect("another connection");
    let all = store.gong_requests_since(a.id, at(0)).await.expect("read");
    let seen: Vec<(Purpose, u64)> = all.iter().map(|c| (c.purpose, c.requests)).collect();
    assert_eq!(
        seen,
        [
            (Purpose::Backfill, 7),
            (Purpose::Users, 1),
            (Purpose::Webhook, 4)
        ]
    );
    assert_eq!(all[2].bucket, bucket_of(at(30)));
    let later = store.gong_requests_since(a.id, at(20)).await.expect("read");
    assert_eq!(later.len(), 1);
    assert_eq!(store.prune_gong_requests(at(20)).await.expect("prune"), 3);
    assert_eq!(
        store
            .gong_requests_since(a.id, at(0))
            .await
            .expect("read")
            .len(),
        1
    );
    assert!(store
        .gong_requests_since(b.id, at(0))
        .await
        .expect("read")
        .is_empty());
}
