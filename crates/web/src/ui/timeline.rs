//! The Timeline per company: activities newest first with type, subject, date,
//! duration, author, internal and external attendees, trackers (with phrases) or
//! S4's message, and the recording loaded live from Gong (S5's message when it
//! cannot be). Every value is escaped by maud.

use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use axum::Extension;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use gong_timeline_store::{Activity, ActivityFilter, ActivityId, CompanyId};
use maud::{html, Markup};
use serde::Deserialize;

use crate::auth::AdminSession;
use crate::error::ApiError;
use crate::service::{lookup, media};
use crate::state::AppState;
use crate::ui::charts;
use crate::ui::error::PageResult;
use crate::ui::layout::{self, duration, page, pager, safe_url, time};
use crate::ui::paging::PER_PAGE;

/// S4's message.
pub const TRACKERS_FAILED: &str = "The Trackers have failed to load.";
/// S5's message.
pub const RECORDING_FAILED: &str = "This Video/Meeting Link has failed to load.";
/// Activities per Timeline page (each loads its recording from Gong).
const TIMELINE_PAGE: u32 = 10;

#[derive(Deserialize)]
pub(crate) struct ListQuery {
    #[serde(default)]
    q: String,
    page: Option<u32>,
}

/// The Timeline's filters: activity type and a date range (`YYYY-MM-DD`, inclusive).
#[derive(Debug, Deserialize, Default)]
pub(crate) struct TimelineQuery {
    #[serde(default, rename = "type")]
    kind: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
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

/// A `YYYY-MM-DD` filter value, or an error naming the field.
fn day(text: &str, field: &str) -> Result<Option<NaiveDate>, ApiError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| ApiError::invalid(field, format!("'{text}' is not a date (YYYY-MM-DD)")))
}

/// Whether `date` is within `from`..=`to` (either may be open).
pub fn in_range(date: NaiveDate, from: Option<NaiveDate>, to: Option<NaiveDate>) -> bool {
    from.is_none_or(|f| date >= f) && to.is_none_or(|t| date <= t)
}

/// Whether an activity passes the Timeline's filters: its type, its day.
pub fn matches(a: &Activity, kind: &str, from: Option<NaiveDate>, to: Option<NaiveDate>) -> bool {
    (kind.is_empty() || a.activity_type.eq_ignore_ascii_case(kind))
        && in_range(a.date.date_naive(), from, to)
}

/// Activities per month for the 12 months up to `now`'s, oldest first.
pub fn per_month(dates: &[DateTime<Utc>], now: DateTime<Utc>) -> Vec<(String, f64)> {
    let month_index = |d: DateTime<Utc>| d.year() * 12 + d.month0() as i32;
    let last = month_index(now);
    (last - 11..=last)
        .map(|m| {
            let (year, month0) = (m.div_euclid(12), m.rem_euclid(12) as u32);
            let label = NaiveDate::from_ymd_opt(year, month0 + 1, 1)
                .map(|d| d.format("%b %Y").to_string())
                .unwrap_or_default();
            let n = dates.iter().filter(|d| month_index(**d) == m).count();
            (label, n as f64)
        })
        .collect()
}

fn month_chart(all: &[Activity], now: DateTime<Utc>) -> Markup {
    let dates: Vec<_> = all.iter().map(|a| a.date).collect();
    charts::render(&charts::Chart {
        id: "activities-per-month".into(),
        title: "Activities per month (last 12 months)".into(),
        label_header: "Month",
        series: vec![charts::Series {
            class: "bar",
            label: "Activities",
        }],
        bars: per_month(&dates, now)
            .into_iter()
            .map(|(m, n)| (m, vec![n]))
            .collect(),
        total: None,
        format: charts::count,
    })
}

