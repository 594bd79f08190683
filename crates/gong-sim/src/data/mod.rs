//! The data a simulator serves: generated from a seed on demand, or compiled from a
//! scenario file. Either way calls are addressed by an index in start-time order.

pub mod calls;
mod csv_out;
pub mod hash;
pub mod model;
mod names;
pub mod scenario;
pub mod sfid;
pub mod spread;
pub mod timeline;
pub mod world;

use std::collections::HashMap;

use chrono::{DateTime, Duration, TimeZone, Utc};

pub use csv_out::TimelineCsvPaths;
use model::{SimCall, SimTracker, SimUser};
use scenario::ScenarioTimeline;
use spread::Spread;
use timeline::TimelineUser;
use world::{SimCompany, World};

use crate::config::SimConfig;
use crate::error::SimError;

/// The account the simulator serves.
#[derive(Debug)]
pub struct DataSet {
    seed: u64,
    anchor: DateTime<Utc>,
    days: u32,
    workspace_id: String,
    users: Vec<SimUser>,
    trackers: Vec<SimTracker>,
    source: Source,
}

#[derive(Debug)]
enum Source {
    Generated {
        world: Box<World>,
        spread: Spread,
    },
    Scenario {
        calls: Vec<SimCall>,
        by_id: HashMap<String, u64>,
        timeline: Option<ScenarioTimeline>,
    },
}

impl DataSet {
    /// Builds the data set a configuration describes (the scenario wins over the
    /// generator when both are given).
    pub fn new(config: &SimConfig) -> Result<DataSet, SimError> {
        let anchor = config.anchor();
        let workspace_id = world::gong_id(config.seed, hash::Stream::Company, 99_999);
        if let Some(scenario) = &config.scenario {
            let scenario::Compiled {
                users,
                trackers,
                calls,
            } = scenario.compile()?;
            let by_id = calls
                .iter()
                .enumerate()
                .map(|(k, c)| (c.id.clone(), k as u64))
                .collect();
            return Ok(DataSet {
                seed: config.seed,
                anchor,
                days: config.days,
                workspace_id,
                users,
                trackers,
                source: Source::Scenario {
                    calls,
                    by_id,
                    timeline: scenario.timeline.clone(),
                },
            });
        }
        let world = World::generate(config.seed, config.users as usize, anchor);
        let window_ms = i64::from(config.days.max(1)) * 86_400_000;
        let spread = Spread {
            seed: config.seed,
            n: config.calls,
            start_ms: anchor.timestamp_millis() - window_ms,
            window_ms,
        };
        Ok(DataSet {
            seed: config.seed,
            anchor,
            days: config.days,
            workspace_id,
            // Small lists: the generator keeps its own copies for call generation.
            users: world.users.clone(),
            trackers: world.trackers.clone(),
            source: Source::Generated {
                world: Box::new(world),
                spread,
            },
        })
    }

    /// Number of calls.
    pub fn call_count(&self) -> u64 {
        match &self.source {
            Source::Generated { spread, .. } => spread.n,
            Source::Scenario { calls, .. } => calls.len() as u64,
        }
    }

    /// Gong users.
    pub fn users(&self) -> &[SimUser] {
        &self.users
    }

    /// Tracker definitions.
    pub fn trackers(&self) -> &[SimTracker] {
        &self.trackers
    }

    /// Generated companies (empty for a scenario).
    pub fn companies(&self) -> &[SimCompany] {
        match &self.source {
            Source::Generated { world, .. } => &world.companies,
            Source::Scenario { .. } => &[],
        }
    }

