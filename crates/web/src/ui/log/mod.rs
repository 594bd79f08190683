//! The execution log (L1–L4): jobs filtered by job date (today, last 7 days, last
//! 30 days, a custom range) and execution status (several at once), with counts;
//! a job's records page by page; the .xlsx download per job.

mod batches;
mod controls;
mod job;
mod jobs;
mod query;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use axum_extra::extract::{Form, Query, QueryRejection};
use gong_timeline_domain::RecordStatus;
use gong_timeline_store::JobId;
use maud::Markup;
use serde::Deserialize;

use self::job::job_page;
use self::jobs::jobs_page;
pub use self::query::{date_window, Window};
use self::query::{parsed, statuses, LogQuery};
use crate::auth::AdminSession;
use crate::error::ApiError;
use crate::service::exports;
use crate::state::AppState;
use crate::ui::error::{refused, PageError, PageResult};

/// `GET /log`.
pub(crate) async fn jobs(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    q: Result<Query<LogQuery>, QueryRejection>,
) -> PageResult {
    let q = parsed(q)?;
    match jobs_page(&state, &s, &q, None).await {
        Ok(markup) => Ok(markup.into_response()),
        Err(error @ ApiError::Invalid { .. }) => Ok(refused(
            &error,
            jobs_page(&state, &s, &q, Some(&error)).await?,
        )),
        Err(error) => Err(error.into()),
    }
}

/// `GET /log/jobs/{id}`.
pub(crate) async fn job(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    Path(id): Path<JobId>,
    q: Result<Query<LogQuery>, QueryRejection>,
) -> PageResult<Markup> {
    let q = parsed(q)?;
    Ok(job_page(&state, &s, id, &q).await?)
}

/// The export form: the record statuses in force.
#[derive(Debug, Deserialize, Default)]
pub(crate) struct ExportForm {
    #[serde(default)]
    status: Vec<String>,
}

/// `POST /log/jobs/{id}/export`: writes the workbook of the records the filter
/// shows, then the job page lists its link and downloads it at once.
pub(crate) async fn export(
    State(state): State<AppState>,
    Path(id): Path<JobId>,
    Form(f): Form<ExportForm>,
) -> PageResult<Redirect> {
    let chosen: Vec<RecordStatus> = statuses(&f.status)?;
    let e = exports::create(&state, id, chosen).await?;
    let mut q = url::form_urlencoded::Serializer::new(String::new());
    q.append_pair("export", &e.token);
    for s in &f.status {
        q.append_pair("status", s);
    }
    Ok(Redirect::to(&format!("/log/jobs/{id}?{}", q.finish())))
}

/// `GET /exports/{token}`: the file, or 410 Gone after 30 days.
pub(crate) async fn download(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: axum::http::HeaderMap,
) -> Response {
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    let fail = |error: ApiError| {
        if wants_html {
            PageError(error).into_response()
        } else {
            error.into_response()
        }
    };
    match exports::open(&state, &token).await {
        Ok((export, path)) => match tokio::fs::read(&path).await {
            Ok(bytes) => (
                [
                    (
                        header::CONTENT_TYPE,
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                            .to_string(),
                    ),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"job-{}.xlsx\"", export.job_id),
                    ),
                ],
                Body::from(bytes),
            )
                .into_response(),
            Err(e) => fail(ApiError::Internal(format!(
                "reading {}: {e}",
                path.display()
            ))),
        },
        Err(error) => fail(error),
    }
}
