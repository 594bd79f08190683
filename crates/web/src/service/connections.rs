//! Connection actions for the UI and the API (C1, C5, C6): creation of either kind,
//! then the web's edge checks (allowed Gong hosts) before the one
//! `gong_timeline_sync::connections` function per action; `sync`'s "no such
//! connection" becomes the web's one 404.

use gong_timeline_store::{AuthKind, Connection, ConnectionId};
use gong_timeline_sync::connections::{self, Change, ConnectionError, NewAccessKey, Overview};
use serde::Deserialize;

use gong_timeline_domain::audit::AuditAction;
use gong_timeline_sync::audit::Change as Audited;
use serde_json::json;

use super::{audit, hosts, lookup, oauth};
use crate::auth::AdminSession;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

impl From<ConnectionError> for ApiError {
    fn from(error: ConnectionError) -> ApiError {
        match error {
            ConnectionError::NotFound(id) => ApiError::no_connection(id),
            ConnectionError::Busy(_)
            | ConnectionError::NotAccessKey(_)
            | ConnectionError::SameAccount { .. }
            | ConnectionError::AccountTaken { .. } => ApiError::Conflict(error.to_string()),
            ConnectionError::Store(e) => e.into(),
            other => ApiError::Invalid {
                field: other.field().map(str::to_string),
                message: other.to_string(),
            },
        }
    }
}

/// What an admin asks to create: the create form's and `POST /connections`' fields.
/// Its `Debug` shows no secret (C4).
#[derive(Clone, Default, Deserialize)]
pub struct NewConnectionRequest {
    /// Name, unique.
    pub name: String,
    /// `oauth` (absent: OAuth) or `basic` (also `access_key`), any case.
    #[serde(default)]
    pub kind: Option<String>,
    /// Gong API base URL (basic only); blank is [`DEFAULT_BASE_URL`].
    #[serde(default)]
    pub base_url: Option<String>,
    /// Access key (basic only).
    #[serde(default)]
    pub access_key: Option<String>,
    /// Access key secret (basic only); never returned.
    #[serde(default)]
    pub access_key_secret: Option<String>,
    /// S10: replace the connection that already syncs the same Gong account, keeping
    /// its activities (else such a connection refuses this one).
    #[serde(default)]
    pub replace: bool,
}

/// `Some("…")` for a secret that was given, so that a log shows that it was.
fn hidden(secret: &Option<String>) -> Option<&'static str> {
    secret.as_ref().map(|_| "…")
}

impl std::fmt::Debug for NewConnectionRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewConnectionRequest")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("base_url", &self.base_url)
            .field("access_key", &self.access_key)
            .field("access_key_secret", &hidden(&self.access_key_secret))
            .field("replace", &self.replace)
            .finish()
    }
}

impl std::fmt::Debug for UpdateRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UpdateRequest")
            .field("name", &self.name)
            .field("base_url", &self.base_url)
            .field("access_key", &self.access_key)
            .field("access_key_secret", &hidden(&self.access_key_secret))
            .finish()
    }
}

/// The kind asked for: absent is OAuth, the kind most admins use; anything unknown is
/// refused rather than taken for OAuth.
pub fn kind_of(kind: Option<&str>) -> ApiResult<AuthKind> {
    match kind {
        None => Ok(AuthKind::OAuth),
        Some(text)
            if ["access key", "access_key", "access-key"]
                .iter()
                .any(|k| text.trim().eq_ignore_ascii_case(k)) =>
        {
            Ok(AuthKind::Basic)
        }
        Some(text) => text.parse().map_err(|_| {
            ApiError::invalid(
                "kind",
                format!("'{text}' is not a kind of connection: pick OAuth or Access key"),
            )
        }),
    }
}

/// Gong's public API, the base URL an access-key connection gets when none is given;
/// an account on its own host pastes `https://us-NNNNN.api.gong.io` from Gong's API page.
pub const DEFAULT_BASE_URL: &str = "https://api.gong.io";

/// The base URL asked for, or [`DEFAULT_BASE_URL`] when blank.
pub fn base_url_or_default(url: Option<&str>) -> String {
    match url.map(str::trim).filter(|u| !u.is_empty()) {
        Some(url) => url.to_string(),
        None => DEFAULT_BASE_URL.to_string(),
    }
}

/// A created connection, and the consent page to send the admin to (OAuth only).
#[derive(Debug)]
pub struct Created {
    /// The connection.
    pub connection: Connection,
    /// Gong's consent page, with a fresh `state` bound to the requester.
    pub authorize_url: Option<String>,
}

/// Creates a connection of either kind (C1): an OAuth one Pending until authorised,
/// or an access-key one once Gong accepted the key.
pub async fn create(
    state: &AppState,
    req: &NewConnectionRequest,
    requester: &AdminSession,
) -> ApiResult<Created> {
    let created = create_either(state, req, requester).await?;
    let c = &created.connection;
    let shown = json!({"name": c.name, "base_url": c.base_url, "auth": c.auth_kind.to_string()});
    let change = Audited::new(AuditAction::ConnectionCreated, audit::connection(&c.name));
    audit::record(state, requester, change.after(&shown)).await;
    Ok(created)
}

