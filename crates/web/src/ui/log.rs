//! The execution log (L1–L4): jobs filtered by job date (today, last 7 days, last
//! 30 days, a custom range) and execution status (several at once), with counts;
//! a job's records page by page; the .xlsx download per job.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use axum_extra::extract::{Form, Query, QueryRejection};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use gong_timeline_domain::{JobStatus, RecordStatus};
use gong_timeline_store::{JobFilter, JobId, RecordFilter};
use maud::{html, Markup};
use serde::Deserialize;

use crate::auth::AdminSession;
use crate::error::ApiError;
use crate::service::{exports, lookup};
use crate::state::AppState;
use crate::ui::error::{refused, PageError, PageResult};
use crate::ui::insights;
use crate::ui::layout::{self, csrf_input, page, time, time_opt};
use crate::ui::paging::KeysetPage;

/// The log's filters as query parameters.
#[derive(Debug, Deserialize, Default)]
pub(crate) struct LogQuery {
    #[serde(default)]
    range: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    status: Vec<String>,
    /// The page's number: a label the Previous / Next links carry.
    #[serde(default)]
    page: Option<u32>,
    /// The cursor of the row the page starts after (Next).
    #[serde(default)]
    after: Option<String>,
    /// The cursor of the row the page ends before (Previous).
    #[serde(default)]
    before: Option<String>,
    #[serde(default)]
    export: Option<String>,
    /// One connection's jobs (its id), or all.
    #[serde(default)]
    connection: Option<String>,
}

/// The query, or a 400 page inside the layout saying which parameter is wrong.
fn parsed(q: Result<Query<LogQuery>, QueryRejection>) -> Result<LogQuery, ApiError> {
    q.map(|Query(q)| q).map_err(|e| {
        ApiError::BadRequest(format!(
            "This address has a parameter the log cannot read ({}). Use the filters on the Execution log page instead.",
            e.body_text().trim_start_matches("Failed to deserialize query string: ")
        ))
    })
}

impl LogQuery {
    /// The chosen connection's id; a value that is not a connection id is refused.
    fn connection_id(&self) -> Result<Option<i64>, ApiError> {
        match self.connection.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(v) => v.parse().map(Some).map_err(|_| {
                ApiError::BadRequest(format!(
                    "'{v}' is not a connection; pick one in the Connection list"
                ))
            }),
        }
    }
}

/// Start (inclusive) and end (exclusive) of a job date range.
pub type Window = (Option<DateTime<Utc>>, Option<DateTime<Utc>>);

/// The job date window of a preset or custom range; `to` is exclusive.
pub fn date_window(
    range: &str,
    from: &str,
    to: &str,
    now: DateTime<Utc>,
) -> Result<Window, ApiError> {
    let midnight = |d: NaiveDate| d.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
    let today = midnight(now.date_naive());
    Ok(match range {
        "today" => (today, None),
        "7d" => (today.map(|t| t - Duration::days(6)), None),
        "30d" => (today.map(|t| t - Duration::days(29)), None),
        "custom" => {
            let day = |s: &str, field: &str| -> Result<Option<NaiveDate>, ApiError> {
                if s.trim().is_empty() {
                    return Ok(None);
                }
                NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
                    .map(Some)
                    .map_err(|_| {
                        ApiError::invalid(field, format!("'{s}' is not a date (YYYY-MM-DD)"))
                    })
            };
            let (f, t) = (day(from, "from")?, day(to, "to")?);
            if let (Some(f), Some(t)) = (f, t) {
                if t < f {
                    return Err(ApiError::invalid(
                        "to",
                        format!("the range ends ({t}) before it starts ({f}): make To the same day as From or later"),
                    ));
                }
            }
            (
                f.and_then(midnight),
                t.and_then(|d| midnight(d + Duration::days(1))),
            )
        }
        _ => (None, None),
    })
}

fn statuses<T: std::str::FromStr>(given: &[String]) -> Result<Vec<T>, ApiError>
where
    T::Err: std::fmt::Display,
{
    given
        .iter()
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<T>().map_err(|e| ApiError::invalid("status", e)))
        .collect()
}

