//! Timeline activities: the page commit (one transaction per page of meetings, or
//! per several pages of one job),
//! the fingerprint look-up that lets unchanged meetings cost no write, and reads
//! with the company and author joined.

use gong_timeline_store::GongCallId;
use std::collections::{HashMap, HashSet};

use gong_timeline_store::{
    Activity, ActivityFilter, ActivityHash, ActivityId, ActivityUpsert, CompanySummary,
    ConnectionId, EarlierCommit, Fence, JobId, PageCommit, Result, Seek, StoreError, UserSummary,
};
use sqlx::QueryBuilder;

use super::dialect::{self, bulk, Conn, Db};

use super::error::Ctx;
use super::jobs::{add_counts, check_fence, push_limit};
use super::log_records::{add_to_counts, insert_records};
use super::sync_state::{add_retries, advance_checkpoint, page_checkpoint, remove_retries};
use super::{erasure, meetings, page_extras, webhooks, Backend};
use crate::codec::{read_enum, read_json, read_ts, ts};

const COMMIT: &str = "writing a page of meetings";

pub(crate) async fn commit_page(store: &Backend, page: &PageCommit) -> Result<Vec<ActivityId>> {
    let mut tx = store.write_tx(COMMIT).await?;
    check_fence(&mut tx, page.job_id, &page.fence).await?;
    let erased = erasure::erased(&mut tx).await?;
    let ids = write_calls(&mut tx, page, &erased).await?;
    write_job_rows(&mut tx, page).await?;
    tx.commit().await.ctx(COMMIT)?;
    Ok(ids)
}

pub(crate) async fn commit_pages(store: &Backend, pages: &[PageCommit]) -> Result<()> {
    if pages.is_empty() {
        return Ok(());
    }
    let mut tx = store.write_tx(COMMIT).await?;
    check_fences(&mut tx, pages).await?;
    let erased = erasure::erased(&mut tx).await?;
    for page in pages {
        write_calls(&mut tx, page, &erased).await?;
        write_job_rows(&mut tx, page).await?;
    }
    tx.commit().await.ctx(COMMIT)?;
    Ok(())
}

/// How long a commit holding its calls' rows waits for the earlier one before it
/// lets them go and is tried again ([`StoreError::Locked`]). A page commit takes
/// milliseconds; a group of them well under a second.
const EARLIER_COMMIT_WAIT: std::time::Duration = std::time::Duration::from_secs(20);

/// [`gong_timeline_store::Store::commit_pages_after`]: the calls' rows are written
/// while the earlier commit runs; the job's rows, and the commit, wait for it.
pub(crate) async fn commit_pages_after(
    store: &Backend,
    pages: &[PageCommit],
    earlier: EarlierCommit,
) -> Result<()> {
    if dialect::CONCURRENT_COMMITS == 1 {
        // The write lock is taken at `BEGIN`: holding it while waiting would keep
        // the earlier commit from ever running.
        return gong_timeline_store::store::commit_after_in_order(store, pages, earlier).await;
    }
    earlier.begun.await;
    let tx = store.write_tx(COMMIT).await;
    (earlier.begin)();
    let mut tx = tx?;
    let erased = erasure::erased(&mut tx).await?;
    for page in pages {
        write_calls(&mut tx, page, &erased).await?;
    }
    // Dropping the transaction rolls the calls' rows back.
    match tokio::time::timeout(EARLIER_COMMIT_WAIT, earlier.committed).await {
        Ok(true) => {}
        Ok(false) => return Err(StoreError::EarlierCommitFailed),
        // Another job's commit may be waiting on these rows while the earlier one
        // waits on it: a cycle the server cannot see. Letting go breaks it.
        Err(_) => return Err(StoreError::Locked),
    }
    // The job's row is locked only now, after the earlier commit released it.
    check_fences(&mut tx, pages).await?;
    for page in pages {
        write_job_rows(&mut tx, page).await?;
    }
    tx.commit().await.ctx(COMMIT)?;
    Ok(())
}

/// Checks the fence of each job the pages write (a sink's pages share one: it is
/// read once).
async fn check_fences(tx: &mut Conn, pages: &[PageCommit]) -> Result<()> {
    let mut fenced: Option<(JobId, &Fence)> = None;
    for page in pages {
        if fenced != Some((page.job_id, &page.fence)) {
            check_fence(tx, page.job_id, &page.fence).await?;
            fenced = Some((page.job_id, &page.fence));
        }
    }
    Ok(())
}

/// The rows of a page's calls, inside the caller's transaction: activities, log
/// records, the retry list, removals, skip marks, forgotten calls and stored
/// meetings; `erased` are the erasure receipts' address hashes (G2). Two jobs'
/// pages of other calls write none of the same rows.
async fn write_calls(
    tx: &mut Conn,
    page: &PageCommit,
    erased: &HashSet<String>,
) -> Result<Vec<ActivityId>> {
    let now = ts(page.now);
    let cleaned;
    let page = match erasure::keep_erased_out(page, erased)? {
        Some(page) => {
            cleaned = page;
            &cleaned
        }
        None => page,
    };
    let ids = upsert_all(tx, page.connection_id, &page.upserts, &now).await?;
    insert_records(tx, page.job_id, &page.records, &ids).await?;
    add_retries(tx, page.connection_id, &page.retry_add).await?;
    remove_retries(tx, page.connection_id, &page.retry_remove).await?;
    page_extras::remove_activities(tx, &page.removals).await?;
    page_extras::mark_skips(tx, page.connection_id, &page.skip_marks, &page.unmark).await?;
    page_extras::forget_calls(tx, page.connection_id, &page.forget).await?;
    meetings::upsert(tx, page.connection_id, &page.meetings).await?;
    Ok(ids)
}

