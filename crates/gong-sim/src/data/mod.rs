//! The data a simulator serves: generated from a seed on demand, or compiled from a
//! scenario file. Either way calls are addressed by an index: the initial calls in
//! start-time order, then the calls made while running ("new calls", generated data
//! only) in the order they appeared. New calls are the only thing kept in memory.

pub mod calls;
pub mod content;
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
use std::sync::{RwLock, RwLockReadGuard};

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
    /// Calls made while running; call `initial_count() + k` is `arrivals[k]`.
    arrivals: RwLock<Vec<SimCall>>,
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
        let workspace_id = world::gong_id(
            spread::account_seed(config.seed, config.account),
            hash::Stream::Company,
            99_999,
        );
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
                arrivals: RwLock::default(),
            });
        }
        let world = World::generate(config.seed, config.users as usize, anchor);
        let window_ms = i64::from(config.days.max(1)) * 86_400_000;
        let spread = Spread {
            seed: config.seed,
            account: config.account,
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
            arrivals: RwLock::default(),
        })
    }

    /// Number of calls, new calls included.
    pub fn call_count(&self) -> u64 {
        self.initial_count() + self.new_call_count()
    }

    /// Number of calls the simulator started with.
    pub fn initial_count(&self) -> u64 {
        match &self.source {
            Source::Generated { spread, .. } => spread.n,
            Source::Scenario { calls, .. } => calls.len() as u64,
        }
    }

    /// Number of calls made while running.
    pub fn new_call_count(&self) -> u64 {
        self.arrivals().len() as u64
    }

    fn arrivals(&self) -> RwLockReadGuard<'_, Vec<SimCall>> {
        self.arrivals.read().unwrap_or_else(|e| e.into_inner())
    }

    /// The new call at index `i`, if `i` is one.
    fn arrival(&self, i: u64) -> Option<SimCall> {
        let k = i.checked_sub(self.initial_count())?;
        self.arrivals().get(usize::try_from(k).ok()?).cloned()
    }

    /// Makes `n` new calls that finished processing at `appeared`, with the
    /// generator's realism, and returns them with their indices. Their ids follow
    /// every existing id. A scenario has no generator: it gets an error.
    pub fn add_new_calls(
        &self,
        n: u64,
        appeared: DateTime<Utc>,
    ) -> Result<Vec<(u64, SimCall)>, SimError> {
        let Source::Generated { world, spread } = &self.source else {
            return Err(SimError::NoGenerator);
        };
        let mut arrivals = self.arrivals.write().unwrap_or_else(|e| e.into_inner());
        let first = spread.n + arrivals.len() as u64;
        let made: Vec<(u64, SimCall)> = (first..first + n)
            .map(|i| (i, calls::generate_new(world, spread, i, appeared)))
            .collect();
        arrivals.extend(made.iter().map(|(_, c)| c.clone()));
        Ok(made)
    }

    /// Indices of the new calls that started in `[from, to)` (open ends when
    /// `None`), in the order they appeared.
    pub fn new_calls_between(
        &self,
        from: Option<DateTime<Utc>>,
        to: Option<DateTime<Utc>>,
    ) -> Vec<u64> {
        let first = self.initial_count();
        self.arrivals()
            .iter()
            .enumerate()
            .filter(|(_, c)| {
                from.is_none_or(|t| c.started >= t) && to.is_none_or(|t| c.started < t)
            })
            .map(|(k, _)| first + k as u64)
            .collect()
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

    /// Call `i` (initial calls in start-time order, then new calls).
    pub fn call(&self, i: u64) -> Option<SimCall> {
        match &self.source {
            Source::Generated { world, spread } if i < spread.n => {
                Some(calls::generate(world, spread, i))
            }
            Source::Scenario { calls, .. } if (i as usize) < calls.len() => {
                calls.get(i as usize).cloned()
            }
            _ => self.arrival(i),
        }
    }

    /// The id of call `i`, without generating the call.
    pub fn call_id(&self, i: u64) -> Option<String> {
        match &self.source {
            Source::Generated { spread, .. } => (i < self.call_count()).then(|| spread.call_id(i)),
            Source::Scenario { calls, .. } => calls.get(i as usize).map(|c| c.id.clone()),
        }
    }

    /// The index of a call id.
    pub fn index_of(&self, id: &str) -> Option<u64> {
        match &self.source {
            Source::Generated { spread, .. } => spread
                .decode(id)
                .filter(|i| *i < spread.n || *i < self.call_count()),
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
        if i >= self.initial_count() {
            return self
                .arrival(i)
                .map_or(i64::MAX, |c| c.started.timestamp_millis());
        }
        match &self.source {
            Source::Generated { spread, .. } => spread.start_ms(i),
            Source::Scenario { calls, .. } => calls
                .get(i as usize)
                .map_or(i64::MAX, |c| c.started.timestamp_millis()),
        }
    }

    /// The first initial call whose start is at or after `t` (`initial_count()`
    /// when none); new calls are found with [`DataSet::new_calls_between`].
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
                (i < spread.n || i < self.call_count()).then(|| self.users[k].id.as_str())
            }
            Source::Scenario { calls, .. } if i as usize >= calls.len() => None,
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

    #[test]
    fn new_calls_follow_the_initial_ones_and_are_found_by_id_and_window() {
        let ds = DataSet::new(&SimConfig {
            calls: 100,
            ..SimConfig::default()
        })
        .unwrap();
        let appeared = ds.window().1 + Duration::minutes(90);
        let made = ds.add_new_calls(3, appeared).unwrap();
        assert_eq!((ds.call_count(), ds.initial_count()), (103, 100));
        let initial: HashSet<_> = (0..100).map(|i| ds.call_id(i).unwrap()).collect();
        for (i, call) in &made {
            assert!(!initial.contains(&call.id));
            assert_eq!(ds.index_of(&call.id), Some(*i));
            assert_eq!(ds.call(*i).as_ref(), Some(call));
            assert_eq!(ds.owner_id(*i), Some(call.primary_user_id.as_str()));
        }
        let window = ds.new_calls_between(Some(appeared - Duration::hours(2)), Some(appeared));
        assert_eq!(window, vec![100, 101, 102]);
        assert!(ds.new_calls_between(Some(appeared), None).is_empty());
        assert_eq!(ds.call(103), None);
    }

    #[test]
    fn a_scenario_cannot_make_new_calls() {
        let scenario: crate::Scenario =
            serde_json::from_str(r#"{"users":[{"id":"1","email":"a@b.example"}],"calls":[]}"#)
                .unwrap();
        let ds = DataSet::new(&SimConfig {
            scenario: Some(scenario),
            ..SimConfig::default()
        })
        .unwrap();
        assert!(matches!(
            ds.add_new_calls(1, Utc::now()),
            Err(SimError::NoGenerator)
        ));
    }
}
