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
