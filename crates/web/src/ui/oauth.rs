//! `GET /oauth/callback`: where Gong's consent page sends the admin back.

use axum::extract::{Query, State};
use axum::response::Redirect;
use axum::Extension;
use gong_timeline_store::ConnectionStatus;
use serde::Deserialize;

use crate::auth::AdminSession;
use crate::error::ApiError;
use crate::service::oauth;
use crate::state::AppState;
use crate::ui::error::PageResult;

#[derive(Deserialize)]
pub(crate) struct CallbackParams {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// Checks `state`, exchanges the code, shows the confirmation.
pub(crate) async fn callback(
    State(state): State<AppState>,
    Extension(s): Extension<AdminSession>,
    Query(p): Query<CallbackParams>,
) -> PageResult<Redirect> {
    if let Some(error) = &p.error {
        if let Some(st) = p.state.as_deref() {
            // A refused consent spends its state; a store error here changes nothing.
            let _ = oauth::take_state(&state, st).await;
        }
        return Err(ApiError::invalid(
            "code",
            format!(
                "Gong did not authorise the connection ({error}); click Authorize to try again"
            ),
        )
        .into());
    }
    let st = p.state.as_deref().unwrap_or_default();
    let c = oauth::callback(&state, p.code.as_deref(), st, &s).await?;
    // A first authorisation offers Initiate Sync; a later one says it was re-authorised.
    let flag = if c.status == ConnectionStatus::Pending {
        "connected"
    } else {
        "reauthorised"
    };
    Ok(Redirect::to(&format!("/connectors/{}?{flag}=1", c.id)))
}
