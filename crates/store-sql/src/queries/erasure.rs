//! Erasure of one person by email (G2), and the retention purge (G3).
//!
//! An erasure is one write transaction: every table that
//! can hold the address is searched, changed through the rules of
//! `gong_timeline_domain::erasure`, and counted; a receipt is kept unless it is a
//! dry run (which rolls the same work back).
//!
//! Candidates are found with `lower(column) LIKE '%address%'` (an `_` in the address
//! only widens the search); the Rust rules then decide exactly. Stored meetings are
//! compact binary bodies, so they are all read, in keyset batches.

use std::collections::HashSet;

use gong_timeline_domain::erasure::{erase_from_meeting, scrub_text};
use gong_timeline_domain::Email;
use gong_timeline_store::{
    email_sha256, erase_from_attendees, erase_from_page, erased_addresses_in, ErasureCounts,
    ErasureReceipt, ErasureRequest, ExternalAttendee, InternalAttendee, PageCommit, Result,
    StoredMeeting,
};
use sqlx::Transaction;

use super::dialect::{self, Conn, Db};
use super::error::Ctx;
use super::Backend;
use crate::codec::{read_json, read_ts, to_json, ts};

const WHAT: &str = "erasing a person";
/// Stored meetings read per batch.
const BATCH: i64 = 1000;

type Tx = Transaction<'static, Db>;

pub(crate) async fn erase_email(
    store: &Backend,
    request: &ErasureRequest,
) -> Result<ErasureReceipt> {
    let email = &request.email;
    let mut tx = store.write_tx(WHAT).await?;
    dialect::secure_delete(&mut tx, true).await?;
    let (activities, transcripts) = activities(&mut tx, email).await?;
    let counts = ErasureCounts {
        persons: execute_with_email(&mut tx, "DELETE FROM persons WHERE email = $1", email).await?,
        activities,
        transcripts,
        stored_meetings: stored_meetings(&mut tx, email).await?,
        log_records: scrub_columns(&mut tx, "log_records", &["title", "message"], email).await?,
        jobs: scrub_columns(&mut tx, "jobs", &["message"], email).await?,
        retry_list: retry_list(&mut tx, email).await?,
        user_mappings: execute_with_email(
            &mut tx,
            "DELETE FROM user_mappings WHERE lower(gong_email) = $1",
            email,
        )
        .await?,
        users: execute_with_email(
            &mut tx,
            "UPDATE users SET email = 'erased-user-' || id || '@erased.invalid', \
             name = 'Erased user', fields = '{}' WHERE email = $1",
            email,
        )
        .await?,
    };
    let email_sha256 = email_sha256(email);
    let id = if request.dry_run {
        None
    } else {
        Some(keep_receipt(&mut tx, request, &email_sha256, &counts).await?)
    };
    dialect::secure_delete(&mut tx, false).await?;
    if request.dry_run {
        tx.rollback().await.ctx(WHAT)?;
    } else {
        tx.commit().await.ctx(WHAT)?;
        dialect::flush_erased(store).await?;
    }
    Ok(ErasureReceipt {
        id: id.map(Into::into),
        at: request.at,
        requested_by: request.requested_by.clone(),
        email_sha256,
        dry_run: request.dry_run,
        counts,
    })
}

/// The address hashes of every erasure receipt (G2).
pub(crate) async fn erased(conn: &mut Conn) -> Result<HashSet<String>> {
    let erased: Vec<String> = sqlx::query_scalar("SELECT DISTINCT email_sha256 FROM erasures")
        .fetch_all(conn)
        .await
        .ctx("reading erasure receipts")?;
    Ok(erased.into_iter().collect())
}

/// The page without the people erased before (G2): a later sync must not bring
/// them back. `None` when it names none of them (the usual case: no copy).
pub(crate) fn keep_erased_out(
    page: &PageCommit,
    erased: &HashSet<String>,
) -> Result<Option<PageCommit>> {
    if erased.is_empty() {
        return Ok(None);
    }
    let emails = erased_addresses_in(page, erased)?;
    if emails.is_empty() {
        return Ok(None);
    }
    let mut cleaned = page.clone();
    erase_from_page(&mut cleaned, &emails)?;
    Ok(Some(cleaned))
}

/// Runs a statement with the address as `$1`; returns the rows it touched.
async fn execute_with_email(tx: &mut Tx, sql: &str, email: &Email) -> Result<u64> {
    let done = sqlx::query(sql)
        .bind(email.as_str())
        .execute(&mut **tx)
        .await
        .ctx(WHAT)?;
    Ok(done.rows_affected())
}

fn pattern(email: &Email) -> String {
    format!("%{}%", email.as_str())
}

