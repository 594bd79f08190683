//! Builders for the unit tests of this crate.

use chrono::{TimeZone, Utc};

use crate::meeting::{Affiliation, CrmObject, CrmSystem, Meeting, Party};

/// A public, untitled meeting with no parties and no context.
pub fn meeting() -> Meeting {
    Meeting {
        gong_call_id: "7782342274025937895".into(),
        title: None,
        started: Utc.with_ymd_and_hms(2024, 3, 5, 14, 30, 0).unwrap(),
        duration_seconds: Some(1800),
        url: Some("https://app.gong.io/call?id=7782342274025937895".into()),
        is_private: false,
        owner_gong_user_id: Some("6010101010101010101".into()),
        parties: Vec::new(),
        crm_objects: Vec::new(),
        trackers: None,
        brief: None,
        key_points: Vec::new(),
        details: Default::default(),
        speakers: Vec::new(),
    }
}

/// A participant with an email and a name.
pub fn party(email: &str, name: &str, affiliation: Affiliation) -> Party {
    Party {
        email: (!email.is_empty()).then(|| email.to_string()),
        name: (!name.is_empty()).then(|| name.to_string()),
        affiliation,
        gong_user_id: None,
    }
}

/// An External participant known by email only.
pub fn external(email: &str) -> Party {
    party(email, "", Affiliation::External)
}

/// A CRM context object.
pub fn crm(system: CrmSystem, object_type: &str, object_id: &str) -> CrmObject {
    CrmObject {
        system,
        object_type: object_type.into(),
        object_id: object_id.into(),
    }
}
