//! A connection's Gong API usage (Q1, Q3, Q4): its budget ("5,000 of Gong's 10,000
//! requests a day (50 %), 3 per second"), the last 24 hours' requests and what is
//! left, each lane and whether it is paused, a chart of requests per day stacked by
//! purpose and the table in the columns of Gong's own usage report (Date (UTC),
//! Purpose, Endpoint, Requests), the form that changes the budget and the rate; and
//! the estimate a re-sync shows before it spends anything.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use gong_timeline_domain::quota::{Estimate, Lane, Purpose, QuotaSettings, GONG_DAILY_QUOTA};
use gong_timeline_store::ConnectionId;
use gong_timeline_sync::quota::{LaneState, UsageReport};
use maud::{html, Markup};
use serde::Deserialize;
use serde_json::Value;

use crate::auth::AdminSession;
use crate::error::ApiError;
use crate::service::quota::{self, QuotaChange, DEFAULT_DAYS};
use crate::state::AppState;
use crate::ui::charts::{self, Chart, Series};
use crate::ui::layout::{self, csrf_input, page, Tone};

/// `1234567` as `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A number as people read it: `3`, `2.5`, `0.25`.
fn plain(v: f64) -> String {
    let text = format!("{v:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// "5,000 of Gong's 10,000 requests a day (50 %), 3 per second".
pub fn budget_line(daily_budget: u32, per_second: f64) -> String {
    let share = QuotaSettings {
        daily_budget,
        per_second,
    }
    .share_percent();
    format!(
        "{} of Gong's {} requests a day ({} %), {} per second",
        thousands(u64::from(daily_budget)),
        thousands(u64::from(GONG_DAILY_QUOTA)),
        plain(share),
        plain(per_second)
    )
}

/// A lane as the page names it.
pub fn lane_name(lane: Lane) -> &'static str {
    match lane {
        Lane::First => "First: webhooks, users, recordings",
        Lane::Incremental => "Incremental window",
        Lane::Checks => "Reconciliation and deletion checks",
        Lane::History => "Backfill and re-syncs",
    }
}

/// "Spending", or "Paused until 12:00 UTC" (with the day when it is not today).
pub fn lane_state(paused_until: Option<DateTime<Utc>>, now: DateTime<Utc>) -> (Tone, String) {
    match paused_until {
        None => (Tone::Ok, "Spending".to_string()),
        Some(at) if at.date_naive() == now.date_naive() => (
            Tone::Warn,
            format!("Paused until {}", at.format("%H:%M UTC")),
        ),
        Some(at) => (
            Tone::Warn,
            format!("Paused until {}", at.format("%Y-%m-%d %H:%M UTC")),
        ),
    }
}

/// The stylesheet's class of a purpose's colour.
pub fn purpose_class(p: Purpose) -> &'static str {
    match p {
        Purpose::Users => "q-users",
        Purpose::Window => "q-window",
        Purpose::LookBack => "q-look-back",
        Purpose::Reconciliation => "q-reconciliation",
        Purpose::Retry => "q-retry",
        Purpose::Webhook => "q-webhook",
        Purpose::Media => "q-media",
        Purpose::DeletionCheck => "q-deletion-check",
        Purpose::Transcripts => "q-transcripts",
        Purpose::Erase => "q-erase",
        Purpose::Backfill => "q-backfill",
        Purpose::Resync => "q-resync",
        Purpose::Setup => "q-setup",
        Purpose::Settings => "q-settings",
    }
}

/// Requests per UTC day of the `days` days up to `today`, oldest first, stacked by
/// the purposes that spent any (in [`Purpose::ALL`]'s order); `None` without any.
pub fn usage_chart(report: &UsageReport, days: u32, today: NaiveDate) -> Option<Chart> {
    let purposes: Vec<Purpose> = Purpose::ALL
        .into_iter()
        .filter(|p| report.days.iter().any(|d| d.purpose == *p))
        .collect();
    if purposes.is_empty() {
        return None;
    }
    let bars = (0..i64::from(days.max(1)))
        .rev()
        .map(|back| {
            let day = today - Duration::days(back);
            let values = purposes
                .iter()
                .map(|p| {
                    report
                        .days
                        .iter()
                        .filter(|d| d.day == day && d.purpose == *p)
                        .map(|d| d.requests as f64)
                        .sum()
                })
                .collect();
            (day.format("%b %-d").to_string(), values)
        })
        .collect();
    Some(Chart {
        id: "gong-usage-chart".into(),
        title: format!("Gong requests per day (UTC) by purpose, last {days} days"),
        label_header: "Date (UTC)",
        series: purposes
            .iter()
            .map(|p| Series {
                class: purpose_class(*p),
                label: p.label(),
            })
            .collect(),
        bars,
        total: Some("Requests"),
        format: charts::count,
    })
}

