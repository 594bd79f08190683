//! Checks of the erasure of a person by email (G2).

use gong_timeline_domain::erasure::ERASED_ATTENDEE;
use gong_timeline_domain::{Email, MappingStatus, RecordStatus};

use super::fixtures::*;
use super::meetings::{meeting, query};
use crate::records::*;
use crate::Store;

fn request(email: &str, dry_run: bool) -> ErasureRequest {
    ErasureRequest {
        email: Email::parse(email).expect("an email"),
        requested_by: "admin".into(),
        dry_run,
        at: at(60),
    }
}

/// One call with Ann (ann@acme.com) everywhere she can be: a company person, an
/// external attendee, a stored meeting's party, a log record's title, a retry
/// message and a Gong user's mapping.
async fn a_call_with_ann(store: &dyn Store) -> ConnectionId {
    seed(store).await;
    let conn = connection(store, "A").await;
    let acme = company_id(store, "Acme").await;
    let job = start_job(store, conn.id, 0).await;
    let mut p = page(store, job, conn.id, 1).await;
    let mut with_zoe = meeting("c2", 11);
    with_zoe.parties[0].email = Some("zoe@acme.com".into());
    p.meetings = vec![
        EncodedMeeting::new(&meeting("c1", 10), at(1)),
        EncodedMeeting::new(&with_zoe, at(1)),
    ];
    p.upserts = vec![upsert(conn.id, "c1", acme, 10, 1)];
    let mut titled = record("c1", RecordStatus::Failed, None);
    titled.title = Some("Follow-up with Ann@Acme.com".into());
    p.records = vec![titled];
    p.retry_add = vec![RetryEntry {
        gong_call_id: "c1".into(),
        message: "no person ann@acme.com".into(),
        failed_at: at(1),
    }];
    store.commit_page(&p).await.expect("commit");
    store
        .upsert_mappings(
            conn.id,
            vec![MappingUpsert {
                gong_user_id: "g9".into(),
                gong_email: Some("ANN@acme.com".into()),
                gong_name: "Ann".into(),
                status: MappingStatus::Failed,
                user_id: None,
                suggested: vec![],
            }],
            at(2),
        )
        .await
        .expect("mappings");
    conn.id
}

