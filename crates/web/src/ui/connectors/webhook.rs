//! The Gong webhook card of a connection's page (#12 items 3 and 4): the URL to paste
//! into Gong's automation rule, how requests are authenticated, the last webhook and
//! the last test ("Test received at …"), the queue, and how fresh webhooks keep the
//! Timeline (last, p50, p95 over the last day); a form to set up, change or rotate
//! (posted to [`super::save_webhook`]).

use gong_timeline_store::{ConnectionId, WebhookMode};
use gong_timeline_sync::webhooks::{Freshness, WebhookView};
use maud::{html, Markup};

use crate::auth::AdminSession;
use crate::error::ApiError;
use crate::service::webhooks;
use crate::state::AppState;
use crate::ui::layout::{self, csrf_input, time_opt};

/// The card; `error` is a refused change, shown beside its field.
pub(super) async fn card(
    state: &AppState,
    s: &AdminSession,
    id: ConnectionId,
    error: Option<&ApiError>,
) -> Result<Markup, ApiError> {
    let view = webhooks::view(state, id).await?;
    let err = |field: &str| {
        error
            .filter(|e| e.field() == Some(field))
            .map(|e| e.public_message())
    };
    Ok(html! {
        section.card id="webhook" aria-labelledby="webhook-title" {
            h2 id="webhook-title" { "Gong webhook" }
            p.hint { "Gong's automation rule pushes each call once Gong has processed it, so it reaches the Timeline in about a minute; the four-hourly syncs still catch anything a webhook missed." }
            @if let Some(v) = &view { (facts(v)) } @else {
                p id="webhook-none" { "No webhook is set up: calls arrive with the four-hourly syncs." }
            }
            (form(s, id, view.as_ref(), err("mode").or(err("public_key"))))
        }
    })
}

fn facts(v: &WebhookView) -> Markup {
    html! {
        table.facts {
            tr { th { "URL to paste into Gong" } td { code id="webhook-url" { (v.url) } } }
            tr { th { "Authentication" } td id="webhook-mode" { (v.authentication) } }
            tr { th { "Last webhook" } td id="webhook-last" { (time_opt(v.last_received_at)) } }
            tr { th { "Last test" } td id="webhook-test" {
                @match v.last_test_at { Some(t) => { "Test received at " (layout::time(t)) }, None => { "No test yet (Gong's \"Test\" button sends one)" } }
            } }
            tr { th { "Waiting" } td id="webhook-queued" { (v.queued) " calls queued" } }
            tr { th { "Freshness (last day)" } td id="webhook-freshness" { (freshness(v.freshness.as_ref())) } }
        }
    }
}

/// "last 12.3 s · p50 8.1 s · p95 20.4 s over 57 calls".
pub fn freshness(f: Option<&Freshness>) -> String {
    match f {
        Some(f) => format!(
            "last {:.1} s · p50 {:.1} s · p95 {:.1} s over {} calls",
            f.last_seconds, f.p50_seconds, f.p95_seconds, f.calls
        ),
        None => "No call has come by webhook in the last day".to_string(),
    }
}

fn form(
    s: &AdminSession,
    id: ConnectionId,
    v: Option<&WebhookView>,
    error: Option<String>,
) -> Markup {
    let jwt = v.is_some_and(|v| v.mode == WebhookMode::SignedJwt);
    html! {
        form method="post" action={ "/connectors/" (id) "/webhook" } id="webhook-form" {
            (csrf_input(s))
            fieldset {
                legend { "How Gong proves a request is its own" }
                label.check { input type="radio" name="mode" value=(WebhookMode::UrlKey) checked[!jwt]; " The URL's secret key alone (Gong's \"URL secret\")" }
                label.check { input type="radio" name="mode" value=(WebhookMode::SignedJwt) id="webhook-mode-jwt" checked[jwt]; " The URL's key and Gong's signed JWT header (RS256)" }
                label for="webhook-public-key" { "Gong's public key (PEM), for the signed JWT" }
                textarea name="public_key" id="webhook-public-key" rows="4"
                    placeholder="-----BEGIN PUBLIC KEY-----"
                    aria-invalid=[error.as_ref().map(|_| "true")]
                    aria-describedby=[error.as_ref().map(|_| "webhook-error")] {}
                @if let Some(m) = &error { span.field-error id="webhook-error" role="alert" { (m) } }
            }
            button.primary type="submit" id="webhook-save" { @if v.is_some() { "Save webhook" } @else { "Set up webhook" } }
            @if v.is_some() {
                " "
                a.button href={ "/connectors/" (id) "/webhook/rotate" } id="webhook-rotate" { "New URL key…" }
                p.hint { "A new key stops the old URL at once: paste the new URL into Gong." }
            }
        }
    }
}

/// The confirmation before a new URL key (#20 item 12): the URL pasted into Gong
/// stops working at once.
pub(super) fn confirm_rotate(
    s: &AdminSession,
    id: ConnectionId,
    name: &str,
    v: &WebhookView,
) -> Markup {
    html! {
        form.card method="post" action={ "/connectors/" (id) "/webhook" } id="rotate-form" {
            (csrf_input(s))
            input type="hidden" name="rotate" value="1";
            p { "Make a new URL key for the webhook of '" (name) "'? The URL Gong calls now stops working at once:" }
            p { code { (v.url) } }
            p { "Until the new URL is pasted into Gong's automation rule, its webhooks are refused; the four-hourly syncs still bring the calls." }
            div.actions {
                button.danger type="submit" id="confirm-rotate" { "Make a new URL key" }
                a href={ "/connectors/" (id) "#webhook" } id="cancel-rotate" { "Cancel" }
            }
        }
    }
}
