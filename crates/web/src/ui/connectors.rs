//! Connectors: the connections with their status (C6) and last job with its reason,
//! creating one by name (OAuth → Authorize, or an access key Gong checks first), a
//! connection's page with the C3 HubSpot warning, the confirmation after authorising
//! (**Initiate Sync** / **Go to Timeline settings**), changing a connection (name, base
//! URL, access key; OAuth re-authorisation), its Gong webhook ([`crate::ui::webhook`])
//! and deleting it after a confirmation page.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use axum::{Extension, Form};
use gong_timeline_domain::Trigger;
use gong_timeline_store::{AuthKind, ConnectionId, ConnectionStatus};
use gong_timeline_sync::connections::{LastJob, Overview};
use gong_timeline_sync::{windows, JobRequest};
use maud::{html, Markup};
use serde::Deserialize;

use crate::auth::AdminSession;
use crate::error::ApiError;
use crate::service::connections::{self, NewConnectionRequest, UpdateRequest};
use crate::service::runs;
use crate::state::AppState;
use crate::ui::error::{refused, PageResult};
use crate::ui::insights;
use crate::ui::layout::{self, csrf_input, page, time_opt};

/// C3's warning, verbatim.
pub const HUBSPOT_WARNING: &str = "Gong's HubSpot CRM integration is not supported.";

#[derive(Deserialize, Default)]
pub(crate) struct CreateForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    base_url: String,
    #[serde(default)]
    access_key: String,
    #[serde(default)]
    access_key_secret: String,
}

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

/// The last job as a link, its status and, when it failed, why.
fn last_job_cell(job: Option<&LastJob>) -> Markup {
    html! {
        @if let Some(j) = job {
            a href={ "/log/jobs/" (j.id) } { "Job " (j.id) } " "
            span class={ "status status-" (j.status.as_str().to_ascii_lowercase().replace(' ', "-")) } { (layout::badge(layout::job_tone(j.status), j.status)) }
            @if let Some(m) = &j.message { " " span.job-message { (m) } }
        } @else { "Never synced" }
    }
}

fn create_form(s: &AdminSession, f: &CreateForm, error: Option<&ApiError>) -> Markup {
    let err = |field: &str| {
        error
            .filter(|e| e.field() == Some(field))
            .map(|e| e.public_message())
    };
    let general =
        error.filter(|e| !matches!(e.field(), Some("name" | "base_url" | "access_key" | "kind")));
    html! {
        form.card method="post" action="/connectors" id="create-connection" {
            h2 { "Create Connection" }
            (csrf_input(s))
            @if let Some(e) = general { div.error-box role="alert" { p.error { (e.public_message()) } } }
            label { "Connector " select name="connector" { option value="gong" selected { "Gong" } } }
            label { "Name " input type="text" name="name" id="connection-name" value=(f.name) required
                aria-invalid=[err("name").map(|_| "true")] aria-describedby=[err("name").map(|_| "connection-name-error")]; }
            @if let Some(m) = err("name") { span.field-error id="connection-name-error" { (m) } }
            fieldset {
                legend { "Authentication" }
                label.check { input type="radio" name="kind" value="oauth" checked[f.kind != "basic"]; " OAuth (Authorize with Gong)" }
                label.check { input type="radio" name="kind" value="basic" id="kind-basic" checked[f.kind == "basic"]; " Access key (scripts, tests)" }
                @if let Some(m) = err("kind") { span.field-error { (m) } }
                label { "API base URL " input type="url" name="base_url" id="base-url" value=(f.base_url) placeholder="https://api.gong.io"
                    aria-invalid=[err("base_url").map(|_| "true")] aria-describedby=[err("base_url").map(|_| "base-url-error")]; }
                @if let Some(m) = err("base_url") { span.field-error id="base-url-error" { (m) } }
                label { "Access key " input type="text" name="access_key" id="access-key" autocomplete="off"
                    aria-invalid=[err("access_key").map(|_| "true")] aria-describedby=[err("access_key").map(|_| "access-key-error")]; }
                label { "Access key secret " input type="password" name="access_key_secret" id="access-key-secret" autocomplete="off"; }
                @if let Some(m) = err("access_key") { span.field-error id="access-key-error" { (m) } }
            }
            button.primary type="submit" id="authorize" { "Authorize" }
        }
    }
}

