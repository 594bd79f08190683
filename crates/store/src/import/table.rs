//! Reading a CSV file into a header map and rows of trimmed cells, with the file's
//! row numbers (header = row 1) and human messages for malformed input.

use std::collections::HashMap;
use std::io::Read;

use super::ImportError;
use crate::records::Fields;

/// A CSV file read into a header map and rows of trimmed cells.
pub(super) struct Table {
    pub(super) columns: HashMap<String, usize>,
    pub(super) names: Vec<String>,
    pub(super) rows: Vec<(u64, Vec<String>)>,
}

impl Table {
    pub(super) fn read(reader: impl Read) -> Result<Table, ImportError> {
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

    pub(super) fn require(
        &self,
        column: &'static str,
        expected: &'static str,
    ) -> Result<usize, ImportError> {
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
    pub(super) fn extras(&self, known: &[&str], cells: &[String]) -> Fields {
        self.names
            .iter()
            .zip(cells)
            .filter(|(name, _)| !known.contains(&column_key(name).as_str()) && !name.is_empty())
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect()
    }
}

pub(super) fn column_key(name: &str) -> String {
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
