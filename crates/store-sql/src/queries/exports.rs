//! Generated log exports and their download tokens (L4). Rows outlive their files
//! so that an expired link answers 410 Gone.

use chrono::{DateTime, Utc};
use gong_timeline_store::{Export, ExportId, JobId, NewExport, Result, StoreError};

use super::error::{db_error, is_unique_violation, Ctx};
use super::Backend;
use crate::codec::{read_ts, ts};

const COLUMNS: &str = "id, job_id, path, token, created_at, expires_at, file_deleted";

type ExportRow = (i64, i64, String, String, String, String, bool);

fn into_export(
    (id, job_id, path, token, created, expires, file_deleted): ExportRow,
) -> Result<Export> {
    Ok(Export {
        id: id.into(),
        job_id: job_id.into(),
        path,
        token,
        created_at: read_ts("exports.created_at", &created)?,
        expires_at: read_ts("exports.expires_at", &expires)?,
        file_deleted,
    })
}

pub(crate) async fn create(store: &Backend, new: NewExport) -> Result<Export> {
    let sql = format!(
        "INSERT INTO exports (job_id, path, token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING {COLUMNS}"
    );
    let row: ExportRow = sqlx::query_as(&sql)
        .bind(new.job_id)
        .bind(&new.path)
        .bind(&new.token)
        .bind(ts(new.created_at))
        .bind(ts(new.expires_at))
        .fetch_one(&store.pool)
        .await
        .map_err(|e| match &e {
            _ if is_unique_violation(&e) => StoreError::AlreadyExists {
                what: "export",
                field: "token",
                key: "(token)".to_string(),
            },
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
                StoreError::not_found("job", new.job_id)
            }
            _ => db_error("recording an export", e),
        })?;
    into_export(row)
}

pub(crate) async fn by_token(store: &Backend, token: &str) -> Result<Option<Export>> {
    let sql = format!("SELECT {COLUMNS} FROM exports WHERE token = $1");
    let row: Option<ExportRow> = sqlx::query_as(&sql)
        .bind(token)
        .fetch_optional(&store.pool)
        .await
        .ctx("reading an export")?;
    row.map(into_export).transpose()
}

pub(crate) async fn of_job(
    store: &Backend,
    job_id: JobId,
    now: DateTime<Utc>,
) -> Result<Vec<Export>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM exports WHERE job_id = $1 AND expires_at > $2 AND file_deleted = FALSE \
         ORDER BY created_at DESC, id DESC"
    );
    let rows: Vec<ExportRow> = sqlx::query_as(&sql)
        .bind(job_id)
        .bind(ts(now))
        .fetch_all(&store.pool)
        .await
        .ctx("listing a job's exports")?;
    rows.into_iter().map(into_export).collect()
}

pub(crate) async fn expired(store: &Backend, now: DateTime<Utc>) -> Result<Vec<Export>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM exports WHERE expires_at <= $1 AND file_deleted = FALSE ORDER BY expires_at"
    );
    let rows: Vec<ExportRow> = sqlx::query_as(&sql)
        .bind(ts(now))
        .fetch_all(&store.pool)
        .await
        .ctx("listing expired exports")?;
    rows.into_iter().map(into_export).collect()
}

pub(crate) async fn mark_file_deleted(store: &Backend, id: ExportId) -> Result<()> {
    let done = sqlx::query("UPDATE exports SET file_deleted = TRUE WHERE id = $1")
        .bind(id)
        .execute(&store.pool)
        .await
        .ctx("updating an export")?;
    if done.rows_affected() == 0 {
        return Err(StoreError::not_found("export", id));
    }
    Ok(())
}

pub(crate) async fn delete(store: &Backend, id: ExportId) -> Result<()> {
    sqlx::query("DELETE FROM exports WHERE id = $1")
        .bind(id)
        .execute(&store.pool)
        .await
        .ctx("deleting an export")?;
    Ok(())
}
