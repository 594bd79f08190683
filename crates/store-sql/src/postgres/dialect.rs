//! What PostgreSQL does its own way: the types, row locks (`FOR NO KEY UPDATE`, so
//! replicas take turns on one connection without holding up the writes whose
//! foreign keys share-lock its row), advisory locks, SQLSTATEs, and the many-row
//! statements (`bulk`).

use gong_timeline_store::{JobId, Result};
use sqlx::{PgConnection, Postgres, Transaction};

use super::queries::error::Ctx;
use super::queries::transcripts::TranscriptRow;

pub(crate) use super::bulk;

/// The database, for [`sqlx::QueryBuilder`].
pub(crate) type Db = Postgres;
/// One connection, inside a transaction or not.
pub(crate) type Conn = PgConnection;

/// Appended to a `SELECT` that must lock the rows it reads until the transaction ends.
pub(crate) const LOCK_ROW: &str = " FOR NO KEY UPDATE";

/// Page commits of one job that may run at once: two, so that the server writes one
/// page's rows while the other commits (a page commit is one backend's work, and
/// the job would otherwise wait for it with a core idle).
pub(crate) const CONCURRENT_COMMITS: usize = 2;

/// `(before, after)` a bound LIKE pattern: true when an element of the JSON array in
/// `column` has a `field` whose lowercased text matches (`\` escapes).
pub(crate) fn json_field_like(column: &str, field: &str) -> (String, &'static str) {
    (
        format!(
            "EXISTS (SELECT 1 FROM json_array_elements({column}::json) j WHERE lower(j.value->>'{field}') LIKE "
        ),
        " ESCAPE '\\')",
    )
}

/// SQLSTATEs meaning "another transaction is in the way; try again".
const RETRY_STATES: [&str; 4] = ["55P03", "40P01", "40001", "57014"];
/// SQLSTATE of a write in a read-only transaction (a hot standby, or
/// `default_transaction_read_only`).
const READ_ONLY_STATE: &str = "25006";

/// Starts a write transaction.
pub(crate) async fn write_tx(
    store: &super::PgStore,
    context: &'static str,
) -> Result<Transaction<'static, Postgres>> {
    store.pool.begin().await.ctx(context)
}

/// Nothing to do: PostgreSQL has no such setting; [`flush_erased`] vacuums instead.
pub(crate) async fn secure_delete(
    _tx: &mut Transaction<'static, Postgres>,
    _on: bool,
) -> Result<()> {
    Ok(())
}

/// After an erasure: vacuums the tables it changed, so the old row versions that
/// held the address are removed (their space is reused by later writes; only
/// `VACUUM FULL`, an operator's choice, rewrites the files at once).
pub(crate) async fn flush_erased(store: &super::PgStore) -> Result<()> {
    sqlx::raw_sql(
        "VACUUM persons, activities, stored_meetings, log_records, jobs, retry_list, user_mappings, users",
    )
    .execute(&store.pool)
    .await
    .ctx("erasing a person")?;
    Ok(())
}

/// Locks the connection of a job, in the order `try_start` takes them (connection,
/// then job): a take-over racing a finish waits instead of deadlocking.
pub(crate) async fn lock_connection_of_job(conn: &mut PgConnection, job: JobId) -> Result<()> {
    sqlx::query(
        "SELECT c.id FROM jobs j JOIN connections c ON c.id = j.connection_id WHERE j.id = $1 \
         FOR NO KEY UPDATE OF c",
    )
    .bind(job)
    .execute(conn)
    .await
    .ctx("locking a job's connection")?;
    Ok(())
}

/// A transaction-level advisory lock per email: two replicas creating the same
/// Internal Collaborator take turns.
pub(crate) async fn lock_email(tx: &mut Transaction<'static, Postgres>, email: &str) -> Result<()> {
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext('users:' || $1))")
        .bind(email)
        .execute(&mut **tx)
        .await
        .ctx("locking a user's email")?;
    Ok(())
}

/// True for lock timeouts, deadlocks and serialisation failures. (A pool that found
/// no connection in time is a server that is down or overloaded, not a lock: it
/// stays a [`StoreError::Backend`](gong_timeline_store::StoreError::Backend) naming
/// what was being done.)
pub(crate) fn is_locked(error: &sqlx::Error) -> bool {
    sql_state(error).is_some_and(|code| RETRY_STATES.contains(&code.as_str()))
}

/// True for a write in a read-only transaction.
pub(crate) fn is_read_only(error: &sqlx::Error) -> bool {
    sql_state(error).as_deref() == Some(READ_ONLY_STATE)
}

fn sql_state(error: &sqlx::Error) -> Option<String> {
    match error {
        sqlx::Error::Database(db) => db.code().map(|c| c.into_owned()),
        _ => None,
    }
}

/// The length in bytes of a BYTEA `column`.
pub(crate) fn bytes_length(column: &str) -> String {
    format!("octet_length({column})")
}

/// `(before, after)` a bound [`transcript_query`]: true when the activity `a`'s
/// transcript has every word, in any order (the `simple` configuration: no stemming,
/// no stop words, as FTS5 reads them on SQLite).
pub(crate) const TRANSCRIPT_MATCH: (&str, &str) = (
    "a.id IN (SELECT activity_id FROM transcripts WHERE words @@ plainto_tsquery('simple', ",
    "))",
);

/// What a search for `text` asks: the text itself (`plainto_tsquery` parses it).
pub(crate) fn transcript_query(text: &str) -> String {
    text.to_owned()
}

/// Stores a transcript (if its activity still exists) with its words as a
/// `tsvector`.
pub(crate) async fn put_transcript(conn: &mut Conn, row: &TranscriptRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO transcripts (activity_id, body, fetched_at, sentences, words) \
         SELECT $1, $2, $3, $4, to_tsvector('simple', $5) \
         WHERE EXISTS (SELECT 1 FROM activities WHERE id = $1) \
         ON CONFLICT (activity_id) DO UPDATE SET body = excluded.body, \
         fetched_at = excluded.fetched_at, sentences = excluded.sentences, words = excluded.words",
    )
    .bind(row.activity_id)
    .bind(&row.body)
    .bind(&row.fetched_at)
    .bind(row.sentences)
    .bind(&row.text)
    .execute(&mut *conn)
    .await
    .ctx("saving a transcript")?;
    Ok(())
}