fn filters(id: CompanyId, q: &TimelineQuery, types: &[String]) -> Markup {
    html! {
        form.card.filters method="get" action={ "/companies/" (id) } id="timeline-filter" {
            h2 { "Filter the Timeline" }
            label { "Activity type"
                select name="type" id="activity-type-filter" {
                    option value="" { "All types" }
                    @for t in types { option value=(t) selected[t.eq_ignore_ascii_case(&q.kind)] { (t) } }
                }
            }
            label { "From" input type="date" name="from" id="timeline-from" value=(q.from); }
            label { "To" input type="date" name="to" id="timeline-to" value=(q.to); }
            div.actions {
                button.primary type="submit" id="apply-timeline-filter" { "Apply" }
                a.button href={ "/companies/" (id) } { "Clear" }
            }
        }
    }
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

fn person(name: &str, email: Option<&str>) -> Markup {
    html! {
        @if name.is_empty() { (email.unwrap_or("—")) }
        @else { (name) @if let Some(e) = email { " " span.muted { "<" (e) ">" } } }
    }
}

/// One activity on the Timeline: a card with type, date, duration, author,
/// attendees, trackers as chips (count, phrases), the recording and notes.
pub fn card(a: &Activity) -> Markup {
    html! {
        article.card.activity id={ "activity-" (a.id) } data-call=(a.gong_call_id) {
            header {
                h2.subject { a href={ "/activities/" (a.id) } { (a.subject) } }
                (layout::badge(layout::Tone::Info, &a.activity_type))
            }
            p.meta {
                span.type { (a.activity_type) } " · " time datetime=(a.date.to_rfc3339()) { (time(a.date)) }
                " · " (duration(a.duration_seconds))
            }
            dl {
                dt { "Author" }
                dd.author { @if let Some(u) = &a.author { (person(&u.name, Some(u.email.as_str()))) } @else { "—" } }
                dt { "Internal attendees" }
                dd.internal {
                    @if a.internal_attendees.is_empty() { "—" }
                    @for (i, p) in a.internal_attendees.iter().enumerate() { @if i > 0 { ", " } (person(&p.name.clone().unwrap_or_default(), p.email.as_deref())) }
                }
                dt { "External attendees" }
                dd.external {
                    @if a.external_attendees.is_empty() { "—" }
                    @for (i, p) in a.external_attendees.iter().enumerate() { @if i > 0 { ", " } (person(&p.name.clone().unwrap_or_default(), p.email.as_deref())) @if p.person_id.is_some() { " (contact)" } }
                }
                dt { "Trackers" }
                dd.trackers {
                    @match &a.trackers {
                        Some(list) if !list.is_empty() => {
                            ul.chips {
                                @for t in list {
                                    li.chip.tracker {
                                        (t.name) span.count { (t.count) }
                                        @if !t.phrases.is_empty() {
                                            span.phrases { @for (i, p) in t.phrases.iter().enumerate() { @if i > 0 { ", " } span.phrase { "“" (p.phrase) "” ×" (p.count) } } }
                                        }
                                    }
                                }
                            }
                        }
                        Some(_) => { span.muted { "No tracker was mentioned." } }
                        None => { span.trackers-failed.error { (a.trackers_message.clone().unwrap_or_else(|| TRACKERS_FAILED.to_string())) } }
                    }
                }
            }
            div.recording data-src={ "/activities/" (a.id) "/recording" } {
                noscript { "The recording loads with JavaScript; " }
                span.muted { "Loading the recording from Gong…" }
            }
            @if let Some(url) = a.recording_url.as_deref().and_then(safe_url) {
                p { a.call-link href=(url) target="_blank" rel="noopener noreferrer" { "Open the call in Gong" } }
            }
            @if let Some(notes) = &a.notes { details { summary { "Notes" } p { (notes) } } }
        }
    }
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
                Html(html! { span.recording-failed { (RECORDING_FAILED) } }.into_string()),
            )
                .into_response()
        }
        Err(e) => return ApiError::from(e).into_response(),
    };
    let markup = match media::recording(&state, &activity).await {
        Ok(m) => {
            let video = m.video_url.as_deref().and_then(safe_url);
            let audio = m.audio_url.as_deref().and_then(safe_url);
            // The audio player is compact and plays on a phone; a video opens in
            // a new tab (an inline <video> without captions fails WCAG 1.2.2).
            html! {
                @if let Some(a) = audio {
                    audio.media controls preload="metadata" src=(a) aria-label="Recording of the call" {}
                    p.small {
                        a.media-link href=(a) target="_blank" rel="noopener noreferrer" { "Download the audio" }
                        @if let Some(v) = video { " · " a.video-link href=(v) target="_blank" rel="noopener noreferrer" { "Watch the video" } }
                    }
                } @else if let Some(v) = video {
                    p { a.media-link.button href=(v) target="_blank" rel="noopener noreferrer" { "Watch the video" } }
                } @else { span.recording-failed { (RECORDING_FAILED) } }
            }
        }
        Err(_) => html! { span.recording-failed { (RECORDING_FAILED) } },
    };
    Html(markup.into_string()).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn months_count_the_last_twelve_oldest_first() {
        let at = |y, m, d| Utc.with_ymd_and_hms(y, m, d, 12, 0, 0).unwrap();
        let dates = [
            at(2026, 11, 3),
            at(2026, 11, 30),
            at(2026, 1, 9),
            at(2025, 11, 30),
        ];
        let months = per_month(&dates, at(2026, 11, 30));
        assert_eq!(months.len(), 12);
        assert_eq!(months[0], ("Dec 2025".to_string(), 0.0));
        assert_eq!(months[1], ("Jan 2026".to_string(), 1.0));
        assert_eq!(
            months[11],
            ("Nov 2026".to_string(), 2.0),
            "Nov 2025 is too old"
        );
    }

    #[test]
    fn the_date_range_is_inclusive() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(day("", "from").unwrap(), None);
        assert!(day("31/12/2026", "from").is_err());
        let (from, to) = (Some(d("2026-11-01")), Some(d("2026-11-30")));
        assert!(in_range(d("2026-11-01"), from, to) && in_range(d("2026-11-30"), from, to));
        assert!(!in_range(d("2026-10-31"), from, to) && !in_range(d("2026-12-01"), from, to));
        assert!(in_range(d("1999-01-01"), None, None));
    }
}