/// The budget form's fields, as typed.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct QuotaForm {
    #[serde(default)]
    daily_budget: String,
    #[serde(default)]
    requests_per_second: String,
}

impl QuotaForm {
    /// The change it asks for; an empty box keeps its value.
    pub(crate) fn change(&self) -> QuotaChange {
        let field = |v: &str| (!v.trim().is_empty()).then(|| Value::String(v.to_string()));
        QuotaChange {
            daily_budget: field(&self.daily_budget),
            requests_per_second: field(&self.requests_per_second),
        }
    }
}

/// The usage page; `form` holds what was typed when `error` refused it.
pub(super) async fn usage_page(
    state: &AppState,
    s: &AdminSession,
    id: ConnectionId,
    saved: bool,
    form: Option<&QuotaForm>,
    error: Option<&ApiError>,
) -> Result<Markup, ApiError> {
    let report = quota::usage(state, id, DEFAULT_DAYS).await?;
    let now = state.now();
    let chart = usage_chart(&report, DEFAULT_DAYS, now.date_naive());
    Ok(page(
        &format!("Gong API usage — {}", report.connection),
        s,
        html! {
            p { a href={ "/connectors/" (id) } id="back-to-connection" { "← " (report.connection) } }
            @if saved && error.is_none() { p.notice id="quota-saved" role="status" { "Saved: " (budget_line(report.daily_budget, report.requests_per_second)) "." } }
            section.grid aria-label="Budget" {
                div.card id="quota-budget" {
                    h2 { "Budget" }
                    p id="budget-line" { (budget_line(report.daily_budget, report.requests_per_second)) }
                    table.facts {
                        tr { th scope="row" { "Used in the last 24 h" } td id="used-24h" { (thousands(report.used_24h)) " requests" } }
                        tr { th scope="row" { "Left" } td id="left" { (thousands(report.left)) " requests" } }
                    }
                    label for="used-meter" { "Share of the budget used" }
                    meter id="used-meter" min="0" max=(report.daily_budget) value=(report.used_24h.min(u64::from(report.daily_budget))) {
                        (thousands(report.used_24h)) " of " (thousands(u64::from(report.daily_budget)))
                    }
                    p.muted.small { "A rolling 24 hours, shared by every replica. Gong's own 429 answers still win." }
                }
                (lanes(&report.lanes, now))
            }
            div.card {
                @if let Some(chart) = &chart { (charts::render(chart)) }
                @else { p id="usage-none" { "No Gong requests in the last " (DEFAULT_DAYS) " days." } }
            }
            (table(&report))
            (quota_form(s, id, &report, form, error))
        },
    ))
}

