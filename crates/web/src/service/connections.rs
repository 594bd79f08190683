//! Connection actions for the UI and the API (C5, C6): the web's edge checks (allowed
//! Gong hosts), then the one `gong_timeline_sync::connections` function per action.

use gong_timeline_store::{Connection, ConnectionId};
use gong_timeline_sync::connections::{self, Change, ConnectionError, NewAccessKey, Overview};

use super::hosts;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

impl From<ConnectionError> for ApiError {
    fn from(error: ConnectionError) -> ApiError {
        match error {
            ConnectionError::NotFound(_) => ApiError::NotFound(error.to_string()),
            ConnectionError::Busy(_) | ConnectionError::NotAccessKey(_) => {
                ApiError::Conflict(error.to_string())
            }
            ConnectionError::Store(e) => e.into(),
            other => ApiError::Invalid {
                field: other.field().map(str::to_string),
                message: other.to_string(),
            },
        }
    }
}

/// Creates an access-key connection to an allowed Gong host, once Gong accepted the key.
pub async fn create_access_key(
    state: &AppState,
    name: &str,
    base_url: &str,
    access_key: &str,
    access_key_secret: &str,
) -> ApiResult<Connection> {
    let base_url = hosts::check(base_url, &state.config.allowed_gong_hosts, "base_url")?;
    let new = NewAccessKey {
        name: name.to_string(),
        base_url,
        access_key: access_key.to_string(),
        access_key_secret: access_key_secret.to_string(),
    };
    Ok(
        connections::create_access_key(&state.store, state.engine.gong_config(), new, state.now())
            .await?,
    )
}

/// What an admin asks to change; blank fields keep their value.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct UpdateRequest {
    /// New name.
    #[serde(default)]
    pub name: Option<String>,
    /// New Gong base URL (access-key connections).
    #[serde(default)]
    pub base_url: Option<String>,
    /// New access key.
    #[serde(default)]
    pub access_key: Option<String>,
    /// New access key secret; never returned.
    #[serde(default)]
    pub access_key_secret: Option<String>,
}

fn filled(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

/// Renames, re-points or re-keys a connection (checked with Gong first).
pub async fn update(
    state: &AppState,
    id: ConnectionId,
    req: &UpdateRequest,
) -> ApiResult<Connection> {
    let base_url = match filled(&req.base_url) {
        Some(url) => Some(hosts::check(
            &url,
            &state.config.allowed_gong_hosts,
            "base_url",
        )?),
        None => None,
    };
    let access_key = match (filled(&req.access_key), filled(&req.access_key_secret)) {
        (None, None) => None,
        (Some(k), Some(s)) => Some((k, s)),
        _ => return Err(ConnectionError::MissingKey.into()),
    };
    let change = Change {
        name: filled(&req.name),
        base_url,
        access_key,
    };
    let updated = connections::update(&state.store, state.engine.gong_config(), id, change).await?;
    state.inner.media_clients.lock().await.remove(&id);
    Ok(updated)
}

/// Deletes a connection; its activities and the execution log stay.
pub async fn delete(state: &AppState, id: ConnectionId) -> ApiResult<Connection> {
    if state
        .inner
        .running
        .lock()
        .expect("running set")
        .contains(&id)
    {
        let name = connections::get(state.store.as_ref(), id).await?.name;
        return Err(ConnectionError::Busy(name).into());
    }
    let deleted = connections::delete(&state.store, id, state.now()).await?;
    state.inner.media_clients.lock().await.remove(&id);
    Ok(deleted)
}

/// One connection as shown.
pub async fn overview(state: &AppState, id: ConnectionId) -> ApiResult<Overview> {
    let c = connections::get(state.store.as_ref(), id).await?;
    Ok(connections::overview(state.store.as_ref(), c).await?)
}

/// Every connection as shown.
pub async fn list(state: &AppState) -> ApiResult<Vec<Overview>> {
    Ok(connections::list(state.store.as_ref()).await?)
}
