//! `/connections/{id}/users`: Gong users with their mapping, the mapped user and
//! the suggested users of a conflict; resolving a conflict (U7).

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::Json;
use gong_timeline_store::{ConnectionId, User, UserId, UserMapping};
use serde::{Deserialize, Serialize};

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::ui::users::resolve_mapping;

/// A Timeline user as listed beside a mapping.
#[derive(Debug, Serialize)]
pub struct UserView {
    id: UserId,
    email: String,
    name: String,
    license_type: String,
    status: String,
}

impl From<&User> for UserView {
    fn from(u: &User) -> UserView {
        UserView {
            id: u.id,
            email: u.email.clone(),
            name: u.name.clone(),
            license_type: u.license_type.to_string(),
            status: u.status.to_string(),
        }
    }
}

/// One Gong user and its mapping.
#[derive(Debug, Serialize)]
pub struct GongUserView {
    gong_user_id: String,
    email: Option<String>,
    name: String,
    status: String,
    manual: bool,
    user: Option<UserView>,
    suggested: Vec<UserView>,
}

/// Body of the resolve call.
#[derive(Debug, Deserialize)]
pub struct ResolveBody {
    user_id: Option<UserId>,
}

fn view(m: UserMapping, users: &HashMap<UserId, User>) -> GongUserView {
    GongUserView {
        user: m.user_id.and_then(|id| users.get(&id)).map(UserView::from),
        suggested: m
            .suggested
            .iter()
            .filter_map(|id| users.get(id))
            .map(UserView::from)
            .collect(),
        gong_user_id: m.gong_user_id,
        email: m.gong_email,
        name: m.gong_name,
        status: m.status.to_string(),
        manual: m.manual,
    }
}

/// `GET /connections/{id}/users`.
pub async fn list(
    State(state): State<AppState>,
    Path(id): Path<ConnectionId>,
) -> ApiResult<Json<Vec<GongUserView>>> {
    state
        .store
        .get_connection(id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("connection {id} does not exist")))?;
    let users: HashMap<UserId, User> = state
        .store
        .list_users()
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let mappings = state.store.list_mappings(id).await?;
    Ok(Json(
        mappings.into_iter().map(|m| view(m, &users)).collect(),
    ))
}

/// `POST /connections/{id}/users/{gong_user_id}/resolve`: maps to one suggested user.
pub async fn resolve(
    State(state): State<AppState>,
    Path((id, gong_user_id)): Path<(ConnectionId, String)>,
    Json(body): Json<ResolveBody>,
) -> ApiResult<Json<GongUserView>> {
    let mapping = resolve_mapping(&state, id, &gong_user_id, body.user_id).await?;
    let users: HashMap<UserId, User> = state
        .store
        .list_users()
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    Ok(Json(view(mapping, &users)))
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
    /// Page size (1–500, default 50).
    limit: Option<u32>,
    /// The `next` of the previous page.
    cursor: Option<String>,
}

/// A Timeline user as `users list --format json` prints it: the built-in columns and
/// the custom fields.
#[derive(Debug, Serialize)]
pub struct TimelineUser {
    id: UserId,
    email: String,
    name: String,
    license_type: gong_timeline_domain::LicenseType,
    status: String,
    #[serde(flatten)]
    fields: gong_timeline_store::Fields,
}

/// A page of a list: the items, how many match in all, and the cursor of the next
/// page (`null` on the last).
#[derive(Debug, Serialize)]
pub struct Paged<T> {
    /// This page.
    pub items: Vec<T>,
    /// Matches in all.
    pub total: usize,
    /// Pass as `cursor` for the next page.
    pub next: Option<String>,
}

/// `GET /users`: Timeline users by id, searchable, by license type and status; keyset
/// pages (the cursor is the last id seen).
pub async fn timeline_users(
    State(state): State<AppState>,
    axum_extra::extract::Query(q): axum_extra::extract::Query<TimelineUsersQuery>,
) -> ApiResult<Json<Paged<TimelineUser>>> {
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
    let after: UserId = match q.cursor.as_deref() {
        None | Some("") => 0,
        Some(c) => c
            .parse()
            .map_err(|_| ApiError::invalid("cursor", "pass the `next` of the previous page"))?,
    };
    let limit = super::Window {
        limit: q.limit,
        offset: 0,
    }
    .limit() as usize;
    let users = state.store.list_users().await?;
    let all = crate::ui::users::matching(&users, &q.q, license, status);
    let total = all.len();
    let items: Vec<TimelineUser> = all
        .into_iter()
        .filter(|u| u.id > after)
        .take(limit + 1)
        .map(|u| TimelineUser {
            id: u.id,
            email: u.email.clone(),
            name: u.name.clone(),
            license_type: u.license_type,
            status: u.status.to_string(),
            fields: u.fields.clone(),
        })
        .collect();
    let (items, next) = if items.len() > limit {
        let items: Vec<TimelineUser> = items.into_iter().take(limit).collect();
        let next = items.last().map(|u| u.id.to_string());
        (items, next)
    } else {
        (items, None)
    };
    Ok(Json(Paged { items, total, next }))
}