fn lanes(lanes: &[LaneState], now: DateTime<Utc>) -> Markup {
    html! {
        div.card id="quota-lanes" {
            h2 { "Lanes" }
            p.muted.small { "When the budget runs low, the lower lanes pause first; a paused job ends Partial success and resumes where it stopped." }
            div.table-wrap role="region" tabindex="0" aria-label="Lanes" {
                table {
                    thead { tr {
                        th scope="col" { "Lane" }
                        th scope="col" { "Purposes" }
                        th.num scope="col" { "Spends up to" }
                        th scope="col" { "State" }
                    } }
                    tbody {
                        @for lane in lanes {
                            @let (tone, state) = lane_state(lane.paused_until, now);
                            tr {
                                th scope="row" { (lane_name(lane.lane)) }
                                td data-label="Purposes" { (lane.purposes.iter().map(|p| p.label()).collect::<Vec<_>>().join(", ")) }
                                td.num data-label="Spends up to" { (thousands(lane.ceiling)) }
                                td class="lane-state" data-label="State" { (layout::badge(tone, state)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn table(report: &UsageReport) -> Markup {
    html! {
        section.card id="usage-table" aria-labelledby="usage-table-title" {
            h2 id="usage-table-title" { "Requests per day, purpose and endpoint" }
            p.muted.small { "The columns of Gong's own API usage report, so the two can be compared." }
            @if report.days.is_empty() {
                p { "No Gong requests counted yet." }
            } @else {
                div.table-wrap role="region" tabindex="0" aria-label="Requests per day, purpose and endpoint" {
                    table {
                        thead { tr {
                            th scope="col" { "Date (UTC)" }
                            th scope="col" { "Purpose" }
                            th scope="col" { "Endpoint" }
                            th.num scope="col" { "Requests" }
                        } }
                        tbody {
                            @for d in &report.days {
                                tr {
                                    td data-label="Date (UTC)" { (d.day.format("%Y-%m-%d")) }
                                    td data-label="Purpose" { (d.purpose.label()) }
                                    td data-label="Endpoint" { code { (d.endpoint) } }
                                    td.num data-label="Requests" { (d.requests) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn quota_form(
    s: &AdminSession,
    id: ConnectionId,
    report: &UsageReport,
    form: Option<&QuotaForm>,
    error: Option<&ApiError>,
) -> Markup {
    let err = |field: &str| {
        error
            .filter(|e| e.field() == Some(field))
            .map(|e| e.public_message())
    };
    let budget = form.map_or_else(
        || report.daily_budget.to_string(),
        |f| f.daily_budget.clone(),
    );
    let rate = form.map_or_else(
        || plain(report.requests_per_second),
        |f| f.requests_per_second.clone(),
    );
    let general = error.filter(|e| {
        !matches!(
            e.field(),
            Some("daily_budget") | Some("requests_per_second")
        )
    });
    html! {
        form.card method="post" action={ "/connectors/" (id) "/quota" } id="quota-form" {
            h2 { "Change the budget" }
            (csrf_input(s))
            @if let Some(e) = general { p.error id="quota-error" role="alert" { (e.public_message()) } }
            label for="quota-daily-budget" { "Daily budget (requests in any 24 hours)" }
            input type="text" inputmode="numeric" name="daily_budget" id="quota-daily-budget" value=(budget)
                aria-describedby="quota-daily-budget-hint" aria-invalid=[err("daily_budget").map(|_| "true")];
            p.muted.small id="quota-daily-budget-hint" { "Gong allows " (thousands(u64::from(GONG_DAILY_QUOTA))) " a day for the whole company, shared with its other integrations." }
            @if let Some(m) = err("daily_budget") { span.field-error id="quota-daily-budget-error" role="alert" { (m) } }
            label for="quota-per-second" { "Requests per second" }
            input type="text" inputmode="decimal" name="requests_per_second" id="quota-per-second" value=(rate)
                aria-describedby="quota-per-second-hint" aria-invalid=[err("requests_per_second").map(|_| "true")];
            p.muted.small id="quota-per-second-hint" { "Gong allows 3 unless it raised the company's limit." }
            @if let Some(m) = err("requests_per_second") { span.field-error id="quota-per-second-error" role="alert" { (m) } }
            div.actions { button.primary type="submit" id="save-quota" { "Save" } }
        }
    }
}

/// The estimate page of a re-sync from `from`: what it costs, then the confirmation.
pub(super) fn estimate_page(
    s: &AdminSession,
    id: ConnectionId,
    name: &str,
    from: &str,
    estimate: &Estimate,
    daily_budget: u32,
) -> Markup {
    let per_day = Lane::History.ceiling(daily_budget);
    html! {
        p { a href={ "/connectors/" (id) } { "← " (name) } }
        section.card id="resync-estimate" aria-labelledby="estimate-title" {
            h2 id="estimate-title" { "Re-sync from " (from) ": the estimate" }
            table.facts {
                tr { th scope="row" { "Calls in Gong" } td id="estimate-calls" { (thousands(estimate.calls)) } }
                tr { th scope="row" { "Gong requests" } td id="estimate-requests" { (thousands(estimate.requests)) } }
                tr { th scope="row" { "Days at the current budget" } td id="estimate-days" {
                    (plain(estimate.days)) " (re-syncs spend up to " (thousands(per_day)) " requests a day)"
                } }
                tr { th scope="row" { "Finishes" } td id="estimate-finish" { (layout::time(estimate.finishes_at)) } }
            }
            p.muted.small { "Getting this estimate spent one Gong request. A re-sync pauses when the budget runs low and resumes at the next slot; nothing is lost." }
            div.actions {
                form.inline method="post" action={ "/connectors/" (id) "/resync" } {
                    (csrf_input(s))
                    input type="hidden" name="from" value=(from);
                    button.primary type="submit" id="confirm-resync" { "Re-sync from " (from) }
                }
                a.button href={ "/connectors/" (id) } id="cancel-resync" { "Cancel" }
                a href={ "/connectors/" (id) "/usage" } { "Gong API usage" }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gong_timeline_domain::quota::DailyUsage;

    fn report(days: Vec<DailyUsage>) -> UsageReport {
        UsageReport {
            connection: "acme".into(),
            daily_budget: 5_000,
            requests_per_second: 3.0,
            share_percent: 50.0,
            used_24h: 12,
            left: 4_988,
            lanes: Vec::new(),
            days,
        }
    }

    fn row(day: &str, purpose: Purpose, requests: u64) -> DailyUsage {
        DailyUsage {
            day: day.parse().unwrap(),
            purpose,
            endpoint: "/v2/calls/extensive".into(),
            requests,
        }
    }

    #[test]
    fn q4_the_budget_reads_as_a_share_of_gongs_quota() {
        assert_eq!(
            budget_line(5_000, 3.0),
            "5,000 of Gong's 10,000 requests a day (50 %), 3 per second"
        );
        assert_eq!(
            budget_line(2_500, 1.5),
            "2,500 of Gong's 10,000 requests a day (25 %), 1.5 per second"
        );
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn q2_a_paused_lane_says_until_when() {
        let now: DateTime<Utc> = "2026-12-07T09:30:00Z".parse().unwrap();
        assert_eq!(lane_state(None, now), (Tone::Ok, "Spending".into()));
        let today = "2026-12-07T12:00:00Z".parse().unwrap();
        assert_eq!(
            lane_state(Some(today), now),
            (Tone::Warn, "Paused until 12:00 UTC".into())
        );
        let tomorrow = "2026-12-08T04:00:00Z".parse().unwrap();
        assert_eq!(
            lane_state(Some(tomorrow), now).1,
            "Paused until 2026-12-08 04:00 UTC"
        );
    }

    #[test]
    fn q4_the_chart_has_a_bar_per_day_stacked_by_the_purposes_that_spent() {
        let today: NaiveDate = "2026-12-07".parse().unwrap();
        let r = report(vec![
            row("2026-12-07", Purpose::Backfill, 30),
            row("2026-12-07", Purpose::Users, 2),
            row("2026-12-05", Purpose::Users, 1),
            row("2026-11-01", Purpose::Users, 99), // outside the days drawn
        ]);
        let chart = usage_chart(&r, 3, today).expect("requests");
        let labels: Vec<&str> = chart.series.iter().map(|s| s.label).collect();
        assert_eq!(labels, ["Users", "Backfill"], "Purpose::ALL's order");
        assert_eq!(
            chart.bars,
            vec![
                ("Dec 5".to_string(), vec![1.0, 0.0]),
                ("Dec 6".to_string(), vec![0.0, 0.0]),
                ("Dec 7".to_string(), vec![2.0, 30.0]),
            ]
        );
        assert!(usage_chart(&report(Vec::new()), 30, today).is_none());
        let classes: std::collections::BTreeSet<&str> =
            Purpose::ALL.into_iter().map(purpose_class).collect();
        assert_eq!(classes.len(), Purpose::ALL.len(), "a colour each");
        for class in classes {
            assert!(
                crate::ui::assets::CSS.contains(&format!(".chart .{class},")),
                "{class} has a colour in the stylesheet"
            );
        }
    }

    #[test]
    fn q1_an_empty_box_keeps_its_value() {
        let form = QuotaForm {
            daily_budget: " ".into(),
            requests_per_second: "2".into(),
        };
        let change = form.change();
        assert!(change.daily_budget.is_none());
        assert_eq!(change.requests_per_second, Some(Value::String("2".into())));
    }
}
