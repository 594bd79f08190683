//! The Timeline per company: activities newest first with type, subject, date,
//! duration, author, internal and external attendees, trackers (with phrases) or
//! S4's message, and the recording loaded live from Gong (S5's message when it
//! cannot be). Every value is escaped by maud.

use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use axum::Extension;
use gong_timeline_store::{Activity, ActivityFilter, ActivityId, CompanyId};
use maud::{html, Markup};
use serde::Deserialize;

use crate::auth::AdminSession;
use crate::error::ApiError;
use crate::service::media;
use crate::state::AppState;
use crate::ui::layout::{self, duration, page, pager, safe_url, time};
use crate::ui::paging::{split, window, PER_PAGE};

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

/// `GET /companies`.
pub(crate) async fn companies(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    Query(q): Query<ListQuery>,
) -> Response {
    let result = async {
        let needle = q.q.trim().to_lowercase();
        let all: Vec<_> = state.store.list_companies().await?.into_iter().filter(|c| c.name.to_lowercase().contains(&needle)).collect();
        let page_no = q.page.unwrap_or(1).max(1);
        let start = ((page_no - 1) * PER_PAGE) as usize;
        let more = all.len() > start + PER_PAGE as usize;
        Ok::<_, ApiError>(page("Timeline", &s, html! {
            form method="get" action="/companies" { label { "Company " input type="search" name="q" value=(q.q); } button type="submit" { "Search" } }
            ul id="companies" {
                @for c in all.iter().skip(start).take(PER_PAGE as usize) {
                    li { a href={ "/companies/" (c.id) } { (c.name) } @if let Some(crm) = &c.crm_account_id { " " span.muted { (crm) } } }
                }
            }
            (pager(page_no, more, |p| format!("/companies?q={}&page={p}", crate::auth::session::urlencode(&q.q))))
        }))
    }.await;
    result
        .map(IntoResponse::into_response)
        .unwrap_or_else(|e| layout::error_page(&e))
}

/// `GET /companies/{id}`: the company's Timeline.
pub(crate) async fn timeline(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    Path(id): Path<CompanyId>,
    Query(q): Query<ListQuery>,
) -> Response {
    let result = async {
        let company = state
            .store
            .get_company(id)
            .await?
            .ok_or_else(|| ApiError::NotFound(format!("company {id} does not exist")))?;
        let page_no = q.page.unwrap_or(1).max(1);
        let (limit, offset) = window(page_no, TIMELINE_PAGE);
        let rows = state
            .store
            .list_activities(ActivityFilter {
                company_id: Some(id),
                limit: Some(limit),
                offset,
                ..ActivityFilter::default()
            })
            .await?;
        let (rows, more) = split(rows, TIMELINE_PAGE);
        Ok::<_, ApiError>(page(
            &format!("Timeline — {}", company.name),
            &s,
            html! {
                @if rows.is_empty() { p id="no-activities" { "No activity yet." } }
                div id="timeline" { @for a in &rows { (card(a)) } }
                (pager(page_no, more, |p| format!("/companies/{id}?page={p}")))
            },
        ))
    }
    .await;
    result
        .map(IntoResponse::into_response)
        .unwrap_or_else(|e| layout::error_page(&e))
}

/// `GET /activities/{id}`: one activity.
pub(crate) async fn activity(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    Path(id): Path<ActivityId>,
) -> Response {
    let result = async {
        let a = state
            .store
            .get_activity(id)
            .await?
            .ok_or_else(|| ApiError::NotFound(format!("activity {id} does not exist")))?;
        Ok::<_, ApiError>(page(
            &format!("Activity {id}"),
            &s,
            html! {
                p { a href={ "/companies/" (a.company.id) } { "Timeline of " (a.company.name) } }
                (card(&a))
            },
        ))
    }
    .await;
    result
        .map(IntoResponse::into_response)
        .unwrap_or_else(|e| layout::error_page(&e))
}

/// One activity on the Timeline.
pub fn card(a: &Activity) -> Markup {
    html! {
        article.card.activity id={ "activity-" (a.id) } data-call=(a.gong_call_id) {
            h3.subject { (a.subject) }
            p { span.type { (a.activity_type) } " · " (time(a.date)) " · " (duration(a.duration_seconds))
                " · author: " span.author { @if let Some(u) = &a.author { (u.name) " <" (u.email) ">" } @else { "—" } } }
            p { strong { "Internal attendees: " }
                span.internal { @for (i, p) in a.internal_attendees.iter().enumerate() { @if i > 0 { ", " } (p.name.clone().unwrap_or_default()) @if let Some(e) = &p.email { " <" (e) ">" } } } }
            p { strong { "External attendees: " }
                span.external { @for (i, p) in a.external_attendees.iter().enumerate() { @if i > 0 { ", " } (p.name.clone().unwrap_or_default()) @if let Some(e) = &p.email { " <" (e) ">" } @if p.person_id.is_some() { " (contact)" } } } }
            div.trackers {
                strong { "Trackers: " }
                @match &a.trackers {
                    Some(list) if !list.is_empty() => {
                        ul { @for t in list { li.tracker { (t.name) " (" (t.count) ")"
                            @if !t.phrases.is_empty() { ": " @for (i, p) in t.phrases.iter().enumerate() { @if i > 0 { ", " } span.phrase { "“" (p.phrase) "” (" (p.count) ")" } } }
                        } } }
                    }
                    _ => { span.trackers-failed { (a.trackers_message.clone().unwrap_or_else(|| TRACKERS_FAILED.to_string())) } }
                }
            }
            div.recording data-src={ "/activities/" (a.id) "/recording" } { "Loading the recording from Gong…" }
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
