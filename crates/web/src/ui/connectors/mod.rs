//! Connectors: the connections with their status (C6) and last job with its reason,
//! creating one by name (OAuth → Authorize, or an access key Gong checks first), a
//! connection's page with the C3 HubSpot warning, the confirmation after authorising
//! (**Initiate Sync** / **Go to Timeline settings**), changing a connection (name, base
//! URL, access key; OAuth re-authorisation), its Gong webhook ([`crate::ui::webhook`])
//! and deleting it after a confirmation page.

mod list;
mod show;

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use axum::{Extension, Form};
use gong_timeline_domain::Trigger;
use gong_timeline_store::{ConnectionId, ConnectionStatus};
use gong_timeline_sync::{windows, JobRequest};
use maud::{html, Markup};
use serde::Deserialize;

use self::list::{list_page, CreateForm};
use self::show::show_page;
use crate::auth::AdminSession;
use crate::error::ApiError;
use crate::service::connections::{self, UpdateRequest};
use crate::service::runs;
use crate::state::AppState;
use crate::ui::error::{refused, PageResult};
use crate::ui::layout::{self, csrf_input, page};

/// C3's warning, verbatim.
pub const HUBSPOT_WARNING: &str = "Gong's HubSpot CRM integration is not supported.";

#[derive(Deserialize, Default)]
pub(crate) struct Flags {
    connected: Option<String>,
    sync: Option<String>,
    updated: Option<String>,
    webhook: Option<String>,
}

/// A status as a badge: its text, and a class naming it for the stylesheet.
pub fn status_badge(status: ConnectionStatus) -> Markup {
    let class = match status {
        ConnectionStatus::Authorised => "status status-authorised",
        ConnectionStatus::Pending => "status status-pending",
        ConnectionStatus::NeedsReauthorisation => "status status-needs-reauthorisation",
        ConnectionStatus::Unreachable => "status status-unreachable",
        ConnectionStatus::Disabled => "status status-disabled",
    };
    html! { span class=(class) { (layout::badge(layout::connection_tone(status), status)) } }
}

/// `GET /connectors`.
pub(crate) async fn list(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
) -> PageResult<Markup> {
    Ok(list_page(&state, &s, &CreateForm::default(), None).await?)
}

/// `POST /connectors`: an OAuth connection goes on to Gong's consent page, an
/// access-key one to its page with the Initiate Sync dialog.
pub(crate) async fn create(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    Form(f): Form<CreateForm>,
) -> PageResult {
    match connections::create(&state, &f.request(), &s).await {
        Ok(created) => {
            let target = created
                .authorize_url
                .unwrap_or_else(|| format!("/connectors/{}?connected=1", created.connection.id));
            Ok(Redirect::to(&target).into_response())
        }
        Err(error @ (ApiError::Invalid { .. } | ApiError::Conflict(_))) => Ok(refused(
            &error,
            list_page(&state, &s, &f, Some(&error)).await?,
        )),
        Err(error) => Err(error.into()),
    }
}

/// `POST /connectors/{id}/authorize`: (re-)authorise with Gong.
pub(crate) async fn authorize(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    Path(id): Path<ConnectionId>,
) -> PageResult<Redirect> {
    let url = crate::service::oauth::authorize_url(&state, id, &s).await?;
    Ok(Redirect::to(&url))
}

/// `POST /connectors/{id}/sync`: Initiate Sync, in the background. A refusal (not
/// authorised, disabled, already running) shows on the connection's page.
pub(crate) async fn initiate_sync(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    Path(id): Path<ConnectionId>,
) -> PageResult {
    match runs::start(&state, id, Trigger::Manual).await {
        Ok(()) => Ok(Redirect::to(&format!("/connectors/{id}?sync=started")).into_response()),
        Err(error @ ApiError::Conflict(_)) => {
            respond(&state, &s, id, &Flags::default(), Some(&error)).await
        }
        Err(error) => Err(error.into()),
    }
}

