//! The records the store reads and writes, grouped by resource.
//!
//! Ids are the domain's typed ids (`gong_timeline_domain::ids`), given by the database. Enums with a closed set of values
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

pub use gong_timeline_domain::ids::{
    ActivityId, ActivityTypeId, AdminId, ApiTokenId, AuditId, CompanyId, ConnectionId, ErasureId,
    ExportId, GongCallId, JobId, LogRecordId, PersonId, UserId,
};

/// Custom fields of a company or user: column name → value, as imported.
pub type Fields = std::collections::BTreeMap<String, String>;

/// Closed sets of the store spell themselves as the domain's statuses do.
pub(crate) use gong_timeline_domain::spelled_enum as spelled;
