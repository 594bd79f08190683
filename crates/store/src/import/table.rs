//! Reading a CSV file into a header map and rows of trimmed cells, with the file's
//! row numbers (header = row 1) and human messages for malformed input.

use std::collections::HashMap;
use std::io::Read;

use gong_timeline_domain::filter::FieldType;

use super::ImportError;
use crate::records::Fields;

/// A CSV file read into a header map and rows of trimmed cells.
pub(super) struct Table {
    pub(super) columns: HashMap<String, usize>,
    pub(super) names: Vec<String>,
    pub(super) rows: Vec<(u64, Vec<String>)>,
    /// Types declared in the header (`arr:number`), by the column's name without them.
    pub(super) declared: Vec<(String, FieldType)>,
    /// The same, with each column's index, to check the cells against.
    declared_at: Vec<(usize, String, FieldType)>,
}

impl Table {
    pub(super) fn read(reader: impl Read) -> Result<Table, ImportError> {
        let mut csv = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .trim(csv::Trim::All)
            .from_reader(reader);
        let header = csv.headers().map_err(|e| malformed(1, &e))?.clone();
        let mut declared = Vec::new();
        let mut names = Vec::new();
        for raw in header.iter() {
            let raw = raw.trim_start_matches('\u{feff}').trim();
            let (name, ty) = split_type(raw)?;
            if let Some(ty) = ty {
                declared.push((names.len(), name.clone(), ty));
            }
            names.push(name);
        }
        let columns = columns_of(&names)?;
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
            declared: declared.iter().map(|(_, n, t)| (n.clone(), *t)).collect(),
            declared_at: declared,
        })
    }

    /// The first cell of a row that its column's declared type refuses (T5).
    pub(super) fn type_error(&self, row: u64, cells: &[String]) -> Option<ImportError> {
        self.declared_at.iter().find_map(|(at, name, ty)| {
            let value = cells.get(*at).map(String::as_str).unwrap_or_default();
            (!value.is_empty() && !ty.accepts(value)).then(|| {
                ImportError::invalid(
                    row,
                    name,
                    value,
                    format!(
                        "'{value}' is not {} (the header declares {name}:{ty})",
                        ty.example()
                    ),
                )
            })
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

/// `arr:number` → (`arr`, number); a name without `:` has no declared type.
fn split_type(raw: &str) -> Result<(String, Option<FieldType>), ImportError> {
    let Some((name, ty)) = raw.rsplit_once(':') else {
        return Ok((raw.to_string(), None));
    };
    let ty = ty.trim().parse::<FieldType>().map_err(|_| {
        ImportError::invalid(
            1,
            raw,
            raw,
            format!("'{ty}' is not a field type: declare a column as name:text, name:number, name:date or name:boolean"),
        )
    })?;
    Ok((name.trim().to_string(), Some(ty)))
}

/// Column index by key; a column named twice would lose one of its values, so the
/// header is refused.
fn columns_of(names: &[String]) -> Result<HashMap<String, usize>, ImportError> {
    let mut columns = HashMap::with_capacity(names.len());
    for (i, name) in names.iter().enumerate() {
        if name.is_empty() {
            continue;
        }
        if let Some(first) = columns.insert(column_key(name), i) {
            return Err(ImportError::Malformed {
                row: 1,
                reason: format!(
                    "the header names column '{name}' twice (columns {} and {}); keep one",
                    first + 1,
                    i + 1
                ),
            });
        }
    }
    Ok(columns)
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
        } if *len < *expected_len => format!(
            "the row has {len} fields but the header has {expected_len} (if a cell opens a double quote and never closes it, the rest of the file runs into that cell)"
        ),
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