async fn create_either(
    state: &AppState,
    req: &NewConnectionRequest,
    requester: &AdminSession,
) -> ApiResult<Created> {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    match kind_of(req.kind.as_deref())? {
        AuthKind::Basic => {
            let new = NewAccessKey {
                name: req.name.clone(),
                base_url: base_url_or_default(req.base_url.as_deref()),
                access_key: text(&req.access_key),
                access_key_secret: text(&req.access_key_secret),
                replace: req.replace,
            };
            let connection = create_access_key(state, new, requester).await?;
            Ok(Created {
                connection,
                authorize_url: None,
            })
        }
        AuthKind::OAuth => {
            let connection = oauth::create_oauth(state, &req.name).await?;
            let url = oauth::authorize_url(state, connection.id, requester, req.replace).await?;
            Ok(Created {
                connection,
                authorize_url: Some(url),
            })
        }
    }
}

/// Creates an access-key connection to an allowed Gong host, once Gong accepted the
/// key; a connection it replaced (S10) is audited as deleted by `requester`.
async fn create_access_key(
    state: &AppState,
    new: NewAccessKey,
    requester: &AdminSession,
) -> ApiResult<Connection> {
    let base_url = hosts::check(&new.base_url, &state.config.allowed_gong_hosts, "base_url")?;
    let new = NewAccessKey { base_url, ..new };
    let created =
        connections::create_access_key(&state.store, state.engine.gong_config(), new, state.now())
            .await?;
    audit::record_replaced(
        state,
        requester,
        &created.replaced,
        &created.connection.name,
    )
    .await;
    Ok(created.connection)
}

/// What an admin asks to change; blank fields keep their value. Its `Debug` shows no
/// secret (C4).
#[derive(Clone, Default, serde::Deserialize)]
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
    by: &AdminSession,
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
    let key_replaced = access_key.is_some();
    let change = Change {
        name: filled(&req.name),
        base_url,
        access_key,
    };
    let before = lookup::connection(state, id).await?;
    let updated = connections::update(&state.store, state.engine.gong_config(), id, change).await?;
    state.inner.media_clients.lock().await.remove(&id);
    let change = Audited::new(
        AuditAction::ConnectionUpdated,
        audit::connection(&updated.name),
    )
    .before(&json!({"name": before.name, "base_url": before.base_url}))
    .after(
        &json!({"name": updated.name, "base_url": updated.base_url, "key_replaced": key_replaced}),
    );
    audit::record(state, by, change).await;
    Ok(updated)
}

/// Deletes a connection; its activities and the execution log stay.
pub async fn delete(
    state: &AppState,
    id: ConnectionId,
    by: &AdminSession,
) -> ApiResult<Connection> {
    if state
        .inner
        .running
        .lock()
        .expect("running set")
        .contains(&id)
    {
        let name = lookup::connection(state, id).await?.name;
        return Err(ConnectionError::Busy(name).into());
    }
    let deleted = connections::delete(&state.store, id, state.now()).await?;
    state.inner.media_clients.lock().await.remove(&id);
    let change = Audited::new(
        AuditAction::ConnectionDeleted,
        audit::connection(&deleted.name),
    )
    .before(&json!({"name": deleted.name, "base_url": deleted.base_url}));
    audit::record(state, by, change).await;
    Ok(deleted)
}

/// One connection as shown.
pub async fn overview(state: &AppState, id: ConnectionId) -> ApiResult<Overview> {
    let c = lookup::connection(state, id).await?;
    Ok(connections::overview(state.store.as_ref(), c).await?)
}

/// Every connection as shown.
pub async fn list(state: &AppState) -> ApiResult<Vec<Overview>> {
    Ok(connections::list(state.store.as_ref()).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_debug_shows_no_secret() {
        let new = NewConnectionRequest {
            name: "acme".into(),
            access_key_secret: Some("s3cret".into()),
            ..NewConnectionRequest::default()
        };
        let change = UpdateRequest {
            access_key_secret: Some("s3cret".into()),
            ..UpdateRequest::default()
        };
        for shown in [format!("{new:?}"), format!("{change:?}")] {
            assert!(!shown.contains("s3cret"), "{shown}");
            assert!(shown.contains("access_key_secret: Some(\"…\")"), "{shown}");
        }
    }

    #[test]
    fn no_kind_is_oauth_and_either_kind_is_read_in_any_case() {
        assert_eq!(kind_of(None).ok(), Some(AuthKind::OAuth));
        assert_eq!(kind_of(Some("oauth")).ok(), Some(AuthKind::OAuth));
        assert_eq!(kind_of(Some("Basic")).ok(), Some(AuthKind::Basic));
        assert_eq!(kind_of(Some("access_key")).ok(), Some(AuthKind::Basic));
        assert_eq!(base_url_or_default(Some("  ")), DEFAULT_BASE_URL);
        assert_eq!(base_url_or_default(None), DEFAULT_BASE_URL);
    }

    #[test]
    fn an_unknown_or_blank_kind_is_refused_on_the_kind_field() {
        for text in ["zzz", ""] {
            let error = kind_of(Some(text)).expect_err(text);
            assert_eq!(error.field(), Some("kind"));
            assert_eq!(
                error.public_message(),
                format!("'{text}' is not a kind of connection: pick OAuth or Access key")
            );
        }
    }
}
