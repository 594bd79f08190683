//! CSV parsing of the import files into typed rows. Pure: no database.
//!
//! Headers (SPEC CLI contract; names are matched case-insensitively, spaces and
//! hyphens read as `_`, extra columns become custom fields under their own name):
//! - companies: `name` (required), `crm_account_id`, extra fields
//! - persons: `email`, `name`, `company` (a company's name)
//! - users: `email`, `name`, `license_type`, `status`, extra fields
//! - activity types: `name`, `scope` (`global`/`company`), `active` (`true`/`false`)
//!
//! Rows are numbered as a spreadsheet shows them: the header is row 1, the first
//! record row 2. A file with any bad row is refused whole ([`ImportError`]); the
//! store's import methods add the checks that need the database (a person's company,
//! a crm id used by another company) with the same error type.

use std::collections::HashMap;
use std::io::Read;

use gong_timeline_domain::license::LicenseTypeLenient;
use gong_timeline_domain::UserStatus;

use crate::records::{ActivityScope, ActivityTypeRow, CompanyRow, Fields, PersonRow, UserRow};

const FIX: &str = "Fix the row and import the file again; nothing from this file was stored.";

/// Why an import file was refused. Nothing from the file was stored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// The header lacks a required column.
    #[error("row 1 (the header): column '{column}' is missing (found: {found}); the header must name the columns {expected}. Fix the header and import the file again; nothing from this file was stored.")]
    MissingColumn {
        /// The missing column.
        column: &'static str,
        /// The columns found, comma separated.
        found: String,
        /// The expected header.
        expected: &'static str,
    },
    /// The file is not well-formed CSV (wrong field count, bad UTF-8, unreadable).
    #[error("row {row} (the header is row 1): {reason}. Fix the file and import it again; nothing from this file was stored.")]
    Malformed {
        /// The row, header = 1.
        row: u64,
        /// What is wrong.
        reason: String,
    },
    /// A cell's value is refused.
    #[error("row {row} (the header is row 1), column {column}: {problem}. {FIX}")]
    Invalid {
        /// The row, header = 1.
        row: u64,
        /// The column's name.
        column: String,
        /// The value in the cell.
        value: String,
        /// What is wrong with it, naming the value.
        problem: String,
    },
}

impl ImportError {
    /// An [`ImportError::Invalid`] for one cell.
    pub fn invalid(row: u64, column: &str, value: &str, problem: impl Into<String>) -> Self {
        ImportError::Invalid {
            row,
            column: column.to_string(),
            value: value.to_string(),
            problem: problem.into(),
        }
    }

    /// The row the error names (1 = the header).
    pub fn row(&self) -> u64 {
        match self {
            ImportError::MissingColumn { .. } => 1,
            ImportError::Malformed { row, .. } | ImportError::Invalid { row, .. } => *row,
        }
    }
}

/// A CSV file read into a header map and rows of trimmed cells.
struct Table {
    columns: HashMap<String, usize>,
    names: Vec<String>,
    rows: Vec<(u64, Vec<String>)>,
}

impl Table {
    fn read(reader: impl Read) -> Result<Table, ImportError> {
        let mut csv = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .trim(csv::Trim::All)
            .from_reader(reader);
        let header = csv.headers().map_err(|e| malformed(1, &e))?.clone();
        let names: Vec<String> = header
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
            .collect();
        let columns = names
            .iter()
            .enumerate()
            .map(|(i, n)| (column_key(n), i))
            .collect();
        let mut rows = Vec::new();
        for (index, record) in csv.records().enumerate() {
            let row = index as u64 + 2;
            let record = record.map_err(|e| malformed(row, &e))?;
            rows.push((row, record.iter().map(str::to_string).collect()));
        }
        Ok(Table {
            columns,
            names,
            rows,
        })
    }

    fn require(&self, column: &'static str, expected: &'static str) -> Result<usize, ImportError> {
        self.columns
            .get(column)
            .copied()
            .ok_or_else(|| ImportError::MissingColumn {
                column,
                found: self.names.join(", "),
                expected,
            })
    }

