//! Integration settings of a connection (T1–T6): the Sync Gong Meetings toggle, the
//! Fetch transcripts checkbox (S9), the activity type (active global types; Call and Meeting recommended), filters on
//! Company, User and Meeting fields (numbered rows, as the advanced logic refers to
//! them; each field shows its type; + adds a row, × removes one — plain form posts that keep
//! what was typed), the advanced logic. Save validates, stores and starts a sync
//! (only saves with the toggle off); a refused Save keeps every row as typed and
//! shows each error next to its row or field. Saved settings that no longer hold
//! (an import changed a field they name) are flagged until fixed ([`stale`]).

mod form;
mod page;
mod stale;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use axum::Extension;
use axum_extra::extract::Form;
use gong_timeline_store::{ConnectionId, Settings};
use gong_timeline_sync::preview::Preview;
use maud::Markup;

pub(crate) use self::form::SettingsForm;
pub use self::form::{compose, OPERATORS};
use self::form::{decompose, remove_row, Intent, Row};
use self::page::render;
pub(crate) use self::stale::{no_longer_hold, on_connection_page};
use crate::auth::AdminSession;
use crate::error::ApiError;
use crate::service::settings::{preview, save_and_sync};
use crate::state::AppState;
use crate::ui::error::{refused, PageResult};

/// `GET /connectors/{id}/settings`.
pub(crate) async fn show(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    Path(id): Path<ConnectionId>,
) -> PageResult<Markup> {
    let settings = state.store.get_settings(id).await?;
    let mut rows: Vec<Row> = settings.filters.iter().map(|f| decompose(f)).collect();
    rows.push(Row::default());
    Ok(render(&state, &s, id, &settings, rows, None, None).await?)
}

/// `POST /connectors/{id}/settings`: validate → store → sync (trigger Save); the
/// other buttons show the form again, rows as typed.
pub(crate) async fn save(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    Path(id): Path<ConnectionId>,
    Form(f): Form<SettingsForm>,
) -> PageResult {
    let wanted = f.apply(state.store.get_settings(id).await?);
    let mut rows = f.rows();
    let preview = match Intent::parse(&f.intent) {
        Intent::AddRow => {
            rows.push(Row::default());
            None
        }
        Intent::Remove(at) => {
            remove_row(&mut rows, at);
            None
        }
        Intent::Preview => match preview(&state, id, wanted.clone()).await {
            Ok(p) => Some(p),
            Err(error @ ApiError::Invalid { .. }) => {
                return rendered(&state, &s, id, &wanted, rows, Some(&error), None).await
            }
            Err(error) => return Err(error.into()),
        },
        Intent::Save => return saved(&state, &s, id, wanted, rows).await,
    };
    rendered(&state, &s, id, &wanted, rows, None, preview.as_ref()).await
}

/// Save: on to the connection's page, or the form again with the refusal.
async fn saved(
    state: &AppState,
    s: &AdminSession,
    id: ConnectionId,
    wanted: Settings,
    rows: Vec<Row>,
) -> PageResult {
    match save_and_sync(state, id, wanted.clone(), s).await {
        Ok(true) => Ok(Redirect::to(&format!("/connectors/{id}?sync=started")).into_response()),
        Ok(false) => Ok(Redirect::to(&format!("/connectors/{id}?updated=1")).into_response()),
        Err(error @ ApiError::Invalid { .. }) => {
            rendered(state, s, id, &wanted, rows, Some(&error), None).await
        }
        Err(error) => Err(error.into()),
    }
}

/// The form again, rows as typed, with the error's status when there is one.
async fn rendered(
    state: &AppState,
    s: &AdminSession,
    id: ConnectionId,
    settings: &Settings,
    rows: Vec<Row>,
    error: Option<&ApiError>,
    preview: Option<&Preview>,
) -> PageResult {
    let markup = render(state, s, id, settings, rows, error, preview).await?;
    Ok(match error {
        Some(e) => refused(e, markup),
        None => markup.into_response(),
    })
}
