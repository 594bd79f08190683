//! Gong's JSON, as this client understands it from the API reference (its own types: the
//! simulator has separate ones, so a misreading of the reference is not shared).
//!
//! Ids are strings, every field Gong may omit or null is `Option` or defaults to empty,
//! unknown fields are ignored and date-times are parsed leniently into UTC.

mod calls;
pub(crate) mod de;
pub(crate) mod decode;
pub mod outcomes;
pub mod privacy;
mod records;
mod request;
mod settings;
pub mod transcripts;
mod users;

pub use calls::{
    ActionItem, Affiliation, Call, CallContent, CallMedia, CallMetaData, CallOutcome, CallScope,
    CrmContext, CrmField, CrmObject, CrmSystem, Direction, Highlight, HighlightItem, KeyPoint,
    MediaKind, NamedDuration, Occurrence, OutlineItem, OutlineSection, Party, PointsOfInterest,
    Tracker, TrackerPhrase, TrackerType,
};
pub use de::parse_datetime;
pub(crate) use records::OAuthErrorBody;
pub use records::{ErrorBody, Records};
pub use request::{CallsFilter, ContentSelector, ContextLevel};
pub(crate) use request::{CallsRequest, TranscriptsRequest};
pub use settings::{KeywordTracker, LanguageKeywords, Workspace};
pub(crate) use settings::{TrackersResponse, WorkspacesResponse};
pub use users::{SpokenLanguage, User, UserSettings};

#[cfg(test)]
mod tests;

/// The path of Gong's list of workspaces: the cheap request that checks credentials.
pub const WORKSPACES_PATH: &str = "/v2/workspaces";
