//! The settings form as posted: parallel lists, one entry per filter row; a row back
//! to the filter grammar and a saved filter into a row; the filter numbers the
//! advanced logic refers to; which button was pressed. Pure, unit-tested.

use gong_timeline_domain::filter::{Filter, Op};
use gong_timeline_store::Settings;
use serde::Deserialize;

/// Operators offered, as the filter grammar spells them.
pub const OPERATORS: &[&str] = &[
    "=",
    "!=",
    "contains",
    "not contains",
    "in",
    "not in",
    ">",
    "<",
    ">=",
    "<=",
    "is empty",
    "is not empty",
];

/// The settings form: parallel lists, one entry per filter row.
#[derive(Debug, Deserialize, Default)]
pub(crate) struct SettingsForm {
    #[serde(default)]
    enabled: Option<String>,
    #[serde(default)]
    activity_type: String,
    /// The "Fetch transcripts" checkbox (S9).
    #[serde(default)]
    transcripts: Option<String>,
    #[serde(default)]
    field: Vec<String>,
    #[serde(default)]
    op: Vec<String>,
    #[serde(default)]
    value: Vec<String>,
    #[serde(default)]
    filter_logic: String,
    /// Which button: `save` (default), `add-row`, `remove-N` (0-based row), `preview`.
    #[serde(default)]
    pub(super) intent: String,
}

/// One filter row: field (`Company.industry`), operator, value.
pub(super) type Row = (String, String, String);

/// A row back to the filter grammar; `None` for a blank row.
pub fn compose((field, op, value): &Row) -> Option<String> {
    let (field, op, value) = (field.trim(), op.trim(), value.trim());
    if field.is_empty() {
        return None;
    }
    Some(match op {
        "is empty" | "is not empty" => format!("{field} {op}"),
        "in" | "not in" if !value.starts_with('(') => format!("{field} {op} ({value})"),
        _ => format!("{field} {op} {value}"),
    })
}

pub(super) fn decompose(text: &str) -> Row {
    let Ok(f) = text.parse::<Filter>() else {
        return (text.to_string(), String::new(), String::new());
    };
    let field = format!("{}.{}", f.object, f.field);
    let one = |word: &str, v: &gong_timeline_domain::filter::Value| {
        (field.clone(), word.to_string(), v.text().to_string())
    };
    let many = |word: &str, vs: &[gong_timeline_domain::filter::Value]| {
        let joined = vs.iter().map(|v| v.text()).collect::<Vec<_>>().join(", ");
        (field.clone(), word.to_string(), joined)
    };
    match &f.op {
        Op::Eq(v) => one("=", v),
        Op::Ne(v) => one("!=", v),
        Op::Contains(v) => one("contains", v),
        Op::NotContains(v) => one("not contains", v),
        Op::In(vs) => many("in", vs),
        Op::NotIn(vs) => many("not in", vs),
        Op::Gt(v) => one(">", v),
        Op::Lt(v) => one("<", v),
        Op::Ge(v) => one(">=", v),
        Op::Le(v) => one("<=", v),
        Op::IsEmpty => (field, "is empty".into(), String::new()),
        Op::IsNotEmpty => (field, "is not empty".into(), String::new()),
    }
}

impl SettingsForm {
    pub(super) fn rows(&self) -> Vec<Row> {
        (0..self.field.len())
            .map(|i| {
                let get = |v: &Vec<String>| v.get(i).cloned().unwrap_or_default();
                (get(&self.field), get(&self.op), get(&self.value))
            })
            .collect()
    }

    /// The settings this form asks for, over `current`.
    pub(super) fn apply(&self, current: Settings) -> Settings {
        Settings {
            enabled: self.enabled.is_some(),
            transcripts: self.transcripts.is_some(),
            activity_type: self.activity_type.trim().to_string(),
            filters: self.rows().iter().filter_map(compose).collect(),
            filter_logic: Some(self.filter_logic.trim().to_string()).filter(|l| !l.is_empty()),
            ..current
        }
    }
}

