//! Measures a job page of a very large job (#7: "p95 < 50 ms on any page of a
//! 1,000,000-record job"): `cargo run --release -p gong_timeline_store_sql
//! --example job_pages -- [records] [calls]` fills a temp SQLite database with one
//! job of `records` log records (default 1,000,000; 80 % Created, 15 % Skipped,
//! 4.9 % Updated, 0.1 % Failed), then times what the job page and the API's records
//! list ask the store for: the stored counts plus one keyset page of 51 records —
//! the first page, a middle page, the last page, forwards and backwards (Previous),
//! with no filter, with one rare status, and with two statuses. Each is run `calls`
//! times (default 50); it prints the median and the p95. For comparison it also
//! times the `LIMIT/OFFSET` query and `COUNT(*) ... GROUP BY status` the page made
//! before. A measurement, not a test: nothing is asserted. `JOB_PAGES_DB=path`
//! keeps the database, to time `gong-timeline log export` on it.

use gong_timeline_store::LogRecordId;
use std::time::{Duration, Instant};

use chrono::Utc;
use gong_timeline_domain::{RecordStatus, Trigger};
use gong_timeline_store::crypto::SecretKey;
use gong_timeline_store::*;
use gong_timeline_store_sql::{SqliteOptions, SqliteStore};

/// Records per `add_log_records` call (one transaction each).
const CHUNK: usize = 20_000;
/// Rows a page asks for: 50 shown, one more to know whether there is a next page.
const LIMIT: u32 = 51;

fn status_of(i: usize) -> RecordStatus {
    match i % 1000 {
        0 => RecordStatus::Failed,
        1..=49 => RecordStatus::Updated,
        50..=199 => RecordStatus::Skipped,
        _ => RecordStatus::Created,
    }
}

