//! The fixed-size part of a generated account: Gong users, companies with their
//! contacts, trackers, and the Timeline users that go with them (see [`super::timeline`]). Its size does not
//! depend on the number of calls, so a million calls cost no more memory than ten.

use chrono::{DateTime, Duration, Utc};

use super::hash::{draw, Rng, Stream};
use super::model::UserRole;
use super::model::{SimTracker, SimUser};
use super::names::*;
use super::sfid;
use super::timeline::{role_of, timeline_rows, TimelineUser};

/// Number of generated companies; the last [`MISSING_COMPANIES`] are left out of
/// `companies.csv` so meetings with them fail company resolution.
pub const COMPANIES: usize = 64;
/// Companies present in calls but absent from the Timeline.
pub const MISSING_COMPANIES: usize = 6;

/// A customer company as the CRM knows it.
#[derive(Debug, Clone, PartialEq)]
pub struct SimCompany {
    /// Company name.
    pub name: String,
    /// Email domain of its people.
    pub domain: String,
    /// Industry.
    pub industry: String,
    /// Annual recurring revenue.
    pub arr: u64,
    /// Head count.
    pub employees: u32,
    /// Region.
    pub region: String,
    /// Salesforce Account id, 18-character form.
    pub salesforce_id: String,
    /// HubSpot company id.
    pub hubspot_id: String,
    /// Listed in the Timeline's companies.csv.
    pub in_timeline: bool,
    /// companies.csv carries the 15-character form of the id (R1 treats both alike).
    pub csv_uses_15: bool,
    /// The company's contacts.
    pub contacts: Vec<SimContact>,
}

/// A contact (Company Person) of a company.
#[derive(Debug, Clone, PartialEq)]
pub struct SimContact {
    /// Full name.
    pub name: String,
    /// Email.
    pub email: String,
    /// Job title.
    pub title: String,
    /// Salesforce Contact id (18).
    pub salesforce_id: String,
}

/// The generated account minus its calls.
#[derive(Debug, Clone)]
pub struct World {
    /// Gong users.
    pub users: Vec<SimUser>,
    /// Companies.
    pub companies: Vec<SimCompany>,
    /// Tracker definitions.
    pub trackers: Vec<SimTracker>,
    /// Timeline users (users.csv).
    pub timeline_users: Vec<TimelineUser>,
}

/// A Gong-style id of 18 or 19 decimal digits.
pub fn gong_id(seed: u64, stream: Stream, index: u64) -> String {
    let d = draw(seed, stream, index ^ 0x5151_0000_0000);
    if d & 3 == 0 {
        (100_000_000_000_000_000 + d % 900_000_000_000_000_000).to_string()
    } else {
        (1_000_000_000_000_000_000 + d % 8_000_000_000_000_000_000).to_string()
    }
}

impl World {
    /// Generates the world for `seed` with `n_users` Gong users (at least 12).
    pub fn generate(seed: u64, n_users: usize, anchor: DateTime<Utc>) -> World {
        let users = gen_users(seed, n_users.max(12), anchor);
        let timeline_users = timeline_rows(seed, &users);
        World {
            users,
            companies: (0..COMPANIES).map(|k| gen_company(seed, k)).collect(),
            trackers: default_trackers(seed),
            timeline_users,
        }
    }
}

fn gen_users(seed: u64, n: usize, anchor: DateTime<Utc>) -> Vec<SimUser> {
    let mut seen = std::collections::HashSet::new();
    (0..n)
        .map(|k| {
            let mut rng = Rng::new(seed, Stream::User, k as u64);
            let first = rng.pick(FIRST).to_string();
            let last = rng.pick(LAST).to_string();
            let base = format!("{}.{}", first.to_lowercase(), last.to_lowercase());
            // Two users with the same name get distinct mailboxes, as in a real company.
            let local = if seen.insert(base.clone()) {
                base
            } else {
                format!("{base}{k}")
            };
            let role = role_of(k);
            SimUser {
                id: gong_id(seed, Stream::User, k as u64),
                email: format!("{local}@{INTERNAL_DOMAIN}"),
                first_name: first,
                last_name: last,
                title: Some(rng.pick(INTERNAL_TITLES).to_string()),
                active: role != UserRole::GongInactive,
                created: anchor - Duration::days(rng.range(200, 1500) as i64),
                role: Some(role),
            }
        })
        .collect()
}

