//! How values are written to and read from columns: times as fixed-width RFC 3339
//! text in UTC (microseconds, `Z`), enums by their SPEC spelling, JSON as text.

use std::fmt::Display;
use std::str::FromStr;

use chrono::{DateTime, SecondsFormat, Utc};
use gong_timeline_store::{Result, StoreError};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// A time as stored: `2024-05-01T09:30:00.000000Z`.
pub(crate) fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// An optional time as stored.
pub(crate) fn ts_opt(t: Option<DateTime<Utc>>) -> Option<String> {
    t.map(ts)
}

/// Reads a stored time.
pub(crate) fn read_ts(column: &'static str, text: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::corrupt(column, text, e))
}

/// Reads an optional stored time.
pub(crate) fn read_ts_opt(
    column: &'static str,
    text: Option<&str>,
) -> Result<Option<DateTime<Utc>>> {
    text.map(|t| read_ts(column, t)).transpose()
}

/// Reads a stored enum spelling.
pub(crate) fn read_enum<T>(column: &'static str, text: &str) -> Result<T>
where
    T: FromStr,
    T::Err: Display,
{
    text.parse()
        .map_err(|e| StoreError::corrupt(column, text, e))
}

/// Writes a value as JSON text.
pub(crate) fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<String> {
    serde_json::to_string(value)
        .map_err(|e| StoreError::Invalid(format!("cannot encode a value as JSON: {e}")))
}

/// Reads JSON text.
pub(crate) fn read_json<T: DeserializeOwned>(column: &'static str, text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| StoreError::corrupt(column, text, e))
}

/// A count as stored (BIGINT is signed).
pub(crate) fn count(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// A stored count.
pub(crate) fn read_count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn times_are_fixed_width_and_sort_as_text() {
        let a = Utc.with_ymd_and_hms(2024, 5, 1, 9, 30, 0).unwrap();
        let b = a + chrono::Duration::microseconds(1500);
        assert_eq!(ts(a), "2024-05-01T09:30:00.000000Z");
        assert_eq!(ts(a).len(), ts(b).len());
        assert!(ts(a) < ts(b));
        assert_eq!(read_ts("t", &ts(b)).unwrap(), b);
    }
}
