//! The Audit log page (A4): every admin change, newest first — when, who, from the
//! UI, the API or the CLI, what, its target, and the value before and after (secrets
//! were removed before the entry was written), a page at a time ("Older entries").

use axum::extract::State;
use axum::Extension;
use axum_extra::extract::Query;
use gong_timeline_store::AuditEntry;
use maud::{html, Markup};
use serde::Deserialize;
use serde_json::Value;

use crate::auth::AdminSession;
use crate::service::audit;
use crate::state::AppState;
use crate::ui::error::PageResult;
use crate::ui::layout::{self, page, time};

/// Query of `GET /audit`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct AuditQuery {
    /// Entries older than this id (the "Older entries" link).
    before: Option<String>,
    limit: Option<String>,
}

/// A value as one compact line of JSON, or a dash.
fn compact(value: Option<&Value>) -> String {
    value.map_or_else(|| "—".to_string(), Value::to_string)
}

fn change(entry: &AuditEntry) -> Markup {
    if entry.before.is_none() && entry.after.is_none() {
        return html! { span.muted { "—" } };
    }
    let pretty = |v: Option<&Value>| {
        v.and_then(|v| serde_json::to_string_pretty(v).ok())
            .unwrap_or_else(|| "—".to_string())
    };
    let summary = format!(
        "{} → {}",
        compact(entry.before.as_ref()),
        compact(entry.after.as_ref())
    );
    let short: String = summary.chars().take(60).collect();
    let short = if short.len() < summary.len() {
        format!("{short}…")
    } else {
        short
    };
    html! {
        details.audit-change {
            summary { code { (short) } }
            div.audit-values {
                div { strong { "Before" } pre { (pretty(entry.before.as_ref())) } }
                div { strong { "After" } pre { (pretty(entry.after.as_ref())) } }
            }
        }
    }
}

/// `GET /audit`.
pub(crate) async fn show(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    Query(q): Query<AuditQuery>,
) -> PageResult<Markup> {
    let limit = audit::limit(q.limit.as_deref())?;
    let before = audit::before(q.before.as_deref())?;
    let shown = audit::page(&state, limit, before).await?;
    Ok(page(
        "Audit log",
        &s,
        html! {
            p.muted { "Every change an admin makes — from these pages, the API or the command line — newest first. Secrets are never recorded." }
            @if shown.items.is_empty() {
                (layout::empty("no-audit", "No changes recorded yet", html! {
                    p { "Creating a connection, saving settings, an import, a token: each change is listed here with who made it." }
                }))
            } @else {
                (layout::table_wrap("Audit log entries", html! { table id="audit" {
                    thead { tr { th { "When" } th { "Who" } th { "From" } th { "What" } th { "Target" } th { "Before → After" } } }
                    tbody { @for e in &shown.items { tr {
                        td data-label="When" { (time(e.at)) } td data-label="Who" { (e.actor) } td data-label="From" { (e.channel) } td data-label="What" { (e.action) }
                        td data-label="Target" { (e.target) } td data-label="Before → After" { (change(e)) }
                    } } }
                } }))
            }
            @if before.is_some() || shown.next.is_some() {
                nav.pager aria-label="Pages" {
                    @if before.is_some() { a href="/audit" rel="first" { "← Newest" } }
                    @if let Some(next) = shown.next {
                        a href={ "/audit?before=" (next) @if let Some(l) = &q.limit { "&limit=" (crate::auth::session::urlencode(l)) } } rel="next" id="older-entries" { "Older entries →" }
                    }
                }
            }
        },
    ))
}
