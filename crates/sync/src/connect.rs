//! A Gong client for a stored connection: credentials decrypted from the store, the
//! right API host, and rotated OAuth tokens persisted back before they are used.

use std::sync::Arc;

use futures::future::BoxFuture;
use gong_timeline_gong::{
    ClientConfig, Credentials as GongCredentials, GongClient, OAuthClient, OAuthTokens, SinkError,
    TokenSink,
};
use gong_timeline_store::{Connection, Credentials, Store};

use crate::SyncError;

/// Builds the client of `connection`. `template` carries limits, retries and timeouts;
/// its base URL is replaced by the connection's.
///
/// For an OAuth connection the connection's base URL is Gong's OAuth host (where
/// tokens are refreshed) and the API host is `api_base_url_for_customer`.
pub async fn client_for(
    store: &Arc<dyn Store>,
    connection: &Connection,
    template: &ClientConfig,
) -> Result<GongClient, SyncError> {
    let credentials = store.connection_credentials(connection.id).await?;
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
/// hands back the stored set, so clients of one connection — in this process or
/// another — never refresh with a refresh token another one already used.
pub fn token_sink(store: Arc<dyn Store>, connection_id: i64) -> Arc<dyn TokenSink> {
    Arc::new(StoreTokenSink {
        store,
        connection_id,
    })
}

struct StoreTokenSink {
    store: Arc<dyn Store>,
    connection_id: i64,
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
