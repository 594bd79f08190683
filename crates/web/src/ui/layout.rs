//! The page shell (navigation, the stylesheet link, the log-out form), error pages, and small
//! rendering helpers shared by every page. maud escapes every interpolated value,
//! so titles and names from Gong render as text.

use axum::response::{Html, IntoResponse, Response};
use chrono::{DateTime, Utc};
use maud::{html, Markup, DOCTYPE};

use crate::auth::AdminSession;
use crate::error::ApiError;

/// A full page with navigation for a logged-in admin.
pub fn page(title: &str, session: &AdminSession, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                title { (title) " — gong-timeline" }
                link rel="stylesheet" href="/assets/app.css";
            }
            body {
                header {
                    span.brand { "gong-timeline" }
                    a href="/connectors" { "Connectors" }
                    a href="/log" { "Execution log" }
                    a href="/users" { "User management" }
                    a href="/companies" { "Timeline" }
                    a href="/tokens" { "API tokens" }
                    form method="post" action="/logout" {
                        (csrf_input(session))
                        button type="submit" id="logout" { "Log out" }
                    }
                }
                main {
                    h1 { (title) }
                    (body)
                }
            }
        }
    }
}

/// A page without navigation (log in, errors).
pub fn bare(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                title { (title) " — gong-timeline" }
                link rel="stylesheet" href="/assets/app.css";
            }
            body { main { h1 { (title) } (body) } }
        }
    }
}

/// The error as an HTML page with its status.
pub fn error_page(error: &ApiError) -> Response {
    error.log();
    let body = html! {
        p.error id="error" { (error.public_message()) }
        p { a href="/connectors" { "Back to the admin pages" } }
    };
    (error.status(), Html(bare("Error", body).into_string())).into_response()
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
    html! {
        nav.pager {
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