/// Median and p95 of `calls` runs of `f`, in milliseconds.
async fn time<F, Fut, T>(calls: usize, mut f: F) -> (f64, f64, T)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = T>,
{
    let mut took: Vec<Duration> = Vec::with_capacity(calls);
    let mut last = None;
    for _ in 0..calls {
        let started = Instant::now();
        last = Some(f().await);
        took.push(started.elapsed());
    }
    took.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let p95 = took[((calls * 95).div_ceil(100)).clamp(1, calls) - 1];
    (
        ms(took[calls / 2]),
        ms(p95),
        last.expect("at least one call"),
    )
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let records: usize = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let calls: usize = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(50)
        .max(1);
    // JOB_PAGES_DB=path keeps the database there (its key from
    // GONG_TIMELINE_SECRET_KEY or a key file), e.g. to time `log export` on it.
    let dir = tempfile::tempdir()?;
    let kept = std::env::var_os("JOB_PAGES_DB").map(std::path::PathBuf::from);
    let file = kept.clone().unwrap_or_else(|| dir.path().join("pages.db"));
    let url = format!("sqlite://{}", file.display());
    let options = SqliteOptions {
        secret_key: kept.is_none().then(SecretKey::generate),
        ..SqliteOptions::default()
    };
    let store = SqliteStore::open_with(&url, options).await?;
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

    let filling = Instant::now();
    let date = Utc::now();
    for start in (0..records).step_by(CHUNK) {
        let chunk: Vec<NewLogRecord> = (start..(start + CHUNK).min(records))
            .map(|i| NewLogRecord {
                gong_call_id: format!("{}", 7_000_000_000_000_000_000u64 + i as u64).into(),
                title: Some(format!("Customer call {i}")),
                meeting_date: Some(date),
                status: status_of(i),
                activity: None,
                message: (status_of(i) != RecordStatus::Created)
                    .then(|| "Skipped: filtered out by the Timeline settings".to_string()),
            })
            .collect();
        store.add_log_records(job, chunk).await?;
    }
    sqlx::query("ANALYZE").execute(store.pool()).await?;
    println!(
        "filled job {job} with {records} records in {:.1} s",
        filling.elapsed().as_secs_f64()
    );

    let all = RecordFilter {
        job_id: job,
        limit: Some(LIMIT),
        ..RecordFilter::default()
    };
    let first_id: i64 = sqlx::query_scalar("SELECT MIN(id) FROM log_records WHERE job_id = ?")
        .bind(job)
        .fetch_one(store.pool())
        .await?;
    let at = |fraction: f64| first_id + ((records as f64 * fraction) as i64);
    let at = |fraction: f64| LogRecordId::new(at(fraction));
    let failed = vec![RecordStatus::Failed];
    let two = vec![RecordStatus::Skipped, RecordStatus::Failed];
    let cases: Vec<(&str, RecordFilter)> = vec![
        ("page 1", all.clone()),
        (
            "middle page",
            RecordFilter {
                seek: Seek::After(at(0.5)),
                ..all.clone()
            },
        ),
        (
            "last page",
            RecordFilter {
                seek: Seek::After(LogRecordId::new(at(1.0).get() - 51)),
                ..all.clone()
            },
        ),
        (
            "last page, backwards (Previous)",
            RecordFilter {
                seek: Seek::Before(at(1.0)),
                ..all.clone()
            },
        ),
        (
            "Failed, page 1",
            RecordFilter {
                statuses: failed.clone(),
                ..all.clone()
            },
        ),
        (
            "Failed, middle page",
            RecordFilter {
                statuses: failed.clone(),
                seek: Seek::After(at(0.5)),
                ..all.clone()
            },
        ),
        (
            "Failed, last page",
            RecordFilter {
                statuses: failed.clone(),
                seek: Seek::After(LogRecordId::new(at(1.0).get() - 30_000)),
                ..all.clone()
            },
        ),
        (
            "Skipped + Failed, middle page",
            RecordFilter {
                statuses: two.clone(),
                seek: Seek::After(at(0.5)),
                ..all.clone()
            },
        ),
        (
            "Skipped + Failed, middle, backwards",
            RecordFilter {
                statuses: two.clone(),
                seek: Seek::Before(at(0.5)),
                ..all.clone()
            },
        ),
    ];
    println!("{calls} calls each; stored counts + one keyset page of {LIMIT} records:");
    println!(
        "{:<38} {:>10} {:>10} {:>6}",
        "page", "median ms", "p95 ms", "rows"
    );
    for (name, filter) in cases {
        let (median, p95, rows) = time(calls, || {
            let filter = filter.clone();
            let store = &store;
            async move {
                let counts = store.count_log_records(job).await.expect("counts");
                let rows = store.list_log_records(filter).await.expect("page");
                (counts.total(), rows.len())
            }
        })
        .await;
        println!("{name:<38} {median:>10.2} {p95:>10.2} {:>6}", rows.1);
    }

    println!("before (for comparison): COUNT(*) by status + LIMIT 51 OFFSET n:");
    for (name, offset) in [
        ("page 1", 0usize),
        ("middle page", records / 2),
        ("last page", records.saturating_sub(50)),
    ] {
        let (median, p95, _) = time(calls.min(10), || {
            let pool = store.pool();
            async move {
                let counts: Vec<(String, i64)> = sqlx::query_as(
                    "SELECT status, COUNT(*) FROM log_records WHERE job_id = ? GROUP BY status",
                )
                .bind(job)
                .fetch_all(pool)
                .await
                .expect("count");
                let rows: Vec<(i64, String)> = sqlx::query_as(
                    "SELECT id, gong_call_id FROM log_records WHERE job_id = ? ORDER BY id LIMIT 51 OFFSET ?",
                )
                .bind(job)
                .bind(offset as i64)
                .fetch_all(pool)
                .await
                .expect("page");
                (counts.len(), rows.len())
            }
        })
        .await;
        println!("{name:<38} {median:>10.2} {p95:>10.2}");
    }
    Ok(())
}
