//! CSV imports for the Imports page and the API: the kinds of file, the import itself
//! (the CLI's path, [`import::import_file`]: all or nothing per file) and a bad row
//! as the cells both list (row, column, value, problem).

use gong_timeline_domain::audit::AuditAction;
use gong_timeline_store::import::{self, ImportError, ImportKind, ImportRefusal};
use gong_timeline_store::ImportCounts;
use gong_timeline_sync::audit::Change;

use crate::auth::AdminSession;
use crate::error::ApiError;
use crate::state::AppState;

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `name,crm_account_id,...`
    Companies,
    /// `email,name,company`
    Persons,
    /// `email,name,license_type,status,...`
    Users,
    /// `name,scope,active`
    ActivityTypes,
}

impl Kind {
    /// Every kind, in the order a new install imports them.
    pub const ALL: [Kind; 4] = [
        Kind::Companies,
        Kind::Persons,
        Kind::Users,
        Kind::ActivityTypes,
    ];

    /// The form value and the API path segment (the CLI's subcommand).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Companies => "companies",
            Kind::Persons => "persons",
            Kind::Users => "users",
            Kind::ActivityTypes => "activity-types",
        }
    }

    /// The kind [`Kind::as_str`] spells, exactly.
    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// As people read it.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Companies => "Companies",
            Kind::Persons => "Persons",
            Kind::Users => "Users",
            Kind::ActivityTypes => "Activity types",
        }
    }

    /// The columns a file of this kind has.
    pub fn columns(self) -> &'static str {
        match self {
            Kind::Companies => "name,crm_account_id, then any custom fields",
            Kind::Persons => "email,name,company (a company's name)",
            Kind::Users => "email,name,license_type,status, then any custom fields",
            Kind::ActivityTypes => "name,scope (global/company),active (true/false)",
        }
    }

    fn store_kind(self) -> ImportKind {
        match self {
            Kind::Companies => ImportKind::Companies,
            Kind::Persons => ImportKind::Persons,
            Kind::Users => ImportKind::Users,
            Kind::ActivityTypes => ImportKind::ActivityTypes,
        }
    }
}

/// Why a file was refused: every bad row, or one problem with the upload itself.
#[derive(Debug)]
pub enum Refusal {
    /// The file's bad rows (nothing stored).
    Rows(Vec<ImportError>),
    /// The upload could not be used (no file, a store failure).
    Other(ApiError),
}

/// Imports `bytes` as a `kind` file through the CLI's path ([`import::import_file`]);
/// an import is recorded in the audit log (its kind and counts).
pub async fn import(
    state: &AppState,
    by: &AdminSession,
    kind: Kind,
    bytes: &[u8],
) -> Result<ImportCounts, Refusal> {
    let counts = import::import_file(state.store.as_ref(), kind.store_kind(), bytes)
        .await
        .map_err(|refusal| match refusal {
            ImportRefusal::Rows(rows) => Refusal::Rows(rows),
            ImportRefusal::Store(e) => Refusal::Other(e.into()),
        })?;
    let after = serde_json::json!({"kind": kind.as_str(), "added": counts.inserted, "updated": counts.updated});
    let change = Change::new(AuditAction::Imported, kind.as_str()).after(&after);
    super::audit::record(state, by, change).await;
    Ok(counts)
}

/// One bad row's cells as listed: (row, column, value, problem). A missing column is
/// the header's fault, row 1.
pub fn cells(e: &ImportError) -> (u64, String, String, String) {
    match e {
        ImportError::Invalid {
            row,
            column,
            value,
            problem,
        } => (*row, column.clone(), value.clone(), problem.clone()),
        ImportError::MissingColumn { column, .. } => {
            (1, column.to_string(), String::new(), e.to_string())
        }
        ImportError::Malformed { row, reason } => {
            (*row, String::new(), String::new(), reason.clone())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_parses_back_from_its_spelling_and_nothing_else_does() {
        for kind in Kind::ALL {
            assert_eq!(Kind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(Kind::parse("Companies"), None);
        assert_eq!(Kind::parse(""), None);
    }

    #[test]
    fn a_bad_cell_lists_its_row_column_value_and_problem() {
        let bad = ImportError::Invalid {
            row: 7,
            column: "status".into(),
            value: "asleep".into(),
            problem: "'asleep' is not a status".into(),
        };
        assert_eq!(
            cells(&bad),
            (
                7,
                "status".into(),
                "asleep".into(),
                "'asleep' is not a status".into()
            )
        );
    }

    #[test]
    fn a_missing_column_is_row_one_and_a_malformed_row_has_no_column() {
        let missing = ImportError::MissingColumn {
            column: "email",
            found: "name".into(),
            expected: "email,name",
        };
        let (row, column, value, problem) = cells(&missing);
        assert_eq!((row, column.as_str(), value.as_str()), (1, "email", ""));
        assert_eq!(problem, missing.to_string());

        let malformed = ImportError::Malformed {
            row: 4,
            reason: "3 fields, expected 2".into(),
        };
        assert_eq!(
            cells(&malformed),
            (
                4,
                String::new(),
                String::new(),
                "3 fields, expected 2".into()
            )
        );
    }
}
