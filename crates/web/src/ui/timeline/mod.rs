//! The Timeline per company: activities newest first with type, subject, date,
//! duration, author, internal and external attendees, trackers (with phrases) or
//! S4's message, next steps, action items, outcome and outline (#23), searchable
//! (#20 item 11); the recording is loaded live from Gong only when asked for, one
//! activity at a time (S5's message when it cannot be): viewing a Timeline sends
//! Gong nothing. Every value is escaped by maud.

mod parts;
mod rules;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{Html, IntoResponse, Response};
use axum::Extension;
use gong_timeline_store::{Activity, ActivityFilter, ActivityId, CompanyId};
use maud::{html, Markup};
use serde::Deserialize;

pub use self::parts::{card, RECORDING_FAILED, TRACKERS_FAILED};
use self::parts::{filters, month_chart};
use self::rules::{day, TimelineQuery};
pub use self::rules::{in_range, matches, per_month};
use crate::auth::roles;
use crate::auth::AdminSession;
use crate::error::ApiError;
use crate::service::{lookup, media};
use crate::state::AppState;
use crate::ui::error::{PageError, PageResult};
use crate::ui::layout::{self, page, pager};
use crate::ui::paging::{KeysetPage, PER_PAGE};

/// Activities per Timeline page.
const TIMELINE_PAGE: u32 = 10;

/// The header app.js sends when it swaps a recording into its card: the answer is
/// the fragment, not a page.
const FRAGMENT_HEADER: &str = "x-fragment";

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
            form.card role="search" aria-label="Companies" method="get" action="/companies" id="company-search-form" {
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
            @if total > 0 { (activity_search_form("")) }
        },
    ))
}

#[derive(Deserialize)]
pub(crate) struct SearchQuery {
    #[serde(default)]
    q: String,
    after: Option<String>,
    before: Option<String>,
    page: Option<u32>,
}

/// `GET /activities`: every company's activities searched (subject, notes,
/// attendees, trackers; the store's search, as the API's `?search=`), newest first,
/// paged by keyset.
pub(crate) async fn search(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    Query(q): Query<SearchQuery>,
) -> PageResult<Markup> {
    let text = q.q.trim();
    let found = if text.is_empty() {
        None
    } else {
        let keyset =
            KeysetPage::<Activity>::parse(q.after.as_deref(), q.before.as_deref(), q.page)?;
        let mut filter = ActivityFilter {
            search: Some(text.to_string()),
            ..ActivityFilter::default()
        };
        let total = state.store.count_activities(&filter).await?;
        filter.limit = Some(keyset.fetch_limit());
        filter.seek = keyset.seek;
        let rows = state.store.list_activities(filter).await?;
        Some((total, keyset.cut(rows)))
    };
    let href = |param: &str, cursor: &str, page: u64| {
        let mut out = url::form_urlencoded::Serializer::new(String::new());
        out.append_pair("q", text)
            .append_pair(param, cursor)
            .append_pair("page", &page.to_string());
        format!("/activities?{}", out.finish())
    };
    Ok(page(
        "Search activities",
        &s,
        html! {
            p.muted { a href="/companies" { "All companies" } }
            (activity_search_form(text))
            @if let Some((total, shown)) = &found {
                p id="activity-search-count" role="status" {
                    (total) @if *total == 1 { " activity matches" } @else { " activities match" }
                    " “" (text) "” · " a href="/activities" id="clear-activity-search" { "Clear the search" }
                }
                @if shown.rows.is_empty() {
                    (layout::empty("no-matching-activities", "No activity matches", html! {
                        p { "Try part of a word, an attendee's email or a tracker's name." }
                    }))
                } @else {
                    ul.company-list.card id="activity-results" {
                        @for a in &shown.rows {
                            li {
                                a href={ "/activities/" (a.id) } { (a.subject) }
                                br;
                                span.muted.small {
                                    a href={ "/companies/" (a.company.id) } { (a.company.name) }
                                    " · " time datetime=(a.date.to_rfc3339()) { (layout::time(a.date)) }
                                    " · " (a.activity_type)
                                }
                            }
                        }
                    }
                    (shown.pager(*total, href))
                }
            }
        },
    ))
}

/// The search of every company's activities (`GET /activities?q=`).
fn activity_search_form(text: &str) -> Markup {
    html! {
        form.card role="search" aria-label="Activities" method="get" action="/activities" id="activity-search-form" {
            label { "Search every company's activities"
                input type="search" name="q" id="activity-search" value=(text) autocomplete="off"
                    placeholder="Subject, notes, attendee, tracker";
            }
            button.primary type="submit" { "Search" }
        }
    }
}

