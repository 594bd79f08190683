//! The execution log's .xlsx downloads (L4): a file per request in the export
//! directory behind a random token; 30 days later the file is deleted and the link
//! answers 410 Gone.

use std::path::PathBuf;

use gong_timeline_domain::RecordStatus;
use gong_timeline_store::{Export, JobId, NewExport};
use gong_timeline_sync::export::export_job;

use crate::auth::secret::random_token;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// How long a download link lives.
pub fn lifetime() -> chrono::Duration {
    chrono::Duration::days(30)
}

/// Writes the records of job `job_id` that have one of `statuses` (empty: all), as
/// the job page's filter shows them, to a new workbook and records its token.
pub async fn create(
    state: &AppState,
    job_id: JobId,
    statuses: Vec<RecordStatus>,
) -> ApiResult<Export> {
    purge_expired(state).await;
    super::lookup::job(state, job_id).await?;
    let token = random_token();
    let dir = state.config.export_dir.clone();
    std::fs::create_dir_all(&dir)
        .map_err(|e| ApiError::Internal(format!("cannot create {}: {e}", dir.display())))?;
    let path = dir.join(format!("job-{job_id}-{}.xlsx", &token[..12]));
    export_job(state.store.clone(), job_id, statuses, path.clone())
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let now = state.now();
    Ok(state
        .store
        .create_export(NewExport {
            job_id,
            path: path.display().to_string(),
            token,
            created_at: now,
            expires_at: now + lifetime(),
        })
        .await?)
}

/// Job `job_id`'s download links that still work, newest first.
pub async fn live(state: &AppState, job_id: JobId) -> ApiResult<Vec<Export>> {
    Ok(state.store.list_job_exports(job_id, state.now()).await?)
}

/// The file behind `token`, or 410 Gone (and the file deleted) once expired.
pub async fn open(state: &AppState, token: &str) -> ApiResult<(Export, PathBuf)> {
    let export = state
        .store
        .export_by_token(token)
        .await?
        .ok_or_else(|| ApiError::NotFound("no export has this link".to_string()))?;
    if state.now() >= export.expires_at || export.file_deleted {
        expire(state, &export).await;
        return Err(ApiError::Gone(
            "this download link expired (links last 30 days); download the log again".into(),
        ));
    }
    let path = PathBuf::from(&export.path);
    Ok((export, path))
}

async fn expire(state: &AppState, export: &Export) {
    if export.file_deleted {
        return;
    }
    match std::fs::remove_file(&export.path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => {
            tracing::warn!(path = %export.path, error = %e, "Cannot delete an expired export.");
            return;
        }
    }
    if let Err(error) = state.store.mark_export_file_deleted(export.id).await {
        tracing::warn!(%error, "Cannot mark an export deleted.");
    }
}

/// Deletes the files of every expired export.
pub async fn purge_expired(state: &AppState) {
    match state.store.list_expired_exports(state.now()).await {
        Ok(expired) => {
            for export in expired {
                expire(state, &export).await;
            }
        }
        Err(error) => tracing::warn!(%error, "Cannot list expired exports."),
    }
}
