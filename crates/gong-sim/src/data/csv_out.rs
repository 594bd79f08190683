//! The Timeline-side CSVs (companies, persons, users) in the format of the CLI's
//! `import` commands, so the demo, tests and benchmarks line up with the Gong data.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};

use super::scenario::ScenarioTimeline;
use super::timeline::TimelineUser;
use super::world::SimCompany;

/// Where `write_timeline_csvs` put the files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineCsvPaths {
    /// companies.csv: `name,crm_account_id,industry,arr,employees,region`.
    pub companies: PathBuf,
    /// persons.csv: `email,name,company`.
    pub persons: PathBuf,
    /// users.csv: `email,name,license_type,status,department,region`.
    pub users: PathBuf,
}

impl TimelineCsvPaths {
    fn in_dir(dir: &Path) -> TimelineCsvPaths {
        TimelineCsvPaths {
            companies: dir.join("companies.csv"),
            persons: dir.join("persons.csv"),
            users: dir.join("users.csv"),
        }
    }
}

fn to_io(e: csv::Error) -> io::Error {
    io::Error::other(e)
}

fn write(path: &Path, header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> io::Result<()> {
    let mut w = csv::Writer::from_path(path).map_err(to_io)?;
    w.write_record(header).map_err(to_io)?;
    for row in rows {
        w.write_record(&row).map_err(to_io)?;
    }
    w.flush()
}

/// Writes the generated world's CSVs: only companies in the Timeline and their
/// contacts; every Timeline user row (duplicates included).
pub fn write_generated(
    dir: &Path,
    companies: &[SimCompany],
    users: &[TimelineUser],
) -> io::Result<TimelineCsvPaths> {
    std::fs::create_dir_all(dir)?;
    let paths = TimelineCsvPaths::in_dir(dir);
    let listed = || companies.iter().filter(|c| c.in_timeline);
    write(
        &paths.companies,
        &[
            "name",
            "crm_account_id",
            "industry",
            "arr",
            "employees",
            "region",
        ],
        listed().map(|c| {
            let id = if c.csv_uses_15 {
                c.salesforce_id[..15].to_string()
            } else {
                c.salesforce_id.clone()
            };
            vec![
                c.name.clone(),
                id,
                c.industry.clone(),
                c.arr.to_string(),
                c.employees.to_string(),
                c.region.clone(),
            ]
        }),
    )?;
    write(
        &paths.persons,
        &["email", "name", "company"],
        listed().flat_map(|c| {
            c.contacts
                .iter()
                .map(|p| vec![p.email.clone(), p.name.clone(), c.name.clone()])
        }),
    )?;
    write(
        &paths.users,
        &[
            "email",
            "name",
            "license_type",
            "status",
            "department",
            "region",
        ],
        users.iter().map(|u| {
            vec![
                u.email.clone(),
                u.name.clone(),
                u.license_type.to_string(),
                u.status.to_string(),
                u.department.clone(),
                u.region.clone(),
            ]
        }),
    )?;
    Ok(paths)
}

/// Writes a scenario's Timeline rows; columns beyond the required ones are taken
/// from the rows themselves (sorted by name so the output is stable).
pub fn write_scenario(dir: &Path, t: &ScenarioTimeline) -> io::Result<TimelineCsvPaths> {
    std::fs::create_dir_all(dir)?;
    let paths = TimelineCsvPaths::in_dir(dir);
    write_rows(&paths.companies, &["name", "crm_account_id"], &t.companies)?;
    write_rows(&paths.persons, &["email", "name", "company"], &t.persons)?;
    write_rows(
        &paths.users,
        &["email", "name", "license_type", "status"],
        &t.users,
    )?;
    Ok(paths)
}

fn write_rows(path: &Path, required: &[&str], rows: &[HashMap<String, String>]) -> io::Result<()> {
    let mut extra: Vec<&str> = rows
        .iter()
        .flat_map(|r| r.keys().map(String::as_str))
        .filter(|k| !required.contains(k))
        .collect();
    extra.sort_unstable();
    extra.dedup();
    let header: Vec<&str> = required.iter().copied().chain(extra).collect();
    write(
        path,
        &header,
        rows.iter().map(|r| {
            header
                .iter()
                .map(|h| r.get(*h).cloned().unwrap_or_default())
                .collect()
        }),
    )
}
