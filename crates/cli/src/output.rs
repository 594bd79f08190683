//! Printing listings: a readable table by default, one JSON array with `--format json`.

use serde::Serialize;

use crate::args::Format;

/// A row that can be shown in a table.
pub trait TableRow {
    /// Column headers.
    fn headers() -> Vec<&'static str>;
    /// This row's cells, in header order.
    fn cells(&self) -> Vec<String>;
}

/// Prints `rows` in the chosen format.
pub fn print_list<T: Serialize + TableRow>(rows: &[T], format: Format) -> anyhow::Result<()> {
    let text = match format {
        Format::Json => serde_json::to_string_pretty(rows)? + "\n",
        Format::Table => render_table(&T::headers(), rows.iter().map(TableRow::cells)),
    };
    write_stdout(&text)
}

/// Writes to stdout; a closed pipe (`| head`) ends the output quietly instead of panicking.
pub fn write_stdout(text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

/// Prints one object in the chosen format (a JSON object, or `key: value` lines).
pub fn print_object<T: Serialize>(value: &T, format: Format) -> anyhow::Result<()> {
    let json = serde_json::to_value(value)?;
    let text = match (format, json) {
        (Format::Table, serde_json::Value::Object(map)) => {
            let width = map.keys().map(|k| k.len()).max().unwrap_or(0);
            map.iter()
                .map(|(key, value)| format!("{key:width$}  {}\n", plain(value)))
                .collect()
        }
        (_, json) => serde_json::to_string_pretty(&json)? + "\n",
    };
    write_stdout(&text)
}

/// A JSON value as a table cell: strings without quotes, null as empty.
pub fn plain(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn render_table(headers: &[&str], rows: impl Iterator<Item = Vec<String>>) -> String {
    let rows: Vec<Vec<String>> = rows
        .map(|r| r.into_iter().map(|c| one_line(&c)).collect())
        .collect();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let line = |cells: Vec<String>, out: &mut String| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:w$}"))
            .collect();
        out.push_str(padded.join("  ").trim_end());
        out.push('\n');
    };
    line(headers.iter().map(|h| h.to_string()).collect(), &mut out);
    for row in rows {
        line(row, &mut out);
    }
    if widths.is_empty() || out.lines().count() == 1 {
        out.push_str("(none)\n");
    }
    out
}

/// Cells must stay on one line and not be absurdly wide.
fn one_line(cell: &str) -> String {
    let flat: String = cell
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if flat.chars().count() > 80 {
        let cut: String = flat.chars().take(77).collect();
        format!("{cut}...")
    } else {
        flat
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_align_columns_and_flatten_cells() {
        let text = render_table(
            &["id", "name"],
            vec![
                vec!["1".into(), "a\nb".into()],
                vec!["22".into(), "c".into()],
            ]
            .into_iter(),
        );
        assert_eq!(text, "id  name\n1   a b\n22  c\n");
    }

    #[test]
    fn empty_tables_say_so() {
        assert_eq!(render_table(&["id"], std::iter::empty()), "id\n(none)\n");
    }
}
