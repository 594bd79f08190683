//! Checks of S10: one Gong call is one activity whichever connection writes it, a
//! replacing connection takes its predecessor's activities over, and the Gong
//! account of each connection is kept for the refusal of a second one.

use gong_timeline_domain::{GongAccount, RecordStatus};

use super::fixtures::*;
use crate::records::*;
use crate::Store;

/// Pages of two connections for the same call make one activity: the second write
/// updates it in place and the activity belongs to its writer from then on; the
/// fingerprint look-up finds it by call id, whoever wrote it.
pub async fn one_call_is_one_activity_whichever_connection_writes_it(store: &dyn Store) {
    seed(store).await;
    let acme = company_id(store, "Acme").await;
    let old = connection(store, "Old").await;
    let job = start_job(store, old.id, 0).await;
    let mut p = page(store, job, old.id, 1).await;
    p.upserts = vec![upsert(old.id, "c1", acme, 10, 111)];
    p.records = vec![record(
        "c1",
        RecordStatus::Created,
        Some(ActivityRef::Upsert(0)),
    )];
    let first = store.commit_page(&p).await.expect("first write")[0];
    finish_job(store, job, gong_timeline_domain::JobStatus::Success, 2).await;
    store
        .delete_connection(old.id, at(3))
        .await
        .expect("delete");

    let new = connection(store, "New").await;
    let calls = vec![GongCallId::from("c1")];
    let found = store.activity_hashes(&calls).await.expect("hashes");
    assert_eq!(
        found.get("c1").map(|h| (h.activity_id, h.content_hash)),
        Some((first, 111)),
        "the activity of a deleted connection is found by its call"
    );
    let job = start_job(store, new.id, 4).await;
    let mut p = page(store, job, new.id, 5).await;
    p.upserts = vec![upsert(new.id, "c1", acme, 10, 222)];
    p.records = vec![record(
        "c1",
        RecordStatus::Updated,
        Some(ActivityRef::Id(first)),
    )];
    let second = store.commit_page(&p).await.expect("second write")[0];
    assert_eq!(second, first, "updated in place, not doubled");

    let all = store
        .list_activities(ActivityFilter::default())
        .await
        .expect("list");
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].connection_id, new.id, "the writer owns it now");
    assert_eq!(all[0].external_id, "gong:c1");
    let mine = store
        .count_activities(&of_connection(new.id))
        .await
        .expect("count");
    assert_eq!(mine, 1);
}

/// Replacing a connection deletes the old one and hands its activities to the new
/// one in one go; the Gong accounts of live connections are kept and read back.
pub async fn a_replacing_connection_takes_the_activities_and_accounts_are_kept(store: &dyn Store) {
    seed(store).await;
    let acme = company_id(store, "Acme").await;
    let old = connection(store, "Old").await;
    let new = connection(store, "New").await;
    let account = GongAccount::new(["ws-1", "ws-2"], Some("https://us-77.api.gong.io"));
    store.set_gong_account(old.id, &account).await.expect("set");
    let other = GongAccount::new(["ws-9"], None);
    store.set_gong_account(new.id, &other).await.expect("set");
    let accounts = store.gong_accounts().await.expect("accounts");
    let got: Vec<(ConnectionId, GongAccount)> =
        accounts.into_iter().map(|(c, a)| (c.id, a)).collect();
    assert_eq!(got, vec![(old.id, account.clone()), (new.id, other)]);

    let job = start_job(store, old.id, 0).await;
    let mut p = page(store, job, old.id, 1).await;
    p.upserts = vec![
        upsert(old.id, "c1", acme, 10, 1),
        upsert(old.id, "c2", acme, 20, 2),
    ];
    store.commit_page(&p).await.expect("write");
    finish_job(store, job, gong_timeline_domain::JobStatus::Success, 2).await;

    store
        .replace_connection(old.id, new.id, at(3))
        .await
        .expect("replace");
    assert!(store.get_connection(old.id).await.expect("get").is_none());
    assert_eq!(
        store
            .count_activities(&of_connection(new.id))
            .await
            .expect("count"),
        2
    );
    assert_eq!(
        store
            .count_activities(&of_connection(old.id))
            .await
            .expect("count"),
        0
    );
    let left: Vec<ConnectionId> = store
        .gong_accounts()
        .await
        .expect("accounts")
        .into_iter()
        .map(|(c, _)| c.id)
        .collect();
    assert_eq!(
        left,
        vec![new.id],
        "a deleted connection's account is no one's"
    );
    assert!(matches!(
        store.replace_connection(new.id, old.id, at(4)).await,
        Err(crate::StoreError::NotFound { .. })
    ));
}
