//! `db copy`: table-level copying between the two backends' databases. Both schemas have the same
//! tables and columns (the PostgreSQL store mirrors SQLite's), so rows move as they
//! are, typed by the column's declared type; ids are kept, and PostgreSQL's id
//! sequences are moved past the copied ids.

use std::collections::BTreeSet;

use futures::TryStreamExt;
use gong_timeline_store::{ActivityId, StoredTranscript};
use sqlx::{PgPool, Row, SqlitePool};

/// Why a copy stopped. The target's transaction is rolled back: nothing was copied.
#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    /// The two schemas differ in their tables.
    #[error(
        "the two databases have different tables (only in --from: {only_source:?}; only in --to: {only_target:?}); \
         run the same gong-timeline version on both"
    )]
    DifferentTables {
        /// Tables only the source has.
        only_source: Vec<String>,
        /// Tables only the target has.
        only_target: Vec<String>,
    },
    /// The two schemas differ in a table's columns.
    #[error("table {0} has different columns on the two sides; run the same gong-timeline version on both")]
    DifferentColumns(String),
    /// A stored value of the source cannot be read (a transcript's body).
    #[error("{0}; the source database has a damaged row, nothing was copied")]
    Corrupt(String),
    /// A statement failed.
    #[error("{doing}: {source}")]
    Database {
        /// What the copy was doing.
        doing: String,
        /// The database's error.
        #[source]
        source: sqlx::Error,
    },
}

impl From<sqlx::Error> for CopyError {
    fn from(source: sqlx::Error) -> Self {
        CopyError::Database {
            doing: "copying".into(),
            source,
        }
    }
}

/// `.doing(|| "reading x")` on sqlx results.
trait Doing<T> {
    fn doing(self, what: impl FnOnce() -> String) -> Result<T, CopyError>;
}

impl<T> Doing<T> for Result<T, sqlx::Error> {
    fn doing(self, what: impl FnOnce() -> String) -> Result<T, CopyError> {
        self.map_err(|source| CopyError::Database {
            doing: what(),
            source,
        })
    }
}

type Result<T, E = CopyError> = std::result::Result<T, E>;

/// Tables in an order that satisfies every foreign key. Tables a newer schema adds
/// that are not listed here are copied after these, by name.
const ORDER: &[&str] = &[
    "companies",
    "persons",
    "users",
    "activity_types",
    "connections",
    "settings",
    "user_mappings",
    "jobs",
    "activities",
    "log_records",
    "checkpoints",
    "retry_list",
    "skip_marks",
    "stored_meetings",
    "exports",
    "admins",
    "sessions",
    "api_tokens",
    "oauth_states",
    "schedule_claims",
    "webhooks",
    "webhook_queue",
];

/// Bookkeeping tables that are each store's own, never copied (`token_locks`: SQLite's
/// transient refresh leases; PostgreSQL locks the connection's row instead).
const OWN: &[&str] = &[
    "_sqlx_migrations",
    "store_meta",
    "sqlite_sequence",
    "token_locks",
];

/// Each store's own search index of transcripts (S9): SQLite's FTS5 table (and its
/// shadow tables) and PostgreSQL's `words` column. Not copied: rebuilt in the target
/// from the copied transcripts ([`transcript_words`]).
const TRANSCRIPT_INDEX_TABLES: &str = "transcripts_fts";
const TRANSCRIPT_INDEX_COLUMN: (&str, &str) = ("transcripts", "words");

/// The activity types every new database starts with (migrations seed them).
const SEEDED_TYPES: i64 = 5;

/// Rows per multi-row insert.
const BATCH: usize = 200;

/// A database to copy from or to.
pub enum Db {
    /// A SQLite database.
    Sqlite(SqlitePool),
    /// A PostgreSQL database.
    Postgres(PgPool),
}

/// One table's row counts.
pub struct TableCount {
    /// The table.
    pub table: String,
    /// Rows in the source.
    pub source: i64,
    /// Rows in the target.
    pub target: i64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Int,
    Bool,
    Bytes,
    Text,
}

