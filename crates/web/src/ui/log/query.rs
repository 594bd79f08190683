//! The log's address: its filters as query parameters (job date range, statuses,
//! connection, the keyset page, a fresh export), read and written back; the date
//! window of a range. Pure, unit-tested.

use axum_extra::extract::{Query, QueryRejection};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use gong_timeline_domain::Trigger;
use gong_timeline_store::ConnectionId;
use serde::Deserialize;

use crate::error::ApiError;
use crate::ui::paging::KeysetPage;

/// The log's filters as query parameters.
#[derive(Debug, Deserialize, Default)]
pub(crate) struct LogQuery {
    #[serde(default)]
    pub(super) range: String,
    #[serde(default)]
    pub(super) from: String,
    #[serde(default)]
    pub(super) to: String,
    #[serde(default)]
    pub(super) status: Vec<String>,
    /// The page's number: a label the Previous / Next links carry.
    #[serde(default)]
    pub(super) page: Option<u32>,
    /// The cursor of the row the page starts after (Next).
    #[serde(default)]
    pub(super) after: Option<String>,
    /// The cursor of the row the page ends before (Previous).
    #[serde(default)]
    pub(super) before: Option<String>,
    #[serde(default)]
    pub(super) export: Option<String>,
    /// One connection's jobs (its id), or all.
    #[serde(default)]
    pub(super) connection: Option<String>,
    /// One trigger's jobs (`webhook`, `retention`, …), or all.
    #[serde(default)]
    pub(super) trigger: Option<String>,
}

/// The query, or a 400 page inside the layout saying which parameter is wrong.
pub(super) fn parsed(q: Result<Query<LogQuery>, QueryRejection>) -> Result<LogQuery, ApiError> {
    q.map(|Query(q)| q).map_err(|e| {
        ApiError::BadRequest(format!(
            "This address has a parameter the log cannot read ({}). Use the filters on the Execution log page instead.",
            e.body_text().trim_start_matches("Failed to deserialize query string: ")
        ))
    })
}

impl LogQuery {
    /// The trigger chosen, if any; an unknown one is a 422 naming `trigger`.
    pub(super) fn trigger(&self) -> Result<Option<Trigger>, ApiError> {
        self.trigger
            .as_deref()
            .filter(|t| !t.is_empty())
            .map(|t| t.parse().map_err(|e| ApiError::invalid("trigger", e)))
            .transpose()
    }

    /// The chosen connection's id; a value that is not a connection id is refused.
    pub(super) fn connection_id(&self) -> Result<Option<ConnectionId>, ApiError> {
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

pub(super) fn statuses<T: std::str::FromStr>(given: &[String]) -> Result<Vec<T>, ApiError>
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
pub(super) fn query_string(q: &LogQuery, param: &str, cursor: &str, page: u64) -> String {
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    out.append_pair("range", &q.range)
        .append_pair("from", &q.from)
        .append_pair("to", &q.to);
    if let Some(c) = &q.connection {
        out.append_pair("connection", c);
    }
    if let Some(t) = &q.trigger {
        out.append_pair("trigger", t);
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
    pub(super) fn keyset<T: crate::paging::Keyed>(&self) -> Result<KeysetPage<T>, ApiError> {
        KeysetPage::parse(self.after.as_deref(), self.before.as_deref(), self.page)
    }
}

/// A range with dates but no preset is a custom range.
pub(super) fn effective_range(q: &LogQuery) -> &str {
    if q.range.is_empty() && (!q.from.trim().is_empty() || !q.to.trim().is_empty()) {
        "custom"
    } else {
        &q.range
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(y: i32, m: u32, d: u32) -> Option<DateTime<Utc>> {
        Some(Utc.with_ymd_and_hms(y, m, d, 0, 0, 0).unwrap())
    }

    #[test]
    fn presets_count_back_from_today_midnight_and_no_range_is_every_date() {
        let now = Utc.with_ymd_and_hms(2026, 3, 10, 15, 30, 0).unwrap();
        let window = |range| date_window(range, "", "", now).expect(range);
        assert_eq!(window("today"), (at(2026, 3, 10), None));
        assert_eq!(window("7d"), (at(2026, 3, 4), None));
        assert_eq!(window("30d"), (at(2026, 2, 9), None));
        assert_eq!(window(""), (None, None));
    }

    #[test]
    fn a_custom_range_includes_its_last_day_and_refuses_one_that_ends_first() {
        let now = Utc.with_ymd_and_hms(2026, 3, 10, 15, 30, 0).unwrap();
        assert_eq!(
            date_window("custom", "2026-03-01", "2026-03-02", now).expect("range"),
            (at(2026, 3, 1), at(2026, 3, 3))
        );
        let backwards =
            date_window("custom", "2026-03-02", "2026-03-01", now).expect_err("ends first");
        assert_eq!(backwards.field(), Some("to"));
        let bad = date_window("custom", "March", "", now).expect_err("not a date");
        assert_eq!(bad.field(), Some("from"));
    }

    #[test]
    fn dates_without_a_preset_are_a_custom_range() {
        let q = |range: &str, from: &str| LogQuery {
            range: range.into(),
            from: from.into(),
            ..LogQuery::default()
        };
        assert_eq!(effective_range(&q("", "2026-03-01")), "custom");
        assert_eq!(effective_range(&q("7d", "2026-03-01")), "7d");
        assert_eq!(effective_range(&q("", " ")), "");
    }

    #[test]
    fn statuses_skip_blanks_and_refuse_an_unknown_one_on_the_status_field() {
        use gong_timeline_domain::JobStatus;
        let given = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            statuses::<JobStatus>(&given(&["", "Failed"])).expect("known"),
            [JobStatus::Failed]
        );
        let error = statuses::<JobStatus>(&given(&["Sleeping"])).expect_err("unknown");
        assert_eq!(error.field(), Some("status"));
    }
}
