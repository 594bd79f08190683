//! Validating a connection's settings (T1–T4) before they are saved or used: the
//! activity type must be an active global type, and the filters must parse.

use std::collections::BTreeMap;

use gong_timeline_domain::filter::{FieldType, FilterError, FilterSet, Object, MEETING_FIELDS};
use gong_timeline_store::{
    ActivityScope, ActivityType, Company, FieldObject, FieldTypeDecl, Fields, Settings, Store,
    StoreError, User,
};

/// Settings that cannot be saved or used, naming the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    /// T2: no activity type by that name.
    #[error("activity type '{name}' does not exist; choose one of: {choices}")]
    UnknownActivityType {
        /// The name given.
        name: String,
        /// Active global types.
        choices: String,
    },
    /// T2: the type exists but is inactive or not global.
    #[error("activity type '{name}' cannot be used: it is {why}; choose an active global type: {choices}")]
    RefusedActivityType {
        /// The name given.
        name: String,
        /// "inactive", "company-scoped", or both.
        why: String,
        /// Active global types.
        choices: String,
    },
    /// T3: a filter or the logic expression does not parse.
    #[error("invalid filter: {error}\n{pointer}")]
    Filter {
        /// Where and what.
        error: FilterError,
        /// The input with a caret under the problem.
        pointer: String,
    },
    /// T3: a filter names a field no company (or user) has.
    #[error("filter {number} ({filter}): {object} has no field '{field}'; known {object} fields: {known}")]
    UnknownField {
        /// The filter's number, from 1.
        number: usize,
        /// The filter as written.
        filter: String,
        /// Company or User.
        object: String,
        /// The field named.
        field: String,
        /// The fields there are.
        known: String,
    },
    /// T5: an operator or value that does not fit the field's type.
    #[error("filter {number} ({filter}): {problem}")]
    FilterType {
        /// The filter's number, from 1.
        number: usize,
        /// The filter as written.
        filter: String,
        /// What is wrong and what would be valid.
        problem: String,
    },
    /// More filters than anyone can read or a page can show.
    #[error(
        "{count} filters are too many: at most {MAX_FILTERS}; combine values with `in (…)` instead"
    )]
    TooManyFilters {
        /// How many were given.
        count: usize,
    },
    /// A filter longer than any real one.
    #[error("filter {number} is {length} characters long: at most {MAX_FILTER_CHARS}")]
    FilterTooLong {
        /// The filter's number, from 1.
        number: usize,
        /// Its length in characters.
        length: usize,
    },
    /// A logic expression longer than any real one.
    #[error("the filter logic is {length} characters long: at most {MAX_LOGIC_CHARS}")]
    LogicTooLong {
        /// Its length in characters.
        length: usize,
    },
    /// A logic expression naming more filter numbers than any real one.
    #[error("the filter logic names {terms} filter numbers: at most {MAX_LOGIC_TERMS}")]
    LogicTooManyTerms {
        /// How many filter numbers it names.
        terms: usize,
    },
    /// Nonsensical numbers.
    #[error("{field} must be between {min} and {max}, not {value}")]
    OutOfRange {
        /// Field name.
        field: &'static str,
        /// Value given.
        value: u32,
        /// Smallest allowed.
        min: u32,
        /// Largest allowed.
        max: u32,
    },
}

impl SettingsError {
    /// The number (from 1) of the filter at fault, when one is.
    pub fn filter_number(&self) -> Option<usize> {
        match self {
            SettingsError::Filter { error, .. } => error.filter,
            SettingsError::UnknownField { number, .. }
            | SettingsError::FilterType { number, .. }
            | SettingsError::FilterTooLong { number, .. } => Some(*number),
            _ => None,
        }
    }
}

/// Settings checked against the activity types, with the filters parsed.
#[derive(Debug, Clone)]
pub struct ValidSettings {
    /// The settings as stored (the activity type's name as the store spells it).
    pub settings: Settings,
    /// The parsed filters.
    pub filter: FilterSet,
}

/// The most filters a connection may have.
pub const MAX_FILTERS: usize = 50;
/// The longest a filter may be, in characters.
pub const MAX_FILTER_CHARS: usize = 2000;

