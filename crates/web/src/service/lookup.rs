//! The one look-up by id of the records pages and the API open by address — a job,
//! an activity, a company — each answering the one 404 of [`ApiError::missing`]
//! when the id names none. (A connection's is [`super::connections::get`].)

use gong_timeline_store::{Activity, ActivityId, Company, CompanyId, Job, JobId};

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// The job `id`.
pub async fn job(state: &AppState, id: JobId) -> ApiResult<Job> {
    state
        .store
        .get_job(id)
        .await?
        .ok_or_else(|| ApiError::missing("job", id))
}

/// The activity `id`.
pub async fn activity(state: &AppState, id: ActivityId) -> ApiResult<Activity> {
    state
        .store
        .get_activity(id)
        .await?
        .ok_or_else(|| ApiError::missing("activity", id))
}

/// The company `id`.
pub async fn company(state: &AppState, id: CompanyId) -> ApiResult<Company> {
    state
        .store
        .get_company(id)
        .await?
        .ok_or_else(|| ApiError::missing("company", id))
}
