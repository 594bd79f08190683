//! Fixtures of the engine's unit tests.

use chrono::{TimeZone, Utc};
use gong_timeline_domain::meeting::{Affiliation, CrmObject, CrmSystem, Meeting, Party};
use gong_timeline_store::CompanyId;
use gong_timeline_store::{Company, Fields};

/// Acme, company 1, with the Salesforce account the fixture meetings carry.
pub fn acme() -> Company {
    Company {
        id: CompanyId::new(1),
        name: "Acme".into(),
        crm_account_id: Some("0013600000AbCdEAAA".into()),
        fields: Fields::new(),
    }
}

/// A meeting at Acme owned by Gong user `u1` (Ann, its one party).
pub fn meeting(id: &str) -> Meeting {
    Meeting {
        gong_call_id: id.into(),
        title: Some("QBR".into()),
        started: Utc.with_ymd_and_hms(2026, 11, 20, 10, 0, 0).unwrap(),
        duration_seconds: Some(60),
        url: None,
        is_private: false,
        owner_gong_user_id: Some("u1".into()),
        parties: vec![Party {
            email: Some("ann@us.io".into()),
            name: Some("Ann".into()),
            affiliation: Affiliation::Internal,
            gong_user_id: Some("u1".into()),
        }],
        crm_objects: vec![CrmObject {
            system: CrmSystem::Salesforce,
            object_type: "Account".into(),
            object_id: "0013600000AbCdEAAA".into(),
        }],
        trackers: None,
        brief: None,
        key_points: vec![],
        details: Default::default(),
        speakers: Vec::new(),
    }
}
