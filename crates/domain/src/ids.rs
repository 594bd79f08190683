//! Typed ids: one type per kind of record, so a connection id never passes for a job id.
//!
//! The store's ids are numbers the database gives ([`ConnectionId`], [`JobId`], ...);
//! Gong's call id is the text Gong gives ([`GongCallId`]). Each is a newtype over the
//! raw value and reads and writes exactly as that value does:
//!
//! - **JSON**: `#[serde(transparent)]`, so every API shape and stored JSON document is
//!   unchanged (a bare number, a bare string), and a path or query extractor parses an
//!   id with the very error a bare `i64` gave.
//! - **Text**: `Display` prints the bare value and `FromStr` parses it (the CLI's
//!   arguments, URLs, log lines); `Debug` prints the bare value too, so a `?field` in a
//!   log line or a `{:?}` of a record reads as it did when ids were plain numbers.
//! - **SQL** (feature `sqlx`, turned on by the SQL store only): `#[sqlx(transparent)]`,
//!   so a column keeps its type (BIGINT, TEXT) on both databases.
//!
//! The raw value is reached with `get()` / `as_str()` and made with `From` / `new` only
//! at the edges: decoding a row or an argument, and arithmetic no id should need.

use std::fmt;
use std::num::ParseIntError;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Defines a newtype over a database-given `i64` id with the traits of the module docs.
macro_rules! int_ids {
    ($($(#[$meta:meta])* $name:ident;)+) => {$(
        $(#[$meta])*
        // `Default` (0) only for records that derive it, as they did over `i64`.
        #[derive(Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        #[cfg_attr(feature = "sqlx", derive(sqlx::Type), sqlx(transparent))]
        pub struct $name(i64);

        impl $name {
            /// The id with this raw value.
            pub const fn new(raw: i64) -> Self {
                $name(raw)
            }

            /// The raw value, as the database stores it.
            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl From<i64> for $name {
            fn from(raw: i64) -> Self {
                $name(raw)
            }
        }

        impl From<$name> for i64 {
            fn from(id: $name) -> i64 {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        // The bare number, as before ids had types: see the module docs.
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&self.0, f)
            }
        }

        impl FromStr for $name {
            type Err = ParseIntError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map($name)
            }
        }
    )+};
}

int_ids! {
    /// Id of a Gong connection.
    ConnectionId;
    /// Id of a sync job.
    JobId;
    /// Id of a Timeline activity.
    ActivityId;
    /// Id of a Timeline user.
    UserId;
    /// Id of a company.
    CompanyId;
    /// Id of a company person.
    PersonId;
    /// Id of an activity type.
    ActivityTypeId;
    /// Id of a log record.
    LogRecordId;
    /// Id of an exported file.
    ExportId;
    /// Id of an admin account.
    AdminId;
    /// Id of an API token.
    ApiTokenId;
    /// Id of an audit log entry.
    AuditId;
    /// Id of an erasure receipt.
    ErasureId;
}

/// A Gong call id, as Gong spells it (a decimal string; kept as text, never parsed).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default)]
#[serde(transparent)]
#[cfg_attr(feature = "sqlx", derive(sqlx::Type), sqlx(transparent))]
pub struct GongCallId(String);

impl GongCallId {
    /// The call id Gong sent.
    pub fn new(raw: impl Into<String>) -> Self {
        GongCallId(raw.into())
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True for the empty id, which Gong never gives (a call without one is refused).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The id's text, owned.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl From<String> for GongCallId {
    fn from(raw: String) -> Self {
        GongCallId(raw)
    }
}

impl From<&str> for GongCallId {
    fn from(raw: &str) -> Self {
        GongCallId(raw.to_owned())
    }
}

impl From<GongCallId> for String {
    fn from(id: GongCallId) -> String {
        id.0
    }
}

impl AsRef<str> for GongCallId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

// Maps and sets keyed by call id are looked up with a `&str` too; `String`'s and
// `GongCallId`'s `Hash` and `Ord` agree, as `Borrow` requires.
impl std::borrow::Borrow<str> for GongCallId {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for GongCallId {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for GongCallId {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl fmt::Display for GongCallId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

// The quoted string, as before call ids had a type: see the module docs.
impl fmt::Debug for GongCallId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl FromStr for GongCallId {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(GongCallId(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_reads_and_writes_as_its_bare_value() {
        let id = ConnectionId::new(42);
        assert_eq!(serde_json::to_string(&id).unwrap(), "42");
        assert_eq!(serde_json::from_str::<ConnectionId>("42").unwrap(), id);
        assert_eq!(id.to_string(), "42");
        assert_eq!(format!("{id:?}"), "42");
        assert_eq!("42".parse::<ConnectionId>(), Ok(id));
        assert_eq!(
            "x".parse::<ConnectionId>().unwrap_err().to_string(),
            "x".parse::<i64>().unwrap_err().to_string()
        );
    }

    #[test]
    fn a_call_id_reads_and_writes_as_its_text() {
        let id = GongCallId::new("7782342274025937895");
        assert_eq!(
            serde_json::to_string(&id).unwrap(),
            "\"7782342274025937895\""
        );
        assert_eq!(
            serde_json::from_str::<GongCallId>("\"7782342274025937895\"").unwrap(),
            id
        );
        assert_eq!(id.to_string(), "7782342274025937895");
        assert_eq!(format!("{id:?}"), "\"7782342274025937895\"");
        let set: std::collections::HashSet<GongCallId> = [id.clone()].into();
        assert!(set.contains("7782342274025937895"));
    }
}