async fn list_page(
    state: &AppState,
    s: &AdminSession,
    f: &CreateForm,
    error: Option<&ApiError>,
) -> Result<Markup, ApiError> {
    let connections = connections::list(state).await?;
    Ok(page(
        "Connectors",
        s,
        html! {
            div.table-wrap { table id="connections" {
                thead { tr { th { "Name" } th { "Type" } th { "Status" } th { "Last job" } th { "Last sync" } th { "" } } }
                tbody {
                    @for c in &connections {
                        tr {
                            td { a href={ "/connectors/" (c.id) } { (c.name) } }
                            td { (c.auth) }
                            td { (status_badge(c.status)) @if c.hubspot_warning { br; span.error { (HUBSPOT_WARNING) } } }
                            td.last-job { (last_job_cell(c.last_job.as_ref())) }
                            td { (time_opt(c.last_sync_at)) }
                            td { a href={ "/connectors/" (c.id) "/settings" } { "Settings" } }
                        }
                    }
                    @if connections.is_empty() { tr { td colspan="6" { "No connection yet: create one below." } } }
                }
            } }
            (create_form(s, f, error))
        },
    ))
}

/// `GET /connectors`.
pub(crate) async fn list(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
) -> PageResult<Markup> {
    Ok(list_page(&state, &s, &CreateForm::default(), None).await?)
}

