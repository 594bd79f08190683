//! Connectors: the connections with their status (C6) and last job with its reason,
//! creating one by name (OAuth → Authorize, or an access key Gong checks first), a
//! connection's page with the C3 HubSpot warning, the confirmation after authorising
//! (**Initiate Sync** / **Go to Timeline settings**), changing a connection (name, base
//! URL, access key; OAuth re-authorisation), its Gong webhook ([`webhook`]), its
//! Gong API usage and budget ([`usage`]), the estimate a re-sync shows before it
//! starts, its meetings not on the Timeline with Re-evaluate now ([`pending`]), the
//! status a running job is followed by (polled, no reload), confirmations before a
//! new webhook URL key and before deleting it.

mod list;
pub mod pending;
mod show;
pub mod usage;
mod webhook;

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use axum::{Extension, Form};
use gong_timeline_domain::Trigger;
use gong_timeline_store::{ConnectionId, WebhookMode};
use gong_timeline_sync::windows;
use maud::{html, Markup};

use self::list::{list_page, CreateForm};
pub use self::list::{status_badge, HUBSPOT_WARNING};
use self::show::{show_page, Flags};
use self::usage::{estimate_page, usage_page, QuotaForm};
use crate::auth::AdminSession;
use crate::error::ApiError;
use crate::service::connections::{self, UpdateRequest};
use crate::service::webhooks::{self, WebhookBody};
use crate::service::{self as service, lookup, quota, runs};
use crate::state::AppState;
use crate::ui::error::{refused, PageResult};
use crate::ui::layout::{csrf_input, page};

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
    let url = crate::service::oauth::authorize_url(&state, id, &s, false).await?;
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
    Extension(s): Extension<AdminSession>,
    Path(id): Path<ConnectionId>,
    Form(f): Form<ResyncForm>,
) -> PageResult<Redirect> {
    let from = windows::resync_day(&f.from, state.now().date_naive())
        .map_err(|refused| ApiError::invalid("from", refused.to_string()))?;
    runs::resync(&state, id, from, &s).await?;
    Ok(Redirect::to(&format!("/connectors/{id}?sync=started")))
}

/// `POST /connectors/{id}/resync/estimate`: what re-syncing from the day would cost
/// (Q3: one Gong request, nothing started), with the button that starts it.
pub(crate) async fn resync_estimate(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    Path(id): Path<ConnectionId>,
    Form(f): Form<ResyncForm>,
) -> PageResult<Markup> {
    let connection = lookup::connection(&state, id).await?;
    let estimate = quota::estimate(&state, id, &f.from).await?;
    let budget = state.store.get_quota(id).await?;
    let from = f.from.trim();
    Ok(page(
        &format!("Re-sync {} from {from}?", connection.name),
        &s,
        estimate_page(
            &s,
            id,
            &connection.name,
            from,
            &estimate,
            budget.daily_budget,
        ),
    ))
}

/// Query of the usage page: `saved` after the budget form.
#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct UsageFlags {
    saved: Option<String>,
}

/// `GET /connectors/{id}/usage`: the connection's Gong API usage and budget (Q4).
pub(crate) async fn usage(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    Path(id): Path<ConnectionId>,
    Query(flags): Query<UsageFlags>,
) -> PageResult<Markup> {
    Ok(usage_page(&state, &s, id, flags.saved.is_some(), None, None).await?)
}

/// `POST /connectors/{id}/quota`: the budget form (Q1); a refused value shows beside
/// its box with what was typed, and nothing is stored.
pub(crate) async fn save_quota(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    Path(id): Path<ConnectionId>,
    Form(f): Form<QuotaForm>,
) -> PageResult {
    match quota::save(&state, id, &f.change(), &s).await {
        Ok(_) => Ok(Redirect::to(&format!("/connectors/{id}/usage?saved=1")).into_response()),
        Err(error @ ApiError::Invalid { .. }) => Ok(refused(
            &error,
            usage_page(&state, &s, id, false, Some(&f), Some(&error)).await?,
        )),
        Err(error) => Err(error.into()),
    }
}

/// Query of the "Not on the Timeline" page: `reevaluate` after Re-evaluate now.
#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct PendingFlags {
    reevaluate: Option<String>,
}

