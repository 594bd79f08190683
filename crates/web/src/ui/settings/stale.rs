//! Saved settings that no longer hold (#20 item 6): an import can drop a field a
//! filter names, change its type (a value that is not a number makes a numeric
//! column text) or make the activity type inactive. The settings page and the
//! connection page check the saved settings against the store on every view and
//! say so, until the settings are fixed; after an import the Imports page says it
//! once.

use gong_timeline_store::ConnectionId;
use gong_timeline_sync::settings::{validate_in, SettingsError};
use maud::{html, Markup};

use crate::error::ApiError;
use crate::service::settings::settings_error;
use crate::state::AppState;

/// Why the connection's saved settings no longer hold, or `None` when they do.
/// A connection whose activity type names nothing while no activity type was
/// imported yet is still being set up, not broken.
pub(crate) async fn no_longer_hold(
    state: &AppState,
    id: ConnectionId,
) -> Result<Option<ApiError>, ApiError> {
    let settings = state.store.get_settings(id).await?;
    let checked = validate_in(state.store.as_ref(), settings).await?;
    let Err(error) = checked else {
        return Ok(None);
    };
    if matches!(error, SettingsError::UnknownActivityType { .. })
        && state.store.list_activity_types().await?.is_empty()
    {
        return Ok(None);
    }
    Ok(Some(settings_error(error)))
}

/// The warning of the settings page: what no longer holds; the row at fault is
/// marked below it.
pub(crate) fn on_settings_page(error: &ApiError) -> Markup {
    html! {
        div.warning id="settings-no-longer-hold" role="alert" {
            p { strong { "The saved settings no longer hold. " } (error.public_message()) }
            p.small { "The data imported since changed. Fix the setting marked below and Save; this warning stays until then." }
        }
    }
}

/// The warning of the connection page, with the way to the settings.
pub(crate) fn on_connection_page(id: ConnectionId, error: &ApiError) -> Markup {
    html! {
        div.warning id="settings-no-longer-hold" role="alert" {
            p { strong { "The Timeline settings no longer hold. " } (error.public_message()) }
            p.small { a href={ "/connectors/" (id) "/settings" } id="fix-settings" { "Fix them in Timeline settings" } "; this warning stays until they hold again." }
        }
    }
}
