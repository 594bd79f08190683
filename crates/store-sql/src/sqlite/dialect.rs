//! What SQLite does its own way: the types, the write transaction (`BEGIN
//! IMMEDIATE`: the file's one write lock, taken at once), row locks (none needed:
//! that write lock orders every writer), error codes, and the many-row statements
//! (`bulk`).

use gong_timeline_store::{JobId, Result};
use sqlx::{Sqlite, SqliteConnection, Transaction};

use super::queries::error::Ctx;
use super::queries::transcripts::TranscriptRow;

pub(crate) use super::bulk;

/// The database, for [`sqlx::QueryBuilder`].
pub(crate) type Db = Sqlite;
/// One connection, inside a transaction or not.
pub(crate) type Conn = SqliteConnection;

/// Appended to a `SELECT` that must lock the rows it reads: nothing, since every
/// write transaction holds the file's write lock from its start.
pub(crate) const LOCK_ROW: &str = "";

/// Page commits of one job that may run at once: one, since a write transaction
/// holds the file's write lock from its start.
pub(crate) const CONCURRENT_COMMITS: usize = 1;

/// `(before, after)` a bound LIKE pattern: true when an element of the JSON array in
/// `column` has a `field` whose lowercased text matches (`\` escapes).
pub(crate) fn json_field_like(column: &str, field: &str) -> (String, &'static str) {
    (
        format!(
            "EXISTS (SELECT 1 FROM json_each({column}) j WHERE lower(json_extract(j.value, '$.{field}')) LIKE "
        ),
        " ESCAPE '\\')",
    )
}

/// SQLite's primary result codes for a busy or locked database.
const SQLITE_BUSY: i64 = 5;
const SQLITE_LOCKED: i64 = 6;
/// SQLite's primary result code for a write to a read-only database.
const SQLITE_READONLY: i64 = 8;

/// Starts a write transaction that takes the write lock at once (`BEGIN IMMEDIATE`):
/// the busy timeout then applies, instead of a deferred transaction failing mid-way
/// when another process writes first.
pub(crate) async fn write_tx(
    store: &super::SqliteStore,
    context: &'static str,
) -> Result<Transaction<'static, Sqlite>> {
    store
        .writer
        .begin_with("BEGIN IMMEDIATE")
        .await
        .ctx(context)
}

/// Nothing to do: the write transaction already excludes every other writer.
pub(crate) async fn lock_connection_of_job(
    _conn: &mut SqliteConnection,
    _job: JobId,
) -> Result<()> {
    Ok(())
}

/// Nothing to do: the write transaction already orders two jobs creating one user.
pub(crate) async fn lock_email(_tx: &mut Transaction<'static, Sqlite>, _email: &str) -> Result<()> {
    Ok(())
}

/// Turns SQLite's `secure_delete` on or off for this transaction's connection: while
/// on, content that is deleted or overwritten is zeroed in the file instead of
/// lingering in free space (an erasure must not leave the address readable).
pub(crate) async fn secure_delete(tx: &mut Transaction<'static, Sqlite>, on: bool) -> Result<()> {
    let pragma = if on {
        "PRAGMA secure_delete = ON"
    } else {
        "PRAGMA secure_delete = OFF"
    };
    sqlx::query(pragma)
        .execute(&mut **tx)
        .await
        .ctx("erasing a person")?;
    Ok(())
}

/// After an erasure: copies the write-ahead log into the file and empties it, so no
/// older page image holding the address stays in the `-wal` file. A reader that
/// holds an old snapshot can keep the log from being emptied; the next checkpoint
/// then does it.
pub(crate) async fn flush_erased(store: &super::SqliteStore) -> Result<()> {
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(&store.writer)
        .await
        .ctx("erasing a person")?;
    Ok(())
}

/// True for SQLITE_BUSY / SQLITE_LOCKED (any extended code) and a pool that found
/// no free connection in time.
pub(crate) fn is_locked(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::PoolTimedOut)
        || primary_code(error).is_some_and(|code| matches!(code, SQLITE_BUSY | SQLITE_LOCKED))
}

/// True for a write to a read-only database.
pub(crate) fn is_read_only(error: &sqlx::Error) -> bool {
    primary_code(error) == Some(SQLITE_READONLY)
}

/// SQLite's primary result code (the low byte of an extended code) of a database error.
fn primary_code(error: &sqlx::Error) -> Option<i64> {
    match error {
        sqlx::Error::Database(db) => db
            .code()
            .and_then(|c| c.parse::<i64>().ok())
            .map(|code| code & 0xff),
        _ => None,
    }
}

/// The length in bytes of a BLOB `column`.
pub(crate) fn bytes_length(column: &str) -> String {
    format!("length({column})")
}

/// `(before, after)` a bound [`transcript_query`]: true when the activity `a`'s
/// transcript has every word, in any order (the FTS5 index's rowid is the
/// activity's id).
pub(crate) const TRANSCRIPT_MATCH: (&str, &str) = (
    "a.id IN (SELECT rowid FROM transcripts_fts WHERE transcripts_fts MATCH ",
    ")",
);

/// What a search for `text` asks FTS5: every word of it, in any order (each quoted,
/// so no word is read as FTS5's syntax).
pub(crate) fn transcript_query(text: &str) -> String {
    let quoted: Vec<String> = text
        .split_whitespace()
        .map(|word| format!("\"{}\"", word.replace('"', "\"\"")))
        .collect();
    quoted.join(" ")
}

/// Stores a transcript (if its activity still exists) and indexes its words.
pub(crate) async fn put_transcript(conn: &mut Conn, row: &TranscriptRow) -> Result<()> {
    const CTX: &str = "saving a transcript";
    let stored = sqlx::query(
        "INSERT INTO transcripts (activity_id, body, fetched_at, sentences) \
         SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM activities WHERE id = $1) \
         ON CONFLICT(activity_id) DO UPDATE SET body = excluded.body, \
         fetched_at = excluded.fetched_at, sentences = excluded.sentences",
    )
    .bind(row.activity_id)
    .bind(&row.body)
    .bind(&row.fetched_at)
    .bind(row.sentences)
    .execute(&mut *conn)
    .await
    .ctx(CTX)?;
    sqlx::query("DELETE FROM transcripts_fts WHERE rowid = $1")
        .bind(row.activity_id)
        .execute(&mut *conn)
        .await
        .ctx(CTX)?;
    if stored.rows_affected() > 0 && !row.text.is_empty() {
        sqlx::query("INSERT INTO transcripts_fts (rowid, text) VALUES ($1, $2)")
            .bind(row.activity_id)
            .bind(&row.text)
            .execute(&mut *conn)
            .await
            .ctx(CTX)?;
    }
    Ok(())
}