/// The filters of `q` with a page's position: `after` or `before` a cursor, and
/// the page's number.
fn query_string(q: &LogQuery, param: &str, cursor: &str, page: u64) -> String {
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    out.append_pair("range", &q.range)
        .append_pair("from", &q.from)
        .append_pair("to", &q.to);
    if let Some(c) = &q.connection {
        out.append_pair("connection", c);
    }
    for s in &q.status {
        out.append_pair("status", s);
    }
    out.append_pair(param, cursor)
        .append_pair("page", &page.to_string());
    out.finish()
}

impl LogQuery {
    /// The keyset page the address asks for.
    fn keyset<T: crate::paging::Keyed>(&self) -> Result<KeysetPage<T>, ApiError> {
        KeysetPage::parse(self.after.as_deref(), self.before.as_deref(), self.page)
    }
}

/// One click: the workbook is written with the record statuses in force and
/// downloaded at once; its 30-day link is listed beside the job.
fn download_form(s: &AdminSession, job: JobId, statuses: &[RecordStatus]) -> Markup {
    html! {
        form.inline method="post" action={ "/log/jobs/" (job) "/export" } {
            (csrf_input(s))
            @for st in statuses { input type="hidden" name="status" value=(st); }
            button type="submit" class="download" data-job=(job) aria-label={ "Download .xlsx of job " (job) } { "Download .xlsx" }
        }
    }
}

/// Job Date: presets and a custom range in one control (the dates show for
/// "Custom range"; without scripts they always show).
fn date_control(q: &LogQuery) -> Markup {
    let range = effective_range(q);
    html! {
        fieldset.date-range {
            legend { "Job Date" }
            select name="range" id="range" aria-label="Job Date" {
                @for (v, label) in [("", "Any date"), ("today", "Today"), ("7d", "Last 7 days"), ("30d", "Last 30 days"), ("custom", "Custom range…")] {
                    option value=(v) selected[range == v] { (label) }
                }
            }
            div.custom-range.row {
                label { "From" input type="date" name="from" id="from" value=(q.from); }
                label { "To" input type="date" name="to" id="to" value=(q.to); }
            }
        }
    }
}

/// A range with dates but no preset is a custom range.
fn effective_range(q: &LogQuery) -> &str {
    if q.range.is_empty() && (!q.from.trim().is_empty() || !q.to.trim().is_empty()) {
        "custom"
    } else {
        &q.range
    }
}

/// Statuses as checkboxes (several at once, no Ctrl-click).
fn status_checks<T: std::fmt::Display + PartialEq>(
    legend: &str,
    name: &str,
    all: &[T],
    chosen: &[T],
    badge: impl Fn(&T) -> Markup,
) -> Markup {
    html! {
        fieldset.checks id={ (name) "-checks" } {
            legend { (legend) }
            @for st in all {
                label.check { input type="checkbox" name=(name) value=(st.to_string()) checked[chosen.contains(st)]; (badge(st)) }
            }
        }
    }
}

/// `GET /log`.
pub(crate) async fn jobs(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    q: Result<Query<LogQuery>, QueryRejection>,
) -> PageResult {
    let q = parsed(q)?;
    match jobs_page(&state, &s, &q, None).await {
        Ok(markup) => Ok(markup.into_response()),
        Err(error @ ApiError::Invalid { .. }) => Ok(refused(
            &error,
            jobs_page(&state, &s, &q, Some(&error)).await?,
        )),
        Err(error) => Err(error.into()),
    }
}

