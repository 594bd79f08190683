//! Timeline activities: the page commit (one transaction per page of meetings),
//! the fingerprint look-up that lets unchanged meetings cost no write, and reads
//! with the company and author joined.

use std::collections::HashMap;

use gong_timeline_store::{
    Activity, ActivityFilter, ActivityHash, ActivityId, ActivityUpsert, CompanySummary,
    ConnectionId, PageCommit, Result, Seek, StoreError, UserSummary,
};
use sqlx::{PgConnection, Postgres, QueryBuilder};

use crate::codec::{read_enum, read_json, read_ts, to_json, ts};
use crate::error::Ctx;
use crate::jobs::{add_counts, check_fence, push_limit};
use crate::log_records::insert_records;
use crate::sync_state::{add_retries, advance_checkpoint, page_checkpoint, remove_retries};
use crate::{meetings, page_extras, webhooks, PgStore};

/// A page's activities in one statement, a column per array (`$1`..`$16`, parsed
/// once per connection whatever the page's size); the connection (`$17`) and the
/// time (`$18`) are scalars.
const UPSERT: &str = "INSERT INTO activities (external_id, connection_id, gong_call_id, activity_type, subject, date, \
     duration_seconds, notes, author_user_id, company_id, internal_attendees, external_attendees, trackers, \
     trackers_message, recording_url, source, content_hash, created_at, updated_at) \
     SELECT e, $17, g, ty, su, d, du, n, au, co, ia, ea, tr, tm, ru, so, h, $18, $18 \
     FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[], \
     $8::bigint[], $9::bigint[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], \
     $16::bigint[]) AS t(e, g, ty, su, d, du, n, au, co, ia, ea, tr, tm, ru, so, h) \
     ON CONFLICT(external_id) DO UPDATE SET gong_call_id = excluded.gong_call_id, \
     subject = excluded.subject, date = excluded.date, \
     duration_seconds = excluded.duration_seconds, notes = excluded.notes, author_user_id = excluded.author_user_id, \
     company_id = excluded.company_id, internal_attendees = excluded.internal_attendees, \
     external_attendees = excluded.external_attendees, trackers = excluded.trackers, \
     trackers_message = excluded.trackers_message, recording_url = excluded.recording_url, \
     source = excluded.source, content_hash = excluded.content_hash, updated_at = excluded.updated_at \
     RETURNING external_id, id";

pub(crate) async fn commit_page(store: &PgStore, page: &PageCommit) -> Result<Vec<ActivityId>> {
    const CTX: &str = "writing a page of meetings";
    let now = ts(page.now);
    let mut tx = store.write_tx(CTX).await?;
    check_fence(&mut tx, page.job_id, &page.fence).await?;
    let ids = upsert_all(&mut tx, page.connection_id, &page.upserts, &now).await?;
    insert_records(&mut tx, page.job_id, &page.records, &ids).await?;
    add_retries(&mut tx, page.connection_id, &page.retry_add).await?;
    remove_retries(&mut tx, page.connection_id, &page.retry_remove).await?;
    page_extras::remove_activities(&mut tx, page.connection_id, &page.removals).await?;
    page_extras::mark_skips(&mut tx, page.connection_id, &page.skip_marks, &page.unmark).await?;
    if let Some(checkpoint) = page.checkpoint {
        advance_checkpoint(&mut tx, page.connection_id, checkpoint).await?;
    }
    meetings::upsert(&mut tx, page.connection_id, &page.meetings).await?;
    page_checkpoint(&mut tx, page).await?;
    add_counts(&mut tx, page.job_id, page.counts_delta).await?;
    if let Some(done) = &page.webhook_done {
        webhooks::mark_processed(&mut tx, page.connection_id, done).await?;
    }
    tx.commit().await.ctx(CTX)?;
    Ok(ids)
}

/// Upserts a page's activities in one statement; returns ids in the page's order
/// (matched by external id, since RETURNING promises no order).
async fn upsert_all(
    conn: &mut PgConnection,
    connection_id: ConnectionId,
    upserts: &[ActivityUpsert],
    now: &str,
) -> Result<Vec<ActivityId>> {
    if upserts.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(String, i64)> = bind_columns(sqlx::query_as(UPSERT), upserts)?
        .bind(connection_id)
        .bind(now)
        .fetch_all(conn)
        .await
        .ctx("writing activities")?;
    let by_external: HashMap<String, i64> = rows.into_iter().collect();
    upserts
        .iter()
        .map(|a| {
            by_external.get(&a.external_id).copied().ok_or_else(|| {
                StoreError::Invalid(format!("activity {} was not written", a.external_id))
            })
        })
        .collect()
}

type Upsert<'q> = sqlx::query::QueryAs<'q, Postgres, (String, i64), sqlx::postgres::PgArguments>;

