//! Resolving a conflict by hand (U7): the Suggested Users (the same email) → pick one
//! → Save; nothing picked shows the choices again with the error beside them.
//! Meetings that failed on the conflict are retried by the next sync.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use axum::{Extension, Form};
use gong_timeline_store::{ConnectionId, UserId};
use maud::{html, Markup};
use serde::Deserialize;

use super::gong::GONG_IO;
use crate::auth::AdminSession;
use crate::error::ApiError;
use crate::service::users::{conflict, resolve_mapping};
use crate::state::AppState;
use crate::ui::error::{refused, PageResult};
use crate::ui::layout::{csrf_input, page};

#[derive(Deserialize)]
pub(crate) struct ResolveForm {
    user_id: Option<UserId>,
}

/// `GET /users/{connection}/resolve/{gong_user_id}`: the Suggested Users.
pub(crate) async fn resolve_page(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    Path((conn, gong_user_id)): Path<(ConnectionId, String)>,
) -> PageResult<Markup> {
    Ok(suggested_page(&state, &s, conn, &gong_user_id, None).await?)
}

async fn suggested_page(
    state: &AppState,
    s: &AdminSession,
    conn: ConnectionId,
    gong_user_id: &str,
    error: Option<&ApiError>,
) -> Result<Markup, ApiError> {
    let (m, suggested) = conflict(state, conn, gong_user_id).await?;
    Ok(page(
        "Suggested Users",
        s,
        html! {
            p { "Gong user " strong { (m.gong_name) } " <" (m.gong_email.clone().unwrap_or_default()) "> matches several Timeline users. Pick the one to map; an existing user is recommended, as users made from Gong have the Internal Collaborator license." }
            form.card method="post" action={ "/users/" (conn) "/resolve/" (m.gong_user_id) } id="resolve-form" {
                (csrf_input(s))
                fieldset aria-describedby=[error.map(|_| "user-id-error")] {
                    legend { "Suggested users" }
                    @for u in &suggested {
                        label { input type="radio" name="user_id" value=(u.id) class="suggested" checked[m.user_id == Some(u.id)]; " " (u.name) " <" (u.email) "> · " (u.license_type) " · " (u.status) }
                    }
                    @if let Some(e) = error { span.field-error id="user-id-error" { (e.public_message()) } }
                }
                button type="submit" id="save-mapping" { "Save" }
            }
        },
    ))
}

/// `POST /users/{connection}/resolve/{gong_user_id}`; nothing picked (or a user that
/// cannot be picked) shows the choices again with the error beside them.
pub(crate) async fn resolve(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    Path((conn, gong_user_id)): Path<(ConnectionId, String)>,
    Form(f): Form<ResolveForm>,
) -> PageResult {
    match resolve_mapping(&state, conn, &gong_user_id, f.user_id, &s).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "/users?connection_type={GONG_IO}&connection={conn}&resolved={}",
            crate::auth::session::urlencode(&gong_user_id)
        ))
        .into_response()),
        Err(error @ ApiError::Invalid { .. }) => Ok(refused(
            &error,
            suggested_page(&state, &s, conn, &gong_user_id, Some(&error)).await?,
        )),
        Err(error) => Err(error.into()),
    }
}