/// The longest the filter logic may be, in characters.
pub const MAX_LOGIC_CHARS: usize = 2000;
/// The most filter numbers the filter logic may name (each filter may appear in it
/// several times).
pub const MAX_LOGIC_TERMS: usize = 200;

/// Bounds on the logic's size, checked before it is parsed: a saved logic that no
/// longer fits fails its connection's job with this error, never the process.
fn logic_sized(logic: Option<&str>) -> Result<(), SettingsError> {
    let Some(logic) = logic else {
        return Ok(());
    };
    let length = logic.chars().count();
    if length > MAX_LOGIC_CHARS {
        return Err(SettingsError::LogicTooLong { length });
    }
    let terms = logic
        .split(|c: char| !c.is_ascii_digit())
        .filter(|number| !number.is_empty())
        .count();
    if terms > MAX_LOGIC_TERMS {
        return Err(SettingsError::LogicTooManyTerms { terms });
    }
    Ok(())
}

/// Bounds on the filters' size, checked before they are parsed.
fn filters_sized(filters: &[String]) -> Result<(), SettingsError> {
    if filters.len() > MAX_FILTERS {
        return Err(SettingsError::TooManyFilters {
            count: filters.len(),
        });
    }
    for (i, filter) in filters.iter().enumerate() {
        let length = filter.chars().count();
        if length > MAX_FILTER_CHARS {
            return Err(SettingsError::FilterTooLong {
                number: i + 1,
                length,
            });
        }
    }
    Ok(())
}

/// Checks `settings` against the known activity types (T2, T3, T4).
pub fn validate(
    mut settings: Settings,
    types: &[ActivityType],
) -> Result<ValidSettings, SettingsError> {
    let usable = |t: &&ActivityType| t.active && t.scope == ActivityScope::Global;
    let choices = types
        .iter()
        .filter(usable)
        .map(|t| t.name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let chosen = types
        .iter()
        .find(|t| t.name.eq_ignore_ascii_case(settings.activity_type.trim()))
        .ok_or_else(|| SettingsError::UnknownActivityType {
            name: settings.activity_type.clone(),
            choices: choices.clone(),
        })?;
    if !usable(&chosen) {
        let mut why = Vec::new();
        if !chosen.active {
            why.push("inactive");
        }
        if chosen.scope != ActivityScope::Global {
            why.push("company-scoped, not global");
        }
        return Err(SettingsError::RefusedActivityType {
            name: chosen.name.clone(),
            why: why.join(" and "),
            choices,
        });
    }
    settings.activity_type = chosen.name.clone();
    range("backfill_days", settings.backfill_days, 1, 3650)?;
    range("lookback_hours", settings.lookback_hours, 0, 24 * 30)?;
    filters_sized(&settings.filters)?;
    logic_sized(settings.filter_logic.as_deref())?;
    let filter =
        FilterSet::parse(&settings.filters, settings.filter_logic.as_deref()).map_err(|error| {
            SettingsError::Filter {
                pointer: error.pointer(),
                error,
            }
        })?;
    Ok(ValidSettings { settings, filter })
}

/// The type of every Company and User field (T5), by lowercase name: declared in an
/// import header, else inferred from the imported values; built-in fields are text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldTypes {
    /// Company fields; empty before any company was imported.
    pub company: BTreeMap<String, FieldType>,
    /// User fields; empty before any user was imported.
    pub user: BTreeMap<String, FieldType>,
    /// The call's own fields (T6): always the same.
    pub meeting: BTreeMap<String, FieldType>,
}

impl FieldTypes {
    /// The fields of one object.
    pub fn of(&self, object: Object) -> &BTreeMap<String, FieldType> {
        match object {
            Object::Company => &self.company,
            Object::User => &self.user,
            Object::Meeting => &self.meeting,
        }
    }
}

