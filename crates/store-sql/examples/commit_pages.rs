//! Measures the page commit: `cargo run --release -p gong_timeline_store_sql
//! --example commit_pages -- [pages]` writes pages of 100 meetings (100 upserts +
//! 100 log records each) into a temp database and prints meetings per second.

use std::time::Instant;

use chrono::Utc;
use gong_timeline_domain::{RecordStatus, Trigger};
use gong_timeline_store::crypto::SecretKey;
use gong_timeline_store::*;
use gong_timeline_store_sql::{SqliteOptions, SqliteStore};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let pages: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200);
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let options = SqliteOptions {
        secret_key: Some(SecretKey::generate()),
        ..SqliteOptions::default()
    };
    let store = SqliteStore::open_with(&url, options).await?;
    let rows = import::parse_companies("name,crm_account_id\nAcme,001A\n".as_bytes())?;
    store.import_companies(rows).await?;
    let company = store.company_by_name("Acme").await?.ok_or("no company")?.id;
    let conn = store
        .create_connection(NewConnection {
            name: "bench".into(),
            base_url: "http://127.0.0.1:1".into(),
            credentials: Credentials::Basic {
                access_key: "k".into(),
                access_key_secret: "s".into(),
            },
            status: ConnectionStatus::Authorised,
            created_at: Utc::now(),
        })
        .await?;
    let lease = Lease {
        owner: "bench".into(),
        expires_at: Utc::now() + chrono::Duration::hours(1),
    };
    let job = store
        .try_start_job(conn.id, Trigger::Manual, lease, Utc::now())
        .await?
        .ok_or("busy")?;
    let fence = Fence {
        owner: "bench".into(),
        generation: store.get_job(job).await?.ok_or("no job")?.lease_generation,
    };
    let started = Instant::now();
    for p in 0..pages {
        let now = Utc::now();
        let mut page = PageCommit {
            job_id: job,
            connection_id: conn.id,
            upserts: Vec::with_capacity(100),
            records: Vec::with_capacity(100),
            retry_add: Vec::new(),
            retry_remove: Vec::new(),
            removals: Vec::new(),
            skip_marks: Vec::new(),
            unmark: Vec::new(),
            forget: Vec::new(),
            checkpoint: Some(now),
            counts_delta: JobCounts {
                fetched: 100,
                created: 100,
                ..JobCounts::default()
            },
            now,
            meetings: Vec::new(),
            fence: fence.clone(),
            resume: ResumeUpdate::Keep,
            reconciled_at: None,
            evaluated_settings: None,
            webhook_done: None,
        };
        for i in 0..100 {
            let call = format!("{}", p * 100 + i);
            page.upserts.push(activity(&call, company, now));
            page.records.push(NewLogRecord {
                gong_call_id: call.clone().into(),
                title: Some(format!("Meeting {call}")),
                meeting_date: Some(now),
                status: RecordStatus::Created,
                activity: Some(ActivityRef::Upsert(i)),
                message: None,
            });
        }
        store.commit_page(&page).await?;
    }
    let seconds = started.elapsed().as_secs_f64();
    let meetings = pages * 100;
    println!(
        "{{\"meetings\":{meetings},\"seconds\":{seconds:.3},\"meetings_per_second\":{:.0}}}",
        meetings as f64 / seconds
    );
    Ok(())
}

fn activity(call: &str, company: CompanyId, now: chrono::DateTime<Utc>) -> ActivityUpsert {
    ActivityUpsert {
        external_id: gong_timeline_domain::external_id(&call.into()),
        gong_call_id: call.into(),
        activity_type: "Meeting".into(),
        subject: format!("Meeting {call}"),
        date: now,
        duration_seconds: Some(1800),
        notes: Some("A brief of the meeting, a few sentences long, as Gong writes it.".into()),
        author_user_id: None,
        company_id: company,
        internal_attendees: vec![
            InternalAttendee {
                email: Some("sam@us.io".into()),
                name: Some("Sam".into()),
                user_id: None
            };
            3
        ],
        external_attendees: vec![
            ExternalAttendee {
                email: Some("ann@acme.com".into()),
                name: Some("Ann".into()),
                person_id: None
            };
            2
        ],
        trackers: None,
        trackers_message: None,
        recording_url: Some(format!("https://app.gong.io/call?id={call}")),
        source: "Gong".into(),
        content: Default::default(),
        content_hash: 42,
    }
}
