//! A Gong client for a stored connection: credentials decrypted from the store, the
//! right API host, and rotated OAuth tokens persisted back before they are used.

use gong_timeline_store::ConnectionId;
use std::sync::Arc;

use futures::future::BoxFuture;
use gong_timeline_gong::{
    ClientConfig, Credentials as GongCredentials, GongClient, GongError, OAuthClient, OAuthTokens,
    RefreshStep, SinkError, TokenSink,
};
use gong_timeline_store::error::BoxError;
use gong_timeline_store::{
    Connection, Credentials, RotatedTokens, Store, StoreError, TokenRotation,
};

use crate::SyncError;

/// Builds the client of `connection`. `template` carries limits, retries and timeouts;
/// its base URL is replaced by the connection's, and its rate (when it has one) by the
/// connection's own (Q1).
///
/// For an OAuth connection the connection's base URL is Gong's OAuth host (where
/// tokens are refreshed) and the API host is `api_base_url_for_customer`.
pub async fn client_for(
    store: &Arc<dyn Store>,
    connection: &Connection,
    template: &ClientConfig,
) -> Result<GongClient, SyncError> {
    let credentials = store.connection_credentials(connection.id).await?;
    let quota = store.get_quota(connection.id).await?;
    let template = &ClientConfig {
        rate_per_second: template.rate_per_second.map(|_| quota.per_second),
        ..template.clone()
    };
    let (config, credentials) = match credentials {
        Credentials::Basic {
            access_key,
            access_key_secret,
        } => (
            ClientConfig {
                base_url: connection.base_url.clone(),
                ..template.clone()
            },
            GongCredentials::basic(access_key, access_key_secret),
        ),
        Credentials::OAuth(oauth) => {
            let tokens: OAuthTokens = oauth
                .tokens
                .clone()
                .and_then(|value| serde_json::from_value(value).ok())
                .ok_or_else(|| SyncError::NotAuthorised(connection.name.clone()))?;
            let api_base = tokens
                .api_base_url
                .clone()
                .or(oauth.api_base_url.clone())
                .unwrap_or_else(|| gong_timeline_gong::DEFAULT_BASE_URL.to_string());
            let app = OAuthClient::new(oauth.client_id, oauth.client_secret, String::new())
                .with_oauth_base_url(connection.base_url.clone());
            let sink = token_sink(store.clone(), connection.id);
            (
                ClientConfig {
                    base_url: api_base,
                    ..template.clone()
                },
                GongCredentials::oauth(tokens, app, sink),
            )
        }
    };
    Ok(GongClient::new(config, credentials)?)
}

/// Saves rotated tokens in the store (encrypted) before the client uses them, and
/// refreshes under the store's per-connection token lock, so clients of one
/// connection — in this process or another — never refresh with a refresh token
/// another one already used.
pub fn token_sink(store: Arc<dyn Store>, connection_id: ConnectionId) -> Arc<dyn TokenSink> {
    Arc::new(StoreTokenSink {
        store,
        connection_id,
    })
}

struct StoreTokenSink {
    store: Arc<dyn Store>,
    connection_id: ConnectionId,
}

impl TokenSink for StoreTokenSink {
    fn persist<'a>(&'a self, tokens: &'a OAuthTokens) -> BoxFuture<'a, Result<(), SinkError>> {
        Box::pin(async move {
            let api_base = tokens.api_base_url.clone();
            let value = serde_json::to_value(tokens).map_err(|e| Box::new(e) as SinkError)?;
            self.store
                .save_oauth_tokens(self.connection_id, value, api_base)
                .await
                .map_err(|e| Box::new(e) as SinkError)
        })
    }

    /// The step runs under [`Store::rotate_oauth_tokens`]'s lock: of every client of
    /// this connection, in every replica, one refreshes at a time, on the newest set.
    fn rotate<'a>(
        &'a self,
        step: RefreshStep<'a>,
    ) -> BoxFuture<'a, Result<Option<OAuthTokens>, GongError>> {
        Box::pin(async move {
            let rotation: TokenRotation<'a> = Box::new(move |stored| {
                Box::pin(async move {
                    let stored = stored.and_then(|v| serde_json::from_value(v).ok());
                    let fresh = step(stored).await.map_err(|e| Box::new(e) as BoxError)?;
                    fresh.map(to_rotated).transpose()
                })
            });
            let in_effect = self
                .store
                .rotate_oauth_tokens(self.connection_id, rotation)
                .await
                .map_err(from_store)?;
            Ok(in_effect.and_then(|v| serde_json::from_value(v).ok()))
        })
    }

    fn latest(&self) -> BoxFuture<'_, Option<OAuthTokens>> {
        Box::pin(async move {
            match self.store.connection_credentials(self.connection_id).await {
                Ok(Credentials::OAuth(oauth)) => {
                    oauth.tokens.and_then(|v| serde_json::from_value(v).ok())
                }
                _ => None,
            }
        })
    }
}

fn to_rotated(tokens: OAuthTokens) -> Result<RotatedTokens, BoxError> {
    Ok(RotatedTokens {
        api_base_url: tokens.api_base_url.clone(),
        tokens: serde_json::to_value(&tokens)?,
    })
}

/// Gong's own error when the step failed at Gong; otherwise the store could not take
/// the lock or save, and the tokens were not used.
fn from_store(error: StoreError) -> GongError {
    match error {
        StoreError::Rotation(source) => match source.downcast::<GongError>() {
            Ok(gong) => *gong,
            Err(source) => GongError::TokenPersist { source },
        },
        other => GongError::TokenPersist {
            source: Box::new(other),
        },
    }
}
