//! The JSON of each entity, one shape wherever it is printed: `--format json` of the
//! CLI and the `/api/v1` answers serialise these same types (SPEC's field lists, at
//! times extended, never renamed). Jobs and log records are the store's [`Job`] and
//! [`LogRecord`] as they are (counts flat, the lease left out); connections are
//! [`crate::connections::Overview`].
//!
//! [`Job`]: gong_timeline_store::Job
//! [`LogRecord`]: gong_timeline_store::LogRecord

use gong_timeline_store::GongCallId;
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use gong_timeline_domain::meeting::{OutlineSection, Tracker};
use gong_timeline_domain::outcome::ActivityOutcome;
use gong_timeline_domain::{LicenseType, MappingStatus, UserStatus};
use gong_timeline_store::{
    Activity, ActivityId, Company, CompanyId, ConnectionId, Fields, PersonId, User, UserId,
    UserMapping,
};
use serde::Serialize;

/// An activity as `activities --format json` prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActivityView {
    /// Store id.
    pub id: ActivityId,
    /// Unique external id (`gong:<call id>`, S10).
    pub external_id: String,
    /// The connection that wrote it.
    pub connection_id: ConnectionId,
    /// Gong's call id.
    pub gong_call_id: GongCallId,
    /// The activity type's name.
    #[serde(rename = "type")]
    pub activity_type: String,
    /// Subject (the meeting title).
    pub subject: String,
    /// Meeting start.
    pub date: DateTime<Utc>,
    /// Duration.
    pub duration_seconds: Option<i64>,
    /// The company.
    pub company: CompanyRef,
    /// The author: the meeting owner's user.
    pub author: Option<AuthorRef>,
    /// Internal attendees.
    pub internal_attendees: Vec<InternalRef>,
    /// External attendees.
    pub external_attendees: Vec<ExternalRef>,
    /// Trackers; empty when Gong sent none (then `trackers_message` says so).
    pub trackers: Vec<Tracker>,
    /// Shown instead of trackers.
    pub trackers_message: Option<String>,
    /// Gong call URL.
    pub recording_url: Option<String>,
    /// Gong's brief and key points.
    pub notes: Option<String>,
    /// The items of Gong's "Next steps" highlight (#23).
    pub next_steps: Vec<String>,
    /// Action items said in the call.
    pub action_items: Vec<String>,
    /// The call's outcome (`name`, `category`), when Gong has one, and its
    /// `sentiment` (`Positive`, `Neutral`, `Negative` or null) from the company's
    /// list of outcomes (S9).
    pub outcome: Option<ActivityOutcome>,
    /// The call's outline: sections with their items.
    pub outline: Vec<OutlineSection>,
}

/// The company of an activity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CompanyRef {
    /// Store id.
    pub id: CompanyId,
    /// Name.
    pub name: String,
    /// CRM account id.
    pub crm_account_id: Option<String>,
}

/// The author of an activity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuthorRef {
    /// Store id.
    pub id: UserId,
    /// Email.
    pub email: String,
    /// Name.
    pub name: String,
    /// License type.
    pub license_type: LicenseType,
}

/// An internal attendee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InternalRef {
    /// Email.
    pub email: Option<String>,
    /// Name.
    pub name: Option<String>,
}

/// An external attendee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExternalRef {
    /// Email.
    pub email: Option<String>,
    /// Name.
    pub name: Option<String>,
    /// The matched company person's id; null when kept as name + email.
    pub person: Option<PersonId>,
}

impl From<Activity> for ActivityView {
    fn from(a: Activity) -> Self {
        ActivityView {
            id: a.id,
            external_id: a.external_id,
            connection_id: a.connection_id,
            gong_call_id: a.gong_call_id,
            activity_type: a.activity_type,
            subject: a.subject,
            date: a.date,
            duration_seconds: a.duration_seconds,
            company: CompanyRef {
                id: a.company.id,
                name: a.company.name,
                crm_account_id: a.company.crm_account_id,
            },
            author: a.author.map(|u| AuthorRef {
                id: u.id,
                email: u.email,
                name: u.name,
                license_type: u.license_type,
            }),
            internal_attendees: a
                .internal_attendees
                .into_iter()
                .map(|i| InternalRef {
                    email: i.email,
                    name: i.name,
                })
                .collect(),
            external_attendees: a
                .external_attendees
                .into_iter()
                .map(|e| ExternalRef {
                    email: e.email,
                    name: e.name,
                    person: e.person_id,
                })
                .collect(),
            trackers: a.trackers.unwrap_or_default(),
            trackers_message: a.trackers_message,
            recording_url: a.recording_url,
            notes: a.notes,
            next_steps: a.content.next_steps,
            action_items: a.content.action_items,
            outcome: a.content.outcome,
            outline: a.content.outline,
        }
    }
}

/// A Timeline user as `users list --format json` prints it: the built-in columns and
/// the custom fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserView {
    /// Store id.
    pub id: UserId,
    /// Email.
    pub email: String,
    /// Name.
    pub name: String,
    /// License type.
    pub license_type: LicenseType,
    /// active or inactive.
    pub status: UserStatus,
    /// Custom fields, as imported.
    #[serde(flatten)]
    pub fields: Fields,
}