/// The "Re-sync from Gong since …" form.
#[derive(Debug, serde::Deserialize)]
pub(crate) struct ResyncForm {
    /// `YYYY-MM-DD` (an `<input type=date>`).
    from: String,
}

/// `POST /connectors/{id}/resync`: re-read Gong from a date (trigger `resync`), in
/// the background; the backfill bounds how far back.
pub(crate) async fn resync(
    State(state): State<AppState>,
    Path(id): Path<ConnectionId>,
    Form(f): Form<ResyncForm>,
) -> PageResult<Redirect> {
    let from = windows::resync_day(&f.from, state.now().date_naive())
        .map_err(|refused| ApiError::invalid("from", refused.to_string()))?;
    runs::start_request(&state, id, JobRequest::resync(from)).await?;
    Ok(Redirect::to(&format!("/connectors/{id}?sync=started")))
}

/// `GET /connectors/{id}`.
pub(crate) async fn show(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    Path(id): Path<ConnectionId>,
    Query(flags): Query<Flags>,
) -> PageResult {
    respond(&state, &s, id, &flags, None).await
}

/// `POST /connectors/{id}/update`: rename, new base URL, new access key.
pub(crate) async fn update(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    Path(id): Path<ConnectionId>,
    Form(f): Form<UpdateRequest>,
) -> PageResult {
    match connections::update(&state, id, &f).await {
        Ok(_) => Ok(Redirect::to(&format!("/connectors/{id}?updated=1")).into_response()),
        Err(error @ (ApiError::Invalid { .. } | ApiError::Conflict(_))) => {
            respond(&state, &s, id, &Flags::default(), Some(&error)).await
        }
        Err(error) => Err(error.into()),
    }
}

/// What deleting removes and keeps, said on the confirmation page and after.
pub const DELETE_EFFECT: &str = "Its credentials, settings, user mappings and sync state are removed. The Timeline's activities from this connection and the execution log are kept.";

/// `GET /connectors/{id}/delete`: the confirmation.
pub(crate) async fn confirm_delete(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    Path(id): Path<ConnectionId>,
) -> PageResult<Markup> {
    let c = connections::overview(&state, id).await?;
    Ok(page(
        &format!("Delete {}?", c.name),
        &s,
        html! {
            form.card method="post" action={ "/connectors/" (id) "/delete" } id="delete-form" {
                (csrf_input(&s))
                p { "Delete the connection '" (c.name) "'? " (DELETE_EFFECT) }
                button type="submit" id="confirm-delete" class="danger" { "Delete connection" }
                " "
                a href={ "/connectors/" (id) } id="cancel-delete" { "Cancel" }
            }
        },
    ))
}

/// `POST /connectors/{id}/delete`.
pub(crate) async fn delete(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    Path(id): Path<ConnectionId>,
) -> PageResult {
    match connections::delete(&state, id).await {
        Ok(c) => {
            let body = html! {
                p.notice id="deleted" { "The connection '" (c.name) "' was deleted. " (DELETE_EFFECT) }
                p { a href="/connectors" { "Back to Connectors" } }
            };
            Ok(page("Connection deleted", &s, body).into_response())
        }
        Err(error @ ApiError::Conflict(_)) => {
            respond(&state, &s, id, &Flags::default(), Some(&error)).await
        }
        Err(error) => Err(error.into()),
    }
}

/// The connection's page with a refused change shown (its status code too).
pub(crate) async fn respond_with(
    state: &AppState,
    s: &AdminSession,
    id: ConnectionId,
    error: &ApiError,
) -> PageResult {
    respond(state, s, id, &Flags::default(), Some(error)).await
}

async fn respond(
    state: &AppState,
    s: &AdminSession,
    id: ConnectionId,
    flags: &Flags,
    error: Option<&ApiError>,
) -> PageResult {
    let markup = show_page(state, s, id, flags, error).await?;
    Ok(match error {
        Some(e) => refused(e, markup),
        None => markup.into_response(),
    })
}
