//! User provisioning (U1–U6): every Gong user gets a mapping to a Timeline user, by
//! email. The plan is a pure function of Gong's users, the Timeline users with the
//! same emails and the existing mappings; the job runner carries it out.

use std::collections::HashMap;

use gong_timeline_domain::users::{resolve_user, Candidate, UserDecision};
use gong_timeline_domain::{Email, LicenseType, MappingStatus, UserStatus};
use gong_timeline_store::{Fields, MappingUpsert, NewUser, User, UserId, UserMapping};

/// A Gong user as provisioning needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GongUserInfo {
    /// Gong's user id.
    pub gong_user_id: String,
    /// Email, if Gong has a valid one.
    pub email: Option<Email>,
    /// Display name.
    pub name: String,
}

/// What provisioning will do for one Gong user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedMapping {
    /// The Gong user.
    pub gong: GongUserInfo,
    /// The decision; `CreateIc` means a user is made before the mapping is saved.
    pub decision: UserDecision,
    /// Status to store.
    pub status: MappingStatus,
    /// Users sharing the email (the U7 suggestions), ascending.
    pub suggested: Vec<UserId>,
    /// A manual mapping is kept as the admin left it.
    pub manual: bool,
}

/// Timeline users by lowercase email, for conflict detection.
#[derive(Debug, Default, Clone)]
pub struct UsersByEmail(HashMap<String, Vec<Candidate>>);

impl UsersByEmail {
    /// Indexes users whose email parses.
    pub fn build<'a>(users: impl IntoIterator<Item = &'a User>) -> UsersByEmail {
        let mut map: HashMap<String, Vec<Candidate>> = HashMap::new();
        for user in users {
            if let Ok(email) = Email::parse(&user.email) {
                map.entry(email.as_str().to_string())
                    .or_default()
                    .push(candidate(user, email));
            }
        }
        UsersByEmail(map)
    }

    /// Adds a user (e.g. one the sync just created).
    pub fn add(&mut self, user: &User) {
        if let Ok(email) = Email::parse(&user.email) {
            self.0
                .entry(email.as_str().to_string())
                .or_default()
                .push(candidate(user, email));
        }
    }

    /// Users with this email.
    pub fn get(&self, email: &Email) -> &[Candidate] {
        self.0
            .get(email.as_str())
            .map(Vec::as_slice)
            .unwrap_or_default()
    }
}

fn candidate(user: &User, email: Email) -> Candidate {
    Candidate {
        user_id: user.id,
        email,
        name: user.name.clone(),
        license: user.license_type,
        status: user.status,
    }
}

/// Decides the mapping of one Gong user. A manual mapping (U7) stands as long as its
/// user exists; an inactive manual choice still fails meetings by U4.
pub fn plan_one(
    gong: &GongUserInfo,
    users: &UsersByEmail,
    existing: Option<&UserMapping>,
    user_status: impl Fn(UserId) -> Option<UserStatus>,
) -> PlannedMapping {
    let candidates = gong
        .email
        .as_ref()
        .map(|e| users.get(e))
        .unwrap_or_default();
    let mut suggested: Vec<UserId> = candidates.iter().map(|c| c.user_id).collect();
    suggested.sort_unstable();
    if let Some(manual) = existing.filter(|m| m.manual) {
        if let Some(status) = manual
            .user_id
            .and_then(|id| user_status(id).map(|s| (id, s)))
        {
            let decision = match status {
                (id, UserStatus::Active) => UserDecision::UseExisting(id),
                (id, UserStatus::Inactive) => UserDecision::Inactive(id),
            };
            return PlannedMapping {
                gong: gong.clone(),
                decision,
                status: manual.status,
                suggested,
                manual: true,
            };
        }
    }
    let decision = resolve_user(candidates);
    let status = match (&decision, existing) {
        _ if gong.email.is_none() => MappingStatus::Failed,
        // The IC user a sync made stays "Created", so admins can still tell them apart (U1).
        (UserDecision::UseExisting(id), Some(m))
            if m.status == MappingStatus::Created && m.user_id == Some(*id) =>
        {
            MappingStatus::Created
        }
        _ => decision.mapping_status(),
    };
    PlannedMapping {
        gong: gong.clone(),
        decision,
        status,
        suggested,
        manual: false,
    }
}

/// The Internal Collaborator user made for a Gong user (U2, U5, U6).
pub fn new_ic_user(gong: &GongUserInfo, email: &Email) -> NewUser {
    let mut fields = Fields::new();
    fields.insert("gong_user_id".into(), gong.gong_user_id.clone());
    NewUser {
        email: email.as_str().to_string(),
        name: if gong.name.trim().is_empty() {
            email.as_str().to_string()
        } else {
            gong.name.clone()
        },
        license_type: LicenseType::InternalCollaborator,
        status: UserStatus::Active,
        fields,
        created_by_sync: true,
    }
}

