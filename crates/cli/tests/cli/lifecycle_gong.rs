//! G1: a call deleted in Gong leaves the Timeline at the next whole read of its
//! window, with a Removed "Deleted in Gong" record; never on a failed Gong answer.

use gong_timeline_gong_sim::SimConfig;
use serde_json::Value;

use crate::helpers::{sim_config, TestApp, CONNECTION};

/// 200 calls over the last 10 days.
fn ten_days() -> SimConfig {
    SimConfig {
        calls: 200,
        days: 10,
        ..sim_config()
    }
}

fn call_ids(activities: &[Value]) -> Vec<String> {
    activities
        .iter()
        .map(|a| a["gong_call_id"].as_str().unwrap().to_string())
        .collect()
}

fn removed(records: &[Value]) -> Vec<String> {
    records
        .iter()
        .filter(|r| r["status"] == "Removed")
        .inspect(|r| assert_eq!(r["message"], "Deleted in Gong", "{r}"))
        .map(|r| r["gong_call_id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn g1_calls_deleted_in_gong_leave_the_timeline_at_a_resync_with_a_removed_record() {
    // Arrange: two synced calls, one old and one recent, deleted in Gong.
    let app = TestApp::with_config(ten_days()).await;
    app.sync().await;
    let before = call_ids(&app.activities().await);
    let (newest, oldest) = (before[0].clone(), before[before.len() - 1].clone());
    app.sim()
        .controls()
        .delete_calls([newest.clone(), oldest.clone()]);
    let from = (chrono::Utc::now() - chrono::Duration::days(11))
        .date_naive()
        .to_string();

    // Act
    let job = app
        .json(&[
            "sync",
            "--connection",
            CONNECTION,
            "--from",
            &from,
            "--format",
            "json",
        ])
        .await;

    // Assert
    let mut gone = removed(&app.records(&job["id"]).await);
    gone.sort();
    let mut expected = vec![newest.clone(), oldest.clone()];
    expected.sort();
    assert_eq!(gone, expected, "{job}");
    assert_eq!(job["removed"], 2, "{job}");
    assert_ne!(job["status"], "Failed", "{job}");
    let after = call_ids(&app.activities().await);
    assert_eq!(after.len(), before.len() - 2);
    assert!(!after.contains(&newest) && !after.contains(&oldest));
    let store = app.open_store().await;
    let connection = store.connection_by_name(CONNECTION).await.unwrap().unwrap();
    let stored = store
        .list_stored_meetings(
            connection.id,
            gong_timeline_store::MeetingQuery {
                since: chrono::Utc::now() - chrono::Duration::days(30),
                until: None,
                which: gong_timeline_store::MeetingSet::All,
                after: None,
                limit: 10_000,
            },
        )
        .await
        .unwrap();
    assert!(
        stored
            .iter()
            .all(|m| m.meeting.gong_call_id.as_str() != oldest),
        "the stored meeting went too"
    );

    // A second read finds nothing more to remove.
    let again = app
        .json(&[
            "sync",
            "--connection",
            CONNECTION,
            "--from",
            &from,
            "--format",
            "json",
        ])
        .await;
    assert!(removed(&app.records(&again["id"]).await).is_empty());
}

#[tokio::test]
async fn g1_the_look_back_removes_a_recent_call_deleted_in_gong() {
    // Arrange
    let app = TestApp::with_config(ten_days()).await;
    app.sync().await;
    let newest = call_ids(&app.activities().await)[0].clone();
    app.sim().controls().delete_calls([newest.clone()]);

    // Act
    let job = app.sync().await;

    // Assert
    assert_eq!(
        removed(&app.records(&job["id"]).await),
        std::slice::from_ref(&newest),
        "{job}"
    );
    assert!(!call_ids(&app.activities().await).contains(&newest));
}

#[tokio::test]
async fn g1_nothing_is_removed_when_gong_fails() {
    // Arrange
    let app = TestApp::with_config(ten_days()).await;
    app.sync().await;
    let before = app.activities().await;
    let newest = call_ids(&before)[0].clone();
    app.sim().controls().delete_calls([newest.clone()]);
    app.sim().controls().set_down(true);

    // Act
    let run = app.run(&["sync", "--connection", CONNECTION]).await;

    // Assert
    assert!(
        !run.success(),
        "the sync fails while Gong is down: {run:#?}"
    );
    assert!(
        call_ids(&app.activities().await).contains(&newest),
        "the activity stays"
    );
    assert_eq!(app.activities().await.len(), before.len());
}

#[tokio::test]
async fn g1_the_monthly_deep_check_catches_an_old_call_deleted_or_made_private_in_gong() {
    // Arrange: 80 days of calls; a month since the last deep check; two calls older
    // than the weekly reconciliation's 30 days, one deleted and one made private.
    let app = TestApp::with_config(SimConfig {
        calls: 300,
        days: 80,
        ..sim_config()
    })
    .await;
    app.sync().await;
    let activities = app.activities().await;
    let old: Vec<String> = activities
        .iter()
        .filter(|a| {
            let date: chrono::DateTime<chrono::Utc> = a["date"].as_str().unwrap().parse().unwrap();
            date < chrono::Utc::now() - chrono::Duration::days(40)
        })
        .map(|a| a["gong_call_id"].as_str().unwrap().to_string())
        .collect();
    let (deleted, private) = (old[0].clone(), old[1].clone());
    app.sim().controls().delete_calls([deleted.clone()]);
    app.sim().controls().make_private([private.clone()]);
    let store = app.open_store().await;
    let connection = store.connection_by_name(CONNECTION).await.unwrap().unwrap();
    let month_ago = gong_timeline_store::DeepCheck {
        checked_at: Some(chrono::Utc::now() - chrono::Duration::days(31)),
        after: None,
    };
    store
        .set_deep_check(connection.id, &month_ago)
        .await
        .unwrap();

    // Act
    let job = app.sync().await;

    // Assert
    let records = app.records(&job["id"]).await;
    assert_eq!(removed(&records), std::slice::from_ref(&deleted), "{job}");
    let private_record = records
        .iter()
        .find(|r| r["gong_call_id"] == private.as_str())
        .expect("a record of the call made private");
    assert_eq!(private_record["status"], "Skipped", "{private_record}");
    let left = call_ids(&app.activities().await);
    assert!(!left.contains(&deleted) && !left.contains(&private));
    assert_eq!(left.len(), activities.len() - 2);
    let state = store
        .get_checkpoint(connection.id)
        .await
        .unwrap()
        .deep_check;
    assert_eq!(state.after, None, "the check finished");
    assert!(
        state.checked_at > month_ago.checked_at,
        "the month starts again"
    );

    // The next job is not due for another month: nothing is asked again.
    let before = app
        .sim()
        .controls()
        .stats()
        .count("POST /v2/calls/extensive");
    app.sync().await;
    let after = app
        .sim()
        .controls()
        .stats()
        .count("POST /v2/calls/extensive");
    assert!(
        after - before <= 2,
        "only the look-back: {}",
        after - before
    );
}
