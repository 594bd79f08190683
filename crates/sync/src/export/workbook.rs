//! A workbook written row by row: each worksheet in rust_xlsxwriter's constant-memory
//! mode, so a row is flushed to a temporary file once the next one starts and memory
//! stays flat whatever the job's size.

use std::path::{Path, PathBuf};

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use super::{create_private, looks_like_formula, ExportError, ExportRow, HEADERS};

/// Excel's last row index (1,048,576 rows); the header takes row 0.
const LAST_ROW: u32 = 1_048_575;
/// Column widths, in characters, in [`HEADERS`]' order.
const WIDTHS: [f64; 7] = [8.0, 22.0, 40.0, 18.0, 16.0, 11.0, 60.0];
/// The first worksheet's name; later ones add " (2)", " (3)", ...
const SHEET_NAME: &str = "Execution log";

/// An .xlsx workbook being written to `path`.
pub struct XlsxStream {
    path: PathBuf,
    workbook: Workbook,
    quoted: Format,
    date: Format,
    sheets: u16,
    /// The last row a worksheet takes before the next one starts.
    last_row: u32,
    /// The row the next record goes to, in the current worksheet.
    next_row: u32,
    written: usize,
}

impl XlsxStream {
    /// Starts a workbook with its first worksheet and header row.
    pub fn create(path: &Path) -> Result<XlsxStream, ExportError> {
        XlsxStream::with_last_row(path, LAST_ROW)
    }

    fn with_last_row(path: &Path, last_row: u32) -> Result<XlsxStream, ExportError> {
        // Made now, readable by its owner only: a folder that is missing or read-only
        // fails before a million rows are written, not after.
        create_private(path).map_err(|e| ExportError::new(path, XlsxError::IoError(e)))?;
        let mut stream = XlsxStream {
            path: path.to_path_buf(),
            workbook: Workbook::new(),
            quoted: Format::new().set_quote_prefix(),
            date: Format::new().set_num_format("yyyy-mm-dd hh:mm"),
            sheets: 0,
            last_row,
            next_row: 0,
            written: 0,
        };
        stream.add_sheet()?;
        Ok(stream)
    }

    /// Appends one record: ids as numbers, the date as a date, text as string cells
    /// (formula-like text quoted).
    pub fn push(&mut self, row: ExportRow) -> Result<(), ExportError> {
        if self.next_row > self.last_row {
            self.add_sheet()?;
        }
        let line = self.next_row;
        let path = &self.path;
        let wrap = |e| ExportError::new(path, e);
        let sheet = self
            .workbook
            .worksheet_from_index(usize::from(self.sheets - 1))
            .map_err(wrap)?;
        sheet
            .write_number(line, 0, row.job_id.get() as f64)
            .map_err(wrap)?;
        for (col, text) in [
            (1, row.gong_call_id.as_str()),
            (2, row.title.as_str()),
            (4, row.status.as_str()),
            (6, row.message.as_str()),
        ] {
            let written = if looks_like_formula(text) {
                sheet.write_string_with_format(line, col, text, &self.quoted)
            } else {
                sheet.write_string(line, col, text)
            };
            written.map_err(wrap)?;
        }
        if let Some(date) = row.meeting_date {
            sheet
                .write_datetime_with_format(line, 3, date.naive_utc(), &self.date)
                .map_err(wrap)?;
        }
        if let Some(id) = row.activity_id {
            sheet.write_number(line, 5, id.get() as f64).map_err(wrap)?;
        }
        self.next_row += 1;
        self.written += 1;
        Ok(())
    }

    /// Ends the current worksheet: an autofilter over its header and rows.
    fn close_sheet(&mut self) -> Result<(), ExportError> {
        if self.sheets == 0 {
            return Ok(());
        }
        let path = self.path.clone();
        let last = self.next_row.saturating_sub(1);
        let sheet = self
            .workbook
            .worksheet_from_index(usize::from(self.sheets - 1))
            .map_err(|e| ExportError::new(&path, e))?;
        sheet
            .autofilter(0, 0, last, (HEADERS.len() - 1) as u16)
            .map_err(|e| ExportError::new(&path, e))?;
        Ok(())
    }

    /// Saves the workbook (readable by its owner only); returns the records written.
    pub fn finish(mut self) -> Result<usize, ExportError> {
        self.close_sheet()?;
        let path = self.path.clone();
        // Saving truncates the file made by `create`, keeping its mode.
        self.workbook
            .save(&path)
            .map_err(|e| ExportError::new(&path, e))?;
        Ok(self.written)
    }

    /// A new constant-memory worksheet with the bold header row, frozen, and column
    /// widths; the previous one is closed.
    fn add_sheet(&mut self) -> Result<(), ExportError> {
        self.close_sheet()?;
        let path = self.path.clone();
        let wrap = |e| ExportError::new(&path, e);
        self.sheets += 1;
        let name = match self.sheets {
            1 => SHEET_NAME.to_string(),
            n => format!("{SHEET_NAME} ({n})"),
        };
        let bold = Format::new().set_bold();
        let sheet = self
            .workbook
            .add_worksheet_with_constant_memory()
            .map_err(wrap)?;
        sheet.set_name(name).map_err(wrap)?;
        for (col, width) in WIDTHS.into_iter().enumerate() {
            sheet.set_column_width(col as u16, width).map_err(wrap)?;
        }
        sheet.set_freeze_panes(1, 0).map_err(wrap)?;
        for (col, header) in HEADERS.iter().enumerate() {
            sheet
                .write_string_with_format(0, col as u16, *header, &bold)
                .map_err(wrap)?;
        }
        self.next_row = 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    use gong_timeline_store::JobId;

    use super::*;

    fn row(n: usize) -> ExportRow {
        ExportRow {
            job_id: JobId::new(1),
            gong_call_id: format!("call-{n}").into(),
            title: format!("Meeting {n}"),
            meeting_date: None,
            status: "Created".into(),
            activity_id: None,
            message: String::new(),
        }
    }

    #[test]
    fn records_past_a_full_worksheet_continue_on_the_next_one_with_its_own_header() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.xlsx");
        let mut stream = XlsxStream::with_last_row(&path, 3).unwrap();
        for n in 0..7 {
            stream.push(row(n)).unwrap();
        }
        assert_eq!(stream.finish().unwrap(), 7);

        let mut book: Xlsx<_> = open_workbook(&path).unwrap();
        assert_eq!(
            book.sheet_names(),
            ["Execution log", "Execution log (2)", "Execution log (3)"]
        );
        let third = book.worksheet_range("Execution log (3)").unwrap();
        assert_eq!(
            third.get((0, 1)),
            Some(&Data::String("Gong call id".into()))
        );
        assert_eq!(third.get((1, 1)), Some(&Data::String("call-6".into())));
        let first = book.worksheet_range("Execution log").unwrap();
        assert_eq!(first.height(), 4, "a header and three records");
    }
}
