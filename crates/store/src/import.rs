//! CSV parsing of the import files into typed rows. Pure: no database.
//!
//! Headers (SPEC CLI contract; names are matched case-insensitively, spaces and
//! hyphens read as `_`, extra columns become custom fields under their own name):
//! - companies: `name` (required), `crm_account_id`, extra fields
//! - persons: `email`, `name`, `company` (a company's name)
//! - users: `email`, `name`, `license_type`, `status`, extra fields
//! - activity types: `name`, `scope` (`global`/`company`), `active` (`true`/`false`)
//!
//! An extra column may declare its type for filters (T5): `arr:number`, `zip:text`,
//! `renewal:date`, `active:boolean`; the field is stored under the name before `:`,
//! and every value of the column must fit the type.
//!
//! Rows are numbered as a spreadsheet shows them: the header is row 1, the first
//! record row 2. A file with any bad row is refused whole ([`ImportError`]); the
//! store's import methods add the checks that need the database (a person's company,
//! a crm id used by another company) with the same error type.

use std::collections::HashMap;
use std::io::Read;

use gong_timeline_domain::filter::FieldType;
use gong_timeline_domain::license::LicenseTypeLenient;
use gong_timeline_domain::{CrmAccountId, Email, UserStatus};

use crate::records::{ActivityScope, ActivityTypeRow, CompanyRow, Fields, PersonRow, UserRow};
use table::Table;

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

    /// A persons row whose company is not stored (the parser's pre-check and the
    /// stores say it alike).
    pub fn unknown_company(row: u64, company: &str) -> Self {
        ImportError::invalid(
            row,
            "company",
            company,
            format!("no company is named '{company}'; import it with the companies file first or correct the name"),
        )
    }

    /// The row the error names (1 = the header).
    pub fn row(&self) -> u64 {
        match self {
            ImportError::MissingColumn { .. } => 1,
            ImportError::Malformed { row, .. } | ImportError::Invalid { row, .. } => *row,
        }
    }
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

