//! Meeting filters on the Company and the author's User fields (T3), and on the
//! call's own fields (`Meeting.title`, `Meeting.scope`, … T6).
//!
//! A connection's settings hold a list of filters (one string each, numbered from 1) and
//! an optional advanced-logic expression over their numbers. [`FilterSet::parse`] turns
//! them into typed values with errors that point at the column; [`FilterSet::matches`]
//! decides whether a meeting's company and author pass. A meeting that does not pass is
//! skipped and logged so.
//!
//! # Grammar of one filter
//! ```text
//! filter  := object "." field op
//! object  := "Company" | "User" | "Meeting"     (any case; User is the meeting's author,
//!                                                Meeting the call: MEETING_FIELDS)
//! field   := identifier | quoted                 identifier: letters, digits, '_' and '-'
//! op      := ("=" | "==" | "!=" | ">" | "<" | ">=" | "<=") value
//!          | ["not"] "contains" value
//!          | ["not"] "in" "(" item ("," item)* ")"
//!          | "is" ["not"] "empty"
//! value   := quoted | bare                       bare: the rest of the filter, trimmed,
//!                                                not starting with = ! < >
//! item    := quoted | bare-item                  bare-item: up to the next ',' or ')', trimmed
//! quoted  := '"' (char | '\"' | '\\')* '"'
//! ```
//! Keywords (`contains`, `in`, `not`, `is`, `empty`) are case-insensitive. A bare value may
//! contain spaces (`Company.name = Acme Corp`), but not the upper-case words `AND` or `OR`:
//! one filter holds one condition, and the logic expression combines them (quote a value
//! that really contains them). Examples: `Company.industry = Software`,
//! `User.department != Sales`, `Company.arr > 10000`, `Company.tier in (Gold, "Platinum +")`,
//! `User.title is not empty`.
//!
//! # Grammar of the logic expression
//! ```text
//! expr    := term ("OR" term)*
//! term    := factor ("AND" factor)*
//! factor  := "NOT" factor | "(" expr ")" | filter-number
//! ```
//! `AND` binds tighter than `OR`; keywords are case-insensitive. Every filter number must
//! exist and every filter must be used. Without an expression the filters combine with AND,
//! and no filter at all lets every meeting through.
//!
//! # Evaluation
//! - Field names are case-insensitive. The caller supplies each object's fields, built-in
//!   ones included (`name`, `crm_account_id` for Company; `email`, `name`, `license_type`,
//!   `status` for User). A missing field is an empty value.
//! - When both sides parse as finite decimal numbers (`10000`, `-2.5`, `1e3`; not
//!   `10,000`) they compare numerically; otherwise strings compare case-insensitively
//!   (`>`/`<` compare the lower-cased strings lexicographically). A filter on a text
//!   field ([`Filter::compare_as_text`], T5) always compares strings: `02139` is not
//!   `2139`.
//! - `contains` is a case-insensitive substring test. `is empty` holds for a missing or
//!   blank value. `>`, `<`, `>=`, `<=` are false on an empty value (a company without an
//!   `arr` is not "below 10000"), while `!=`, `not contains` and `not in` are true on it.

mod display;
mod eval;
mod logic;
mod parse;
mod types;

pub use eval::{FieldSource, Fields};
pub use types::{op_word, FieldType};

/// Which object a filter looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Object {
    /// The meeting's resolved company.
    Company,
    /// The meeting's author (the owner's mapped user).
    User,
    /// The call itself (T6): [`MEETING_FIELDS`].
    Meeting,
}

/// The fields a `Meeting.` filter reads (T6), with their types.
pub const MEETING_FIELDS: [(&str, FieldType); 7] = [
    ("title", FieldType::Text),
    ("scope", FieldType::Text),
    ("duration_seconds", FieldType::Number),
    ("direction", FieldType::Text),
    ("system", FieldType::Text),
    ("workspace_id", FieldType::Text),
    ("owner_email", FieldType::Text),
];

/// A meeting's [`MEETING_FIELDS`] as a filter reads them (absent ones left out).
pub fn meeting_fields(meeting: &crate::meeting::Meeting) -> Fields {
    let d = &meeting.details;
    [
        ("title", meeting.title.clone()),
        ("scope", d.scope.clone()),
        (
            "duration_seconds",
            meeting.duration_seconds.map(|s| s.to_string()),
        ),
        ("direction", d.direction.clone()),
        ("system", d.system.clone()),
        ("workspace_id", d.workspace_id.clone()),
        ("owner_email", meeting.owner_email().map(str::to_owned)),
    ]
    .into_iter()
    .filter_map(|(name, value)| Some((name.to_owned(), value?)))
    .collect()
}

/// A filter's comparison value, as written, with its number when it is one.
#[derive(Debug, Clone)]
pub struct Value {
    text: String,
    number: Option<eval::Number>,
}