/// The activities that name the person, anonymised, and the transcripts of those
/// they attended, deleted; `(activities, transcripts)`.
async fn activities(tx: &mut Tx, email: &Email) -> Result<(u64, u64)> {
    type Row = (i64, String, String, String, Option<String>, Option<String>);
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, internal_attendees, external_attendees, subject, notes, content FROM activities \
         WHERE lower(internal_attendees) LIKE $1 OR lower(external_attendees) LIKE $1 \
         OR lower(subject) LIKE $1 OR lower(notes) LIKE $1 OR lower(content) LIKE $1",
    )
    .bind(pattern(email))
    .fetch_all(&mut **tx)
    .await
    .ctx(WHAT)?;
    let (mut changed, mut transcripts) = (0, 0);
    for (id, internal, external, subject, notes, content) in rows {
        let mut internal: Vec<InternalAttendee> =
            read_json("activities.internal_attendees", &internal)?;
        let mut external: Vec<ExternalAttendee> =
            read_json("activities.external_attendees", &external)?;
        let attendees = erase_from_attendees(&mut internal, &mut external, email);
        let new_subject = scrub_text(&subject, email);
        let new_notes = notes.as_deref().and_then(|n| scrub_text(n, email));
        // Content is JSON text; an address holds no character JSON escapes.
        let new_content = content.as_deref().and_then(|c| scrub_text(c, email));
        if !attendees && new_subject.is_none() && new_notes.is_none() && new_content.is_none() {
            continue;
        }
        sqlx::query(
            "UPDATE activities SET internal_attendees = $1, external_attendees = $2, \
             subject = $3, notes = $4, content = $5 WHERE id = $6",
        )
        .bind(to_json(&internal)?)
        .bind(to_json(&external)?)
        .bind(new_subject.unwrap_or(subject))
        .bind(new_notes.or(notes))
        .bind(new_content.or(content))
        .bind(id)
        .execute(&mut **tx)
        .await
        .ctx(WHAT)?;
        changed += 1;
        if attendees {
            transcripts += sqlx::query("DELETE FROM transcripts WHERE activity_id = $1")
                .bind(id)
                .execute(&mut **tx)
                .await
                .ctx(WHAT)?
                .rows_affected();
        }
    }
    Ok((changed, transcripts))
}

/// Every stored meeting, in batches by (connection, call id); a changed one is
/// written back with its fingerprint unchanged, so that Gong's unchanged call is
/// not taken for new content at the next look-back.
async fn stored_meetings(tx: &mut Tx, email: &Email) -> Result<u64> {
    type Row = (i64, String, Vec<u8>, i64, String);
    let mut after: (i64, String) = (i64::MIN, String::new());
    let mut changed = 0;
    loop {
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT connection_id, gong_call_id, body, fingerprint, fetched_at FROM stored_meetings \
             WHERE connection_id > $1 OR (connection_id = $1 AND gong_call_id > $2) \
             ORDER BY connection_id, gong_call_id LIMIT $3",
        )
        .bind(after.0)
        .bind(&after.1)
        .bind(BATCH)
        .fetch_all(&mut **tx)
        .await
        .ctx(WHAT)?;
        let Some(last) = rows.last() else {
            return Ok(changed);
        };
        after = (last.0, last.1.clone());
        for (connection_id, call_id, body, fingerprint, fetched_at) in rows {
            let fetched_at = read_ts("stored_meetings.fetched_at", &fetched_at)?;
            let mut stored = StoredMeeting::from_stored(&body, fingerprint, fetched_at)?;
            if !erase_from_meeting(&mut stored.meeting, email) {
                continue;
            }
            sqlx::query(
                "UPDATE stored_meetings SET body = $1 WHERE connection_id = $2 AND gong_call_id = $3",
            )
            .bind(stored.body())
            .bind(connection_id)
            .bind(&call_id)
            .execute(&mut **tx)
            .await
            .ctx(WHAT)?;
            changed += 1;
        }
    }
}

