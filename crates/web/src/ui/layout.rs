//! The page shell (navigation, styles, the log-out form), error pages, and small
//! rendering helpers shared by every page. maud escapes every interpolated value,
//! so titles and names from Gong render as text.

use axum::response::{Html, IntoResponse, Response};
use chrono::{DateTime, Utc};
use maud::{html, Markup, PreEscaped, DOCTYPE};

use crate::auth::AdminSession;
use crate::error::ApiError;

const STYLE: &str = r#"
body{font-family:system-ui,sans-serif;margin:0;color:#1d2330;background:#f5f6f8}
header{background:#1d2b4f;color:#fff;padding:.6rem 1.2rem;display:flex;gap:1.2rem;align-items:center}
header a{color:#fff;text-decoration:none}header .brand{font-weight:700;margin-right:1rem}
header form{margin-left:auto}main{padding:1.2rem;max-width:1200px}
table{border-collapse:collapse;width:100%;background:#fff}th,td{border:1px solid #d8dce3;padding:.35rem .5rem;text-align:left;vertical-align:top;font-size:.92rem}
th{background:#eef0f4}.error{color:#b00020}.field-error{color:#b00020;font-size:.85rem;display:block}
.warning{background:#fff4d6;border:1px solid #e0b84c;padding:.6rem;margin:.6rem 0}
.notice{background:#e4f4e8;border:1px solid #6ab07a;padding:.6rem;margin:.6rem 0}
.card{background:#fff;border:1px solid #d8dce3;padding:.8rem;margin:.8rem 0}
.muted{color:#667}.pager{margin:.6rem 0;display:flex;gap:1rem}button,.button{cursor:pointer}
label{display:block;margin:.4rem 0}.inline label{display:inline}
.recommended{font-size:.8rem;color:#2e7d32}
"#;

/// A full page with navigation for a logged-in admin.
pub fn page(title: &str, session: &AdminSession, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                title { (title) " — gong-timeline" }
                style { (PreEscaped(STYLE)) }
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
                style { (PreEscaped(STYLE)) }
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