/// The log page; with `error` (a refused filter) it lists nothing and says why
/// beside the filter.
async fn jobs_page(
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
    let filter = JobFilter {
        from,
        to,
        statuses: chosen.clone(),
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
    let rows = &shown.rows;
    let charts = insights::log_charts(state).await?;
    let any_job = !rows.is_empty()
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
            form.card method="get" action="/log" id="log-filter" {
                @if let Some(e) = error { p.error id="filter-error" role="alert" { (e.public_message()) } }
                div.filters {
                    (date_control(q))
                    label for="connection" { "Connection" }
                    select name="connection" id="connection" {
                        option value="" { "All connections" }
                        @for c in &connections {
                            option value=(c.id) selected[connection_id == Some(c.id)] { (c.name) }
                        }
                    }
                    (status_checks("Execution Status", "status", JobStatus::ALL, &chosen, |s| layout::badge(layout::job_tone(*s), s)))
                }
                div.actions {
                    button.primary type="submit" id="apply-filter" { "Apply" }
                    a.button href="/log" { "Clear" }
                }
            }
            div.table-wrap { table id="jobs" {
                thead { tr { th { "Job" } th { "Connection" } th { "Trigger" } th { "Status" } th { "Started" } th { "Finished" }
                    th { "Fetched" } th { "Created" } th { "Updated" } th { "Skipped" } th { "Failed" } th { "Logs" } } }
                tbody {
                    @for j in rows {
                        tr.job data-status=(j.status) {
                            td { a href={ "/log/jobs/" (j.id) } { (j.id) } }
                            td { (j.connection) } td { (j.trigger) } td.status { (layout::badge(layout::job_tone(j.status), j.status)) }
                            td { (time(j.started_at)) } td { (time_opt(j.finished_at)) }
                            td { (j.counts.fetched) } td { (j.counts.created) } td { (j.counts.updated) } td { (j.counts.skipped) } td { (j.counts.failed) }
                            td { (download_form(s, j.id, &[])) }
                        }
                    }
                    @if rows.is_empty() { tr { td colspan="12" id="no-jobs" { "No job matches these filters." } } }
                }
            } }
            (shown.pager(total, |param, cursor, p| format!("/log?{}", query_string(q, param, cursor, p))))
        },
    ))
}

/// `GET /log/jobs/{id}`.
pub(crate) async fn job(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    Path(id): Path<JobId>,
    q: Result<Query<LogQuery>, QueryRejection>,
) -> PageResult<Markup> {
    let q = parsed(q)?;
    Ok(job_page(&state, &s, id, &q).await?)
}