#[derive(Debug, Clone)]
enum Value {
    Null,
    Int(i64),
    Bool(bool),
    Bytes(Vec<u8>),
    Text(String),
}

fn kind_of(declared: &str) -> Kind {
    let d = declared.to_ascii_lowercase();
    if d.contains("int") || d.contains("serial") {
        Kind::Int
    } else if d.contains("bool") {
        Kind::Bool
    } else if d.contains("blob") || d.contains("bytea") {
        Kind::Bytes
    } else {
        Kind::Text
    }
}

impl Db {
    /// The tables there are, without each store's own bookkeeping.
    pub async fn tables(&self) -> Result<BTreeSet<String>> {
        let names: Vec<String> = match self {
            Db::Sqlite(pool) => {
                sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table'")
                    .fetch_all(pool)
                    .await?
            }
            Db::Postgres(pool) => {
                sqlx::query_scalar(
                    "SELECT table_name::text FROM information_schema.tables \
                 WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
                )
                .fetch_all(pool)
                .await?
            }
        };
        Ok(names
            .into_iter()
            .filter(|n| !OWN.contains(&n.as_str()))
            .filter(|n| !n.starts_with(TRANSCRIPT_INDEX_TABLES))
            .collect())
    }

    async fn columns(&self, table: &str) -> Result<Vec<(String, Kind)>> {
        let cols: Vec<(String, String)> = match self {
            Db::Sqlite(pool) => sqlx::query_as("SELECT name, type FROM pragma_table_info(?) ORDER BY cid")
                .bind(table)
                .fetch_all(pool)
                .await?,
            Db::Postgres(pool) => sqlx::query_as(
                "SELECT column_name::text, data_type::text FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
            )
            .bind(table)
            .fetch_all(pool)
            .await?,
        };
        Ok(cols
            .into_iter()
            .filter(|(n, _)| (table, n.as_str()) != TRANSCRIPT_INDEX_COLUMN)
            .map(|(n, t)| (n, kind_of(&t)))
            .collect())
    }

    async fn count(&self, table: &str) -> Result<i64> {
        let sql = format!("SELECT COUNT(*) FROM \"{table}\"");
        Ok(match self {
            Db::Sqlite(pool) => sqlx::query_scalar(&sql).fetch_one(pool).await?,
            Db::Postgres(pool) => sqlx::query_scalar(&sql).fetch_one(pool).await?,
        })
    }

    /// The tables holding rows a fresh database would not have.
    pub async fn non_empty(&self, tables: &[String]) -> Result<Vec<String>> {
        let mut found = Vec::new();
        for table in tables {
            let n = self.count(table).await?;
            let fresh = if table == "activity_types" {
                SEEDED_TYPES
            } else {
                0
            };
            if n > fresh {
                found.push(format!("{table} has {n} rows"));
            }
        }
        Ok(found)
    }
}

/// The tables to copy, in foreign-key order; both sides must have the same ones.
pub fn copy_order(source: &BTreeSet<String>, target: &BTreeSet<String>) -> Result<Vec<String>> {
    if source != target {
        let only_source: Vec<&String> = source.difference(target).collect();
        let only_target: Vec<&String> = target.difference(source).collect();
        return Err(CopyError::DifferentTables {
            only_source: only_source.into_iter().cloned().collect(),
            only_target: only_target.into_iter().cloned().collect(),
        });
    }
    let mut order: Vec<String> = ORDER
        .iter()
        .filter(|t| source.contains(**t))
        .map(|t| t.to_string())
        .collect();
    order.extend(
        source
            .iter()
            .filter(|t| !ORDER.contains(&t.as_str()))
            .cloned(),
    );
    Ok(order)
}