/// Trims and lowercases an email ([`Email::parse`]), refusing what is not one.
pub fn normalise_email(row: u64, column: &str, raw: &str) -> Result<String, ImportError> {
    if raw.trim().is_empty() {
        return Err(ImportError::invalid(row, column, raw, "the email is empty"));
    }
    Email::parse(raw)
        .map(|e| e.as_str().to_string())
        .map_err(|e| ImportError::invalid(row, column, raw, e.to_string()))
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

/// Every bad row of a file, or its rows: the parsers check each row and list all
/// the errors, so one upload shows everything to fix (the CLI names the first).
pub type Parsed<T> = Result<Vec<T>, Vec<ImportError>>;

/// The first error of a [`Parsed`] (the CLI's form).
fn first<T>(parsed: Parsed<T>) -> Result<Vec<T>, ImportError> {
    parsed.map_err(|mut errors| errors.swap_remove(0))
}

/// The errors of one row, all of them: a row with a bad license type and a bad status
/// says both.
#[derive(Default)]
struct RowErrors(Vec<ImportError>);

impl RowErrors {
    /// The value, or `None` with its error kept.
    fn check<T>(&mut self, checked: Result<T, ImportError>) -> Option<T> {
        checked.map_err(|e| self.0.push(e)).ok()
    }

    /// `value` when no check of the row failed, else every error.
    fn or_errors<T>(self, value: Option<T>) -> Result<T, Vec<ImportError>> {
        match value {
            Some(v) if self.0.is_empty() => Ok(v),
            _ => Err(self.0),
        }
    }
}

/// Runs `each` on every record row: the good rows, and every error of the others.
fn rows_and_errors<T>(
    table: &Table,
    mut each: impl FnMut(u64, &[String]) -> Result<T, Vec<ImportError>>,
) -> (Vec<T>, Vec<ImportError>) {
    let mut out = Vec::with_capacity(table.rows.len());
    let mut errors = Vec::new();
    for (row, cells) in &table.rows {
        if let Some(error) = table.type_error(*row, cells) {
            errors.push(error);
            continue;
        }
        match each(*row, cells) {
            Ok(r) => out.push(r),
            Err(e) => errors.extend(e),
        }
    }
    (out, errors)
}

/// Runs `each` on every record row, collecting the rows or all the errors.
fn rows<T>(
    table: &Table,
    each: impl FnMut(u64, &[String]) -> Result<T, Vec<ImportError>>,
) -> Parsed<T> {
    match rows_and_errors(table, each) {
        (out, errors) if errors.is_empty() => Ok(out),
        (_, errors) => Err(errors),
    }
}

/// The field types a file's header declares (`arr:number`, `zip:text`; T5), by field
/// name. A column whose values do not fit its declared type refuses the whole file.
pub fn declared_types(reader: impl Read) -> Result<Vec<(String, FieldType)>, ImportError> {
    Ok(Table::read(reader)?.declared)
}

/// Records the field types a companies or users file declares (after its import),
/// for the CLI and the web alike.
pub async fn declare_types(
    store: &dyn crate::Store,
    object: crate::records::FieldObject,
    reader: impl Read,
) -> Result<(), crate::StoreError> {
    let declared = declared_types(reader).map_err(crate::StoreError::Import)?;
    let decls = declared
        .into_iter()
        .map(|(field, field_type)| crate::records::FieldTypeDecl {
            object,
            field,
            field_type,
        })
        .collect();
    store.declare_field_types(decls).await
}

/// Parses a companies file (`name,crm_account_id,...extra fields`).
pub fn parse_companies(reader: impl Read) -> Result<Vec<CompanyRow>, ImportError> {
    first(parse_companies_all(reader))
}

/// [`parse_companies`], listing every bad row.
pub fn parse_companies_all(reader: impl Read) -> Parsed<CompanyRow> {
    const HEADER: &str = "name,crm_account_id,...";
    let table = Table::read(reader).map_err(|e| vec![e])?;
    let name_at = table.require("name", HEADER).map_err(|e| vec![e])?;
    let crm_at = table.columns.get("crm_account_id").copied();
    let (mut names, mut crms) = (HashMap::new(), HashMap::new());
    rows(&table, |row, cells| {
        let name = required(row, "name", cells, name_at).map_err(|e| vec![e])?;
        once(
            &mut names,
            name.to_lowercase(),
            row,
            "name",
            name,
            "company",
        )
        .map_err(|e| vec![e])?;
        let crm_account_id = crm_at.map(|i| cells[i].clone()).filter(|c| !c.is_empty());
        if let Some(crm) = &crm_account_id {
            // Salesforce's 15- and 18-character forms of one id are one id (R1).
            let key =
                CrmAccountId::parse(crm).map_or_else(|| crm.clone(), |c| c.as_str().to_string());
            once(&mut crms, key, row, "crm_account_id", crm, "crm_account_id")
                .map_err(|e| vec![e])?;
        }
        Ok(CompanyRow {
            row,
            name: name.to_string(),
            crm_account_id,
            fields: table.extras(&["name", "crm_account_id"], cells),
        })
    })
}

/// Parses a persons file (`email,name,company`).
pub fn parse_persons(reader: impl Read) -> Result<Vec<PersonRow>, ImportError> {
    first(parse_persons_all(reader))
}

/// [`parse_persons`], listing every bad row.
pub fn parse_persons_all(reader: impl Read) -> Parsed<PersonRow> {
    match parse_persons_partial(reader)? {
        (rows, errors) if errors.is_empty() => Ok(rows),
        (_, errors) => Err(errors),
    }
}

/// The good rows of a persons file and every error of the others (a file whose header
/// is wrong has only errors): the store then also checks the good rows' companies, so
/// one upload lists bad emails and unknown companies together.
pub fn parse_persons_partial(
    reader: impl Read,
) -> Result<(Vec<PersonRow>, Vec<ImportError>), Vec<ImportError>> {
    const HEADER: &str = "email,name,company";
    let table = Table::read(reader).map_err(|e| vec![e])?;
    let header = |c| table.require(c, HEADER).map_err(|e| vec![e]);
    let (email_at, name_at, company_at) = (header("email")?, header("name")?, header("company")?);
    let mut emails = HashMap::new();
    Ok(rows_and_errors(&table, |row, cells| {
        let mut errors = RowErrors::default();
        let email = errors.check(normalise_email(row, "email", &cells[email_at]));
        if let Some(email) = &email {
            errors.check(once(
                &mut emails,
                email.clone(),
                row,
                "email",
                email,
                "person email",
            ));
        }
        let company = errors.check(required(row, "company", cells, company_at));
        let person = email.zip(company).map(|(email, company)| PersonRow {
            row,
            email,
            name: cells[name_at].clone(),
            company: company.to_string(),
        });
        errors.or_errors(person)
    }))
}

/// Parses a users file (`email,name,license_type,status,...extra fields`).
pub fn parse_users(reader: impl Read) -> Result<Vec<UserRow>, ImportError> {
    first(parse_users_all(reader))
}

/// [`parse_users`], listing every bad row.
pub fn parse_users_all(reader: impl Read) -> Parsed<UserRow> {
    const HEADER: &str = "email,name,license_type,status,...";
    let table = Table::read(reader).map_err(|e| vec![e])?;
    let header = |c| table.require(c, HEADER).map_err(|e| vec![e]);
    let (email_at, name_at) = (header("email")?, header("name")?);
    let (license_at, status_at) = (header("license_type")?, header("status")?);
    let mut keys = HashMap::new();
    rows(&table, |row, cells| {
        let mut errors = RowErrors::default();
        let email = errors.check(normalise_email(row, "email", &cells[email_at]));
        let name = cells[name_at].clone();
        if let Some(email) = &email {
            let key = format!("{email}\u{0}{name}");
            errors.check(once(
                &mut keys,
                key,
                row,
                "email",
                email,
                "user (same email and name)",
            ));
        }
        let license = &cells[license_at];
        let license_type = errors.check(
            license
                .parse::<LicenseTypeLenient>()
                .map(|l| l.0)
                .map_err(|e| ImportError::invalid(row, "license_type", license, e.to_string())),
        );
        let status_cell = &cells[status_at];
        let status = errors.check(
            status_cell
                .parse::<UserStatus>()
                .map_err(|e| ImportError::invalid(row, "status", status_cell, e.to_string())),
        );
        let user = match (email, license_type, status) {
            (Some(email), Some(license_type), Some(status)) => Some(UserRow {
                row,
                email,
                name,
                license_type,
                status,
                fields: table.extras(&["email", "name", "license_type", "status"], cells),
            }),
            _ => None,
        };
        errors.or_errors(user)
    })
}

/// Parses an activity types file (`name,scope,active`).
pub fn parse_activity_types(reader: impl Read) -> Result<Vec<ActivityTypeRow>, ImportError> {
    first(parse_activity_types_all(reader))
}

/// [`parse_activity_types`], listing every bad row.
pub fn parse_activity_types_all(reader: impl Read) -> Parsed<ActivityTypeRow> {
    const HEADER: &str = "name,scope,active";
    let table = Table::read(reader).map_err(|e| vec![e])?;
    let header = |c| table.require(c, HEADER).map_err(|e| vec![e]);
    let (name_at, scope_at, active_at) = (header("name")?, header("scope")?, header("active")?);
    let mut names = HashMap::new();
    rows(&table, |row, cells| {
        let mut errors = RowErrors::default();
        let name = errors.check(required(row, "name", cells, name_at));
        if let Some(name) = name {
            errors.check(once(
                &mut names,
                name.to_lowercase(),
                row,
                "name",
                name,
                "activity type",
            ));
        }
        let scope_cell = &cells[scope_at];
        let scope = errors.check(
            scope_cell
                .parse::<ActivityScope>()
                .map_err(|e| ImportError::invalid(row, "scope", scope_cell, e.to_string())),
        );
        let active = errors.check(parse_bool(&cells[active_at]).ok_or_else(|| {
            ImportError::invalid(
                row,
                "active",
                &cells[active_at],
                format!(
                    "'{}' is not a yes/no value: expected true or false",
                    cells[active_at]
                ),
            )
        }));
        let kind = match (name, scope, active) {
            (Some(name), Some(scope), Some(active)) => Some(ActivityTypeRow {
                row,
                name: name.to_string(),
                scope,
                active,
            }),
            _ => None,
        };
        errors.or_errors(kind)
    })
}

fn parse_bool(cell: &str) -> Option<bool> {
    match cell.to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "1" | "active" => Some(true),
        "false" | "no" | "n" | "0" | "inactive" => Some(false),
        _ => None,
    }
}

