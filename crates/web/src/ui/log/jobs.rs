//! The Execution log page: jobs filtered by job date, status, connection and
//! trigger, with the charts, one keyset page at a time; runs of webhook batches
//! folded into one row each.

use gong_timeline_domain::{JobStatus, Trigger};
use gong_timeline_store::{Connection, ConnectionId, Job, JobFilter};
use maud::{html, Markup};

use super::batches::{self, Batches, Row};
use super::controls::{date_control, download_form, status_checks};
use super::query::{date_window, effective_range, query_string, statuses, LogQuery};
use crate::auth::AdminSession;
use crate::error::ApiError;
use crate::state::AppState;
use crate::ui::insights;
use crate::ui::layout::{self, page, time, time_opt};

/// The log page; with `error` (a refused filter) it lists nothing and says why
/// beside the filter.
pub(super) async fn jobs_page(
    state: &AppState,
    s: &AdminSession,
    q: &LogQuery,
    error: Option<&ApiError>,
) -> Result<Markup, ApiError> {
    let (from, to) = match error {
        Some(_) => (None, None),
        None => date_window(effective_range(q), &q.from, &q.to, state.now())?,
    };
    let connection_id = q.connection_id()?;
    let connections = state.store.list_connections().await?;
    let keyset = q.keyset::<gong_timeline_store::Job>()?;
    let chosen: Vec<JobStatus> = statuses(&q.status)?;
    let trigger = q.trigger()?;
    let filter = JobFilter {
        from,
        to,
        statuses: chosen.clone(),
        triggers: trigger.into_iter().collect(),
        connection_id,
        limit: Some(keyset.fetch_limit()),
        seek: keyset.seek,
    };
    let (rows, total) = match error {
        Some(_) => (Vec::new(), 0),
        None => (
            state.store.list_jobs(filter.clone()).await?,
            state.store.count_jobs(&filter).await?,
        ),
    };
    let shown = keyset.cut(rows);
    let charts = insights::log_charts(state).await?;
    let any_job = !shown.rows.is_empty()
        || !state
            .store
            .list_jobs(JobFilter {
                limit: Some(1),
                ..JobFilter::default()
            })
            .await?
            .is_empty();
    Ok(page(
        "Execution log",
        s,
        html! {
            @if !any_job {
                (layout::empty("no-jobs-yet", "No jobs yet", html! {
                    p { "A job appears here when a connection syncs: on its schedule, after saving its Timeline settings, or when you start one." }
                    a.button.primary href="/connectors" { "Initiate Sync" }
                }))
            }
            (charts)
            (filter_form(q, error, &connections, (connection_id, trigger), &chosen))
            (jobs_table(s, &shown.rows))
            (shown.pager(total, |param, cursor, p| format!("/log?{}", query_string(q, param, cursor, p))))
        },
    ))
}

/// The filters: job date, connection, statuses; a refused one says why above them.
fn filter_form(
    q: &LogQuery,
    error: Option<&ApiError>,
    connections: &[Connection],
    (connection_id, trigger): (Option<ConnectionId>, Option<Trigger>),
    chosen: &[JobStatus],
) -> Markup {
    html! {
        form.card method="get" action="/log" id="log-filter" {
            @if let Some(e) = error { p.error id="filter-error" role="alert" { (e.public_message()) } }
            div.filters {
                (date_control(q))
                label for="connection" { "Connection" }
                select name="connection" id="connection" {
                    option value="" { "All connections" }
                    @for c in connections {
                        option value=(c.id) selected[connection_id == Some(c.id)] { (c.name) }
                    }
                }
                label for="trigger" { "Trigger" }
                select name="trigger" id="trigger" {
                    option value="" { "All triggers" }
                    @for t in Trigger::ALL {
                        option value=(t) selected[trigger == Some(*t)] { (t) }
                    }
                }
                (status_checks("Execution Status", "status", JobStatus::ALL, chosen, |s| layout::badge(layout::job_tone(*s), s)))
            }
            div.actions {
                button.primary type="submit" id="apply-filter" { "Apply" }
                a.button href="/log" { "Clear" }
            }
        }
    }
}

/// The job table's columns (a row's cells carry them as `data-label`, which names
/// the cells of a row shown as a card on a phone).
const COLUMNS: [&str; 12] = [
    "Job",
    "Connection",
    "Trigger",
    "Status",
    "Started",
    "Finished",
    "Fetched",
    "Created",
    "Updated",
    "Skipped",
    "Failed",
    "Logs",
];

/// One page of jobs with their counts and a download each; runs of webhook
/// batches folded into one row each ([`batches`]).
fn jobs_table(s: &AdminSession, rows: &[Job]) -> Markup {
    layout::table_wrap(
        "Jobs",
        html! {
            table id="jobs" {
                thead { tr { @for c in COLUMNS { th scope="col" { (c) } } } }
                tbody {
                    @for row in batches::rows(rows) {
                        @match row {
                            Row::Job(j) => (job_row(s, j)),
                            Row::Batches(b) => (batches_row(&b)),
                        }
                    }
                    @if rows.is_empty() { tr { td colspan="12" id="no-jobs" { "No job matches these filters." } } }
                }
            }
        },
    )
}

fn job_row(s: &AdminSession, j: &Job) -> Markup {
    let [job, connection, trigger, status, started, finished, fetched, created, updated, skipped, failed, logs] =
        COLUMNS;
    html! {
        tr.job data-status=(j.status) {
            td data-label=(job) { a href={ "/log/jobs/" (j.id) } { (j.id) } }
            td data-label=(connection) { (j.connection) }
            td data-label=(trigger) { (j.trigger) }
            td.status data-label=(status) { (layout::badge(layout::job_tone(j.status), j.status)) }
            td data-label=(started) { (time(j.started_at)) }
            td data-label=(finished) { (time_opt(j.finished_at)) }
            td data-label=(fetched) { (j.counts.fetched) }
            td data-label=(created) { (j.counts.created) }
            td data-label=(updated) { (j.counts.updated) }
            td data-label=(skipped) { (j.counts.skipped) }
            td data-label=(failed) { (j.counts.failed) }
            td data-label=(logs) { (download_form(s, j.id, &[])) }
        }
    }
}

/// A run of webhook batches: one row saying what they add up to, that opens to
/// each batch with its status and counts.
fn batches_row(b: &Batches) -> Markup {
    let failed_jobs = b
        .jobs
        .iter()
        .filter(|j| j.status == JobStatus::Failed)
        .count();
    html! {
        tr.webhook-batches data-jobs=(b.jobs.len()) {
            td colspan="12" {
                details.webhook-batches {
                    summary {
                        span.batch-summary { (b.summary()) }
                        " · " (b.jobs[0].connection) " · " (b.hour_text())
                        @if failed_jobs > 0 { " " (layout::badge(layout::Tone::Bad, format!("{failed_jobs} Failed"))) }
                    }
                    ul.batch-list {
                        @for j in &b.jobs {
                            li.job data-status=(j.status) {
                                a href={ "/log/jobs/" (j.id) } { "Job " (j.id) } " "
                                (layout::badge(layout::job_tone(j.status), j.status))
                                " " span.muted.small { "started " (time(j.started_at)) " · "
                                    (j.counts.fetched) " read, " (j.counts.created) " created, "
                                    (j.counts.updated) " updated, " (j.counts.skipped) " skipped, "
                                    (j.counts.failed) " failed" }
                            }
                        }
                    }
                }
            }
        }
    }
}
