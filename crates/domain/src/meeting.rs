//! A Gong meeting as the domain rules see it: plain data, already converted from
//! Gong's wire format by the sync engine, with every field Gong may omit optional.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::GongCallId;

/// One Gong call, in the shape the rules need.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Meeting {
    /// Gong's call id (a string of digits).
    pub gong_call_id: GongCallId,
    /// Call title; Gong may send none.
    pub title: Option<String>,
    /// Actual start time, UTC.
    pub started: DateTime<Utc>,
    /// Duration in seconds.
    pub duration_seconds: Option<i64>,
    /// The Gong call page (the recording link that does not expire).
    pub url: Option<String>,
    /// Private meetings are never synced (S2).
    pub is_private: bool,
    /// Gong user id of the call's owner (`primaryUserId`).
    pub owner_gong_user_id: Option<String>,
    /// Participants.
    pub parties: Vec<Party>,
    /// CRM objects from the call's context.
    pub crm_objects: Vec<CrmObject>,
    /// Trackers; `None` when Gong sent no tracker data at all (S4).
    pub trackers: Option<Vec<Tracker>>,
    /// Gong's brief, when Gong sends one.
    pub brief: Option<String>,
    /// Gong's key points, when Gong sends them.
    pub key_points: Vec<String>,
    /// What Gong says of the call itself (T6's `Meeting.*` filter fields). Stored
    /// after the fields above, so meetings stored before it existed still read.
    #[serde(skip)]
    pub details: MeetingDetails,
    /// Which party each of Gong's speaker ids is, to name a transcript's speakers
    /// (S9). Stored after the details, so older meetings still read.
    #[serde(skip)]
    pub speakers: Vec<SpeakerLink>,
}

/// A transcript's speaker id joined to the party who spoke (`parties[].speakerId`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpeakerLink {
    /// Gong's speaker id.
    pub speaker_id: String,
    /// Index into [`Meeting::parties`].
    pub party: u32,
}

/// A call's own metadata that filters may read (T6).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingDetails {
    /// `metaData.scope`: `Internal`, `External` or `Unknown`.
    pub scope: Option<String>,
    /// `metaData.direction`: `Inbound`, `Outbound`, `Conference`, `Unknown`.
    pub direction: Option<String>,
    /// `metaData.system`: the system that recorded the call, e.g. `Zoom`.
    pub system: Option<String>,
    /// `metaData.workspaceId`.
    pub workspace_id: Option<String>,
    /// Gong's highlights (titled lists; "Next steps" among them).
    pub highlights: Vec<Highlight>,
    /// Action items said in the call (`pointsOfInterest.actionItems[].snippet`).
    pub action_items: Vec<String>,
    /// The call's outcome.
    pub outcome: Option<CallOutcome>,
    /// The call's outline.
    pub outline: Vec<OutlineSection>,
}

/// A titled list of Gong's highlights.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Highlight {
    /// E.g. "Next steps".
    pub title: String,
    /// Its items' texts.
    pub items: Vec<String>,
}

/// A call's outcome, as the customer's Gong names and categorises it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallOutcome {
    /// E.g. "Demo scheduled".
    pub name: String,
    /// E.g. "Positive": its sentiment as the admin set it up in Gong.
    pub category: Option<String>,
}

/// A section of the call's outline.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutlineSection {
    /// The section's name.
    pub section: String,
    /// What was said in it.
    pub items: Vec<String>,
}

/// The highlight title Gong gives next steps.
pub const NEXT_STEPS: &str = "Next steps";

impl MeetingDetails {
    /// The items of the "Next steps" highlight (any case).
    pub fn next_steps(&self) -> Vec<String> {
        self.highlights
            .iter()
            .filter(|h| h.title.trim().eq_ignore_ascii_case(NEXT_STEPS))
            .flat_map(|h| h.items.iter().cloned())
            .collect()
    }
}