async fn job_page(
    state: &AppState,
    s: &AdminSession,
    id: JobId,
    q: &LogQuery,
) -> Result<Markup, ApiError> {
    let job = lookup::job(state, id).await?;
    let chosen: Vec<RecordStatus> = statuses(&q.status)?;
    let keyset = q.keyset::<gong_timeline_store::LogRecord>()?;
    // Counts stored with the job, and one keyset page: no COUNT(*), no OFFSET.
    let counts = state.store.count_log_records(id).await?;
    let records = state
        .store
        .list_log_records(RecordFilter {
            job_id: id,
            statuses: chosen.clone(),
            limit: Some(keyset.fetch_limit()),
            seek: crate::paging::records_seek(keyset.seek, id)?,
        })
        .await?;
    let shown = keyset.cut(records);
    let records = &shown.rows;
    let downloads = exports::live(state, id).await?;
    let export = match q.export.as_deref() {
        Some(token) => state
            .store
            .export_by_token(token)
            .await?
            .filter(|e| e.job_id == id),
        None => None,
    };
    // A link from an old bookmark or e-mail: say it expired rather than start a
    // download that would get 410.
    let (export, expired_link) = match export {
        Some(e) if state.now() < e.expires_at && !e.file_deleted => (Some(e), false),
        Some(_) => (None, true),
        None => (None, false),
    };
    Ok(page(
        &format!("Job {id}"),
        s,
        html! {
            p { (job.connection) " · " (job.trigger) " · " strong id="job-status" { (layout::badge(layout::job_tone(job.status), job.status)) } " · started " (time(job.started_at)) " · finished " (time_opt(job.finished_at)) }
            @if let Some(m) = &job.message { p.error { (m) } }
            p { (counts.created) " created, " (counts.updated) " updated, " (counts.skipped) " skipped, " (counts.failed) " failed (" (counts.total()) " records)" }
            @if expired_link {
                p.error role="status" id="export-expired" { "This download link expired (links last 30 days); download the log again." }
            }
            @if let Some(e) = &export {
                div.notice role="status" {
                    "Your download starts now. "
                    a href={ "/exports/" (e.token) } id="download-link" data-autodownload download { "Download job-" (id) ".xlsx" }
                    " — this link works until " (time(e.expires_at)) "."
                    noscript { meta http-equiv="refresh" content={ "0;url=/exports/" (e.token) }; }
                }
            }
            form.card method="get" action={ "/log/jobs/" (id) } id="record-filter" {
                (status_checks("Status", "status", RecordStatus::ALL, &chosen, |s| layout::badge(layout::record_tone(*s), s)))
                div.actions {
                    button.primary type="submit" id="apply-record-filter" { "Apply" }
                    a.button href={ "/log/jobs/" (id) } { "Clear" }
                }
            }
            div.card {
                (download_form(s, id, &chosen))
                p.muted.small { "The workbook holds the records shown by the status filter"
                    @if chosen.is_empty() { " (all of them)" } @else { ": " @for (i, st) in chosen.iter().enumerate() { @if i > 0 { ", " } (st) } }
                    ". Its link works for 30 days." }
                @if !downloads.is_empty() {
                    h2 id="downloads-title" { "Downloads of this job" }
                    ul.downloads id="downloads" aria-labelledby="downloads-title" {
                        @for e in &downloads {
                            li.download-item {
                                a href={ "/exports/" (e.token) } download { "job-" (id) ".xlsx" }
                                span.muted.small { " made " (time(e.created_at)) " · works until " (time(e.expires_at)) }
                            }
                        }
                    }
                }
            }
            div.table-wrap { table id="records" {
                thead { tr { th { "Call" } th { "Title" } th { "Date" } th { "Status" } th { "Activity" } th { "Message" } } }
                tbody {
                    @for r in records {
                        tr.record data-status=(r.status) data-call=(r.gong_call_id) {
                            td { (r.gong_call_id) } td.title { (r.title.clone().unwrap_or_default()) } td { (time_opt(r.meeting_date)) }
                            td.status { (layout::badge(layout::record_tone(r.status), r.status)) }
                            td { @if let Some(a) = r.activity_id { a href={ "/activities/" (a) } { (a) } } @else { span.muted { "none" } } }
                            td.message { (r.message.clone().unwrap_or_default()) }
                        }
                    }
                    @if records.is_empty() { tr { td colspan="6" id="no-records" {
                        @if chosen.is_empty() { "This job read no meeting." } @else { "No record of this job has these statuses. " a href={ "/log/jobs/" (id) } { "Show all" } }
                    } } }
                }
            } }
            (shown.pager(counts.matching(&chosen), |param, cursor, p| format!("/log/jobs/{id}?{}", query_string(q, param, cursor, p))))
        },
    ))
}

/// The export form: the record statuses in force.
#[derive(Debug, Deserialize, Default)]
pub(crate) struct ExportForm {
    #[serde(default)]
    status: Vec<String>,
}

/// `POST /log/jobs/{id}/export`: writes the workbook of the records the filter
/// shows, then the job page lists its link and downloads it at once.
pub(crate) async fn export(
    State(state): State<AppState>,
    Path(id): Path<JobId>,
    Form(f): Form<ExportForm>,
) -> PageResult<Redirect> {
    let chosen: Vec<RecordStatus> = statuses(&f.status)?;
    let e = exports::create(&state, id, chosen).await?;
    let mut q = url::form_urlencoded::Serializer::new(String::new());
    q.append_pair("export", &e.token);
    for s in &f.status {
        q.append_pair("status", s);
    }
    Ok(Redirect::to(&format!("/log/jobs/{id}?{}", q.finish())))
}

/// `GET /exports/{token}`: the file, or 410 Gone after 30 days.
pub(crate) async fn download(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: axum::http::HeaderMap,
) -> Response {
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    let fail = |error: ApiError| {
        if wants_html {
            PageError(error).into_response()
        } else {
            error.into_response()
        }
    };
    match exports::open(&state, &token).await {
        Ok((export, path)) => match tokio::fs::read(&path).await {
            Ok(bytes) => (
                [
                    (
                        header::CONTENT_TYPE,
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                            .to_string(),
                    ),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"job-{}.xlsx\"", export.job_id),
                    ),
                ],
                Body::from(bytes),
            )
                .into_response(),
            Err(e) => fail(ApiError::Internal(format!(
                "reading {}: {e}",
                path.display()
            ))),
        },
        Err(error) => fail(error),
    }
}
