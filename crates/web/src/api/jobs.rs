//! `/jobs`: the execution log — jobs (date range, statuses, connection), one job,
//! its records page by page, and an .xlsx export link.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use axum_extra::extract::Query;
use gong_timeline_domain::dates::{parse_bound, RangeEnd};
use gong_timeline_domain::RecordStatus;
use gong_timeline_store::{ConnectionId, Job, JobFilter, JobId, LogRecord, RecordFilter};
use serde::Deserialize;
use serde_json::json;

use crate::error::{ApiError, ApiResult};
use crate::paging::{Page, Paged};
use crate::service::{exports, lookup};
use crate::state::AppState;

/// Query of `GET /jobs`.
#[derive(Debug, Deserialize)]
pub struct JobsQuery {
    /// A day (`YYYY-MM-DD`, UTC) or an RFC 3339 instant, as the CLI takes them.
    from: Option<String>,
    to: Option<String>,
    #[serde(default)]
    status: Vec<String>,
    connection_id: Option<ConnectionId>,
    #[serde(default)]
    trigger: Vec<String>,
}

/// Query of `GET /jobs/{id}/records`.
#[derive(Debug, Deserialize)]
pub struct RecordsQuery {
    #[serde(default)]
    status: Vec<String>,
}

fn parse_all<T: std::str::FromStr>(given: &[String]) -> ApiResult<Vec<T>>
where
    T::Err: std::fmt::Display,
{
    parse_all_of("status", given)
}

/// Each value of the repeated query parameter `field`, parsed; a bad one is a 422
/// naming the field.
fn parse_all_of<T: std::str::FromStr>(field: &str, given: &[String]) -> ApiResult<Vec<T>>
where
    T::Err: std::fmt::Display,
{
    given
        .iter()
        .map(|s| s.parse::<T>().map_err(|e| ApiError::invalid(field, e)))
        .collect()
}

/// `GET /jobs`, newest first: keyset pages (the cursor holds the last job's start and id).
pub async fn list(
    State(state): State<AppState>,
    Query(q): Query<JobsQuery>,
    page: Page<Job>,
) -> ApiResult<Json<Paged<Job>>> {
    let bound = |field: &str, raw: &Option<String>, end| {
        raw.as_deref()
            .map(|raw| parse_bound(raw, end))
            .transpose()
            .map_err(|e| ApiError::invalid(field, e.to_string()))
    };
    let filter = JobFilter {
        from: bound("from", &q.from, RangeEnd::Start)?,
        to: bound("to", &q.to, RangeEnd::End)?,
        statuses: parse_all(&q.status)?,
        triggers: parse_all_of("trigger", &q.trigger)?,
        connection_id: q.connection_id,
        limit: Some(page.fetch_limit()),
        seek: page.seek(),
    };
    let total = state.store.count_jobs(&filter).await?;
    let rows = state.store.list_jobs(filter).await?;
    Ok(Json(page.paged(rows, total)))
}

/// `GET /jobs/{id}`.
pub async fn show(State(state): State<AppState>, Path(id): Path<JobId>) -> ApiResult<Json<Job>> {
    Ok(Json(lookup::job(&state, id).await?))
}

/// `GET /jobs/{id}/records`, in the order written: keyset pages (the cursor holds the
/// last record's id); the total comes from the counts stored with the job.
pub async fn records(
    State(state): State<AppState>,
    Path(id): Path<JobId>,
    Query(q): Query<RecordsQuery>,
    page: Page<LogRecord>,
) -> ApiResult<Json<Paged<LogRecord>>> {
    lookup::job(&state, id).await?;
    let statuses: Vec<RecordStatus> = parse_all(&q.status)?;
    let total = state.store.count_log_records(id).await?.matching(&statuses);
    let rows = state
        .store
        .list_log_records(RecordFilter {
            job_id: id,
            statuses,
            limit: Some(page.fetch_limit()),
            seek: crate::paging::records_seek(page.seek(), id)?,
        })
        .await?;
    Ok(Json(page.paged(rows, total)))
}

/// `POST /jobs/{id}/export[?status=Failed&status=…]`: 201 with the download URL
/// (valid 30 days); the statuses keep only those records, as the job page's filter.
pub async fn export(
    State(state): State<AppState>,
    Path(id): Path<JobId>,
    Query(q): Query<RecordsQuery>,
) -> ApiResult<impl IntoResponse> {
    let statuses: Vec<RecordStatus> = parse_all(&q.status)?;
    let e = exports::create(&state, id, statuses).await?;
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
