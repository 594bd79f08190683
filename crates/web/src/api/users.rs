//! `/connections/{id}/users`: Gong users with their mapping, the mapped user and
//! the suggested users of a conflict; resolving a conflict (U7). `/users`: the
//! Timeline users. Both in the CLI's shapes ([`GongUserView`], [`UserView`]).

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::{Extension, Json};
use gong_timeline_store::{ConnectionId, User, UserId};
use gong_timeline_sync::views::{GongUserView, UserView};
use serde::Deserialize;

use crate::error::{ApiError, ApiResult};
use crate::paging::{Page, Paged};
use crate::service::lookup;
use crate::service::users::{matching, resolve_mapping};
use crate::state::AppState;

/// Body of the resolve call.
#[derive(Debug, Deserialize)]
pub struct ResolveBody {
    user_id: Option<UserId>,
}

async fn users_by_id(state: &AppState) -> ApiResult<HashMap<UserId, User>> {
    Ok(state
        .store
        .list_users()
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect())
}

/// `GET /connections/{id}/users`, by Gong user id.
pub async fn list(
    State(state): State<AppState>,
    Path(id): Path<ConnectionId>,
    page: Page<GongUserView>,
) -> ApiResult<Json<Paged<GongUserView>>> {
    lookup::connection(&state, id).await?;
    let users = users_by_id(&state).await?;
    let mappings = state.store.list_mappings(id).await?;
    Ok(Json(
        page.paged_in_memory(
            mappings
                .iter()
                .map(|m| GongUserView::new(m, &users))
                .collect(),
        ),
    ))
}

/// `POST /connections/{id}/users/{gong_user_id}/resolve`: maps to one suggested user.
pub async fn resolve(
    State(state): State<AppState>,
    Extension(s): Extension<crate::auth::AdminSession>,
    Path((id, gong_user_id)): Path<(ConnectionId, String)>,
    Json(body): Json<ResolveBody>,
) -> ApiResult<Json<GongUserView>> {
    let mapping = resolve_mapping(&state, id, &gong_user_id, body.user_id, &s).await?;
    let users = users_by_id(&state).await?;
    Ok(Json(GongUserView::new(&mapping, &users)))
}

/// Query of `GET /users`.
#[derive(Debug, Deserialize)]
pub struct TimelineUsersQuery {
    /// Name or email contains this (any case).
    #[serde(default)]
    q: String,
    /// One license type.
    license_type: Option<String>,
    /// `active` or `inactive`.
    status: Option<String>,
}

/// `GET /users`: Timeline users by id, searchable, by license type and status.
pub async fn timeline_users(
    State(state): State<AppState>,
    axum_extra::extract::Query(q): axum_extra::extract::Query<TimelineUsersQuery>,
    page: Page<UserView>,
) -> ApiResult<Json<Paged<UserView>>> {
    let license = q
        .license_type
        .as_deref()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.parse().map_err(|e| ApiError::invalid("license_type", e)))
        .transpose()?;
    let status = q
        .status
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(|s| s.parse().map_err(|e| ApiError::invalid("status", e)))
        .transpose()?;
    let users = state.store.list_users().await?;
    let matching = matching(&users, &q.q, license, status);
    Ok(Json(page.paged_in_memory(
        matching.into_iter().map(UserView::from).collect(),
    )))
}

/// Body of `PUT /accounts/{id}`.
#[derive(Debug, Deserialize)]
pub struct AccountChange {
    /// `admin`, `member` or `viewer`.
    #[serde(default)]
    role: String,
}

/// `DELETE /accounts/{id}`: removes an account's sign-in (A1): its sessions and API
/// tokens stop at once (204). Removing one's own or the last admin's is a 409.
pub async fn remove_sign_in(
    State(state): State<AppState>,
    Extension(s): Extension<crate::auth::AdminSession>,
    Path(id): Path<gong_timeline_store::AdminId>,
) -> ApiResult<axum::http::StatusCode> {
    crate::service::roles::remove_sign_in(&state, &s, id).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// `PUT /accounts/{id}`: changes an account's role (A1); demoting the last admin is
/// a 409.
pub async fn change_account(
    State(state): State<AppState>,
    Extension(s): Extension<crate::auth::AdminSession>,
    Path(id): Path<gong_timeline_store::AdminId>,
    Json(body): Json<AccountChange>,
) -> ApiResult<Json<gong_timeline_store::Admin>> {
    let role = crate::service::roles::role_of(&body.role)?
        .ok_or_else(|| ApiError::invalid("role", "choose a role: admin, member or viewer"))?;
    Ok(Json(
        crate::service::roles::change_role(&state, &s, id, role).await?,
    ))
}