impl Value {
    /// A value from its text.
    pub fn new(text: impl Into<String>) -> Value {
        let text = text.into();
        let number = eval::as_number(&text);
        Value { text, number }
    }

    /// The value as written (unquoted).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Compared as text from now on, even when it reads as a number.
    fn as_text(&mut self) {
        self.number = None;
    }
}

impl Filter {
    /// Values written in single quotes (`'Retail'`): the grammar quotes with `"`, so
    /// the single quotes are part of the value and likely match nothing.
    pub fn single_quoted_values(&self) -> Vec<&str> {
        types::values(&self.op)
            .into_iter()
            .map(Value::text)
            .filter(|t| t.len() >= 2 && t.starts_with('\'') && t.ends_with('\''))
            .collect()
    }
}

impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        self.text == other.text
    }
}

impl Eq for Value {}

/// An operator with its operand(s).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    /// `=`
    Eq(Value),
    /// `!=`
    Ne(Value),
    /// `contains`
    Contains(Value),
    /// `not contains`
    NotContains(Value),
    /// `in (..)`
    In(Vec<Value>),
    /// `not in (..)`
    NotIn(Vec<Value>),
    /// `>`
    Gt(Value),
    /// `<`
    Lt(Value),
    /// `>=`
    Ge(Value),
    /// `<=`
    Le(Value),
    /// `is empty`
    IsEmpty,
    /// `is not empty`
    IsNotEmpty,
}

/// One condition: `<Object>.<field> <op> <value>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    /// Company or User.
    pub object: Object,
    /// The field name, as written (matched case-insensitively).
    pub field: String,
    /// Operator and operand(s).
    pub op: Op,
}

/// An advanced-logic expression over filter numbers (1-based).
///
/// A chain `a AND b AND c` is one n-ary node, not a nested pair per operator: the
/// tree is only as deep as the parentheses and `NOT`s, which the parser bounds, so
/// evaluating, printing and dropping it never recurses in proportion to its length.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogicExpr {
    /// Filter number `n` (1-based).
    Filter(usize),
    /// `NOT e`
    Not(Box<LogicExpr>),
    /// `a AND b AND …` (two or more operands).
    And(Vec<LogicExpr>),
    /// `a OR b OR …` (two or more operands).
    Or(Vec<LogicExpr>),
}

/// A connection's filters and how they combine.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FilterSet {
    /// The filters, numbered from 1 in this order.
    pub filters: Vec<Filter>,
    /// The advanced logic; `None` combines every filter with AND.
    pub logic: Option<LogicExpr>,
}

/// Where a filter or logic string is wrong, and how.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} at column {}: {message}", .filter.map_or("logic".to_string(), |n| format!("filter {n}")), .offset + 1)]
pub struct FilterError {
    /// The filter's number (1-based), or `None` for the logic expression.
    pub filter: Option<usize>,
    /// Byte offset of the problem in `input` (Display shows it 1-based as the column).
    pub offset: usize,
    /// What is wrong, and what was expected.
    pub message: String,
    /// The string that failed to parse.
    pub input: String,
}

impl FilterError {
    /// The input with a caret under the problem, for a terminal or a `<pre>`.
    pub fn pointer(&self) -> String {
        let column = match self.input.get(..self.offset) {
            Some(before) => before.chars().count(),
            None => self.input.chars().count(),
        };
        format!("{}\n{}^", self.input, " ".repeat(column))
    }
}

impl FilterSet {
    /// Parses filter strings (numbered from 1) and an optional logic expression; a blank
    /// logic string counts as none.
    pub fn parse<S: AsRef<str>>(
        filters: &[S],
        logic: Option<&str>,
    ) -> Result<FilterSet, FilterError> {
        let parsed = filters
            .iter()
            .enumerate()
            .map(|(i, f)| {
                parse::filter(f.as_ref()).map_err(|(offset, message)| FilterError {
                    filter: Some(i + 1),
                    offset,
                    message,
                    input: f.as_ref().to_string(),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let logic = match logic.filter(|l| !l.trim().is_empty()) {
            None => None,
            Some(text) => Some(
                logic::parse(text, parsed.len()).map_err(|(offset, message)| FilterError {
                    filter: None,
                    offset,
                    message,
                    input: text.to_string(),
                })?,
            ),
        };
        Ok(FilterSet {
            filters: parsed,
            logic,
        })
    }

    /// True when there is no filter: every meeting passes.
    pub fn is_empty(&self) -> bool {
        self.filters.is_empty()
    }
}

impl std::str::FromStr for Filter {
    type Err = FilterError;
    fn from_str(s: &str) -> Result<Filter, FilterError> {
        let mut set = FilterSet::parse(&[s], None)?;
        Ok(set.filters.remove(0))
    }
}

#[cfg(test)]
mod tests;
