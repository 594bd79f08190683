//! A connection's settings for its page and the API (T3–T5): the preview of candidate
//! settings, Save (validate → store → sync), and the field each settings error is about.

use gong_timeline_domain::Trigger;
use gong_timeline_store::{ConnectionId, Settings};
use gong_timeline_sync::preview::Preview;
use gong_timeline_sync::settings::SettingsError;

use gong_timeline_domain::audit::AuditAction;
use gong_timeline_sync::audit::Change;

use super::{audit, lookup, runs};
use crate::auth::AdminSession;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// T3, T5: how many stored meetings of the last 30 days `settings` would let through
/// (the same validation as Save; nothing saved).
pub async fn preview(state: &AppState, id: ConnectionId, settings: Settings) -> ApiResult<Preview> {
    lookup::connection(state, id).await?;
    gong_timeline_sync::preview::preview(state.store.as_ref(), id, settings, state.now())
        .await?
        .map_err(settings_error)
}

/// T4: validates, stores and starts a sync with the new settings — unless the "Sync
/// Gong Meetings" toggle is off (C6): then it only saves. True when a sync started (or
/// one was already running).
pub async fn save_and_sync(
    state: &AppState,
    id: ConnectionId,
    settings: Settings,
    by: &AdminSession,
) -> ApiResult<bool> {
    let connection = lookup::connection(state, id).await?;
    let valid = gong_timeline_sync::settings::validate_in(state.store.as_ref(), settings)
        .await?
        .map_err(settings_error)?;
    let before = state.store.get_settings(id).await?;
    state.store.put_settings(id, &valid.settings).await?;
    let change = Change::new(
        AuditAction::SettingsChanged,
        audit::connection(&connection.name),
    )
    .before(&before)
    .after(&valid.settings);
    audit::record(state, by, change).await;
    if !valid.settings.enabled {
        return Ok(false);
    }
    match runs::start(state, id, Trigger::Save).await {
        Ok(()) => Ok(true),
        // A sync already running reads the new settings at its next page.
        Err(ApiError::Conflict(_)) => Ok(false),
        Err(e) => Err(e),
    }
}

/// The field a settings error is about: `filters.N` for filter N (from 1),
/// `filter_logic` for the advanced logic, `activity_type`, a range's own field, else
/// `filters`. The page shows the error beside that field; the API names it.
pub fn error_field(error: &SettingsError) -> String {
    use SettingsError as E;
    match (error, error.filter_number()) {
        (E::UnknownActivityType { .. } | E::RefusedActivityType { .. }, _) => {
            "activity_type".to_string()
        }
        (_, Some(n)) => format!("filters.{n}"),
        (E::Filter { .. } | E::LogicTooLong { .. } | E::LogicTooManyTerms { .. }, None) => {
            "filter_logic".to_string()
        }
        (E::OutOfRange { field, .. }, _) => field.to_string(),
        _ => "filters".to_string(),
    }
}

/// A settings error as an [`ApiError::Invalid`] naming [`error_field`].
pub fn settings_error(error: SettingsError) -> ApiError {
    ApiError::invalid(&error_field(&error), error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_settings_error_names_the_field_the_page_shows_it_beside() {
        let cases = [
            (
                SettingsError::UnknownActivityType {
                    name: "Nope".into(),
                    choices: "Meeting".into(),
                },
                "activity_type",
            ),
            (
                SettingsError::FilterType {
                    number: 2,
                    filter: "Company.arr > x".into(),
                    problem: "not a number".into(),
                },
                "filters.2",
            ),
            (
                SettingsError::FilterTooLong {
                    number: 3,
                    length: 9_999,
                },
                "filters.3",
            ),
            (
                SettingsError::LogicTooLong { length: 9_999 },
                "filter_logic",
            ),
            (
                SettingsError::LogicTooManyTerms { terms: 999 },
                "filter_logic",
            ),
            (
                SettingsError::OutOfRange {
                    field: "backfill_days",
                    value: 0,
                    min: 1,
                    max: 3650,
                },
                "backfill_days",
            ),
            (SettingsError::TooManyFilters { count: 999 }, "filters"),
        ];
        for (error, field) in cases {
            assert_eq!(error_field(&error), field, "{error}");
        }
    }

    #[test]
    fn a_settings_error_is_invalid_input_with_its_message() {
        let error = settings_error(SettingsError::LogicTooLong { length: 9_999 });
        assert_eq!(error.status(), axum::http::StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(error.field(), Some("filter_logic"));
        assert!(error.public_message().contains("9999"), "{error}");
    }
}