    /// Custom fields: every column not in `known`, under the header's own spelling.
    fn extras(&self, known: &[&str], cells: &[String]) -> Fields {
        self.names
            .iter()
            .zip(cells)
            .filter(|(name, _)| !known.contains(&column_key(name).as_str()) && !name.is_empty())
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect()
    }
}

fn column_key(name: &str) -> String {
    name.trim()
        .trim_start_matches('\u{feff}')
        .to_ascii_lowercase()
        .replace([' ', '-'], "_")
}

fn malformed(row: u64, error: &csv::Error) -> ImportError {
    let reason = match error.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("the row has {len} fields but the header has {expected_len}"),
        csv::ErrorKind::Utf8 { .. } => "the file is not UTF-8 text".to_string(),
        _ => format!("the file cannot be read as CSV: {error}"),
    };
    let row = error
        .position()
        .map(|p| p.record() + 1)
        .filter(|r| *r > 1)
        .unwrap_or(row);
    ImportError::Malformed { row, reason }
}

fn required<'a>(
    row: u64,
    column: &str,
    cells: &'a [String],
    index: usize,
) -> Result<&'a str, ImportError> {
    let value = cells[index].as_str();
    if value.is_empty() {
        return Err(ImportError::invalid(
            row,
            column,
            value,
            format!("the {column} is empty"),
        ));
    }
    Ok(value)
}

/// Trims and lowercases an email, refusing what is not one.
pub fn normalise_email(row: u64, column: &str, raw: &str) -> Result<String, ImportError> {
    let email = raw.trim();
    if email.is_empty() {
        return Err(ImportError::invalid(row, column, raw, "the email is empty"));
    }
    let valid = !email.chars().any(char::is_whitespace)
        && matches!(email.split_once('@'), Some((local, domain))
            if !local.is_empty() && !domain.is_empty() && !domain.contains('@'));
    if !valid {
        return Err(ImportError::invalid(
            row,
            column,
            raw,
            format!("'{raw}' is not an email address (expected name@domain)"),
        ));
    }
    Ok(email.to_lowercase())
}

/// Refuses a key seen on an earlier row of the same file.
fn once(
    seen: &mut HashMap<String, u64>,
    key: String,
    row: u64,
    column: &str,
    value: &str,
    what: &str,
) -> Result<(), ImportError> {
    if let Some(first) = seen.insert(key, row) {
        return Err(ImportError::invalid(
            row,
            column,
            value,
            format!("{what} '{value}' is also on row {first}; each may appear once per file"),
        ));
    }
    Ok(())
}

/// Parses a companies file (`name,crm_account_id,...extra fields`).
pub fn parse_companies(reader: impl Read) -> Result<Vec<CompanyRow>, ImportError> {
    const HEADER: &str = "name,crm_account_id,...";
    let table = Table::read(reader)?;
    let name_at = table.require("name", HEADER)?;
    let crm_at = table.columns.get("crm_account_id").copied();
    let (mut names, mut crms) = (HashMap::new(), HashMap::new());
    let mut out = Vec::with_capacity(table.rows.len());
    for (row, cells) in &table.rows {
        let row = *row;
        let name = required(row, "name", cells, name_at)?;
        once(
            &mut names,
            name.to_lowercase(),
            row,
            "name",
            name,
            "company",
        )?;
        let crm_account_id = crm_at.map(|i| cells[i].clone()).filter(|c| !c.is_empty());
        if let Some(crm) = &crm_account_id {
            once(
                &mut crms,
                crm.clone(),
                row,
                "crm_account_id",
                crm,
                "crm_account_id",
            )?;
        }
        out.push(CompanyRow {
            row,
            name: name.to_string(),
            crm_account_id,
            fields: table.extras(&["name", "crm_account_id"], cells),
        });
    }
    Ok(out)
}

