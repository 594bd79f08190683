//! Gong's quota of a connection (Q1, Q3, Q4): `GET /connections/{id}/usage` (requests
//! per day, purpose and endpoint, the budget, what is left, the lanes),
//! `GET`/`PUT /connections/{id}/quota` (the budget and rate; a missing field keeps its
//! value) and `GET /connections/{id}/resync-estimate?from=` (what a re-sync would
//! cost, from one Gong request).

use axum::extract::{Path, Query, State};
use axum::{Extension, Json};
use gong_timeline_domain::quota::Estimate;
use gong_timeline_store::ConnectionId;
use gong_timeline_sync::quota::UsageReport;
use serde::Deserialize;

use crate::error::{ApiError, ApiResult};
use crate::service::quota::{self as service, QuotaChange, QuotaView};
use crate::state::AppState;

/// Query of `GET /connections/{id}/usage`.
#[derive(Debug, Deserialize)]
pub struct UsageQuery {
    /// UTC days, today included (default 30, 1..=400).
    days: Option<i64>,
}

/// `GET /connections/{id}/usage?days=D`.
pub async fn usage(
    State(state): State<AppState>,
    Path(id): Path<ConnectionId>,
    Query(q): Query<UsageQuery>,
) -> ApiResult<Json<UsageReport>> {
    let days = service::days(q.days)?;
    Ok(Json(service::usage(&state, id, days).await?))
}

/// `GET /connections/{id}/quota`.
pub async fn quota(
    State(state): State<AppState>,
    Path(id): Path<ConnectionId>,
) -> ApiResult<Json<QuotaView>> {
    Ok(Json(service::settings(&state, id).await?))
}

/// `PUT /connections/{id}/quota`: validate → store; a refused value stores nothing.
pub async fn save_quota(
    State(state): State<AppState>,
    Extension(s): Extension<crate::auth::AdminSession>,
    Path(id): Path<ConnectionId>,
    Json(change): Json<QuotaChange>,
) -> ApiResult<Json<QuotaView>> {
    Ok(Json(service::save(&state, id, &change, &s).await?))
}

/// Query of `GET /connections/{id}/resync-estimate`.
#[derive(Debug, Deserialize)]
pub struct EstimateQuery {
    /// `YYYY-MM-DD` (UTC), today or earlier.
    from: Option<String>,
}

/// `GET /connections/{id}/resync-estimate?from=YYYY-MM-DD`.
pub async fn resync_estimate(
    State(state): State<AppState>,
    Path(id): Path<ConnectionId>,
    Query(q): Query<EstimateQuery>,
) -> ApiResult<Json<Estimate>> {
    crate::service::lookup::connection(&state, id).await?;
    let from = q.from.ok_or_else(|| {
        ApiError::bad_parameter(
            "from",
            "from is missing: give the day to re-sync from (YYYY-MM-DD, UTC)",
        )
    })?;
    Ok(Json(service::estimate(&state, id, &from).await?))
}
