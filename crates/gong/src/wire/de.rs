//! Lenient deserialisers for the shapes Gong sends in practice.
//!
//! Gong documents ids as strings, date-times as RFC 3339 and lists as arrays, but real
//! responses carry `null` for empty lists, ids as JSON numbers on a few endpoints,
//! fractional seconds of any length and non-UTC offsets. These helpers accept all of
//! that so that one odd field never loses a whole page of calls.

use chrono::{DateTime, FixedOffset, NaiveDateTime, Utc};
use serde::de::{Deserializer, Error as _};
use serde::Deserialize;
use serde_json::Value;

/// A list (or any `Default` value) where Gong may send `null` or omit the key.
pub(crate) fn null_default<'de, D, T>(de: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(de)?.unwrap_or_default())
}

/// An id: a JSON string, or a JSON number (one Gong endpoint sends those), kept as text.
pub(crate) fn opt_id<'de, D: Deserializer<'de>>(de: D) -> Result<Option<String>, D::Error> {
    match Option::<Value>::deserialize(de)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(other) => Err(D::Error::custom(format!(
            "invalid id {other}, expected a string of digits"
        ))),
    }
}

/// A whole number that may arrive as an integer, a float (`2714.0`) or a numeric string.
pub(crate) fn opt_i64<'de, D: Deserializer<'de>>(de: D) -> Result<Option<i64>, D::Error> {
    match Option::<Value>::deserialize(de)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_i64()
            .or_else(|| n.as_f64().map(|f| f.round() as i64))
            .map(Some)
            .ok_or_else(|| D::Error::custom(format!("invalid number {n}"))),
        Some(Value::String(s)) => s
            .trim()
            .parse::<f64>()
            .map(|f| Some(f.round() as i64))
            .map_err(|_| D::Error::custom(format!("invalid number \"{s}\""))),
        Some(other) => Err(D::Error::custom(format!(
            "invalid number {other}, expected an integer"
        ))),
    }
}

/// An optional date-time, parsed leniently and converted to UTC (see [`parse_datetime`]).
pub(crate) fn opt_datetime<'de, D: Deserializer<'de>>(
    de: D,
) -> Result<Option<DateTime<Utc>>, D::Error> {
    match Option::<Value>::deserialize(de)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => parse_datetime(&s).map(Some).map_err(D::Error::custom),
        Some(other) => Err(D::Error::invalid_type(
            unexpected(&other),
            &"an RFC 3339 date-time string",
        )),
    }
}

/// A date-time the sync does not rely on, read leniently: a string as in
/// [`opt_datetime`], an epoch number (seconds, or milliseconds when that large — Gong's
/// own OpenAPI example sends `scheduled` as a number), and anything unreadable as
/// absent rather than failing the whole call.
pub(crate) fn lenient_datetime<'de, D: Deserializer<'de>>(
    de: D,
) -> Result<Option<DateTime<Utc>>, D::Error> {
    Ok(match Option::<Value>::deserialize(de)? {
        Some(Value::String(s)) => parse_datetime(&s).ok(),
        Some(Value::Number(n)) => n.as_i64().and_then(|epoch| {
            if epoch.unsigned_abs() >= 100_000_000_000 {
                DateTime::from_timestamp_millis(epoch)
            } else {
                DateTime::from_timestamp(epoch, 0)
            }
        }),
        _ => None,
    })
}

/// What serde should call a JSON value in an "invalid type" message.
fn unexpected(value: &Value) -> serde::de::Unexpected<'_> {
    use serde::de::Unexpected;
    match value {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => Unexpected::Signed(i),
            (_, Some(u), _) => Unexpected::Unsigned(u),
            (_, _, f) => Unexpected::Float(f.unwrap_or(f64::NAN)),
        },
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

