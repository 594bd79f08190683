//! The records the store reads and writes, grouped by resource.
//!
//! Ids are `i64` aliases, given by the database. Enums with a closed set of values
//! (scopes, connection statuses, auth kinds) render with `Display` and parse with
//! `FromStr`, so no status travels as a free string.

mod activity;
mod audit;
mod auth;
mod connection;
mod directory;
mod erasure;
mod export;
mod job;
mod meeting;
mod sync_state;
mod transcript;
mod webhook;

pub use activity::*;
pub use audit::*;
pub use auth::*;
pub use connection::*;
pub use directory::*;
pub use erasure::*;
pub use export::*;
pub use job::*;
pub use meeting::*;
pub use sync_state::*;
pub use transcript::*;
pub use webhook::*;

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

/// Closed sets of the store spell themselves as the domain's statuses do.
pub(crate) use gong_timeline_domain::spelled_enum as spelled;