impl Meeting {
    /// The owner's email address, from the party who is the call's owner.
    pub fn owner_email(&self) -> Option<&str> {
        let owner = self.owner_gong_user_id.as_deref()?;
        self.parties
            .iter()
            .find(|p| p.gong_user_id.as_deref() == Some(owner))
            .and_then(|p| p.email.as_deref())
    }

    /// What may be kept of the meeting: all of it, or for a private meeting only its
    /// id, start, duration and private flag (M1: never its content, not even in the
    /// execution log).
    pub fn keepable(self) -> Meeting {
        if !self.is_private {
            return self;
        }
        self.private_remains()
    }

    /// What [`Meeting::keepable`] keeps of a private meeting: its id, start, duration
    /// and the flag.
    pub fn private_remains(&self) -> Meeting {
        Meeting {
            gong_call_id: self.gong_call_id.clone(),
            title: None,
            started: self.started,
            duration_seconds: self.duration_seconds,
            url: None,
            is_private: true,
            owner_gong_user_id: None,
            parties: Vec::new(),
            crm_objects: Vec::new(),
            trackers: None,
            brief: None,
            key_points: Vec::new(),
            details: MeetingDetails::default(),
            speakers: Vec::new(),
        }
    }

    /// A public meeting that says nothing but its id and start: what a rule reads
    /// when the call's content is not at hand.
    pub fn bare(gong_call_id: impl Into<GongCallId>, started: DateTime<Utc>) -> Meeting {
        Meeting {
            gong_call_id: gong_call_id.into(),
            title: None,
            started,
            duration_seconds: None,
            url: None,
            is_private: false,
            owner_gong_user_id: None,
            parties: Vec::new(),
            crm_objects: Vec::new(),
            trackers: None,
            brief: None,
            key_points: Vec::new(),
            details: MeetingDetails::default(),
            speakers: Vec::new(),
        }
    }

    /// The party behind a transcript's speaker id, if the meeting names one.
    pub fn speaker(&self, speaker_id: &str) -> Option<&Party> {
        let link = self.speakers.iter().find(|s| s.speaker_id == speaker_id)?;
        self.parties.get(usize::try_from(link.party).ok()?)
    }
}

/// Which side of the meeting a participant is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Affiliation {
    /// A person of the Gong account's company.
    Internal,
    /// A customer or other outside person.
    External,
    /// Gong could not tell.
    Unknown,
}

impl Affiliation {
    /// The side as spelled in JSON and tables: `Internal`, `External`, `Unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Affiliation::Internal => "Internal",
            Affiliation::External => "External",
            Affiliation::Unknown => "Unknown",
        }
    }
}

/// One participant of a meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    /// Email address, if Gong knows it.
    pub email: Option<String>,
    /// Display name, if Gong knows it.
    pub name: Option<String>,
    /// Internal or external.
    pub affiliation: Affiliation,
    /// Gong user id, for internal participants who are Gong users.
    pub gong_user_id: Option<String>,
}

/// The CRM system a call context comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CrmSystem {
    /// Salesforce: account ids in 15- or 18-character form.
    Salesforce,
    /// HubSpot: not supported for company resolution (C3).
    HubSpot,
    /// Any other CRM, by the name Gong gives it.
    Other(String),
}

/// One CRM object in a call's context.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CrmObject {
    /// Which CRM.
    pub system: CrmSystem,
    /// Object type as Gong names it (`Account`, `Contact`, `Opportunity`, ...).
    pub object_type: String,
    /// The CRM's id of the object.
    pub object_id: String,
}

/// One tracker and how often it fired.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tracker {
    /// Tracker name.
    pub name: String,
    /// Number of occurrences.
    pub count: i64,
    /// Phrase counts, when Gong separates phrases.
    pub phrases: Vec<PhraseCount>,
}

/// One phrase of a tracker and how often it was said.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhraseCount {
    /// The phrase.
    pub phrase: String,
    /// Number of occurrences.
    pub count: i64,
}
