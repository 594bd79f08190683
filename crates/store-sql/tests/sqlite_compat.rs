//! A SQLite database written by gong-timeline 723fbc1 (the last version with two
//! store crates; `fixtures/make-old-sqlite.sh` made it, with rows in every table)
//! opens with today's store, and every table reads back through it, credentials
//! included: upgrading loses nothing.

use gong_timeline_store::GongCallId;
use std::collections::HashMap;

use chrono::{TimeZone, Utc};
use gong_timeline_store::crypto::SecretKey;
use gong_timeline_store::{
    ActivityFilter, JobFilter, MeetingQuery, MeetingSet, RecordFilter, Store,
};
use gong_timeline_store_sql::{SqliteOptions, SqliteStore};
use sqlx::Connection;

const DUMP: &str = include_str!("fixtures/sqlite-723fbc1.sql");
const COUNTS: &str = include_str!("fixtures/sqlite-723fbc1.counts");
/// The fixture's own throw-away key (see `make-old-sqlite.sh`).
const KEY: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

/// Rows per table in the old database, as the fixture script counted them.
fn old_counts() -> HashMap<&'static str, u64> {
    COUNTS
        .lines()
        .filter_map(|line| line.split_once(' '))
        .map(|(table, n)| (table, n.parse().expect("a count")))
        .collect()
}

async fn old_database() -> (SqliteStore, tempfile::TempDir) {
    old_database_with("").await
}

/// The old database with `extra` SQL run on it before today's store opens it.
async fn old_database_with(extra: &str) -> (SqliteStore, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("old.db").display());
    let mut conn = sqlx::SqliteConnection::connect(&format!("{url}?mode=rwc"))
        .await
        .expect("create the file");
    sqlx::raw_sql(DUMP)
        .execute(&mut conn)
        .await
        .expect("load the old database");
    sqlx::raw_sql(extra)
        .execute(&mut conn)
        .await
        .expect("add to the old database");
    conn.close().await.expect("close");
    let options = SqliteOptions {
        secret_key: Some(SecretKey::parse(KEY, "the fixture").expect("the fixture's key")),
        ..SqliteOptions::default()
    };
    let store = SqliteStore::open_with(&url, options)
        .await
        .expect("today's store opens 723fbc1's database");
    (store, dir)
}

#[tokio::test]
async fn a_database_of_the_two_crate_store_opens_and_every_table_reads_back() {
    let counts = old_counts();
    let n = |table: &str| {
        *counts
            .get(table)
            .unwrap_or_else(|| panic!("{table} counted"))
    };
    for (table, rows) in &counts {
        if !["_sqlx_migrations", "sqlite_sequence", "store_meta"].contains(table) {
            assert!(*rows > 0, "the fixture has rows in {table}");
        }
    }
    let (store, _dir) = old_database().await;

    assert_eq!(
        store.list_companies().await.unwrap().len() as u64,
        n("companies")
    );
    assert_eq!(
        store.list_persons().await.unwrap().len() as u64,
        n("persons")
    );
    assert_eq!(store.list_users().await.unwrap().len() as u64, n("users"));
    assert_eq!(
        store.list_activity_types().await.unwrap().len() as u64,
        n("activity_types")
    );
    assert_eq!(
        store.list_field_types().await.unwrap().len() as u64,
        n("field_types")
    );

    let connections = store.list_connections().await.unwrap();
    assert_eq!(connections.len() as u64, n("connections"));
    let acme = &connections[0];
    store
        .connection_credentials(acme.id)
        .await
        .expect("the sealed credentials open");
    let settings = store.get_settings(acme.id).await.unwrap();
    assert_eq!(settings.activity_type, "Call");
    assert_eq!(
        store.list_mappings(acme.id).await.unwrap().len() as u64,
        n("user_mappings")
    );
    assert!(store.schedule_claim(acme.id).await.unwrap().is_some());
    assert!(store.get_webhook(acme.id).await.unwrap().is_some());
    let checkpoint = store.get_checkpoint(acme.id).await.unwrap();
    assert!(checkpoint.last_meeting_started.is_some());

    let jobs = store.list_jobs(JobFilter::default()).await.unwrap();
    assert_eq!(jobs.len() as u64, n("jobs"));
    let mut records = 0;
    for job in &jobs {
        let filter = RecordFilter {
            job_id: job.id,
            ..RecordFilter::default()
        };
        records += store.list_log_records(filter).await.unwrap().len() as u64;
    }
    assert_eq!(records, n("log_records"));
    let activities = store
        .list_activities(ActivityFilter::default())
        .await
        .unwrap();
    assert_eq!(activities.len() as u64, n("activities"));
    assert!(activities
        .iter()
        .all(|a| !a.internal_attendees.is_empty() || !a.external_attendees.is_empty()));

    let ever = Utc.with_ymd_and_hms(2000, 1, 1, 0, 0, 0).unwrap();
    let meetings = store
        .list_stored_meetings(
            acme.id,
            MeetingQuery {
                since: ever,
                until: None,
                which: MeetingSet::All,
                after: None,
                limit: 10_000,
            },
        )
        .await
        .expect("stored meetings decode");
    assert_eq!(meetings.len() as u64, n("stored_meetings"));
    assert_eq!(
        gong_timeline_store::conformance::fixtures::retries(&store, acme.id, ever)
            .await
            .len() as u64,
        n("retry_list")
    );
    let marks = store
        .skip_marks(acme.id, &logged_calls(&store).await)
        .await
        .unwrap();
    assert_eq!(marks.len() as u64, n("skip_marks"));

    let admin = store
        .admin_by_username("fixture")
        .await
        .unwrap()
        .expect("the admin");
    assert!(admin.password_hash.starts_with("$argon2"));
    assert!(store
        .api_token_by_hash("fixture-token-hash")
        .await
        .unwrap()
        .is_some());
    let now = Utc::now();
    assert!(store
        .session_by_hash("fixture-session-hash", now)
        .await
        .unwrap()
        .is_some());
    assert!(store
        .export_by_token("fixture-export-token")
        .await
        .unwrap()
        .is_some());
    assert!(store
        .take_oauth_state("fixture-state-hash", now)
        .await
        .unwrap()
        .is_some());
    assert_eq!(
        store.queued_webhook_calls(acme.id, 10).await.unwrap().len() as u64,
        n("webhook_queue")
    );
}