/// The mapping row to store for a plan, once any IC user was created (`created`).
pub fn mapping_upsert(plan: &PlannedMapping, created: Option<UserId>) -> MappingUpsert {
    let (status, user_id) = match (&plan.decision, created) {
        (UserDecision::CreateIc, Some(id)) => (MappingStatus::Created, Some(id)),
        (UserDecision::CreateIc, None) => (MappingStatus::Failed, None),
        (decision, _) => (plan.status, decision.mapped_user()),
    };
    MappingUpsert {
        gong_user_id: plan.gong.gong_user_id.clone(),
        gong_email: plan.gong.email.as_ref().map(|e| e.as_str().to_string()),
        gong_name: plan.gong.name.clone(),
        status,
        user_id,
        suggested: plan.suggested.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use gong_timeline_store::ConnectionId;

    fn user(id: i64, email: &str, license: LicenseType, status: UserStatus) -> User {
        User {
            id: UserId::new(id),
            email: email.into(),
            name: format!("U{id}"),
            license_type: license,
            status,
            fields: Fields::new(),
            created_by_sync: false,
        }
    }

    fn gong(email: &str) -> GongUserInfo {
        GongUserInfo {
            gong_user_id: "77".into(),
            email: Email::parse(email).ok(),
            name: "Ann".into(),
        }
    }

    fn active(_: UserId) -> Option<UserStatus> {
        Some(UserStatus::Active)
    }

    #[test]
    fn u2_no_user_with_the_email_creates_an_ic_user() {
        let plan = plan_one(&gong("ann@x.com"), &UsersByEmail::default(), None, active);
        assert_eq!(plan.decision, UserDecision::CreateIc);
        let new = new_ic_user(&plan.gong, plan.gong.email.as_ref().unwrap());
        assert_eq!(
            (new.license_type, new.status),
            (LicenseType::InternalCollaborator, UserStatus::Active)
        );
        assert_eq!(
            mapping_upsert(&plan, Some(UserId::new(9))).status,
            MappingStatus::Created
        );
        assert_eq!(
            mapping_upsert(&plan, Some(UserId::new(9))).user_id,
            Some(UserId::new(9))
        );
    }

    #[test]
    fn u3_conflicts_are_resolved_by_tier_and_ties_kept_with_suggestions() {
        let users = [
            user(1, "ann@x.com", LicenseType::Viewer, UserStatus::Active),
            user(2, "Ann@X.com", LicenseType::Full, UserStatus::Active),
            user(3, "bob@x.com", LicenseType::Full, UserStatus::Active),
            user(4, "bob@x.com", LicenseType::Full, UserStatus::Active),
        ];
        let index = UsersByEmail::build(&users);
        let ann = plan_one(&gong("ann@x.com"), &index, None, active);
        assert_eq!(
            (ann.decision.clone(), ann.status),
            (
                UserDecision::UseExisting(UserId::new(2)),
                MappingStatus::Mapped
            )
        );
        assert_eq!(ann.suggested, vec![UserId::new(1), UserId::new(2)]);
        let bob = plan_one(&gong("bob@x.com"), &index, None, active);
        assert_eq!(bob.status, MappingStatus::Conflict);
        assert_eq!(mapping_upsert(&bob, None).user_id, None);
    }

    #[test]
    fn u7_a_manual_mapping_is_kept() {
        let users = [
            user(3, "bob@x.com", LicenseType::Full, UserStatus::Active),
            user(4, "bob@x.com", LicenseType::Full, UserStatus::Active),
        ];
        let manual = UserMapping {
            connection_id: ConnectionId::new(1),
            gong_user_id: "77".into(),
            gong_email: Some("bob@x.com".into()),
            gong_name: "Bob".into(),
            status: MappingStatus::Mapped,
            user_id: Some(UserId::new(4)),
            suggested: vec![UserId::new(3), UserId::new(4)],
            manual: true,
            updated_at: Utc::now(),
        };
        let plan = plan_one(
            &gong("bob@x.com"),
            &UsersByEmail::build(&users),
            Some(&manual),
            active,
        );
        assert_eq!(plan.decision, UserDecision::UseExisting(UserId::new(4)));
        assert!(plan.manual);
    }

    #[test]
    fn u1_a_created_mapping_stays_created_on_the_next_sync() {
        let users = [user(
            9,
            "ann@x.com",
            LicenseType::InternalCollaborator,
            UserStatus::Active,
        )];
        let before = UserMapping {
            connection_id: ConnectionId::new(1),
            gong_user_id: "77".into(),
            gong_email: Some("ann@x.com".into()),
            gong_name: "Ann".into(),
            status: MappingStatus::Created,
            user_id: Some(UserId::new(9)),
            suggested: vec![],
            manual: false,
            updated_at: Utc::now(),
        };
        let plan = plan_one(
            &gong("ann@x.com"),
            &UsersByEmail::build(&users),
            Some(&before),
            active,
        );
        assert_eq!(
            (plan.decision.clone(), plan.status),
            (
                UserDecision::UseExisting(UserId::new(9)),
                MappingStatus::Created
            )
        );
    }

    #[test]
    fn u1_a_gong_user_without_email_cannot_be_mapped() {
        let plan = plan_one(
            &GongUserInfo {
                gong_user_id: "5".into(),
                email: None,
                name: "X".into(),
            },
            &UsersByEmail::default(),
            None,
            active,
        );
        assert_eq!(plan.status, MappingStatus::Failed);
        assert_eq!(mapping_upsert(&plan, None).status, MappingStatus::Failed);
    }
}
