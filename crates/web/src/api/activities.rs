//! `/activities` (newest first, by company or connection) and `/companies`.

use axum::extract::{Path, Query, State};
use axum::Json;
use gong_timeline_store::{Activity, ActivityFilter, ActivityId, Company, CompanyId, ConnectionId};
use serde::Deserialize;

use super::Window;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Query of `GET /activities`.
#[derive(Debug, Deserialize)]
pub struct ActivitiesQuery {
    company_id: Option<CompanyId>,
    connection_id: Option<ConnectionId>,
    limit: Option<u32>,
    #[serde(default)]
    offset: u32,
}

/// `GET /activities`.
pub async fn list(
    State(state): State<AppState>,
    Query(q): Query<ActivitiesQuery>,
) -> ApiResult<Json<Vec<Activity>>> {
    let w = Window {
        limit: q.limit,
        offset: q.offset,
    };
    Ok(Json(
        state
            .store
            .list_activities(ActivityFilter {
                company_id: q.company_id,
                connection_id: q.connection_id,
                limit: Some(w.limit()),
                offset: w.offset,
            })
            .await?,
    ))
}

/// `GET /activities/{id}`.
pub async fn show(
    State(state): State<AppState>,
    Path(id): Path<ActivityId>,
) -> ApiResult<Json<Activity>> {
    Ok(Json(state.store.get_activity(id).await?.ok_or_else(
        || ApiError::NotFound(format!("activity {id} does not exist")),
    )?))
}

/// `GET /companies`.
pub async fn companies(State(state): State<AppState>) -> ApiResult<Json<Vec<Company>>> {
    Ok(Json(state.store.list_companies().await?))
}
