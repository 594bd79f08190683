//! What the Timeline pages draw: an activity's card (attendees, trackers as chips,
//! S4's message when they failed to load; next steps, action items, outcome with its
//! sentiment and the folded outline, #23), the recording loaded live on demand (S5's
//! message when it fails), the filters and search form, the chart of activities per
//! month.

use chrono::{DateTime, Utc};
use gong_timeline_domain::meeting::Affiliation;
use gong_timeline_domain::outcome::ActivityOutcome;
use gong_timeline_domain::transcript::timestamp;
use gong_timeline_domain::ActivityContent;
use gong_timeline_gong::CallMedia;
use gong_timeline_store::{Activity, CompanyId, StoredTranscript};
use maud::{html, Markup};

use super::rules::{outcome_tone, per_month, sentiment_tone, TimelineQuery};
use crate::service::media::RecordingFailure;
use crate::ui::charts;
use crate::ui::layout::{self, duration, safe_url, time};

/// S4's message.
pub const TRACKERS_FAILED: &str = "The Trackers have failed to load.";
/// S5's message.
pub const RECORDING_FAILED: &str = "This Video/Meeting Link has failed to load.";
/// Added to S5's message when Gong no longer accepts the connection (#20 item 7).
pub const NEEDS_REAUTHORISATION: &str = "— the connection needs re-authorisation";
pub(super) fn month_chart(all: &[Activity], now: DateTime<Utc>) -> Markup {
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

/// Search, activity type and dates; Clear drops them all.
pub(super) fn filters(id: CompanyId, q: &TimelineQuery, types: &[String]) -> Markup {
    html! {
        form.card.filters role="search" method="get" action={ "/companies/" (id) } id="timeline-filter" {
            h2 { "Search and filter the Timeline" }
            label { "Search"
                input type="search" name="q" id="timeline-search" value=(q.q) autocomplete="off"
                    aria-describedby="timeline-search-hint";
            }
            span.muted.small.search-hint id="timeline-search-hint" { "Subject, notes, attendee names or emails, tracker names." }
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

fn person(name: &str, email: Option<&str>) -> Markup {
    html! {
        @if name.is_empty() { (email.unwrap_or("—")) }
        @else { (name) @if let Some(e) = email { " " span.muted { "<" (e) ">" } } }
    }
}

/// One activity on the Timeline: a card with type, date, duration, author,
/// attendees, trackers as chips (count, phrases), the recording (only with
/// `recordings`: a viewer's card has neither the recording nor the link to the call
/// in Gong, A1) and notes.
pub fn card(a: &Activity, recordings: bool) -> Markup {
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
            (content(&a.content))
            @if recordings {
                div.recording id={ "recording-" (a.id) } aria-live="polite" {
                    a.button.load-recording href={ "/activities/" (a.id) "/recording" } { "Load recording" }
                    " " span.muted.small { "(asks Gong for a fresh link)" }
                }
                @if let Some(url) = a.recording_url.as_deref().and_then(safe_url) {
                    p { a.call-link href=(url) target="_blank" rel="noopener noreferrer" { "Open the call in Gong" } }
                }
                p { a.transcript-link href={ "/activities/" (a.id) "/transcript" } { "Read the transcript" } }
            }
            @if let Some(notes) = &a.notes { details { summary { "Notes" } p { (notes) } } }
        }
    }
}

/// An activity's transcript (S9): each turn with its speaker's name, side and
/// time, or why there is none.
pub fn transcript(stored: Option<&StoredTranscript>) -> Markup {
    let Some(stored) = stored else {
        return html! {
            p.empty { "No transcript yet. Turn transcripts on in the connection's settings; the next sync fetches them (one Gong request per 100 calls)." }
        };
    };
    if stored.transcript.is_empty() {
        return html! { p.empty { "Gong has no transcript of this call (nobody spoke, or it was not transcribed)." } };
    }
    html! {
        section.transcript.card aria-label="Transcript" {
            h2 { "Transcript" }
            p.muted.small { "Fetched from Gong " (time(stored.fetched_at)) "." }
            ol.monologues {
                @for m in &stored.transcript.monologues {
                    li.monologue {
                        p.speaker {
                            strong { (m.speaker.display_name()) } " "
                            (layout::badge(affiliation_tone(m.speaker.affiliation), affiliation_label(m.speaker.affiliation)))
                            @if let Some(topic) = &m.topic { " " span.muted.small { "· " (topic) } }
                        }
                        @for s in &m.sentences {
                            p.sentence { time.muted.small { (timestamp(s.start_ms)) } " " (s.text) }
                        }
                    }
                }
            }
        }
    }
}

fn affiliation_label(a: Affiliation) -> &'static str {
    match a {
        Affiliation::Unknown => "Unknown side",
        known => known.as_str(),
    }
}

fn affiliation_tone(a: Affiliation) -> layout::Tone {
    match a {
        Affiliation::External => layout::Tone::Info,
        _ => layout::Tone::Neutral,
    }
}

/// The outcome's category as the card shows it: not when empty, nor when it is the
/// sentiment's own word (the sentiment's badge says it).
fn shown_category(o: &ActivityOutcome) -> Option<&str> {
    let category = o
        .category
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())?;
    let said = o
        .sentiment
        .is_some_and(|s| s.as_str().eq_ignore_ascii_case(category));
    (!said).then_some(category)
}