impl CreateForm {
    /// The form as the one creation request; a blank kind stays blank (refused),
    /// as the form always sends one.
    fn request(&self) -> NewConnectionRequest {
        NewConnectionRequest {
            name: self.name.clone(),
            kind: Some(self.kind.clone()),
            base_url: Some(self.base_url.clone()),
            access_key: Some(self.access_key.clone()),
            access_key_secret: Some(self.access_key_secret.clone()),
        }
    }
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

async fn show_page(
    state: &AppState,
    s: &AdminSession,
    id: ConnectionId,
    flags: &Flags,
    error: Option<&ApiError>,
) -> Result<Markup, ApiError> {
    let c = connections::overview(state, id).await?;
    let status = runs::status(state, id).await?;
    let health = insights::connection_charts(state, id).await?;
    let webhook = crate::ui::webhook::card(state, s, id, error).await?;
    let general = error.filter(|e| e.field().is_none());
    let webhook_saved = flags.webhook.is_some() && error.is_none();
    Ok(page(
        &c.name,
        s,
        html! {
            @if status.running { meta http-equiv="refresh" content="2"; }
            @if c.hubspot_warning { p.warning id="hubspot-warning" { (HUBSPOT_WARNING) } }
            @if let Some(e) = general { p.error id="connection-error" role="alert" { (e.public_message()) } }
            @if flags.connected.is_some() && error.is_none() {
                // Open without scripts (a card on the page); the script makes it modal.
                dialog id="connected" open data-modal aria-labelledby="connected-title" {
                    h2 id="connected-title" { "Connection created" }
                    p { "'" (c.name) "' is ready (" (c.status) "). Sync its meetings now, or first choose the activity type and filters in its Timeline settings." }
                    div.actions {
                        form.inline method="post" action={ "/connectors/" (c.id) "/sync" } {
                            (csrf_input(s))
                            button.primary type="submit" id="initiate-sync" { "Initiate Sync" }
                        }
                        a.button href={ "/connectors/" (c.id) "/settings" } id="go-to-settings" { "Go to Timeline settings" }
                        a.button href={ "/connectors/" (c.id) } data-close id="dialog-later" { "Later" }
                    }
                }
            }
            @if flags.updated.is_some() && error.is_none() { p.notice id="updated" { "Saved. Status: " (c.status) } }
            @if flags.sync.is_some() && status.running { p.notice id="sync-started" { "Sync started. It runs in the background; this page follows it." } }
            table.facts.card {
                tr { th { "Status" } td id="connection-status" { (status_badge(c.status)) } }
                tr { th { "Type" } td { (c.auth) } }
                tr { th { "Gong host" } td { (c.base_url) } }
                tr { th { "Created" } td { (layout::time(c.created_at)) } }
                tr { th { "Last sync" } td { (time_opt(c.last_sync_at)) } }
                tr { th { "Sync" } td id="sync-status" {
                    @if status.running {
                        (layout::badge(layout::Tone::Info, "Running"))
                        @match status.progress {
                            Some((done, Some(total))) if total > 0 => {
                                label.small { (done) " of " (total) " meetings read"
                                    progress id="sync-progress" value=(done.min(total)) max=(total) { (done) " of " (total) } }
                            }
                            Some((done, _)) => {
                                label.small { (done) " meetings read" progress id="sync-progress" { "running" } }
                            }
                            None => { label.small { "Starting…" progress id="sync-progress" { "running" } } }
                        }
                    }
                    @else if let Some(job) = &status.last_job {
                        a href={ "/log/jobs/" (job.id) } { "Job " (job.id) } ": " span class={ "job-status status status-" (job.status.as_str().to_ascii_lowercase().replace(' ', "-")) } { (layout::badge(layout::job_tone(job.status), job.status)) }
                        " — " (job.counts.created) " created, " (job.counts.updated) " updated, " (job.counts.skipped) " skipped, " (job.counts.failed) " failed"
                        @if let Some(m) = &job.message { p.job-message id="job-message" { (m) } }
                    } @else { "Never synced" }
                } }
            }
            (health)
            div.card {
                form.inline method="post" action={ "/connectors/" (c.id) "/sync" } {
                    (csrf_input(s))
                    button.primary type="submit" id="sync-now" disabled[status.running] { "Initiate Sync" }
                }
                " "
                a.button href={ "/connectors/" (c.id) "/settings" } { "Timeline settings" }
                form.inline method="post" action={ "/connectors/" (c.id) "/resync" } id="resync" {
                    (csrf_input(s))
                    label for="resync-from" { "Re-sync from Gong since " }
                    input type="date" id="resync-from" name="from" required;
                    " "
                    button type="submit" id="resync-now" disabled[status.running] { "Re-sync" }
                }
                @if c.auth == AuthKind::OAuth {
                    " "
                    form.inline method="post" action={ "/connectors/" (c.id) "/authorize" } {
                        (csrf_input(s))
                        button type="submit" id="reauthorize" { @if c.status == ConnectionStatus::Pending { "Authorize" } @else { "Re-authorize" } }
                    }
                }
                " "
                a href={ "/connectors/" (c.id) "/delete" } id="delete-connection" class="danger" { "Delete…" }
            }
            @if webhook_saved { p.notice id="webhook-saved" { "Webhook saved." } }
            (webhook)
            (update_form(s, &c, error))
        },
    ))
}

fn update_form(s: &AdminSession, c: &Overview, error: Option<&ApiError>) -> Markup {
    let err = |field: &str| {
        error
            .filter(|e| e.field() == Some(field))
            .map(|e| e.public_message())
    };
    let basic = c.auth == AuthKind::Basic;
    html! {
        form.card method="post" action={ "/connectors/" (c.id) "/update" } id="update-connection" {
            h2 { @if basic { "Change the connection or its access key" } @else { "Rename the connection" } }
            (csrf_input(s))
            label for="update-name" { "Name" }
            input type="text" name="name" id="update-name" value=(c.name) required;
            @if let Some(m) = err("name") { span.field-error id="update-name-error" { (m) } }
            @if basic {
                label for="update-base-url" { "API base URL" }
                input type="url" name="base_url" id="update-base-url" value=(c.base_url);
                @if let Some(m) = err("base_url") { span.field-error id="update-base-url-error" { (m) } }
                fieldset {
                    legend { "New access key (leave blank to keep the current one)" }
                    label for="update-access-key" { "Access key" }
                    input type="text" name="access_key" id="update-access-key" autocomplete="off";
                    label for="update-access-key-secret" { "Access key secret" }
                    input type="password" name="access_key_secret" id="update-access-key-secret" autocomplete="off";
                    @if let Some(m) = err("access_key") { span.field-error id="update-access-key-error" { (m) } }
                }
                p.hint { "A new key or URL is checked with Gong before it is saved." }
            }
            button.primary type="submit" id="save-connection" { "Save" }
        }
    }
}
