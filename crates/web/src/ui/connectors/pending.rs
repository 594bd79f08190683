//! "Not on the Timeline" (#20 item 4): a connection's stored meetings of the
//! backfill window without an activity, by reason, each with its count, the fix
//! (in the web's words, with a link to where it is made) and the newest examples;
//! **Re-evaluate now** starts the re-evaluation (no Gong request).

use gong_timeline_store::ConnectionId;
use gong_timeline_sync::pending::{Group, Pending, Reason};
use maud::{html, Markup};

use crate::auth::AdminSession;
use crate::error::ApiError;
use crate::service::runs::SyncStatus;
use crate::ui::layout::{self, csrf_input, Tone};

/// "91 meetings not on the Timeline" (one meeting, singular).
pub fn count_text(count: u64) -> String {
    let noun = if count == 1 { "meeting" } else { "meetings" };
    format!("{count} {noun} not on the Timeline")
}

/// What the admin does about `reason`, where the web does it (no CLI command).
fn fix(reason: Reason, id: ConnectionId) -> Markup {
    let settings = format!("/connectors/{id}/settings");
    html! {
        @match reason {
            Reason::UnknownCompany => {
                "Import the companies (with their CRM account ids) or the persons (attendees' emails) these calls name on the "
                a href="/imports" { "Imports" } " page, then re-evaluate."
            }
            Reason::OwnerInConflict => {
                "Resolve the owner's conflict in " a href="/users" { "User management" }
                "; the calls are retried at the next sync."
            }
            Reason::InactiveOrganiser => {
                "Reactivate the user (import users with status active on the " a href="/imports" { "Imports" }
                " page) or map the Gong user to an active one in " a href="/users" { "User management" } ", then re-evaluate."
            }
            Reason::AuthorNotPresent => {
                "The next sync creates an Internal Collaborator user for the owner and retries; or import the user on the "
                a href="/imports" { "Imports" } " page."
            }
            Reason::OtherFailure => {
                "See the message of each call below and in the " a href="/log" { "execution log" } "."
            }
            Reason::FilteredOut => {
                "Intended when the filters are right; otherwise edit the filters in the "
                a href=(settings) { "Timeline settings" } " and save: the stored calls are re-evaluated."
            }
            Reason::Private => { "Never synced while the call is private in Gong." }
            Reason::NoCompanyInformation | Reason::PassesNow => { (reason.fix()) }
        }
    }
}

fn tone(reason: Reason) -> Tone {
    match reason {
        Reason::FilteredOut | Reason::Private => Tone::Neutral,
        Reason::PassesNow => Tone::Info,
        _ => Tone::Bad,
    }
}

fn group(id: ConnectionId, g: &Group) -> Markup {
    let key = serde_json::to_value(g.reason)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
        .replace('_', "-");
    let title = format!("pending-{key}-title");
    html! {
        section.card.pending-group id={ "pending-" (key) } aria-labelledby=(title) {
            h2 id=(title) { (layout::badge(tone(g.reason), g.count)) " " (g.label) }
            p.fix { strong { "Fix: " } (fix(g.reason, id)) }
            @if !g.examples.is_empty() {
                h3.small { "Newest examples" }
                ul.examples {
                    @for e in &g.examples {
                        li {
                            span { (layout::time(e.started)) } " · "
                            strong { (e.title.as_deref().unwrap_or("(no title)")) }
                            " " span.muted { "(Gong call " (e.gong_call_id) ")" }
                            @if let Some(m) = &e.message { br; span.small { (m) } }
                        }
                    }
                }
            }
        }
    }
}

/// The page's body; `started` after Re-evaluate now, `error` a refused start.
pub(super) fn body(
    s: &AdminSession,
    id: ConnectionId,
    report: &Pending,
    status: &SyncStatus,
    started: bool,
    error: Option<&ApiError>,
) -> Markup {
    html! {
        p { a href={ "/connectors/" (id) } { "← " (report.connection) } }
        @if let Some(e) = error { div.error-box role="alert" { p.error id="reevaluate-error" { (e.public_message()) } } }
        @if started && error.is_none() {
            p.notice id="reevaluate-started" role="status" {
                "Re-evaluation started: no Gong request is made. Follow it on the "
                a href={ "/connectors/" (id) } { "connection's page" } ", then reload this page."
            }
        }
        div.card {
            @if report.groups.is_empty() {
                p.stat id="pending-count" { "0" }
                p id="pending-summary" { "Every stored meeting of the backfill window is on the Timeline." }
            } @else {
                p.stat id="pending-count" { (report.not_on_timeline) }
                p id="pending-summary" { "Stored meetings of the backfill window are not on the Timeline, by reason, evaluated now under the current settings, companies and users." }
            }
            form.inline method="post" action={ "/connectors/" (id) "/reevaluate" } id="reevaluate-form" {
                (csrf_input(s))
                button.primary type="submit" id="reevaluate" disabled[status.running] { "Re-evaluate now" }
            }
            p.hint { "Re-evaluating puts the meetings that pass now on the Timeline. It reads no call from Gong: the stored meetings are evaluated again under the current settings, companies and users." }
            @if status.running { p.muted id="reevaluate-running" { "A job of this connection is running; Re-evaluate now is available once it ends." } }
        }
        @for g in &report.groups { (group(id, g)) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_count_reads_in_words() {
        assert_eq!(count_text(1), "1 meeting not on the Timeline");
        assert_eq!(count_text(91), "91 meetings not on the Timeline");
    }

    #[test]
    fn no_fix_shown_on_a_page_names_a_cli_command() {
        use Reason::*;
        for reason in [
            UnknownCompany,
            NoCompanyInformation,
            OwnerInConflict,
            InactiveOrganiser,
            AuthorNotPresent,
            OtherFailure,
            FilteredOut,
            Private,
            PassesNow,
        ] {
            let text = fix(reason, ConnectionId::new(1)).into_string();
            assert!(!text.contains('`'), "{reason:?}: {text}");
            assert!(!text.contains("gong-timeline"), "{reason:?}: {text}");
        }
    }
}
