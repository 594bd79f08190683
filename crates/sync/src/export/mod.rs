//! The execution log's .xlsx export (L4): a job's records in one worksheet (a second
//! one past Excel's 1,048,576 rows), written row by row in constant memory.
//!
//! Cells are typed: the job and activity ids are numbers, the meeting date a date
//! (UTC, as the header says); the header row is frozen, with an autofilter, and the
//! columns are sized. Text is written as string cells, never as formulas; text that a
//! spreadsheet would take for a formula (`=`, `+`, `-`, `@`, tab, CR) also carries
//! Excel's quote prefix, so editing the cell later does not turn it into one either.

mod job;
mod workbook;

use gong_timeline_store::{ActivityId, GongCallId, JobId};
use std::path::Path;

use rust_xlsxwriter::XlsxError;

pub use job::{export_job, export_row, JobExportError};
pub use workbook::XlsxStream;

/// Column headers, in order.
pub const HEADERS: [&str; 7] = [
    "Job",
    "Gong call id",
    "Title",
    "Meeting date (UTC)",
    "Status",
    "Activity id",
    "Message",
];

/// One row of the export: a log record, its text rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportRow {
    /// Job id.
    pub job_id: JobId,
    /// Gong call id (text: 19 digits do not fit a spreadsheet's number).
    pub gong_call_id: GongCallId,
    /// Meeting title.
    pub title: String,
    /// Meeting date, when known.
    pub meeting_date: Option<chrono::DateTime<chrono::Utc>>,
    /// Record status, SPEC spelling.
    pub status: String,
    /// Activity id, when one was made.
    pub activity_id: Option<ActivityId>,
    /// Message.
    pub message: String,
}

/// A failure to write the workbook.
#[derive(Debug, thiserror::Error)]
#[error("could not write the .xlsx workbook {path}; check that its folder exists and is writable, with room to spare")]
pub struct ExportError {
    path: String,
    #[source]
    source: XlsxError,
}

impl ExportError {
    fn new(path: &Path, source: XlsxError) -> ExportError {
        ExportError {
            path: path.display().to_string(),
            source,
        }
    }
}

/// True when a spreadsheet could read the text as a formula (OWASP CSV injection).
pub fn looks_like_formula(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// Creates (or truncates) `path` readable by its owner only (0600) before the
/// workbook is written into it: the log names customers and meetings.
fn create_private(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{open_workbook, Data, Reader, Xlsx};

    /// Writes `rows` to a new workbook at `path`.
    fn write_xlsx(
        path: &Path,
        rows: impl IntoIterator<Item = ExportRow>,
    ) -> Result<usize, ExportError> {
        let mut workbook = XlsxStream::create(path)?;
        for row in rows {
            workbook.push(row)?;
        }
        workbook.finish()
    }

    fn row(title: &str) -> ExportRow {
        ExportRow {
            job_id: JobId::new(7),
            gong_call_id: "7782342274025937895".into(),
            title: title.into(),
            meeting_date: Some("2026-11-20T10:00:00Z".parse().unwrap()),
            status: "Created".into(),
            activity_id: Some(ActivityId::new(42)),
            message: "-1 reasons".into(),
        }
    }

    #[test]
    fn l4_formula_like_cells_are_written_as_text() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log.xlsx");
        let written = write_xlsx(
            &path,
            [row("=HYPERLINK(\"http://x\",\"y\")"), row("@SUM(A1)")],
        )
        .unwrap();
        assert_eq!(written, 2);

        let mut book: Xlsx<_> = open_workbook(&path).unwrap();
        let range = book.worksheet_range("Execution log").unwrap();
        assert_eq!(range.get((0, 2)), Some(&Data::String("Title".into())));
        assert_eq!(
            range.get((1, 2)),
            Some(&Data::String("=HYPERLINK(\"http://x\",\"y\")".into()))
        );
        assert_eq!(range.get((2, 2)), Some(&Data::String("@SUM(A1)".into())));
        assert_eq!(range.get((1, 6)), Some(&Data::String("-1 reasons".into())));
        let formulas = book.worksheet_formula("Execution log").unwrap();
        assert!(
            formulas.used_cells().all(|(_, _, f)| f.is_empty()),
            "no formula cells"
        );
    }

    #[test]
    fn l4_ids_are_numbers_and_the_meeting_date_a_date() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log.xlsx");
        let mut no_activity = row("Skipped call");
        (no_activity.activity_id, no_activity.meeting_date) = (None, None);
        write_xlsx(&path, [row("QBR"), no_activity]).unwrap();

        let mut book: Xlsx<_> = open_workbook(&path).unwrap();
        let range = book.worksheet_range("Execution log").unwrap();
        assert_eq!(range.get((1, 0)), Some(&Data::Float(7.0)));
        assert_eq!(
            range.get((1, 1)),
            Some(&Data::String("7782342274025937895".into()))
        );
        let Some(Data::DateTime(date)) = range.get((1, 3)) else {
            panic!("a date cell: {:?}", range.get((1, 3)));
        };
        // Excel's serial date: days since 1899-12-30, the time as a fraction.
        let epoch: chrono::NaiveDateTime = "1899-12-30T00:00:00".parse().unwrap();
        let expected: chrono::NaiveDateTime = "2026-11-20T10:00:00".parse().unwrap();
        let days = (expected - epoch).num_seconds() as f64 / 86_400.0;
        assert!((date.as_f64() - days).abs() < 1e-6, "{}", date.as_f64());
        assert_eq!(range.get((1, 5)), Some(&Data::Float(42.0)));
        assert!(matches!(range.get((2, 5)), None | Some(Data::Empty)));
    }

    #[cfg(unix)]
    #[test]
    fn a_workbook_is_readable_by_its_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log.xlsx");
        write_xlsx(&path, [row("QBR")]).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn formula_detection_covers_the_owasp_prefixes() {
        for text in ["=1", "+1", "-1", "@x", "\tx", "\rx"] {
            assert!(looks_like_formula(text), "{text:?}");
        }
        assert!(!looks_like_formula("Quarterly review"));
    }
}
