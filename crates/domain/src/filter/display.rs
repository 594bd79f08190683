//! `Display` for filters, logic expressions and filter sets, in a form that parses back
//! to the same value: values are written bare when the parser would read them back
//! unchanged, quoted otherwise; logic gets the fewest parentheses that keep its shape.

use std::fmt;

use super::parse::{is_identifier, logic_word};
use super::{Filter, FilterSet, LogicExpr, Object, Op};

impl fmt::Display for Object {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Object::Company => "Company",
            Object::User => "User",
            Object::Meeting => "Meeting",
        })
    }
}

impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.", self.object)?;
        if is_identifier(&self.field) {
            f.write_str(&self.field)?;
        } else {
            write_quoted(f, &self.field)?;
        }
        let (word, value) = match &self.op {
            Op::IsEmpty => return f.write_str(" is empty"),
            Op::IsNotEmpty => return f.write_str(" is not empty"),
            Op::In(items) | Op::NotIn(items) => {
                let word = if matches!(self.op, Op::In(_)) {
                    "in"
                } else {
                    "not in"
                };
                write!(f, " {word} (")?;
                for (i, item) in items.iter().enumerate() {
                    f.write_str(if i == 0 { "" } else { ", " })?;
                    write_value(f, item.text(), true)?;
                }
                return f.write_str(")");
            }
            Op::Eq(v) => ("=", v),
            Op::Ne(v) => ("!=", v),
            Op::Contains(v) => ("contains", v),
            Op::NotContains(v) => ("not contains", v),
            Op::Gt(v) => (">", v),
            Op::Lt(v) => ("<", v),
            Op::Ge(v) => (">=", v),
            Op::Le(v) => ("<=", v),
        };
        write!(f, " {word} ")?;
        write_value(f, value.text(), false)
    }
}

impl LogicExpr {
    fn precedence(&self) -> u8 {
        match self {
            LogicExpr::Or(..) => 1,
            LogicExpr::And(..) => 2,
            LogicExpr::Not(_) | LogicExpr::Filter(_) => 3,
        }
    }

    /// A child in parentheses when it binds looser than its parent, or as tightly
    /// (an AND inside an AND was parenthesised: the parser would flatten it).
    fn write_child(&self, f: &mut fmt::Formatter<'_>, child: &LogicExpr) -> fmt::Result {
        let needs = child.precedence() < self.precedence()
            || (child.precedence() == self.precedence() && child.precedence() < 3);
        if needs {
            write!(f, "({child})")
        } else {
            write!(f, "{child}")
        }
    }
}

impl fmt::Display for LogicExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LogicExpr::Filter(n) => write!(f, "{n}"),
            LogicExpr::Not(inner) => {
                f.write_str("NOT ")?;
                self.write_child(f, inner)
            }
            LogicExpr::And(operands) | LogicExpr::Or(operands) => {
                let word = if matches!(self, LogicExpr::And(..)) {
                    " AND "
                } else {
                    " OR "
                };
                for (i, operand) in operands.iter().enumerate() {
                    f.write_str(if i == 0 { "" } else { word })?;
                    self.write_child(f, operand)?;
                }
                Ok(())
            }
        }
    }
}

impl fmt::Display for FilterSet {
    /// `f1 AND f2` without logic; `(1 AND 2) OR 3 where 1: f1; 2: f2; 3: f3` with it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(logic) = &self.logic else {
            let parts: Vec<String> = self.filters.iter().map(Filter::to_string).collect();
            return f.write_str(&parts.join(" AND "));
        };
        write!(f, "{logic} where ")?;
        for (i, filter) in self.filters.iter().enumerate() {
            let sep = if i == 0 { "" } else { "; " };
            write!(f, "{sep}{}: {filter}", i + 1)?;
        }
        Ok(())
    }
}

/// Writes a value bare when it parses back the same, else quoted.
fn write_value(f: &mut fmt::Formatter<'_>, text: &str, in_list: bool) -> fmt::Result {
    let needs_quotes = text.is_empty()
        || text.trim() != text
        || text.starts_with('"')
        || logic_word(text).is_some()
        || (!in_list && text.starts_with(['=', '!', '<', '>']))
        || (in_list && text.contains([',', '(', ')', '"']));
    if needs_quotes {
        write_quoted(f, text)
    } else {
        f.write_str(text)
    }
}

/// Writes `"text"` with `"` and `\` escaped.
fn write_quoted(f: &mut fmt::Formatter<'_>, text: &str) -> fmt::Result {
    f.write_str("\"")?;
    for ch in text.chars() {
        if ch == '"' || ch == '\\' {
            f.write_str("\\")?;
        }
        write!(f, "{ch}")?;
    }
    f.write_str("\"")
}
