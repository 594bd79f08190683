//! The dates admins type to bound a list (`--from`, `?from=`): a day, `YYYY-MM-DD`
//! in UTC, or an RFC 3339 instant. One reading for the CLI and the API.

use chrono::{DateTime, Duration, NaiveDate, Utc};

/// A bound that is neither a day nor an RFC 3339 instant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a date: use YYYY-MM-DD or an RFC 3339 time")]
pub struct NotADate(pub String);

/// Which end of a range a bound is: a day starts a range at its first instant and
/// ends one at the next day's (exclusive), so `--to 2026-12-01` includes that day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeEnd {
    /// `from`.
    Start,
    /// `to`.
    End,
}

/// Reads a range bound.
pub fn parse_bound(raw: &str, end: RangeEnd) -> Result<DateTime<Utc>, NotADate> {
    let raw = raw.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        return Ok(t.with_timezone(&Utc));
    }
    let day = NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| NotADate(raw.to_string()))?;
    let start = day.and_time(chrono::NaiveTime::MIN).and_utc();
    Ok(match end {
        RangeEnd::Start => start,
        RangeEnd::End => start + Duration::days(1),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_starts_at_midnight_and_ends_at_the_next() {
        let from = parse_bound("2026-12-01", RangeEnd::Start).unwrap();
        let to = parse_bound("2026-12-01", RangeEnd::End).unwrap();
        assert_eq!(from.to_rfc3339(), "2026-12-01T00:00:00+00:00");
        assert_eq!(to.to_rfc3339(), "2026-12-02T00:00:00+00:00");
    }

    #[test]
    fn an_instant_is_taken_as_given_and_anything_else_is_named() {
        let at = parse_bound("2026-12-01T10:30:00+01:00", RangeEnd::End).unwrap();
        assert_eq!(at.to_rfc3339(), "2026-12-01T09:30:00+00:00");
        assert_eq!(
            parse_bound("last week", RangeEnd::Start)
                .unwrap_err()
                .to_string(),
            "'last week' is not a date: use YYYY-MM-DD or an RFC 3339 time"
        );
    }
}