/// The rows a page shares with the rest of its job, after its fence was checked:
/// the checkpoint (forward only), the resume point, the job's counts and record
/// counts, and the webhook queue entries it handled. A commit waiting for an earlier
/// one must not have locked any of them yet.
async fn write_job_rows(tx: &mut Conn, page: &PageCommit) -> Result<()> {
    if let Some(checkpoint) = page.checkpoint {
        advance_checkpoint(tx, page.connection_id, checkpoint).await?;
    }
    page_checkpoint(tx, page).await?;
    add_counts(tx, page.job_id, page.counts_delta).await?;
    add_to_counts(tx, page.job_id, &page.records).await?;
    if let Some(done) = &page.webhook_done {
        webhooks::mark_processed(tx, page.connection_id, done).await?;
    }
    Ok(())
}

/// Upserts a page's activities; returns ids in the page's order
/// (matched by external id, since RETURNING promises no order).
async fn upsert_all(
    conn: &mut Conn,
    connection_id: ConnectionId,
    upserts: &[ActivityUpsert],
    now: &str,
) -> Result<Vec<ActivityId>> {
    if upserts.is_empty() {
        return Ok(Vec::new());
    }
    let rows = bulk::upsert_activities(conn, connection_id, upserts, now).await?;
    let by_external: HashMap<String, ActivityId> = rows.into_iter().collect();
    upserts
        .iter()
        .map(|a| {
            by_external.get(&a.external_id).copied().ok_or_else(|| {
                StoreError::Invalid(format!("activity {} was not written", a.external_id))
            })
        })
        .collect()
}

pub(crate) async fn hashes(
    store: &Backend,
    call_ids: &[GongCallId],
) -> Result<HashMap<GongCallId, ActivityHash>> {
    let rows = bulk::activity_hashes(&store.pool, call_ids).await?;
    Ok(rows
        .into_iter()
        .map(|(call, activity_id, content_hash, activity_type)| {
            let hash = ActivityHash {
                activity_id: activity_id.into(),
                content_hash,
                activity_type,
            };
            (call, hash)
        })
        .collect())
}

const SELECT: &str = "SELECT a.id, a.external_id, a.connection_id, a.gong_call_id, a.activity_type, a.subject, a.date, \
     a.duration_seconds, a.notes, a.author_user_id, a.company_id, a.internal_attendees, a.external_attendees, \
     a.trackers, a.trackers_message, a.recording_url, a.source, a.content_hash, a.created_at, a.updated_at, \
     a.content, c.name AS company_name, c.crm_account_id AS company_crm, u.email AS author_email, \
     u.name AS author_name, u.license_type AS author_license \
     FROM activities a JOIN companies c ON c.id = a.company_id LEFT JOIN users u ON u.id = a.author_user_id";

#[derive(sqlx::FromRow)]
struct ActivityRecord {
    id: i64,
    external_id: String,
    connection_id: i64,
    gong_call_id: String,
    activity_type: String,
    subject: String,
    date: String,
    duration_seconds: Option<i64>,
    notes: Option<String>,
    author_user_id: Option<i64>,
    company_id: i64,
    internal_attendees: String,
    external_attendees: String,
    trackers: Option<String>,
    trackers_message: Option<String>,
    content: Option<String>,
    recording_url: Option<String>,
    source: String,
    content_hash: i64,
    created_at: String,
    updated_at: String,
    company_name: String,
    company_crm: Option<String>,
    author_email: Option<String>,
    author_name: Option<String>,
    author_license: Option<String>,
}

impl ActivityRecord {
    fn into_activity(self) -> Result<Activity> {
        let author = match (
            self.author_user_id,
            self.author_email,
            self.author_name,
            self.author_license,
        ) {
            (Some(id), Some(email), Some(name), Some(license)) => Some(UserSummary {
                id: id.into(),
                email,
                name,
                license_type: read_enum("users.license_type", &license)?,
            }),
            _ => None,
        };
        Ok(Activity {
            id: self.id.into(),
            external_id: self.external_id,
            connection_id: self.connection_id.into(),
            gong_call_id: self.gong_call_id.into(),
            activity_type: self.activity_type,
            subject: self.subject,
            date: read_ts("activities.date", &self.date)?,
            duration_seconds: self.duration_seconds,
            notes: self.notes,
            author,
            company: CompanySummary {
                id: self.company_id.into(),
                name: self.company_name,
                crm_account_id: self.company_crm,
            },
            internal_attendees: read_json(
                "activities.internal_attendees",
                &self.internal_attendees,
            )?,
            external_attendees: read_json(
                "activities.external_attendees",
                &self.external_attendees,
            )?,
            trackers: self
                .trackers
                .as_deref()
                .map(|t| read_json("activities.trackers", t))
                .transpose()?,
            trackers_message: self.trackers_message,
            recording_url: self.recording_url,
            source: self.source,
            content: self
                .content
                .as_deref()
                .map(|c| read_json("activities.content", c))
                .transpose()?
                .unwrap_or_default(),
            content_hash: self.content_hash,
            created_at: read_ts("activities.created_at", &self.created_at)?,
            updated_at: read_ts("activities.updated_at", &self.updated_at)?,
        })
    }
}