/// Types of fields from the records' values and the declarations.
fn types_of(
    builtin: &[&str],
    records: &[&Fields],
    declared: &[(String, FieldType)],
) -> BTreeMap<String, FieldType> {
    if records.is_empty() {
        return BTreeMap::new();
    }
    let mut values: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for fields in records {
        for (name, value) in fields.iter() {
            values.entry(name.to_lowercase()).or_default().push(value);
        }
    }
    let mut types: BTreeMap<String, FieldType> = values
        .into_iter()
        .map(|(name, vs)| (name, FieldType::infer(vs)))
        .collect();
    for name in builtin {
        types.insert(name.to_string(), FieldType::Text);
    }
    for (name, ty) in declared {
        if let Some(t) = types.get_mut(&name.to_lowercase()) {
            *t = *ty;
        }
    }
    types
}

/// Reads the field types from the store.
pub async fn field_types(store: &dyn Store) -> Result<FieldTypes, StoreError> {
    let declared = store.list_field_types().await?;
    let companies = store.list_companies().await?;
    let users = store.list_users().await?;
    Ok(field_types_of(&companies, &users, &declared))
}

/// The field types of these companies and users under the declarations (a job
/// has the records in memory already).
pub fn field_types_of(
    companies: &[Company],
    users: &[User],
    declared: &[FieldTypeDecl],
) -> FieldTypes {
    let of = |object: FieldObject| -> Vec<(String, FieldType)> {
        declared
            .iter()
            .filter(|d| d.object == object)
            .map(|d| (d.field.clone(), d.field_type))
            .collect()
    };
    let company_fields: Vec<&Fields> = companies.iter().map(|c| &c.fields).collect();
    let user_fields: Vec<&Fields> = users.iter().map(|u| &u.fields).collect();
    FieldTypes {
        company: types_of(
            &["name", "crm_account_id"],
            &company_fields,
            &of(FieldObject::Company),
        ),
        user: types_of(
            &["email", "name", "license_type", "status"],
            &user_fields,
            &of(FieldObject::User),
        ),
        meeting: meeting_field_types(),
    }
}

/// The types of [`MEETING_FIELDS`] (T6), by name.
pub fn meeting_field_types() -> BTreeMap<String, FieldType> {
    MEETING_FIELDS
        .iter()
        .map(|(name, ty)| (name.to_string(), *ty))
        .collect()
}

/// Makes the filters on text fields compare as text (T5): `Company.zip = 2139` does
/// not match a zip of `02139` once zip is text (declared `zip:text`, or holding a
/// value that is not a number). Fields of unknown type keep comparing numbers as
/// numbers.
pub fn type_filters(filter: &mut FilterSet, types: &FieldTypes) {
    for f in &mut filter.filters {
        if types.of(f.object).get(&f.field.to_lowercase()) == Some(&FieldType::Text) {
            f.compare_as_text();
        }
    }
}

/// Checks parsed filters against the field types (T3, T5): every field must exist
/// (once records of its object were imported) and every operator and value fit its
/// type. The one validator of the CLI, the web UI and the API.
pub fn check_fields(filter: &FilterSet, types: &FieldTypes) -> Result<(), SettingsError> {
    for (i, f) in filter.filters.iter().enumerate() {
        let known = types.of(f.object);
        if known.is_empty() {
            continue;
        }
        let Some(ty) = known.get(&f.field.to_lowercase()) else {
            return Err(SettingsError::UnknownField {
                number: i + 1,
                filter: f.to_string(),
                object: f.object.to_string(),
                field: f.field.clone(),
                known: known.keys().cloned().collect::<Vec<_>>().join(", "),
            });
        };
        f.check_type(*ty)
            .map_err(|problem| SettingsError::FilterType {
                number: i + 1,
                filter: f.to_string(),
                problem,
            })?;
    }
    Ok(())
}

/// [`validate`] against the store: the activity types, and the fields and their types
/// the imported companies and users have (a filter on a field nobody has would skip
/// every meeting). The outer error is the store's; the inner one is the admin's to fix.
pub async fn validate_in(
    store: &dyn Store,
    settings: Settings,
) -> Result<Result<ValidSettings, SettingsError>, StoreError> {
    let types = store.list_activity_types().await?;
    let valid = match validate(settings, &types) {
        Ok(valid) => valid,
        Err(error) => return Ok(Err(error)),
    };
    let fields = field_types(store).await?;
    let mut valid = valid;
    type_filters(&mut valid.filter, &fields);
    Ok(check_fields(&valid.filter, &fields).map(|()| valid))
}

