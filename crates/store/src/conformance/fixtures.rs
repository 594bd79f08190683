//! Small data sets and builders shared by the conformance checks.

use chrono::{DateTime, TimeZone, Utc};
use gong_timeline_domain::{JobStatus, RecordStatus, Trigger};

use crate::import;
use crate::records::*;
use crate::Store;

/// 2024-05-01 00:00 UTC plus `minutes`.
pub fn at(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 5, 1, 0, 0, 0)
        .single()
        .expect("a valid date")
        + chrono::Duration::minutes(minutes)
}

/// Companies Acme (crm 001A) and Globex (crm 001B, industry Retail).
pub const COMPANIES: &str =
    "name,crm_account_id,industry\nAcme,001A,Software\nGlobex,001B,Retail\n";
/// Two persons of Acme, one of Globex.
pub const PERSONS: &str =
    "email,name,company\nann@acme.com,Ann,Acme\nbob@acme.com,Bob,acme\ncid@globex.com,Cid,Globex\n";
/// Three users; two share an email.
pub const USERS: &str = "email,name,license_type,status,department\nsam@us.io,Sam,Full,active,Sales\nsam@us.io,Sam Two,Viewer,inactive,Sales\nkim@us.io,Kim,Internal Collaborator,active,CS\n";

/// Imports [`COMPANIES`], [`PERSONS`] and [`USERS`].
pub async fn seed(store: &dyn Store) {
    store
        .import_companies(import::parse_companies(COMPANIES.as_bytes()).expect("companies parse"))
        .await
        .expect("companies import");
    store
        .import_persons(import::parse_persons(PERSONS.as_bytes()).expect("persons parse"))
        .await
        .expect("persons import");
    store
        .import_users(import::parse_users(USERS.as_bytes()).expect("users parse"))
        .await
        .expect("users import");
}

/// A Basic connection named `name`.
pub async fn connection(store: &dyn Store, name: &str) -> Connection {
    store
        .create_connection(NewConnection {
            name: name.to_string(),
            base_url: "http://127.0.0.1:1".to_string(),
            credentials: Credentials::Basic {
                access_key: format!("key-{name}"),
                access_key_secret: format!("secret-{name}"),
            },
            status: ConnectionStatus::Authorised,
            created_at: at(0),
        })
        .await
        .expect("connection created")
}

/// A lease held by `owner` until `at(expires)`.
pub fn lease(owner: &str, expires: i64) -> Lease {
    Lease {
        owner: owner.to_string(),
        expires_at: at(expires),
    }
}

/// Starts a manual job that must start.
pub async fn start_job(store: &dyn Store, connection: ConnectionId, now: i64) -> JobId {
    store
        .try_start_job(
            connection,
            Trigger::Manual,
            lease("test", now + 10),
            at(now),
        )
        .await
        .expect("try_start_job")
        .expect("a job starts")
}

/// Finishes a job with `status`.
pub async fn finish_job(store: &dyn Store, job: JobId, status: JobStatus, now: i64) {
    store
        .finish_job(
            job,
            JobFinish {
                status,
                counts: JobCounts::default(),
                finished_at: at(now),
                message: None,
                gong: None,
                fence: None,
            },
        )
        .await
        .expect("finish_job");
}

/// The id of company `name`.
pub async fn company_id(store: &dyn Store, name: &str) -> CompanyId {
    store
        .company_by_name(name)
        .await
        .expect("company_by_name")
        .expect("company exists")
        .id
}

/// An activity for call `call` written by connection `_conn` (the page's: the
/// activity's connection comes from the page), at `at(minutes)`.
pub fn upsert(
    _conn: ConnectionId,
    call: &str,
    company: CompanyId,
    minutes: i64,
    hash: i64,
) -> ActivityUpsert {
    ActivityUpsert {
        external_id: gong_timeline_domain::external_id(&call.into()),
        gong_call_id: call.into(),
        activity_type: "Meeting".to_string(),
        subject: format!("Call {call}"),
        date: at(minutes),
        duration_seconds: Some(1800),
        notes: Some("Brief.".to_string()),
        author_user_id: None,
        company_id: company,
        internal_attendees: vec![InternalAttendee {
            email: Some("sam@us.io".into()),
            name: Some("Sam".into()),
            user_id: None,
        }],
        external_attendees: vec![ExternalAttendee {
            email: Some("ann@acme.com".into()),
            name: Some("Ann".into()),
            person_id: None,
        }],
        trackers: None,
        trackers_message: Some("The Trackers have failed to load.".into()),
        recording_url: Some(format!("https://gong.example/call?id={call}")),
        source: "Gong".to_string(),
        content: Default::default(),
        content_hash: hash,
    }
}

/// A log record for an upsert of the same page.
pub fn record(call: &str, status: RecordStatus, activity: Option<ActivityRef>) -> NewLogRecord {
    NewLogRecord {
        gong_call_id: call.into(),
        title: Some(format!("Call {call}")),
        meeting_date: Some(at(5)),
        status,
        activity,
        message: None,
    }
}

/// Every log record of a job, in the log's order.
pub async fn job_records(store: &dyn Store, job: JobId) -> Vec<LogRecord> {
    store
        .list_log_records(RecordFilter {
            job_id: job,
            ..RecordFilter::default()
        })
        .await
        .expect("records")
}

/// The fence of a running job, as its writer holds it.
pub async fn fence(store: &dyn Store, job: JobId) -> Fence {
    let job = store
        .get_job(job)
        .await
        .expect("get_job")
        .expect("job exists");
    Fence {
        owner: job.lease_owner.expect("a running job has an owner"),
        generation: job.lease_generation,
    }
}

/// An empty page of `job`, under the job's own fence.
pub async fn page(store: &dyn Store, job: JobId, conn: ConnectionId, now: i64) -> PageCommit {
    PageCommit {
        job_id: job,
        connection_id: conn,
        upserts: Vec::new(),
        records: Vec::new(),
        retry_add: Vec::new(),
        retry_remove: Vec::new(),
        removals: Vec::new(),
        skip_marks: Vec::new(),
        unmark: Vec::new(),
        forget: Vec::new(),
        checkpoint: None,
        counts_delta: JobCounts::default(),
        now: at(now),
        meetings: Vec::new(),
        fence: fence(store, job).await,
        resume: ResumeUpdate::Keep,
        reconciled_at: None,
        evaluated_settings: None,
        webhook_done: None,
    }
}

/// Every retry entry of a connection first failed since `since`, in call id order,
/// read two a page so that the paging is exercised too.
pub async fn retries(
    store: &dyn Store,
    conn: ConnectionId,
    since: DateTime<Utc>,
) -> Vec<RetryItem> {
    let mut all: Vec<RetryItem> = Vec::new();
    crate::store::read_retry_pages(store, conn, since, 2, |page| all.extend(page))
        .await
        .expect("retry pages");
    all
}

/// The activities of one connection.
pub fn of_connection(id: ConnectionId) -> ActivityFilter {
    ActivityFilter {
        connection_id: Some(id),
        ..ActivityFilter::default()
    }
}
