//! `/activities` (newest first, by company or connection) and `/companies`, in the
//! CLI's shapes ([`ActivityView`], [`CompanyView`]).

use axum::extract::{Path, Query, State};
use axum::{Extension, Json};
use gong_timeline_store::{ActivityFilter, ActivityId, CompanyId, ConnectionId};
use gong_timeline_sync::views::{ActivityView, CompanyView, TranscriptView};
use serde::Deserialize;

use crate::auth::roles;
use crate::auth::AdminSession;
use crate::error::ApiResult;
use crate::paging::{Page, Paged};
use crate::service::lookup;
use crate::state::AppState;

/// Query of `GET /activities`.
#[derive(Debug, Deserialize)]
pub struct ActivitiesQuery {
    company_id: Option<CompanyId>,
    connection_id: Option<ConnectionId>,
    /// Only activities whose subject, notes, attendees or trackers contain this text.
    search: Option<String>,
}

/// `GET /activities`, newest first: keyset pages (the cursor holds the last
/// activity's date and id).
pub async fn list(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    Query(q): Query<ActivitiesQuery>,
    page: Page<ActivityView>,
) -> ApiResult<Json<Paged<ActivityView>>> {
    let filter = ActivityFilter {
        company_id: q.company_id,
        connection_id: q.connection_id,
        search: q.search.clone(),
        limit: Some(page.fetch_limit()),
        seek: page.seek(),
    };
    let total = state.store.count_activities(&filter).await?;
    let rows = state.store.list_activities(filter).await?;
    Ok(Json(page.paged(
        rows.into_iter().map(|a| view(&s, a)).collect(),
        total,
    )))
}

/// `GET /activities/{id}`.
pub async fn show(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    Path(id): Path<ActivityId>,
) -> ApiResult<Json<ActivityView>> {
    let activity = lookup::activity(&state, id).await?;
    Ok(Json(view(&s, activity)))
}

/// `GET /activities/{id}/transcript` (S9; not for a viewer, A1): 404 when the
/// activity has none (transcripts off, or not fetched yet).
pub async fn transcript(
    State(state): State<AppState>,
    Path(id): Path<ActivityId>,
) -> ApiResult<Json<TranscriptView>> {
    lookup::activity(&state, id).await?;
    let transcript = state.store.get_transcript(id).await?.ok_or_else(|| {
        crate::error::ApiError::NotFound(format!(
            "activity {id} has no transcript: turn transcripts on in its connection's settings, and the next sync fetches it"
        ))
    })?;
    Ok(Json(transcript.into()))
}

/// An activity as `s` may read it: a viewer's (A1) has no link to the recording.
fn view(s: &AdminSession, activity: gong_timeline_store::Activity) -> ActivityView {
    let mut view = ActivityView::from(activity);
    if !roles::allows(s.role, roles::Need::Recordings) {
        view.recording_url = None;
    }
    view
}

/// `GET /companies`, by name.
pub async fn companies(
    State(state): State<AppState>,
    page: Page<CompanyView>,
) -> ApiResult<Json<Paged<CompanyView>>> {
    let all = state.store.list_companies().await?;
    Ok(Json(page.paged_in_memory(
        all.into_iter().map(CompanyView::from).collect(),
    )))
}
