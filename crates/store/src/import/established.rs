//! A value that contradicts its field's established type is a row error (T5, #20
//! item 6), not a silent retype: once the stored companies' `arr` holds numbers (or
//! an earlier file declared `arr:number`), a new file's `n/a` in `arr` is refused,
//! unless that file declares the column itself (`arr:text`). Pure.

use std::collections::HashMap;

use gong_timeline_domain::filter::FieldType;

use crate::records::Fields;

use super::ImportError;

/// The type each field already has, by lowercase name: declared by an earlier
/// import, else inferred from the stored records' values. Text fields are left out:
/// any value fits them.
pub fn established_types(
    stored: &[&Fields],
    declared: &[(String, FieldType)],
) -> HashMap<String, FieldType> {
    let mut values: HashMap<String, Vec<&str>> = HashMap::new();
    for fields in stored {
        for (name, value) in fields.iter() {
            values.entry(name.to_lowercase()).or_default().push(value);
        }
    }
    let mut types: HashMap<String, FieldType> = values
        .into_iter()
        .map(|(name, vs)| (name, FieldType::infer(vs)))
        .collect();
    for (name, ty) in declared {
        types.insert(name.to_lowercase(), *ty);
    }
    types.retain(|_, ty| *ty != FieldType::Text);
    types
}

/// The rows whose non-empty value contradicts its field's established type, unless
/// the file declares that column (its own declaration wins).
pub fn contradictions<'a>(
    rows: impl IntoIterator<Item = (u64, &'a Fields)>,
    established: &HashMap<String, FieldType>,
    file_declares: &[(String, FieldType)],
) -> Vec<ImportError> {
    let redeclared = |name: &str| {
        file_declares
            .iter()
            .any(|(d, _)| d.eq_ignore_ascii_case(name))
    };
    let mut errors = Vec::new();
    for (row, fields) in rows {
        let mut names: Vec<&String> = fields.keys().collect();
        names.sort();
        for name in names {
            let value = fields[name].trim();
            let Some(ty) = established.get(&name.to_lowercase()) else {
                continue;
            };
            if value.is_empty() || redeclared(name) || ty.accepts(value) {
                continue;
            }
            errors.push(ImportError::invalid(
                row,
                name,
                value,
                format!(
                    "'{value}' is not {}: {name} is a {ty} field (from the records already imported); fix the value, or declare the column as {name}:text in the header to make it text",
                    ty.example()
                ),
            ));
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn item_6_a_value_against_the_established_type_is_a_row_error() {
        let stored = [
            fields(&[("arr", "1200"), ("industry", "Retail")]),
            fields(&[("arr", "30")]),
        ];
        let stored: Vec<&Fields> = stored.iter().collect();
        let established = established_types(&stored, &[("Renewal".into(), FieldType::Date)]);
        assert_eq!(established.get("arr"), Some(&FieldType::Number));
        assert!(!established.contains_key("industry"), "text takes anything");
        let new = [
            fields(&[("ARR", "n/a"), ("industry", "5")]),
            fields(&[("arr", ""), ("renewal", "2027-01-31")]),
            fields(&[("renewal", "soon")]),
        ];
        let errors = contradictions(
            new.iter().enumerate().map(|(i, f)| (i as u64 + 2, f)),
            &established,
            &[],
        );
        let cells: Vec<(u64, String)> = errors.iter().map(|e| (e.row(), e.to_string())).collect();
        assert_eq!(cells.len(), 2, "{cells:?}");
        assert!(
            cells[0].0 == 2 && cells[0].1.contains("'n/a' is not a number"),
            "{cells:?}"
        );
        assert!(
            cells[1].0 == 4 && cells[1].1.contains("'soon' is not a date"),
            "{cells:?}"
        );
        // The file's own declaration wins.
        let redeclared = contradictions(
            [(2, &new[0])],
            &established,
            &[("arr".into(), FieldType::Text)],
        );
        assert!(redeclared.is_empty());
    }
}
