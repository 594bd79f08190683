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

/// The number a text denotes, when it is a finite decimal number.
pub(super) fn as_number(text: &str) -> Option<f64> {
    let text = text.trim();
    let starts_like_a_number = text
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | '.'));
    if !starts_like_a_number {
        return None;
    }
    text.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// Numeric when both sides are numbers, else case-insensitive string order.
fn compare(field: &str, value: &Value) -> Ordering {
    match (as_number(field), value.number) {
        (Some(a), Some(b)) => a.partial_cmp(&b).unwrap_or(Ordering::Equal),
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

impl Filter {
    /// Whether this filter holds for a company and an author.
    pub fn matches<C, U>(&self, company: &C, user: &U) -> bool
    where
        C: FieldSource + ?Sized,
        U: FieldSource + ?Sized,
    {
        let raw = match self.object {
            Object::Company => company.field(&self.field),
            Object::User => user.field(&self.field),
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
    /// Evaluates over the filters' results (`results[n - 1]` is filter `n`'s).
    pub fn eval(&self, results: &[bool]) -> bool {
        match self {
            LogicExpr::Filter(n) => results.get(n.wrapping_sub(1)).copied().unwrap_or(false),
            LogicExpr::Not(inner) => !inner.eval(results),
            LogicExpr::And(a, b) => a.eval(results) && b.eval(results),
            LogicExpr::Or(a, b) => a.eval(results) || b.eval(results),
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
        match &self.logic {
            None => self.filters.iter().all(|f| f.matches(company, user)),
            Some(logic) => {
                let results: Vec<bool> = self
                    .filters
                    .iter()
                    .map(|f| f.matches(company, user))
                    .collect();
                logic.eval(&results)
            }
        }
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
