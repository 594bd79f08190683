//! Gong's quota for the pages and the API (Q1, Q3, Q4): a connection's usage report,
//! its budget and rate (read; change = validate → store, nothing stored when a value
//! is refused), and what a re-sync from a day would cost before it spends anything.

use chrono::{DateTime, Utc};
use gong_timeline_domain::quota::{
    Estimate, QuotaError, QuotaSettings, GONG_DAILY_QUOTA, MAX_DAILY_BUDGET,
};
use gong_timeline_store::ConnectionId;
use gong_timeline_sync::quota::UsageReport;
use gong_timeline_sync::SyncError;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use gong_timeline_domain::audit::AuditAction;
use gong_timeline_sync::audit::Change;

use super::{audit, lookup};
use crate::auth::AdminSession;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Days of usage shown when none are asked for.
pub const DEFAULT_DAYS: u32 = 30;
/// The most days of usage one may ask for.
pub const MAX_DAYS: u32 = 400;

/// `days` checked: absent is [`DEFAULT_DAYS`]; outside 1..=[`MAX_DAYS`] is a 400
/// naming `days`.
pub fn days(days: Option<i64>) -> ApiResult<u32> {
    match days {
        None => Ok(DEFAULT_DAYS),
        Some(d) => u32::try_from(d)
            .ok()
            .filter(|d| (1..=MAX_DAYS).contains(d))
            .ok_or_else(|| {
                ApiError::bad_parameter(
                    "days",
                    format!("days must be from 1 to {MAX_DAYS} (got {d}); leave it out for the last {DEFAULT_DAYS} days"),
                )
            }),
    }
}

/// The usage of connection `id` over the last `days` UTC days (Q4).
pub async fn usage(state: &AppState, id: ConnectionId, days: u32) -> ApiResult<UsageReport> {
    let connection = lookup::connection(state, id).await?;
    Ok(
        gong_timeline_sync::quota::usage(state.store.as_ref(), &connection, days, state.now())
            .await?,
    )
}

/// A connection's budget and rate as the API shows them.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct QuotaView {
    /// Requests in any 24 hours.
    pub daily_budget: u32,
    /// Requests per second at most.
    pub requests_per_second: f64,
}

impl From<QuotaSettings> for QuotaView {
    fn from(q: QuotaSettings) -> QuotaView {
        QuotaView {
            daily_budget: q.daily_budget,
            requests_per_second: q.per_second,
        }
    }
}

/// A change of budget and rate; an absent field keeps its value. Values are numbers
/// (the API) or text (a form: `5,000` and `2.5` read as people write them).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuotaChange {
    /// Requests in any 24 hours.
    #[serde(default)]
    pub daily_budget: Option<Value>,
    /// Requests per second at most.
    #[serde(default)]
    pub requests_per_second: Option<Value>,
}

/// The budget and rate of connection `id` (the defaults until one is set).
pub async fn settings(state: &AppState, id: ConnectionId) -> ApiResult<QuotaView> {
    lookup::connection(state, id).await?;
    Ok(state.store.get_quota(id).await?.into())
}

/// Q1: `change` over the current budget and rate, validated, then stored; a refused
/// value names its field and stores nothing.
pub async fn save(
    state: &AppState,
    id: ConnectionId,
    change: &QuotaChange,
    by: &AdminSession,
) -> ApiResult<QuotaView> {
    let connection = lookup::connection(state, id).await?;
    let current = state.store.get_quota(id).await?;
    let wanted = over(change, current)?;
    state.store.set_quota(id, &wanted).await?;
    let saved = QuotaView::from(wanted);
    let entry = Change::new(
        AuditAction::QuotaChanged,
        audit::connection(&connection.name),
    )
    .before(&QuotaView::from(current))
    .after(&saved);
    audit::record(state, by, entry).await;
    Ok(saved)
}

/// `change` over `current`, validated by [`QuotaSettings::with`].
pub fn over(change: &QuotaChange, current: QuotaSettings) -> ApiResult<QuotaSettings> {
    let budget = match &change.daily_budget {
        None | Some(Value::Null) => None,
        Some(v) => Some(whole(v).ok_or_else(|| {
            ApiError::invalid(
                "daily_budget",
                format!(
                    "The daily budget must be a whole number of requests from 1 to {MAX_DAILY_BUDGET} (got {}); Gong allows {GONG_DAILY_QUOTA} a day for the whole company unless it raised the limit. Nothing was saved.",
                    shown(v)
                ),
            )
        })?),
    };
    let rate = match &change.requests_per_second {
        None | Some(Value::Null) => None,
        Some(v) => Some(number(v).ok_or_else(|| {
            ApiError::invalid(
                "requests_per_second",
                format!(
                    "The rate must be a number of requests per second, more than 0 (got {}); Gong allows 3 unless it raised the company's limit. Nothing was saved.",
                    shown(v)
                ),
            )
        })?),
    };
    current.with(budget, rate).map_err(quota_error)
}

/// A refused budget or rate as an [`ApiError::Invalid`] naming its field.
pub fn quota_error(error: QuotaError) -> ApiError {
    let field = match error {
        QuotaError::DailyBudget(_) => "daily_budget",
        QuotaError::PerSecond(_) => "requests_per_second",
    };
    let text = error.to_string();
    let mut chars = text.chars();
    let capitalised: String = chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default();
    ApiError::invalid(field, format!("{capitalised}. Nothing was saved."))
}

