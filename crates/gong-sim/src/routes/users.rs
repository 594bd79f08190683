//! `GET /v2/users` (cursor in the query string) and `GET /v2/users/{id}`.

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;

use super::{json_response, query_param, Principal};
use crate::error::ApiError;
use crate::paging::{Cursor, PAGE_SIZE};
use crate::render;
use crate::request_id::current_request_id;
use crate::state::SimState;
use crate::wire::users::{UserResponse, UsersResponse};
use crate::wire::Records;

/// One page of users.
pub async fn list(
    State(state): State<Arc<SimState>>,
    Extension(who): Extension<Principal>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    who.require("api:users:read")?;
    let users = state.dataset.users();
    let (start, page) = match query_param(&query, "cursor").filter(|c| !c.is_empty()) {
        None => (0, 0),
        Some(text) => {
            let c = Cursor::decode(&text, state.key)
                .ok_or_else(|| ApiError::bad_request("The cursor is invalid or has expired"))?;
            (c.next as usize, c.page)
        }
    };
    let end = (start + PAGE_SIZE).min(users.len());
    let slice = users.get(start..end).unwrap_or_default();
    let cursor = (end < users.len()).then(|| {
        Cursor {
            next: end as u64,
            page: page + 1,
            total: users.len() as u64,
            fingerprint: 0,
        }
        .encode(state.key)
    });
    Ok(json_response(&UsersResponse {
        request_id: current_request_id(),
        records: Records {
            total_records: users.len() as u64,
            current_page_size: slice.len() as u64,
            current_page_number: page,
            cursor,
        },
        users: slice
            .iter()
            .map(|u| render::user(u, &state.base_url))
            .collect(),
    }))
}

/// One user by id.
pub async fn one(
    State(state): State<Arc<SimState>>,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    who.require("api:users:read")?;
    let user = state
        .dataset
        .users()
        .iter()
        .find(|u| u.id == id)
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "User not found"))?;
    Ok(json_response(&UserResponse {
        request_id: current_request_id(),
        user: render::user(user, &state.base_url),
    }))
}
