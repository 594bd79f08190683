//! Connectors: the connections with their status (authorised, needs
//! re-authorisation, last sync), creating one by name (OAuth → Authorize, or an
//! access key), a connection's page with the C3 HubSpot warning, and the
//! confirmation after authorising: **Initiate Sync** / **Go to Timeline settings**.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use gong_timeline_domain::Trigger;
use gong_timeline_store::{AuthKind, Connection, ConnectionId, ConnectionStatus};
use maud::{html, Markup};
use serde::Deserialize;

use crate::auth::AdminSession;
use crate::error::ApiError;
use crate::service::{oauth, runs};
use crate::state::AppState;
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

#[derive(Deserialize)]
pub(crate) struct Flags {
    connected: Option<String>,
    sync: Option<String>,
}

/// How a connection's status reads on the page.
pub fn status_text(c: &Connection) -> &'static str {
    match c.status {
        ConnectionStatus::Authorised => "Authorised",
        ConnectionStatus::Pending => "Not yet authorised",
        ConnectionStatus::NeedsReauthorisation => "Needs re-authorisation",
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
            @if let Some(e) = general { p.error { (e.public_message()) } }
            label { "Connector " select name="connector" { option value="gong" selected { "Gong" } } }
            label { "Name " input type="text" name="name" id="connection-name" value=(f.name) required; }
            @if let Some(m) = err("name") { span.field-error { (m) } }
            fieldset {
                legend { "Authentication" }
                label { input type="radio" name="kind" value="oauth" checked[f.kind != "basic"]; " OAuth (Authorize with Gong)" }
                label { input type="radio" name="kind" value="basic" id="kind-basic" checked[f.kind == "basic"]; " Access key (scripts, tests)" }
                @if let Some(m) = err("kind") { span.field-error { (m) } }
                label { "API base URL " input type="url" name="base_url" id="base-url" value=(f.base_url) placeholder="https://api.gong.io"; }
                @if let Some(m) = err("base_url") { span.field-error { (m) } }
                label { "Access key " input type="text" name="access_key" id="access-key" autocomplete="off"; }
                label { "Access key secret " input type="password" name="access_key_secret" id="access-key-secret" autocomplete="off"; }
                @if let Some(m) = err("access_key") { span.field-error { (m) } }
            }
            button type="submit" id="authorize" { "Authorize" }
        }
    }
}

async fn list_page(
    state: &AppState,
    s: &AdminSession,
    f: &CreateForm,
    error: Option<&ApiError>,
) -> Result<Markup, ApiError> {
    let connections = state.store.list_connections().await?;
    Ok(page(
        "Connectors",
        s,
        html! {
            table id="connections" {
                thead { tr { th { "Name" } th { "Type" } th { "Status" } th { "Last sync" } th { "" } } }
                tbody {
                    @for c in &connections {
                        tr {
                            td { a href={ "/connectors/" (c.id) } { (c.name) } }
                            td { (c.auth_kind) }
                            td.status { (status_text(c)) @if c.hubspot_warning { br; span.error { (HUBSPOT_WARNING) } } }
                            td { (time_opt(c.last_sync_at)) }
                            td { a href={ "/connectors/" (c.id) "/settings" } { "Settings" } }
                        }
                    }
                    @if connections.is_empty() { tr { td colspan="5" { "No connection yet: create one below." } } }
                }
            }
            (create_form(s, f, error))
        },
    ))
}

/// `GET /connectors`.
pub(crate) async fn list(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
) -> Response {
    match list_page(&state, &s, &CreateForm::default(), None).await {
        Ok(markup) => markup.into_response(),
        Err(error) => layout::error_page(&error),
    }
}

/// `POST /connectors`: an OAuth connection goes on to Gong's consent page.
pub(crate) async fn create(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    Form(f): Form<CreateForm>,
) -> Response {
    let outcome = if f.kind == "basic" {
        oauth::create_basic(
            &state,
            &f.name,
            &f.base_url,
            &f.access_key,
            &f.access_key_secret,
        )
        .await
        .map(|c| format!("/connectors/{}?connected=1", c.id))
    } else {
        match oauth::create_oauth(&state, &f.name).await {
            Ok(c) => oauth::authorize_url(&state, c.id, &s).await,
            Err(e) => Err(e),
        }
    };
    match outcome {
        Ok(target) => Redirect::to(&target).into_response(),
        Err(error @ (ApiError::Invalid { .. } | ApiError::Conflict(_))) => {
            match list_page(&state, &s, &f, Some(&error)).await {
                Ok(markup) => (error.status(), markup).into_response(),
                Err(e) => layout::error_page(&e),
            }
        }
        Err(error) => layout::error_page(&error),
    }
}