/// Parses an RFC 3339 / ISO-8601 date-time with any fraction length and any offset
/// (`Z`, `+02:00`, `+0200`), or no offset at all (taken as UTC), into UTC.
pub fn parse_datetime(text: &str) -> Result<DateTime<Utc>, String> {
    let s = text.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Ok(dt.with_timezone(&Utc));
    }
    // ISO-8601 variants RFC 3339 refuses: offsets without a colon, a space separator.
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M:%S%.f%#z",
    ] {
        if let Ok(dt) = DateTime::<FixedOffset>::parse_from_str(s, fmt) {
            return Ok(dt.with_timezone(&Utc));
        }
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(s, fmt) {
            return Ok(naive.and_utc());
        }
    }
    Err(format!(
        "invalid date-time \"{text}\", expected RFC 3339 such as 2025-03-03T16:02:41.507Z"
    ))
}

/// Declares a string enum whose unknown values are kept in `Other(String)` instead of
/// failing the page: Gong adds enum values without notice. Matching ignores case.
macro_rules! open_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* #[doc = concat!("`", $text, "`.")] $variant,)+
            /// A value this client does not know, kept verbatim.
            Other(String),
        }

        impl $name {
            /// The spelling Gong uses.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $text,)+
                    Self::Other(s) => s,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                $(if s.eq_ignore_ascii_case($text) { return Self::$variant; })+
                Self::Other(s.to_owned())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
                let s = String::deserialize(de)?;
                Ok(Self::from(s.as_str()))
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
                ser.serialize_str(self.as_str())
            }
        }
    };
}
pub(crate) use open_enum;

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().expect("test literal")
    }

    #[test]
    fn fractions_of_any_length_and_offsets_become_utc() {
        let cases = [
            ("2025-03-03T16:02:41Z", "2025-03-03T16:02:41Z"),
            ("2025-03-03T16:02:41.5Z", "2025-03-03T16:02:41.500Z"),
            ("2025-03-03T16:02:41.507Z", "2025-03-03T16:02:41.507Z"),
            (
                "2023-10-17T21:21:31.816562+02:00",
                "2023-10-17T19:21:31.816562Z",
            ),
            ("2026-06-10T21:50:07.428+02:00", "2026-06-10T19:50:07.428Z"),
            ("2018-02-18T02:30:00-07:00", "2018-02-18T09:30:00Z"),
            (
                "2018-02-18T02:30:00.123456789-07:00",
                "2018-02-18T09:30:00.123456789Z",
            ),
            ("2018-02-18T10:30:00+0200", "2018-02-18T08:30:00Z"),
            ("2018-02-18 10:30:00.1+02:00", "2018-02-18T08:30:00.100Z"),
            ("2018-02-18T10:30:00", "2018-02-18T10:30:00Z"),
        ];
        for (input, expected) in cases {
            assert_eq!(parse_datetime(input), Ok(utc(expected)), "{input}");
        }
    }

    #[test]
    fn garbage_dates_are_refused_with_the_text() {
        let err = parse_datetime("yesterday").unwrap_err();
        assert!(err.contains("\"yesterday\""), "{err}");
    }

    #[test]
    fn a_number_is_not_a_date_time() {
        // Gong's spec examples show epoch numbers, but real responses carry strings; a
        // number is more likely a broken body than a date, so it is refused, not guessed.
        #[derive(Debug, Deserialize)]
        struct T {
            #[serde(default, deserialize_with = "opt_datetime")]
            _at: Option<DateTime<Utc>>,
        }
        let err = serde_json::from_str::<T>(r#"{"_at":12345}"#).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("invalid type: integer `12345`, expected an RFC 3339"),
            "{err}"
        );
    }

    #[test]
    fn numbers_ids_and_nulls_are_tolerated() {
        #[derive(Deserialize)]
        struct T {
            #[serde(default, deserialize_with = "opt_id")]
            id: Option<String>,
            #[serde(default, deserialize_with = "opt_i64")]
            n: Option<i64>,
            #[serde(default, deserialize_with = "null_default")]
            list: Vec<u8>,
        }
        let t: T = serde_json::from_str(r#"{"id":2271307570613352000,"n":2714.0,"list":null}"#)
            .expect("parses");
        assert_eq!(t.id.as_deref(), Some("2271307570613352000"));
        assert!(t.list.is_empty());
        assert_eq!(t.n, Some(2714));
        let t: T = serde_json::from_str(r#"{"n":"12"}"#).expect("parses");
        assert_eq!(t.n, Some(12));
        assert!(t.id.is_none());
    }
}
