//! Evaluating filters against a company's and an author's fields (semantics in the
//! parent module's docs).

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};

use super::{Filter, FilterSet, LogicExpr, Object, Op, Value};

/// One object's fields by name, built-in fields included.
pub type Fields = HashMap<String, String>;

/// Where a filter reads an object's field values from.
pub trait FieldSource {
    /// The value of a field, matched case-insensitively; `None` when the object has no
    /// such field.
    fn field(&self, name: &str) -> Option<&str>;
}

impl FieldSource for HashMap<String, String> {
    fn field(&self, name: &str) -> Option<&str> {
        self.get(name)
            .or_else(|| {
                self.iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(name))
                    .map(|(_, v)| v)
            })
            .map(String::as_str)
    }
}

impl FieldSource for BTreeMap<String, String> {
    fn field(&self, name: &str) -> Option<&str> {
        self.get(name)
            .or_else(|| {
                self.iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(name))
                    .map(|(_, v)| v)
            })
            .map(String::as_str)
    }
}

impl<F: FieldSource + ?Sized> FieldSource for &F {
    fn field(&self, name: &str) -> Option<&str> {
        (**self).field(name)
    }
}

/// A number as a filter compares it: exactly when both sides are whole numbers
/// (19-digit ids stay distinct, which `f64` would merge), else as `f64`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Number {
    approx: f64,
    whole: Option<i128>,
}

impl Number {
    fn cmp(&self, other: &Number) -> Ordering {
        match (self.whole, other.whole) {
            (Some(a), Some(b)) => a.cmp(&b),
            _ => self
                .approx
                .partial_cmp(&other.approx)
                .unwrap_or(Ordering::Equal),
        }
    }
}

/// The number a text denotes, when it is a finite decimal number.
pub(super) fn as_number(text: &str) -> Option<Number> {
    let text = text.trim();
    let starts_like_a_number = text
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | '.'));
    if !starts_like_a_number {
        return None;
    }
    let approx = text.parse::<f64>().ok().filter(|n| n.is_finite())?;
    Some(Number {
        approx,
        whole: text.parse::<i128>().ok(),
    })
}

/// Numeric when both sides are numbers, else case-insensitive string order.
fn compare(field: &str, value: &Value) -> Ordering {
    match (as_number(field), value.number) {
        (Some(a), Some(b)) => a.cmp(&b),
        _ => field.to_lowercase().cmp(&value.text.to_lowercase()),
    }
}

fn equals(field: &str, value: &Value) -> bool {
    compare(field, value) == Ordering::Equal
}

fn contains(field: &str, value: &Value) -> bool {
    field.to_lowercase().contains(&value.text.to_lowercase())
}

/// An ordering test: false on an empty field.
fn ordered(field: &str, value: &Value, accept: fn(Ordering) -> bool) -> bool {
    !field.is_empty() && accept(compare(field, value))
}

/// A source with no field: a `Meeting.` filter where no meeting is given.
struct NoFields;

impl FieldSource for NoFields {
    fn field(&self, _: &str) -> Option<&str> {
        None
    }
}

impl Filter {
    /// Whether this filter holds for a company and an author (a `Meeting.` filter
    /// sees no meeting field: use [`Filter::matches_meeting`]).
    pub fn matches<C, U>(&self, company: &C, user: &U) -> bool
    where
        C: FieldSource + ?Sized,
        U: FieldSource + ?Sized,
    {
        self.matches_meeting(company, user, &NoFields)
    }

    /// Whether this filter holds for a company, an author and the call's own fields
    /// ([`super::meeting_fields`]).
    pub fn matches_meeting<C, U, M>(&self, company: &C, user: &U, meeting: &M) -> bool
    where
        C: FieldSource + ?Sized,
        U: FieldSource + ?Sized,
        M: FieldSource + ?Sized,
    {
        let raw = match self.object {
            Object::Company => company.field(&self.field),
            Object::User => user.field(&self.field),
            Object::Meeting => meeting.field(&self.field),
        };
        let field = raw.unwrap_or("").trim();
        match &self.op {
            Op::Eq(v) => equals(field, v),
            Op::Ne(v) => !equals(field, v),
            Op::Contains(v) => contains(field, v),
            Op::NotContains(v) => !contains(field, v),
            Op::In(items) => items.iter().any(|v| equals(field, v)),
            Op::NotIn(items) => !items.iter().any(|v| equals(field, v)),
            Op::Gt(v) => ordered(field, v, Ordering::is_gt),
            Op::Lt(v) => ordered(field, v, Ordering::is_lt),
            Op::Ge(v) => ordered(field, v, Ordering::is_ge),
            Op::Le(v) => ordered(field, v, Ordering::is_le),
            Op::IsEmpty => field.is_empty(),
            Op::IsNotEmpty => !field.is_empty(),
        }
    }
}

impl LogicExpr {
    /// Evaluates over the filters' results (`results[n - 1]` is filter `n`'s). The
    /// recursion is as deep as the tree, which the parser bounds (chains are n-ary).
    pub fn eval(&self, results: &[bool]) -> bool {
        match self {
            LogicExpr::Filter(n) => results.get(n.wrapping_sub(1)).copied().unwrap_or(false),
            LogicExpr::Not(inner) => !inner.eval(results),
            LogicExpr::And(operands) => operands.iter().all(|e| e.eval(results)),
            LogicExpr::Or(operands) => operands.iter().any(|e| e.eval(results)),
        }
    }
}

impl FilterSet {
    /// Whether a meeting with this company and author passes (no filter: always).
    pub fn matches<C, U>(&self, company: &C, user: &U) -> bool
    where
        C: FieldSource + ?Sized,
        U: FieldSource + ?Sized,
    {
        self.matches_meeting(company, user, &NoFields)
    }

    /// Whether a meeting with this company, author and own fields passes.
    pub fn matches_meeting<C, U, M>(&self, company: &C, user: &U, meeting: &M) -> bool
    where
        C: FieldSource + ?Sized,
        U: FieldSource + ?Sized,
        M: FieldSource + ?Sized,
    {
        let holds = |f: &Filter| f.matches_meeting(company, user, meeting);
        match &self.logic {
            None => self.filters.iter().all(holds),
            Some(logic) => {
                let results: Vec<bool> = self.filters.iter().map(holds).collect();
                logic.eval(&results)
            }
        }
    }

    /// Whether any filter reads the call's own fields (T6).
    pub fn reads_meeting(&self) -> bool {
        self.filters.iter().any(|f| f.object == Object::Meeting)
    }

    /// The numbers (1-based) of the filters that do not hold, for a skip message.
    pub fn failing<C, U>(&self, company: &C, user: &U) -> Vec<usize>
    where
        C: FieldSource + ?Sized,
        U: FieldSource + ?Sized,
    {
        (1..=self.filters.len())
            .filter(|&n| !self.filters[n - 1].matches(company, user))
            .collect()
    }
}