    /// Generated Timeline users (empty for a scenario).
    pub fn timeline_users(&self) -> &[TimelineUser] {
        match &self.source {
            Source::Generated { world, .. } => &world.timeline_users,
            Source::Scenario { .. } => &[],
        }
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The single workspace's id.
    pub fn workspace_id(&self) -> &str {
        &self.workspace_id
    }

    /// The generator's window `[start, end)` (calls start inside it).
    pub fn window(&self) -> (DateTime<Utc>, DateTime<Utc>) {
        (
            self.anchor - Duration::days(i64::from(self.days.max(1))),
            self.anchor,
        )
    }

    /// Call `i` in start-time order.
    pub fn call(&self, i: u64) -> Option<SimCall> {
        match &self.source {
            Source::Generated { world, spread } => {
                (i < spread.n).then(|| calls::generate(world, spread, i))
            }
            Source::Scenario { calls, .. } => calls.get(i as usize).cloned(),
        }
    }

    /// The id of call `i`, without generating the call.
    pub fn call_id(&self, i: u64) -> Option<String> {
        match &self.source {
            Source::Generated { spread, .. } => (i < spread.n).then(|| spread.call_id(i)),
            Source::Scenario { calls, .. } => calls.get(i as usize).map(|c| c.id.clone()),
        }
    }

    /// The index of a call id.
    pub fn index_of(&self, id: &str) -> Option<u64> {
        match &self.source {
            Source::Generated { spread, .. } => spread.index_of(id),
            Source::Scenario { by_id, .. } => by_id.get(id).copied(),
        }
    }

    /// The call with this id.
    pub fn call_by_id(&self, id: &str) -> Option<SimCall> {
        self.index_of(id).and_then(|i| self.call(i))
    }

    /// Start time of call `i`.
    pub fn started(&self, i: u64) -> DateTime<Utc> {
        Utc.timestamp_millis_opt(self.start_ms(i))
            .single()
            .unwrap_or_default()
    }

    fn start_ms(&self, i: u64) -> i64 {
        match &self.source {
            Source::Generated { spread, .. } => spread.start_ms(i),
            Source::Scenario { calls, .. } => calls
                .get(i as usize)
                .map_or(i64::MAX, |c| c.started.timestamp_millis()),
        }
    }

    /// The first index whose start is at or after `t` (`call_count()` when none).
    pub fn first_at_or_after(&self, t: DateTime<Utc>) -> u64 {
        let t_ms = t.timestamp_millis();
        match &self.source {
            Source::Generated { spread, .. } => spread.first_at_or_after(t_ms),
            Source::Scenario { calls, .. } => {
                calls.partition_point(|c| c.started.timestamp_millis() < t_ms) as u64
            }
        }
    }

    /// The owner's Gong user id of call `i`, without generating the call.
    pub fn owner_id(&self, i: u64) -> Option<&str> {
        match &self.source {
            Source::Generated { spread, .. } => {
                let k = calls::owner_index(self.seed, i, self.users.len());
                (i < spread.n).then(|| self.users[k].id.as_str())
            }
            Source::Scenario { calls, .. } => {
                calls.get(i as usize).map(|c| c.primary_user_id.as_str())
            }
        }
    }

    /// Writes companies.csv, persons.csv and users.csv for the Timeline side.
    pub fn write_timeline_csvs(&self, dir: &std::path::Path) -> std::io::Result<TimelineCsvPaths> {
        match &self.source {
            Source::Generated { world, .. } => {
                csv_out::write_generated(dir, &world.companies, &world.timeline_users)
            }
            Source::Scenario { timeline, .. } => {
                csv_out::write_scenario(dir, timeline.as_ref().unwrap_or(&Default::default()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};

    use super::model::{Affiliation, CrmKind, UserRole};
    use super::*;

    #[derive(Debug, PartialEq, Eq, Hash)]
    enum Path {
        Account,
        Contacts,
        NotFound,
        NotPresent,
    }

    /// A small re-statement of R1-R3 over the generated CSV side, to check that the
    /// generator feeds every path of company resolution.
    #[test]
    fn generated_calls_reach_every_resolution_path_and_owner_role() {
        let ds = DataSet::new(&SimConfig {
            calls: 3_000,
            ..SimConfig::default()
        })
        .unwrap();
        let listed = ds.companies().iter().filter(|c| c.in_timeline);
        let accounts: HashSet<_> = listed.clone().map(|c| c.salesforce_id.clone()).collect();
        let persons: HashSet<_> = listed
            .flat_map(|c| c.contacts.iter().map(|p| p.email.clone()))
            .collect();
        let roles: HashMap<_, _> = ds.users().iter().map(|u| (u.id.clone(), u.role)).collect();
        let mut paths = HashMap::new();
        let mut owner_roles = HashSet::new();
        for i in 0..ds.call_count() {
            let call = ds.call(i).unwrap();
            owner_roles.insert(roles[&call.primary_user_id]);
            let sf_accounts = call
                .context
                .iter()
                .filter(|c| c.system == CrmKind::Salesforce)
                .flat_map(|c| &c.objects)
                .filter(|o| o.object_type == "Account");
            let externals: Vec<_> = call
                .parties
                .iter()
                .filter(|p| p.affiliation == Affiliation::External)
                .filter_map(|p| p.email.clone())
                .collect();
            let path = if sf_accounts.clone().any(|o| accounts.contains(&o.object_id)) {
                Path::Account
            } else if externals.iter().any(|e| persons.contains(e)) {
                Path::Contacts
            } else if !call.context.is_empty() || !externals.is_empty() {
                Path::NotFound
            } else {
                Path::NotPresent
            };
            *paths.entry(path).or_insert(0u32) += 1;
        }
        for path in [
            Path::Account,
            Path::Contacts,
            Path::NotFound,
            Path::NotPresent,
        ] {
            assert!(
                paths.get(&path).copied().unwrap_or(0) > 10,
                "{path:?}: {paths:?}"
            );
        }
        for role in [
            UserRole::Missing,
            UserRole::InactiveOnly,
            UserRole::DuplicateConflict,
            UserRole::ExternalOnly,
        ] {
            assert!(
                owner_roles.contains(&Some(role)),
                "{role:?} owns some calls"
            );
        }
    }

    #[test]
    fn memory_does_not_grow_with_the_call_count() {
        let big = DataSet::new(&SimConfig {
            calls: 1_000_000,
            ..SimConfig::default()
        })
        .unwrap();
        assert_eq!(big.call_count(), 1_000_000);
        let last = big.call(999_999).unwrap();
        assert_eq!(big.index_of(&last.id), Some(999_999));
        let (from, to) = big.window();
        assert!(last.started >= from && last.started < to);
        assert_eq!(big.first_at_or_after(to), 1_000_000);
    }
}
