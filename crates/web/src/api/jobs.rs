//! `/jobs`: the execution log — jobs (date range, statuses, connection), one job,
//! its records page by page, and an .xlsx export link.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use axum_extra::extract::Query;
use chrono::{DateTime, Utc};
use gong_timeline_domain::{JobStatus, RecordStatus};
use gong_timeline_store::{ConnectionId, Job, JobFilter, JobId, LogRecord, RecordFilter};
use serde::Deserialize;
use serde_json::json;

use super::Window;
use crate::error::{ApiError, ApiResult};
use crate::service::exports;
use crate::state::AppState;

/// Query of `GET /jobs`.
#[derive(Debug, Deserialize)]
pub struct JobsQuery {
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
    #[serde(default)]
    status: Vec<String>,
    connection_id: Option<ConnectionId>,
    limit: Option<u32>,
    #[serde(default)]
    offset: u32,
}

/// Query of `GET /jobs/{id}/records`.
#[derive(Debug, Deserialize)]
pub struct RecordsQuery {
    #[serde(default)]
    status: Vec<String>,
    limit: Option<u32>,
    #[serde(default)]
    offset: u32,
}

fn parse_all<T: std::str::FromStr>(given: &[String]) -> ApiResult<Vec<T>>
where
    T::Err: std::fmt::Display,
{
    given
        .iter()
        .map(|s| s.parse::<T>().map_err(|e| ApiError::invalid("status", e)))
        .collect()
}

/// `GET /jobs`, newest first.
pub async fn list(
    State(state): State<AppState>,
    Query(q): Query<JobsQuery>,
) -> ApiResult<Json<Vec<Job>>> {
    let w = Window {
        limit: q.limit,
        offset: q.offset,
    };
    let statuses: Vec<JobStatus> = parse_all(&q.status)?;
    Ok(Json(
        state
            .store
            .list_jobs(JobFilter {
                from: q.from,
                to: q.to,
                statuses,
                connection_id: q.connection_id,
                limit: Some(w.limit()),
                offset: w.offset,
            })
            .await?,
    ))
}

/// `GET /jobs/{id}`.
pub async fn show(State(state): State<AppState>, Path(id): Path<JobId>) -> ApiResult<Json<Job>> {
    Ok(Json(state.store.get_job(id).await?.ok_or_else(|| {
        ApiError::NotFound(format!("job {id} does not exist"))
    })?))
}

/// `GET /jobs/{id}/records`, in the order written.
pub async fn records(
    State(state): State<AppState>,
    Path(id): Path<JobId>,
    Query(q): Query<RecordsQuery>,
) -> ApiResult<Json<Vec<LogRecord>>> {
    state
        .store
        .get_job(id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("job {id} does not exist")))?;
    let w = Window {
        limit: q.limit,
        offset: q.offset,
    };
    let statuses: Vec<RecordStatus> = parse_all(&q.status)?;
    Ok(Json(
        state
            .store
            .list_log_records(RecordFilter {
                job_id: id,
                statuses,
                limit: Some(w.limit()),
                offset: w.offset,
            })
            .await?,
    ))
}

/// `POST /jobs/{id}/export`: 201 with the download URL (valid 30 days).
pub async fn export(
    State(state): State<AppState>,
    Path(id): Path<JobId>,
) -> ApiResult<impl IntoResponse> {
    let e = exports::create(&state, id).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "job_id": e.job_id,
            "url": format!("/exports/{}", e.token),
            "created_at": e.created_at,
            "expires_at": e.expires_at,
        })),
    ))
}
