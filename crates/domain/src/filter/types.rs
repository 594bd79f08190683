//! Field types (T5): every Company and User field is text, a number, a date or a
//! boolean — inferred from the imported values, or declared in a CSV header
//! (`arr:number`). A filter's operator and value(s) are checked against its field's
//! type, so `Company.arr > abc` or `Company.industry > 5` never reach a sync.
//!
//! | type | operators | values |
//! | --- | --- | --- |
//! | text | `=` `!=` `contains` `not contains` `in` `not in` `is empty` `is not empty` | anything |
//! | number | `=` `!=` `>` `<` `>=` `<=` `in` `not in` `is empty` `is not empty` | decimal numbers (`10000`, `-2.5`) |
//! | date | `=` `!=` `>` `<` `>=` `<=` `is empty` `is not empty` | `YYYY-MM-DD` |
//! | boolean | `=` `!=` `is empty` `is not empty` | `true`, `false` |

use super::{eval::as_number, Filter, Op, Value};

crate::spelled_enum!(
    /// The type of a Company or User field.
    FieldType, "field type" {
        Text => "text",
        Number => "number",
        Date => "date",
        Boolean => "boolean",
    }
);

impl FieldType {
    /// The type every non-empty value fits, most specific first (number, date,
    /// boolean); text when values disagree or there is none.
    pub fn infer<'a>(values: impl IntoIterator<Item = &'a str>) -> FieldType {
        let mut fits = [FieldType::Number, FieldType::Date, FieldType::Boolean].to_vec();
        let mut any = false;
        for value in values.into_iter().map(str::trim).filter(|v| !v.is_empty()) {
            any = true;
            fits.retain(|t| t.accepts(value));
            if fits.is_empty() {
                return FieldType::Text;
            }
        }
        match fits.first() {
            Some(t) if any => *t,
            _ => FieldType::Text,
        }
    }

    /// Whether `value` is a value of this type.
    pub fn accepts(self, value: &str) -> bool {
        let value = value.trim();
        match self {
            FieldType::Text => true,
            FieldType::Number => as_number(value).is_some(),
            FieldType::Date => chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").is_ok(),
            FieldType::Boolean => {
                value.eq_ignore_ascii_case("true") || value.eq_ignore_ascii_case("false")
            }
        }
    }

    /// The operators allowed on this type, as the grammar spells them.
    pub fn operators(self) -> &'static [&'static str] {
        match self {
            FieldType::Text => &[
                "=",
                "!=",
                "contains",
                "not contains",
                "in",
                "not in",
                "is empty",
                "is not empty",
            ],
            FieldType::Number => &[
                "=",
                "!=",
                ">",
                "<",
                ">=",
                "<=",
                "in",
                "not in",
                "is empty",
                "is not empty",
            ],
            FieldType::Date => &["=", "!=", ">", "<", ">=", "<=", "is empty", "is not empty"],
            FieldType::Boolean => &["=", "!=", "is empty", "is not empty"],
        }
    }

    /// What a value of this type looks like, for messages.
    pub fn example(self) -> &'static str {
        match self {
            FieldType::Text => "any text",
            FieldType::Number => "a number such as 10000 or 2.5 (no thousands separators)",
            FieldType::Date => "a date as YYYY-MM-DD",
            FieldType::Boolean => "true or false",
        }
    }
}

/// The grammar's spelling of an operator.
pub fn op_word(op: &Op) -> &'static str {
    match op {
        Op::Eq(_) => "=",
        Op::Ne(_) => "!=",
        Op::Contains(_) => "contains",
        Op::NotContains(_) => "not contains",
        Op::In(_) => "in",
        Op::NotIn(_) => "not in",
        Op::Gt(_) => ">",
        Op::Lt(_) => "<",
        Op::Ge(_) => ">=",
        Op::Le(_) => "<=",
        Op::IsEmpty => "is empty",
        Op::IsNotEmpty => "is not empty",
    }
}

/// The value(s) an operator compares with.
pub(super) fn values(op: &Op) -> Vec<&Value> {
    match op {
        Op::In(vs) | Op::NotIn(vs) => vs.iter().collect(),
        Op::IsEmpty | Op::IsNotEmpty => Vec::new(),
        Op::Eq(v)
        | Op::Ne(v)
        | Op::Contains(v)
        | Op::NotContains(v)
        | Op::Gt(v)
        | Op::Lt(v)
        | Op::Ge(v)
        | Op::Le(v) => vec![v],
    }
}

