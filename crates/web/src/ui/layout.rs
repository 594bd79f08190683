//! The page shell (navigation that folds on a narrow screen, the stylesheet and
//! script as files, the log-out form), status badges, and
//! small rendering helpers shared by every page. maud escapes every interpolated value,
//! so titles and names from Gong render as text.

use chrono::{DateTime, Utc};
use maud::{html, Markup, DOCTYPE};

use crate::auth::AdminSession;
use crate::ui::assets;

/// The navigation: (path, label).
const NAV: &[(&str, &str)] = &[
    ("/connectors", "Connectors"),
    ("/log", "Execution log"),
    ("/users", "User management"),
    ("/companies", "Timeline"),
    ("/imports", "Imports"),
    ("/tokens", "API tokens"),
    ("/privacy", "Data privacy"),
    ("/audit", "Audit log"),
];

fn head(title: &str) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            meta name="color-scheme" content="light dark";
            title { (title) " — gong-timeline" }
            link rel="stylesheet" href=(assets::css_url());
            script src=(assets::js_url()) defer {}
        }
    }
}

/// Whether the navigation offers `href` to `session`'s role (every link without one).
fn may_open(session: Option<&AdminSession>, href: &str) -> bool {
    use crate::auth::roles;
    session.is_none_or(|s| roles::allows(s.role, roles::need(&axum::http::Method::GET, href)))
}

/// The site header; the log-out form only with a session.
fn header(session: Option<&AdminSession>) -> Markup {
    html! {
        header.site-header {
            div.bar {
                a.brand href="/" { "gong-timeline" }
                button.nav-toggle type="button" aria-expanded="false" aria-controls="nav-links" { "Menu" }
                nav aria-label="Main" {
                    ul.nav-links id="nav-links" {
                        @for (href, label) in NAV.iter().filter(|(href, _)| may_open(session, href)) { li { a href=(href) { (label) } } }
                    }
                }
                @if let Some(session) = session {
                    form.logout method="post" action="/logout" {
                        (csrf_input(session))
                        button type="submit" id="logout" { "Log out" }
                    }
                }
            }
        }
    }
}

/// The document around every page; `nav` shows the site header (error pages show it
/// without a session, so without the log-out form).
pub(crate) fn shell(
    title: &str,
    session: Option<&AdminSession>,
    nav: bool,
    body: Markup,
) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            (head(title))
            body {
                a.skip href="#main" { "Skip to content" }
                @if nav { (header(session)) }
                main id="main" class=[(!nav).then_some("narrow")] {
                    @if !nav { p.brand-bare { "gong-timeline" } }
                    h1 { (title) }
                    (body)
                }
            }
        }
    }
}

/// A full page with navigation for a logged-in admin.
pub fn page(title: &str, session: &AdminSession, body: Markup) -> Markup {
    shell(title, Some(session), true, body)
}

/// A page without navigation (log in).
pub fn bare(title: &str, body: Markup) -> Markup {
    shell(title, None, false, body)
}

/// What a status means, for the colour of its badge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Done, fine.
    Ok,
    /// Needs a look, partly done.
    Warn,
    /// Failed, needs action.
    Bad,
    /// Running, informative.
    Info,
    /// Neither good nor bad.
    Neutral,
}

impl Tone {
    fn class(self) -> &'static str {
        match self {
            Tone::Ok => "ok",
            Tone::Warn => "warn",
            Tone::Bad => "bad",
            Tone::Info => "info",
            Tone::Neutral => "neutral",
        }
    }
}

/// A status badge: the word always shows (colour is never the only signal).
pub fn badge(tone: Tone, text: impl std::fmt::Display) -> Markup {
    html! { span class={ "badge " (tone.class()) } { (text.to_string()) } }
}

/// The tone of a job's status.
pub fn job_tone(s: gong_timeline_domain::JobStatus) -> Tone {
    use gong_timeline_domain::JobStatus as S;
    match s {
        S::InProgress => Tone::Info,
        S::Success => Tone::Ok,
        S::PartialSuccess => Tone::Warn,
        S::Failed => Tone::Bad,
    }
}

/// The tone of a meeting record's status.
pub fn record_tone(s: gong_timeline_domain::RecordStatus) -> Tone {
    use gong_timeline_domain::RecordStatus as S;
    match s {
        S::Created => Tone::Ok,
        S::Updated => Tone::Info,
        S::Skipped => Tone::Neutral,
        S::Failed => Tone::Bad,
        S::Removed => Tone::Neutral,
    }
}

/// The tone of a user mapping's status.
pub fn mapping_tone(s: gong_timeline_domain::MappingStatus) -> Tone {
    use gong_timeline_domain::MappingStatus as S;
    match s {
        S::Mapped => Tone::Ok,
        S::Created => Tone::Info,
        S::Conflict => Tone::Warn,
        S::Failed => Tone::Bad,
    }
}

/// The tone of a connection's status.
pub fn connection_tone(s: gong_timeline_store::ConnectionStatus) -> Tone {
    use gong_timeline_store::ConnectionStatus as S;
    match s {
        S::Authorised => Tone::Ok,
        S::Pending => Tone::Neutral,
        S::NeedsReauthorisation => Tone::Bad,
        S::Unreachable => Tone::Warn,
        S::Disabled => Tone::Neutral,
    }
}

/// A table that scrolls inside its card with a sticky header: a named region a
/// keyboard can focus (and so scroll); at 600 px and below its rows are cards,
/// each cell labelled by its `data-label` (the stylesheet).
pub fn table_wrap(label: &str, table: Markup) -> Markup {
    html! { div.table-wrap role="region" tabindex="0" aria-label=(label) { (table) } }
}

/// The header of a column of actions: read by screen readers, not shown.
pub fn hidden_header(text: &str) -> Markup {
    html! { th { span.visually-hidden { (text) } } }
}

/// An empty state: what is missing and what to do next.
pub fn empty(id: &str, title: &str, next: Markup) -> Markup {
    html! { div.card.empty id=(id) { strong { (title) } (next) } }
}

/// The hidden CSRF field of a form.
pub fn csrf_input(session: &AdminSession) -> Markup {
    html! { input type="hidden" name="csrf" value=(session.csrf); }
}

/// A time as `2024-05-01 09:30 UTC`.
pub fn time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// An optional time, or a dash.
pub fn time_opt(t: Option<DateTime<Utc>>) -> String {
    t.map(time).unwrap_or_else(|| "—".to_string())
}

/// A duration in seconds as `1h 05m` / `12m 30s`.
pub fn duration(seconds: Option<i64>) -> String {
    match seconds {
        None => "—".to_string(),
        Some(s) if s >= 3600 => format!("{}h {:02}m", s / 3600, (s % 3600) / 60),
        Some(s) => format!("{}m {:02}s", s / 60, s % 60),
    }
}

/// Previous / next links; `href(page)` builds a page's URL.
pub fn pager(page: u32, has_next: bool, href: impl Fn(u32) -> String) -> Markup {
    if page <= 1 && !has_next {
        return html! {}; // one page: nothing to page through
    }
    html! {
        nav.pager aria-label="Pages" {
            @if page > 1 { a href=(href(page - 1)) rel="prev" { "← Previous" } }
            span.muted { "Page " (page) }
            @if has_next { a href=(href(page + 1)) rel="next" id="next-page" { "Next →" } }
        }
    }
}

/// `http(s)` URLs only: anything else (a `javascript:` URL from a hostile source)
/// is not made a link.
pub fn safe_url(url: &str) -> Option<&str> {
    let lower = url.trim().to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://")).then_some(url.trim())
}
