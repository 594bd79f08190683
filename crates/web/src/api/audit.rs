//! `GET /audit`: the audit log (A4), newest first, a keyset page at a time: `limit`
//! entries older than `before` (an entry id; the `next` of the previous page).

use axum::extract::State;
use axum::Json;
use axum_extra::extract::Query;
use serde::Deserialize;

use crate::error::ApiResult;
use crate::service::audit::{self, AuditPage};
use crate::state::AppState;

/// Query of `GET /audit`.
#[derive(Debug, Deserialize)]
pub struct AuditQuery {
    limit: Option<String>,
    before: Option<String>,
}

/// `GET /audit?limit=N&before=ID`: `{items, next}`, newest first.
pub async fn list(
    State(state): State<AppState>,
    Query(q): Query<AuditQuery>,
) -> ApiResult<Json<AuditPage>> {
    let limit = audit::limit(q.limit.as_deref())?;
    let before = audit::before(q.before.as_deref())?;
    Ok(Json(audit::page(&state, limit, before).await?))
}