impl From<&User> for UserView {
    fn from(u: &User) -> Self {
        UserView {
            id: u.id,
            email: u.email.clone(),
            name: u.name.clone(),
            license_type: u.license_type,
            status: u.status,
            fields: u.fields.clone(),
        }
    }
}

/// A company as `companies list --format json` prints it: the built-in columns and
/// the custom fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CompanyView {
    /// Store id.
    pub id: CompanyId,
    /// Name.
    pub name: String,
    /// CRM account id.
    pub crm_account_id: Option<String>,
    /// Custom fields, as imported.
    #[serde(flatten)]
    pub fields: Fields,
}

impl From<Company> for CompanyView {
    fn from(c: Company) -> Self {
        CompanyView {
            id: c.id,
            name: c.name,
            crm_account_id: c.crm_account_id,
            fields: c.fields,
        }
    }
}

/// A Timeline user as a Gong user's mapping nests it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserBrief {
    /// Store id.
    pub id: UserId,
    /// Email.
    pub email: String,
    /// Name.
    pub name: String,
    /// License type.
    pub license_type: LicenseType,
    /// active or inactive: a mapping to an inactive user fails its meetings (U4).
    pub status: UserStatus,
}

impl From<&User> for UserBrief {
    fn from(u: &User) -> Self {
        UserBrief {
            id: u.id,
            email: u.email.clone(),
            name: u.name.clone(),
            license_type: u.license_type,
            status: u.status,
        }
    }
}

/// A Gong user and its mapping, as `users gong --format json` prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GongUserView {
    /// Gong's user id.
    pub gong_user_id: String,
    /// Email as Gong has it.
    pub email: Option<String>,
    /// Name as Gong has it.
    pub name: String,
    /// Mapped, Created, Conflict, Failed.
    pub status: MappingStatus,
    /// True when an admin resolved it.
    pub manual: bool,
    /// The mapped Timeline user.
    pub user: Option<UserBrief>,
    /// The candidates of a conflict.
    pub suggested: Vec<UserBrief>,
}

impl GongUserView {
    /// The view of `m`, its users looked up in `users`.
    pub fn new(m: &UserMapping, users: &HashMap<UserId, User>) -> Self {
        GongUserView {
            gong_user_id: m.gong_user_id.clone(),
            email: m.gong_email.clone(),
            name: m.gong_name.clone(),
            status: m.status,
            manual: m.manual,
            user: m.user_id.and_then(|id| users.get(&id)).map(UserBrief::from),
            suggested: m
                .suggested
                .iter()
                .filter_map(|id| users.get(id))
                .map(UserBrief::from)
                .collect(),
        }
    }

    /// True when the mapped user is inactive: the Gong user's meetings fail (U4)
    /// until the user is active again or mapped to another.
    pub fn mapped_to_inactive(&self) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| u.status == UserStatus::Inactive)
    }
}

/// An activity's transcript as the CLI and the API print it (S9): each monologue's
/// speaker by name and side, its sentences with their times.
#[derive(Debug, Clone, Serialize)]
pub struct TranscriptView {
    /// The activity.
    pub activity_id: ActivityId,
    /// When it was fetched from Gong.
    pub fetched_at: DateTime<Utc>,
    /// In the order they were said; empty when Gong had no transcript.
    pub monologues: Vec<MonologueView>,
}

/// One speaker's turn.
#[derive(Debug, Clone, Serialize)]
pub struct MonologueView {
    /// The speaker's name ("Unknown speaker" when the call names none).
    pub speaker: String,
    /// `Internal`, `External` or `Unknown`.
    pub affiliation: gong_timeline_domain::meeting::Affiliation,
    /// Gong's topic.
    pub topic: Option<String>,
    /// What was said.
    pub sentences: Vec<SentenceView>,
}

/// One sentence.
#[derive(Debug, Clone, Serialize)]
pub struct SentenceView {
    /// Milliseconds from the start of the call.
    pub start_ms: u64,
    /// The same as a clock (`m:ss`).
    pub at: String,
    /// What was said.
    pub text: String,
}

impl From<gong_timeline_store::StoredTranscript> for TranscriptView {
    fn from(t: gong_timeline_store::StoredTranscript) -> Self {
        let monologues = t
            .transcript
            .monologues
            .into_iter()
            .map(|m| MonologueView {
                speaker: m.speaker.display_name().to_owned(),
                affiliation: m.speaker.affiliation,
                topic: m.topic,
                sentences: m
                    .sentences
                    .into_iter()
                    .map(|s| SentenceView {
                        start_ms: s.start_ms,
                        at: gong_timeline_domain::transcript::timestamp(s.start_ms),
                        text: s.text,
                    })
                    .collect(),
            })
            .collect();
        TranscriptView {
            activity_id: t.activity_id,
            fetched_at: t.fetched_at,
            monologues,
        }
    }
}