/// Erasing an address anonymises attendees and parties, cuts it out of text,
/// deletes the person and the Gong user's mapping, and keeps a receipt with its
/// SHA-256; a dry run counts the same and changes nothing; a second erasure finds
/// nothing; what does not name the person is left alone.
pub async fn erasure_removes_every_trace_and_keeps_a_receipt(store: &dyn Store) {
    let conn = a_call_with_ann(store).await;
    let expected = ErasureCounts {
        persons: 1,
        activities: 1,
        stored_meetings: 1,
        log_records: 1,
        jobs: 0,
        retry_list: 1,
        user_mappings: 1,
        users: 0,
        transcripts: 1,
    };
    let activity = store.list_activities(of_connection(conn)).await.unwrap()[0].id;
    let said = gong_timeline_domain::transcript::Transcript {
        monologues: vec![gong_timeline_domain::transcript::Monologue {
            speaker: gong_timeline_domain::transcript::Speaker {
                name: Some("Ann".into()),
                affiliation: gong_timeline_domain::meeting::Affiliation::External,
            },
            topic: None,
            sentences: vec![gong_timeline_domain::transcript::Sentence {
                start_ms: 0,
                end_ms: 900,
                text: "Ann speaking.".into(),
            }],
        }],
    };
    let transcript = StoredTranscript {
        activity_id: activity,
        transcript: said,
        fetched_at: at(2),
    };
    store
        .put_transcripts(&[transcript])
        .await
        .expect("transcript");

    let dry = store
        .erase_email(&request("ann@acme.com", true))
        .await
        .expect("dry run");
    assert_eq!(dry.counts, expected, "the dry run counts what would go");
    assert_eq!(dry.id, None);
    assert_eq!(store.list_persons().await.unwrap().len(), 3, "nothing went");
    assert!(store.list_erasures().await.unwrap().is_empty());

    let receipt = store
        .erase_email(&request("ann@acme.com", false))
        .await
        .expect("erase");
    assert_eq!(receipt.counts, expected);
    assert_eq!(
        receipt.email_sha256,
        email_sha256(&Email::parse("ann@acme.com").unwrap())
    );

    let persons = store.list_persons().await.unwrap();
    assert!(persons.iter().all(|p| p.email != "ann@acme.com"));
    assert_eq!(persons.len(), 2, "bob and cid stay");
    let gone = store.get_transcript(activity).await.unwrap();
    assert_eq!(gone, None, "the transcript of a call she attended goes");
    let activity = &store.list_activities(of_connection(conn)).await.unwrap()[0];
    assert_eq!(
        activity.external_attendees[0].name.as_deref(),
        Some(ERASED_ATTENDEE)
    );
    assert_eq!(activity.external_attendees[0].email, None);
    assert_eq!(activity.internal_attendees[0].name.as_deref(), Some("Sam"));
    let stored = store
        .list_stored_meetings(conn, query(MeetingSet::All, None, 10))
        .await
        .unwrap();
    assert_eq!(stored[0].meeting.parties[0].email, None);
    assert_eq!(
        stored[1].meeting.parties[0].email.as_deref(),
        Some("zoe@acme.com")
    );
    let job = store.list_jobs(JobFilter::default()).await.unwrap()[0].id;
    let records = store
        .list_log_records(RecordFilter {
            job_id: job,
            ..RecordFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(records[0].title.as_deref(), Some("Follow-up with [erased]"));
    let retries = retries(store, conn, at(0)).await;
    assert_eq!(retries[0].last_message, "no person [erased]");
    assert!(store.list_mappings(conn).await.unwrap().is_empty());

    let again = store
        .erase_email(&request("ann@acme.com", false))
        .await
        .expect("again");
    assert_eq!(again.counts.total(), 0, "idempotent: {:?}", again.counts);
    let receipts = store.list_erasures().await.unwrap();
    assert_eq!(receipts.len(), 2, "each erasure keeps a receipt");
    assert_eq!(receipts[1].counts, expected, "newest first");
    assert_eq!(receipts[0].requested_by, "admin");
}

/// A Timeline user with the address is kept (activities name them as author) but
/// anonymised; every user sharing the address is.
pub async fn erasure_anonymises_timeline_users_with_the_address(store: &dyn Store) {
    seed(store).await;
    let receipt = store
        .erase_email(&request("SAM@us.io", false))
        .await
        .expect("erase");
    assert_eq!(receipt.counts.users, 2);
    let users = store.list_users().await.unwrap();
    assert_eq!(users.len(), 3, "no user is deleted");
    assert!(users.iter().all(|u| u.email != "sam@us.io"));
    assert_eq!(users.iter().filter(|u| u.name == "Erased user").count(), 2);
}

/// Retention removes a connection's activities and stored meetings older than the
/// cutoff, oldest first, at most `limit` of each per call; other connections and
/// newer rows stay, and the log keeps its records.
pub async fn retention_purges_what_is_older_in_bounded_batches(store: &dyn Store) {
    seed(store).await;
    let conn = connection(store, "A").await;
    let other = connection(store, "B").await;
    let acme = company_id(store, "Acme").await;
    let job = start_job(store, conn.id, 0).await;
    let mut p = page(store, job, conn.id, 1).await;
    p.upserts = ["c1", "c2", "c3"]
        .iter()
        .zip([10, 20, 30])
        .map(|(call, minute)| upsert(conn.id, call, acme, minute, 1))
        .collect();
    p.meetings = ["c1", "c2", "c3"]
        .iter()
        .zip([10, 20, 30])
        .map(|(call, minute)| EncodedMeeting::new(&meeting(call, minute), at(1)))
        .collect();
    p.records = vec![record("c1", RecordStatus::Created, None)];
    store.commit_page(&p).await.expect("commit");
    let other_job = start_job(store, other.id, 2).await;
    let mut q = page(store, other_job, other.id, 2).await;
    q.upserts = vec![upsert(other.id, "c9", acme, 5, 1)];
    store.commit_page(&q).await.expect("commit");

    let due = store.count_before(conn.id, at(25)).await.expect("count");
    assert_eq!(
        due,
        PurgeCounts {
            activities: 2,
            stored_meetings: 2
        }
    );
    let first = store.purge_before(conn.id, at(25), 1).await.expect("purge");
    let second = store.purge_before(conn.id, at(25), 1).await.expect("purge");
    let third = store.purge_before(conn.id, at(25), 1).await.expect("purge");

    let one = PurgeCounts {
        activities: 1,
        stored_meetings: 1,
    };
    assert_eq!((first, second), (one, one));
    assert!(third.is_empty(), "{third:?}");
    assert!(store
        .count_before(conn.id, at(25))
        .await
        .unwrap()
        .is_empty());
    let left: Vec<GongCallId> = store
        .list_activities(of_connection(conn.id))
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.gong_call_id)
        .collect();
    assert_eq!(left, ["c3"]);
    assert_eq!(
        store
            .list_activities(of_connection(other.id))
            .await
            .unwrap()
            .len(),
        1,
        "another connection's old activity stays"
    );
    let stored = store
        .count_stored_meetings(conn.id, at(0), at(100))
        .await
        .expect("count");
    assert_eq!(stored, 1);
    let records = store
        .list_log_records(RecordFilter {
            job_id: job,
            ..RecordFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(records.len(), 1, "the log keeps its record");
}

/// After an erasure, a page that names the person again (Gong still has the call, or
/// changed it) is written without them: the erasure lasts.
pub async fn an_erased_person_does_not_come_back_with_a_later_page(store: &dyn Store) {
    let conn = a_call_with_ann(store).await;
    let acme = company_id(store, "Acme").await;
    let first = store.list_jobs(JobFilter::default()).await.unwrap()[0].id;
    finish_job(store, first, gong_timeline_domain::JobStatus::Success, 3).await;
    store
        .erase_email(&request("ann@acme.com", false))
        .await
        .expect("erase");

    let job = start_job(store, conn, 70).await;
    let mut p = page(store, job, conn, 71).await;
    p.meetings = vec![EncodedMeeting::new(&meeting("c3", 30), at(71))];
    p.upserts = vec![upsert(conn, "c3", acme, 30, 1)];
    let mut titled = record("c3", RecordStatus::Failed, None);
    titled.message = Some("No company for ann@acme.com".into());
    p.records = vec![titled];
    store.commit_page(&p).await.expect("commit");

    let activity = store
        .activity_by_external_id("gong:c3")
        .await
        .unwrap()
        .expect("written");
    assert_eq!(
        activity.external_attendees[0].name.as_deref(),
        Some(ERASED_ATTENDEE)
    );
    let stored = store
        .list_stored_meetings(
            conn,
            MeetingQuery {
                since: at(25),
                until: None,
                which: MeetingSet::All,
                after: None,
                limit: 10,
            },
        )
        .await
        .unwrap();
    assert_eq!(stored[0].meeting.gong_call_id, "c3");
    assert_eq!(stored[0].meeting.parties[0].email, None);
    assert_eq!(
        stored[0].fingerprint, p.meetings[0].fingerprint,
        "the engine's fingerprint stays"
    );
    let records = store
        .list_log_records(RecordFilter {
            job_id: job,
            ..RecordFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(
        records[0].message.as_deref(),
        Some("No company for [erased]")
    );
}