mod established;
pub mod plan;
mod table;
#[cfg(test)]
mod tests;

/// Every persons row whose company is not stored, so that one upload lists them
/// all (the store refuses the first it meets, should one vanish meanwhile).
fn unknown_companies(rows: &[PersonRow], known: &[crate::records::Company]) -> Vec<ImportError> {
    let names: std::collections::HashSet<String> =
        known.iter().map(|c| c.name.to_lowercase()).collect();
    rows.iter()
        .filter(|r| !names.contains(&r.company.to_lowercase()))
        .map(|r| ImportError::unknown_company(r.row, &r.company))
        .collect()
}

/// What an import file holds (the CLI's `import` subcommands, the web's upload forms).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    /// `name,crm_account_id,...`
    Companies,
    /// `email,name,company`
    Persons,
    /// `email,name,license_type,status,...`
    Users,
    /// `name,scope,active`
    ActivityTypes,
}

/// Why a file was not imported (nothing from it was stored).
#[derive(Debug, thiserror::Error)]
pub enum ImportRefusal {
    /// Every bad row of the file (parsing) or the first the store found.
    #[error("{}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))]
    Rows(Vec<ImportError>),
    /// The store failed.
    #[error(transparent)]
    Store(crate::StoreError),
}

fn refused(error: crate::StoreError) -> ImportRefusal {
    match error {
        crate::StoreError::Import(e) => ImportRefusal::Rows(vec![e]),
        other => ImportRefusal::Store(other),
    }
}

