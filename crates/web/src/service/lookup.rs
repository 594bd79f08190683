//! The one look-up by id of the records pages and the API open by address — a
//! connection, a job, an activity, a company — each answering the one 404 of
//! [`ApiError::missing`] when the id names none.

use gong_timeline_store::{
    Activity, ActivityId, Company, CompanyId, Connection, ConnectionId, Job, JobId,
};

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// The connection `id`; every handler and service that needs one to exist asks here.
pub async fn connection(state: &AppState, id: ConnectionId) -> ApiResult<Connection> {
    state
        .store
        .get_connection(id)
        .await?
        .ok_or_else(|| ApiError::no_connection(id))
}

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