pub(crate) async fn get(store: &Backend, id: ActivityId) -> Result<Option<Activity>> {
    let sql = format!("{SELECT} WHERE a.id = $1");
    let row: Option<ActivityRecord> = sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(&store.pool)
        .await
        .ctx("reading an activity")?;
    row.map(ActivityRecord::into_activity).transpose()
}

pub(crate) async fn by_external_id(store: &Backend, external_id: &str) -> Result<Option<Activity>> {
    let sql = format!("{SELECT} WHERE a.external_id = $1");
    let row: Option<ActivityRecord> = sqlx::query_as(&sql)
        .bind(external_id)
        .fetch_optional(&store.pool)
        .await
        .ctx("reading an activity")?;
    row.map(ActivityRecord::into_activity).transpose()
}

pub(crate) async fn list(store: &Backend, filter: ActivityFilter) -> Result<Vec<Activity>> {
    let mut q: QueryBuilder<Db> = QueryBuilder::new(SELECT);
    q.push(" WHERE 1 = 1");
    push_filter(&mut q, &filter);
    // Newest first: (date, id) descending; the page before runs the other way and
    // is turned round below.
    let backwards = matches!(filter.seek, Seek::Before(_));
    let (op, key) = match filter.seek {
        Seek::First => ("", None),
        Seek::After(k) => ("<", Some(k)),
        Seek::Before(k) => (">", Some(k)),
    };
    if let Some(k) = key {
        q.push(format!(" AND (a.date, a.id) {op} ("))
            .push_bind(ts(k.date))
            .push(", ")
            .push_bind(k.id)
            .push(")");
    }
    q.push(if backwards {
        " ORDER BY a.date, a.id"
    } else {
        " ORDER BY a.date DESC, a.id DESC"
    });
    push_limit(&mut q, filter.limit);
    let rows: Vec<ActivityRecord> = q
        .build_query_as()
        .fetch_all(&store.pool)
        .await
        .ctx("listing activities")?;
    let mut activities = rows
        .into_iter()
        .map(ActivityRecord::into_activity)
        .collect::<Result<Vec<_>>>()?;
    if backwards {
        activities.reverse();
    }
    Ok(activities)
}

/// The `WHERE` conditions of an activity filter (after `WHERE 1 = 1`).
fn push_filter(q: &mut QueryBuilder<Db>, filter: &ActivityFilter) {
    if let Some(company) = filter.company_id {
        q.push(" AND a.company_id = ").push_bind(company);
    }
    if let Some(connection) = filter.connection_id {
        q.push(" AND a.connection_id = ").push_bind(connection);
    }
    if let Some(text) = filter
        .search
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        let pattern = format!("%{}%", escape_like(&text.to_lowercase()));
        q.push(" AND (");
        for (i, (before, after)) in searched().into_iter().enumerate() {
            if i > 0 {
                q.push(" OR ");
            }
            q.push(before).push_bind(pattern.clone()).push(after);
        }
        let (before, after) = dialect::TRANSCRIPT_MATCH;
        q.push(" OR ")
            .push(before)
            .push_bind(dialect::transcript_query(text))
            .push(after);
        q.push(")");
    }
}

/// What a search reads: the subject and the notes (brief, key points) as text, and
/// the values — never the keys — of the attendees' and trackers' JSON. The
/// transcript's words are matched through the dialect's full-text index besides.
fn searched() -> Vec<(String, &'static str)> {
    let like = |column: &str| (format!("lower({column}) LIKE "), " ESCAPE '\\'");
    vec![
        like("a.subject"),
        like("a.notes"),
        dialect::json_field_like("a.internal_attendees", "name"),
        dialect::json_field_like("a.internal_attendees", "email"),
        dialect::json_field_like("a.external_attendees", "name"),
        dialect::json_field_like("a.external_attendees", "email"),
        dialect::json_field_like("a.trackers", "name"),
    ]
}

/// `text` with LIKE's wildcards and the escape character escaped.
fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

pub(crate) async fn count(store: &Backend, filter: &ActivityFilter) -> Result<u64> {
    let mut q: QueryBuilder<Db> =
        QueryBuilder::new("SELECT COUNT(*) FROM activities a WHERE 1 = 1");
    push_filter(&mut q, filter);
    let n: i64 = q
        .build_query_scalar()
        .fetch_one(&store.pool)
        .await
        .ctx("counting activities")?;
    Ok(crate::codec::read_count(n))
}
