//! Connections: OAuth ones (create by name → Authorize → Gong's consent page →
//! callback with a single-use `state` → token exchange) and access-key ones. The
//! customer API host from the token response is checked by [`super::hosts`].

use gong_timeline_gong::OAuthClient;
use gong_timeline_store::{
    Connection, ConnectionId, ConnectionStatus, Credentials, NewConnection, OAuthCredentials,
};

use super::hosts;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Scopes a meetings sync needs.
pub const SCOPES: &[&str] = &[
    "api:calls:read:extensive",
    "api:calls:read:basic",
    "api:users:read",
    "api:calls:read:media-url",
];

fn check_name(name: &str) -> ApiResult<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(gong_timeline_sync::connections::ConnectionError::InvalidName.into());
    }
    Ok(name.to_string())
}

/// Creates an OAuth connection, Pending until authorised.
pub async fn create_oauth(state: &AppState, name: &str) -> ApiResult<Connection> {
    let name = check_name(name)?;
    let app = state.config.oauth.as_ref().ok_or_else(|| {
        ApiError::invalid(
            "kind",
            "no Gong OAuth app is configured: start serve with GONG_CLIENT_ID and GONG_CLIENT_SECRET, or use an access key",
        )
    })?;
    if let Some(taken) = state.store.connection_by_name(&name).await? {
        return Err(
            gong_timeline_sync::connections::ConnectionError::NameTaken {
                pending: (taken.status == ConnectionStatus::Pending).then_some(taken.id),
                name,
            }
            .into(),
        );
    }
    let connection = state
        .store
        .create_connection(NewConnection {
            name,
            base_url: state.config.oauth_base_url.clone(),
            credentials: Credentials::OAuth(OAuthCredentials {
                client_id: app.client_id.clone(),
                client_secret: app.client_secret.clone(),
                tokens: None,
                api_base_url: None,
            }),
            status: ConnectionStatus::Pending,
            created_at: state.now(),
        })
        .await?;
    Ok(connection)
}

fn app_for(state: &AppState, connection: &Connection, oauth: &OAuthCredentials) -> OAuthClient {
    OAuthClient::new(
        oauth.client_id.clone(),
        oauth.client_secret.clone(),
        state.config.redirect_uri(),
    )
    .with_oauth_base_url(connection.base_url.clone())
}

async fn oauth_parts(
    state: &AppState,
    id: ConnectionId,
) -> ApiResult<(Connection, OAuthCredentials)> {
    let connection = state
        .store
        .get_connection(id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("connection {id} does not exist")))?;
    match state.store.connection_credentials(id).await? {
        Credentials::OAuth(oauth) => Ok((connection, oauth)),
        Credentials::Basic { .. } => Err(ApiError::Conflict(format!(
            "'{}' uses an access key; only OAuth connections are authorised with Gong",
            connection.name
        ))),
    }
}

/// The consent page URL for `id`, with a fresh single-use `state`.
pub async fn authorize_url(state: &AppState, id: ConnectionId) -> ApiResult<String> {
    let (connection, oauth) = oauth_parts(state, id).await?;
    let issued = state.inner.pending.issue(id);
    app_for(state, &connection, &oauth)
        .authorize_url(&issued, SCOPES)
        .map(|u| u.to_string())
        .map_err(|e| ApiError::Internal(e.to_string()))
}

/// Handles Gong's redirect: checks `state` (once), exchanges `code`, checks the
/// customer API host, stores the tokens (encrypted) and marks the connection
/// Authorised.
pub async fn callback(state: &AppState, code: Option<&str>, st: &str) -> ApiResult<Connection> {
    let id = state.inner.pending.consume(st).map_err(|_| {
        ApiError::invalid(
            "state",
            "this authorisation link is unknown, expired or already used; click Authorize again",
        )
    })?;
    let code = code.filter(|c| !c.is_empty()).ok_or_else(|| {
        ApiError::invalid(
            "code",
            "Gong sent no authorisation code (was access denied?)",
        )
    })?;
    let (connection, oauth) = oauth_parts(state, id).await?;
    let http = gong_timeline_gong::reqwest::Client::new();
    let tokens = app_for(state, &connection, &oauth)
        .exchange_code(&http, code)
        .await
        .map_err(|e| ApiError::BadGateway(format!("Gong refused the authorisation: {e}")))?;
    let api_base_url = match &tokens.api_base_url {
        Some(url) => Some(hosts::check(
            url,
            &state.config.allowed_gong_hosts,
            "api_base_url",
        )?),
        None => None,
    };
    let value = serde_json::to_value(&tokens).map_err(|e| ApiError::Internal(e.to_string()))?;
    state
        .store
        .update_credentials(
            id,
            Credentials::OAuth(OAuthCredentials {
                tokens: Some(value),
                api_base_url,
                ..oauth
            }),
        )
        .await?;
    state
        .store
        .set_connection_status(id, ConnectionStatus::Authorised)
        .await?;
    state.inner.media_clients.lock().await.remove(&id);
    tracing::info!(connection = %connection.name, "Connection authorised.");
    Ok(connection)
}
