//! The Connectors list: each connection with its status (C6) and last job with its
//! reason, and the Create Connection form (either kind, errors beside their fields).

use maud::{html, Markup};
use serde::Deserialize;

use crate::auth::AdminSession;
use crate::error::{web_wording, ApiError};
use crate::service::connections::{self, NewConnectionRequest, DEFAULT_BASE_URL};
use crate::service::runs::{self, Headline};
use crate::state::AppState;
use crate::ui::layout::{self, csrf_input, page, time_opt};
use gong_timeline_store::{AuthKind, ConnectionId, ConnectionStatus};

/// C3's warning, verbatim.
pub const HUBSPOT_WARNING: &str = "Gong's HubSpot CRM integration is not supported.";

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

/// A kind of connection as the UI names it: "Access key", never "Basic".
pub fn kind_label(kind: AuthKind) -> &'static str {
    match kind {
        AuthKind::Basic => "Access key",
        AuthKind::OAuth => "OAuth",
    }
}

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
    /// The Replace checkbox (S10): present when ticked.
    #[serde(default)]
    replace: Option<String>,
}

impl CreateForm {
    /// The form as the one creation request; a blank kind stays blank (refused),
    /// as the form always sends one.
    pub(super) fn request(&self) -> NewConnectionRequest {
        NewConnectionRequest {
            name: self.name.clone(),
            kind: Some(self.kind.clone()),
            base_url: Some(self.base_url.clone()),
            access_key: Some(self.access_key.clone()),
            access_key_secret: Some(self.access_key_secret.clone()),
            replace: self.replace.is_some(),
        }
    }
}

/// The connection's headline job (#20 item 3) as a link, its status and, when it
/// failed, why (with its counts when `counts`); then the webhook batches since it,
/// which do not bury it.
pub fn headline_cell(connection: ConnectionId, h: &Headline, counts: bool) -> Markup {
    html! {
        @if let Some(j) = &h.job {
            a href={ "/log/jobs/" (j.id) } { "Job " (j.id) } " (" (j.trigger) "): "
            span class={ "job-status status status-" (j.status.as_str().to_ascii_lowercase().replace(' ', "-")) } { (layout::badge(layout::job_tone(j.status), j.status)) }
            @if counts {
                " — " (j.counts.created) " created, " (j.counts.updated) " updated, " (j.counts.skipped) " skipped, " (j.counts.failed) " failed"
            }
            @if let Some(m) = &j.message {
                @if counts { p.job-message id="job-message" { (web_wording(m)) } } @else { " " span.job-message { (web_wording(m)) } }
            }
        } @else if h.webhook_batches == 0 { "Never synced" } @else { "No scheduled or manual sync yet" }
        @if h.webhook_batches > 0 {
            br;
            a.small.webhook-since href={ "/log?connection=" (connection) "&trigger=webhook" } {
                (webhook_since(h))
            }
        }
    }
}

/// "3 webhook batches since, 1 meeting failed".
pub fn webhook_since(h: &Headline) -> String {
    let batches = if h.webhook_batches == 1 {
        "batch"
    } else {
        "batches"
    };
    let meetings = if h.webhook_failed == 1 {
        "meeting"
    } else {
        "meetings"
    };
    let since = if h.job.is_some() { " since" } else { "" };
    format!(
        "{} webhook {batches}{since}, {} {meetings} failed",
        h.webhook_batches, h.webhook_failed
    )
}

fn create_form(s: &AdminSession, f: &CreateForm, error: Option<&ApiError>) -> Markup {
    let err = |field: &str| {
        error
            .filter(|e| e.field() == Some(field))
            .map(|e| e.public_message())
    };
    let basic = f.kind == "basic";
    let base_url = if f.base_url.trim().is_empty() {
        DEFAULT_BASE_URL
    } else {
        f.base_url.as_str()
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
                label.check { input type="radio" name="kind" value="oauth" id="kind-oauth" checked[!basic]; " OAuth (Authorize with Gong)" }
                label.check { input type="radio" name="kind" value="basic" id="kind-basic" checked[basic]; " " (kind_label(AuthKind::Basic)) " (scripts, tests)" }
                @if let Some(m) = err("kind") { span.field-error { (m) } }
            }
            // Without scripts every field shows, the key ones under their own legend;
            // app.js hides them while OAuth is picked.
            fieldset id="access-key-fields" data-kind="basic" {
                legend { "Access key only" }
                p.hint id="base-url-hint" {
                    "Leave Gong's public API, " code { (DEFAULT_BASE_URL) } ", unless your Gong account has its own: then paste the URL shown on Gong's API page, such as "
                    code { "https://us-12345.api.gong.io" } "."
                }
                label { "API base URL " input type="url" name="base_url" id="base-url" value=(base_url) placeholder=(DEFAULT_BASE_URL)
                    aria-invalid=[err("base_url").map(|_| "true")]
                    aria-describedby=(if err("base_url").is_some() { "base-url-error base-url-hint" } else { "base-url-hint" }); }
                @if let Some(m) = err("base_url") { span.field-error id="base-url-error" { (m) } }
                label { "Access key " input type="text" name="access_key" id="access-key" autocomplete="off"
                    aria-invalid=[err("access_key").map(|_| "true")] aria-describedby=[err("access_key").map(|_| "access-key-error")]; }
                label { "Access key secret " input type="password" name="access_key_secret" id="access-key-secret" autocomplete="off"; }
                @if let Some(m) = err("access_key") { span.field-error id="access-key-error" { (m) } }
            }
            label.check {
                input type="checkbox" name="replace" value="1" id="replace" checked[f.replace.is_some()];
                " Replace the connection that already syncs this Gong account, keeping its activities"
            }
            button.primary type="submit" id="authorize" data-label-oauth="Authorize" data-label-basic="Check the key and create" { "Authorize" }
        }
    }
}

pub(super) async fn list_page(
    state: &AppState,
    s: &AdminSession,
    f: &CreateForm,
    error: Option<&ApiError>,
) -> Result<Markup, ApiError> {
    let mut connections = Vec::new();
    for c in connections::list(state).await? {
        let headline = runs::headline(state, c.id).await?;
        connections.push((c, headline));
    }
    Ok(page(
        "Connectors",
        s,
        html! {
            div.table-wrap role="region" tabindex="0" aria-label="Connections" { table id="connections" {
                thead { tr { th { "Name" } th { "Type" } th { "Status" } th { "Last sync job" } th { "Last sync" } (layout::hidden_header("Settings")) } }
                tbody {
                    @for (c, headline) in &connections {
                        tr {
                            td data-label="Name" { a href={ "/connectors/" (c.id) } { (c.name) } }
                            td data-label="Type" { (kind_label(c.auth)) }
                            td data-label="Status" { (status_badge(c.status)) @if c.hubspot_warning { br; span.error { (HUBSPOT_WARNING) } } }
                            td.last-job data-label="Last sync job" { (headline_cell(c.id, headline, false)) }
                            td data-label="Last sync" { (time_opt(c.last_sync_at)) }
                            td { a href={ "/connectors/" (c.id) "/settings" } aria-label={ "Settings of " (c.name) } { "Settings" } }
                        }
                    }
                    @if connections.is_empty() { tr { td colspan="6" { "No connection yet: create one below." } } }
                }
            } }
            (create_form(s, f, error))
        },
    ))
}