/// Duplicates made under the old key (`gong:<connection>:<call>`): connection 2 (deleted)
/// and connection 1 both wrote calls A and B. A's newer activity is connection 2's, B's
/// is connection 1's. Log records point at each of the four.
const DUPLICATES: &str = "
INSERT INTO connections (id, name, base_url, auth_kind, credentials, status, created_at, deleted_at)
  VALUES (2, 'acme again (deleted #2)', 'http://127.0.0.1:60435', 'Basic', '', 'Authorised',
          '2026-12-07T00:00:00Z', '2026-12-08T00:00:00Z');
INSERT INTO activities (id, external_id, connection_id, gong_call_id, activity_type, subject, date,
  company_id, internal_attendees, external_attendees, source, content_hash, created_at, updated_at)
  SELECT 101, 'gong:2:' || gong_call_id, 2, gong_call_id, activity_type, 'A, written again', date,
         company_id, internal_attendees, external_attendees, source, 5, '2026-12-07T00:00:00Z',
         '2026-12-07T00:00:00Z' FROM activities WHERE id = 1;
INSERT INTO activities (id, external_id, connection_id, gong_call_id, activity_type, subject, date,
  company_id, internal_attendees, external_attendees, source, content_hash, created_at, updated_at)
  SELECT 102, 'gong:2:' || gong_call_id, 2, gong_call_id, activity_type, 'B, older', date,
         company_id, internal_attendees, external_attendees, source, 6, '2026-12-01T00:00:00Z',
         '2026-12-01T00:00:00Z' FROM activities WHERE id = 2;
INSERT INTO log_records (job_id, gong_call_id, title, meeting_date, status, activity_id, message)
  SELECT 1, gong_call_id, subject, date, 'Created', id, NULL FROM activities WHERE id IN (101, 102);
";

/// S10: an old database holding two activities of one call (two connections to one
/// Gong account) comes out of the migration with one, the most recently updated, the
/// other's log records pointing at it, each merge logged, every id `gong:<call>`.
#[tokio::test]
async fn s10_duplicates_of_a_call_merge_into_one_activity_and_nothing_logged_is_lost() {
    let (store, _dir) = old_database_with(DUPLICATES).await;
    let counts = old_counts();
    let activities = store
        .list_activities(ActivityFilter::default())
        .await
        .unwrap();
    assert_eq!(
        activities.len() as u64,
        counts["activities"],
        "the two extra rows merged"
    );
    let ids: std::collections::HashSet<i64> = activities.iter().map(|a| a.id.get()).collect();
    assert!(
        ids.contains(&101) && !ids.contains(&1),
        "A: the newer (101) is kept"
    );
    assert!(
        ids.contains(&2) && !ids.contains(&102),
        "B: the newer (2) is kept"
    );
    for a in &activities {
        assert_eq!(a.external_id, format!("gong:{}", a.gong_call_id));
    }
    let a = activities.iter().find(|a| a.id.get() == 101).unwrap();
    assert_eq!(a.subject, "A, written again");
    assert_eq!(
        store
            .activity_by_external_id(&a.external_id)
            .await
            .unwrap()
            .map(|x| x.id.get()),
        Some(101)
    );

    let mut conn = sqlx::SqliteConnection::connect(&format!(
        "sqlite://{}",
        _dir.path().join("old.db").display()
    ))
    .await
    .unwrap();
    let pointing: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT activity_id, COUNT(*) FROM log_records WHERE activity_id IN (1, 2, 101, 102) \
         GROUP BY activity_id ORDER BY activity_id",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    let records = |id: i64| {
        pointing
            .iter()
            .find(|(a, _)| *a == id)
            .map_or(0, |(_, n)| *n)
    };
    assert_eq!(
        (records(1), records(102)),
        (0, 0),
        "no record points at a merged activity"
    );
    assert!(records(101) >= 2 && records(2) >= 2, "{pointing:?}");
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM log_records")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        total as u64,
        counts["log_records"] + 2,
        "no log record is lost"
    );
    let merges: Vec<(i64, i64, i64, String)> = sqlx::query_as(
        "SELECT merged_id, kept_id, connection_id, external_id FROM activity_merges ORDER BY merged_id",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    assert_eq!(merges.len(), 2);
    assert_eq!((merges[0].0, merges[0].1, merges[0].2), (1, 101, 1));
    assert!(merges[0].3.starts_with("gong:1:"));
    assert_eq!((merges[1].0, merges[1].1, merges[1].2), (102, 2, 2));
}

/// The call ids of every log record.
async fn logged_calls(store: &SqliteStore) -> Vec<GongCallId> {
    let jobs = store.list_jobs(JobFilter::default()).await.unwrap();
    let mut calls = Vec::new();
    for job in jobs {
        let filter = RecordFilter {
            job_id: job.id,
            ..RecordFilter::default()
        };
        for record in store.list_log_records(filter).await.unwrap() {
            calls.push(record.gong_call_id);
        }
    }
    calls
}
