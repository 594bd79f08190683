//! A connection's page: the C3 HubSpot warning, the confirmation after creating it
//! (**Initiate Sync** / **Go to Timeline settings**), its facts and sync status, its
//! charts, the actions (sync, re-sync, re-authorise, delete), its Gong webhook card and
//! the form that changes it; a refused change shows beside its field; saved
//! Timeline settings that no longer hold are flagged until fixed.

use gong_timeline_store::{AuthKind, ConnectionId, ConnectionStatus};
use gong_timeline_sync::connections::Overview;
use maud::{html, Markup};

use serde::Deserialize;

use super::list::{headline_cell, status_badge, HUBSPOT_WARNING};
use super::pending;
use crate::auth::AdminSession;
use crate::error::ApiError;
use crate::service::connections;
use crate::service::runs::{self, Headline, SyncStatus};
use crate::state::AppState;
use crate::ui::insights;
use gong_timeline_sync::quota::UsageReport;

use super::usage::thousands;
use crate::ui::layout::{self, csrf_input, page, time_opt};

/// What the page says after an action: created, sync started, saved, webhook saved.
#[derive(Deserialize, Default)]
pub(crate) struct Flags {
    connected: Option<String>,
    sync: Option<String>,
    updated: Option<String>,
    webhook: Option<String>,
    reauthorised: Option<String>,
}

/// What a connection that needs re-authorisation says (#20 item 7).
pub const REAUTHORISE_OAUTH: &str = "Gong no longer accepts this connection's authorisation: click Re-authorise and approve the app in Gong.";
/// The same for an access-key connection: its key was revoked or changed.
pub const REAUTHORISE_KEY: &str = "Gong no longer accepts this connection's access key: enter a new access key and secret below (Gong's API page lists them) and Save.";

pub(super) async fn show_page(
    state: &AppState,
    s: &AdminSession,
    id: ConnectionId,
    flags: &Flags,
    error: Option<&ApiError>,
) -> Result<Markup, ApiError> {
    let c = connections::overview(state, id).await?;
    let status = runs::status(state, id).await?;
    let headline = runs::headline(state, id).await?;
    let pending = crate::service::pending::count(state, id).await?;
    let health = insights::connection_charts(state, id).await?;
    let webhook = super::webhook::card(state, s, id, error).await?;
    let usage = crate::service::quota::usage(state, id, 1).await?;
    let stale = crate::ui::settings::no_longer_hold(state, id).await?;
    let general = error.filter(|e| e.field().is_none());
    let webhook_saved = flags.webhook.is_some() && error.is_none();
    Ok(page(
        &c.name,
        s,
        html! {
            @if c.hubspot_warning { p.warning id="hubspot-warning" { (HUBSPOT_WARNING) } }
            @if let Some(e) = general { p.error id="connection-error" role="alert" { (e.public_message()) } }
            @if let Some(e) = &stale { (crate::ui::settings::on_connection_page(id, e)) }
            @if c.status == ConnectionStatus::NeedsReauthorisation {
                p.warning id="reauthorise-needed" role="alert" {
                    @if c.auth == AuthKind::OAuth { (REAUTHORISE_OAUTH) } @else { (REAUTHORISE_KEY) }
                }
            }
            @if flags.reauthorised.is_some() && error.is_none() && c.status != ConnectionStatus::NeedsReauthorisation {
                p.notice id="reauthorised" role="status" { "Re-authorised: Gong accepts '" (c.name) "' again (" (c.status) "). Its next sync picks up where it stopped." }
            }
            @if flags.connected.is_some() && error.is_none() { (connected_dialog(s, &c)) }
            @if flags.updated.is_some() && error.is_none() { p.notice id="updated" { "Saved. Status: " (c.status) } }
            @if flags.sync.is_some() && status.running { p.notice id="sync-started" { "Sync started. It runs in the background; this page follows it." } }
            (facts(&c, &status, &headline, &usage, pending))
            (health)
            (actions(s, &c, status.running))
            @if webhook_saved { p.notice id="webhook-saved" { "Webhook saved." } }
            (webhook)
            (update_form(s, &c, error))
        },
    ))
}

