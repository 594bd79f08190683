//! `/healthz` (the database answers) and `/metrics` in Prometheus' text format:
//! jobs by status, meetings by outcome, activities, job durations, the web layer's
//! Gong requests and failures, background syncs running; per connection, its Gong
//! requests of the last 24 hours by purpose, its daily budget and what is left (Q4).

use std::fmt::Write;
use std::sync::atomic::Ordering;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use gong_timeline_domain::{JobStatus, RecordStatus};
use gong_timeline_store::JobFilter;

use crate::error::ApiError;
use crate::state::AppState;

/// `GET /healthz`: whether the database answers, and which replica answered (its
/// lease owner, `host:pid`, as the jobs it runs show it).
pub(crate) async fn healthz(State(state): State<AppState>) -> Response {
    let replica = gong_timeline_sync::lease::this_process();
    match state.store.count_admins().await {
        Ok(_) => (
            StatusCode::OK,
            format!("ok\ndatabase: ok\nreplica: {replica}\n"),
        )
            .into_response(),
        Err(error) => {
            tracing::warn!(%error, "Health check failed.");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                format!("database unavailable\ndatabase: unavailable\nreplica: {replica}\n"),
            )
                .into_response()
        }
    }
}

/// `GET /metrics`.
pub(crate) async fn metrics(State(state): State<AppState>) -> Response {
    match render(&state).await {
        Ok(text) => ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text).into_response(),
        Err(error) => error.into_response(),
    }
}

async fn render(state: &AppState) -> Result<String, ApiError> {
    let jobs = state.store.list_jobs(JobFilter::default()).await?;
    let mut out = String::new();
    let w = &mut out;
    let _ = writeln!(
        w,
        "# HELP gong_timeline_jobs Sync jobs by status.\n# TYPE gong_timeline_jobs gauge"
    );
    for status in JobStatus::ALL {
        let n = jobs.iter().filter(|j| j.status == *status).count();
        let _ = writeln!(w, "gong_timeline_jobs{{status=\"{status}\"}} {n}");
    }
    let _ = writeln!(w, "# HELP gong_timeline_meetings_total Meetings handled by outcome, over all jobs.\n# TYPE gong_timeline_meetings_total counter");
    let sum = |f: fn(&gong_timeline_store::JobCounts) -> u64| {
        jobs.iter().map(|j| f(&j.counts)).sum::<u64>()
    };
    for (label, n) in [
        ("fetched", sum(|c| c.fetched)),
        (RecordStatus::Created.as_str(), sum(|c| c.created)),
        (RecordStatus::Updated.as_str(), sum(|c| c.updated)),
        (RecordStatus::Skipped.as_str(), sum(|c| c.skipped)),
        (RecordStatus::Failed.as_str(), sum(|c| c.failed)),
        (RecordStatus::Removed.as_str(), sum(|c| c.removed)),
    ] {
        let _ = writeln!(w, "gong_timeline_meetings_total{{status=\"{label}\"}} {n}");
    }
    let finished: Vec<f64> = jobs
        .iter()
        .filter_map(|j| {
            j.finished_at
                .map(|f| (f - j.started_at).num_milliseconds() as f64 / 1000.0)
        })
        .collect();
    let _ = writeln!(w, "# HELP gong_timeline_job_duration_seconds Duration of finished jobs.\n# TYPE gong_timeline_job_duration_seconds summary");
    let _ = writeln!(
        w,
        "gong_timeline_job_duration_seconds_sum {}",
        finished.iter().sum::<f64>()
    );
    let _ = writeln!(
        w,
        "gong_timeline_job_duration_seconds_count {}",
        finished.len()
    );
    let activities = state
        .store
        .count_activities(&gong_timeline_store::ActivityFilter::default())
        .await?;
    let _ = writeln!(w, "# HELP gong_timeline_activities Timeline activities.\n# TYPE gong_timeline_activities gauge\ngong_timeline_activities {activities}");
    let engine = state.engine.stats();
    let sync_requests = engine.gong_requests.load(Ordering::Relaxed);
    let sync_429 = engine.gong_rate_limited.load(Ordering::Relaxed);
    let _ = writeln!(w, "# HELP gong_timeline_sync_gong_requests_total Gong API requests made by sync jobs of this process.\n# TYPE gong_timeline_sync_gong_requests_total counter\ngong_timeline_sync_gong_requests_total {sync_requests}");
    let (jobs_run, meetings_run) = (
        engine.jobs.load(Ordering::Relaxed),
        engine.meetings.load(Ordering::Relaxed),
    );
    let _ = writeln!(w, "# HELP gong_timeline_sync_jobs_total Jobs this process ran (started, or took over from a stopped replica).\n# TYPE gong_timeline_sync_jobs_total counter\ngong_timeline_sync_jobs_total {jobs_run}");
    let _ = writeln!(w, "# HELP gong_timeline_sync_meetings_total Meetings handled by jobs of this process.\n# TYPE gong_timeline_sync_meetings_total counter\ngong_timeline_sync_meetings_total {meetings_run}");
    let _ = writeln!(w, "# HELP gong_timeline_sync_gong_rate_limited_total 429 answers Gong gave sync jobs of this process.\n# TYPE gong_timeline_sync_gong_rate_limited_total counter\ngong_timeline_sync_gong_rate_limited_total {sync_429}");
    let requests = state.inner.gong_requests.load(Ordering::Relaxed);
    let failures = state.inner.gong_failures.load(Ordering::Relaxed);
    let _ = writeln!(w, "# HELP gong_timeline_web_gong_requests_total Gong requests made by the web layer (recordings).\n# TYPE gong_timeline_web_gong_requests_total counter\ngong_timeline_web_gong_requests_total {requests}");
    let _ = writeln!(w, "# HELP gong_timeline_web_gong_failures_total Recordings that failed to load.\n# TYPE gong_timeline_web_gong_failures_total counter\ngong_timeline_web_gong_failures_total {failures}");
    let running = state.inner.running.lock().map(|r| r.len()).unwrap_or(0);
    let _ = writeln!(w, "# HELP gong_timeline_web_syncs_running Syncs started from the web that are running.\n# TYPE gong_timeline_web_syncs_running gauge\ngong_timeline_web_syncs_running {running}");
    webhook_metrics(state, w).await?;
    quota_metrics(state, w).await?;
    Ok(out)
}