/// Binds `$1`..`$16`, a column of the page each.
fn bind_columns<'q>(query: Upsert<'q>, upserts: &'q [ActivityUpsert]) -> Result<Upsert<'q>> {
    let col = |f: fn(&ActivityUpsert) -> Option<String>| upserts.iter().map(f).collect::<Vec<_>>();
    let mut internal = Vec::with_capacity(upserts.len());
    let mut external = Vec::with_capacity(upserts.len());
    let mut trackers = Vec::with_capacity(upserts.len());
    for a in upserts {
        internal.push(to_json(&a.internal_attendees)?);
        external.push(to_json(&a.external_attendees)?);
        trackers.push(a.trackers.as_ref().map(to_json).transpose()?);
    }
    Ok(query
        .bind(col(|a| Some(a.external_id.clone())))
        .bind(col(|a| Some(a.gong_call_id.clone())))
        .bind(col(|a| Some(a.activity_type.clone())))
        .bind(col(|a| Some(a.subject.clone())))
        .bind(col(|a| Some(ts(a.date))))
        .bind(
            upserts
                .iter()
                .map(|a| a.duration_seconds)
                .collect::<Vec<_>>(),
        )
        .bind(col(|a| a.notes.clone()))
        .bind(upserts.iter().map(|a| a.author_user_id).collect::<Vec<_>>())
        .bind(upserts.iter().map(|a| a.company_id).collect::<Vec<_>>())
        .bind(internal)
        .bind(external)
        .bind(trackers)
        .bind(col(|a| a.trackers_message.clone()))
        .bind(col(|a| a.recording_url.clone()))
        .bind(col(|a| Some(a.source.clone())))
        .bind(upserts.iter().map(|a| a.content_hash).collect::<Vec<_>>()))
}

/// Probes the composite index once per call id (a `LATERAL` look-up per array
/// element, its `LIMIT 1` keeping it from being flattened into a join): the plan
/// cannot drift to "all of the connection's rows, filtered", which
/// a generic plan over stale statistics picks for `connection_id = $1 AND gong_call_id
/// IN (…)` while a first sync grows the table, and which made every page scan it.
const HASHES: &str = "SELECT k.id, a.id, a.content_hash, a.activity_type \
     FROM unnest($2::text[]) AS k(id) CROSS JOIN LATERAL ( \
     SELECT id, content_hash, activity_type FROM activities \
     WHERE connection_id = $1 AND gong_call_id = k.id LIMIT 1) a";

pub(crate) async fn hashes(
    store: &PgStore,
    connection_id: ConnectionId,
    call_ids: &[String],
) -> Result<HashMap<String, ActivityHash>> {
    let rows: Vec<(String, i64, i64, String)> = sqlx::query_as(HASHES)
        .bind(connection_id)
        .bind(call_ids)
        .fetch_all(&store.pool)
        .await
        .ctx("reading activity fingerprints")?;
    Ok(rows
        .into_iter()
        .map(|(call, activity_id, content_hash, activity_type)| {
            let hash = ActivityHash {
                activity_id,
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
     c.name AS company_name, c.crm_account_id AS company_crm, u.email AS author_email, u.name AS author_name, \
     u.license_type AS author_license \
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
                id,
                email,
                name,
                license_type: read_enum("users.license_type", &license)?,
            }),
            _ => None,
        };
        Ok(Activity {
            id: self.id,
            external_id: self.external_id,
            connection_id: self.connection_id,
            gong_call_id: self.gong_call_id,
            activity_type: self.activity_type,
            subject: self.subject,
            date: read_ts("activities.date", &self.date)?,
            duration_seconds: self.duration_seconds,
            notes: self.notes,
            author,
            company: CompanySummary {
                id: self.company_id,
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
            content_hash: self.content_hash,
            created_at: read_ts("activities.created_at", &self.created_at)?,
            updated_at: read_ts("activities.updated_at", &self.updated_at)?,
        })
    }
}

pub(crate) async fn get(store: &PgStore, id: ActivityId) -> Result<Option<Activity>> {
    let sql = format!("{SELECT} WHERE a.id = $1");
    let row: Option<ActivityRecord> = sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(&store.pool)
        .await
        .ctx("reading an activity")?;
    row.map(ActivityRecord::into_activity).transpose()
}

pub(crate) async fn by_external_id(store: &PgStore, external_id: &str) -> Result<Option<Activity>> {
    let sql = format!("{SELECT} WHERE a.external_id = $1");
    let row: Option<ActivityRecord> = sqlx::query_as(&sql)
        .bind(external_id)
        .fetch_optional(&store.pool)
        .await
        .ctx("reading an activity")?;
    row.map(ActivityRecord::into_activity).transpose()
}

pub(crate) async fn list(store: &PgStore, filter: ActivityFilter) -> Result<Vec<Activity>> {
    let mut q: QueryBuilder<Postgres> = QueryBuilder::new(SELECT);
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
fn push_filter(q: &mut QueryBuilder<Postgres>, filter: &ActivityFilter) {
    if let Some(company) = filter.company_id {
        q.push(" AND a.company_id = ").push_bind(company);
    }
    if let Some(connection) = filter.connection_id {
        q.push(" AND a.connection_id = ").push_bind(connection);
    }
}

pub(crate) async fn count(store: &PgStore, filter: &ActivityFilter) -> Result<u64> {
    let mut q: QueryBuilder<Postgres> =
        QueryBuilder::new("SELECT COUNT(*) FROM activities a WHERE 1 = 1");
    push_filter(&mut q, filter);
    let n: i64 = q
        .build_query_scalar()
        .fetch_one(&store.pool)
        .await
        .ctx("counting activities")?;
    Ok(crate::codec::read_count(n))
}