/// What Gong said of the call (#23): next steps, action items, the outcome with its
/// category and its sentiment (S9) as badges (the word shows; colour only adds to
/// it), and the outline folded. Each section only when it has something.
fn content(c: &ActivityContent) -> Markup {
    if c.is_empty() {
        return html! {};
    }
    html! {
        div.content {
            @if !c.next_steps.is_empty() {
                section.next-steps {
                    h3 { "Next steps" }
                    ul { @for s in &c.next_steps { li { (s) } } }
                }
            }
            @if !c.action_items.is_empty() {
                section.action-items {
                    h3 { "Action items" }
                    ul { @for s in &c.action_items { li { (s) } } }
                }
            }
            @if let Some(o) = &c.outcome {
                section.outcome {
                    h3 { "Outcome" }
                    p {
                        span.outcome-name { (o.name) }
                        @if let Some(category) = shown_category(o) {
                            " " (layout::badge(outcome_tone(category), category))
                        }
                        @if let Some(sentiment) = o.sentiment {
                            " " span.sentiment {
                                span.visually-hidden { "Sentiment: " }
                                (layout::badge(sentiment_tone(sentiment), sentiment))
                            }
                        }
                    }
                }
            }
            @if !c.outline.is_empty() {
                details.outline {
                    summary { "Outline" }
                    @for section in &c.outline {
                        p.outline-section { strong { (section.section) } }
                        @if !section.items.is_empty() { ul { @for item in &section.items { li { (item) } } } }
                    }
                }
            }
        }
    }
}

/// The recording as loaded live from Gong: the audio player (compact, plays on a
/// phone) with links, or the video in a new tab (an inline <video> without captions
/// fails WCAG 1.2.2); S5's message when Gong gave neither.
pub(super) fn recording(media: Result<CallMedia, RecordingFailure>) -> Markup {
    let m = match media {
        Ok(m) => m,
        Err(f) if f.needs_reauthorisation => {
            return html! { span.recording-failed { (RECORDING_FAILED) " " (NEEDS_REAUTHORISATION) } }
        }
        Err(_) => return recording_failed(),
    };
    let video = m.video_url.as_deref().and_then(safe_url);
    let audio = m.audio_url.as_deref().and_then(safe_url);
    html! {
        @if let Some(a) = audio {
            audio.media controls preload="metadata" src=(a) aria-label="Recording of the call" {}
            p.small {
                a.media-link href=(a) target="_blank" rel="noopener noreferrer" { "Download the audio" }
                @if let Some(v) = video { " · " a.video-link href=(v) target="_blank" rel="noopener noreferrer" { "Watch the video" } }
            }
        } @else if let Some(v) = video {
            p { a.media-link.button href=(v) target="_blank" rel="noopener noreferrer" { "Watch the video" } }
        } @else { (recording_failed()) }
    }
}

/// S5's message in place of the recording.
pub(super) fn recording_failed() -> Markup {
    html! { span.recording-failed { (RECORDING_FAILED) } }
}