/// Per connection with a webhook: the queue and the webhook → Timeline delays over the
/// last day (#12 item 4); and the requests refused.
async fn webhook_metrics(state: &AppState, w: &mut String) -> Result<(), ApiError> {
    let refused = state.inner.webhook_refused.load(Ordering::Relaxed);
    let _ = writeln!(w, "# HELP gong_timeline_webhooks_refused_total Webhook requests this process refused (401).\n# TYPE gong_timeline_webhooks_refused_total counter\ngong_timeline_webhooks_refused_total {refused}");
    let _ = writeln!(w, "# HELP gong_timeline_webhook_queued Calls Gong pushed that wait for the worker.\n# TYPE gong_timeline_webhook_queued gauge");
    let _ = writeln!(w, "# HELP gong_timeline_webhook_delay_seconds From a webhook's arrival to its activity on the Timeline, over the last day.\n# TYPE gong_timeline_webhook_delay_seconds gauge");
    let connections = state.store.list_connections().await?;
    let ids: Vec<_> = connections.iter().map(|c| c.id).collect();
    let views = gong_timeline_sync::webhooks::views(
        &state.store,
        &ids,
        &state.config.public_url,
        state.now(),
    )
    .await?;
    for view in views {
        let Some(connection) = connections.iter().find(|c| c.id == view.connection_id) else {
            continue;
        };
        let label = escape_label(&connection.name);
        let _ = writeln!(
            w,
            "gong_timeline_webhook_queued{{connection=\"{label}\"}} {}",
            view.queued
        );
        if let Some(f) = view.freshness {
            for (which, value) in [
                ("last", f.last_seconds),
                ("0.5", f.p50_seconds),
                ("0.95", f.p95_seconds),
            ] {
                let _ = writeln!(w, "gong_timeline_webhook_delay_seconds{{connection=\"{label}\",quantile=\"{which}\"}} {value}");
            }
        }
    }
    Ok(())
}

/// Q4, per connection: its Gong requests of the last 24 hours by purpose (every
/// purpose, 0 included, so a series does not vanish), its daily budget and what is
/// left of it.
async fn quota_metrics(state: &AppState, w: &mut String) -> Result<(), ApiError> {
    use gong_timeline_domain::quota::{self, Purpose};
    let now = state.now();
    // Each family's samples together, as the text format wants them.
    let (mut requests, mut daily, mut left) = (String::new(), String::new(), String::new());
    for connection in state.store.list_connections().await? {
        let label = escape_label(&connection.name);
        let budget = state.store.get_quota(connection.id).await?;
        let counts = state
            .store
            .gong_requests_since(connection.id, quota::window_start(now))
            .await?;
        for purpose in Purpose::ALL {
            let of: Vec<_> = counts
                .iter()
                .filter(|c| c.purpose == purpose)
                .cloned()
                .collect();
            let _ = writeln!(
                requests,
                "gong_timeline_gong_requests_24h{{connection=\"{label}\",purpose=\"{purpose}\"}} {}",
                quota::used(&of, now)
            );
        }
        let budget = u64::from(budget.daily_budget);
        let _ = writeln!(
            daily,
            "gong_timeline_gong_budget_daily{{connection=\"{label}\"}} {budget}"
        );
        let _ = writeln!(
            left,
            "gong_timeline_gong_budget_left{{connection=\"{label}\"}} {}",
            budget.saturating_sub(quota::used(&counts, now))
        );
    }
    let _ = write!(w, "# HELP gong_timeline_gong_requests_24h Gong API requests of the connection in the last 24 hours, by purpose.\n# TYPE gong_timeline_gong_requests_24h gauge\n{requests}");
    let _ = write!(w, "# HELP gong_timeline_gong_budget_daily The connection's budget of Gong API requests in any 24 hours.\n# TYPE gong_timeline_gong_budget_daily gauge\n{daily}");
    let _ = write!(w, "# HELP gong_timeline_gong_budget_left What is left of the connection's Gong budget now.\n# TYPE gong_timeline_gong_budget_left gauge\n{left}");
    Ok(())
}

/// A Prometheus label value: backslash, quote and newline escaped.
fn escape_label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}