/// The rows of a companies or users file whose values contradict their fields'
/// established types ([`established`]).
async fn typed_rows<T>(
    store: &dyn crate::Store,
    object: crate::records::FieldObject,
    stored: &[&Fields],
    bytes: &[u8],
    rows: &[T],
    fields_of: impl Fn(&T) -> (u64, &Fields),
) -> Result<Vec<ImportError>, ImportRefusal> {
    let declared: Vec<(String, FieldType)> = store
        .list_field_types()
        .await
        .map_err(refused)?
        .into_iter()
        .filter(|d| d.object == object)
        .map(|d| (d.field, d.field_type))
        .collect();
    let file_declares = declared_types(bytes).map_err(|e| ImportRefusal::Rows(vec![e]))?;
    let types = established::established_types(stored, &declared);
    Ok(established::contradictions(
        rows.iter().map(fields_of),
        &types,
        &file_declares,
    ))
}

/// Refuses the file when there is any error.
fn refuse_any(errors: Vec<ImportError>) -> Result<(), ImportRefusal> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ImportRefusal::Rows(errors))
    }
}

/// Imports one file, all or nothing, then records the field types a companies or
/// users file declares: the one path of the CLI and the web.
pub async fn import_file(
    store: &dyn crate::Store,
    kind: ImportKind,
    bytes: &[u8],
) -> Result<crate::ImportCounts, ImportRefusal> {
    use crate::records::FieldObject;
    let counts = match kind {
        ImportKind::Companies => {
            let rows = parse_companies_all(bytes).map_err(ImportRefusal::Rows)?;
            let stored = store.list_companies().await.map_err(refused)?;
            let stored: Vec<&Fields> = stored.iter().map(|c| &c.fields).collect();
            let found = typed_rows(store, FieldObject::Company, &stored, bytes, &rows, |r| {
                (r.row, &r.fields)
            });
            refuse_any(found.await?)?;
            store.import_companies(rows).await
        }
        ImportKind::Persons => {
            let (rows, mut errors) = parse_persons_partial(bytes).map_err(ImportRefusal::Rows)?;
            let known = store.list_companies().await.map_err(refused)?;
            errors.extend(unknown_companies(&rows, &known));
            if !errors.is_empty() {
                errors.sort_by_key(ImportError::row);
                return Err(ImportRefusal::Rows(errors));
            }
            store.import_persons(rows).await
        }
        ImportKind::Users => {
            let rows = parse_users_all(bytes).map_err(ImportRefusal::Rows)?;
            let stored = store.list_users().await.map_err(refused)?;
            let stored: Vec<&Fields> = stored.iter().map(|u| &u.fields).collect();
            let found = typed_rows(store, FieldObject::User, &stored, bytes, &rows, |r| {
                (r.row, &r.fields)
            });
            refuse_any(found.await?)?;
            store.import_users(rows).await
        }
        ImportKind::ActivityTypes => {
            let rows = parse_activity_types_all(bytes).map_err(ImportRefusal::Rows)?;
            store.import_activity_types(rows).await
        }
    }
    .map_err(refused)?;
    let object = match kind {
        ImportKind::Companies => Some(FieldObject::Company),
        ImportKind::Users => Some(FieldObject::User),
        ImportKind::Persons | ImportKind::ActivityTypes => None,
    };
    if let Some(object) = object {
        declare_types(store, object, bytes).await.map_err(refused)?;
    }
    Ok(counts)
}