/// The filter number of each row: blank rows are not filters and get none.
pub(super) fn numbers(rows: &[Row]) -> Vec<Option<usize>> {
    let mut n = 0;
    rows.iter()
        .map(|row| {
            compose(row).map(|_| {
                n += 1;
                n
            })
        })
        .collect()
}

/// Which button sent the settings form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Intent {
    /// Save (the default: Enter in a field).
    Save,
    /// + Add a filter.
    AddRow,
    /// × on row N (0-based).
    Remove(usize),
    /// Preview.
    Preview,
}

impl Intent {
    /// The form's `intent`; anything else (none, a bad row number) is Save.
    pub(super) fn parse(text: &str) -> Intent {
        match text {
            "add-row" => Intent::AddRow,
            "preview" => Intent::Preview,
            _ => match text.strip_prefix("remove-").map(str::parse::<usize>) {
                Some(Ok(at)) => Intent::Remove(at),
                _ => Intent::Save,
            },
        }
    }
}

/// Removes row `at` (if there is one), keeping one row to type into.
pub(super) fn remove_row(rows: &mut Vec<Row>, at: usize) {
    if at < rows.len() {
        rows.remove(at);
    }
    if rows.is_empty() {
        rows.push(Row::default());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_button_is_read_from_the_intent_and_anything_else_saves() {
        assert_eq!(Intent::parse("add-row"), Intent::AddRow);
        assert_eq!(Intent::parse("preview"), Intent::Preview);
        assert_eq!(Intent::parse("remove-2"), Intent::Remove(2));
        assert_eq!(Intent::parse("remove-x"), Intent::Save);
        assert_eq!(Intent::parse(""), Intent::Save);
        assert_eq!(Intent::parse("save"), Intent::Save);
    }

    #[test]
    fn removing_a_row_keeps_one_to_type_into_and_ignores_a_row_not_there() {
        let row = |f: &str| (f.to_string(), "=".to_string(), "x".to_string());
        let mut rows = vec![row("a"), row("b")];
        remove_row(&mut rows, 5);
        assert_eq!(rows.len(), 2);
        remove_row(&mut rows, 0);
        assert_eq!(rows, [row("b")]);
        remove_row(&mut rows, 0);
        assert_eq!(rows, [Row::default()]);
    }

    #[test]
    fn a_row_composes_back_to_the_filter_grammar() {
        let row = |f: &str, op: &str, v: &str| (f.to_string(), op.to_string(), v.to_string());
        assert_eq!(compose(&row("", "=", "x")), None);
        assert_eq!(
            compose(&row(" Company.name ", "is empty", "ignored")).as_deref(),
            Some("Company.name is empty")
        );
        assert_eq!(
            compose(&row("User.email", "in", "a, b")).as_deref(),
            Some("User.email in (a, b)")
        );
        assert_eq!(
            compose(&row("Company.arr", ">", "10")).as_deref(),
            Some("Company.arr > 10")
        );
    }

    #[test]
    fn a_saved_filter_becomes_a_row_that_composes_back_to_it() {
        for filter in [
            "Company.name = Acme",
            "User.email in (a@x.com, b@x.com)",
            "Company.arr >= 100",
            "User.status is not empty",
        ] {
            let row = decompose(filter);
            assert_eq!(compose(&row).as_deref(), Some(filter), "{row:?}");
        }
        let unreadable = decompose("(((");
        assert_eq!(
            unreadable,
            ("(((".to_string(), String::new(), String::new())
        );
    }

    #[test]
    fn blank_rows_get_no_filter_number() {
        let row = |f: &str| (f.to_string(), "is empty".to_string(), String::new());
        assert_eq!(
            numbers(&[row("Company.a"), row(""), row("Company.b")]),
            [Some(1), None, Some(2)]
        );
    }
}
