//! Mapping a Gong user to a Timeline user by email (U1–U6).
//!
//! The engine loads every Timeline user with the Gong user's email (the candidates) and
//! asks [`resolve_user`] what to do; [`UserDecision::mapping_status`] gives the U1 status
//! to store and [`UserDecision::meeting_author`] what a meeting owned by that Gong user
//! gets: an author, or the verbatim failure message.
//!
//! # The ranking, as interpreted here
//! Every candidate is ranked by three keys, compared in this order:
//! 1. **active beats inactive** (U3);
//! 2. **eligible beats external**: Full, Viewer + Analytics, Viewer and Internal
//!    Collaborator users can author activities; External, Partner, System and Guest users
//!    cannot (U5). U3 ranks IC and External alike as "unpaid"; U5 says an
//!    external-licensed match is never used, so an active IC beats an active External
//!    instead of tying with it;
//! 3. **license tier** (U3): Full > Viewer + Analytics > Viewer > IC.
//!
//! Then, looking at the best-ranked candidates:
//! - no candidate at all → [`UserDecision::CreateIc`] (U2);
//! - the best are external-licensed → [`UserDecision::CreateIc`] (U5). Because status ranks
//!   first, this covers "every candidate is external" and also an *active* External user
//!   beside an *inactive* Full one: the only active match is external, so a fresh IC user
//!   is made rather than failing on the inactive one. An inactive External alone is U5 too
//!   (a new IC user, not a U4 failure): that user could never have been the author anyway;
//! - the best are inactive → [`UserDecision::Inactive`] with the best-ranked inactive user
//!   (lowest id on a tie): U4, the owner exists only as inactive user(s);
//! - exactly one best → [`UserDecision::UseExisting`]; several → [`UserDecision::Conflict`]
//!   (U3's tie remains), ids ascending.
//!
//! The decision is stable: once the engine created the IC user that `CreateIc` asks for,
//! resolving again with it among the candidates picks it (an active IC outranks every
//! external and every inactive candidate), unless an active paid user exists.

use serde::{Deserialize, Serialize};

use crate::email::Email;
use crate::ids::UserId;
use crate::license::{LicenseType, UserStatus};
use crate::messages::{GongPerson, Message};
use crate::status::MappingStatus;

/// A Timeline user whose email equals the Gong user's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    /// Timeline user id.
    pub user_id: UserId,
    /// The user's email.
    pub email: Email,
    /// The user's name.
    pub name: String,
    /// The user's license type.
    pub license: LicenseType,
    /// Active or inactive.
    pub status: UserStatus,
}

impl Candidate {
    /// The ranking key: (active, eligible, tier); higher is better.
    fn rank(&self) -> (bool, bool, u8) {
        (
            self.status == UserStatus::Active,
            !self.license.is_external(),
            self.license.tier(),
        )
    }
}

/// What to do with a Gong user, given the Timeline users with its email.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum UserDecision {
    /// Map to this existing user (status Mapped).
    UseExisting(UserId),
    /// Create an active Internal Collaborator user and map to it (U2, U5).
    CreateIc,
    /// The owner exists only as inactive user(s); this is the best-ranked one (U4).
    Inactive(UserId),
    /// A tie among these users remains (U3): the mapping stays in Conflict.
    Conflict(Vec<UserId>),
}

/// Decides how a Gong user maps, from the Timeline users with its email (see module docs).
pub fn resolve_user(candidates: &[Candidate]) -> UserDecision {
    let Some(best) = candidates.iter().map(Candidate::rank).max() else {
        return UserDecision::CreateIc;
    };
    let (active, eligible, _) = best;
    if !eligible {
        return UserDecision::CreateIc;
    }
    let mut top: Vec<UserId> = candidates
        .iter()
        .filter(|c| c.rank() == best)
        .map(|c| c.user_id)
        .collect();
    top.sort_unstable();
    top.dedup();
    match (active, top.as_slice()) {
        (false, _) => UserDecision::Inactive(top[0]),
        (true, [only]) => UserDecision::UseExisting(*only),
        (true, _) => UserDecision::Conflict(top),
    }
}

impl UserDecision {
    /// The U1 mapping status once the decision is carried out: `CreateIc` becomes
    /// Created (the engine records Failed itself when creating the user fails);
    /// `Inactive` is Mapped, to the inactive user, whose meetings then fail by U4.
    pub fn mapping_status(&self) -> MappingStatus {
        match self {
            UserDecision::UseExisting(_) | UserDecision::Inactive(_) => MappingStatus::Mapped,
            UserDecision::CreateIc => MappingStatus::Created,
            UserDecision::Conflict(_) => MappingStatus::Conflict,
        }
    }