/// Cuts the address out of text columns of a table keyed by `id`; returns the
/// rows changed (a row with the address in two columns counts once).
async fn scrub_columns(
    tx: &mut Tx,
    table: &'static str,
    columns: &[&'static str],
    email: &Email,
) -> Result<u64> {
    let mut changed = std::collections::HashSet::new();
    for column in columns {
        let rows: Vec<(i64, String)> = sqlx::query_as(&format!(
            "SELECT id, {column} FROM {table} WHERE lower({column}) LIKE $1"
        ))
        .bind(pattern(email))
        .fetch_all(&mut **tx)
        .await
        .ctx(WHAT)?;
        for (id, text) in rows {
            let Some(scrubbed) = scrub_text(&text, email) else {
                continue;
            };
            sqlx::query(&format!("UPDATE {table} SET {column} = $1 WHERE id = $2"))
                .bind(scrubbed)
                .bind(id)
                .execute(&mut **tx)
                .await
                .ctx(WHAT)?;
            changed.insert(id);
        }
    }
    Ok(changed.len() as u64)
}

async fn retry_list(tx: &mut Tx, email: &Email) -> Result<u64> {
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT connection_id, gong_call_id, last_message FROM retry_list WHERE lower(last_message) LIKE $1",
    )
    .bind(pattern(email))
    .fetch_all(&mut **tx)
    .await
    .ctx(WHAT)?;
    let mut changed = 0;
    for (connection_id, call_id, message) in rows {
        let Some(scrubbed) = scrub_text(&message, email) else {
            continue;
        };
        sqlx::query(
            "UPDATE retry_list SET last_message = $1 WHERE connection_id = $2 AND gong_call_id = $3",
        )
        .bind(scrubbed)
        .bind(connection_id)
        .bind(&call_id)
        .execute(&mut **tx)
        .await
        .ctx(WHAT)?;
        changed += 1;
    }
    Ok(changed)
}

async fn keep_receipt(
    tx: &mut Tx,
    request: &ErasureRequest,
    email_sha256: &str,
    counts: &ErasureCounts,
) -> Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO erasures (requested_at, requested_by, email_sha256, counts) \
         VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(ts(request.at))
    .bind(&request.requested_by)
    .bind(email_sha256)
    .bind(to_json(counts)?)
    .fetch_one(&mut **tx)
    .await
    .ctx(WHAT)
}

pub(crate) async fn list_erasures(store: &Backend) -> Result<Vec<ErasureReceipt>> {
    let rows: Vec<(i64, String, String, String, String)> = sqlx::query_as(
        "SELECT id, requested_at, requested_by, email_sha256, counts FROM erasures ORDER BY id DESC",
    )
    .fetch_all(&store.pool)
    .await
    .ctx("listing erasures")?;
    rows.into_iter()
        .map(|(id, at, by, sha, counts)| {
            Ok(ErasureReceipt {
                id: Some(id.into()),
                at: read_ts("erasures.requested_at", &at)?,
                requested_by: by,
                email_sha256: sha,
                dry_run: false,
                counts: read_json("erasures.counts", &counts)?,
            })
        })
        .collect()
}

pub(crate) async fn purge_before(
    store: &Backend,
    connection_id: gong_timeline_store::ConnectionId,
    before: chrono::DateTime<chrono::Utc>,
    limit: u32,
) -> Result<gong_timeline_store::PurgeCounts> {
    const PURGE: &str = "purging past the retention period";
    let mut tx = store.write_tx(PURGE).await?;
    let activities = sqlx::query(
        "DELETE FROM activities WHERE id IN \
         (SELECT id FROM activities WHERE connection_id = $1 AND date < $2 ORDER BY date LIMIT $3)",
    )
    .bind(connection_id)
    .bind(ts(before))
    .bind(i64::from(limit))
    .execute(&mut *tx)
    .await
    .ctx(PURGE)?
    .rows_affected();
    let stored_meetings = sqlx::query(
        "DELETE FROM stored_meetings WHERE connection_id = $1 AND gong_call_id IN \
         (SELECT gong_call_id FROM stored_meetings WHERE connection_id = $1 AND started < $2 \
          ORDER BY started LIMIT $3)",
    )
    .bind(connection_id)
    .bind(ts(before))
    .bind(i64::from(limit))
    .execute(&mut *tx)
    .await
    .ctx(PURGE)?
    .rows_affected();
    tx.commit().await.ctx(PURGE)?;
    Ok(gong_timeline_store::PurgeCounts {
        activities,
        stored_meetings,
    })
}

pub(crate) async fn count_before(
    store: &Backend,
    connection_id: gong_timeline_store::ConnectionId,
    before: chrono::DateTime<chrono::Utc>,
) -> Result<gong_timeline_store::PurgeCounts> {
    let (activities, stored_meetings): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM activities WHERE connection_id = $1 AND date < $2), \
                (SELECT COUNT(*) FROM stored_meetings WHERE connection_id = $1 AND started < $2)",
    )
    .bind(connection_id)
    .bind(ts(before))
    .fetch_one(&store.pool)
    .await
    .ctx("counting what is past the retention period")?;
    Ok(gong_timeline_store::PurgeCounts {
        activities: crate::codec::read_count(activities),
        stored_meetings: crate::codec::read_count(stored_meetings),
    })
}
