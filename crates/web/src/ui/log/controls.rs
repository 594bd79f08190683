//! The log's form controls: the job date range, status checkboxes, the one-click
//! .xlsx download form.

use gong_timeline_domain::RecordStatus;
use gong_timeline_store::JobId;
use maud::{html, Markup};

use super::query::{effective_range, LogQuery};
use crate::auth::AdminSession;
use crate::ui::layout::csrf_input;

/// One click: the workbook is written with the record statuses in force and
/// downloaded at once; its 30-day link is listed beside the job.
pub(super) fn download_form(s: &AdminSession, job: JobId, statuses: &[RecordStatus]) -> Markup {
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
pub(super) fn date_control(q: &LogQuery) -> Markup {
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

/// Statuses as checkboxes (several at once, no Ctrl-click).
pub(super) fn status_checks<T: std::fmt::Display + PartialEq>(
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