fn gen_company(seed: u64, k: usize) -> SimCompany {
    let mut rng = Rng::new(seed, Stream::Company, k as u64);
    // 37 is coprime with 192 = 16 * 12, so the first 192 companies get distinct names.
    let pair = (k * 37 + (seed % 192) as usize) % (COMPANY_A.len() * COMPANY_B.len());
    let (a, b) = (COMPANY_A[pair % 16], COMPANY_B[pair / 16]);
    let name = format!("{a} {b}");
    let domain = format!("{}-{}.example", a.to_lowercase(), b.to_lowercase());
    let contacts = (0..rng.range(2, 5))
        .map(|_| {
            let (first, last) = (rng.pick(FIRST), rng.pick(LAST));
            SimContact {
                name: format!("{first} {last}"),
                email: format!("{}.{}@{domain}", first.to_lowercase(), last.to_lowercase()),
                title: rng.pick(EXTERNAL_TITLES).to_string(),
                salesforce_id: sfid::to18(&sfid::id15("003", &mut rng)),
            }
        })
        .fold(Vec::<SimContact>::new(), |mut acc, c| {
            // Same-name contacts would share an email; keep the first.
            if !acc.iter().any(|x| x.email == c.email) {
                acc.push(c);
            }
            acc
        });
    SimCompany {
        name,
        domain,
        industry: rng.pick(INDUSTRIES).to_string(),
        arr: rng.range(5, 500) * 1_000,
        employees: rng.range(20, 5_000) as u32,
        region: rng.pick(REGIONS).to_string(),
        salesforce_id: sfid::to18(&sfid::id15("001", &mut rng)),
        hubspot_id: rng.range(1_000_000_000, 9_999_999_999).to_string(),
        in_timeline: k < COMPANIES - MISSING_COMPANIES,
        csv_uses_15: k % 7 == 3,
        contacts,
    }
}

fn default_trackers(seed: u64) -> Vec<SimTracker> {
    let defs: [(&str, bool, &[&str], bool, bool); 8] = [
        (
            "Competitors",
            false,
            &["Contoso", "Fabrikam", "Initech"],
            true,
            true,
        ),
        (
            "Pricing",
            false,
            &["price", "discount", "budget"],
            true,
            true,
        ),
        (
            "Next steps",
            false,
            &["follow up", "next week"],
            true,
            false,
        ),
        (
            "Budget (tracker)",
            false,
            &["budget", "funding"],
            false,
            true,
        ),
        ("Churn risk", true, &[], true, false),
        ("Security review", false, &["SOC 2", "GDPR"], false, false),
        (
            "Onboarding",
            false,
            &["kickoff", "training", "rollout"],
            true,
            true,
        ),
        ("Legal", false, &["contract", "MSA"], true, false),
    ];
    defs.iter()
        .enumerate()
        .map(|(k, (name, smart, kw, api, sep))| SimTracker {
            id: gong_id(seed, Stream::Company, 10_000 + k as u64),
            name: name.to_string(),
            smart: *smart,
            keywords: kw.iter().map(|s| s.to_string()).collect(),
            api_results: *api,
            separate_phrases: *sep && !smart,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_cover_every_mapping_rule_and_csv_rows_follow_them() {
        let w = World::generate(42, 40, Utc::now());
        assert_eq!(w.users.len(), 40);
        let rows_for = |role| {
            let u = w.users.iter().find(|u| u.role == Some(role)).unwrap();
            w.timeline_users
                .iter()
                .filter(|r| r.email == u.email)
                .count()
        };
        assert_eq!(rows_for(UserRole::Missing), 0);
        assert_eq!(rows_for(UserRole::DuplicateConflict), 2);
        assert_eq!(rows_for(UserRole::InactiveOnly), 1);
        let emails: std::collections::HashSet<_> = w.users.iter().map(|u| &u.email).collect();
        assert_eq!(emails.len(), 40, "emails are unique");
        assert!(w.users.iter().all(|u| (18..=19).contains(&u.id.len())));
    }

    #[test]
    fn companies_have_unique_names_and_some_are_missing_from_the_timeline() {
        let w = World::generate(7, 40, Utc::now());
        let names: std::collections::HashSet<_> = w.companies.iter().map(|c| &c.name).collect();
        assert_eq!(names.len(), COMPANIES);
        assert_eq!(
            w.companies.iter().filter(|c| !c.in_timeline).count(),
            MISSING_COMPANIES
        );
        assert!(w.companies.iter().all(|c| c.salesforce_id.len() == 18));
    }
}
