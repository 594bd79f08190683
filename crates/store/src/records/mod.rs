//! The records the store reads and writes, grouped by resource.
//!
//! Ids are `i64` aliases, given by the database. Enums with a closed set of values
//! (scopes, connection statuses, auth kinds) render with `Display` and parse with
//! `FromStr`, so no status travels as a free string.

mod activity;
mod auth;
mod connection;
mod directory;
mod export;
mod job;
mod sync_state;

pub use activity::*;
pub use auth::*;
pub use connection::*;
pub use directory::*;
pub use export::*;
pub use job::*;
pub use sync_state::*;

/// Id of a company.
pub type CompanyId = i64;
/// Id of a company person.
pub type PersonId = i64;
/// Id of a Timeline user.
pub type UserId = i64;
/// Id of an activity type.
pub type ActivityTypeId = i64;
/// Id of a Gong connection.
pub type ConnectionId = i64;
/// Id of a sync job.
pub type JobId = i64;
/// Id of a log record.
pub type LogRecordId = i64;
/// Id of a Timeline activity.
pub type ActivityId = i64;
/// Id of an exported file.
pub type ExportId = i64;

/// Custom fields of a company or user: column name → value, as imported.
pub type Fields = std::collections::BTreeMap<String, String>;

/// A value that is not one of a store enum's accepted spellings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} '{value}': expected one of {expected}")]
pub struct ParseSpelledError {
    /// What was being parsed ("scope", ...).
    pub what: &'static str,
    /// The value given.
    pub value: String,
    /// The accepted spellings, comma separated.
    pub expected: String,
}

/// An enum whose `Display` is its one stored spelling and whose `FromStr` accepts it
/// back case-insensitively.
macro_rules! spelled {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $(
                #[doc = $text]
                #[serde(rename = $text)]
                $variant,
            )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored spelling.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::records::ParseSpelledError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let wanted = s.trim();
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str().eq_ignore_ascii_case(wanted))
                    .ok_or_else(|| $crate::records::ParseSpelledError {
                        what: $what,
                        value: s.to_string(),
                        expected: $name::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", "),
                    })
            }
        }
    };
}
pub(crate) use spelled;
