//! The Data privacy page: the retention period in force (G3), erasing a person by
//! email (G2; a dry run first, if wished) and the receipts kept.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Form};
use gong_timeline_store::ErasureReceipt;
use maud::{html, Markup};
use serde::Deserialize;

use crate::auth::AdminSession;
use crate::error::ApiError;
use crate::service::erasures;
use crate::state::AppState;
use crate::ui::error::PageResult;
use crate::ui::layout::{self, csrf_input, page, time};

#[derive(Deserialize)]
pub(crate) struct EraseForm {
    #[serde(default)]
    email: String,
    /// Present (`on`) when "only count" is ticked.
    #[serde(default)]
    dry_run: Option<String>,
}

fn counts(receipt: &ErasureReceipt) -> Markup {
    html! {
        (layout::table_wrap("Rows per table", html! { table.counts {
            thead { tr { th { "Table" } th.num { "Rows" } } }
            tbody { @for (table, n) in receipt.counts.rows() { tr { td data-label="Table" { (table) } td.num data-label="Rows" { (n) } } } }
        } }))
    }
}

fn outcome(email: &str, receipt: &ErasureReceipt) -> Markup {
    html! {
        div.notice id="erasure-result" role="status" {
            @if receipt.dry_run {
                p { "Dry run: erasing " strong { (email) } " would change these rows. Nothing was changed." }
            } @else if receipt.counts.total() == 0 {
                p { "No row held " strong { (email) } "; a receipt was kept." }
            } @else {
                p { "Erased " strong { (email) } ". The receipt keeps only the address's SHA-256." }
            }
            (counts(receipt))
        }
    }
}

async fn render(
    state: &AppState,
    s: &AdminSession,
    done: Option<(&str, &ErasureReceipt)>,
    error: Option<&ApiError>,
) -> Result<Response, ApiError> {
    let receipts = state.store.list_erasures().await?;
    let days = state.config.retention.as_days();
    Ok(page("Data privacy", s, html! {
        section.card id="retention" {
            h2 { "Retention" }
            p { "Activities and stored meetings that started more than " strong { (days) " days" }
                " ago are purged at every sync slot (" code { "serve --retention-days" } "); each purge is a job with trigger "
                code { "retention" } " in the " a href="/log" { "Execution log" } "." }
        }
        section.card id="erase" {
            h2 { "Erase a person" }
            p { "Removes or anonymises every trace of an email address here, in one step: the company person, attendees and "
                "meeting parties (shown as “Erased attendee”), the address in titles and messages, a Gong user's mapping, a "
                "Timeline user's address. Later syncs keep the person out. To erase in Gong too, run "
                code { "gong-timeline erase --email … --also-in-gong" } "." }
            @if let Some((email, receipt)) = done { (outcome(email, receipt)) }
            @if let Some(e) = error { p.error id="erase-error" role="alert" { (e.public_message()) } }
            form method="post" action="/privacy/erase" {
                (csrf_input(s))
                label { "Email address " input type="email" name="email" id="erase-email" required autocomplete="off"; }
                label.check { input type="checkbox" name="dry_run" id="erase-dry-run" checked; " Only count what would go (dry run)" }
                button.danger type="submit" id="erase-submit" { "Erase" }
            }
        }
        h2 { "Receipts" }
        @if receipts.is_empty() {
            (layout::empty("no-erasures", "No erasures yet", html! { p { "Each erasure keeps a receipt here: when, who asked, the rows changed." } }))
        } @else { div.table-wrap role="region" tabindex="0" aria-label="Erasure receipts" { table id="erasures" {
            thead { tr { th { "When" } th { "Requested by" } th { "Address (SHA-256)" } th.num { "Rows changed" } } }
            tbody { @for r in &receipts { tr {
                td data-label="When" { (time(r.at)) } td data-label="Requested by" { (r.requested_by) }
                td data-label="Address (SHA-256)" { code title=(r.email_sha256) { (r.email_sha256.get(..16).unwrap_or(&r.email_sha256)) "…" } }
                td.num data-label="Rows changed" { (r.counts.total()) }
            } } }
        } } }
    }).into_response())
}

/// `GET /privacy`.
pub(crate) async fn show(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
) -> PageResult {
    Ok(render(&state, &s, None, None).await?)
}

/// `POST /privacy/erase`: the receipt (or the dry run's counts) on the page; a bad
/// address is said on the page, and nothing changes.
pub(crate) async fn erase(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    Form(f): Form<EraseForm>,
) -> PageResult {
    let dry_run = f.dry_run.is_some();
    let erased = erasures::erase(&state, &s, &f.email, dry_run).await;
    let page = match erased {
        Ok(receipt) => render(&state, &s, Some((f.email.trim(), &receipt)), None).await?,
        Err(e @ ApiError::Invalid { .. }) => render(&state, &s, None, Some(&e)).await?,
        Err(e) => return Err(e.into()),
    };
    Ok(page)
}