/// `GET /connectors/{id}/pending`: the stored meetings not on the Timeline, by
/// reason (#20 item 4), evaluated locally.
pub(crate) async fn pending(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    Path(id): Path<ConnectionId>,
    Query(flags): Query<PendingFlags>,
) -> PageResult<Markup> {
    Ok(pending_page(&state, &s, id, flags.reevaluate.is_some(), None).await?)
}

async fn pending_page(
    state: &AppState,
    s: &AdminSession,
    id: ConnectionId,
    started: bool,
    error: Option<&ApiError>,
) -> Result<Markup, ApiError> {
    let report = service::pending::pending(state, id).await?;
    let status = runs::status(state, id).await?;
    Ok(page(
        &format!("Not on the Timeline: {}", report.connection),
        s,
        pending::body(s, id, &report, &status, started, error),
    ))
}

/// `POST /connectors/{id}/reevaluate`: Re-evaluate now (trigger `reevaluate`, no Gong
/// request), in the background; a refusal (a job running) shows on the page.
pub(crate) async fn reevaluate(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    Path(id): Path<ConnectionId>,
) -> PageResult {
    match service::pending::reevaluate(&state, id).await {
        Ok(()) => Ok(
            Redirect::to(&format!("/connectors/{id}/pending?reevaluate=started")).into_response(),
        ),
        Err(error @ ApiError::Conflict(_)) => Ok(refused(
            &error,
            pending_page(&state, &s, id, false, Some(&error)).await?,
        )),
        Err(error) => Err(error.into()),
    }
}

/// What the connection page's script polls while a job runs (#20 item 2).
#[derive(Debug, serde::Serialize)]
pub(crate) struct SyncFragment {
    /// True while a job of the connection runs.
    running: bool,
    /// The sync region's new content.
    html: String,
}

/// `GET /connectors/{id}/sync-status`: the sync region's content and whether a job
/// still runs, as JSON; the connection page updates the region in place with it.
pub(crate) async fn sync_fragment(
    State(state): State<AppState>,
    Path(id): Path<ConnectionId>,
) -> PageResult<axum::Json<SyncFragment>> {
    lookup::connection(&state, id).await?;
    let status = runs::status(&state, id).await?;
    let headline = runs::headline(&state, id).await?;
    Ok(axum::Json(SyncFragment {
        running: status.running,
        html: show::sync_cell(id, &status, &headline).into_string(),
    }))
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
    match connections::update(&state, id, &f, &s).await {
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
    match connections::delete(&state, id, &s).await {
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

/// `POST /connectors/{id}/webhook`: set up, change the mode, or rotate the key.
pub(crate) async fn save_webhook(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    Path(id): Path<ConnectionId>,
    Form(mut body): Form<WebhookBody>,
) -> PageResult {
    // An empty key box under the signed-JWT mode keeps the key already saved.
    let keeps_key = body.mode.as_deref() == Some(WebhookMode::SignedJwt.as_str())
        && body
            .public_key
            .as_deref()
            .is_none_or(|k| k.trim().is_empty());
    if keeps_key {
        if let Ok(Some(v)) = webhooks::view(&state, id).await {
            if v.mode == WebhookMode::SignedJwt {
                body.mode = None;
            }
        }
    }
    match webhooks::save(&state, id, body, &s).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/connectors/{id}?webhook=saved#webhook")).into_response())
        }
        Err(error @ ApiError::Invalid { .. }) => {
            respond(&state, &s, id, &Flags::default(), Some(&error)).await
        }
        Err(error) => Err(error.into()),
    }
}

/// `GET /connectors/{id}/webhook/rotate`: the confirmation before a new URL key.
pub(crate) async fn confirm_rotate(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    Path(id): Path<ConnectionId>,
) -> PageResult<Markup> {
    let connection = lookup::connection(&state, id).await?;
    let view = webhooks::view(&state, id).await?.ok_or_else(|| {
        ApiError::NotFound(format!(
            "'{}' has no webhook set up yet: set one up on its page first",
            connection.name
        ))
    })?;
    Ok(page(
        "Make a new webhook URL key?",
        &s,
        webhook::confirm_rotate(&s, id, &connection.name, &view),
    ))
}

/// The connection's page, with a refused change shown (its status code too).
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
