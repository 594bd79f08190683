//! The domain of gong-timeline: plain types and pure rules, no I/O.
//!
//! # Layout
//! - [`ids`]: typed ids of the store's records and of Gong's calls.
//! - [`status`]: job, record and mapping statuses and triggers, spelled as SPEC.md spells them.
//! - [`license`]: license types and user status, with the tiers of rule U3.
//! - [`messages`]: the SPEC's verbatim messages.
//! - [`meeting`]: a Gong meeting as the rules see it.
//! - [`email`]: the canonical email address every match compares.
//! - [`crm_id`]: CRM account ids, Salesforce 15/18-character forms as one id (R1).
//! - [`company`]: company resolution, CRM first, then contacts (R1–R3, C3).
//! - [`users`]: mapping a Gong user to a Timeline user (U1–U6).
//! - [`activity`]: a meeting as a Timeline activity, and its fingerprint (S1, S3, S4).
//! - [`fingerprint`]: a stable FNV-1a 64 hash over a canonical encoding.
//! - [`filter`]: T3 filter expressions on Company and User fields, with advanced logic.
//! - [`schedule`]: the fixed four-hourly UTC sync slots (S6).
//! - [`retention`]: how long activities and stored meetings are kept (G3).
//! - [`erasure`]: what erasing a person by email does to meetings, attendees and text (G2).
//! - [`audit`]: what the audit log records and how secrets are kept out of it (A4).
//! - [`quota`]: Gong's daily quota: purposes, lanes, the rolling budget, estimates (Q1–Q4).
//! - [`outcome`]: a call outcome's sentiment from the company's list, cached a day (S9).
//! - [`transcript`]: a call's transcript with its speakers named, and the text searched (S9).
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod account;
pub mod activity;
pub mod audit;
pub mod company;
pub mod crm_id;
pub mod dates;
pub mod email;
pub mod erasure;
pub mod filter;
pub mod fingerprint;
pub mod ids;
pub mod license;
pub mod meeting;
pub mod messages;
pub mod outcome;
pub mod quota;
pub mod redact;
pub mod retention;
pub mod schedule;
pub mod scope;
pub mod status;
pub mod throttle;
pub mod transcript;
pub mod users;

#[cfg(test)]
mod testing;

pub use account::{GongAccount, SharedBy};
pub use activity::{
    build_activity, content_hash, external_id, ActivityContent, ActivityDraft, Attendee,
    ExternalAttendee,
};
pub use company::{resolve_company, CompanyIndex, CompanyResolution, ResolvedVia};
pub use crm_id::CrmAccountId;
pub use email::{Email, EmailError};
pub use filter::{FieldSource, Fields, Filter, FilterError, FilterSet, LogicExpr};
pub use ids::{
    ActivityId, ActivityTypeId, AdminId, ApiTokenId, AuditId, CompanyId, ConnectionId, ErasureId,
    ExportId, GongCallId, JobId, LogRecordId, PersonId, UserId,
};
pub use license::{LicenseType, UserStatus};
pub use messages::Message;
pub use scope::TokenScope;
pub use status::{ConnectionStatus, JobStatus, MappingStatus, RecordStatus, Trigger};
pub use users::{resolve_user, Candidate, UserDecision};

/// A value that is not one of an enum's accepted spellings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} '{value}': expected one of {expected}")]
pub struct ParseEnumError {
    what: &'static str,
    value: String,
    expected: String,
}

impl ParseEnumError {
    /// An error for `value`, not one of `expected`.
    pub fn new<'a>(
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
