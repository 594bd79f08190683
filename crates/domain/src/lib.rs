//! The domain of gong-timeline: plain types and pure rules, no I/O.
//!
//! # Layout
//! - [`status`]: job, record and mapping statuses and triggers, spelled as SPEC.md spells them.
//! - [`license`]: license types and user status, with the tiers of rule U3.
//! - [`messages`]: the SPEC's verbatim messages.
//! - [`meeting`]: a Gong meeting as the rules see it.
#![warn(missing_docs)]

pub mod license;
pub mod meeting;
pub mod messages;
pub mod status;

pub use license::{LicenseType, UserStatus};
pub use messages::Message;
pub use status::{JobStatus, MappingStatus, RecordStatus, Trigger};

/// A value that is not one of an enum's accepted spellings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} '{value}': expected one of {expected}")]
pub struct ParseEnumError {
    what: &'static str,
    value: String,
    expected: String,
}

impl ParseEnumError {
    pub(crate) fn new<'a>(
        what: &'static str,
        value: &str,
        expected: impl Iterator<Item = &'a str>,
    ) -> Self {
        ParseEnumError {
            what,
            value: value.to_string(),
            expected: expected.collect::<Vec<_>>().join(", "),
        }
    }
}