/// `POST /connectors/{id}/authorize`: (re-)authorise with Gong.
pub(crate) async fn authorize(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    Path(id): Path<ConnectionId>,
) -> Response {
    match oauth::authorize_url(&state, id, &s).await {
        Ok(url) => Redirect::to(&url).into_response(),
        Err(error) => layout::error_page(&error),
    }
}

/// `POST /connectors/{id}/sync`: Initiate Sync, in the background.
pub(crate) async fn initiate_sync(
    State(state): State<AppState>,
    Path(id): Path<ConnectionId>,
) -> Response {
    match runs::start(&state, id, Trigger::Manual).await {
        Ok(()) => Redirect::to(&format!("/connectors/{id}?sync=started")).into_response(),
        Err(error) => layout::error_page(&error),
    }
}

/// `GET /connectors/{id}`.
pub(crate) async fn show(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    Path(id): Path<ConnectionId>,
    Query(flags): Query<Flags>,
) -> Response {
    match show_page(&state, &s, id, &flags).await {
        Ok(markup) => markup.into_response(),
        Err(error) => layout::error_page(&error),
    }
}

async fn show_page(
    state: &AppState,
    s: &AdminSession,
    id: ConnectionId,
    flags: &Flags,
) -> Result<Markup, ApiError> {
    let c = state
        .store
        .get_connection(id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("connection {id} does not exist")))?;
    let status = runs::status(state, id).await?;
    Ok(page(
        &c.name,
        s,
        html! {
            @if status.running { meta http-equiv="refresh" content="2"; }
            @if c.hubspot_warning { p.warning id="hubspot-warning" { (HUBSPOT_WARNING) } }
            @if flags.connected.is_some() {
                div.notice id="connected" {
                    p { "The connection '" (c.name) "' is ready." }
                    form.inline method="post" action={ "/connectors/" (c.id) "/sync" } {
                        (csrf_input(s))
                        button type="submit" id="initiate-sync" { "Initiate Sync" }
                        " "
                        a.button href={ "/connectors/" (c.id) "/settings" } id="go-to-settings" { "Go to Timeline settings" }
                    }
                }
            }
            @if flags.sync.is_some() { p.notice id="sync-started" { "Sync started. It runs in the background; this page follows it." } }
            table {
                tr { th { "Status" } td id="connection-status" { (status_text(&c)) } }
                tr { th { "Type" } td { (c.auth_kind) } }
                tr { th { "Gong host" } td { (c.base_url) } }
                tr { th { "Created" } td { (layout::time(c.created_at)) } }
                tr { th { "Last sync" } td { (time_opt(c.last_sync_at)) } }
                tr { th { "Sync" } td id="sync-status" {
                    @if status.running { "Running…" }
                    @else if let Some(job) = &status.last_job {
                        a href={ "/log/jobs/" (job.id) } { "Job " (job.id) } ": " span.job-status { (job.status) }
                        " — " (job.counts.created) " created, " (job.counts.updated) " updated, " (job.counts.skipped) " skipped, " (job.counts.failed) " failed"
                    } @else { "Never synced" }
                } }
            }
            div.card {
                form.inline method="post" action={ "/connectors/" (c.id) "/sync" } {
                    (csrf_input(s))
                    button type="submit" id="sync-now" disabled[status.running] { "Initiate Sync" }
                }
                " "
                a href={ "/connectors/" (c.id) "/settings" } { "Timeline settings" }
                @if c.auth_kind == AuthKind::OAuth {
                    " "
                    form.inline method="post" action={ "/connectors/" (c.id) "/authorize" } {
                        (csrf_input(s))
                        button type="submit" id="reauthorize" { @if c.status == ConnectionStatus::Authorised { "Re-authorize" } @else { "Authorize" } }
                    }
                }
            }
        },
    ))
}