impl Filter {
    /// Makes this filter compare its value(s) as text, never as numbers: for a text
    /// field (T5) `02139` and `2139` are different values, and `Company.zip = 2139`
    /// does not match a zip of `02139`.
    pub fn compare_as_text(&mut self) {
        match &mut self.op {
            Op::In(vs) | Op::NotIn(vs) => vs.iter_mut().for_each(Value::as_text),
            Op::IsEmpty | Op::IsNotEmpty => {}
            Op::Eq(v)
            | Op::Ne(v)
            | Op::Contains(v)
            | Op::NotContains(v)
            | Op::Gt(v)
            | Op::Lt(v)
            | Op::Ge(v)
            | Op::Le(v) => v.as_text(),
        }
    }

    /// Checks the operator and value(s) against the field's type; the error says what
    /// is wrong and what would be valid (the caller adds the filter's number).
    pub fn check_type(&self, ty: FieldType) -> Result<(), String> {
        let word = op_word(&self.op);
        let field = format!("{}.{}", self.object, self.field);
        if !ty.operators().contains(&word) {
            return Err(format!(
                "{field} is a {ty} field: '{word}' does not apply to it; use one of {}",
                ty.operators().join(", ")
            ));
        }
        if let Some(bad) = values(&self.op).into_iter().find(|v| !ty.accepts(v.text())) {
            return Err(format!(
                "{field} is a {ty} field: '{}' is not {}",
                bad.text(),
                ty.example()
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_inferred_from_every_non_empty_value() {
        assert_eq!(FieldType::infer(["10", "", "2.5"]), FieldType::Number);
        assert_eq!(
            FieldType::infer(["2024-05-01", "2023-12-31"]),
            FieldType::Date
        );
        assert_eq!(FieldType::infer(["true", "FALSE"]), FieldType::Boolean);
        assert_eq!(FieldType::infer(["10", "ten"]), FieldType::Text);
        assert_eq!(FieldType::infer(["", " "]), FieldType::Text);
        assert_eq!(FieldType::infer(["10,000"]), FieldType::Text);
    }

    #[test]
    fn a_text_field_compares_as_text_so_02139_is_not_2139() {
        let company: crate::filter::Fields = [("zip".to_string(), "02139".to_string())].into();
        let user = crate::filter::Fields::new();
        let mut numeric: Filter = "Company.zip = 2139".parse().unwrap();
        let mut listed: Filter = "Company.zip in (2139, 10001)".parse().unwrap();
        let mut exact: Filter = "Company.zip = 02139".parse().unwrap();
        let mut unequal: Filter = "Company.zip != 2139".parse().unwrap();

        for f in [&mut numeric, &mut listed, &mut exact, &mut unequal] {
            f.compare_as_text();
        }

        assert!(!numeric.matches(&company, &user));
        assert!(!listed.matches(&company, &user));
        assert!(exact.matches(&company, &user));
        assert!(unequal.matches(&company, &user));
    }

    #[test]
    fn operators_and_values_are_checked_per_type_naming_what_is_valid() {
        let check = |f: &str, ty| f.parse::<Filter>().unwrap().check_type(ty);
        assert_eq!(check("Company.arr > 10000", FieldType::Number), Ok(()));
        let err = check("Company.arr > abc", FieldType::Number).unwrap_err();
        assert!(
            err.contains("number field") && err.contains("'abc' is not a number"),
            "{err}"
        );
        let err = check("Company.industry > 5", FieldType::Text).unwrap_err();
        assert!(
            err.contains("'>' does not apply") && err.contains("contains"),
            "{err}"
        );
        let err = check("Company.renewal < 2024-13-01", FieldType::Date).unwrap_err();
        assert!(err.contains("YYYY-MM-DD"), "{err}");
        assert_eq!(check("User.admin = TRUE", FieldType::Boolean), Ok(()));
        let err = check("Company.arr in (1, x)", FieldType::Number).unwrap_err();
        assert!(err.contains("'x'"), "{err}");
        assert_eq!(check("Company.arr is empty", FieldType::Number), Ok(()));
    }
}