/// A whole number of requests: a JSON integer ≥ 0, or text like `5000` / `5,000`.
fn whole(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => {
            let digits: String = s
                .trim()
                .chars()
                .filter(|c| !matches!(c, ',' | '_' | ' ' | '\u{a0}'))
                .collect();
            digits.parse().ok()
        }
        _ => None,
    }
}

/// A number: a JSON number, or text like `2.5`.
fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    }
}

/// A refused value as the message quotes it.
fn shown(v: &Value) -> String {
    match v {
        Value::String(s) => format!("'{}'", s.chars().take(40).collect::<String>()),
        other => other.to_string().chars().take(40).collect(),
    }
}

/// Q3: what re-reading Gong from the day `from` (`YYYY-MM-DD`, UTC, today or earlier;
/// the re-sync's own parsing) would cost: Gong's count of the window's calls (one
/// request), requests, days at the current budget, and the finish time.
pub async fn estimate(state: &AppState, id: ConnectionId, from: &str) -> ApiResult<Estimate> {
    let connection = lookup::connection(state, id).await?;
    let now = state.now();
    let start = resync_from(from, now)?;
    gong_timeline_sync::quota::estimate_resync(
        &state.store,
        &connection,
        &state.config.gong,
        start,
        now,
    )
    .await
    .map_err(estimate_error)
}

/// The start of a re-sync from the day `from`, as `POST …/resync` reads it.
pub fn resync_from(from: &str, now: DateTime<Utc>) -> ApiResult<DateTime<Utc>> {
    gong_timeline_sync::windows::resync_day(from, now.date_naive())
        .map_err(|refused| ApiError::invalid("from", refused.to_string()))
}

/// Gong failing to give its count is Gong's failure (502), not the server's.
fn estimate_error(error: SyncError) -> ApiError {
    match error {
        SyncError::Gong(e) => ApiError::BadGateway(format!(
            "Gong did not give the count of calls to estimate from: {e}. Nothing was started; try again later."
        )),
        other => other.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn current() -> QuotaSettings {
        QuotaSettings::default()
    }

    fn change(budget: Option<Value>, rate: Option<Value>) -> QuotaChange {
        QuotaChange {
            daily_budget: budget,
            requests_per_second: rate,
        }
    }

    #[test]
    fn q1_an_absent_field_keeps_its_value() {
        let kept = over(&change(None, Some(json!(2.5))), current()).expect("valid");
        assert_eq!((kept.daily_budget, kept.per_second), (5_000, 2.5));
        let kept = over(&change(Some(json!(2000)), None), current()).expect("valid");
        assert_eq!((kept.daily_budget, kept.per_second), (2_000, 3.0));
        let kept = over(&change(Some(Value::Null), None), current()).expect("valid");
        assert_eq!(kept, current());
    }

    #[test]
    fn q1_form_text_reads_as_people_write_it() {
        let got = over(
            &change(Some(json!(" 7,500 ")), Some(json!("1.5"))),
            current(),
        )
        .expect("valid");
        assert_eq!((got.daily_budget, got.per_second), (7_500, 1.5));
    }

    #[test]
    fn q1_a_refused_value_names_its_field_and_says_what_to_do() {
        let cases = [
            (change(Some(json!(0)), None), "daily_budget", "from 1 to"),
            (change(Some(json!(-5)), None), "daily_budget", "got -5"),
            (change(Some(json!("lots")), None), "daily_budget", "'lots'"),
            (
                change(Some(json!(2.5)), None),
                "daily_budget",
                "whole number",
            ),
            (
                change(Some(json!(5_000_000)), None),
                "daily_budget",
                "1000000",
            ),
            (
                change(None, Some(json!(0))),
                "requests_per_second",
                "more than 0",
            ),
            (
                change(None, Some(json!(1000))),
                "requests_per_second",
                "at most",
            ),
            (
                change(None, Some(json!("fast"))),
                "requests_per_second",
                "'fast'",
            ),
        ];
        for (c, field, says) in cases {
            let error = over(&c, current()).expect_err("refused");
            assert_eq!(error.field(), Some(field), "{c:?}");
            assert_eq!(error.status(), axum::http::StatusCode::UNPROCESSABLE_ENTITY);
            let message = error.public_message();
            assert!(message.contains(says), "{message}");
            assert!(message.ends_with("Nothing was saved."), "{message}");
            assert!(message.starts_with("The "), "{message}");
        }
    }

    #[test]
    fn q4_days_default_to_30_and_stay_within_400() {
        assert_eq!(days(None).unwrap(), 30);
        assert_eq!(days(Some(1)).unwrap(), 1);
        assert_eq!(days(Some(400)).unwrap(), 400);
        for bad in [0, 401, -1] {
            let error = days(Some(bad)).expect_err("refused");
            assert_eq!(error.field(), Some("days"));
            assert_eq!(error.status(), axum::http::StatusCode::BAD_REQUEST);
        }
    }

    #[test]
    fn q3_the_estimate_reads_the_day_as_the_re_sync_does() {
        let now: DateTime<Utc> = "2026-12-07T09:30:00Z".parse().unwrap();
        assert_eq!(
            resync_from("2026-12-01", now).unwrap(),
            "2026-12-01T00:00:00Z".parse::<DateTime<Utc>>().unwrap()
        );
        let error = resync_from("last week", now).expect_err("refused");
        assert_eq!(error.field(), Some("from"));
        assert!(resync_from("2027-01-01", now).is_err());
    }
}