/// Copies every table in one target transaction; `progress` hears each table's
/// name and row count as it is copied.
pub async fn copy_all(
    source: &Db,
    target: &Db,
    tables: &[String],
    mut progress: impl FnMut(&str, usize),
) -> Result<()> {
    match target {
        Db::Postgres(pool) => {
            let mut tx = pool.begin().await?;
            sqlx::query("DELETE FROM activity_types")
                .execute(&mut *tx)
                .await?;
            for table in tables {
                let columns = common_columns(source, target, table).await?;
                let rows = read_all(source, table, &columns).await?;
                for chunk in rows.chunks(BATCH) {
                    insert_pg(&mut tx, table, &columns, chunk).await?;
                }
                for (id, text) in transcript_words(table, &columns, &rows)? {
                    sqlx::query("UPDATE transcripts SET words = to_tsvector('simple', $2) WHERE activity_id = $1")
                        .bind(id)
                        .bind(text)
                        .execute(&mut *tx)
                        .await
                        .doing(|| format!("indexing the transcript of activity {id}"))?;
                }
                if columns.iter().any(|(c, _)| c == "id") {
                    sqlx::query(&format!(
                        "SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM \"{table}\""
                    ))
                    .execute(&mut *tx)
                    .await
                    .doing(|| format!("moving the id sequence of {table}"))?;
                }
                progress(table, rows.len());
            }
            tx.commit().await?;
        }
        Db::Sqlite(pool) => {
            let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
            sqlx::query("DELETE FROM activity_types")
                .execute(&mut *tx)
                .await?;
            for table in tables {
                let columns = common_columns(source, target, table).await?;
                let rows = read_all(source, table, &columns).await?;
                for chunk in rows.chunks(BATCH) {
                    insert_sqlite(&mut tx, table, &columns, chunk).await?;
                }
                for (id, text) in transcript_words(table, &columns, &rows)? {
                    sqlx::query("INSERT INTO transcripts_fts (rowid, text) VALUES ($1, $2)")
                        .bind(id)
                        .bind(text)
                        .execute(&mut *tx)
                        .await
                        .doing(|| format!("indexing the transcript of activity {id}"))?;
                }
                progress(table, rows.len());
            }
            tx.commit().await?;
        }
    }
    Ok(())
}

/// The words of the copied transcripts, by activity id, read from their compressed
/// bodies: what the target's own search index is built from. Empty for any other
/// table.
fn transcript_words(
    table: &str,
    columns: &[(String, Kind)],
    rows: &[Vec<Value>],
) -> Result<Vec<(i64, String)>> {
    let at = |name: &str| columns.iter().position(|(c, _)| c == name);
    let (Some(id), Some(body)) = (at("activity_id"), at("body")) else {
        return Ok(Vec::new());
    };
    if table != TRANSCRIPT_INDEX_COLUMN.0 {
        return Ok(Vec::new());
    }
    let mut words = Vec::new();
    for row in rows {
        let (Value::Int(activity_id), Value::Bytes(bytes)) = (&row[id], &row[body]) else {
            continue;
        };
        let stored =
            StoredTranscript::from_stored(ActivityId::new(*activity_id), bytes, chrono::Utc::now())
                .map_err(|e| CopyError::Corrupt(e.to_string()))?;
        if !stored.transcript.is_empty() {
            words.push((*activity_id, stored.transcript.text()));
        }
    }
    Ok(words)
}

async fn common_columns(source: &Db, target: &Db, table: &str) -> Result<Vec<(String, Kind)>> {
    let s = source.columns(table).await?;
    let t = target.columns(table).await?;
    let names =
        |cols: &[(String, Kind)]| cols.iter().map(|(n, _)| n.clone()).collect::<BTreeSet<_>>();
    if names(&s) != names(&t) {
        return Err(CopyError::DifferentColumns(table.to_string()));
    }
    Ok(s)
}