/// Parses a persons file (`email,name,company`).
pub fn parse_persons(reader: impl Read) -> Result<Vec<PersonRow>, ImportError> {
    const HEADER: &str = "email,name,company";
    let table = Table::read(reader)?;
    let email_at = table.require("email", HEADER)?;
    let name_at = table.require("name", HEADER)?;
    let company_at = table.require("company", HEADER)?;
    let mut emails = HashMap::new();
    let mut out = Vec::with_capacity(table.rows.len());
    for (row, cells) in &table.rows {
        let row = *row;
        let email = normalise_email(row, "email", &cells[email_at])?;
        once(
            &mut emails,
            email.clone(),
            row,
            "email",
            &email,
            "person email",
        )?;
        let company = required(row, "company", cells, company_at)?;
        out.push(PersonRow {
            row,
            email,
            name: cells[name_at].clone(),
            company: company.to_string(),
        });
    }
    Ok(out)
}

/// Parses a users file (`email,name,license_type,status,...extra fields`).
pub fn parse_users(reader: impl Read) -> Result<Vec<UserRow>, ImportError> {
    const HEADER: &str = "email,name,license_type,status,...";
    let table = Table::read(reader)?;
    let email_at = table.require("email", HEADER)?;
    let name_at = table.require("name", HEADER)?;
    let license_at = table.require("license_type", HEADER)?;
    let status_at = table.require("status", HEADER)?;
    let mut keys = HashMap::new();
    let mut out = Vec::with_capacity(table.rows.len());
    for (row, cells) in &table.rows {
        let row = *row;
        let email = normalise_email(row, "email", &cells[email_at])?;
        let name = cells[name_at].clone();
        let key = format!("{email}\u{0}{name}");
        once(
            &mut keys,
            key,
            row,
            "email",
            &email,
            "user (same email and name)",
        )?;
        let license = &cells[license_at];
        let license_type = license
            .parse::<LicenseTypeLenient>()
            .map_err(|e| ImportError::invalid(row, "license_type", license, e.to_string()))?
            .0;
        let status_cell = &cells[status_at];
        let status = status_cell
            .parse::<UserStatus>()
            .map_err(|e| ImportError::invalid(row, "status", status_cell, e.to_string()))?;
        out.push(UserRow {
            row,
            email,
            name,
            license_type,
            status,
            fields: table.extras(&["email", "name", "license_type", "status"], cells),
        });
    }
    Ok(out)
}

/// Parses an activity types file (`name,scope,active`).
pub fn parse_activity_types(reader: impl Read) -> Result<Vec<ActivityTypeRow>, ImportError> {
    const HEADER: &str = "name,scope,active";
    let table = Table::read(reader)?;
    let name_at = table.require("name", HEADER)?;
    let scope_at = table.require("scope", HEADER)?;
    let active_at = table.require("active", HEADER)?;
    let mut names = HashMap::new();
    let mut out = Vec::with_capacity(table.rows.len());
    for (row, cells) in &table.rows {
        let row = *row;
        let name = required(row, "name", cells, name_at)?;
        once(
            &mut names,
            name.to_lowercase(),
            row,
            "name",
            name,
            "activity type",
        )?;
        let scope_cell = &cells[scope_at];
        let scope = scope_cell
            .parse::<ActivityScope>()
            .map_err(|e| ImportError::invalid(row, "scope", scope_cell, e.to_string()))?;
        let active = parse_bool(&cells[active_at]).ok_or_else(|| {
            ImportError::invalid(
                row,
                "active",
                &cells[active_at],
                format!(
                    "'{}' is not a yes/no value: expected true or false",
                    cells[active_at]
                ),
            )
        })?;
        out.push(ActivityTypeRow {
            row,
            name: name.to_string(),
            scope,
            active,
        });
    }
    Ok(out)
}

fn parse_bool(cell: &str) -> Option<bool> {
    match cell.to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "1" | "active" => Some(true),
        "false" | "no" | "n" | "0" | "inactive" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
