//! The pictures of the execution log and a connection's page: meetings per job by
//! outcome, job durations, a connection's freshness (time since its last successful
//! sync) and its recent jobs. Read from the store, drawn by [`crate::ui::charts`].

use chrono::{DateTime, Duration, Utc};
use gong_timeline_domain::JobStatus;
use gong_timeline_store::{ConnectionId, Job, JobFilter};
use maud::{html, Markup};

use crate::error::ApiError;
use crate::state::AppState;
use crate::ui::charts::{self, Chart, Series, OUTCOMES};
use crate::ui::layout::{self, Tone};

/// Jobs drawn at most (the most recent).
const MAX_JOBS: u32 = 30;

async fn recent_jobs(
    state: &AppState,
    connection_id: Option<ConnectionId>,
    since: Option<DateTime<Utc>>,
    limit: u32,
) -> Result<Vec<Job>, ApiError> {
    let mut jobs = state
        .store
        .list_jobs(JobFilter {
            from: since,
            connection_id,
            limit: Some(limit),
            ..JobFilter::default()
        })
        .await?;
    jobs.reverse(); // oldest first, left to right
    Ok(jobs)
}

/// Meetings per job stacked by outcome.
pub fn outcomes_chart(id: &str, title: &str, jobs: &[Job]) -> Chart {
    Chart {
        id: id.into(),
        title: title.into(),
        label_header: "Job",
        series: OUTCOMES.to_vec(),
        bars: jobs
            .iter()
            .map(|j| {
                let c = &j.counts;
                let v = [c.created, c.updated, c.skipped, c.failed].map(|n| n as f64);
                (format!("#{}", j.id), v.to_vec())
            })
            .collect(),
        format: charts::count,
    }
}

/// Seconds from start to finish (running jobs: until `now`).
pub fn job_seconds(job: &Job, now: DateTime<Utc>) -> f64 {
    let end = job.finished_at.unwrap_or(now);
    (end - job.started_at).num_milliseconds().max(0) as f64 / 1000.0
}

fn durations_chart(jobs: &[Job], now: DateTime<Utc>) -> Chart {
    Chart {
        id: "job-durations".into(),
        title: "Job durations".into(),
        label_header: "Job",
        series: vec![Series {
            class: "alt",
            label: "Duration",
        }],
        bars: jobs
            .iter()
            .map(|j| (format!("#{}", j.id), vec![job_seconds(j, now)]))
            .collect(),
        format: charts::seconds,
    }
}

/// The execution log's charts: the last 30 days.
pub async fn log_charts(state: &AppState) -> Result<Markup, ApiError> {
    let now = state.now();
    let jobs = recent_jobs(state, None, Some(now - Duration::days(30)), MAX_JOBS).await?;
    if jobs.is_empty() {
        return Ok(html! {});
    }
    Ok(html! {
        section.grid aria-label="Charts" {
            div.card { (charts::render(&outcomes_chart("meetings-per-job", "Meetings per job, last 30 days", &jobs))) }
            div.card { (charts::render(&durations_chart(&jobs, now))) }
        }
    })
}

/// How long ago, in words: `5 minutes`, `3 hours`, `2 days`.
pub fn ago(d: Duration) -> String {
    let plural = |n: i64, unit: &str| format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
    match d.num_seconds().max(0) {
        s if s < 60 => "less than a minute".into(),
        s if s < 3600 => plural(s / 60, "minute"),
        s if s < 86_400 => plural(s / 3600, "hour"),
        s => plural(s / 86_400, "day"),
    }
}

/// Fresh within a day (the daily schedule), late within three, then stale.
pub fn freshness_tone(d: Duration) -> Tone {
    match d.num_hours() {
        h if h < 26 => Tone::Ok,
        h if h < 72 => Tone::Warn,
        _ => Tone::Bad,
    }
}

/// A connection's freshness and its recent jobs.
pub async fn connection_charts(state: &AppState, id: ConnectionId) -> Result<Markup, ApiError> {
    let now = state.now();
    let last_good = state
        .store
        .list_jobs(JobFilter {
            connection_id: Some(id),
            statuses: vec![JobStatus::Success, JobStatus::PartialSuccess],
            limit: Some(1),
            ..JobFilter::default()
        })
        .await?
        .into_iter()
        .next();
    let jobs = recent_jobs(state, Some(id), None, 10).await?;
    Ok(html! {
        section.grid aria-label="Sync health" {
            div.card id="freshness" {
                h2 { "Freshness" }
                @match last_good.as_ref().and_then(|j| j.finished_at) {
                    Some(at) => {
                        p.stat { (ago(now - at)) " ago" }
                        p { (layout::badge(freshness_tone(now - at), match freshness_tone(now - at) { Tone::Ok => "Up to date", Tone::Warn => "Late", _ => "Stale" }))
                            " last successful sync finished " (layout::time(at)) }
                    }
                    None => {
                        p.stat { "Never" }
                        p { (layout::badge(Tone::Neutral, "No successful sync yet")) " Initiate a sync to fill the Timeline." }
                    }
                }
            }
            @if !jobs.is_empty() {
                div.card { (charts::render(&outcomes_chart("connection-jobs", "Meetings of the recent jobs", &jobs))) }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn freshness_reads_in_words_and_colours() {
        assert_eq!(ago(Duration::seconds(30)), "less than a minute");
        assert_eq!(ago(Duration::minutes(1)), "1 minute");
        assert_eq!(ago(Duration::hours(5)), "5 hours");
        assert_eq!(ago(Duration::days(3)), "3 days");
        assert_eq!(freshness_tone(Duration::hours(2)), Tone::Ok);
        assert_eq!(freshness_tone(Duration::hours(30)), Tone::Warn);
        assert_eq!(freshness_tone(Duration::days(4)), Tone::Bad);
    }
}