async fn read_all(db: &Db, table: &str, columns: &[(String, Kind)]) -> Result<Vec<Vec<Value>>> {
    let list = columns
        .iter()
        .map(|(c, _)| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!("SELECT {list} FROM \"{table}\"");
    let ctx = || format!("reading {table}");
    match db {
        Db::Sqlite(pool) => {
            let mut out = Vec::new();
            let mut rows = sqlx::query(&sql).fetch(pool);
            while let Some(row) = rows.try_next().await.doing(ctx)? {
                out.push(decode_sqlite(&row, columns).doing(ctx)?);
            }
            Ok(out)
        }
        Db::Postgres(pool) => {
            let mut out = Vec::new();
            let mut rows = sqlx::query(&sql).fetch(pool);
            while let Some(row) = rows.try_next().await.doing(ctx)? {
                out.push(decode_pg(&row, columns).doing(ctx)?);
            }
            Ok(out)
        }
    }
}

macro_rules! decode_row {
    ($row:expr, $columns:expr) => {{
        let mut values = Vec::with_capacity($columns.len());
        for (i, (_, kind)) in $columns.iter().enumerate() {
            let value = match kind {
                Kind::Int => $row.try_get::<Option<i64>, _>(i)?.map(Value::Int),
                Kind::Bool => $row.try_get::<Option<bool>, _>(i)?.map(Value::Bool),
                Kind::Bytes => $row.try_get::<Option<Vec<u8>>, _>(i)?.map(Value::Bytes),
                Kind::Text => $row.try_get::<Option<String>, _>(i)?.map(Value::Text),
            };
            values.push(value.unwrap_or(Value::Null));
        }
        Ok(values)
    }};
}

fn decode_sqlite(
    row: &sqlx::sqlite::SqliteRow,
    columns: &[(String, Kind)],
) -> Result<Vec<Value>, sqlx::Error> {
    decode_row!(row, columns)
}

fn decode_pg(
    row: &sqlx::postgres::PgRow,
    columns: &[(String, Kind)],
) -> Result<Vec<Value>, sqlx::Error> {
    decode_row!(row, columns)
}

macro_rules! insert_rows {
    ($db:ty, $conn:expr, $table:expr, $columns:expr, $rows:expr) => {{
        let list = $columns
            .iter()
            .map(|(c, _)| format!("\"{c}\""))
            .collect::<Vec<_>>()
            .join(", ");
        let mut q: sqlx::QueryBuilder<$db> =
            sqlx::QueryBuilder::new(format!("INSERT INTO \"{}\" ({list}) ", $table));
        q.push_values($rows, |mut b, row| {
            for (value, (_, kind)) in row.iter().zip($columns.iter()) {
                match (value, kind) {
                    (Value::Null, Kind::Int) => {
                        b.push_bind(None::<i64>);
                    }
                    (Value::Null, Kind::Bool) => {
                        b.push_bind(None::<bool>);
                    }
                    (Value::Null, Kind::Bytes) => {
                        b.push_bind(None::<Vec<u8>>);
                    }
                    (Value::Null, Kind::Text) => {
                        b.push_bind(None::<String>);
                    }
                    (Value::Int(v), _) => {
                        b.push_bind(*v);
                    }
                    (Value::Bool(v), _) => {
                        b.push_bind(*v);
                    }
                    (Value::Bytes(v), _) => {
                        b.push_bind(v.clone());
                    }
                    (Value::Text(v), _) => {
                        b.push_bind(v.clone());
                    }
                }
            }
        });
        q.build()
            .execute($conn)
            .await
            .doing(|| format!("writing {}", $table))?;
        Ok(())
    }};
}

async fn insert_pg(
    conn: &mut sqlx::PgConnection,
    table: &str,
    columns: &[(String, Kind)],
    rows: &[Vec<Value>],
) -> Result<()> {
    insert_rows!(sqlx::Postgres, conn, table, columns, rows)
}

async fn insert_sqlite(
    conn: &mut sqlx::SqliteConnection,
    table: &str,
    columns: &[(String, Kind)],
    rows: &[Vec<Value>],
) -> Result<()> {
    insert_rows!(sqlx::Sqlite, conn, table, columns, rows)
}

/// Both sides' row counts of every table.
pub async fn count_both(source: &Db, target: &Db, tables: &[String]) -> Result<Vec<TableCount>> {
    let mut out = Vec::with_capacity(tables.len());
    for table in tables {
        out.push(TableCount {
            table: table.clone(),
            source: source.count(table).await?,
            target: target.count(table).await?,
        });
    }
    Ok(out)
}
