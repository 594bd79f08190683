//! Validating a connection's settings (T1–T4) before they are saved or used: the
//! activity type must be an active global type, and the filters must parse.

use std::collections::BTreeSet;

use gong_timeline_domain::filter::{FilterError, FilterSet, Object};
use gong_timeline_store::{ActivityScope, ActivityType, Settings, Store, StoreError};

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

/// Settings checked against the activity types, with the filters parsed.
#[derive(Debug, Clone)]
pub struct ValidSettings {
    /// The settings as stored (the activity type's name as the store spells it).
    pub settings: Settings,
    /// The parsed filters.
    pub filter: FilterSet,
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
    let filter =
        FilterSet::parse(&settings.filters, settings.filter_logic.as_deref()).map_err(|error| {
            SettingsError::Filter {
                pointer: error.pointer(),
                error,
            }
        })?;
    Ok(ValidSettings { settings, filter })
}

/// [`validate`] against the store: the activity types, and the fields the imported
/// companies and users have (a filter on a field nobody has would skip every meeting).
/// The outer error is the store's; the inner one is the admin's to fix.
pub async fn validate_in(
    store: &dyn Store,
    settings: Settings,
) -> Result<Result<ValidSettings, SettingsError>, StoreError> {
    let types = store.list_activity_types().await?;
    let valid = match validate(settings, &types) {
        Ok(valid) => valid,
        Err(error) => return Ok(Err(error)),
    };
    let companies: Vec<BTreeSet<String>> = store
        .list_companies()
        .await?
        .into_iter()
        .map(|c| c.fields.into_keys().collect())
        .collect();
    let users: Vec<BTreeSet<String>> = store
        .list_users()
        .await?
        .into_iter()
        .map(|u| u.fields.into_keys().collect())
        .collect();
    let known_company = known_fields(&["name", "crm_account_id"], companies);
    let known_user = known_fields(&["email", "name", "license_type", "status"], users);
    for (i, filter) in valid.filter.filters.iter().enumerate() {
        let (object, known) = match filter.object {
            Object::Company => ("Company", &known_company),
            Object::User => ("User", &known_user),
        };
        let Some(known) = known else { continue };
        if !known.contains(&filter.field.to_ascii_lowercase()) {
            return Ok(Err(SettingsError::UnknownField {
                number: i + 1,
                filter: filter.to_string(),
                object: object.to_string(),
                field: filter.field.clone(),
                known: known.iter().cloned().collect::<Vec<_>>().join(", "),
            }));
        }
    }
    Ok(Ok(valid))
}

/// Built-in fields plus every record's own, lowercase; `None` before any record exists
/// (then nothing can be checked yet).
fn known_fields(builtin: &[&str], records: Vec<BTreeSet<String>>) -> Option<BTreeSet<String>> {
    if records.is_empty() {
        return None;
    }
    let mut known: BTreeSet<String> = builtin.iter().map(|f| f.to_string()).collect();
    known.extend(
        records
            .into_iter()
            .flatten()
            .map(|f| f.to_ascii_lowercase()),
    );
    Some(known)
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
    use super::*;

    fn types() -> Vec<ActivityType> {
        let t = |id, name: &str, scope, active| ActivityType {
            id,
            name: name.into(),
            scope,
            active,
        };
        vec![
            t(1, "Meeting", ActivityScope::Global, true),
            t(2, "Call", ActivityScope::Global, true),
            t(3, "Onsite", ActivityScope::Company, true),
            t(4, "Legacy", ActivityScope::Global, false),
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