/// The connections whose saved settings no longer validate, each with why: an
/// import can change a field's type (a value that is not a number makes a column
/// text), drop a field, or make the activity type inactive. The CLI and the web
/// warn after an import, so the admin hears of it before the next sync.
pub async fn broken_settings(
    store: &dyn Store,
) -> Result<Vec<(String, SettingsError)>, StoreError> {
    let types = store.list_activity_types().await?;
    let fields = field_types(store).await?;
    let mut broken = Vec::new();
    for connection in store.list_connections().await? {
        let settings = store.get_settings(connection.id).await?;
        let checked =
            validate(settings, &types).and_then(|valid| check_fields(&valid.filter, &fields));
        if let Err(error) = checked {
            broken.push((connection.name, error));
        }
    }
    Ok(broken)
}

fn range(field: &'static str, value: u32, min: u32, max: u32) -> Result<(), SettingsError> {
    if (min..=max).contains(&value) {
        Ok(())
    } else {
        Err(SettingsError::OutOfRange {
            field,
            value,
            min,
            max,
        })
    }
}

#[cfg(test)]
mod tests {
    use gong_timeline_store::ActivityTypeId;

    #[test]
    fn t3_more_than_50_filters_or_a_filter_over_2000_characters_is_refused() {
        let with = |filters: Vec<String>| Settings {
            filters,
            ..Settings::default()
        };
        let many = vec!["Company.name is not empty".to_string(); MAX_FILTERS + 1];
        let long = vec![format!("Company.name = {}", "x".repeat(MAX_FILTER_CHARS))];

        let many = validate(with(many), &types()).unwrap_err();
        let long = validate(with(long), &types()).unwrap_err();

        assert_eq!(many, SettingsError::TooManyFilters { count: 51 });
        assert!(
            matches!(long, SettingsError::FilterTooLong { number: 1, .. }),
            "{long}"
        );
        assert_eq!(long.filter_number(), Some(1));
        let fifty = vec!["Company.name is not empty".to_string(); MAX_FILTERS];
        assert!(validate(with(fifty), &types()).is_ok());
    }

    use super::*;

    #[test]
    fn sec1_a_logic_over_2000_characters_or_200_terms_is_refused_saying_the_limit() {
        let with = |logic: String| Settings {
            filters: vec!["Company.name is not empty".to_string()],
            filter_logic: Some(logic),
            ..Settings::default()
        };
        let huge = validate(with(vec!["1"; 100_000].join(" AND ")), &types()).unwrap_err();
        let many = validate(with(vec!["1"; MAX_LOGIC_TERMS + 1].join("OR")), &types()).unwrap_err();

        assert_eq!(
            huge.to_string(),
            "the filter logic is 599995 characters long: at most 2000"
        );
        assert_eq!(
            many.to_string(),
            "the filter logic names 201 filter numbers: at most 200"
        );
        let most = vec!["1"; MAX_LOGIC_TERMS].join(" OR ");
        assert!(validate(with(most), &types()).is_ok());
    }

    fn types() -> Vec<ActivityType> {
        let t = |id, name: &str, scope, active| ActivityType {
            id,
            name: name.into(),
            scope,
            active,
        };
        vec![
            t(
                ActivityTypeId::new(1),
                "Meeting",
                ActivityScope::Global,
                true,
            ),
            t(ActivityTypeId::new(2), "Call", ActivityScope::Global, true),
            t(
                ActivityTypeId::new(3),
                "Onsite",
                ActivityScope::Company,
                true,
            ),
            t(
                ActivityTypeId::new(4),
                "Legacy",
                ActivityScope::Global,
                false,
            ),
        ]
    }

    #[test]
    fn t2_an_active_global_type_is_accepted_in_any_case() {
        let ok = validate(
            Settings {
                activity_type: "call".into(),
                ..Settings::default()
            },
            &types(),
        )
        .unwrap();
        assert_eq!(ok.settings.activity_type, "Call");
    }

