//! A job's page: its outcome and counts, its records filtered by status one keyset
//! page at a time, the .xlsx download and the job's live download links.

use chrono::{DateTime, Utc};
use gong_timeline_domain::RecordStatus;
use gong_timeline_store::{Export, JobId, LogRecord, RecordFilter};
use maud::{html, Markup};

use super::controls::{download_form, status_checks};
use super::query::{query_string, statuses, LogQuery};
use crate::auth::AdminSession;
use crate::error::ApiError;
use crate::service::{exports, lookup};
use crate::state::AppState;
use crate::ui::layout::{self, page, time, time_opt};

/// A fresh export named in the address: the link, or `Expired` for one from an old
/// bookmark or e-mail (say so rather than start a download that would get 410).
#[derive(Debug, PartialEq)]
enum Fresh {
    /// Download it now.
    Link(Export),
    /// Its 30 days are over or its file is gone.
    Expired,
}

/// [`Fresh`] for the export of this job named in the address, if any.
fn fresh(export: Option<Export>, job: JobId, now: DateTime<Utc>) -> Option<Fresh> {
    let export = export.filter(|e| e.job_id == job)?;
    Some(if now < export.expires_at && !export.file_deleted {
        Fresh::Link(export)
    } else {
        Fresh::Expired
    })
}

pub(super) async fn job_page(
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
    let downloads = exports::live(state, id).await?;
    let named = match q.export.as_deref() {
        Some(token) => state.store.export_by_token(token).await?,
        None => None,
    };
    let fresh = fresh(named, id, state.now());
    Ok(page(
        &format!("Job {id}"),
        s,
        html! {
            p { (job.connection) " · " (job.trigger) " · " strong id="job-status" { (layout::badge(layout::job_tone(job.status), job.status)) } " · started " (time(job.started_at)) " · finished " (time_opt(job.finished_at)) }
            @if let Some(m) = &job.message { p.error { (crate::error::web_wording(m)) } }
            p { (counts.created) " created, " (counts.updated) " updated, " (counts.skipped) " skipped, " (counts.failed) " failed (" (counts.total()) " records)" }
            @if let Some(f) = &fresh { (fresh_notice(id, f)) }
            form.card method="get" action={ "/log/jobs/" (id) } id="record-filter" {
                (status_checks("Status", "status", RecordStatus::ALL, &chosen, |s| layout::badge(layout::record_tone(*s), s)))
                div.actions {
                    button.primary type="submit" id="apply-record-filter" { "Apply" }
                    a.button href={ "/log/jobs/" (id) } { "Clear" }
                }
            }
            (downloads_card(s, id, &chosen, &downloads))
            (records_table(id, &shown.rows, &chosen))
            (shown.pager(counts.matching(&chosen), |param, cursor, p| format!("/log/jobs/{id}?{}", query_string(q, param, cursor, p))))
        },
    ))
}

/// The download starting now, or why the link no longer works.
fn fresh_notice(id: JobId, fresh: &Fresh) -> Markup {
    html! {
        @match fresh {
            Fresh::Expired => {
                p.error role="status" id="export-expired" { "This download link expired (links last 30 days); download the log again." }
            }
            Fresh::Link(e) => {
                div.notice role="status" {
                    "Your download starts now. "
                    a href={ "/exports/" (e.token) } id="download-link" data-autodownload download { "Download job-" (id) ".xlsx" }
                    " — this link works until " (time(e.expires_at)) "."
                    noscript { meta http-equiv="refresh" content={ "0;url=/exports/" (e.token) }; }
                }
            }
        }
    }
}

/// The download form for the statuses shown, and the job's live download links.
fn downloads_card(
    s: &AdminSession,
    id: JobId,
    chosen: &[RecordStatus],
    downloads: &[Export],
) -> Markup {
    html! {
        div.card {
            (download_form(s, id, chosen))
            p.muted.small { "The workbook holds the records shown by the status filter"
                @if chosen.is_empty() { " (all of them)" } @else { ": " @for (i, st) in chosen.iter().enumerate() { @if i > 0 { ", " } (st) } }
                ". Its link works for 30 days." }
            @if !downloads.is_empty() {
                h2 id="downloads-title" { "Downloads of this job" }
                ul.downloads id="downloads" aria-labelledby="downloads-title" {
                    @for e in downloads {
                        li.download-item {
                            a href={ "/exports/" (e.token) } download { "job-" (id) ".xlsx" }
                            span.muted.small { " made " (time(e.created_at)) " · works until " (time(e.expires_at)) }
                        }
                    }
                }
            }
        }
    }
}

/// One page of the job's records.
fn records_table(id: JobId, records: &[LogRecord], chosen: &[RecordStatus]) -> Markup {
    html! {
        (layout::table_wrap("Records of this job", html! { table id="records" {
            thead { tr { th { "Call" } th { "Title" } th { "Date" } th { "Status" } th { "Activity" } th { "Message" } } }
            tbody {
                @for r in records {
                    tr.record data-status=(r.status) data-call=(r.gong_call_id) {
                        td data-label="Call" { (r.gong_call_id) }
                        td.title data-label="Title" { (r.title.clone().unwrap_or_default()) }
                        td data-label="Date" { (time_opt(r.meeting_date)) }
                        td.status data-label="Status" { (layout::badge(layout::record_tone(r.status), r.status)) }
                        td data-label="Activity" { @if let Some(a) = r.activity_id { a href={ "/activities/" (a) } { (a) } } @else { span.muted { "none" } } }
                        td.message data-label="Message" { (r.message.clone().unwrap_or_default()) }
                    }
                }
                @if records.is_empty() { tr { td colspan="6" id="no-records" {
                    @if chosen.is_empty() { "This job read no meeting." } @else { "No record of this job has these statuses. " a href={ "/log/jobs/" (id) } { "Show all" } }
                } } }
            }
        } }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn export(job: JobId, expires_in_days: i64, file_deleted: bool) -> Export {
        let now = Utc.with_ymd_and_hms(2026, 3, 10, 12, 0, 0).unwrap();
        Export {
            id: Default::default(),
            job_id: job,
            path: "job.xlsx".into(),
            token: "t".into(),
            created_at: now,
            expires_at: now + chrono::Duration::days(expires_in_days),
            file_deleted,
        }
    }

    #[test]
    fn a_named_export_is_a_link_until_it_expires_or_its_file_is_gone() {
        let now = Utc.with_ymd_and_hms(2026, 3, 10, 12, 0, 0).unwrap();
        let job = JobId::from(7);
        let live = export(job, 30, false);
        assert_eq!(fresh(Some(live.clone()), job, now), Some(Fresh::Link(live)));
        assert_eq!(
            fresh(Some(export(job, 0, false)), job, now),
            Some(Fresh::Expired)
        );
        assert_eq!(
            fresh(Some(export(job, 30, true)), job, now),
            Some(Fresh::Expired)
        );
    }

    #[test]
    fn no_export_or_another_jobs_export_shows_nothing() {
        let now = Utc.with_ymd_and_hms(2026, 3, 10, 12, 0, 0).unwrap();
        assert_eq!(fresh(None, JobId::from(7), now), None);
        assert_eq!(
            fresh(Some(export(JobId::from(8), 30, false)), JobId::from(7), now),
            None
        );
    }
}
