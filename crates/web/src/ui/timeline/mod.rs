//! The Timeline per company: activities newest first with type, subject, date,
//! duration, author, internal and external attendees, trackers (with phrases) or
//! S4's message, and the recording loaded live from Gong (S5's message when it
//! cannot be). Every value is escaped by maud.

mod parts;
mod rules;

use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use axum::Extension;
use gong_timeline_store::{Activity, ActivityFilter, ActivityId, CompanyId};
use maud::{html, Markup};
use serde::Deserialize;

pub use self::parts::{card, RECORDING_FAILED, TRACKERS_FAILED};
use self::parts::{filters, month_chart};
use self::rules::{day, TimelineQuery};
pub use self::rules::{in_range, matches, per_month};
use crate::auth::AdminSession;
use crate::error::ApiError;
use crate::service::{lookup, media};
use crate::state::AppState;
use crate::ui::error::PageResult;
use crate::ui::layout::{self, page, pager};
use crate::ui::paging::PER_PAGE;

/// Activities per Timeline page (each loads its recording from Gong).
const TIMELINE_PAGE: u32 = 10;

#[derive(Deserialize)]
pub(crate) struct ListQuery {
    #[serde(default)]
    q: String,
    page: Option<u32>,
}

/// `GET /companies`: search as you type (the server filters; the script swaps the list).
pub(crate) async fn companies(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    Query(q): Query<ListQuery>,
) -> PageResult<Markup> {
    let all_companies = state.store.list_companies().await?;
    let total = all_companies.len();
    let needle = q.q.trim().to_lowercase();
    let all: Vec<_> = all_companies
        .into_iter()
        .filter(|c| {
            c.name.to_lowercase().contains(&needle)
                || c.crm_account_id
                    .as_deref()
                    .is_some_and(|crm| crm.to_lowercase().contains(&needle))
        })
        .collect();
    let page_no = q.page.unwrap_or(1).max(1);
    let start = ((page_no - 1) * PER_PAGE) as usize;
    let more = all.len() > start + PER_PAGE as usize;
    Ok(page(
        "Timeline",
        &s,
        html! {
            form.card role="search" method="get" action="/companies" id="company-search-form" {
                label { "Find a company"
                    input type="search" name="q" id="company-search" value=(q.q) autocomplete="off" placeholder="Name or CRM account id";
                }
                button.primary type="submit" { "Search" }
            }
            div id="company-results" aria-live="polite" {
                @if total == 0 {
                    (layout::empty("no-companies", "No companies yet", html! {
                        p { "Import your companies (and their persons) to see their Timelines." }
                        a.button.primary href="/imports" { "Import companies" }
                    }))
                } @else if all.is_empty() {
                    (layout::empty("no-match", "No company matches", html! {
                        p { "Nothing is named like “" (q.q) "”. Try part of the name or the CRM account id." }
                    }))
                } @else {
                    p.muted.small { (all.len()) @if all.len() == 1 { " company" } @else { " companies" } }
                    ul.company-list.card id="companies" {
                        @for c in all.iter().skip(start).take(PER_PAGE as usize) {
                            li { a href={ "/companies/" (c.id) } { (c.name) } @if let Some(crm) = &c.crm_account_id { " " span.muted.small { (crm) } } }
                        }
                    }
                    (pager(page_no, more, |p| format!("/companies?q={}&page={p}", crate::auth::session::urlencode(&q.q))))
                }
            }
        },
    ))
}

/// `GET /companies/{id}`: the company's Timeline, filtered by type and dates.
pub(crate) async fn timeline(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    Path(id): Path<CompanyId>,
    Query(q): Query<TimelineQuery>,
) -> PageResult<Markup> {
    let company = lookup::company(&state, id).await?;
    let (from, to) = (day(&q.from, "from")?, day(&q.to, "to")?);
    // A company's activities fit in memory (hundreds); the filters and the
    // chart read them all, the page shows ten.
    let all = state
        .store
        .list_activities(ActivityFilter {
            company_id: Some(id),
            ..ActivityFilter::default()
        })
        .await?;
    let types: Vec<String> = all
        .iter()
        .map(|a| a.activity_type.clone())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let shown: Vec<&Activity> = all
        .iter()
        .filter(|a| matches(a, &q.kind, from, to))
        .collect();
    let page_no = q.page.unwrap_or(1).max(1);
    let start = ((page_no - 1) * TIMELINE_PAGE) as usize;
    let more = shown.len() > start + TIMELINE_PAGE as usize;
    let filtered = !q.kind.is_empty() || from.is_some() || to.is_some();
    let href = |p: u32| {
        let mut out = url::form_urlencoded::Serializer::new(String::new());
        out.append_pair("type", &q.kind)
            .append_pair("from", &q.from)
            .append_pair("to", &q.to)
            .append_pair("page", &p.to_string());
        format!("/companies/{id}?{}", out.finish())
    };
    Ok(page(
        &format!("Timeline — {}", company.name),
        &s,
        html! {
            p.muted {
                a href="/companies" { "All companies" }
                @if let Some(crm) = &company.crm_account_id { " · CRM account " (crm) }
                " · " (all.len()) @if all.len() == 1 { " activity" } @else { " activities" }
            }
            @if all.is_empty() {
                (layout::empty("no-activities", "No activity yet", html! {
                    p { "Meetings with this company's contacts appear here after a sync. Check that a connection syncs Gong meetings, or run a sync now." }
                    a.button.primary href="/connectors" { "Go to Connectors" }
                }))
            } @else {
                section.grid aria-label="Activity overview" {
                    div.card { (month_chart(&all, state.now())) }
                    (filters(id, &q, &types))
                }
                @if shown.is_empty() {
                    (layout::empty("no-matching-activities", "No activity matches these filters", html! {
                        a.button href={ "/companies/" (id) } { "Clear the filters" }
                    }))
                } @else if filtered {
                    p.muted.small id="timeline-count" { (shown.len()) " of " (all.len()) " activities" }
                }
                div id="timeline" { @for a in shown.iter().skip(start).take(TIMELINE_PAGE as usize) { (card(a)) } }
                (pager(page_no, more, href))
            }
        },
    ))
}

/// `GET /activities/{id}`: one activity.
pub(crate) async fn activity(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    Path(id): Path<ActivityId>,
) -> PageResult<Markup> {
    let a = lookup::activity(&state, id).await?;
    Ok(page(
        &a.subject,
        &s,
        html! {
            p { a href={ "/companies/" (a.company.id) } { "← Timeline of " (a.company.name) } }
            (card(&a))
        },
    ))
}

/// `GET /activities/{id}/recording`: a fragment with the live media, or S5's message.
pub(crate) async fn recording(
    State(state): State<AppState>,
    Path(id): Path<ActivityId>,
) -> Response {
    let activity = match state.store.get_activity(id).await {
        Ok(Some(a)) => a,
        Ok(None) => {
            return (
                axum::http::StatusCode::NOT_FOUND,
                Html(parts::recording_failed().into_string()),
            )
                .into_response()
        }
        Err(e) => return ApiError::from(e).into_response(),
    };
    let markup = parts::recording(media::recording(&state, &activity).await);
    Html(markup.into_string()).into_response()
}
