//! The Timeline's filters as asked (activity type, an inclusive date range) and
//! what they let through; activities per month for the chart. Pure, unit-tested.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use gong_timeline_domain::outcome::Sentiment;
use gong_timeline_store::Activity;
use serde::Deserialize;

use crate::error::ApiError;
use crate::ui::layout::Tone;

/// The Timeline's filters: a search, activity type and a date range (`YYYY-MM-DD`,
/// inclusive).
#[derive(Debug, Deserialize, Default)]
pub(crate) struct TimelineQuery {
    /// Text in the subject, notes, attendees or trackers (the store's search).
    #[serde(default)]
    pub(super) q: String,
    #[serde(default, rename = "type")]
    pub(super) kind: String,
    #[serde(default)]
    pub(super) from: String,
    #[serde(default)]
    pub(super) to: String,
    pub(super) page: Option<u32>,
}

/// A `YYYY-MM-DD` filter value, or an error naming the field.
pub(super) fn day(text: &str, field: &str) -> Result<Option<NaiveDate>, ApiError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| ApiError::invalid(field, format!("'{text}' is not a date (YYYY-MM-DD)")))
}

/// Whether `date` is within `from`..=`to` (either may be open).
pub fn in_range(date: NaiveDate, from: Option<NaiveDate>, to: Option<NaiveDate>) -> bool {
    from.is_none_or(|f| date >= f) && to.is_none_or(|t| date <= t)
}

/// Whether an activity passes the Timeline's filters: its type, its day.
pub fn matches(a: &Activity, kind: &str, from: Option<NaiveDate>, to: Option<NaiveDate>) -> bool {
    (kind.is_empty() || a.activity_type.eq_ignore_ascii_case(kind))
        && in_range(a.date.date_naive(), from, to)
}

/// The badge tone of a call outcome's category (the sentiment set up in Gong):
/// Positive, Negative, Neutral in any case; any other category is informative.
pub(super) fn outcome_tone(category: &str) -> Tone {
    match category.trim().to_ascii_lowercase().as_str() {
        "positive" => Tone::Ok,
        "negative" => Tone::Bad,
        "neutral" => Tone::Neutral,
        _ => Tone::Info,
    }
}

/// The badge tone of an outcome's sentiment (S9).
pub(super) fn sentiment_tone(sentiment: Sentiment) -> Tone {
    match sentiment {
        Sentiment::Positive => Tone::Ok,
        Sentiment::Neutral => Tone::Neutral,
        Sentiment::Negative => Tone::Bad,
    }
}

/// Activities per month for the 12 months up to `now`'s, oldest first.
pub fn per_month(dates: &[DateTime<Utc>], now: DateTime<Utc>) -> Vec<(String, f64)> {
    let month_index = |d: DateTime<Utc>| d.year() * 12 + d.month0() as i32;
    let last = month_index(now);
    (last - 11..=last)
        .map(|m| {
            let (year, month0) = (m.div_euclid(12), m.rem_euclid(12) as u32);
            let label = NaiveDate::from_ymd_opt(year, month0 + 1, 1)
                .map(|d| d.format("%b %Y").to_string())
                .unwrap_or_default();
            let n = dates.iter().filter(|d| month_index(**d) == m).count();
            (label, n as f64)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn months_count_the_last_twelve_oldest_first() {
        let at = |y, m, d| Utc.with_ymd_and_hms(y, m, d, 12, 0, 0).unwrap();
        let dates = [
            at(2026, 11, 3),
            at(2026, 11, 30),
            at(2026, 1, 9),
            at(2025, 11, 30),
        ];
        let months = per_month(&dates, at(2026, 11, 30));
        assert_eq!(months.len(), 12);
        assert_eq!(months[0], ("Dec 2025".to_string(), 0.0));
        assert_eq!(months[1], ("Jan 2026".to_string(), 1.0));
        assert_eq!(
            months[11],
            ("Nov 2026".to_string(), 2.0),
            "Nov 2025 is too old"
        );
    }

    #[test]
    fn an_outcome_category_is_a_tone_by_its_sentiment() {
        assert_eq!(outcome_tone("Positive"), Tone::Ok);
        assert_eq!(outcome_tone(" negative "), Tone::Bad);
        assert_eq!(outcome_tone("NEUTRAL"), Tone::Neutral);
        assert_eq!(outcome_tone("Follow-up"), Tone::Info);
    }

    #[test]
    fn the_date_range_is_inclusive() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(day("", "from").unwrap(), None);
        assert!(day("31/12/2026", "from").is_err());
        let (from, to) = (Some(d("2026-11-01")), Some(d("2026-11-30")));
        assert!(in_range(d("2026-11-01"), from, to) && in_range(d("2026-11-30"), from, to));
        assert!(!in_range(d("2026-10-31"), from, to) && !in_range(d("2026-12-01"), from, to));
        assert!(in_range(d("1999-01-01"), None, None));
    }
}
