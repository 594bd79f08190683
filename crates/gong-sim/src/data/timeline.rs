//! The Timeline side of the generated users: who holds which license for each Gong
//! user's email in users.csv, chosen so that one sync meets every rule U2-U6.

use gong_timeline_domain::{LicenseType, UserStatus};

use super::hash::{Rng, Stream};
use super::model::{SimUser, UserRole};
use super::names::{DEPARTMENTS, REGIONS};

/// One row of the Timeline's users.csv.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineUser {
    /// Email (several rows may share one).
    pub email: String,
    /// Name.
    pub name: String,
    /// License type.
    pub license_type: LicenseType,
    /// Status.
    pub status: UserStatus,
    /// Department (a user field usable in filters).
    pub department: String,
    /// Region.
    pub region: String,
}

/// The role of the `k`-th generated user: the first nine cover every mapping rule.
pub fn role_of(k: usize) -> UserRole {
    use UserRole::*;
    const SPECIAL: [UserRole; 9] = [
        DuplicateResolvable,
        DuplicateConflict,
        InactiveOnly,
        ExternalOnly,
        Missing,
        Missing,
        GongInactive,
        DuplicateActiveBeatsInactive,
        DuplicatePaidBeatsUnpaid,
    ];
    SPECIAL.get(k).copied().unwrap_or(Normal)
}

/// The users.csv rows for the generated Gong users, plus Timeline-only users.
pub fn timeline_rows(seed: u64, users: &[SimUser]) -> Vec<TimelineUser> {
    use LicenseType::*;
    use UserStatus::{Active, Inactive};
    let mut rows = Vec::new();
    for (k, u) in users.iter().enumerate() {
        let mut rng = Rng::new(seed ^ 0x7711, Stream::User, k as u64);
        let dept = rng.pick(DEPARTMENTS).to_string();
        let region = rng.pick(REGIONS).to_string();
        let mut row = |license: LicenseType, status: UserStatus, suffix: &str| {
            rows.push(TimelineUser {
                email: u.email.clone(),
                name: format!("{}{suffix}", u.full_name()),
                license_type: license,
                status,
                department: dept.clone(),
                region: region.clone(),
            })
        };
        match u.role.unwrap_or(UserRole::Normal) {
            UserRole::Normal => {
                let license = match rng.below(100) {
                    0..=59 => Full,
                    60..=84 => ViewerAnalytics,
                    _ => Viewer,
                };
                row(license, Active, "");
            }
            UserRole::DuplicateResolvable => {
                row(Full, Active, "");
                row(Viewer, Active, " (viewer)");
            }
            UserRole::DuplicateConflict => {
                row(Full, Active, "");
                row(Full, Active, " (2)");
            }
            UserRole::DuplicateActiveBeatsInactive => {
                row(Viewer, Active, "");
                row(Full, Inactive, " (old)");
            }
            UserRole::DuplicatePaidBeatsUnpaid => {
                row(InternalCollaborator, Active, " (IC)");
                row(ViewerAnalytics, Active, "");
            }
            UserRole::InactiveOnly => row(Full, Inactive, ""),
            UserRole::ExternalOnly => row(External, Active, ""),
            UserRole::Missing => {}
            UserRole::GongInactive => row(Full, Active, ""),
        }
    }
    // Timeline-only users with external-type licenses, unknown to Gong.
    for (email, name, license) in [
        ("pat.partner@partner-co.example", "Pat Partner", Partner),
        ("gail.guest@guest.example", "Gail Guest", Guest),
        (
            "integration.bot@acme-saas.example",
            "Integration Bot",
            System,
        ),
    ] {
        rows.push(TimelineUser {
            email: email.into(),
            name: name.into(),
            license_type: license,
            status: Active,
            department: "External".into(),
            region: "NA".into(),
        });
    }
    rows
}
