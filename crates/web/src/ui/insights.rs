//! The pictures of the execution log and a connection's page: meetings per job by
//! outcome, job durations, a connection's freshness (time since its last successful
//! sync) and its recent jobs. Read from the store, drawn by [`crate::ui::charts`].

use chrono::{DateTime, Duration, Utc};
use gong_timeline_domain::{JobStatus, RecordStatus};
use gong_timeline_store::{ConnectionId, Job, JobFilter};
use maud::{html, Markup};

use crate::error::ApiError;
use crate::state::AppState;
use crate::ui::charts::{self, Chart, Series};
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
        series: charts::outcomes(),
        bars: jobs
            .iter()
            .map(|j| {
                let v = RecordStatus::ALL.iter().map(|s| j.counts.of(*s) as f64);
                (format!("#{}", j.id), v.collect())
            })
            .collect(),
        total: None,
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
        title: format!("Job durations, {}", log_scope(jobs.len())),
        label_header: "Job",
        series: vec![Series {
            class: "alt",
            label: "Duration",
        }],
        bars: jobs
            .iter()
            .map(|j| (format!("#{}", j.id), vec![job_seconds(j, now)]))
            .collect(),
        total: None,
        format: charts::seconds,
    }
}

/// What the execution log's charts cover, truly (#20 item 3): the last 30 days, or
/// the last [`MAX_JOBS`] jobs of them when there were more.
pub fn log_scope(drawn: usize) -> String {
    if drawn >= MAX_JOBS as usize {
        format!("last {MAX_JOBS} jobs")
    } else {
        "last 30 days".to_string()
    }
}

/// The execution log's charts: the last 30 days, at most [`MAX_JOBS`] jobs.
pub async fn log_charts(state: &AppState) -> Result<Markup, ApiError> {
    let now = state.now();
    let jobs = recent_jobs(state, None, Some(now - Duration::days(30)), MAX_JOBS).await?;
    if jobs.is_empty() {
        return Ok(html! {});
    }
    Ok(html! {
        section.grid aria-label="Charts" {
            div.card { (charts::render(&outcomes_chart("meetings-per-job", &format!("Meetings per job, {}", log_scope(jobs.len())), &jobs))) }
            div.card { (charts::render(&durations_chart(&jobs, now))) }
        }
    })
}

/// The Gong requests chart's series: the answered requests, the 429s on top, so
/// that a bar's height is all of the job's requests.
const GONG_SERIES: [Series; 2] = [
    Series {
        class: "bar",
        label: "Answered",
    },
    Series {
        class: "alt",
        label: "429 Too Many Requests",
    },
];

/// Gong requests per job, the 429s stacked on the answered ones. Jobs whose
/// requests are unknown (running, or finished before they were counted) are left
/// out; `None` when that leaves none.
pub fn gong_chart(jobs: &[Job]) -> Option<Chart> {
    let bars: Vec<(String, Vec<f64>)> = jobs
        .iter()
        .filter_map(|j| {
            let g = j.gong?;
            let answered = g.requests.saturating_sub(g.rate_limited);
            Some((
                format!("#{}", j.id),
                vec![answered as f64, g.rate_limited as f64],
            ))
        })
        .collect();
    (!bars.is_empty()).then(|| Chart {
        id: "connection-gong-requests".into(),
        title: "Gong requests and 429s of the recent jobs".into(),
        label_header: "Job",
        series: GONG_SERIES.to_vec(),
        bars,
        total: Some("Requests"),
        format: charts::count,
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

/// The freshness badge: the last successful sync's age, unless a sync failed after
/// it — then the Timeline is no longer being kept up to date, however recent that was.
pub fn freshness_badge(since_good: Duration, newest_failed: bool) -> (Tone, &'static str) {
    match freshness_tone(since_good) {
        Tone::Ok if newest_failed => (Tone::Warn, "Newest sync failed"),
        Tone::Ok => (Tone::Ok, "Up to date"),
        Tone::Warn => (Tone::Warn, "Late"),
        tone => (tone, "Stale"),
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
    let gong = gong_chart(&jobs);
    let uncounted = jobs.iter().filter(|j| j.gong.is_none()).count();
    Ok(html! {
        section.grid aria-label="Sync health" {
            div.card id="freshness" {
                h2 { "Freshness" }
                @match last_good.as_ref().and_then(|j| j.finished_at) {
                    Some(at) => {
                        p.stat { (ago(now - at)) " ago" }
                        @let newest_failed = jobs.last().is_some_and(|j| j.status == JobStatus::Failed);
                        @let (tone, label) = freshness_badge(now - at, newest_failed);
                        p { (layout::badge(tone, label))
                            " last successful sync finished " (layout::time(at)) }
                    }
                    None => {
                        p.stat { "Never" }
                        p { (layout::badge(Tone::Neutral, "No successful sync yet")) " Initiate a sync to fill the Timeline." }
                    }
                }
            }
            @if !jobs.is_empty() {
                div.card { (charts::render(&outcomes_chart("connection-jobs", &match jobs.len() { 1 => "Meetings of the last job".to_string(), n => format!("Meetings of the last {n} jobs") }, &jobs))) }
            }
            @if let Some(chart) = &gong {
                div.card {
                    (charts::render(chart))
                    @if uncounted > 0 {
                        p.muted.small { (uncounted) " of the recent jobs are not drawn: running, or finished before Gong requests were counted." }
                    }
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use gong_timeline_domain::Trigger;
    use gong_timeline_store::JobId;
    use gong_timeline_store::{GongUsage, JobCounts};

    use super::*;

    fn job(id: i64, gong: Option<GongUsage>) -> Job {
        Job {
            id: JobId::new(id),
            connection_id: ConnectionId::new(1),
            connection: "acme".into(),
            trigger: Trigger::Schedule,
            status: JobStatus::Success,
            started_at: Utc.with_ymd_and_hms(2026, 11, 24, 4, 0, 0).unwrap(),
            finished_at: None,
            counts: JobCounts::default(),
            message: None,
            gong,
            lease_owner: None,
            lease_expires_at: None,
            lease_generation: id,
        }
    }

    #[test]
    fn a_recent_success_is_up_to_date_unless_a_sync_failed_since() {
        let hours = Duration::hours;
        assert_eq!(freshness_badge(hours(2), false), (Tone::Ok, "Up to date"));
        assert_eq!(
            freshness_badge(hours(2), true),
            (Tone::Warn, "Newest sync failed")
        );
        assert_eq!(freshness_badge(hours(30), true), (Tone::Warn, "Late"));
        assert_eq!(freshness_badge(hours(100), false), (Tone::Bad, "Stale"));
    }

    #[test]
    fn the_gong_chart_stacks_429s_on_answered_requests_and_leaves_out_unknown_jobs() {
        let used = |requests, rate_limited| {
            Some(GongUsage {
                requests,
                rate_limited,
            })
        };
        let jobs = [job(1, None), job(2, used(12, 3)), job(3, used(0, 0))];
        let chart = gong_chart(&jobs).expect("two jobs counted");
        assert_eq!(
            chart.bars,
            vec![
                ("#2".to_string(), vec![9.0, 3.0]),
                ("#3".to_string(), vec![0.0, 0.0])
            ]
        );
        assert_eq!(chart.total, Some("Requests"));
        assert!(gong_chart(&[job(4, None)]).is_none());
    }

    #[test]
    fn a_chart_of_the_log_says_jobs_when_it_was_cut_at_the_most_jobs() {
        assert_eq!(log_scope(3), "last 30 days");
        assert_eq!(log_scope(29), "last 30 days");
        assert_eq!(log_scope(30), "last 30 jobs");
    }

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