/// After creating: sync now, or choose the settings first. Open without scripts (a
/// card on the page); the script makes it modal.
fn connected_dialog(s: &AdminSession, c: &Overview) -> Markup {
    html! {
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
}

/// Status, type, host, dates, where syncing stands (followed while a job runs, see
/// [`sync_region`]), the meetings not on the Timeline, and the Gong requests of the
/// last 24 hours.
fn facts(
    c: &Overview,
    status: &SyncStatus,
    headline: &Headline,
    usage: &UsageReport,
    pending: Option<u64>,
) -> Markup {
    html! {
        table.facts.card {
            tr { th { "Status" } td id="connection-status" { (status_badge(c.status)) } }
            tr { th { "Type" } td id="connection-kind" { (super::list::kind_label(c.auth)) } }
            tr { th { "Gong host" } td { (c.base_url) } }
            tr { th { "Created" } td { (layout::time(c.created_at)) } }
            tr { th { "Last sync" } td { (time_opt(c.last_sync_at)) } }
            tr { th { "Sync" } td { (sync_region(c.id, status, headline)) } }
            tr { th { "Not on the Timeline" } td id="pending-summary" {
                a href={ "/connectors/" (c.id) "/pending" } id="pending-link" {
                    @match pending {
                        Some(n) => (pending::count_text(n)),
                        None => "See meetings not on the Timeline",
                    }
                }
            } }
            tr { th { "Gong API (24 h)" } td id="gong-usage-summary" {
                (thousands(usage.used_24h)) " of " (thousands(u64::from(usage.daily_budget))) " requests used, "
                (thousands(usage.left)) " left · " a href={ "/connectors/" (c.id) "/usage" } { "Usage and budget" }
            } }
        }
    }
}

/// Where syncing stands, as a polite live region. While a job runs it names the
/// address the script polls ([`sync_fragment`]) every 2 s to update it in place: no
/// page reload, so nothing typed into the page's forms is lost (#20 item 2).
pub(super) fn sync_region(id: ConnectionId, status: &SyncStatus, headline: &Headline) -> Markup {
    html! {
        div id="sync-status" aria-live="polite"
            data-follow=[status.running.then(|| format!("/connectors/{id}/sync-status"))]
            data-done=[status.running.then(|| format!("/connectors/{id}"))] {
            (sync_cell(id, status, headline))
        }
    }
}

/// The region's content: a running job with its progress, else the headline job
/// with its counts and reason, and the webhook batches since.
pub(super) fn sync_cell(id: ConnectionId, status: &SyncStatus, headline: &Headline) -> Markup {
    html! {
        @if status.running {
            (layout::badge(layout::Tone::Info, "Running"))
            @if let Some(job) = &status.last_job { " " a href={ "/log/jobs/" (job.id) } { "Job " (job.id) } " (" (job.trigger) ")" }
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
            noscript { p.small { a href={ "/connectors/" (id) } { "Reload the page" } " to follow the job." } }
        }
        @else { (headline_cell(id, headline, true)) }
    }
}

/// Initiate Sync, settings, Re-sync since a day (its estimate first, Q3), the Gong
/// API usage page, (re-)authorise, delete.
fn actions(s: &AdminSession, c: &Overview, running: bool) -> Markup {
    // Needing re-authorisation, Re-authorise (OAuth) or the new key below is the way
    // on: Initiate Sync is no longer the primary button.
    let needs = c.status == ConnectionStatus::NeedsReauthorisation;
    let reauthorise = needs && c.auth == AuthKind::OAuth;
    html! {
        div.card {
            @if reauthorise {
                form.inline method="post" action={ "/connectors/" (c.id) "/authorize" } {
                    (csrf_input(s))
                    button.primary type="submit" id="reauthorize" { "Re-authorise" }
                }
                " "
            }
            form.inline method="post" action={ "/connectors/" (c.id) "/sync" } {
                (csrf_input(s))
                @if needs { button type="submit" id="sync-now" disabled[running] data-while-job { "Initiate Sync" } }
                @else { button.primary type="submit" id="sync-now" disabled[running] data-while-job { "Initiate Sync" } }
            }
            " "
            a.button href={ "/connectors/" (c.id) "/settings" } { "Timeline settings" }
            form.inline method="post" action={ "/connectors/" (c.id) "/resync" } id="resync" {
                (csrf_input(s))
                label for="resync-from" { "Re-sync from Gong since " }
                input type="date" id="resync-from" name="from" required;
                " "
                button type="submit" id="resync-estimate" formaction={ "/connectors/" (c.id) "/resync/estimate" } { "Estimate" }
                " "
                button type="submit" id="resync-now" disabled[running] data-while-job { "Re-sync" }
            }
            " "
            a.button href={ "/connectors/" (c.id) "/usage" } id="gong-usage" { "Gong API usage" }
            @if c.auth == AuthKind::OAuth && !reauthorise {
                " "
                form.inline method="post" action={ "/connectors/" (c.id) "/authorize" } {
                    (csrf_input(s))
                    button type="submit" id="reauthorize" { @if c.status == ConnectionStatus::Pending { "Authorize" } @else { "Re-authorise" } }
                }
            }
            " "
            a href={ "/connectors/" (c.id) "/delete" } id="delete-connection" class="danger" { "Delete…" }
        }
    }
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