/// `GET /companies/{id}`: the company's Timeline, searched (`q`) and filtered by
/// type and dates.
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
    let search = q.q.trim();
    // The search is the store's (subject, notes, attendees, trackers; any case),
    // as the API's `?search=`.
    let found = if search.is_empty() {
        None
    } else {
        Some(
            state
                .store
                .list_activities(ActivityFilter {
                    company_id: Some(id),
                    search: Some(search.to_string()),
                    ..ActivityFilter::default()
                })
                .await?,
        )
    };
    let types: Vec<String> = all
        .iter()
        .map(|a| a.activity_type.clone())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let shown: Vec<&Activity> = found
        .as_ref()
        .unwrap_or(&all)
        .iter()
        .filter(|a| matches(a, &q.kind, from, to))
        .collect();
    let page_no = q.page.unwrap_or(1).max(1);
    let start = ((page_no - 1) * TIMELINE_PAGE) as usize;
    let more = shown.len() > start + TIMELINE_PAGE as usize;
    let filtered = !q.kind.is_empty() || from.is_some() || to.is_some();
    let address = |search: &str, p: Option<u32>| {
        let mut out = url::form_urlencoded::Serializer::new(String::new());
        if !search.is_empty() {
            out.append_pair("q", search);
        }
        out.append_pair("type", &q.kind)
            .append_pair("from", &q.from)
            .append_pair("to", &q.to);
        if let Some(p) = p {
            out.append_pair("page", &p.to_string());
        }
        format!("/companies/{id}?{}", out.finish())
    };
    let href = |p: u32| address(search, Some(p));
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
                @if !search.is_empty() {
                    p id="timeline-search-count" role="status" {
                        (shown.len()) @if shown.len() == 1 { " activity matches" } @else { " activities match" }
                        " “" (search) "”"
                        @if filtered { " (with the filters)" }
                        " · " a href=(address("", None)) id="clear-timeline-search" { "Clear the search" }
                    }
                }
                @if shown.is_empty() {
                    (layout::empty("no-matching-activities", "No activity matches these filters", html! {
                        a.button href={ "/companies/" (id) } { "Clear the filters" }
                    }))
                } @else if filtered && search.is_empty() {
                    p.muted.small id="timeline-count" { (shown.len()) " of " (all.len()) " activities" }
                }
                div id="timeline" { @for a in shown.iter().skip(start).take(TIMELINE_PAGE as usize) { (card(a, recordings(&s))) } }
                (pager(page_no, more, href))
            }
        },
    ))
}

/// Whether `s`'s role sees recordings (A1: not a viewer).
fn recordings(s: &AdminSession) -> bool {
    roles::allows(s.role, roles::Need::Recordings)
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
            (card(&a, recordings(&s)))
        },
    ))
}

/// `GET /activities/{id}/transcript` (S9; not for a viewer, A1): who said what and
/// when, from the store (no Gong request).
pub(crate) async fn transcript(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    Path(id): Path<ActivityId>,
) -> PageResult<Markup> {
    let a = lookup::activity(&state, id).await?;
    let stored = state
        .store
        .get_transcript(id)
        .await
        .map_err(ApiError::from)?;
    Ok(page(
        &format!("Transcript — {}", a.subject),
        &s,
        html! {
            p { a href={ "/activities/" (a.id) } { "← " (a.subject) } " · "
                a href={ "/companies/" (a.company.id) } { "Timeline of " (a.company.name) } }
            (parts::transcript(stored.as_ref()))
        },
    ))
}

/// `GET /activities/{id}/recording`, the card's "Load recording": the one Gong
/// request for the activity's media, made now (its links expire). The page with
/// the player, or S5's message; the fragment alone when app.js asks for it
/// ([`FRAGMENT_HEADER`]) to swap it into the card.
pub(crate) async fn recording(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    Path(id): Path<ActivityId>,
    headers: HeaderMap,
) -> Response {
    let fragment = headers.contains_key(FRAGMENT_HEADER);
    let activity = match state.store.get_activity(id).await {
        Ok(Some(a)) => a,
        Ok(None) if fragment => {
            return (
                axum::http::StatusCode::NOT_FOUND,
                [(header::VARY, FRAGMENT_HEADER)],
                Html(parts::recording_failed().into_string()),
            )
                .into_response()
        }
        Ok(None) => return PageError(ApiError::missing("activity", id)).into_response(),
        Err(e) if fragment => return ApiError::from(e).into_response(),
        Err(e) => return PageError(e.into()).into_response(),
    };
    let player = parts::recording(media::recording(&state, &activity).await);
    let body = if fragment {
        player
    } else {
        page(
            &format!("Recording — {}", activity.subject),
            &s,
            html! {
                p { a href={ "/activities/" (activity.id) } { "← " (activity.subject) } " · "
                    a href={ "/companies/" (activity.company.id) } { "Timeline of " (activity.company.name) } }
                div.recording.card id={ "recording-" (activity.id) } { (player) }
                p.muted.small { "Gong's links expire: load the recording again from the Timeline later." }
            },
        )
    };
    ([(header::VARY, FRAGMENT_HEADER)], Html(body.into_string())).into_response()
}