    /// The Timeline user the Gong user is mapped to, when one is.
    pub fn mapped_user(&self) -> Option<UserId> {
        match self {
            UserDecision::UseExisting(id) | UserDecision::Inactive(id) => Some(*id),
            UserDecision::CreateIc | UserDecision::Conflict(_) => None,
        }
    }

    /// What a meeting owned by this Gong user gets: its author's user id, or the message
    /// it fails with: U4 for an inactive owner, U6 when the IC user is still to be
    /// created (the engine creates it and retries in the same job), and the conflict
    /// message while a U3 tie remains.
    pub fn meeting_author(&self, owner: GongPerson) -> Result<UserId, Message> {
        match self {
            UserDecision::UseExisting(id) => Ok(*id),
            UserDecision::Inactive(_) => Err(Message::OrganiserInactive(owner)),
            UserDecision::CreateIc => Err(Message::AuthorNotPresent(owner)),
            UserDecision::Conflict(_) => Err(Message::OwnerInConflict(owner)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use LicenseType::*;
    use UserStatus::*;

    fn user(user_id: i64, license: LicenseType, status: UserStatus) -> Candidate {
        Candidate {
            user_id: UserId::new(user_id),
            email: Email::parse("abc@xyz.com").unwrap(),
            name: format!("user {user_id}"),
            license,
            status,
        }
    }

    fn decide(users: &[(i64, LicenseType, UserStatus)]) -> UserDecision {
        let candidates: Vec<Candidate> = users.iter().map(|&(i, l, s)| user(i, l, s)).collect();
        resolve_user(&candidates)
    }

    fn owner() -> GongPerson {
        GongPerson {
            name: "abc".into(),
            email: "abc@xyz.com".into(),
            gong_user_id: "601".into(),
        }
    }

    #[test]
    fn u1_a_single_active_user_is_mapped() {
        let decision = decide(&[(7, Viewer, Active)]);
        assert_eq!(decision, UserDecision::UseExisting(UserId::new(7)));
        assert_eq!(decision.mapping_status(), MappingStatus::Mapped);
        assert_eq!(decision.mapped_user(), Some(UserId::new(7)));
        assert_eq!(decision.meeting_author(owner()), Ok(UserId::new(7)));
    }

    #[test]
    fn u2_no_user_creates_an_ic_user() {
        let decision = decide(&[]);
        assert_eq!(decision, UserDecision::CreateIc);
        assert_eq!(decision.mapping_status(), MappingStatus::Created);
    }

    #[test]
    fn u3_active_beats_inactive() {
        assert_eq!(
            decide(&[(1, Full, Inactive), (2, InternalCollaborator, Active)]),
            UserDecision::UseExisting(UserId::new(2))
        );
        assert_eq!(
            decide(&[(1, Viewer, Active), (2, Full, Inactive)]),
            UserDecision::UseExisting(UserId::new(1))
        );
    }

    #[test]
    fn u3_paid_beats_unpaid() {
        assert_eq!(
            decide(&[(1, InternalCollaborator, Active), (2, Viewer, Active)]),
            UserDecision::UseExisting(UserId::new(2))
        );
    }

    #[test]
    fn u3_full_beats_viewer_analytics_beats_viewer() {
        assert_eq!(
            decide(&[
                (1, Viewer, Active),
                (2, Full, Active),
                (3, ViewerAnalytics, Active)
            ]),
            UserDecision::UseExisting(UserId::new(2))
        );
        assert_eq!(
            decide(&[(1, Viewer, Active), (3, ViewerAnalytics, Active)]),
            UserDecision::UseExisting(UserId::new(3))
        );
    }

    #[test]
    fn u3_a_remaining_tie_stays_in_conflict() {
        let decision = decide(&[(9, Full, Active), (4, Full, Active), (5, Viewer, Active)]);
        assert_eq!(
            decision,
            UserDecision::Conflict(vec![UserId::new(4), UserId::new(9)])
        );
        assert_eq!(decision.mapping_status(), MappingStatus::Conflict);
        assert_eq!(decision.mapped_user(), None);
        assert_eq!(
            decision.meeting_author(owner()),
            Err(Message::OwnerInConflict(owner()))
        );
    }

    #[test]
    fn u3_an_active_ic_beats_an_active_external_user() {
        assert_eq!(
            decide(&[(1, External, Active), (2, InternalCollaborator, Active)]),
            UserDecision::UseExisting(UserId::new(2))
        );
    }

    #[test]
    fn u4_an_owner_only_inactive_fails_the_meeting() {
        let decision = decide(&[(3, Viewer, Inactive), (2, Full, Inactive)]);
        assert_eq!(decision, UserDecision::Inactive(UserId::new(2)));
        assert_eq!(decision.mapping_status(), MappingStatus::Mapped);
        assert_eq!(
            decision.meeting_author(owner()),
            Err(Message::OrganiserInactive(owner()))
        );
        assert_eq!(
            decide(&[
                (8, Full, Inactive),
                (6, Full, Inactive),
                (1, Guest, Inactive)
            ]),
            UserDecision::Inactive(UserId::new(6))
        );
    }

    #[test]
    fn u5_only_external_licenses_create_an_ic_user() {
        for license in [External, Partner, System, Guest] {
            assert_eq!(decide(&[(1, license, Active)]), UserDecision::CreateIc);
            assert_eq!(decide(&[(1, license, Inactive)]), UserDecision::CreateIc);
        }
        assert_eq!(
            decide(&[(1, Partner, Active), (2, Guest, Active)]),
            UserDecision::CreateIc
        );
    }

    #[test]
    fn u5_an_active_external_beside_an_inactive_full_creates_an_ic_user() {
        assert_eq!(
            decide(&[(1, External, Active), (2, Full, Inactive)]),
            UserDecision::CreateIc
        );
    }

    #[test]
    fn u6_an_owner_still_to_be_created_fails_with_the_retry_message() {
        assert_eq!(
            UserDecision::CreateIc.meeting_author(owner()),
            Err(Message::AuthorNotPresent(owner()))
        );
    }

    /// Every list of up to three candidates drawn from all license × status pairs.
    fn all_small_sets() -> Vec<Vec<Candidate>> {
        let kinds: Vec<(LicenseType, UserStatus)> = LicenseType::ALL
            .iter()
            .flat_map(|&l| [(l, Active), (l, Inactive)])
            .collect();
        let mut sets = vec![Vec::new()];
        for size in 1..=3 {
            let mut indices = vec![0usize; size];
            loop {
                sets.push(
                    indices
                        .iter()
                        .enumerate()
                        .map(|(i, &k)| user(i as i64 + 1, kinds[k].0, kinds[k].1))
                        .collect(),
                );
                let Some(pos) = indices.iter().rposition(|&k| k + 1 < kinds.len()) else {
                    break;
                };
                indices[pos] += 1;
                indices[pos + 1..].iter_mut().for_each(|k| *k = 0);
            }
        }
        sets
    }

    fn eligible_active(c: &Candidate) -> bool {
        c.status == Active && !c.license.is_external()
    }

    #[test]
    fn u1_to_u5_combine_consistently_over_every_small_set() {
        let sets = all_small_sets();
        assert_eq!(sets.len(), 1 + 16 + 16 * 16 + 16 * 16 * 16);
        for set in sets {
            let decision = resolve_user(&set);
            let mut reversed = set.clone();
            reversed.reverse();
            assert_eq!(decision, resolve_user(&reversed), "order matters: {set:?}");
            check_decision(&set, &decision);
        }
    }

    fn check_decision(set: &[Candidate], decision: &UserDecision) {
        let by_id = |id: UserId| set.iter().find(|c| c.user_id == id).unwrap();
        let any_active_eligible = set.iter().any(eligible_active);
        match decision {
            UserDecision::UseExisting(id) => {
                let chosen = by_id(*id);
                assert!(eligible_active(chosen), "{set:?}");
                assert!(set
                    .iter()
                    .filter(|c| c.user_id != *id && eligible_active(c))
                    .all(|c| c.license.tier() < chosen.license.tier()));
            }
            UserDecision::Conflict(ids) => {
                assert!(ids.len() >= 2 && ids.windows(2).all(|w| w[0] < w[1]));
                let tier = by_id(ids[0]).license.tier();
                assert!(ids.iter().all(|&id| eligible_active(by_id(id))));
                assert!(ids.iter().all(|&id| by_id(id).license.tier() == tier));
            }
            UserDecision::Inactive(id) => {
                assert!(!any_active_eligible && !by_id(*id).license.is_external());
                assert!(set.iter().all(|c| c.status == Inactive), "{set:?}");
            }
            UserDecision::CreateIc => {
                assert!(!any_active_eligible, "{set:?}");
                // Stable: with the created IC user added, the next run maps to it.
                let mut next = set.to_vec();
                next.push(user(100, InternalCollaborator, Active));
                assert_eq!(
                    resolve_user(&next),
                    UserDecision::UseExisting(UserId::new(100))
                );
            }
        }
    }
}