    #[test]
    fn t2_inactive_and_company_types_are_refused_naming_themselves() {
        let err = validate(
            Settings {
                activity_type: "Legacy".into(),
                ..Settings::default()
            },
            &types(),
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "activity type 'Legacy' cannot be used: it is inactive; choose an active global type: Meeting, Call");
        let err = validate(
            Settings {
                activity_type: "Onsite".into(),
                ..Settings::default()
            },
            &types(),
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("company-scoped, not global"),
            "{err}"
        );
        let err = validate(
            Settings {
                activity_type: "Nope".into(),
                ..Settings::default()
            },
            &types(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("does not exist"), "{err}");
    }

    #[test]
    fn t5_filters_are_checked_against_inferred_and_declared_types() {
        let fields = |pairs: &[(&str, &str)]| -> Fields {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        let a = fields(&[("arr", "1200"), ("industry", "Retail"), ("zip", "02134")]);
        let b = fields(&[("arr", "30"), ("industry", "Software"), ("zip", "10001")]);
        let types = FieldTypes {
            company: types_of(
                &["name", "crm_account_id"],
                &[&a, &b],
                &[("ZIP".to_string(), FieldType::Text)],
            ),
            user: BTreeMap::new(),
            meeting: meeting_field_types(),
        };
        assert_eq!(types.company["arr"], FieldType::Number);
        assert_eq!(
            types.company["zip"],
            FieldType::Text,
            "declared beats inferred"
        );
        let check = |f: &str| {
            check_fields(
                &FilterSet::parse(&["Company.name = x", f], None).unwrap(),
                &types,
            )
        };
        assert!(check("Company.arr > 1000").is_ok());
        assert!(check("Company.zip contains 021").is_ok());
        assert!(
            check("User.anything = x").is_ok(),
            "no user imported: nothing to check"
        );
        let err = check("Company.arr > abc").unwrap_err();
        assert_eq!(err.filter_number(), Some(2));
        assert!(
            err.to_string()
                .starts_with("filter 2 (Company.arr > abc): Company.arr is a number field"),
            "{err}"
        );
        let err = check("Company.industry > 5").unwrap_err().to_string();
        assert!(
            err.contains("text field") && err.contains("'>' does not apply"),
            "{err}"
        );
        let err = check("Company.nope = 1").unwrap_err();
        assert!(
            matches!(err, SettingsError::UnknownField { number: 2, .. }),
            "{err}"
        );
    }

    #[test]
    fn t6_meeting_fields_are_known_and_typed_before_anything_is_imported() {
        let types = FieldTypes {
            meeting: meeting_field_types(),
            ..FieldTypes::default()
        };
        let check = |f: &str| check_fields(&FilterSet::parse(&[f], None).unwrap(), &types);
        assert!(check("Meeting.title not contains interview").is_ok());
        assert!(check("Meeting.scope = External").is_ok());
        assert!(check("Meeting.duration_seconds >= 300").is_ok());
        assert!(check("Meeting.owner_email contains @acme.com").is_ok());
        let err = check("Meeting.duration_seconds contains 3")
            .unwrap_err()
            .to_string();
        assert!(err.contains("number field"), "{err}");
        let err = check("Meeting.duration_seconds > long")
            .unwrap_err()
            .to_string();
        assert!(err.contains("'long' is not a number"), "{err}");
        let err = check("Meeting.topic = x").unwrap_err();
        assert!(
            matches!(&err, SettingsError::UnknownField { known, .. } if known.contains("owner_email")),
            "{err}"
        );
    }

    #[test]
    fn t3_a_bad_filter_points_at_its_position() {
        let settings = Settings {
            filters: vec!["Company.arr equals 5".into()],
            ..Settings::default()
        };
        let err = validate(settings, &types()).unwrap_err().to_string();
        assert!(
            err.starts_with("invalid filter: filter 1 at column"),
            "{err}"
        );
        assert!(err.contains('^'), "{err}");
    }
}
